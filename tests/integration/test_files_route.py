"""`GET /files/{business_date}` (CONTRACT §4, §6): the file metadata, for agents and admins."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest

from handlers import api
from tests.integration.close_fixtures import ADMIN, AGENT, Stack, aws_env, car, csv_key, stack
from tests.support.events import FakeContext, Reply, claims_for, http_event

pytestmark = pytest.mark.integration
__all__ = ["aws_env", "stack"]

DAY1 = date(2026, 3, 2)


@pytest.fixture
def closed(stack: Stack) -> Stack:
    """2026-03-02 holds one policy and was closed just after midnight."""
    assert stack.api("POST", "/policies", claims_for("alice"), car()).status == 201
    stack.clock.current = datetime(2026, 3, 3, 0, 5, tzinfo=UTC)
    stack.close_day(DAY1)
    return stack


@pytest.mark.parametrize("who", [AGENT, ADMIN])
def test_staff_read_a_closed_days_metadata(closed: Stack, who: dict[str, str]) -> None:
    reply = closed.api("GET", "/files/2026-03-02", who)

    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    body = reply.body
    assert set(body) == {
        "file_id",
        "business_date",
        "s3_key",
        "policy_count",
        "created_at",
        "updated_at",
        "updated_by",
        "checksum_sha256",
    }
    assert body["business_date"] == "2026-03-02"
    assert body["s3_key"] == csv_key(DAY1)
    assert body["policy_count"] == 1
    assert body["created_at"] == "2026-03-03T00:05:00.000Z"
    assert body["updated_at"] == body["created_at"]  # written once, by that close
    assert body["updated_by"] == "alice"
    assert body["checksum_sha256"] == hashlib.sha256(closed.body(body["s3_key"])).hexdigest()
    item = closed.metadata_item(DAY1)
    assert item is not None
    assert body["file_id"] == item["file_id"]["S"]


def test_a_customer_may_not_read_file_metadata(closed: Stack) -> None:
    reply = closed.api("GET", "/files/2026-03-02", claims_for("alice"))

    assert reply.status == 403
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.body["detail"] == "daily file metadata is for agents and admins"


def test_without_claims_the_caller_is_unauthenticated(closed: Stack) -> None:
    event = http_event("GET", "/files/2026-03-02")

    assert Reply.of(api.handler(event, FakeContext())).status == 401


def test_a_day_without_a_file_is_not_found(closed: Stack) -> None:
    reply = closed.api("GET", "/files/2026-03-03", AGENT)

    assert reply.status == 404
    assert reply.body["detail"] == "no daily file for 2026-03-03: that day is not closed"


@pytest.mark.parametrize("raw", ["2026-02-30", "yesterday", "2026-3-2", "20260302"])
def test_a_date_not_written_yyyy_mm_dd_is_a_400(closed: Stack, raw: str) -> None:
    reply = closed.api("GET", f"/files/{raw}", AGENT)

    assert reply.status == 400
    assert reply.body["status"] == 400
    assert reply.body["detail"].startswith("business_date: ")
