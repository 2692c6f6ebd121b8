"""The policy routes end to end: create, read, amend, delete and history over moto."""

from __future__ import annotations

import re
from typing import Any

from adapters.dynamodb_store import DynamoPolicyStore
from domain.identity import Caller, Role
from domain.model import PolicyPatch
from handlers.wiring import Components
from tests.integration.conftest import ADMIN, AGENT, ALICE, BOB, Api, car
from tests.support.clock import FakeClock

# -- create -----------------------------------------------------------------------------------


def test_create_answers_201_with_the_policy_location_and_etag(call: Api) -> None:
    reply = call("POST", "/policies", ALICE, car(premium="120.5"))

    assert reply.status == 201
    policy = reply.body
    assert reply.headers["Location"] == f"/policies/{policy['policy_id']}"
    assert reply.headers["ETag"] == '"1"'
    assert reply.headers["Content-Type"] == "application/json"
    assert re.fullmatch(r"[A-Za-z0-9-]{1,32}", policy["policy_number"])
    assert policy | {"policy_id": "-", "policy_number": "-"} == {
        "policy_id": "-",
        "policy_number": "-",
        "insurance_type": "car",
        "customer_id": "alice",
        "insured_member": "Alice Example",
        "start_date": "2026-03-01",
        "end_date": "2027-03-01",
        "premium": "120.50",
        "currency": "EUR",
        "status": "active",
        "renewal_status": "new",
        "renewed_by": None,
        "details": {"vehicle_registration": "AB-123"},
        "version": 1,
        "business_date": "2026-03-02",
        "created_at": "2026-03-02T09:00:00.000Z",
        "created_by": "alice",
        "updated_at": "2026-03-02T09:00:00.000Z",
        "updated_by": "alice",
        "pending": True,
    }
    assert call("GET", reply.headers["Location"], ALICE).body == policy


def test_create_with_a_chosen_number_and_currency(call: Api) -> None:
    policy = call.create(ALICE, policy_number="MY-CAR-1", currency="GBP")

    assert (policy["policy_number"], policy["currency"]) == ("MY-CAR-1", "GBP")


def test_taken_policy_number_is_409_and_nothing_is_written(call: Api) -> None:
    first = call.create(ALICE, policy_number="TAKEN-1")
    before = call.table()

    reply = call("POST", "/policies", BOB, car(policy_number="TAKEN-1", insured_member="Bob"))

    assert reply.status == 409
    assert reply.body["title"] == "Policy number already in use"
    assert "TAKEN-1" in reply.body["detail"]
    assert call.table() == before
    assert call("GET", f"/policies/{first['policy_id']}", ALICE).body == first


def test_agent_creates_for_a_customer_who_then_owns_it(call: Api) -> None:
    policy = call.create(AGENT, customer_id="alice")

    assert (policy["customer_id"], policy["created_by"]) == ("alice", "agent-7")
    assert call("GET", f"/policies/{policy['policy_id']}", ALICE).status == 200
    assert [p["policy_id"] for p in call("GET", "/policies", ALICE).body["items"]] == [
        policy["policy_id"]
    ]


def test_each_type_with_its_details(call: Api) -> None:
    life = call.create(
        ALICE,
        insurance_type="life",
        details={
            "sum_assured": 250000,
            "beneficiaries": [
                {"name": "Kid", "share_percent": "50"},
                {"name": "Spouse", "share_percent": 50},
            ],
        },
    )
    health = call.create(
        ALICE, insurance_type="health", details={"plan": "platinum", "dependents": 2}
    )

    assert life["details"] == {
        "sum_assured": "250000.00",
        "beneficiaries": [
            {"name": "Kid", "share_percent": "50"},
            {"name": "Spouse", "share_percent": "50"},
        ],
    }
    assert health["details"] == {"plan": "platinum", "dependents": 2}
    assert call("GET", f"/policies/{life['policy_id']}", ALICE).body == life


# -- read -------------------------------------------------------------------------------------


def test_absent_policy_is_404(call: Api) -> None:
    reply = call("GET", "/policies/no-such-policy", ADMIN)

    assert reply.status == 404
    assert reply.body["title"] == "Policy not found"


def test_another_customers_policy_is_404_not_403(call: Api) -> None:
    policy = call.create(ALICE)

    reply = call("GET", f"/policies/{policy['policy_id']}", BOB)

    assert reply.status == 404
    assert reply.body == call("GET", "/policies/no-such-policy", BOB).body | {
        "detail": f"no policy {policy['policy_id']!r} is visible to you"
    }


