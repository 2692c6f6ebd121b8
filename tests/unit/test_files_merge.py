"""merge(): how a close folds a day's changes into a daily file's sorted rows."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.files import file_id, latest_per_policy, merge
from domain.history import Change, ChangeKind
from domain.model import Policy
from tests.unit.close_fixtures import DAY1, _offline, policy

pytestmark = pytest.mark.unit
__all__ = ["_offline"]

# Timing is not what these properties are about; a loaded CI machine must not make them flaky.
no_deadline = settings(deadline=None)

BASE = policy("pol-base", pending=False)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KINDS = (ChangeKind.CREATED, ChangeKind.UPDATED, ChangeKind.EXPIRED, ChangeKind.DELETED)


def state(policy_id: str, version: int, pending: bool) -> Policy:
    # model_copy skips validation: these are well-formed states that differ in id and version.
    return BASE.model_copy(
        update={
            "policy_id": policy_id,
            "version": version,
            "premium": Decimal(version),
            "insured_member": f"{policy_id} at v{version}",
            "pending": pending,
        }
    )


def row(policy_id: str, version: int) -> Policy:
    return state(policy_id, version, pending=False)


def journaled(policy_id: str, version: int, kind: ChangeKind = ChangeKind.UPDATED) -> Change:
    return Change(
        policy_id=policy_id,
        version=version,
        change=kind,
        at=START + timedelta(minutes=version),
        by="alice",
        business_date=DAY1,
        fields={},
        policy=state(policy_id, version, pending=True),
    )


ids = st.sampled_from([f"pol-{letter}" for letter in "abcdefg"])
files = st.dictionaries(ids, st.integers(1, 4), max_size=7).map(
    lambda versions: [row(pid, versions[pid]) for pid in sorted(versions)]
)
changesets = st.lists(
    st.tuples(ids, st.integers(1, 6), st.sampled_from(KINDS)),
    unique_by=lambda t: (t[0], t[1]),  # one change per version of a policy
    max_size=14,
).map(lambda entries: [journaled(*entry) for entry in entries])


def model(rows: list[Policy], changes: list[Change]) -> list[Policy]:
    """What merge must produce, written the obvious (whole-file-in-memory) way."""
    result = {r.policy_id: r for r in rows}
    latest: dict[str, Change] = {}
    for c in changes:
        if c.policy_id not in latest or c.version > latest[c.policy_id].version:
            latest[c.policy_id] = c
    for policy_id, c in latest.items():
        kept = result.get(policy_id)
        if kept is not None and kept.version >= c.version:
            continue
        if c.change is ChangeKind.DELETED:
            result.pop(policy_id, None)
        else:
            result[policy_id] = c.policy.model_copy(update={"pending": False})
    return [result[k] for k in sorted(result)]


@no_deadline
@given(files, changesets)
def test_merge_does_what_the_obvious_model_does(rows: list[Policy], changes: list[Change]) -> None:
    assert list(merge(rows, changes)) == model(rows, changes)


@no_deadline
@given(files, changesets)
def test_applying_the_same_changes_twice_equals_applying_them_once(
    rows: list[Policy], changes: list[Change]
) -> None:
    once = list(merge(rows, changes))

    assert list(merge(once, changes)) == once


@no_deadline
@given(files, changesets)
def test_rows_stay_sorted_by_policy_id_and_unique(
    rows: list[Policy], changes: list[Change]
) -> None:
    merged = [p.policy_id for p in merge(rows, changes)]

    assert merged == sorted(set(merged))


@no_deadline
@given(files, changesets)
def test_no_row_goes_back_to_an_older_version(rows: list[Policy], changes: list[Change]) -> None:
    before = {r.policy_id: r.version for r in rows}
    for merged in merge(rows, changes):
        assert merged.version >= before.get(merged.policy_id, 0)
        assert not merged.pending


@no_deadline
@given(files, changesets)
def test_a_newer_delete_removes_the_row(rows: list[Policy], changes: list[Change]) -> None:
    before = {r.policy_id: r.version for r in rows}
    latest = latest_per_policy(changes)
    deleted = {
        pid
        for pid, c in latest.items()
        if c.change is ChangeKind.DELETED and c.version > before.get(pid, 0)
    }

    assert deleted.isdisjoint(p.policy_id for p in merge(rows, changes))


@no_deadline
@given(files, changesets, st.randoms(use_true_random=False))
def test_the_order_the_changes_arrive_in_does_not_matter(
    rows: list[Policy], changes: list[Change], shuffler: random.Random
) -> None:
    shuffled = list(changes)
    shuffler.shuffle(shuffled)

    assert list(merge(rows, shuffled)) == list(merge(rows, changes))


@no_deadline
@given(files, changesets, st.integers(0, 6))
def test_closing_in_two_runs_equals_closing_once(
    rows: list[Policy], changes: list[Change], split: int
) -> None:
    # An incremental close: the first run saw the versions up to `split`, the second the rest.
    first = [c for c in changes if c.version <= split]
    second = [c for c in changes if c.version > split]

    assert list(merge(list(merge(rows, first)), second)) == list(merge(rows, changes))


def test_explicit_cases() -> None:
    rows = [row("pol-b", 2), row("pol-d", 1), row("pol-f", 3)]
    changes = [
        journaled("pol-a", 1, ChangeKind.CREATED),  # before every row
        journaled("pol-b", 1),  # older than the row: ignored
        journaled("pol-d", 2, ChangeKind.DELETED),
        journaled("pol-e", 1, ChangeKind.CREATED),
        journaled("pol-e", 2),  # the later of two versions wins
        journaled("pol-z", 1, ChangeKind.DELETED),  # deleting what is not there: nothing
        journaled("pol-f", 4),
    ]

    merged = [(p.policy_id, p.version) for p in merge(rows, changes)]

    assert merged == [("pol-a", 1), ("pol-b", 2), ("pol-e", 2), ("pol-f", 4)]


def test_merge_reads_the_rows_lazily() -> None:
    def rows() -> object:
        yield row("pol-a", 1)
        raise AssertionError("read past what was needed")

    merged = merge(rows(), [journaled("pol-0", 1, ChangeKind.CREATED)])  # type: ignore[arg-type]

    assert next(merged).policy_id == "pol-0"


def test_a_files_id_depends_only_on_its_date() -> None:
    assert file_id(DAY1) == file_id(DAY1)
    assert file_id(DAY1) != file_id(DAY1 + timedelta(days=1))
    assert len(file_id(DAY1)) == 36
