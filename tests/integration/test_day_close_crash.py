"""Crash safety: a close stopped after any single AWS call, then run again, ends exactly where an
uninterrupted close ends (CONTRACT §5, issue 3 "crash-safe")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from moto import mock_aws

from adapters import policy_items
from domain.identity import Caller, Role
from domain.model import NewPolicy, PolicyPatch
from tests.integration.close_fixtures import (
    SharedClients,
    SimulatedCrash,
    Stack,
    aws_env,
    build_stack,
    car,
    counting,
    csv_key,
    scheduled,
    shared_clients,
)
from tests.support.clock import FakeClock

pytestmark = pytest.mark.integration
__all__ = ["aws_env"]

DAY1, DAY2 = date(2026, 3, 2), date(2026, 3, 3)
AGENT = Caller("agent-7", Role.AGENT)


def scenario(clients: SharedClients, tag: str) -> Stack:
    """Day 1: three policies, one ending that day. Day 2: one updated, one deleted.

    Nothing is closed; the clock stops just after midnight of day 3, when the schedule fires, so
    the close catches up day 1 (expiry, new file) before day 2 (rewrite of day 1's file, an
    empty file for day 2).
    """
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    stack = build_stack(clock, table=f"crash-{tag}", bucket=f"crash-{tag}", session=clients)
    service = stack.components.policies
    kept = service.create(AGENT, NewPolicy.model_validate(car(customer_id="alice")))
    service.create(AGENT, NewPolicy.model_validate(car(customer_id="bob", end_date="2026-03-02")))
    gone = service.create(AGENT, NewPolicy.model_validate(car(customer_id="carol")))
    clock.advance(days=1, hours=1)
    service.amend(AGENT, kept.policy_id, PolicyPatch.model_validate({"premium": "99.90"}))
    clock.advance(minutes=1)
    service.delete(AGENT, gone.policy_id)
    clock.current = datetime(2026, 3, 4, 0, 5, tzinfo=UTC)
    return stack


def outcome(stack: Stack) -> tuple[dict[str, tuple[bytes, str]], list[dict[str, Any]]]:
    """Everything a close leaves behind: every object (bytes, ETag) and every table item."""
    return stack.objects(), stack.raw_items()


# A crashed run publishes no metrics; Powertools warns about that on every one of them.
@pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")
def test_a_close_stopped_after_any_aws_call_converges_to_the_uninterrupted_result(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One expiry shard instead of eight: the same steps with 14 fewer queries per run, which
    # keeps the number of crash points (and the test's time) modest. Sharding itself is
    # covered in test_day_close_adapters.
    monkeypatch.setattr(policy_items, "EXPIRY_SHARDS", 1)
    with mock_aws():
        clients = shared_clients()
        reference = scenario(clients, "reference")
        before_close = reference.raw_items()
        event = scheduled(reference.clock.now())
        with counting(reference) as counter:
            summary = reference.close(event)
        expected = outcome(reference)

        # The reference run is the one described above: both days closed, every change applied
        # once, the right rows in each file, and it wrote to both services along the way.
        assert summary["dates_closed"] == [str(DAY1), str(DAY2)]
        assert summary["changes_applied"] == 6  # 3 creates + 1 expiry, then 2 changes
        assert reference.pending_changes() == []
        states = [
            i
            for i in reference.table_items()
            if i["pk"].startswith("POLICY#") and i["sk"] == "STATE"
        ]
        assert {(s["policy_id"], s["version"], s["applied_version"]) for s in states} == {
            ("pol-0001", 2, 2),
            ("pol-0002", 2, 2),
        }
        rows = reference.rows(DAY1)
        assert [(r["policy_id"], r["version"], r["status"]) for r in rows] == [
            ("pol-0001", "2", "active"),
            ("pol-0002", "2", "expired"),
        ]
        assert reference.rows(DAY2) == []
        assert {"s3.PutObject", "dynamodb.PutItem", "dynamodb.UpdateItem"} <= set(counter.calls)
        calls = counter.calls

        for k in range(len(calls)):
            # A fresh table and bucket holding exactly the scenario's state before the close.
            stack = build_stack(
                FakeClock(reference.clock.now()),
                table=f"crash-k{k:03d}",
                bucket=f"crash-k{k:03d}",
                session=clients,
            )
            stack.restore(before_close)
            with counting(stack, crash_after=k) as crash, pytest.raises(SimulatedCrash):
                stack.close(event)
            assert len(crash.calls) == k  # it really stopped right there
            after_crash = "before the first call" if k == 0 else f"after call {k} ({calls[k - 1]})"

            stack.close(event)  # the retry (same request id, as Lambda retries an event)

            objects, items = outcome(stack)
            assert objects == expected[0], f"S3 differs when stopped {after_crash}"
            assert items == expected[1], f"table differs when stopped {after_crash}"
            assert stack.body(csv_key(DAY1)).count(b"pol-0001") == 1
