"""The local gateway: what API Gateway would send the Lambda, and what it makes of the reply."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_mock import MockerFixture

from domain.identity import Caller, Role
from domain.policies import PolicyService
from domain.ports import Page
from handlers import api, wiring
from handlers.local_auth import mint_token
from handlers.local_events import ROUTES, match_route, to_event
from handlers.local_gateway import LocalGateway, to_reply
from handlers.settings import Settings
from tests.support.clock import FakeClock
from tests.unit.conftest import PolicyFactory

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def event_for(
    method: str,
    target: str,
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    claims: dict[str, str] | None = None,
) -> dict[str, Any]:
    route = match_route(method, target.partition("?")[0])
    assert route is not None
    return to_event(method, target, headers or [], body, route, claims or {}, "req-1", NOW)


@pytest.mark.parametrize(
    ("method", "path", "route", "parameters"),
    [
        ("POST", "/policies", "POST /policies", {}),
        ("GET", "/policies/p-1", "GET /policies/{policy_id}", {"policy_id": "p-1"}),
        ("PATCH", "/policies/a%20b", "PATCH /policies/{policy_id}", {"policy_id": "a b"}),
        ("GET", "/policies/p-1/history", "GET /policies/{policy_id}/history", {"policy_id": "p-1"}),
        ("GET", "/files/2026-03-02", "GET /files/{business_date}", {"business_date": "2026-03-02"}),
    ],
)
def test_routes_match_like_api_gateway(
    method: str, path: str, route: str, parameters: dict[str, str]
) -> None:
    assert match_route(method, path) == (route, parameters)


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/policies"), ("GET", "/policies/"), ("GET", "/nope"), ("POST", "/policies/p-1")],
)
def test_paths_and_methods_outside_the_deployed_routes_match_nothing(
    method: str, path: str
) -> None:
    assert match_route(method, path) is None


def test_the_routes_are_the_contracts_seven() -> None:
    assert len(ROUTES) == 7


def test_event_carries_the_request_in_payload_2_0_shape() -> None:
    event = event_for(
        "PATCH",
        "/policies/p-1?x=1&x=2&empty=",
        headers=[("Content-Type", "application/json"), ("X-Many", "a"), ("x-many", "b")],
        body=b'{"premium": "1.00"}',
        claims={"sub": "alice", "cognito:groups": "[agent]"},
    )
    assert event["version"] == "2.0"
    assert event["routeKey"] == event["requestContext"]["routeKey"] == "PATCH /policies/{policy_id}"
    assert event["rawPath"] == "/policies/p-1"
    assert event["rawQueryString"] == "x=1&x=2&empty="
    assert event["queryStringParameters"] == {"x": "1,2", "empty": ""}
    assert event["pathParameters"] == {"policy_id": "p-1"}
    assert event["headers"] == {"content-type": "application/json", "x-many": "a,b"}
    assert event["body"] == '{"premium": "1.00"}'
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"]["method"] == "PATCH"
    assert context["http"]["path"] == "/policies/p-1"
    assert context["authorizer"]["jwt"]["claims"] == {"sub": "alice", "cognito:groups": "[agent]"}
    assert context["timeEpoch"] == int(NOW.timestamp() * 1000)
    assert context["time"] == "02/Mar/2026:09:00:00 +0000"


def test_event_leaves_out_what_the_request_does_not_have() -> None:
    event = event_for("GET", "/policies")
    assert "queryStringParameters" not in event
    assert "pathParameters" not in event
    assert "body" not in event


def test_a_body_that_is_not_utf8_travels_base64_encoded() -> None:
    event = event_for("POST", "/policies", body=b"\xff\xfe")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\xfe"


def test_reply_keeps_status_headers_cookies_and_body() -> None:
    reply = to_reply(
        {
            "statusCode": 201,
            "headers": {"ETag": '"1"'},
            "cookies": ["a=1"],
            "body": "{}",
            "isBase64Encoded": False,
        }
    )
    assert (reply.status, reply.body) == (201, b"{}")
    assert reply.headers == [("ETag", '"1"'), ("set-cookie", "a=1")]


def test_reply_decodes_a_base64_body_and_tolerates_none() -> None:
    encoded = to_reply(
        {"statusCode": 200, "body": base64.b64encode(b"\x00").decode(), "isBase64Encoded": True}
    )
    assert encoded.body == b"\x00"
    assert to_reply({"statusCode": 204, "body": None}).body == b""


def test_a_bare_json_result_becomes_a_200_as_in_api_gateway() -> None:
    reply = to_reply({"hello": "world"})
    assert (reply.status, json.loads(reply.body)) == (200, {"hello": "world"})


class Recorder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        assert context.aws_request_id == event["requestContext"]["requestId"]
        return {"statusCode": 200, "headers": {}, "body": "ok"}


def bearer(token: str) -> list[tuple[str, str]]:
    return [("Authorization", f"Bearer {token}")]


def test_a_valid_token_reaches_the_handler_with_flattened_claims() -> None:
    handler = Recorder()
    reply = LocalGateway(handler).respond(
        "GET", "/policies", bearer(mint_token("ann", ["agent", "admin"])), b""
    )
    assert (reply.status, reply.body) == (200, b"ok")
    claims = handler.events[0]["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["sub"] == "ann"
    assert claims["cognito:groups"] == "[agent admin]"
    assert claims["exp"].isdigit()


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ([], "missing bearer token"),
        ([("Authorization", "Basic abc")], "missing bearer token"),
        (bearer(mint_token("a", issued=NOW - timedelta(hours=2))), "expired"),
        (bearer(mint_token("a", key="another-key-that-is-32-bytes-long!!")), "signature"),
        (bearer("not.a.jwt"), "not valid"),
    ],
)
def test_no_valid_token_is_a_401_before_the_handler_runs(
    headers: list[tuple[str, str]], reason: str
) -> None:
    handler = Recorder()
    reply = LocalGateway(handler).respond("GET", "/policies", headers, b"")
    assert reply.status == 401
    assert json.loads(reply.body) == {"message": "Unauthorized"}
    assert reason in reply.note
    assert any(name == "www-authenticate" for name, _ in reply.headers)
    assert handler.events == []


def test_an_unknown_route_is_a_404_even_without_a_token() -> None:
    handler = Recorder()
    reply = LocalGateway(handler).respond("GET", "/admin", [], b"")
    assert (reply.status, json.loads(reply.body)) == (404, {"message": "Not Found"})
    assert handler.events == []


@pytest.fixture
def policies(mocker: MockerFixture, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    components = wiring.Components(Settings(), clock=FakeClock())
    service = mocker.create_autospec(PolicyService, instance=True)
    components.policies = service  # type: ignore[misc]
    wiring.install(components)
    yield service
    wiring.install(None)


def test_the_real_api_handler_understands_the_translated_request(
    policies: Any, make_policy: PolicyFactory
) -> None:
    policies.list_page.return_value = Page([make_policy()], None)
    gateway = LocalGateway(api.handler)
    token = mint_token("ann", ["agent"])
    reply = gateway.respond("GET", "/policies?status=active&limit=5", bearer(token), b"")
    assert reply.status == 200
    assert json.loads(reply.body)["items"][0]["policy_id"] == "pol-stored"
    caller, query = policies.list_page.call_args.args
    assert caller == Caller("ann", Role.AGENT)
    assert (query.status, query.limit) == ("active", 5)
