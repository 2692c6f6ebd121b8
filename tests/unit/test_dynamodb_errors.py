"""DynamoDB ClientError codes become domain errors in one place."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from adapters.dynamodb_errors import error_code, translate, translate_read
from domain.errors import DomainError, PolicyNumberTaken, StoreUnavailable


def client_error(code: str, operation: str = "TransactWriteItems", **extra: Any) -> ClientError:
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": f"{code} happened"},
        "ResponseMetadata": {"HTTPStatusCode": 400},
        **extra,
    }
    return ClientError(response, operation)  # type: ignore[arg-type]


class Conditions:
    """Records how translate() reported a failed condition."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, dict[str, Any]]] = []

    def __call__(self, index: int, old: dict[str, Any]) -> DomainError:
        self.calls.append((index, old))
        return PolicyNumberTaken(f"at {index}")


def test_failed_single_condition_is_reported_with_the_old_item() -> None:
    conditions = Conditions()
    old = {"version": {"N": "4"}}

    error = translate(client_error("ConditionalCheckFailedException", Item=old), conditions)

    assert isinstance(error, PolicyNumberTaken)
    assert conditions.calls == [(0, old)]


def test_failed_single_condition_without_old_item() -> None:
    conditions = Conditions()

    translate(client_error("ConditionalCheckFailedException"), conditions)

    assert conditions.calls == [(0, {})]


def test_cancelled_transaction_names_the_failing_action() -> None:
    conditions = Conditions()
    reasons = [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Item": {"pk": {"S": "x"}}},
        {"Code": "None"},
    ]

    error = translate(
        client_error("TransactionCanceledException", CancellationReasons=reasons), conditions
    )

    assert isinstance(error, PolicyNumberTaken)
    assert error.policy_number == "at 1"
    assert conditions.calls == [(1, {"pk": {"S": "x"}})]


@pytest.mark.parametrize(
    "reason", ["TransactionConflict", "ProvisionedThroughputExceeded", "ThrottlingError"]
)
def test_transaction_cancelled_because_busy_may_be_retried(reason: str) -> None:
    reasons = [{"Code": "None"}, {"Code": reason}]

    error = translate(
        client_error("TransactionCanceledException", CancellationReasons=reasons), Conditions()
    )

    assert isinstance(error, StoreUnavailable)
    assert "retry" in str(error)


def test_transaction_cancelled_for_a_validation_error_is_not_hidden() -> None:
    original = client_error(
        "TransactionCanceledException", CancellationReasons=[{"Code": "ValidationError"}]
    )
    conditions = Conditions()

    assert translate(original, conditions) is original
    assert conditions.calls == []


@pytest.mark.parametrize(
    "code",
    [
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TransactionConflictException",
        "TransactionInProgressException",
        "InternalServerError",
        "ServiceUnavailable",
    ],
)
def test_busy_codes_become_store_unavailable(code: str) -> None:
    assert isinstance(translate(client_error(code), Conditions()), StoreUnavailable)
    assert isinstance(translate_read(client_error(code, "GetItem")), StoreUnavailable)


@pytest.mark.parametrize("code", ["ValidationException", "ResourceNotFoundException", ""])
def test_other_errors_pass_through_unchanged(code: str) -> None:
    original = client_error(code)

    assert translate(original, Conditions()) is original
    assert translate_read(original) is original


def test_error_code_of_a_response_without_error() -> None:
    assert error_code(ClientError({}, "GetItem")) == ""  # type: ignore[typeddict-item]
