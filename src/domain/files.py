"""Daily files: what the catalog records about each, and how a close merges changes into one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from domain.history import Change, ChangeKind
from domain.model import Policy
from domain.values import Timestamp

SYSTEM_UPDATER = "system:day-close"
# A fixed namespace makes a file's id a pure function of its date: a re-run writes the same id.
_FILE_NAMESPACE = uuid.UUID("6f1d2c1e-5b7a-4c1e-9a57-2d1f0c3b8e41")


def file_id(file_date: date) -> str:
    return str(uuid.uuid5(_FILE_NAMESPACE, f"policies/{file_date.isoformat()}"))


class FileMetadata(BaseModel):
    """One daily file as the catalog records it (CONTRACT §6)."""

    model_config = ConfigDict(frozen=True)

    file_id: str
    business_date: date
    s3_key: str
    policy_count: int = Field(ge=0)
    created_at: Timestamp
    updated_at: Timestamp
    updated_by: str
    checksum_sha256: str


@dataclass(frozen=True, slots=True)
class StoredFile:
    """Where a file is, what it holds, and whether this run had to write it."""

    key: str
    policy_count: int
    checksum_sha256: str
    written: bool


def latest_per_policy(changes: Iterable[Change]) -> dict[str, Change]:
    latest: dict[str, Change] = {}
    for change in changes:
        kept = latest.get(change.policy_id)
        if kept is None or change.version > kept.version:
            latest[change.policy_id] = change
    return latest


class FileRow(Protocol):
    """What the merge needs of a stored row; a Policy is one, and so is a row kept as read."""

    @property
    def policy_id(self) -> str: ...

    @property
    def version(self) -> int: ...


Row = TypeVar("Row", bound=FileRow)


def merge(rows: Iterable[Row], changes: Iterable[Change]) -> Iterator[Row | Policy]:
    """Apply `changes` to a file's rows (sorted by policy_id); yield the new rows, still sorted.

    Applying is idempotent: a row already at or past a change's version is kept, so a re-run
    after a crash yields exactly the same rows. Memory holds the changes, not the file, and
    rows no change touches are passed on as they are, never rebuilt.
    """
    pending = latest_per_policy(changes)
    queue = sorted(pending)
    position = 0
    for row in rows:
        while position < len(queue) and queue[position] < row.policy_id:
            yield from _inserted(pending[queue[position]])
            position += 1
        if position < len(queue) and queue[position] == row.policy_id:
            change = pending[queue[position]]
            position += 1
            if change.version > row.version:
                yield from _inserted(change)
                continue
        yield row
    for policy_id in queue[position:]:
        yield from _inserted(pending[policy_id])


def _inserted(change: Change) -> Iterator[Policy]:
    if change.change is not ChangeKind.DELETED:
        yield change.policy.model_copy(update={"pending": False})
