"""Clock adapters: the real one for Lambda, and a settable one for the local stack."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from domain.ports import Clock


class SystemClock(Clock):
    """Wall-clock time; the business day is the date in the business time zone."""

    def __init__(self, zone: ZoneInfo) -> None:
        self._zone = zone

    def now(self) -> datetime:
        return datetime.now(UTC)

    def business_date(self, moment: datetime) -> date:
        return moment.astimezone(self._zone).date()
