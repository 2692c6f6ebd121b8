"""Every error the domain can raise. Handlers map these classes (never messages) to responses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class DomainError(Exception):
    """Base class: `title` is a short, stable summary; the message is the human detail."""

    title = "Domain error"


class PolicyNotFound(DomainError):
    title = "Policy not found"

    def __init__(self, policy_id: str) -> None:
        super().__init__(f"no policy {policy_id!r} is visible to you")
        self.policy_id = policy_id


class PolicyNumberTaken(DomainError):
    title = "Policy number already in use"

    def __init__(self, policy_number: str) -> None:
        super().__init__(f"policy number {policy_number!r} is already taken")
        self.policy_number = policy_number


class VersionConflict(DomainError):
    """The policy changed since the caller read it (optimistic concurrency)."""

    title = "Version conflict"

    def __init__(self, policy_id: str, expected: int | None, actual: int | None) -> None:
        found = "it no longer exists" if actual is None else f"it is at version {actual}"
        super().__init__(f"policy {policy_id!r} was expected at version {expected} but {found}")
        self.expected = expected
        self.actual = actual


class InvalidTransition(DomainError):
    """A lifecycle move that the transition table does not allow from the current state."""

    title = "Transition not allowed"


class Forbidden(DomainError):
    """The caller is known but their role may not do this."""

    title = "Forbidden"


class InvalidPolicy(DomainError):
    """The policy that a change would produce breaks a rule (e.g. end date before start date)."""

    title = "Invalid policy"

    def __init__(self, detail: str, errors: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(detail)
        self.errors = list(errors)


class InvalidCursor(DomainError):
    title = "Invalid cursor"


class InvalidBusinessDate(DomainError):
    title = "Invalid business date"


class StoreUnavailable(DomainError):
    """A backing service throttled or failed; the operation changed nothing and may be retried."""

    title = "Service temporarily unavailable"


class CloseConflict(DomainError):
    """Another writer changed a daily file under this close; re-running converges."""

    title = "Close conflict"
