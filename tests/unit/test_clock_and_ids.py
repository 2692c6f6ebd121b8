"""The system clock's business day, and the ids and numbers given to new policies."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.clock import SystemClock
from adapters.ids import RandomIds


def test_now_is_the_current_utc_instant() -> None:
    before = datetime.now(UTC)
    now = SystemClock(ZoneInfo("Europe/Berlin")).now()

    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("UTC", date(2026, 3, 1)),
        ("Europe/Berlin", date(2026, 3, 2)),  # already past midnight there
        ("America/New_York", date(2026, 3, 1)),
        ("Pacific/Kiritimati", date(2026, 3, 2)),
    ],
)
def test_business_day_is_the_date_in_the_business_time_zone(zone: str, day: date) -> None:
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)

    assert SystemClock(ZoneInfo(zone)).business_date(moment) == day


def test_policy_ids_are_unique_uuids() -> None:
    generated = {RandomIds().policy_id() for _ in range(200)}

    assert len(generated) == 200
    assert all(str(uuid.UUID(value)) == value for value in generated)


def test_policy_numbers_fit_the_contract_and_read_aloud_unambiguously() -> None:
    numbers = {RandomIds().policy_number() for _ in range(200)}

    assert len(numbers) == 200
    for number in numbers:
        assert re.fullmatch(r"[A-Za-z0-9-]{1,32}", number)
        assert re.fullmatch(r"POL-[0-9A-HJKMNP-TV-Z]{10}", number)
