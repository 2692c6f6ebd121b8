"""Who is acting. Roles come from the authenticated identity, never from a request body."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    ADMIN = "admin"
    SYSTEM = "system"


STAFF = frozenset({Role.AGENT, Role.ADMIN, Role.SYSTEM})


@dataclass(frozen=True, slots=True)
class Caller:
    id: str
    role: Role

    @classmethod
    def from_groups(cls, subject: str, groups: Iterable[str]) -> Caller:
        names = set(groups)
        if "admin" in names:
            return cls(subject, Role.ADMIN)
        if "agent" in names:
            return cls(subject, Role.AGENT)
        return cls(subject, Role.CUSTOMER)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    def can_see(self, customer_id: str) -> bool:
        return self.is_staff or customer_id == self.id


DAY_CLOSE = Caller("system:day-close", Role.SYSTEM)
