"""Audit trail: one Change per version of a policy, the unit the day close applies."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.model import Policy
from domain.values import Timestamp


class ChangeKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DEACTIVATED = "deactivated"
    ACTIVATED = "activated"
    CANCELLED = "cancelled"
    REINSTATED = "reinstated"
    RENEWED = "renewed"
    NOT_RENEWED = "not_renewed"
    TERMINATED = "terminated"
    EXPIRED = "expired"
    DELETED = "deleted"


class FieldChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    previous: Any
    new: Any


# Bookkeeping: set once at creation or on every write, and already in the change's own
# `version`/`at`/`by`; listing it among the changed fields would only add noise.
_BOOKKEEPING = frozenset(
    {"policy_id", "business_date", "created_at", "created_by", "version", "updated_at"}
    | {"updated_by", "pending"}
)


class Change(BaseModel):
    """What one write did. `policy` is the state after it (for a delete: the state removed)."""

    model_config = ConfigDict(frozen=True)

    policy_id: str
    version: int
    change: ChangeKind
    at: Timestamp
    by: str
    business_date: date
    fields: dict[str, FieldChange]
    policy: Policy

    @property
    def file_date(self) -> date:
        """The daily file this change lands in: the one of the day the policy was initiated."""
        return self.policy.business_date


def field_changes(before: Policy | None, after: Policy | None) -> dict[str, FieldChange]:
    """Fields whose JSON value differs between two states, with previous and new values."""
    old = _terms(before)
    new = _terms(after)
    return {
        name: FieldChange(previous=old.get(name), new=new.get(name))
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    }


def _terms(policy: Policy | None) -> dict[str, Any]:
    if policy is None:
        return {}
    return policy.model_dump(mode="json", exclude=set(_BOOKKEEPING), exclude_none=True)
