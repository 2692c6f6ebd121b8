"""Lifecycle moves travel through PATCH: what each role may do, and what nobody may."""

from __future__ import annotations

from typing import Any

import pytest

from domain.identity import Caller, Role
from handlers.wiring import components
from tests.integration.conftest import ADMIN, AGENT, ALICE, Api, car

WHO = {"customer": ALICE, "agent": AGENT, "admin": ADMIN}


def _policy(call: Api, status: str = "active", **state: str) -> str:
    """Alice's policy, brought to `status` the way the system itself would get it there."""
    policy_id: str = call.create(ADMIN, customer_id="alice", **state)["policy_id"]
    if status in ("inactive", "cancelled"):
        assert _patch(call, policy_id, "admin", {"status": status}).status == 200
    if status == "expired":
        policies = components().policies
        current = policies.get(Caller("admin-1", Role.ADMIN), policy_id)
        assert policies.expire(current, current.business_date) is not None
    return policy_id


def _patch(call: Api, policy_id: str, who: str, body: dict[str, Any]) -> Any:
    return call("PATCH", f"/policies/{policy_id}", WHO[who], body)


@pytest.mark.parametrize(
    ("start", "body", "who", "status", "change"),
    [
        ({}, {"status": "inactive"}, "customer", 200, "deactivated"),
        ({"status": "inactive"}, {"status": "active"}, "customer", 403, None),
        ({"status": "inactive"}, {"status": "active"}, "agent", 200, "activated"),
        ({}, {"status": "cancelled"}, "customer", 200, "cancelled"),
        ({"status": "inactive"}, {"status": "cancelled"}, "customer", 200, "cancelled"),
        ({"status": "cancelled"}, {"status": "active"}, "customer", 403, None),
        ({"status": "cancelled"}, {"status": "active"}, "agent", 200, "reinstated"),
        ({"status": "cancelled"}, {"status": "active"}, "admin", 200, "reinstated"),
        ({}, {"status": "expired"}, "admin", 403, None),  # only the day close expires
        ({"status": "inactive"}, {"status": "expired"}, "customer", 403, None),
        ({"status": "cancelled"}, {"status": "inactive"}, "admin", 409, None),
        ({"status": "expired"}, {"status": "cancelled"}, "admin", 409, None),
        (
            {"status": "expired"},
            {"status": "active", "renewal_status": "renewed"},
            "admin",
            200,
            "renewed",
        ),
        (
            {"status": "expired"},
            {"status": "active", "renewal_status": "renewed"},
            "customer",
            403,
            None,
        ),
        ({"status": "expired"}, {"status": "active"}, "agent", 409, None),  # not without renewal
        ({}, {"renewal_status": "renewed"}, "customer", 403, None),
        ({}, {"renewal_status": "renewed", "renewed_by": "agent-7"}, "agent", 200, "renewed"),
        ({}, {"renewal_status": "not_renewed"}, "customer", 200, "not_renewed"),
        (
            {"renewal_status": "renewed"},
            {"renewal_status": "not_renewed"},
            "customer",
            200,
            "not_renewed",
        ),
        ({"renewal_status": "not_renewed"}, {"renewal_status": "renewed"}, "admin", 200, "renewed"),
        ({}, {"renewal_status": "terminated"}, "customer", 403, None),
        ({}, {"renewal_status": "terminated"}, "admin", 200, "terminated"),
        ({"renewal_status": "terminated"}, {"renewal_status": "renewed"}, "admin", 409, None),
        ({"renewal_status": "renewed"}, {"renewal_status": "new"}, "admin", 409, None),
    ],
)
def test_moves(
    call: Api,
    start: dict[str, str],
    body: dict[str, Any],
    who: str,
    status: int,
    change: str | None,
) -> None:
    policy_id = _policy(call, **start)
    before = call.table()

    reply = _patch(call, policy_id, who, body)

    assert reply.status == status, reply.body
    if change is None:
        assert call.table() == before  # a refused move writes nothing
        title = "Forbidden" if status == 403 else "Transition not allowed"
        assert reply.body["title"] == title
    else:
        assert {k: reply.body[k] for k in body} == body
        assert call.history(policy_id)[-1]["change"] == change


