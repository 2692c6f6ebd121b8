"""Who is acting: roles come from the identity's groups, never from a request body."""

from __future__ import annotations

import pytest

from domain.identity import DAY_CLOSE, Caller, Role


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        ([], Role.CUSTOMER),
        (["customers", "beta"], Role.CUSTOMER),
        (["agent"], Role.AGENT),
        (["admin"], Role.ADMIN),
        (["agent", "admin"], Role.ADMIN),
        (["system"], Role.CUSTOMER),  # the system role is never granted by a token
        (["Admin"], Role.CUSTOMER),
    ],
)
def test_role_from_groups(groups: list[str], role: Role) -> None:
    assert Caller.from_groups("sub-1", groups) == Caller("sub-1", role)


def test_customers_see_only_their_own_policies() -> None:
    alice = Caller("alice", Role.CUSTOMER)

    assert alice.can_see("alice")
    assert not alice.can_see("bob")
    assert not alice.is_staff


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN, Role.SYSTEM])
def test_staff_see_every_policy(role: Role) -> None:
    staff = Caller("someone", role)

    assert staff.is_staff
    assert staff.can_see("alice")


def test_day_close_acts_as_the_system() -> None:
    assert DAY_CLOSE.id == "system:day-close"
    assert DAY_CLOSE.role is Role.SYSTEM
