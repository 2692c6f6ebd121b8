"""How policies and changes are laid out as DynamoDB items (keys live here, not in the domain)."""

from __future__ import annotations

import json
import zlib
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from adapters.table_schema import BY_CUSTOMER, BY_DAY, INDEXES, PARTITION_KEY, SORT_KEY, WORKLIST
from domain.history import Change
from domain.model import Policy, PolicyStatus

STATE = "STATE"
CLAIM = "CLAIM"
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# Attributes that are bookkeeping, not policy fields.
APPLIED_VERSION = "applied_version"
# DynamoDB rejects a longer partition key (ValidationException) even on a read.
MAX_PARTITION_KEY_BYTES = 2048


def policy_key(policy_id: str) -> dict[str, str]:
    return {PARTITION_KEY: f"POLICY#{policy_id}", SORT_KEY: STATE}


def number_key(policy_number: str) -> dict[str, str]:
    return {PARTITION_KEY: f"NUMBER#{policy_number}", SORT_KEY: CLAIM}


def change_key(policy_id: str, version: int) -> dict[str, str]:
    return {PARTITION_KEY: f"POLICY#{policy_id}", SORT_KEY: f"CHANGE#{version:010d}"}


def storable(key: dict[str, str]) -> bool:
    """Whether DynamoDB accepts `key`; nothing can be stored under a key it rejects."""
    return len(key[PARTITION_KEY].encode()) <= MAX_PARTITION_KEY_BYTES


def policy_attributes(policy: Policy) -> dict[str, Any]:
    """Every attribute of a policy's state item except its primary key and applied_version."""
    fields = policy.model_dump(mode="json", exclude={"pending"})
    fields["premium"] = Decimal(fields["premium"])  # a number, so analytics can sum it
    if fields["details"] is not None:
        fields["details"] = json.dumps(fields["details"], sort_keys=True, separators=(",", ":"))
    customer_pk, customer_sk = INDEXES[BY_CUSTOMER]
    day_pk, day_sk = INDEXES[BY_DAY]
    fields[customer_pk] = f"CUSTOMER#{policy.customer_id}"
    fields[customer_sk] = f"{policy.business_date}#{policy.policy_id}"
    fields[day_pk] = f"POLICIES#{policy.business_date}"
    fields[day_sk] = policy.policy_id
    work_pk, work_sk = INDEXES[WORKLIST]
    may_expire = policy.status in (PolicyStatus.ACTIVE, PolicyStatus.INACTIVE)
    fields[work_pk] = f"EXPIRING#{expiry_shard(policy.policy_id)}" if may_expire else None
    fields[work_sk] = f"{policy.end_date}#{policy.policy_id}" if may_expire else None
    return fields


# Policies that may expire are spread over this many worklist partitions so that no single
# partition takes every policy write; the close queries each shard.
EXPIRY_SHARDS = 8


def expiry_shard(policy_id: str) -> int:
    return zlib.crc32(policy_id.encode()) % EXPIRY_SHARDS


def policy_from_item(item: dict[str, Any]) -> Policy:
    fields = {name: item[name] for name in Policy.model_fields if name in item}
    if fields.get("details") is not None:
        fields["details"] = json.loads(fields["details"])
    fields["pending"] = int(item.get(APPLIED_VERSION, 0)) < int(item["version"])
    return Policy.model_validate(fields)


def change_item(change: Change) -> dict[str, Any]:
    day_pk, day_sk = INDEXES[BY_DAY]
    order = f"{change.model_dump(mode='json')['at']}#{change.policy_id}#{change.version:010d}"
    return {
        **change_key(change.policy_id, change.version),
        day_pk: f"CHANGES#{change.business_date}",
        day_sk: order,
        **pending_keys(change, order),
        "change": change.model_dump_json(),
    }


def pending_keys(change: Change, order: str) -> dict[str, str]:
    pending_pk, pending_sk = INDEXES[WORKLIST]
    return {pending_pk: f"PENDING#{change.business_date}", pending_sk: order}


def change_from_item(item: dict[str, Any]) -> Change:
    return Change.model_validate_json(item["change"])


def serialize(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in values.items()}


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}
