"""The policy lifecycle as a pure transition table: which moves exist and who may make them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import Forbidden, InvalidTransition
from domain.history import ChangeKind
from domain.identity import STAFF, Caller, Role
from domain.model import Policy, PolicyStatus, RenewalStatus

EVERYONE = frozenset(Role)
SYSTEM_ONLY = frozenset({Role.SYSTEM})


@dataclass(frozen=True, slots=True)
class Move:
    kind: ChangeKind
    allowed: frozenset[Role]


S, R = PolicyStatus, RenewalStatus

STATUS_MOVES: Mapping[tuple[PolicyStatus, PolicyStatus], Move] = {
    (S.ACTIVE, S.INACTIVE): Move(ChangeKind.DEACTIVATED, EVERYONE),
    (S.INACTIVE, S.ACTIVE): Move(ChangeKind.ACTIVATED, STAFF),
    (S.ACTIVE, S.CANCELLED): Move(ChangeKind.CANCELLED, EVERYONE),
    (S.INACTIVE, S.CANCELLED): Move(ChangeKind.CANCELLED, EVERYONE),
    (S.CANCELLED, S.ACTIVE): Move(ChangeKind.REINSTATED, STAFF),
    (S.ACTIVE, S.EXPIRED): Move(ChangeKind.EXPIRED, SYSTEM_ONLY),
    (S.INACTIVE, S.EXPIRED): Move(ChangeKind.EXPIRED, SYSTEM_ONLY),
    (S.EXPIRED, S.ACTIVE): Move(ChangeKind.RENEWED, STAFF),
}

RENEWAL_MOVES: Mapping[tuple[RenewalStatus, RenewalStatus], Move] = {
    (R.NEW, R.RENEWED): Move(ChangeKind.RENEWED, STAFF),
    (R.NOT_RENEWED, R.RENEWED): Move(ChangeKind.RENEWED, STAFF),
    (R.NEW, R.NOT_RENEWED): Move(ChangeKind.NOT_RENEWED, EVERYONE),
    (R.RENEWED, R.NOT_RENEWED): Move(ChangeKind.NOT_RENEWED, EVERYONE),
    (R.NEW, R.TERMINATED): Move(ChangeKind.TERMINATED, STAFF),
    (R.RENEWED, R.TERMINATED): Move(ChangeKind.TERMINATED, STAFF),
    (R.NOT_RENEWED, R.TERMINATED): Move(ChangeKind.TERMINATED, STAFF),
}

# States in which nothing but the way out (reinstating, renewing) may change.
FROZEN = {S.CANCELLED: "reinstate it", S.EXPIRED: "renew it"}


def classify(caller: Caller, current: Policy, changes: Mapping[str, Any]) -> ChangeKind:
    """Check an amendment against the table; return the kind of change it is.

    `changes` holds only fields whose value really differs from `current`.
    """
    status_move = _move(STATUS_MOVES, "status", current.status, changes, caller)
    renewal_move = _move(RENEWAL_MOVES, "renewal_status", current.renewal_status, changes, caller)
    way_out = FROZEN.get(current.status)
    if way_out and status_move is None:
        raise InvalidTransition(f"the policy is {current.status}: {way_out} before amending it")
    # Renewed in this change, or already marked renewed (a renewed policy that ran out again).
    renewed = changes.get("renewal_status", current.renewal_status) == RenewalStatus.RENEWED
    if status_move and status_move.kind is ChangeKind.RENEWED and not renewed:
        raise InvalidTransition(
            "an expired policy becomes active again only by renewing it "
            "(set renewal_status to 'renewed' in the same change)"
        )
    chosen = status_move or renewal_move
    return chosen.kind if chosen else ChangeKind.UPDATED


def check_creation(caller: Caller, status: PolicyStatus, renewal: RenewalStatus) -> None:
    """A new policy starts where the table lets this caller put it: active or inactive, and a
    renewal status reachable from `new` by this caller (e.g. back-office imports `terminated`)."""
    if status not in (S.ACTIVE, S.INACTIVE):
        raise InvalidTransition(f"a policy starts active or inactive, not {status}")
    if renewal is not R.NEW:
        _move(RENEWAL_MOVES, "renewal_status", R.NEW, {"renewal_status": renewal}, caller)


def _move(
    table: Mapping[tuple[Any, Any], Move],
    field: str,
    current: Any,
    changes: Mapping[str, Any],
    caller: Caller,
) -> Move | None:
    if field not in changes:
        return None
    target = changes[field]
    move = table.get((current, target))
    if move is None:
        raise InvalidTransition(f"{field} cannot go from {current!s} to {target!s}")
    if caller.role not in move.allowed:
        allowed = ", ".join(sorted(r for r in move.allowed if r is not Role.SYSTEM)) or "the system"
        raise Forbidden(f"{field} {current!s} -> {target!s} ({move.kind}) is for {allowed} only")
    return move
