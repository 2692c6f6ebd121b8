"""Moto-backed helpers for the day-close, daily-file and operations tests.

Not a conftest: test modules import the fixtures they use explicitly, so these names never clash
with the suite-wide fixtures other tests rely on.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer
from moto import mock_aws

from adapters.table_schema import create_table_arguments
from domain.ports import IdGenerator
from handlers import api, day_close, operations, wiring
from handlers.settings import Settings
from tests.support.clock import FakeClock
from tests.support.events import FakeContext, Reply, claims_for, http_event

REGION = "eu-west-1"
TABLE = "policies-close-test"
BUCKET = "policy-files-close-test"
HEADER = (
    "policy_id,policy_number,insurance_type,customer_id,insured_member,start_date,end_date,"
    "premium,currency,status,renewal_status,renewed_by,details,version,business_date,"
    "created_at,created_by,updated_at,updated_by\r\n"
)
AGENT = claims_for("agent-7", "agent")
ADMIN = claims_for("admin-1", "admin")


def csv_key(day: date) -> str:
    return f"policies/business_date={day.isoformat()}/policies.csv"


def changes_key(day: date) -> str:
    return f"changes/business_date={day.isoformat()}/changes.jsonl"


def scheduled(moment: datetime) -> dict[str, Any]:
    """An EventBridge Scheduled Event as the rule in terraform/ delivers it."""
    return {
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": ["arn:aws:events:eu-west-1:123456789012:rule/day-close"],
        "detail": {},
    }


class SequentialIds(IdGenerator):
    """Ids in creation order, so two identical scenarios produce identical bytes."""

    def __init__(self) -> None:
        self._serial = itertools.count(1)
        self._numbers = itertools.count(1)

    def policy_id(self) -> str:
        return f"pol-{next(self._serial):04d}"

    def policy_number(self) -> str:
        return f"POL-{next(self._numbers):010d}"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials and a fixed region; never an endpoint left over from the shell.

    Whatever composition root a test installs is dropped afterwards.
    """
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    # Deterministic ids make every file reproducible to the byte (the composition root would
    # otherwise hand out random uuids).
    monkeypatch.setattr(wiring, "RandomIds", SequentialIds)
    yield
    wiring.install(None)


@dataclass
class Stack:
    """The installed composition root plus the raw clients a test inspects it with."""

    components: wiring.Components
    clock: FakeClock
    table: str
    bucket: str

    @property
    def s3(self) -> Any:
        return self.components.s3

    @property
    def dynamodb(self) -> Any:
        return self.components.dynamodb

    # -- driving the handlers -----------------------------------------------------------------

    def api(self, method: str, path: str, claims: dict[str, Any], body: Any = None) -> Reply:
        event = http_event(method, path, claims=claims, body=body)
        return Reply.of(api.handler(event, FakeContext()))

    def close(self, event: dict[str, Any], request_id: str = "close-1") -> dict[str, Any]:
        context = FakeContext(function_name="day-close", aws_request_id=request_id)
        return day_close.handler(event, context)

    def close_day(self, day: date, request_id: str = "close-1") -> dict[str, Any]:
        return self.close({"business_date": day.isoformat()}, request_id)

    def operation(self, event: dict[str, Any]) -> tuple[int, Any]:
        context = FakeContext(function_name="operations", aws_request_id="ops-1")
        result = operations.handler(event, context)
        return result["statusCode"], json.loads(result["body"])

    # -- reading what was stored ---------------------------------------------------------------

    def objects(self) -> dict[str, tuple[bytes, str]]:
        """Every object in the bucket: key -> (bytes, ETag)."""
        listing = self.s3.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        found = {}
        for entry in listing:
            body = self.s3.get_object(Bucket=self.bucket, Key=entry["Key"])
            found[entry["Key"]] = (body["Body"].read(), body["ETag"])
        return found

    def body(self, key: str) -> bytes:
        data: bytes = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return data

    def rows(self, day: date) -> list[dict[str, str]]:
        """The raw cells of a daily file (formula guards left in place)."""
        text = self.body(csv_key(day)).decode("utf-8")
        return list(csv.DictReader(io.StringIO(text, newline="")))

    def audit(self, day: date) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.body(changes_key(day)).decode().splitlines()]

    def raw_item(self, pk: str, sk: str) -> dict[str, Any] | None:
        found = self.dynamodb.get_item(
            TableName=self.table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
        )
        return found.get("Item")

    def metadata_item(self, day: date) -> dict[str, Any] | None:
        return self.raw_item(f"FILE#{day.isoformat()}", "METADATA")

    def raw_items(self) -> list[dict[str, Any]]:
        """Every item of the table as DynamoDB returns it, in key order."""
        found: list[dict[str, Any]] = []
        request: dict[str, Any] = {"TableName": self.table, "ConsistentRead": True}
        while True:
            page = self.dynamodb.scan(**request)
            found += page["Items"]
            if "LastEvaluatedKey" not in page:
                return sorted(found, key=lambda item: (item["pk"]["S"], item["sk"]["S"]))
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def table_items(self) -> list[dict[str, Any]]:
        """Every item of the table (deserialised), in key order."""
        return [deserialise(item) for item in self.raw_items()]

    def restore(self, raw_items: list[dict[str, Any]]) -> None:
        """Put back items captured with `raw_items` (no transactions: fast in moto)."""
        for start in range(0, len(raw_items), 25):
            batch = [{"PutRequest": {"Item": i}} for i in raw_items[start : start + 25]]
            self.dynamodb.batch_write_item(RequestItems={self.table: batch})

    def pending_changes(self) -> list[dict[str, Any]]:
        return [i for i in self.table_items() if str(i.get("gsi3pk", "")).startswith("PENDING#")]


