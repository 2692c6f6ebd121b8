"""Build API Gateway HTTP API (payload 2.0) events and read the handler's responses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode


@dataclass
class FakeContext:
    function_name: str = "policy-api"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:policy-api"
    aws_request_id: str = "req-0001"


def claims_for(sub: str, *groups: str) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": sub}
    if groups:
        claims["cognito:groups"] = "[" + " ".join(groups) + "]"  # the form API Gateway sends
    return claims


def http_event(
    method: str,
    path: str,
    *,
    claims: dict[str, Any] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    raw_body = body if isinstance(body, str | None) else json.dumps(body)
    authorizer = {"jwt": {"claims": claims, "scopes": None}} if claims is not None else None
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "queryStringParameters": query or None,
        "headers": {"content-type": "application/json", **(headers or {})},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "authorizer": authorizer,
            "domainName": "api.example.test",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "pytest",
            },
            "requestId": "req-0001",
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "time": "02/Mar/2026:09:00:00 +0000",
            "timeEpoch": 1772442000000,
        },
        "body": raw_body,
        "isBase64Encoded": False,
    }


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any

    @classmethod
    def of(cls, result: dict[str, Any]) -> Reply:
        text = result.get("body") or ""
        return cls(
            result["statusCode"], result.get("headers", {}), json.loads(text) if text else None
        )
