"""Reading an API Gateway HTTP API (payload 2.0) request: caller, body, preconditions."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from http import HTTPStatus
from typing import Any, TypeVar

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from pydantic import BaseModel, ValidationError

from domain.identity import Caller
from handlers.problems import RequestError

MAX_BODY_BYTES = 64 * 1024
MAX_SUBJECT_LENGTH = 200  # the caller's id becomes a policy's customer_id, which has this bound
Model = TypeVar("Model", bound=BaseModel)
_ETAG = re.compile(r'\s*(?:W/)?"?(\d{1,18})"?\s*')


def caller_of(event: APIGatewayProxyEventV2) -> Caller:
    """The authenticated caller, from the JWT authorizer's claims only."""
    claims = event.request_context.authorizer.jwt_claim
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise RequestError(
            HTTPStatus.UNAUTHORIZED, "no authenticated caller: a valid token is required"
        )
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise RequestError(
            HTTPStatus.UNAUTHORIZED, f"the token's subject is longer than {MAX_SUBJECT_LENGTH}"
        )
    return Caller.from_groups(subject, _groups(claims.get("cognito:groups")))


def _groups(raw: Any) -> list[str]:
    # API Gateway flattens list claims to "[admin agent]"; a direct invocation may send a list.
    if isinstance(raw, list):
        return [str(g) for g in raw]
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                return text.strip("[]").replace(",", " ").split()
            return [str(g) for g in parsed]  # valid JSON that starts with "[" is a list
        return text.replace(",", " ").split()
    return []


def body_of(event: APIGatewayProxyEventV2, model: type[Model]) -> Model:
    """Parse the JSON body into `model`; every failure is a 4xx naming the problem."""
    try:
        text = event.decoded_body or ""
        size = len(text.encode())
    except ValueError:  # undecodable base64, or bytes that are not UTF-8 text
        raise RequestError(HTTPStatus.BAD_REQUEST, "the body is not UTF-8 text") from None
    if size > MAX_BODY_BYTES:
        raise RequestError(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body exceeds {MAX_BODY_BYTES} bytes"
        )
    if not text.strip():
        raise RequestError(HTTPStatus.BAD_REQUEST, "a JSON object body is required")
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except ValueError as exc:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise RequestError(HTTPStatus.BAD_REQUEST, "the body's JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise RequestError(HTTPStatus.BAD_REQUEST, "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestError.invalid(exc, "body") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def query_of(event: APIGatewayProxyEventV2, model: type[Model]) -> Model:
    params: dict[str, list[str]] = event.resolved_query_string_parameters
    repeated = sorted(name for name, values in params.items() if len(values) > 1)
    if repeated:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"query parameter given twice: {repeated[0]}")
    try:
        return model.model_validate({name: values[0] for name, values in params.items()})
    except ValidationError as exc:
        raise RequestError.invalid(exc, "query") from None


def if_match_of(event: APIGatewayProxyEventV2) -> int | None:
    """The version in an `If-Match` header (`"3"`, `W/"3"` or `3`); `*` or none: no precondition."""
    header = event.headers.get("if-match")
    if header is None or header.strip() == "*":
        return None
    found = _ETAG.fullmatch(header)
    if not found:
        raise RequestError(HTTPStatus.BAD_REQUEST, 'If-Match must be a version ETag such as "3"')
    return int(found.group(1))
