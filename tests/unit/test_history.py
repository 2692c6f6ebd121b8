"""The audit trail: which fields a change touched, with their previous values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from domain.history import Change, ChangeKind, FieldChange, field_changes
from domain.model import PolicyStatus
from tests.unit.conftest import PolicyFactory


def test_creation_lists_every_stated_field_as_new(make_policy: PolicyFactory) -> None:
    policy = make_policy()

    fields = field_changes(None, policy)

    assert fields["premium"] == FieldChange(previous=None, new="120.50")
    assert fields["customer_id"] == FieldChange(previous=None, new="alice")
    assert fields["details"].new == {"vehicle_registration": "AB-123"}
    # bookkeeping is already in the change's own version/at/by, and unset fields are not news
    assert not fields.keys() & {"version", "updated_at", "created_by", "pending", "policy_id"}
    assert "renewed_by" not in fields
    assert list(fields) == sorted(fields)


def test_amendment_lists_only_what_differs(make_policy: PolicyFactory) -> None:
    before = make_policy()
    after = make_policy(
        premium=Decimal("130"), status=PolicyStatus.INACTIVE, version=2, updated_by="agent"
    )

    assert field_changes(before, after) == {
        "premium": FieldChange(previous="120.50", new="130.00"),
        "status": FieldChange(previous="active", new="inactive"),
    }


def test_cleared_field_shows_its_previous_value(make_policy: PolicyFactory) -> None:
    before = make_policy(renewed_by="agent-7")

    assert field_changes(before, make_policy()) == {
        "renewed_by": FieldChange(previous="agent-7", new=None)
    }


def test_deletion_lists_every_field_as_gone(make_policy: PolicyFactory) -> None:
    fields = field_changes(make_policy(), None)

    assert fields["insured_member"] == FieldChange(previous="Alice Example", new=None)
    assert all(change.new is None for change in fields.values())


def test_change_lands_in_the_file_of_the_day_the_policy_began(make_policy: PolicyFactory) -> None:
    policy = make_policy(business_date=date(2026, 2, 27))
    change = Change(
        policy_id=policy.policy_id,
        version=2,
        change=ChangeKind.UPDATED,
        at=datetime(2026, 3, 5, tzinfo=UTC),
        by="alice",
        business_date=date(2026, 3, 5),
        fields={},
        policy=policy,
    )

    assert change.file_date == date(2026, 2, 27)
