"""`handlers.operations.handler`: direct back-office invocation in the earlier event format."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from domain.errors import DomainError
from domain.identity import Caller, Role
from domain.model import NewPolicy, Policy, PolicyPatch
from domain.values import parse_iso_date
from handlers import day_close
from handlers.legacy_format import failure, response, to_fields
from handlers.problems import RequestError
from handlers.wiring import components

logger = Logger(service="policy-operations")


def _json(policy: Policy) -> dict[str, Any]:
    return policy.model_dump(mode="json")


def _batch(items: Any, one: Callable[[dict[str, Any]], Policy], ok: HTTPStatus) -> dict[str, Any]:
    if not isinstance(items, list) or not items:
        raise RequestError(HTTPStatus.BAD_REQUEST, "expected a non-empty list of policies")
    results: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            results.append(
                {"index": index, "statusCode": ok, "policy": _json(one(to_fields(item)))}
            )
        except (RequestError, ValidationError, DomainError) as error:
            status, reason = failure(error)
            results.append({"index": index, "statusCode": status, "error": reason})
    failed = sum(r["statusCode"] != ok for r in results)
    overall = ok if not failed else HTTPStatus.BAD_REQUEST if failed == len(results) else 207
    return response(overall, {"results": results})


def _create(caller: Caller, event: dict[str, Any]) -> dict[str, Any]:
    service = components().policies
    return _batch(
        event.get("policy_data"),
        lambda fields: service.create(caller, NewPolicy.model_validate(fields)),
        HTTPStatus.CREATED,
    )


def _update(caller: Caller, event: dict[str, Any]) -> dict[str, Any]:
    service = components().policies

    def amend(fields: dict[str, Any]) -> Policy:
        number = fields.pop("policy_number", None)
        if not isinstance(number, str):
            raise RequestError(HTTPStatus.BAD_REQUEST, "each update needs its 'policy number'")
        current = service.get_by_number(caller, number)
        return service.amend(caller, current.policy_id, PolicyPatch.model_validate(fields))

    return _batch(event.get("updated_policy_data"), amend, HTTPStatus.OK)


def _read(caller: Caller, event: dict[str, Any]) -> dict[str, Any]:
    service = components().policies
    number = event.get("policy number", event.get("policy_number"))
    if number is not None:
        return response(HTTPStatus.OK, _json(service.get_by_number(caller, str(number))))
    clock = components().clock
    try:
        day = parse_iso_date(event.get("date") or clock.business_date(clock.now()))
    except ValueError as exc:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"date: {exc}") from None
    found = [_json(p) for p in service.initiated_on(caller, day)]
    return response(HTTPStatus.OK, {"date": day.isoformat(), "policies": found})


def _delete(caller: Caller, event: dict[str, Any]) -> dict[str, Any]:
    service = components().policies
    number = event.get("policy number", event.get("policy_number"))
    if not isinstance(number, str):
        raise RequestError(HTTPStatus.BAD_REQUEST, "delete needs a 'policy number'")
    service.delete(caller, service.get_by_number(caller, number).policy_id)
    return response(HTTPStatus.OK, {"deleted": number})


OPERATIONS: dict[str, Callable[[Caller, dict[str, Any]], dict[str, Any]]] = {
    "create": _create,
    "read": _read,
    "update": _update,
    "delete": _delete,
}


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    raw = event.get("operation") if isinstance(event, dict) else None
    operation = raw if isinstance(raw, str) else ""  # a list or object names no operation
    caller = Caller(str(event.get("user") or "backoffice"), Role.ADMIN) if operation else None
    try:
        if operation == "end_of_day_update":
            clock = components().clock
            today = clock.business_date(clock.now())
            summary = day_close.close(today, context.aws_request_id)
            day_close.metrics.flush_metrics()  # this handler has no log_metrics to publish them
            return response(HTTPStatus.OK, summary)
        if caller is None or operation not in OPERATIONS:
            raise RequestError(
                HTTPStatus.BAD_REQUEST,
                f"unknown operation {raw!r}; expected one of "
                "create, read, update, delete, end_of_day_update",
            )
        return OPERATIONS[operation](caller, event)
    except (RequestError, DomainError) as error:
        status, reason = failure(error)
        return response(status, {"error": reason})
