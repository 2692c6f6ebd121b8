"""DayClose with every port replaced by an autospec: what it reads, writes and decides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import CloseConflict, InvalidBusinessDate, VersionConflict
from domain.files import SYSTEM_UPDATER, file_id
from domain.history import Change, ChangeKind
from domain.model import PolicyStatus
from tests.unit.close_fixtures import (
    DAY1,
    MORNING,
    Ports,
    _offline,
    bump,
    change,
    metadata,
    policy,
    ports,
    stored,
)

pytestmark = pytest.mark.unit
__all__ = ["_offline", "ports"]

DAY0, DAY2 = DAY1 - timedelta(days=1), DAY1 + timedelta(days=1)
CLOSE_TIME = datetime(2026, 3, 3, 0, 5, tzinfo=UTC)  # the ports fixture's clock


def applied(ports: Ports) -> list[Change]:
    """Every change handed to mark_applied, over all calls."""
    return [c for call in ports.journal.mark_applied.call_args_list for c in call.args[0]]


# -- what a close may not do --------------------------------------------------------------------


def test_a_day_that_has_not_begun_is_refused_and_nothing_is_touched(ports: Ports) -> None:
    with pytest.raises(InvalidBusinessDate, match=r"2026-03-04 has not begun yet"):
        ports.day_close().close(DAY2 + timedelta(days=1), "close-1")

    assert ports.nothing_written()
    ports.lease.acquire.assert_not_called()
    ports.journal.pending.assert_not_called()


def test_today_may_be_closed(ports: Ports) -> None:
    summary = ports.day_close().close(DAY2, "close-1")

    assert summary.dates_closed == [DAY2]


def test_a_busy_lease_skips_the_close_and_writes_nothing(ports: Ports) -> None:
    ports.lease.acquire.return_value = False
    ports.journal.pending.return_value = [change(policy())]

    summary = ports.day_close().close(DAY1, "close-2")

    assert summary.skipped
    assert summary.dates_closed == []
    assert summary.changes_applied == 0
    assert ports.nothing_written()
    ports.lease.acquire.assert_called_once_with("close-2", CLOSE_TIME)
    ports.lease.release.assert_not_called()  # the lease is someone else's


# -- which days --------------------------------------------------------------------------------


def test_catch_up_runs_from_the_last_closed_day_in_date_order(ports: Ports) -> None:
    ports.catalog.last_closed.return_value = DAY0 - timedelta(days=1)

    summary = ports.day_close().close(DAY1, "close-1")

    expected = [DAY0 - timedelta(days=1), DAY0, DAY1]
    assert summary.dates_closed == expected
    assert [c.args[0] for c in ports.journal.pending.call_args_list] == expected
    assert [c.args[0] for c in ports.catalog.record_closed.call_args_list] == expected
    assert [c.args[0] for c in ports.files.export_changes.call_args_list] == expected
    ports.journal.earliest_pending_day.assert_not_called()


def test_without_any_close_yet_catch_up_starts_at_the_earliest_pending_day(ports: Ports) -> None:
    ports.journal.earliest_pending_day.return_value = DAY0

    summary = ports.day_close().close(DAY2, "close-1")

    assert summary.dates_closed == [DAY0, DAY1, DAY2]


def test_with_nothing_ever_journaled_only_the_requested_day_is_closed(ports: Ports) -> None:
    summary = ports.day_close().close(DAY1, "close-1")

    assert summary.dates_closed == [DAY1]
    ports.catalog.record_closed.assert_called_once_with(DAY1)


def test_an_older_day_closed_by_hand_is_closed_alone(ports: Ports) -> None:
    ports.catalog.last_closed.return_value = DAY2

    summary = ports.day_close().close(DAY0, "close-1")

    assert summary.dates_closed == [DAY0]


# -- which files, and their content --------------------------------------------------------------


def test_an_untouched_file_with_metadata_is_not_even_read(ports: Ports) -> None:
    ports.catalog.get.return_value = metadata(DAY1)

    summary = ports.day_close().close(DAY1, "close-1")

    ports.files.rewrite.assert_not_called()
    ports.catalog.put.assert_not_called()
    ports.journal.mark_applied.assert_called_once_with([])
    ports.catalog.record_closed.assert_called_once_with(DAY1)
    assert summary.files_written == []
    assert summary.changes_applied == 0


def test_an_empty_day_still_gets_its_file_written_by_the_system(ports: Ports) -> None:
    summary = ports.day_close().close(DAY1, "close-1")

    ports.files.rewrite.assert_called_once()
    written = ports.catalog.put.call_args.args[0]
    assert written.policy_count == 0
    assert written.updated_by == SYSTEM_UPDATER
    assert written.created_at == written.updated_at == CLOSE_TIME
    assert summary.files_written == [written.s3_key]


def test_changes_land_in_the_file_of_the_day_each_policy_was_initiated(ports: Ports) -> None:
    older = policy("pol-old", business_date=DAY0)
    later = bump(older, datetime(2026, 3, 2, 10, 0, tzinfo=UTC), premium="99.00")
    new = policy("pol-new")
    ports.journal.pending.return_value = [
        change(later, ChangeKind.UPDATED),
        change(new),
    ]

    ports.day_close().close(DAY1, "close-1")

    assert [c.args[0] for c in ports.files.rewrite.call_args_list] == [DAY0, DAY1]
    by_file = {c.args[0]: list(c.args[1](iter(()))) for c in ports.files.rewrite.call_args_list}
    assert [p.policy_id for p in by_file[DAY0]] == ["pol-old"]
    assert [p.policy_id for p in by_file[DAY1]] == ["pol-new"]


def test_the_edit_merges_the_changes_into_the_rows_read(ports: Ports) -> None:
    first, second = policy("pol-a", pending=False), policy("pol-c", pending=False)
    amended = bump(second, datetime(2026, 3, 2, 11, 0, tzinfo=UTC), premium="80.00")
    ports.journal.pending.return_value = [
        change(amended, ChangeKind.UPDATED),
        change(policy("pol-b")),
    ]
    ports.catalog.get.return_value = metadata(DAY1)

    ports.day_close().close(DAY1, "close-1")

    edit = ports.files.rewrite.call_args.args[1]
    rows = list(edit(iter([first, second])))
    assert [(p.policy_id, p.version) for p in rows] == [("pol-a", 1), ("pol-b", 1), ("pol-c", 2)]
    assert not any(p.pending for p in rows)


# -- metadata ----------------------------------------------------------------------------------


def test_a_new_file_records_count_checksum_and_the_author_of_the_last_change(
    ports: Ports,
) -> None:
    early = policy("pol-b", updated_by="bob", created_by="bob")
    late = policy("pol-a", updated_at=MORNING + timedelta(hours=2))
    ports.journal.pending.return_value = [change(early, by="bob"), change(late)]
    ports.files.rewrite.side_effect = None
    ports.files.rewrite.return_value = stored(DAY1, count=2)

    summary = ports.day_close().close(DAY1, "close-1")

    ports.catalog.put.assert_called_once()
    written = ports.catalog.put.call_args.args[0]
    assert written.file_id == file_id(DAY1)
    assert written.business_date == DAY1
    assert written.s3_key == "policies/business_date=2026-03-02/policies.csv"
    assert written.policy_count == 2
    assert written.checksum_sha256 == "ab" * 32
    assert written.created_at == CLOSE_TIME
    # when the close rewrote the file, and whose change came last
    assert (written.updated_at, written.updated_by) == (CLOSE_TIME, "alice")
    assert summary.changes_applied == 2
    assert summary.files_written == [written.s3_key]


def test_a_rewritten_file_keeps_its_creation_time(ports: Ports) -> None:
    before = metadata(DAY1, created_at=MORNING - timedelta(days=1))
    ports.catalog.get.return_value = before
    at = MORNING + timedelta(hours=3)
    ports.journal.pending.return_value = [
        change(bump(policy(), at, by="agent-7"), ChangeKind.UPDATED, by="agent-7")
    ]

    ports.day_close().close(DAY1, "close-1")

    written = ports.catalog.put.call_args.args[0]
    assert written.created_at == before.created_at
    assert (written.updated_at, written.updated_by) == (CLOSE_TIME, "agent-7")


def test_metadata_that_would_not_change_is_not_written_again(ports: Ports) -> None:
    created = change(policy())
    ports.journal.pending.return_value = [created]
    ports.files.rewrite.side_effect = None
    ports.files.rewrite.return_value = stored(DAY1, count=1, written=False)
    ports.catalog.get.return_value = metadata(
        DAY1,
        file_id=file_id(DAY1),
        checksum_sha256="ab" * 32,
        created_at=CLOSE_TIME,
        updated_at=CLOSE_TIME,
    )

    summary = ports.day_close().close(DAY1, "close-1")

    ports.catalog.put.assert_not_called()
    assert summary.files_written == []
    assert applied(ports) == [created]  # a re-run after a crash still marks them applied


def test_the_audit_export_is_every_change_of_the_day(ports: Ports) -> None:
    journal = [change(policy("pol-1")), change(policy("pol-2"))]
    ports.journal.of_day.return_value = journal

    ports.day_close().close(DAY1, "close-1")

    ports.files.export_changes.assert_called_once_with(DAY1, journal)


def test_files_and_metadata_come_before_the_changes_are_marked_applied(ports: Ports) -> None:
    order: list[str] = []
    ports.files.rewrite.side_effect = lambda day, edit: order.append("file") or stored(day)
    ports.catalog.put.side_effect = lambda m: order.append("metadata")
    ports.files.export_changes.side_effect = lambda day, changes: order.append("export")
    ports.journal.mark_applied.side_effect = lambda changes: order.append("applied")
    ports.catalog.record_closed.side_effect = lambda day: order.append("closed")
    ports.lease.release.side_effect = lambda owner: order.append("release")
    ports.journal.pending.return_value = [change(policy())]

    ports.day_close().close(DAY1, "close-1")

    assert order == ["file", "metadata", "export", "applied", "closed", "release"]


def test_a_conflicting_write_stops_the_close_but_frees_the_lease(ports: Ports) -> None:
    ports.journal.pending.return_value = [change(policy())]
    ports.files.rewrite.side_effect = CloseConflict("changed underneath")

    with pytest.raises(CloseConflict):
        ports.day_close().close(DAY1, "close-1")

    ports.catalog.put.assert_not_called()
    ports.journal.mark_applied.assert_not_called()
    ports.catalog.record_closed.assert_not_called()
    ports.lease.release.assert_called_once_with("close-1")


# -- expiry ------------------------------------------------------------------------------------


def test_an_ended_policy_is_expired_by_the_system_on_the_closed_day(ports: Ports) -> None:
    ended = policy("pol-end", end_date=DAY1, version=3)
    ports.journal.expiring.side_effect = lambda day: [ended] if day == DAY1 else []
    ports.catalog.last_closed.return_value = DAY0

    summary = ports.day_close().close(DAY1, "close-1")

    assert [c.args[0] for c in ports.journal.expiring.call_args_list] == [DAY0, DAY1]
    journaled = ports.store.replace.call_args.args[0]
    assert journaled.change is ChangeKind.EXPIRED
    assert journaled.by == SYSTEM_UPDATER
    assert journaled.business_date == DAY1  # the day being closed, not today
    assert journaled.at == CLOSE_TIME
    assert journaled.version == 4
    assert journaled.policy.status is PolicyStatus.EXPIRED
    assert journaled.fields["status"].previous == "active"
    assert journaled in applied(ports)
    assert summary.policies_expired == 1
    written = ports.catalog.put.call_args.args[0]
    assert (written.business_date, written.updated_by) == (DAY1, SYSTEM_UPDATER)


def test_an_expiry_already_visible_in_the_journal_is_applied_once(ports: Ports) -> None:
    ended = policy("pol-end", end_date=DAY1)
    ports.journal.expiring.return_value = [ended]
    ports.journal.pending.side_effect = lambda day: [ports.store.replace.call_args.args[0]]

    summary = ports.day_close().close(DAY1, "close-1")

    assert len(applied(ports)) == 1
    assert summary.changes_applied == 1


def test_a_policy_amended_since_it_was_listed_is_left_for_the_next_close(ports: Ports) -> None:
    ports.journal.expiring.return_value = [policy("pol-end", end_date=DAY1)]
    ports.store.replace.side_effect = VersionConflict("pol-end", 1, 2)

    summary = ports.day_close().close(DAY1, "close-1")

    assert summary.policies_expired == 0
    assert applied(ports) == []


def test_the_summary_counts_what_was_done(ports: Ports) -> None:
    ports.journal.pending.side_effect = lambda day: (
        [change(policy("pol-1")), change(policy("pol-2"))] if day == DAY1 else []
    )
    ports.catalog.last_closed.return_value = DAY1

    summary = ports.day_close().close(DAY2, "close-1")

    assert summary.requested == DAY2
    assert summary.dates_closed == [DAY1, DAY2]
    assert summary.changes_applied == 2
    assert summary.policies_expired == 0
    assert summary.skipped is None
    assert summary.files_written == [
        "policies/business_date=2026-03-02/policies.csv",
        "policies/business_date=2026-03-03/policies.csv",
    ]


def test_expiry_listing_uses_the_closed_day_not_today(ports: Ports) -> None:
    ports.day_close().close(DAY0, "close-1")

    ports.journal.expiring.assert_called_once_with(DAY0)
