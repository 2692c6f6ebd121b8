"""The one place where DynamoDB's ClientError codes become domain errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from domain.errors import DomainError, StoreUnavailable

# Codes after which the request changed nothing and retrying later may succeed.
RETRYABLE = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TransactionConflictException",
        "TransactionInProgressException",
        "InternalServerError",
        "ServiceUnavailable",
    }
)

# Per-action reasons inside a cancelled transaction that mean "busy", not "wrong".
RETRYABLE_REASONS = frozenset(
    {"TransactionConflict", "ProvisionedThroughputExceeded", "ThrottlingError"}
)

ConditionFailure = Callable[[int, dict[str, Any]], DomainError]


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def translate(error: ClientError, on_condition: ConditionFailure) -> Exception:
    """Map `error` to the exception to raise.

    `on_condition(index, old_item)` builds the domain error for a failed condition; `index` is the
    position of the failing action in a transaction (0 for a single write) and `old_item` the
    item's previous attributes when DynamoDB returned them.
    """
    code = error_code(error)
    if code == "ConditionalCheckFailedException":
        return on_condition(0, dict(error.response.get("Item", {})))  # type: ignore[call-overload]
    if code == "TransactionCanceledException":
        reasons = error.response.get("CancellationReasons", [])
        for index, reason in enumerate(reasons):
            if reason.get("Code") == "ConditionalCheckFailed":
                return on_condition(index, dict(reason.get("Item", {})))
        if any(reason.get("Code") in RETRYABLE_REASONS for reason in reasons):
            return _busy()
    if code in RETRYABLE:
        return _busy()
    return error


def translate_read(error: ClientError) -> Exception:
    """Map an error from a read, where no condition can fail: busy -> StoreUnavailable."""
    return _busy() if error_code(error) in RETRYABLE else error


def _busy() -> StoreUnavailable:
    return StoreUnavailable("the table is busy; nothing was written, retry shortly")
