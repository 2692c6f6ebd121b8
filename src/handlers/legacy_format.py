"""The back-office event format of the earlier system: spaced keys, batches, statusCode bodies."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError

from domain.errors import DomainError
from handlers.problems import RequestError, status_for

# Spaced names the earlier system used -> field names. snake_case names pass through unchanged.
SPACED_NAMES = {
    "policy number": "policy_number",
    "insurance type": "insurance_type",
    "policy start date": "start_date",
    "policy end date": "end_date",
    "start date": "start_date",
    "end date": "end_date",
    "renewal status": "renewal_status",
    "insured member": "insured_member",
    "renewed by": "renewed_by",
    "policy status": "status",
    "customer id": "customer_id",
}


def to_fields(policy: Any) -> dict[str, Any]:
    if not isinstance(policy, dict):
        raise RequestError(HTTPStatus.BAD_REQUEST, "each policy must be a JSON object")
    fields: dict[str, Any] = {}
    for name, value in policy.items():
        field = SPACED_NAMES.get(str(name).strip().lower(), str(name))
        if field in fields:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"{field} is given twice ({name!r})")
        fields[field] = value
    return fields


def response(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": int(status), "body": json.dumps(body)}


def failure(error: RequestError | ValidationError | DomainError) -> tuple[int, str]:
    """(status, reason) for an error the caller can act on; anything else is never caught."""
    if isinstance(error, ValidationError):
        error = RequestError.invalid(error, "policy")
    if isinstance(error, RequestError):
        return error.status, str(error)
    return status_for(error), str(error)
