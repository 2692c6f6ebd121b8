"""Exclusive: while another close holds the lease, a close exits cleanly and writes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from adapters.dynamodb_catalog import LEASE_SECONDS, DynamoCloseLease
from tests.integration.close_fixtures import Stack, aws_env, car, csv_key, stack
from tests.support.events import claims_for

pytestmark = pytest.mark.integration
__all__ = ["aws_env", "stack"]

DAY1 = date(2026, 3, 2)
TAKEN_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def lease(stack: Stack) -> DynamoCloseLease:
    return DynamoCloseLease(stack.dynamodb, stack.table)


def test_a_close_while_another_holds_the_lease_is_skipped_and_writes_nothing(
    stack: Stack,
) -> None:
    assert stack.api("POST", "/policies", claims_for("alice"), car()).status == 201
    assert lease(stack).acquire("other-close", TAKEN_AT)
    before = stack.table_items()
    stack.clock.current = TAKEN_AT + timedelta(seconds=LEASE_SECONDS)  # not yet expired

    summary = stack.close_day(DAY1, request_id="second-close")

    assert summary["skipped"] == "another close is running; it will apply these changes"
    assert summary["dates_closed"] == []
    assert summary["files_written"] == []
    assert stack.objects() == {}
    assert stack.table_items() == before  # lease untouched, changes still pending
    assert len(stack.pending_changes()) == 1


def test_a_lease_left_by_a_crashed_close_is_taken_over_after_15_minutes(stack: Stack) -> None:
    assert stack.api("POST", "/policies", claims_for("alice"), car()).status == 201
    assert lease(stack).acquire("crashed-close", TAKEN_AT)
    stack.clock.current = TAKEN_AT + timedelta(seconds=LEASE_SECONDS, milliseconds=1)

    summary = stack.close_day(DAY1, request_id="next-close")

    assert summary["skipped"] is None
    assert summary["dates_closed"] == ["2026-03-02"]
    assert [r["policy_id"] for r in stack.rows(DAY1)] == ["pol-0001"]
    assert stack.raw_item("CLOSE", "LEASE") is None  # released when done
    assert stack.pending_changes() == []


def test_the_lease_belongs_to_one_owner_at_a_time(stack: Stack) -> None:
    first, second = lease(stack), lease(stack)

    assert first.acquire("a", TAKEN_AT)
    assert first.acquire("a", TAKEN_AT + timedelta(minutes=1))  # a retry of the same close
    assert not second.acquire("b", TAKEN_AT + timedelta(minutes=2))
    second.release("b")  # not b's to release: nothing happens
    assert not second.acquire("b", TAKEN_AT + timedelta(minutes=3))
    item = stack.raw_item("CLOSE", "LEASE")
    assert item is not None
    assert item["owner"] == {"S": "a"}
    assert item["expires_at"] == {"S": "2026-03-02T09:16:00.000Z"}

    first.release("a")

    assert stack.raw_item("CLOSE", "LEASE") is None
    assert second.acquire("b", TAKEN_AT + timedelta(minutes=4))


def test_an_expired_lease_taken_over_cannot_be_released_by_its_old_owner(stack: Stack) -> None:
    assert lease(stack).acquire("slow", TAKEN_AT)
    assert lease(stack).acquire("fast", TAKEN_AT + timedelta(minutes=16))

    lease(stack).release("slow")

    item = stack.raw_item("CLOSE", "LEASE")
    assert item is not None
    assert item["owner"] == {"S": "fast"}


def test_a_close_by_the_same_invocation_retried_resumes_under_its_own_lease(
    stack: Stack,
) -> None:
    assert stack.api("POST", "/policies", claims_for("alice"), car()).status == 201
    assert lease(stack).acquire("close-1", TAKEN_AT)  # left behind by a crashed attempt

    summary = stack.close_day(DAY1, request_id="close-1")

    assert summary["dates_closed"] == ["2026-03-02"]
    assert stack.body(csv_key(DAY1)).count(b"pol-0001") == 1
