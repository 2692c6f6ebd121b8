"""What the domain needs from the outside world, named for the need, not the technology."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import date, datetime

from domain.details import InsuranceType
from domain.history import Change
from domain.model import Policy, PolicyStatus


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """The current instant, timezone-aware."""

    @abc.abstractmethod
    def business_date(self, moment: datetime) -> date:
        """The business day `moment` falls on (in the business time zone)."""


class IdGenerator(abc.ABC):
    @abc.abstractmethod
    def policy_id(self) -> str:
        """A new, never reused policy id."""

    @abc.abstractmethod
    def policy_number(self) -> str:
        """A candidate policy number matching ^[A-Za-z0-9-]{1,32}$ (uniqueness is the store's)."""


@dataclass(frozen=True, slots=True)
class PolicyQuery:
    customer_id: str | None = None  # None: every customer's policies
    insurance_type: InsuranceType | None = None
    status: PolicyStatus | None = None
    business_date: date | None = None
    limit: int = 20
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Policy]
    next_cursor: str | None


class PolicyStore(abc.ABC):
    """Live policies plus their journal; each write stores the state and its Change atomically."""

    @abc.abstractmethod
    def get(self, policy_id: str) -> Policy | None: ...

    @abc.abstractmethod
    def find_by_number(self, policy_number: str) -> Policy | None: ...

    @abc.abstractmethod
    def add(self, change: Change) -> None:
        """Store a new policy. Raises PolicyNumberTaken if its number is in use."""

    @abc.abstractmethod
    def replace(self, change: Change) -> None:
        """Store `change.policy` if stored at `change.version - 1`; else VersionConflict."""

    @abc.abstractmethod
    def remove(self, change: Change) -> None:
        """Delete the policy if the stored version is `change.version - 1`, else VersionConflict."""

    @abc.abstractmethod
    def page(self, query: PolicyQuery) -> Page:
        """A page of policies; raises InvalidCursor for a cursor this store did not issue."""

    @abc.abstractmethod
    def history(self, policy_id: str) -> list[Change]:
        """Every change of a policy, oldest first (also after it was deleted)."""
