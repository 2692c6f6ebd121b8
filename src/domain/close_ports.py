"""What the day close needs from storage: the journal, the daily files, the catalog, a lease."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime

from domain.files import FileMetadata, FileRow, StoredFile
from domain.history import Change
from domain.model import Policy

RowEdit = Callable[[Iterator[FileRow]], Iterable[FileRow]]


class Journal(abc.ABC):
    @abc.abstractmethod
    def pending(self, day: date) -> list[Change]:
        """Changes journaled on `day` that no close has applied yet, in the order they happened."""

    @abc.abstractmethod
    def of_day(self, day: date) -> list[Change]:
        """Every change journaled on `day`, applied or not, in the order they happened."""

    @abc.abstractmethod
    def earliest_pending_day(self) -> date | None:
        """The first day with unapplied changes (used when no close has ever run)."""

    @abc.abstractmethod
    def expiring(self, on_or_before: date) -> list[Policy]:
        """Active or inactive policies whose end_date is on or before the given day."""

    @abc.abstractmethod
    def mark_applied(self, changes: Iterable[Change]) -> None:
        """Record that these changes are in their daily files (idempotent)."""


class DailyFiles(abc.ABC):
    @abc.abstractmethod
    def rewrite(self, file_date: date, edit: RowEdit) -> StoredFile:
        """Stream the file's rows through `edit`; store the result only if its bytes differ.

        The write is conditional on the version read, so a concurrent writer makes it fail
        rather than be overwritten (CloseConflict).
        """

    @abc.abstractmethod
    def export_changes(self, day: date, changes: list[Change]) -> None:
        """Write the audit export of a day's changes (replacing an earlier one)."""


class FileCatalog(abc.ABC):
    @abc.abstractmethod
    def get(self, file_date: date) -> FileMetadata | None: ...

    @abc.abstractmethod
    def put(self, metadata: FileMetadata) -> None: ...

    @abc.abstractmethod
    def last_closed(self) -> date | None:
        """The latest business day a close finished, if any."""

    @abc.abstractmethod
    def record_closed(self, day: date) -> None:
        """Remember that `day` is closed (never moves the mark backwards)."""


class CloseLease(abc.ABC):
    @abc.abstractmethod
    def acquire(self, owner: str, now: datetime) -> bool:
        """Take the close lease if free or expired; False when another close holds it."""

    @abc.abstractmethod
    def release(self, owner: str) -> None: ...