@pytest.mark.parametrize(("status", "way_out"), [("cancelled", "reinstate"), ("expired", "renew")])
@pytest.mark.parametrize(
    "body",
    [
        {"premium": "1"},
        {"end_date": "2028-01-01"},
        {"renewal_status": "not_renewed"},
        {"details": {"vehicle_registration": "NEW-1"}},
    ],
)
@pytest.mark.parametrize("who", ["customer", "admin"])
def test_frozen_policies_cannot_be_amended(
    call: Api, status: str, way_out: str, body: dict[str, Any], who: str
) -> None:
    policy_id = _policy(call, status=status)
    before = call.table()

    reply = _patch(call, policy_id, who, body)

    assert reply.status == 409
    assert f"the policy is {status}: {way_out} it before amending it" in reply.body["detail"]
    assert call.table() == before


def test_reinstating_may_amend_at_the_same_time(call: Api) -> None:
    policy_id = _policy(call, status="cancelled")

    reply = _patch(call, policy_id, "agent", {"status": "active", "premium": "200"})

    assert (reply.status, reply.body["premium"]) == (200, "200.00")
    assert call.history(policy_id)[-1]["fields"] == {
        "premium": {"previous": "120.50", "new": "200.00"},
        "status": {"previous": "cancelled", "new": "active"},
    }
    assert _patch(call, policy_id, "customer", {"premium": "210"}).status == 200


def test_renewed_policy_that_expired_is_renewed_again(call: Api) -> None:
    policy_id = _policy(call, status="expired", renewal_status="renewed")

    reply = _patch(
        call,
        policy_id,
        "agent",
        {"status": "active", "renewal_status": "renewed", "end_date": "2028-03-01"},
    )

    assert reply.status == 200
    assert call.history(policy_id)[-1]["change"] == "renewed"


def test_refused_lifecycle_move_reads_as_a_reason(call: Api) -> None:
    policy_id = _policy(call, status="cancelled")

    reply = _patch(call, policy_id, "customer", {"status": "active"})

    assert (
        reply.body["detail"] == "status cancelled -> active (reinstated) is for admin, agent only"
    )


@pytest.mark.parametrize(
    ("who", "state", "status", "title"),
    [
        ("customer", {"status": "cancelled"}, 409, "Transition not allowed"),
        ("admin", {"status": "expired"}, 409, "Transition not allowed"),
        ("customer", {"renewal_status": "terminated"}, 403, "Forbidden"),
        ("customer", {"renewal_status": "renewed"}, 403, "Forbidden"),
    ],
)
def test_a_new_policy_cannot_skip_the_lifecycle(
    call: Api, who: str, state: dict[str, str], status: int, title: str
) -> None:
    reply = call("POST", "/policies", WHO[who], car(**state))

    assert (reply.status, reply.body["title"]) == (status, title)
    assert call.table() == []


@pytest.mark.parametrize(
    "state",
    [{"status": "inactive"}, {"renewal_status": "terminated"}, {"renewal_status": "not_renewed"}],
)
def test_staff_may_create_any_reachable_starting_state(call: Api, state: dict[str, str]) -> None:
    reply = call("POST", "/policies", ADMIN, car(**state))

    assert reply.status == 201
    assert {k: reply.body[k] for k in state} == state


def test_renewal_needs_an_end_date_after_today(call: Api) -> None:
    policy_id = _policy(call, status="expired", end_date="2026-03-01", start_date="2025-03-01")
    before = call.table()

    reply = _patch(call, policy_id, "agent", {"status": "active", "renewal_status": "renewed"})

    assert reply.status == 422
    assert reply.body["errors"] == [{"loc": ["end_date"], "msg": "must be after today to renew"}]
    assert call.table() == before


def test_renewal_records_who_renewed_when_the_request_does_not_say(call: Api) -> None:
    policy_id = _policy(call)

    reply = _patch(call, policy_id, "agent", {"renewal_status": "renewed"})

    assert (reply.status, reply.body["renewed_by"]) == (200, "agent-7")
    assert call.history(policy_id)[-1]["fields"]["renewed_by"] == {
        "previous": None,
        "new": "agent-7",
    }