def test_get_answers_the_current_etag(call: Api) -> None:
    policy = call.create(ALICE)
    path = f"/policies/{policy['policy_id']}"
    call("PATCH", path, ALICE, {"premium": "1"})

    assert call("GET", path, ALICE).headers["ETag"] == '"2"'


# -- amend ------------------------------------------------------------------------------------


def test_amend_with_the_current_etag(call: Api, clock: FakeClock) -> None:
    policy = call.create(ALICE)
    path = f"/policies/{policy['policy_id']}"
    clock.advance(days=1, minutes=5)

    reply = call(
        "PATCH", path, ALICE, {"premium": "130", "insured_member": "A."}, {"If-Match": '"1"'}
    )

    assert reply.status == 200
    assert reply.headers["ETag"] == '"2"'
    assert reply.body == policy | {
        "premium": "130.00",
        "insured_member": "A.",
        "version": 2,
        "updated_at": "2026-03-03T09:05:00.000Z",
        "updated_by": "alice",
    }
    assert call("GET", path, ALICE).body == reply.body


def test_stale_etag_is_412_and_changes_nothing(call: Api) -> None:
    policy = call.create(ALICE)
    path = f"/policies/{policy['policy_id']}"
    call("PATCH", path, ALICE, {"premium": "130"}, {"If-Match": '"1"'})
    before = call.table()

    reply = call("PATCH", path, ALICE, {"premium": "140"}, {"If-Match": '"1"'})

    assert reply.status == 412
    assert "expected at version 1 but it is at version 2" in reply.body["detail"]
    assert call.table() == before


def _racing(components: Components, monkeypatch: Any, policy_id: str) -> None:
    """Let another writer amend the policy right after this request has read it."""
    read = DynamoPolicyStore.get

    def read_then_lose_the_race(self: DynamoPolicyStore, wanted: str) -> Any:
        found = read(self, wanted)
        monkeypatch.setattr(DynamoPolicyStore, "get", read)
        rival = PolicyPatch.model_validate({"insured_member": "Rival"})
        components.policies.amend(Caller("agent-7", Role.AGENT), policy_id, rival)
        return found

    monkeypatch.setattr(DynamoPolicyStore, "get", read_then_lose_the_race)


def test_unguarded_concurrent_amendment_is_409(
    call: Api, components: Components, monkeypatch: Any
) -> None:
    policy = call.create(ALICE)
    _racing(components, monkeypatch, policy["policy_id"])

    reply = call("PATCH", f"/policies/{policy['policy_id']}", ALICE, {"premium": "1"})

    assert reply.status == 409
    assert reply.body["title"] == "Version conflict"
    after = call("GET", f"/policies/{policy['policy_id']}", ALICE).body
    assert (after["version"], after["insured_member"], after["premium"]) == (2, "Rival", "120.50")


def test_guarded_concurrent_amendment_is_412(
    call: Api, components: Components, monkeypatch: Any
) -> None:
    policy = call.create(ALICE)
    _racing(components, monkeypatch, policy["policy_id"])

    reply = call(
        "PATCH", f"/policies/{policy['policy_id']}", ALICE, {"premium": "1"}, {"If-Match": '"1"'}
    )

    assert reply.status == 412
    assert [h["version"] for h in call.history(policy["policy_id"])] == [1, 2]


def test_amendment_that_changes_nothing_keeps_the_version(call: Api) -> None:
    policy = call.create(ALICE)
    path = f"/policies/{policy['policy_id']}"

    reply = call(
        "PATCH", path, ALICE, {"premium": "120.5", "details": {"vehicle_registration": "AB-123"}}
    )

    assert (reply.status, reply.headers["ETag"], reply.body) == (200, '"1"', policy)
    assert len(call.history(policy["policy_id"])) == 1


def test_details_may_be_cleared_and_the_type_changed_with_them(call: Api) -> None:
    policy = call.create(ALICE)
    path = f"/policies/{policy['policy_id']}"

    cleared = call("PATCH", path, ALICE, {"details": None, "renewed_by": None})
    health = call("PATCH", path, ALICE, {"insurance_type": "health", "details": {"plan": "gold"}})

    assert cleared.body["details"] is None
    assert (health.body["insurance_type"], health.body["details"]) == ("health", {"plan": "gold"})
    assert call("GET", path, ALICE).body == health.body


