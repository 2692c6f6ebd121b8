"""How a policy and its changes are laid out as DynamoDB items, and read back unchanged."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from adapters import policy_items as items
from adapters.table_schema import INDEXES, PARTITION_KEY, SORT_KEY
from domain.history import Change, ChangeKind, field_changes
from domain.model import PolicyStatus
from tests.unit.conftest import PolicyFactory


def test_keys_keep_policies_numbers_and_changes_apart() -> None:
    assert items.policy_key("p1") == {PARTITION_KEY: "POLICY#p1", SORT_KEY: "STATE"}
    assert items.number_key("N-1") == {PARTITION_KEY: "NUMBER#N-1", SORT_KEY: "CLAIM"}
    assert items.change_key("p1", 12) == {PARTITION_KEY: "POLICY#p1", SORT_KEY: "CHANGE#0000000012"}


def test_state_item_round_trips_the_policy(make_policy: PolicyFactory) -> None:
    policy = make_policy(
        insurance_type="life",
        details={"sum_assured": "250000", "beneficiaries": [{"name": "Z", "share_percent": 100}]},
        renewed_by="agent-1",
        version=3,
    )

    attributes = items.policy_attributes(policy)
    stored = items.deserialize(items.serialize(attributes))

    assert items.policy_from_item(stored) == policy
    assert attributes["premium"] == Decimal("120.50")  # a number, never a float
    assert json.loads(attributes["details"]) == policy.details
    assert attributes["details"] == json.dumps(
        policy.details, sort_keys=True, separators=(",", ":")
    )
    assert "pending" not in attributes


def test_state_item_carries_its_index_keys(make_policy: PolicyFactory) -> None:
    attributes = items.policy_attributes(make_policy())
    (c_pk, c_sk), (d_pk, d_sk) = INDEXES["by_customer"], INDEXES["by_day"]

    assert attributes[c_pk] == "CUSTOMER#alice"
    assert attributes[c_sk] == "2026-03-01#pol-stored"
    assert attributes[d_pk] == "POLICIES#2026-03-01"
    assert attributes[d_sk] == "pol-stored"


def test_policy_without_details_or_renewer(make_policy: PolicyFactory) -> None:
    policy = make_policy(details=None)
    attributes = items.policy_attributes(policy)
    present = {k: v for k, v in attributes.items() if v is not None}

    assert attributes["details"] is None
    assert items.policy_from_item(items.deserialize(items.serialize(present))) == policy


def test_pending_until_the_close_applied_the_stored_version(make_policy: PolicyFactory) -> None:
    item = items.policy_attributes(make_policy(version=3, status=PolicyStatus.CANCELLED))

    assert items.policy_from_item(item).pending is True
    assert items.policy_from_item(item | {items.APPLIED_VERSION: Decimal(2)}).pending is True
    assert items.policy_from_item(item | {items.APPLIED_VERSION: Decimal(3)}).pending is False


def test_change_item_round_trips_and_is_journaled_by_day(make_policy: PolicyFactory) -> None:
    policy = make_policy()
    change = Change(
        policy_id=policy.policy_id,
        version=1,
        change=ChangeKind.CREATED,
        at=datetime(2026, 3, 2, 9, 0, 0, 123_000, tzinfo=UTC),
        by="alice",
        business_date=date(2026, 3, 2),
        fields=field_changes(None, policy),
        policy=policy,
    )

    item = items.change_item(change)

    assert items.change_from_item(items.deserialize(items.serialize(item))) == change
    assert item[PARTITION_KEY] == "POLICY#pol-stored"
    assert item[SORT_KEY] == "CHANGE#0000000001"
    day_pk, day_sk = INDEXES["by_day"]
    assert item[day_pk] == "CHANGES#2026-03-02"
    assert item[day_sk] == "2026-03-02T09:00:00.123Z#pol-stored#0000000001"


def test_keys_dynamodb_would_reject_are_not_storable() -> None:
    limit = items.MAX_PARTITION_KEY_BYTES - len("POLICY#")

    assert items.storable(items.policy_key("x" * limit))
    assert not items.storable(items.policy_key("x" * (limit + 1)))
    assert not items.storable(items.policy_key("é" * (limit // 2 + 1)))  # bytes, not characters
