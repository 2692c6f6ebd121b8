"""RFC 9457 problem responses, and the one table that maps errors to HTTP statuses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError

from domain import errors

PROBLEM_JSON = "application/problem+json"

# Domain error class -> HTTP status. Looked up along the MRO, never by message text.
STATUS_OF: dict[type[Exception], HTTPStatus] = {
    errors.PolicyNotFound: HTTPStatus.NOT_FOUND,
    errors.PolicyNumberTaken: HTTPStatus.CONFLICT,
    errors.VersionConflict: HTTPStatus.PRECONDITION_FAILED,
    errors.InvalidTransition: HTTPStatus.CONFLICT,
    errors.Forbidden: HTTPStatus.FORBIDDEN,
    errors.InvalidPolicy: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.InvalidCursor: HTTPStatus.BAD_REQUEST,
    errors.InvalidBusinessDate: HTTPStatus.BAD_REQUEST,
    errors.StoreUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
    errors.CloseConflict: HTTPStatus.CONFLICT,
}


class RequestError(Exception):
    """A problem with the HTTP request itself, detected before the domain is called."""

    def __init__(
        self, status: HTTPStatus, detail: str, problems: Sequence[dict[str, Any]] = ()
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.errors = list(problems)

    @classmethod
    def invalid(cls, exc: ValidationError, where: str) -> RequestError:
        problems = [
            {"loc": [where, *map(str, e["loc"])], "msg": e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        first = problems[0]
        return cls(
            HTTPStatus.BAD_REQUEST,
            f"invalid {where}: {'.'.join(first['loc'])}: {first['msg']}",
            problems,
        )


def status_for(error: Exception) -> HTTPStatus:
    for cls in type(error).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return HTTPStatus.INTERNAL_SERVER_ERROR


def problem(
    status: HTTPStatus, detail: str, problems: Sequence[dict[str, Any]] = (), title: str = ""
) -> tuple[int, str]:
    """(status code, JSON body) of a problem document."""
    body: dict[str, Any] = {
        "type": f"https://httpstatuses.io/{status.value}",
        "title": title or status.phrase,
        "status": status.value,
        "detail": detail,
    }
    if problems:
        body["errors"] = list(problems)
    return status.value, json.dumps(body)
