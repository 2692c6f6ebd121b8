"""Builders and doubles for the day-close unit tests (imported explicitly, not a conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import pytest_socket
from pytest_mock import MockerFixture

from domain.close_ports import CloseLease, DailyFiles, FileCatalog, Journal
from domain.day_close import CloseStores, DayClose
from domain.files import FileMetadata, StoredFile
from domain.history import Change, ChangeKind, field_changes
from domain.model import Policy
from domain.policies import PolicyService
from domain.ports import IdGenerator, PolicyStore
from tests.support.clock import FakeClock

DAY1 = date(2026, 3, 2)
MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _offline() -> Iterator[None]:
    pytest_socket.disable_socket()
    yield
    pytest_socket.enable_socket()


def policy(policy_id: str = "pol-1", **overrides: Any) -> Policy:
    """A stored car policy initiated on DAY1 (version 1) with any field overridden."""
    fields: dict[str, Any] = {
        "policy_id": policy_id,
        "policy_number": f"N-{policy_id}",
        "insurance_type": "car",
        "customer_id": "alice",
        "insured_member": "Alice Example",
        "start_date": date(2026, 3, 1),
        "end_date": date(2027, 3, 1),
        "premium": Decimal("120.50"),
        "details": {"vehicle_registration": "AB-123"},
        "version": 1,
        "business_date": DAY1,
        "created_at": MORNING,
        "created_by": "alice",
        "updated_at": MORNING,
        "updated_by": "alice",
    }
    return Policy.model_validate(fields | overrides)


def change(
    state: Policy,
    kind: ChangeKind = ChangeKind.CREATED,
    by: str = "alice",
    at: datetime | None = None,
    day: date | None = None,
) -> Change:
    """The journal entry that produced `state` (for a delete: the state removed)."""
    moment = at or state.updated_at
    return Change(
        policy_id=state.policy_id,
        version=state.version,
        change=kind,
        at=moment,
        by=by,
        business_date=day or moment.date(),
        fields=field_changes(None, state) if kind is ChangeKind.CREATED else {},
        policy=state,
    )


def bump(state: Policy, at: datetime, by: str = "alice", **fields: Any) -> Policy:
    """The next version of `state`, amended at `at` by `by`."""
    return state.model_copy(
        update={"version": state.version + 1, "updated_at": at, "updated_by": by, **fields}
    )


def metadata(file_date: date = DAY1, **overrides: Any) -> FileMetadata:
    fields: dict[str, Any] = {
        "file_id": f"id-{file_date}",
        "business_date": file_date,
        "s3_key": f"policies/business_date={file_date}/policies.csv",
        "policy_count": 1,
        "created_at": MORNING,
        "updated_at": MORNING,
        "updated_by": "alice",
        "checksum_sha256": "0" * 64,
    }
    return FileMetadata.model_validate(fields | overrides)


def stored(file_date: date = DAY1, count: int = 1, written: bool = True) -> StoredFile:
    return StoredFile(f"policies/business_date={file_date}/policies.csv", count, "ab" * 32, written)


@dataclass
class Ports:
    """The day close's ports, each an autospec of its abstract class."""

    journal: Any
    files: Any
    catalog: Any
    lease: Any
    store: Any
    ids: Any
    clock: FakeClock

    def day_close(self) -> DayClose:
        service = PolicyService(self.store, self.clock, self.ids)
        stores = CloseStores(self.journal, self.files, self.catalog, self.lease)
        return DayClose(stores, service, self.clock)

    def nothing_written(self) -> bool:
        return not (
            self.files.rewrite.called
            or self.files.export_changes.called
            or self.catalog.put.called
            or self.catalog.record_closed.called
            or self.journal.mark_applied.called
            or self.store.replace.called
        )


@pytest.fixture
def ports(mocker: MockerFixture) -> Ports:
    """Doubles with the answers of an empty system; the clock reads DAY1 + 1 day, 00:05 UTC."""
    journal = mocker.create_autospec(Journal, instance=True)
    journal.pending.return_value = []
    journal.of_day.return_value = []
    journal.earliest_pending_day.return_value = None
    journal.expiring.return_value = []
    files = mocker.create_autospec(DailyFiles, instance=True)
    files.rewrite.side_effect = lambda day, edit: stored(day, len(list(edit(iter(())))))
    catalog = mocker.create_autospec(FileCatalog, instance=True)
    catalog.get.return_value = None
    catalog.last_closed.return_value = None
    lease = mocker.create_autospec(CloseLease, instance=True)
    lease.acquire.return_value = True
    store = mocker.create_autospec(PolicyStore, instance=True)
    ids = mocker.create_autospec(IdGenerator, instance=True)
    clock = FakeClock(datetime.combine(DAY1 + timedelta(days=1), datetime.min.time(), UTC))
    clock.advance(minutes=5)
    return Ports(journal, files, catalog, lease, store, ids, clock)
