"""The policy lifecycle service: every create, read, amend and delete goes through here."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from domain.errors import (
    Forbidden,
    InvalidPolicy,
    PolicyNotFound,
    PolicyNumberTaken,
    VersionConflict,
)
from domain.history import Change, ChangeKind, field_changes
from domain.identity import DAY_CLOSE, Caller
from domain.lifecycle import check_creation, classify
from domain.model import NewPolicy, Policy, PolicyPatch, PolicyStatus
from domain.ports import Clock, IdGenerator, Page, PolicyQuery, PolicyStore

# Generated numbers are random; a clash is astronomically rare but must not reach the caller.
GENERATED_NUMBER_ATTEMPTS = 3
LARGEST_PAGE = 100


class PolicyService:
    def __init__(self, store: PolicyStore, clock: Clock, ids: IdGenerator) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids

    def create(self, caller: Caller, request: NewPolicy) -> Policy:
        owner = request.customer_id or caller.id
        if owner != caller.id and not caller.is_staff:
            raise Forbidden("only agents and admins may create a policy for another customer")
        check_creation(caller, request.status, request.renewal_status)
        attempts_left = 1 if request.policy_number else GENERATED_NUMBER_ATTEMPTS
        while True:
            attempts_left -= 1
            number = request.policy_number or self._ids.policy_number()
            change = self._creation(caller, request, owner, number)
            try:
                self._store.add(change)
                return change.policy
            except PolicyNumberTaken:
                if not attempts_left:
                    raise

    def get(self, caller: Caller, policy_id: str) -> Policy:
        policy = self._store.get(policy_id)
        if policy is None or not caller.can_see(policy.customer_id):
            raise PolicyNotFound(policy_id)
        return policy

    def get_by_number(self, caller: Caller, policy_number: str) -> Policy:
        policy = self._store.find_by_number(policy_number)
        if policy is None or not caller.can_see(policy.customer_id):
            raise PolicyNotFound(policy_number)
        return policy

    def list_page(self, caller: Caller, query: PolicyQuery) -> Page:
        if not caller.is_staff:
            query = PolicyQuery(
                customer_id=caller.id,
                insurance_type=query.insurance_type,
                status=query.status,
                business_date=query.business_date,
                limit=query.limit,
                cursor=query.cursor,
            )
        return self._store.page(query)

    def initiated_on(self, caller: Caller, day: date) -> list[Policy]:
        """Every policy initiated on `day` that the caller may see, all pages read."""
        found: list[Policy] = []
        cursor: str | None = None
        while True:
            query = PolicyQuery(business_date=day, limit=LARGEST_PAGE, cursor=cursor)
            page = self.list_page(caller, query)
            found += page.items
            if (cursor := page.next_cursor) is None:
                return found

    def amend(
        self, caller: Caller, policy_id: str, patch: PolicyPatch, if_match: int | None = None
    ) -> Policy:
        current = self._current(caller, policy_id, if_match)
        updated = self._next_state(caller, current, patch.changes())
        # Compared once normalised, so details written differently (1000 vs "1000.00") are equal.
        wanted = {
            name: getattr(updated, name)
            for name in patch.changes()
            if getattr(updated, name) != getattr(current, name)
        }
        if not wanted:
            return current  # nothing changes, so nothing is written and no version is spent
        if "customer_id" in wanted and not caller.is_staff:
            raise Forbidden("only agents and admins may move a policy to another customer")
        kind = classify(caller, current, wanted)
        if kind is ChangeKind.RENEWED:
            updated = self._renewal(caller, updated, "renewed_by" in wanted)
        self._store.replace(self._change(caller, kind, current, updated))
        return updated

    def delete(self, caller: Caller, policy_id: str, if_match: int | None = None) -> None:
        current = self._current(caller, policy_id, if_match)
        now = self._clock.now()
        change = Change(
            policy_id=current.policy_id,
            version=current.version + 1,
            change=ChangeKind.DELETED,
            at=now,
            by=caller.id,
            business_date=self._clock.business_date(now),
            fields=field_changes(current, None),
            policy=current,
        )
        self._store.remove(change)

    def expire(self, policy: Policy, day: date) -> Change | None:
        """Journal `policy` as expired on business day `day`; None if it changed meanwhile."""
        wanted = {"status": PolicyStatus.EXPIRED}
        kind = classify(DAY_CLOSE, policy, wanted)
        change = self._change(
            DAY_CLOSE, kind, policy, self._next_state(DAY_CLOSE, policy, wanted), day
        )
        try:
            self._store.replace(change)
        except VersionConflict:
            return None  # amended since it was listed; the next close looks at it again
        return change

    def history(self, caller: Caller, policy_id: str) -> list[Change]:
        changes = self._store.history(policy_id)
        if not changes or not caller.can_see(changes[-1].policy.customer_id):
            raise PolicyNotFound(policy_id)
        return changes

    # -- internals ---------------------------------------------------------------------------

    def _renewal(self, caller: Caller, renewed: Policy, named_renewer: bool) -> Policy:
        today = self._clock.business_date(self._clock.now())
        if renewed.end_date <= today:
            raise InvalidPolicy(
                f"a renewal needs an end_date after today ({today}), not {renewed.end_date}",
                [{"loc": ["end_date"], "msg": "must be after today to renew"}],
            )
        # Who renewed is recorded even when the request does not say it.
        return renewed if named_renewer else renewed.model_copy(update={"renewed_by": caller.id})

    def _current(self, caller: Caller, policy_id: str, if_match: int | None) -> Policy:
        current = self.get(caller, policy_id)
        if if_match is not None and if_match != current.version:
            raise VersionConflict(policy_id, if_match, current.version)
        return current

    def _creation(self, caller: Caller, request: NewPolicy, owner: str, number: str) -> Change:
        now = self._clock.now()
        terms = request.model_dump(exclude={"policy_number", "customer_id"})
        policy = Policy(
            **terms,
            policy_id=self._ids.policy_id(),
            policy_number=number,
            customer_id=owner,
            version=1,
            business_date=self._clock.business_date(now),
            created_at=now,
            created_by=caller.id,
            updated_at=now,
            updated_by=caller.id,
        )
        return Change(
            policy_id=policy.policy_id,
            version=1,
            change=ChangeKind.CREATED,
            at=now,
            by=caller.id,
            business_date=policy.business_date,
            fields=field_changes(None, policy),
            policy=policy,
        )

    def _next_state(self, caller: Caller, current: Policy, wanted: dict[str, Any]) -> Policy:
        now = self._clock.now()
        state = current.model_dump() | wanted
        state.update(
            version=current.version + 1, updated_at=now, updated_by=caller.id, pending=True
        )
        try:
            return Policy.model_validate(state)
        except ValidationError as exc:
            errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
            raise InvalidPolicy("the amended policy would be invalid", errors) from None

    def _change(
        self,
        caller: Caller,
        kind: ChangeKind,
        before: Policy,
        after: Policy,
        day: date | None = None,
    ) -> Change:
        return Change(
            policy_id=after.policy_id,
            version=after.version,
            change=kind,
            at=after.updated_at,
            by=caller.id,
            business_date=day or self._clock.business_date(after.updated_at),
            fields=field_changes(before, after),
            policy=after,
        )
