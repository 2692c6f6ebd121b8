"""PolicyService with its ports replaced: what it stores, what it refuses, and whom it tells."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import (
    Forbidden,
    InvalidPolicy,
    InvalidTransition,
    PolicyNotFound,
    PolicyNumberTaken,
    VersionConflict,
)
from domain.history import Change, ChangeKind, FieldChange
from domain.identity import DAY_CLOSE, Caller, Role
from domain.model import NewPolicy, PolicyPatch, PolicyStatus
from domain.policies import GENERATED_NUMBER_ATTEMPTS, PolicyService
from domain.ports import Page, PolicyQuery
from tests.support.clock import FakeClock
from tests.unit.conftest import PolicyFactory

ALICE = Caller("alice", Role.CUSTOMER)
BOB = Caller("bob", Role.CUSTOMER)
AGENT = Caller("agent-7", Role.AGENT)
ADMIN = Caller("admin-1", Role.ADMIN)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

REQUEST = {
    "insurance_type": "car",
    "insured_member": "Alice Example",
    "start_date": "2026-03-01",
    "end_date": "2027-03-01",
    "premium": "120.5",
    "details": {"vehicle_registration": "AB-123"},
}


def _new(**overrides: Any) -> NewPolicy:
    return NewPolicy.model_validate(REQUEST | overrides)


def _patch(**fields: Any) -> PolicyPatch:
    return PolicyPatch.model_validate(fields)


def _written(store: Any, method: str) -> Change:
    getattr(store, method).assert_called_once()
    change: Change = getattr(store, method).call_args.args[0]
    return change


# -- create -----------------------------------------------------------------------------------


def test_customer_creates_a_policy_for_themself(service: PolicyService, store: Any) -> None:
    policy = service.create(ALICE, _new())

    change = _written(store, "add")
    assert change.policy == policy
    assert (change.change, change.version, change.by) == (ChangeKind.CREATED, 1, "alice")
    assert (change.at, change.business_date) == (NOW, date(2026, 3, 2))
    assert change.fields["premium"] == FieldChange(previous=None, new="120.50")
    assert policy.policy_id == "pol-1"
    assert policy.policy_number == "POL-0000000001"
    assert policy.customer_id == "alice"
    assert (policy.created_by, policy.updated_by) == ("alice", "alice")
    assert (policy.created_at, policy.updated_at) == (NOW, NOW)
    assert policy.version == 1
    assert policy.pending is True
    assert policy.business_date == date(2026, 3, 2)


def test_customer_may_name_themself_as_customer(service: PolicyService) -> None:
    assert service.create(ALICE, _new(customer_id="alice")).customer_id == "alice"


def test_customer_may_not_create_for_someone_else(service: PolicyService, store: Any) -> None:
    with pytest.raises(Forbidden, match="only agents and admins"):
        service.create(ALICE, _new(customer_id="bob"))

    store.add.assert_not_called()


@pytest.mark.parametrize("staff", [AGENT, ADMIN])
def test_staff_create_for_a_customer(service: PolicyService, staff: Caller) -> None:
    policy = service.create(staff, _new(customer_id="bob"))

    assert policy.customer_id == "bob"
    assert policy.created_by == staff.id


def test_a_chosen_policy_number_is_used_and_not_retried(
    service: PolicyService, store: Any, ids: Any
) -> None:
    store.add.side_effect = PolicyNumberTaken("MY-NUMBER")

    with pytest.raises(PolicyNumberTaken):
        service.create(ALICE, _new(policy_number="MY-NUMBER"))

    assert _written(store, "add").policy.policy_number == "MY-NUMBER"
    ids.policy_number.assert_not_called()


def test_a_clashing_generated_number_is_replaced(service: PolicyService, store: Any) -> None:
    store.add.side_effect = [PolicyNumberTaken("POL-0000000001"), None]

    policy = service.create(ALICE, _new())

    assert policy.policy_number == "POL-0000000002"
    assert store.add.call_count == 2


def test_generated_numbers_give_up_after_a_few_clashes(service: PolicyService, store: Any) -> None:
    store.add.side_effect = PolicyNumberTaken("whatever")

    with pytest.raises(PolicyNumberTaken):
        service.create(ALICE, _new())

    assert store.add.call_count == GENERATED_NUMBER_ATTEMPTS


# -- read -------------------------------------------------------------------------------------


def test_owner_and_staff_read_a_policy(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy()

    for caller in (ALICE, AGENT, ADMIN):
        assert service.get(caller, "pol-stored") == store.get.return_value
    store.get.assert_called_with("pol-stored")


def test_another_customers_policy_looks_absent(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy()

    with pytest.raises(PolicyNotFound, match="no policy 'pol-stored' is visible to you"):
        service.get(BOB, "pol-stored")


def test_absent_policy_is_not_found(service: PolicyService, store: Any) -> None:
    store.get.return_value = None

    with pytest.raises(PolicyNotFound):
        service.get(ADMIN, "nope")


def test_policy_by_number_follows_the_same_visibility(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.find_by_number.return_value = make_policy()

    assert service.get_by_number(ALICE, "POL-STORED").policy_id == "pol-stored"
    assert service.get_by_number(AGENT, "POL-STORED").policy_id == "pol-stored"
    with pytest.raises(PolicyNotFound):
        service.get_by_number(BOB, "POL-STORED")
    store.find_by_number.return_value = None
    with pytest.raises(PolicyNotFound, match="POL-STORED"):
        service.get_by_number(ADMIN, "POL-STORED")


def test_customer_lists_only_their_own(service: PolicyService, store: Any) -> None:
    store.page.return_value = Page([], None)
    asked = PolicyQuery(
        customer_id="bob",
        insurance_type=None,
        status=PolicyStatus.ACTIVE,
        business_date=date(2026, 3, 2),
        limit=5,
        cursor="abc",
    )

    assert service.list_page(ALICE, asked) == Page([], None)

    store.page.assert_called_once_with(
        PolicyQuery(
            customer_id="alice",
            status=PolicyStatus.ACTIVE,
            business_date=date(2026, 3, 2),
            limit=5,
            cursor="abc",
        )
    )


@pytest.mark.parametrize("staff", [AGENT, ADMIN])
def test_staff_list_what_they_ask_for(service: PolicyService, store: Any, staff: Caller) -> None:
    query = PolicyQuery(status=PolicyStatus.CANCELLED, limit=50)

    service.list_page(staff, query)

    store.page.assert_called_once_with(query)


# -- amend ------------------------------------------------------------------------------------


def test_amendment_stores_the_next_version(
    service: PolicyService, store: Any, clock: FakeClock, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy()
    later = clock.advance(days=1, hours=2)

    updated = service.amend(AGENT, "pol-stored", _patch(premium="130", insured_member="A. E."))

    change = _written(store, "replace")
    assert change.policy == updated
    assert (change.version, change.change, change.by) == (2, ChangeKind.UPDATED, "agent-7")
    assert (change.at, change.business_date) == (later, date(2026, 3, 3))
    assert change.fields == {
        "insured_member": FieldChange(previous="Alice Example", new="A. E."),
        "premium": FieldChange(previous="120.50", new="130.00"),
    }
    assert updated.premium == Decimal("130.00")
    assert (updated.version, updated.updated_by, updated.updated_at) == (2, "agent-7", later)
    assert (updated.created_by, updated.business_date) == ("alice", date(2026, 3, 1))
    assert updated.pending is True


def test_amendment_with_the_current_version_succeeds(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy(version=4)

    assert service.amend(ALICE, "pol-stored", _patch(premium="1"), if_match=4).version == 5


def test_stale_version_is_refused_and_nothing_written(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy(version=4)

    with pytest.raises(VersionConflict, match="expected at version 3 but it is at version 4"):
        service.amend(ALICE, "pol-stored", _patch(premium="1"), if_match=3)

    store.replace.assert_not_called()


@pytest.mark.parametrize(
    "patch",
    [
        {},
        {"premium": "120.5", "currency": "EUR"},
        {"details": {"vehicle_registration": "AB-123"}},
        {"start_date": "2026-03-01", "renewed_by": None},
    ],
)
def test_amendment_that_changes_nothing_writes_nothing(
    service: PolicyService, store: Any, make_policy: PolicyFactory, patch: dict[str, Any]
) -> None:
    store.get.return_value = make_policy()

    assert service.amend(ALICE, "pol-stored", _patch(**patch)) == store.get.return_value

    store.replace.assert_not_called()


def test_details_written_differently_but_meaning_the_same_are_no_change(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy(
        insurance_type="life", details={"sum_assured": "1000.00"}, status=PolicyStatus.CANCELLED
    )

    same = service.amend(ALICE, "pol-stored", _patch(details={"sum_assured": 1000}))

    assert same.version == 1
    store.replace.assert_not_called()


def test_customer_may_not_move_a_policy_to_someone_else(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy()

    with pytest.raises(Forbidden, match="move a policy to another customer"):
        service.amend(ALICE, "pol-stored", _patch(customer_id="bob"))
    store.replace.assert_not_called()

    assert service.amend(ADMIN, "pol-stored", _patch(customer_id="bob")).customer_id == "bob"


def test_lifecycle_decides_the_kind_of_change(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy(status=PolicyStatus.CANCELLED)

    reinstated = service.amend(AGENT, "pol-stored", _patch(status="active"))

    assert reinstated.status is PolicyStatus.ACTIVE
    assert _written(store, "replace").change is ChangeKind.REINSTATED


@pytest.mark.parametrize(
    ("caller", "patch", "error"),
    [
        (ALICE, {"status": "active"}, Forbidden),  # renewing is for staff
        (AGENT, {"status": "active"}, InvalidTransition),  # ... and needs renewal_status
        (ALICE, {"premium": "5"}, InvalidTransition),
        (BOB, {"premium": "5"}, PolicyNotFound),
    ],
)
def test_refused_amendments_write_nothing(
    service: PolicyService,
    store: Any,
    make_policy: PolicyFactory,
    caller: Caller,
    patch: dict[str, Any],
    error: type[Exception],
) -> None:
    store.get.return_value = make_policy(status=PolicyStatus.EXPIRED)

    with pytest.raises(error):
        service.amend(caller, "pol-stored", _patch(**patch))

    store.replace.assert_not_called()


def test_customer_may_not_reinstate(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy(status=PolicyStatus.CANCELLED)

    with pytest.raises(Forbidden, match="reinstated"):
        service.amend(ALICE, "pol-stored", _patch(status="active"))

    store.replace.assert_not_called()


@pytest.mark.parametrize(
    ("patch", "loc", "message"),
    [
        ({"end_date": "2026-01-01"}, [], "end_date must be after start_date"),
        ({"insurance_type": "life"}, [], "invalid life details: sum_assured: Field required"),
        ({"details": {"plan": "gold"}}, [], "invalid car details"),
    ],
)
def test_amendment_that_would_break_a_rule_is_invalid(
    service: PolicyService,
    store: Any,
    make_policy: PolicyFactory,
    patch: dict[str, Any],
    loc: list[Any],
    message: str,
) -> None:
    store.get.return_value = make_policy()

    with pytest.raises(InvalidPolicy, match="the amended policy would be invalid") as caught:
        service.amend(ALICE, "pol-stored", _patch(**patch))

    assert caught.value.errors[0]["loc"] == loc
    assert message in caught.value.errors[0]["msg"]
    store.replace.assert_not_called()


def test_type_and_details_change_together(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy()

    health = service.amend(
        ALICE, "pol-stored", _patch(insurance_type="health", details={"plan": "gold"})
    )

    assert (health.insurance_type, health.details) == ("health", {"plan": "gold"})


def test_conflict_from_the_store_reaches_the_caller(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy()
    store.replace.side_effect = VersionConflict("pol-stored", 1, 2)

    with pytest.raises(VersionConflict):
        service.amend(ALICE, "pol-stored", _patch(premium="1"))


# -- delete and history -----------------------------------------------------------------------


def test_delete_journals_the_removed_state(
    service: PolicyService, store: Any, clock: FakeClock, make_policy: PolicyFactory
) -> None:
    current = make_policy(version=3)
    store.get.return_value = current
    later = clock.advance(hours=1)

    service.delete(ALICE, "pol-stored", if_match=3)

    change = _written(store, "remove")
    assert (change.change, change.version, change.by, change.at) == (
        ChangeKind.DELETED,
        4,
        "alice",
        later,
    )
    assert change.policy == current
    assert change.business_date == date(2026, 3, 2)
    assert change.fields["premium"] == FieldChange(previous="120.50", new=None)


def test_delete_refuses_a_stale_version_or_a_stranger(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.get.return_value = make_policy(version=3)

    with pytest.raises(VersionConflict):
        service.delete(ALICE, "pol-stored", if_match=2)
    with pytest.raises(PolicyNotFound):
        service.delete(BOB, "pol-stored")

    store.remove.assert_not_called()


def _history(make_policy: PolicyFactory, owner: str) -> list[Change]:
    policy = make_policy(customer_id=owner)
    return [
        Change(
            policy_id=policy.policy_id,
            version=1,
            change=ChangeKind.CREATED,
            at=NOW,
            by=owner,
            business_date=date(2026, 3, 2),
            fields={},
            policy=policy,
        )
    ]


def test_history_is_for_the_current_owner_and_staff(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.history.return_value = _history(make_policy, "alice")

    for caller in (ALICE, AGENT, ADMIN):
        assert service.history(caller, "pol-stored") == store.history.return_value
    with pytest.raises(PolicyNotFound):
        service.history(BOB, "pol-stored")


def test_history_of_an_unknown_policy_is_not_found(service: PolicyService, store: Any) -> None:
    store.history.return_value = []

    with pytest.raises(PolicyNotFound):
        service.history(ADMIN, "nope")


# -- expiry by the day close ------------------------------------------------------------------


def test_expiry_is_journaled_on_the_day_being_closed(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    change = service.expire(make_policy(version=2), date(2026, 3, 1))

    assert change == _written(store, "replace")
    assert change is not None
    assert (change.change, change.by, change.version) == (ChangeKind.EXPIRED, DAY_CLOSE.id, 3)
    assert change.business_date == date(2026, 3, 1)
    assert change.policy.status is PolicyStatus.EXPIRED


def test_expiry_of_a_policy_amended_meanwhile_is_skipped(
    service: PolicyService, store: Any, make_policy: PolicyFactory
) -> None:
    store.replace.side_effect = VersionConflict("pol-stored", 1, 2)

    assert service.expire(make_policy(), date(2026, 3, 1)) is None