def test_staff_move_a_policy_to_another_customer(call: Api) -> None:
    policy = call.create(ALICE)
    path = f"/policies/{policy['policy_id']}"

    moved = call("PATCH", path, ADMIN, {"customer_id": "bob"})

    assert (moved.status, moved.body["customer_id"]) == (200, "bob")
    assert call("GET", path, ALICE).status == 404
    assert call("GET", path, BOB).status == 200
    assert [p["policy_id"] for p in call("GET", "/policies", BOB).body["items"]] == [
        policy["policy_id"]
    ]
    assert call("GET", "/policies", ALICE).body["items"] == []


# -- delete -----------------------------------------------------------------------------------


def test_delete_then_the_policy_is_gone(call: Api) -> None:
    policy = call.create(ALICE, policy_number="GONE-1")
    path = f"/policies/{policy['policy_id']}"

    reply = call("DELETE", path, ALICE)

    assert (reply.status, reply.body) == (204, None)
    assert call("GET", path, ALICE).status == 404
    assert call("GET", path, ADMIN).status == 404
    assert call("PATCH", path, ALICE, {"premium": "1"}).status == 404
    assert call("DELETE", path, ALICE).status == 404
    assert call("GET", "/policies", ALICE).body["items"] == []
    # the number is free again once its policy is gone
    assert call.create(ALICE, policy_number="GONE-1")["policy_id"] != policy["policy_id"]


def test_delete_with_a_stale_etag_is_412_and_keeps_the_policy(call: Api) -> None:
    policy = call.create(ALICE)
    path = f"/policies/{policy['policy_id']}"
    call("PATCH", path, ALICE, {"premium": "1"})

    assert call("DELETE", path, ALICE, headers={"If-Match": '"1"'}).status == 412
    assert call("GET", path, ALICE).status == 200
    assert call("DELETE", path, ALICE, headers={"If-Match": '"2"'}).status == 204


# -- history ----------------------------------------------------------------------------------


def test_history_lists_every_change_oldest_first(call: Api, clock: FakeClock) -> None:
    policy = call.create(ALICE)
    path = f"/policies/{policy['policy_id']}"
    clock.advance(hours=1)
    call("PATCH", path, ALICE, {"premium": "99.99"})
    clock.advance(days=1)
    call("PATCH", path, AGENT, {"status": "cancelled"})
    clock.advance(hours=1)
    call("PATCH", path, ADMIN, {"status": "active", "renewed_by": "admin-1"})
    clock.advance(hours=1)
    call("DELETE", path, ALICE)

    reply = call("GET", f"{path}/history", ALICE)

    assert reply.status == 200
    items = reply.body["items"]
    assert [(i["version"], i["change"], i["by"], i["at"]) for i in items] == [
        (1, "created", "alice", "2026-03-02T09:00:00.000Z"),
        (2, "updated", "alice", "2026-03-02T10:00:00.000Z"),
        (3, "cancelled", "agent-7", "2026-03-03T10:00:00.000Z"),
        (4, "reinstated", "admin-1", "2026-03-03T11:00:00.000Z"),
        (5, "deleted", "alice", "2026-03-03T12:00:00.000Z"),
    ]
    assert items[0]["fields"]["premium"] == {"previous": None, "new": "120.50"}
    assert items[1]["fields"] == {"premium": {"previous": "120.50", "new": "99.99"}}
    assert items[2]["fields"] == {"status": {"previous": "active", "new": "cancelled"}}
    assert items[3]["fields"] == {
        "renewed_by": {"previous": None, "new": "admin-1"},
        "status": {"previous": "cancelled", "new": "active"},
    }
    assert items[4]["fields"]["insured_member"] == {"previous": "Alice Example", "new": None}
    assert [i["business_date"] for i in items] == ["2026-03-02"] * 2 + ["2026-03-03"] * 3


def test_history_after_delete_is_for_owner_and_staff_only(call: Api) -> None:
    policy = call.create(ALICE)
    path = f"/policies/{policy['policy_id']}"
    call("DELETE", path, ALICE)

    for who in (ALICE, AGENT, ADMIN):
        assert [i["change"] for i in call("GET", f"{path}/history", who).body["items"]] == [
            "created",
            "deleted",
        ]
    assert call("GET", f"{path}/history", BOB).status == 404
    assert call("GET", "/policies/no-such-policy/history", ADMIN).status == 404
