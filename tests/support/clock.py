"""A clock the test moves by hand, so every timestamp and business date is known in advance."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.ports import Clock


class FakeClock(Clock):
    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def business_date(self, moment: datetime) -> date:
        return moment.astimezone(UTC).date()

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current
