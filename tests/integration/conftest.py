"""Integration tests: the real adapters and handler against moto's in-memory AWS."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from adapters.dynamodb_store import DynamoPolicyStore
from adapters.table_schema import create_table_arguments
from handlers import api
from handlers.settings import Settings
from handlers.wiring import Components, install
from tests.support.clock import FakeClock
from tests.support.events import FakeContext, Reply, claims_for, http_event

TABLE = "policies-it"

ALICE = claims_for("alice")
BOB = claims_for("bob")
AGENT = claims_for("agent-7", "agent")
ADMIN = claims_for("admin-1", "admin")


@pytest.fixture(scope="session")
def boto_session() -> boto3.session.Session:
    # One session for the run: it loads the service models once instead of in every test.
    return boto3.session.Session()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def dynamodb(aws: None, boto_session: boto3.session.Session) -> Any:
    client = boto_session.client("dynamodb", region_name="eu-west-1")
    client.create_table(**create_table_arguments(TABLE))
    return client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def components(
    dynamodb: Any, clock: FakeClock, boto_session: boto3.session.Session
) -> Iterator[Components]:
    installed = Components(Settings(policy_table=TABLE), clock=clock, session=boto_session)
    install(installed)
    yield installed
    install(None)


@pytest.fixture
def store(dynamodb: Any) -> DynamoPolicyStore:
    return DynamoPolicyStore(dynamodb, TABLE)


def car(**overrides: Any) -> dict[str, Any]:
    """A valid create body."""
    return {
        "insurance_type": "car",
        "insured_member": "Alice Example",
        "start_date": "2026-03-01",
        "end_date": "2027-03-01",
        "premium": "120.50",
        "details": {"vehicle_registration": "AB-123"},
    } | overrides


@dataclass
class Api:
    """Calls `handlers.api.handler` as API Gateway would, and looks at the table underneath."""

    dynamodb: Any

    def __call__(
        self,
        method: str,
        path: str,
        who: dict[str, Any] | None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> Reply:
        reply = self.send(method, path, who, body, headers, query)
        assert reply.status < 500, reply.body
        if reply.status >= 400:
            assert reply.headers["Content-Type"] == "application/problem+json"
            assert reply.body["status"] == reply.status
            assert reply.body["detail"]
        return reply

    def send(
        self,
        method: str,
        path: str,
        who: dict[str, Any] | None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> Reply:
        """The reply as it is, without the checks every ordinary call gets."""
        event = http_event(method, path, claims=who, body=body, headers=headers, query=query)
        return Reply.of(api.handler(event, FakeContext()))

    def create(self, who: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        reply = self("POST", "/policies", who, car(**overrides))
        assert reply.status == 201, reply.body
        body: dict[str, Any] = reply.body
        return body

    def history(self, policy_id: str) -> list[dict[str, Any]]:
        reply = self("GET", f"/policies/{policy_id}/history", ADMIN)
        items: list[dict[str, Any]] = reply.body["items"] if reply.status == 200 else []
        return items

    def table(self) -> list[dict[str, Any]]:
        """Every item in the table, in key order: what a rejected request must leave alone."""
        found: list[dict[str, Any]] = []
        request: dict[str, Any] = {"TableName": TABLE, "ConsistentRead": True}
        while True:
            response = self.dynamodb.scan(**request)
            found.extend(response["Items"])
            if "LastEvaluatedKey" not in response:
                return sorted(found, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


@pytest.fixture
def call(components: Components, dynamodb: Any) -> Api:
    return Api(dynamodb)
