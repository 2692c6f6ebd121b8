"""API Gateway HTTP API payload 2.0 events, built from a plain HTTP request.

Shapes follow what API Gateway sends: lower-cased headers and query values repeated with commas,
`queryStringParameters`/`pathParameters`/`body` present only when there is something to send,
non-UTF-8 bodies base64-encoded, and the authorizer's claims under `requestContext`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

# The routes terraform/api_gateway.tf deploys (CONTRACT §4); anything else never reaches Lambda.
ROUTES = (
    "POST /policies",
    "GET /policies",
    "GET /policies/{policy_id}",
    "PATCH /policies/{policy_id}",
    "DELETE /policies/{policy_id}",
    "GET /policies/{policy_id}/history",
    "GET /files/{business_date}",
)


def _pattern(route: str) -> tuple[str, re.Pattern[str]]:
    method, path = route.split(" ")
    return method, re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path))


_COMPILED = [(route, *_pattern(route)) for route in ROUTES]


def match_route(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    for route, route_method, pattern in _COMPILED:
        found = pattern.fullmatch(path)
        if found and route_method == method:
            return route, {name: unquote(value) for name, value in found.groupdict().items()}
    return None


def to_event(
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    route: tuple[str, dict[str, str]],
    claims: dict[str, str],
    request_id: str,
    now: datetime,
) -> dict[str, Any]:
    url = urlsplit(target)
    merged: dict[str, str] = {}
    for name, value in headers:  # API Gateway joins repeated headers with commas
        key = name.lower()
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route[0],
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": merged,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "authorizer": {"jwt": {"claims": claims, "scopes": None}},
            "domainName": merged.get("host", "localhost"),
            "http": {
                "method": method,
                "path": url.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": merged.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route[0],
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    query: dict[str, str] = {}
    for name, value in parse_qsl(url.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    if query:
        event["queryStringParameters"] = query
    if route[1]:
        event["pathParameters"] = route[1]
    if body:
        try:
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    return event
