"""`handlers.api.handler`: the HTTP API (API Gateway HTTP API, payload format 2.0)."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from domain.errors import DomainError, Forbidden, VersionConflict
from domain.model import NewPolicy, Policy, PolicyPatch
from domain.values import parse_iso_date
from handlers.api_models import ListParams, history_item
from handlers.http_request import body_of, caller_of, if_match_of, query_of
from handlers.problems import PROBLEM_JSON, RequestError, problem, status_for
from handlers.wiring import components

logger = Logger(service="policy-api")
app = APIGatewayHttpResolver()


def _policy(policy: Policy, status: HTTPStatus = HTTPStatus.OK, **headers: str) -> Response[str]:
    headers["ETag"] = f'"{policy.version}"'
    return Response(status, "application/json", policy.model_dump_json(), headers)


@app.post("/policies")
def create_policy() -> Response[str]:
    caller = caller_of(app.current_event)
    policy = components().policies.create(caller, body_of(app.current_event, NewPolicy))
    return _policy(policy, HTTPStatus.CREATED, Location=f"/policies/{policy.policy_id}")


@app.get("/policies")
def list_policies() -> Response[str]:
    caller = caller_of(app.current_event)
    page = components().policies.list_page(caller, query_of(app.current_event, ListParams).query())
    items = [p.model_dump(mode="json") for p in page.items]
    body = json.dumps({"items": items, "next_cursor": page.next_cursor})
    return Response(HTTPStatus.OK, "application/json", body)


@app.get("/policies/<policy_id>")
def get_policy(policy_id: str) -> Response[str]:
    return _policy(components().policies.get(caller_of(app.current_event), policy_id))


@app.patch("/policies/<policy_id>")
def amend_policy(policy_id: str) -> Response[str]:
    event = app.current_event
    caller, if_match = caller_of(event), if_match_of(event)
    patch = body_of(event, PolicyPatch)
    return _policy(components().policies.amend(caller, policy_id, patch, if_match))


@app.delete("/policies/<policy_id>")
def delete_policy(policy_id: str) -> Response[str]:
    event = app.current_event
    caller, if_match = caller_of(event), if_match_of(event)
    components().policies.delete(caller, policy_id, if_match)
    return Response(HTTPStatus.NO_CONTENT)


@app.get("/policies/<policy_id>/history")
def policy_history(policy_id: str) -> Response[str]:
    changes = components().policies.history(caller_of(app.current_event), policy_id)
    body = json.dumps({"items": [history_item(c) for c in changes]})
    return Response(HTTPStatus.OK, "application/json", body)


@app.get("/files/<business_date>")
def file_metadata(business_date: str) -> Response[str]:
    if not caller_of(app.current_event).is_staff:
        raise Forbidden("daily file metadata is for agents and admins")
    try:
        day = parse_iso_date(business_date)
    except ValueError as exc:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"business_date: {exc}") from None
    metadata = components().catalog.get(day)
    if metadata is None:
        raise RequestError(HTTPStatus.NOT_FOUND, f"no daily file for {day}: that day is not closed")
    return Response(HTTPStatus.OK, "application/json", metadata.model_dump_json())


@app.exception_handler(RequestError)  # type: ignore[untyped-decorator]
def _request_error(error: RequestError) -> Response[str]:
    return _problem(error.status, str(error), error.errors)


@app.exception_handler(DomainError)  # type: ignore[untyped-decorator]
def _domain_error(error: DomainError) -> Response[str]:
    status = status_for(error)
    if isinstance(error, VersionConflict) and app.current_event.headers.get("if-match") is None:
        status = HTTPStatus.CONFLICT  # a race the client did not guard against: retry, not 412
    errors = getattr(error, "errors", ())
    return _problem(status, str(error), errors, error.title)


@app.not_found
def _no_route(_: NotFoundError) -> Response[str]:
    event = app.current_event
    return _problem(
        HTTPStatus.NOT_FOUND, f"no route {event.request_context.http.method} {event.path}"
    )


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def _unexpected(error: Exception) -> Response[str]:
    logger.exception("unhandled error")
    return _problem(
        HTTPStatus.INTERNAL_SERVER_ERROR, "an unexpected error occurred; nothing was lost"
    )


def _problem(status: HTTPStatus, detail: str, errors: Any = (), title: str = "") -> Response[str]:
    code, body = problem(status, detail, errors, title)
    return Response(code, PROBLEM_JSON, body)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
