"""Where policyctl points, and bootstrap's answers to what already exists (S3/DynamoDB stubbed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from adapters.clock import SystemClock
from adapters.settable_clock import SettableClock
from handlers.bootstrap import bootstrap
from handlers.target import Target, resolve

pytestmark = pytest.mark.unit


class StubbedSession:
    def __init__(self, region: str) -> None:
        self.clients = {
            name: boto3.client(
                name, region_name=region, aws_access_key_id="x", aws_secret_access_key="x"
            )
            for name in ("s3", "dynamodb")
        }
        self.stubs = {name: Stubber(client) for name, client in self.clients.items()}

    def client(self, name: str) -> Any:
        return self.clients[name]


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubbedSession]:
    session = StubbedSession("eu-west-1")
    monkeypatch.setattr(Target, "session", lambda self: session)
    for stub in session.stubs.values():
        stub.activate()
    yield session
    for stub in session.stubs.values():
        stub.assert_no_pending_responses()
        stub.deactivate()


def table_exists(session: StubbedSession) -> None:
    session.stubs["dynamodb"].add_response(
        "describe_table", {"Table": {"TableName": "policies-local", "TableStatus": "ACTIVE"}}
    )


def test_real_aws_uses_the_wall_clock_and_boto3_s_own_resolution() -> None:
    target = resolve({"POLICY_TABLE": "policies-prod"}, aws=True)
    assert not target.is_local
    assert isinstance(target.session(), boto3.session.Session)
    parts = target.components()
    assert isinstance(parts.clock, SystemClock)
    assert parts.settings.policy_table == "policies-prod"


def test_the_local_stack_uses_the_settable_clock_and_fake_credentials() -> None:
    target = resolve({"AWS_PORT": "4600"})
    assert isinstance(target.components().clock, SettableClock)
    client = target.session().client("s3")
    assert client.meta.endpoint_url == "http://127.0.0.1:4600"
    assert client.meta.region_name == "us-east-1"


def test_bootstrap_outside_us_east_1_names_the_bucket_s_region(stubbed: StubbedSession) -> None:
    stubbed.stubs["s3"].add_client_error("head_bucket", "404", http_status_code=404)
    stubbed.stubs["s3"].add_response(
        "create_bucket",
        {},
        {
            "Bucket": "policy-files-local",
            "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"},
        },
    )
    stubbed.stubs["dynamodb"].add_response("create_table", {}, {**_any_table()})
    table_exists(stubbed)
    assert bootstrap(resolve({}, aws=True)) == [
        "created bucket policy-files-local",
        "created table policies-local",
    ]


def _any_table() -> dict[str, Any]:
    names = ("TableName", "BillingMode", "AttributeDefinitions", "KeySchema")
    return dict.fromkeys((*names, "GlobalSecondaryIndexes"), ANY)


def test_a_bucket_name_owned_by_someone_else_is_an_error(stubbed: StubbedSession) -> None:
    stubbed.stubs["s3"].add_client_error("head_bucket", "403", http_status_code=403)
    with pytest.raises(ClientError, match="403"):
        bootstrap(resolve({}, aws=True))


def test_a_table_that_cannot_be_created_is_an_error(stubbed: StubbedSession) -> None:
    stubbed.stubs["s3"].add_response("head_bucket", {})
    stubbed.stubs["dynamodb"].add_client_error("create_table", "LimitExceededException")
    with pytest.raises(ClientError, match="LimitExceeded"):
        bootstrap(resolve({}, aws=True))
