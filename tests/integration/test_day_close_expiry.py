"""Expiry: a policy whose end_date has passed becomes `expired` through the close, journaled by
the system on the day being closed, and shows so in the daily file and the history."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.integration.close_fixtures import AGENT, Stack, aws_env, car, stack
from tests.support.events import claims_for

pytestmark = pytest.mark.integration
__all__ = ["aws_env", "stack"]

DAY1, DAY2 = date(2026, 3, 2), date(2026, 3, 3)
ALICE = claims_for("alice")


def create(stack: Stack, **fields: str) -> str:
    reply = stack.api("POST", "/policies", ALICE, car(**fields))
    assert reply.status == 201, reply.body
    policy_id: str = reply.body["policy_id"]
    return policy_id


def test_policies_whose_end_date_passed_expire_at_the_close(stack: Stack) -> None:
    ends_day1 = create(stack, end_date="2026-03-02")
    ends_day2 = create(stack, end_date="2026-03-03")
    cancelled = create(stack, end_date="2026-03-02")
    inactive = create(stack, end_date="2026-03-02")
    assert (
        stack.api("PATCH", f"/policies/{cancelled}", ALICE, {"status": "cancelled"}).status == 200
    )
    assert stack.api("PATCH", f"/policies/{inactive}", ALICE, {"status": "inactive"}).status == 200
    stack.clock.current = datetime(2026, 3, 3, 0, 5, tzinfo=UTC)

    summary = stack.close_day(DAY1)

    assert summary["policies_expired"] == 2
    rows = {r["policy_id"]: r for r in stack.rows(DAY1)}
    assert {pid: (r["status"], r["version"]) for pid, r in rows.items()} == {
        ends_day1: ("expired", "2"),
        ends_day2: ("active", "1"),
        cancelled: ("cancelled", "2"),
        inactive: ("expired", "3"),
    }
    assert rows[ends_day1]["updated_by"] == "system:day-close"
    assert rows[ends_day1]["updated_at"] == "2026-03-03T00:05:00.000Z"
    item = stack.metadata_item(DAY1)
    assert item is not None
    assert item["updated_by"] == {"S": "system:day-close"}

    history = stack.api("GET", f"/policies/{ends_day1}/history", ALICE).body["items"]
    assert history[-1] == {
        "version": 2,
        "change": "expired",
        "at": "2026-03-03T00:05:00.000Z",
        "by": "system:day-close",
        "business_date": "2026-03-02",
        "fields": {"status": {"previous": "active", "new": "expired"}},
    }
    current = stack.api("GET", f"/policies/{ends_day1}", ALICE).body
    assert (current["status"], current["pending"]) == ("expired", False)
    assert [c["change"] for c in stack.audit(DAY1)][-2:] == ["expired", "expired"]

    stack.clock.current = datetime(2026, 3, 4, 0, 5, tzinfo=UTC)
    later = stack.close_day(DAY2)

    assert later["policies_expired"] == 1
    assert {r["policy_id"]: r["status"] for r in stack.rows(DAY1)}[ends_day2] == "expired"


def test_an_expired_policy_is_frozen_until_renewed(stack: Stack) -> None:
    ended = create(stack, end_date="2026-03-02")
    stack.clock.current = datetime(2026, 3, 3, 0, 5, tzinfo=UTC)
    stack.close_day(DAY1)

    refused = stack.api("PATCH", f"/policies/{ended}", ALICE, {"premium": "1"})
    renewed = stack.api(
        "PATCH",
        f"/policies/{ended}",
        AGENT,
        {"status": "active", "renewal_status": "renewed", "end_date": "2027-03-02"},
    )

    assert refused.status == 409
    assert renewed.status == 200, renewed.body
    stack.clock.current = datetime(2026, 3, 4, 0, 5, tzinfo=UTC)
    assert stack.close_day(DAY2)["policies_expired"] == 0
    assert [(r["status"], r["renewal_status"]) for r in stack.rows(DAY1)] == [("active", "renewed")]