_deserialiser = TypeDeserializer()


def deserialise(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserialiser.deserialize(value) for name, value in item.items()}


class SharedClients:
    """A session stand-in that hands every composition root the same two clients.

    Creating boto3 clients is the slow part of a fresh stack; tests that build dozens of stacks
    (the crash test) share one pair.
    """

    def __init__(self) -> None:
        session = boto3.session.Session()
        self._clients = {name: session.client(name) for name in ("dynamodb", "s3")}  # type: ignore[call-overload]

    def client(self, name: str) -> Any:
        return self._clients[name]


def build_stack(
    clock: FakeClock,
    table: str = TABLE,
    bucket: str = BUCKET,
    zone: str = "UTC",
    session: Any = None,
) -> Stack:
    """Create the table and bucket (inside an active mock) and install a composition root."""
    session = session or boto3.session.Session()
    session.client("dynamodb").create_table(**create_table_arguments(table))
    session.client("s3").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    settings = Settings(policy_table=table, policy_bucket=bucket, business_timezone=zone)
    components = wiring.Components(settings, clock=clock, session=session)
    wiring.install(components)
    return Stack(components, clock, table, bucket)


_shared: SharedClients | None = None


def shared_clients() -> SharedClients:
    """One pair of clients for the whole run (moto intercepts them inside every mock)."""
    global _shared
    if _shared is None:
        _shared = SharedClients()
    return _shared


@pytest.fixture
def stack(aws_env: None) -> Iterator[Stack]:
    """Moto with the product's table and bucket; the clock starts on 2026-03-02 09:00 UTC."""
    with mock_aws():
        yield build_stack(
            FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)), session=shared_clients()
        )


def car(**overrides: Any) -> dict[str, Any]:
    """A valid API create body for a car policy."""
    body: dict[str, Any] = {
        "insurance_type": "car",
        "insured_member": "Alice Example",
        "start_date": "2026-03-01",
        "end_date": "2027-03-01",
        "premium": "120.50",
        "details": {"vehicle_registration": "AB-123"},
    }
    return body | overrides


class CallCounter:
    """Sees every botocore call of the given clients before it is sent.

    `crash_after=k` lets k calls through, then fails every later one, as a process that died
    after its k-th call would.
    """

    def __init__(self, crash_after: int | None = None) -> None:
        self.calls: list[str] = []
        self.s3_keys: list[tuple[str, str]] = []
        self.crash_after = crash_after

    def install(self, *clients: Any) -> None:
        for client in clients:
            client.meta.events.register("before-call", self._before_call)

    def uninstall(self, *clients: Any) -> None:
        for client in clients:
            client.meta.events.unregister("before-call", self._before_call)

    def count(self, operation: str) -> int:
        return self.calls.count(operation)

    def _before_call(self, event_name: str, params: dict[str, Any], **_: Any) -> None:
        if self.crash_after is not None and len(self.calls) >= self.crash_after:
            raise SimulatedCrash(f"stopped before {event_name}")
        operation = event_name.removeprefix("before-call.")
        self.calls.append(operation)
        if operation.startswith("s3."):
            self.s3_keys.append((operation, unquote(params.get("url_path", "")).lstrip("/")))


@contextmanager
def counting(stack: Stack, crash_after: int | None = None) -> Iterator[CallCounter]:
    """Count (or cut off) the stack's AWS calls inside the block; the clients are shared."""
    counter = CallCounter(crash_after)
    counter.install(stack.s3, stack.dynamodb)
    try:
        yield counter
    finally:
        counter.uninstall(stack.s3, stack.dynamodb)


class SimulatedCrash(Exception):
    """The close process 'died' here."""
