"""The end-of-day close: apply each day's journaled changes to the daily files they touch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.close_ports import CloseLease, DailyFiles, FileCatalog, Journal
from domain.errors import InvalidBusinessDate
from domain.files import SYSTEM_UPDATER, FileMetadata, StoredFile, file_id, merge
from domain.history import Change
from domain.policies import PolicyService
from domain.ports import Clock


@dataclass
class CloseSummary:
    requested: date
    dates_closed: list[date] = field(default_factory=list)
    files_written: list[str] = field(default_factory=list)
    changes_applied: int = 0
    policies_expired: int = 0
    skipped: str | None = None


@dataclass(frozen=True, slots=True)
class CloseStores:
    journal: Journal
    files: DailyFiles
    catalog: FileCatalog
    lease: CloseLease


class DayClose:
    def __init__(self, stores: CloseStores, policies: PolicyService, clock: Clock) -> None:
        self._s = stores
        self._policies = policies
        self._clock = clock

    def close(self, day: date, owner: str) -> CloseSummary:
        """Close `day`, first catching up every earlier day since the last close, in order."""
        now = self._clock.now()
        today = self._clock.business_date(now)
        if day > today:
            raise InvalidBusinessDate(f"{day} has not begun yet (today is {today}); nothing done")
        summary = CloseSummary(requested=day)
        if not self._s.lease.acquire(owner, now):
            summary.skipped = "another close is running; it will apply these changes"
            return summary
        try:
            first = self._s.catalog.last_closed() or self._s.journal.earliest_pending_day() or day
            current = min(first, day)
            while current <= day:
                self._close_one(current, now, summary)
                current += timedelta(days=1)
        finally:
            self._s.lease.release(owner)
        return summary

    def _close_one(self, day: date, now: datetime, summary: CloseSummary) -> None:
        expired = [
            change
            for policy in self._s.journal.expiring(day)
            if (change := self._policies.expire(policy, day)) is not None
        ]
        known = {(c.policy_id, c.version) for c in expired}
        changes = [c for c in self._s.journal.pending(day) if (c.policy_id, c.version) not in known]
        changes += expired
        by_file: dict[date, list[Change]] = {}
        for change in changes:
            by_file.setdefault(change.file_date, []).append(change)
        for file_date in sorted(by_file.keys() | {day}):
            self._apply(file_date, by_file.get(file_date, []), now, summary)
        self._s.files.export_changes(day, self._s.journal.of_day(day))
        self._s.journal.mark_applied(changes)
        self._s.catalog.record_closed(day)
        summary.dates_closed.append(day)
        summary.changes_applied += len(changes)
        summary.policies_expired += len(expired)

    def _apply(
        self, file_date: date, changes: list[Change], now: datetime, summary: CloseSummary
    ) -> None:
        previous = self._s.catalog.get(file_date)
        if not changes and previous is not None:
            return  # untouched: not even read, so its cost does not grow with its size
        stored = self._s.files.rewrite(file_date, lambda rows: merge(rows, changes))
        metadata = self._metadata(file_date, stored, previous, changes, now)
        if metadata != previous:
            self._s.catalog.put(metadata)
        if stored.written and stored.key not in summary.files_written:
            summary.files_written.append(stored.key)

    def _metadata(
        self,
        file_date: date,
        stored: StoredFile,
        previous: FileMetadata | None,
        changes: list[Change],
        now: datetime,
    ) -> FileMetadata:
        """Timestamps are the close's own (when the file was created and last rewritten);
        `updated_by` is whoever made the last change the rewrite applied."""
        updated_by = SYSTEM_UPDATER  # a file is only rebuilt without changes when it is new
        if changes:
            updated_by = max(changes, key=lambda c: (c.at, c.policy_id, c.version)).by
        return FileMetadata(
            file_id=file_id(file_date),
            business_date=file_date,
            s3_key=stored.key,
            policy_count=stored.policy_count,
            created_at=previous.created_at if previous else now,
            updated_at=now,
            updated_by=updated_by,
            checksum_sha256=stored.checksum_sha256,
        )
