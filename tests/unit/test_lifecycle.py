"""The lifecycle transition table: which moves exist, who may make them, and frozen states."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from domain.errors import Forbidden, InvalidTransition
from domain.history import ChangeKind
from domain.identity import Caller, Role
from domain.lifecycle import classify
from domain.model import PolicyStatus, RenewalStatus
from tests.unit.conftest import PolicyFactory

S, R, K = PolicyStatus, RenewalStatus, ChangeKind
CUSTOMER, AGENT, ADMIN, SYSTEM = Role.CUSTOMER, Role.AGENT, Role.ADMIN, Role.SYSTEM
ALL, STAFF = {CUSTOMER, AGENT, ADMIN, SYSTEM}, {AGENT, ADMIN, SYSTEM}

# Written out by hand from the product rules, so that a change to the table shows up here.
STATUS_MOVES: dict[tuple[PolicyStatus, PolicyStatus], tuple[ChangeKind, set[Role]]] = {
    (S.ACTIVE, S.INACTIVE): (K.DEACTIVATED, ALL),
    (S.INACTIVE, S.ACTIVE): (K.ACTIVATED, STAFF),
    (S.ACTIVE, S.CANCELLED): (K.CANCELLED, ALL),
    (S.INACTIVE, S.CANCELLED): (K.CANCELLED, ALL),
    (S.CANCELLED, S.ACTIVE): (K.REINSTATED, STAFF),
    (S.ACTIVE, S.EXPIRED): (K.EXPIRED, {SYSTEM}),
    (S.INACTIVE, S.EXPIRED): (K.EXPIRED, {SYSTEM}),
    (S.EXPIRED, S.ACTIVE): (K.RENEWED, STAFF),
}
RENEWAL_MOVES: dict[tuple[RenewalStatus, RenewalStatus], tuple[ChangeKind, set[Role]]] = {
    (R.NEW, R.RENEWED): (K.RENEWED, STAFF),
    (R.NOT_RENEWED, R.RENEWED): (K.RENEWED, STAFF),
    (R.NEW, R.NOT_RENEWED): (K.NOT_RENEWED, ALL),
    (R.RENEWED, R.NOT_RENEWED): (K.NOT_RENEWED, ALL),
    (R.NEW, R.TERMINATED): (K.TERMINATED, STAFF),
    (R.RENEWED, R.TERMINATED): (K.TERMINATED, STAFF),
    (R.NOT_RENEWED, R.TERMINATED): (K.TERMINATED, STAFF),
}


def _caller(role: Role) -> Caller:
    return Caller(f"{role}-1", role)


def _status_cases() -> list[Any]:
    return [
        pytest.param(start, end, kind, role, role in allowed, id=f"{start}->{end}-by-{role}")
        for (start, end), (kind, allowed) in STATUS_MOVES.items()
        for role in Role
    ]


@pytest.mark.parametrize(("start", "end", "kind", "role", "allowed"), _status_cases())
def test_status_moves_and_who_may_make_them(
    make_policy: PolicyFactory,
    start: PolicyStatus,
    end: PolicyStatus,
    kind: ChangeKind,
    role: Role,
    allowed: bool,
) -> None:
    current = make_policy(status=start, renewal_status=R.NOT_RENEWED)
    changes: dict[str, Any] = {"status": end}
    if kind is K.RENEWED:
        changes["renewal_status"] = R.RENEWED  # an expired policy comes back only by renewal

    if allowed:
        assert classify(_caller(role), current, changes) is kind
    else:
        with pytest.raises(Forbidden, match=f"status {start} -> {end} \\({kind}\\) is for"):
            classify(_caller(role), current, changes)


def _renewal_cases() -> list[Any]:
    return [
        pytest.param(start, end, kind, role, role in allowed, id=f"{start}->{end}-by-{role}")
        for (start, end), (kind, allowed) in RENEWAL_MOVES.items()
        for role in Role
    ]


@pytest.mark.parametrize(("start", "end", "kind", "role", "allowed"), _renewal_cases())
def test_renewal_moves_and_who_may_make_them(
    make_policy: PolicyFactory,
    start: RenewalStatus,
    end: RenewalStatus,
    kind: ChangeKind,
    role: Role,
    allowed: bool,
) -> None:
    current = make_policy(renewal_status=start)

    if allowed:
        assert classify(_caller(role), current, {"renewal_status": end}) is kind
    else:
        with pytest.raises(Forbidden, match="is for admin, agent only"):
            classify(_caller(role), current, {"renewal_status": end})


def test_a_move_only_the_system_makes_says_so(make_policy: PolicyFactory) -> None:
    with pytest.raises(Forbidden, match=r"status active -> expired \(expired\) is for the system"):
        classify(_caller(ADMIN), make_policy(), {"status": S.EXPIRED})


ILLEGAL_STATUS = [
    (start, end)
    for start, end in itertools.permutations(PolicyStatus, 2)
    if (start, end) not in STATUS_MOVES
]
ILLEGAL_RENEWAL = [
    (start, end)
    for start, end in itertools.permutations(RenewalStatus, 2)
    if (start, end) not in RENEWAL_MOVES
]


@pytest.mark.parametrize(("start", "end"), ILLEGAL_STATUS)
def test_status_moves_outside_the_table_are_refused_for_everyone(
    make_policy: PolicyFactory, start: PolicyStatus, end: PolicyStatus
) -> None:
    for role in Role:
        with pytest.raises(InvalidTransition, match=f"status cannot go from {start} to {end}"):
            classify(_caller(role), make_policy(status=start), {"status": end})


@pytest.mark.parametrize(("start", "end"), ILLEGAL_RENEWAL)
def test_renewal_moves_outside_the_table_are_refused_for_everyone(
    make_policy: PolicyFactory, start: RenewalStatus, end: RenewalStatus
) -> None:
    current = make_policy(renewal_status=start)
    for role in Role:
        with pytest.raises(InvalidTransition, match=f"renewal_status cannot go from {start}"):
            classify(_caller(role), current, {"renewal_status": end})


def test_ordinary_amendment_is_an_update(make_policy: PolicyFactory) -> None:
    assert classify(_caller(CUSTOMER), make_policy(), {"premium": 1}) is K.UPDATED


def test_status_move_names_a_change_that_also_moves_renewal(make_policy: PolicyFactory) -> None:
    changes = {"status": S.CANCELLED, "renewal_status": R.TERMINATED}

    assert classify(_caller(AGENT), make_policy(), changes) is K.CANCELLED


@pytest.mark.parametrize(
    ("status", "way_out"), [(S.CANCELLED, "reinstate it"), (S.EXPIRED, "renew it")]
)
@pytest.mark.parametrize(
    "changes",
    [{"premium": 1}, {"insured_member": "Someone Else"}, {"renewal_status": R.NOT_RENEWED}],
)
def test_frozen_policies_change_only_by_their_way_out(
    make_policy: PolicyFactory, status: PolicyStatus, way_out: str, changes: dict[str, Any]
) -> None:
    for role in (CUSTOMER, AGENT, ADMIN):
        with pytest.raises(InvalidTransition, match=f"the policy is {status}: {way_out} before"):
            classify(_caller(role), make_policy(status=status), changes)


def test_reinstating_may_amend_in_the_same_change(make_policy: PolicyFactory) -> None:
    changes = {"status": S.ACTIVE, "premium": 99}

    assert classify(_caller(AGENT), make_policy(status=S.CANCELLED), changes) is K.REINSTATED


@pytest.mark.parametrize("renewal", [R.NEW, R.NOT_RENEWED])
def test_expired_becomes_active_only_with_renewal(
    make_policy: PolicyFactory, renewal: RenewalStatus
) -> None:
    expired = make_policy(status=S.EXPIRED, renewal_status=renewal)

    with pytest.raises(InvalidTransition, match="only by renewing it"):
        classify(_caller(ADMIN), expired, {"status": S.ACTIVE})
    with pytest.raises(InvalidTransition, match="only by renewing it"):
        classify(_caller(ADMIN), expired, {"status": S.ACTIVE, "renewal_status": R.TERMINATED})
    renewing = {"status": S.ACTIVE, "renewal_status": R.RENEWED}
    assert classify(_caller(ADMIN), expired, renewing) is K.RENEWED


def test_a_renewed_policy_that_expired_can_be_renewed_again(make_policy: PolicyFactory) -> None:
    # renewal_status is already "renewed", so stating it again is no change at all
    expired = make_policy(status=S.EXPIRED, renewal_status=R.RENEWED)

    assert classify(_caller(AGENT), expired, {"status": S.ACTIVE}) is K.RENEWED
    with pytest.raises(Forbidden):
        classify(_caller(CUSTOMER), expired, {"status": S.ACTIVE})


def test_terminated_renewal_cannot_be_renewed(make_policy: PolicyFactory) -> None:
    expired = make_policy(status=S.EXPIRED, renewal_status=R.TERMINATED)

    with pytest.raises(InvalidTransition, match="renewal_status cannot go from terminated"):
        classify(_caller(ADMIN), expired, {"status": S.ACTIVE, "renewal_status": R.RENEWED})
