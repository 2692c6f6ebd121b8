"""handlers.day_close: which day an event asks for, and what the handler returns and publishes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from pytest_mock import MockerFixture

from domain.day_close import CloseSummary, DayClose
from domain.errors import InvalidBusinessDate
from handlers import day_close
from handlers.settings import Settings
from handlers.wiring import Components, install
from tests.support.events import FakeContext
from tests.unit.close_fixtures import _offline

pytestmark = pytest.mark.unit
__all__ = ["_offline"]


def scheduled(time: Any = "2026-03-03T00:05:00Z", **extra: Any) -> dict[str, Any]:
    return {"source": "aws.events", "detail-type": "Scheduled Event", "time": time} | extra


@pytest.fixture
def zone() -> str:
    return "UTC"


@pytest.fixture
def installed(zone: str) -> Iterator[Components]:
    # The production composition root with its real clock adapter; nothing here calls AWS.
    components = Components(Settings(business_timezone=zone))
    install(components)
    yield components
    install(None)


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize(
    ("zone", "time", "expected"),
    [
        ("UTC", "2026-03-03T00:05:00Z", date(2026, 3, 2)),
        ("UTC", "2026-03-02T23:59:59Z", date(2026, 3, 1)),
        # 11:30 UTC is already 00:30 the next day in Auckland (UTC+13 in March)
        ("Pacific/Auckland", "2026-03-02T11:30:00Z", date(2026, 3, 2)),
        ("America/New_York", "2026-03-03T04:30:00Z", date(2026, 3, 1)),
        ("UTC", "2026-03-03T00:05:00+01:00", date(2026, 3, 1)),
    ],
)
def test_a_scheduled_event_closes_the_business_day_that_ended_before_it(
    time: str, expected: date
) -> None:
    assert day_close.requested_day(scheduled(time)) == expected


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"source": "aws.events", "detail-type": "Scheduled Event"}, "without a valid time"),
        (scheduled("yesterday"), "without a valid time: 'yesterday'"),
        (scheduled(None), "without a valid time"),
        (scheduled("2026-03-03T00:05:00"), "has no time zone"),
    ],
)
def test_a_scheduled_event_without_a_usable_time_is_refused(
    event: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidBusinessDate, match=message):
        day_close.requested_day(event)


def test_the_manual_form_names_the_day() -> None:
    assert day_close.requested_day({"business_date": "2026-03-02"}) == date(2026, 3, 2)


@pytest.mark.parametrize(
    "raw", ["2026-02-30", "2026-3-2", "20260302", "2026-W10-1", " 2026-03-02", "2026-03-02T00:00"]
)
def test_a_manual_date_not_written_yyyy_mm_dd_is_refused(raw: str) -> None:
    with pytest.raises(InvalidBusinessDate, match=r"is not a date written YYYY-MM-DD"):
        day_close.requested_day({"business_date": raw})


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"business_date": 20260302},
        {"business_date": None},
        {"date": "2026-03-02"},
        {"source": "aws.events", "detail-type": "Other", "time": "2026-03-03T00:05:00Z"},
        ["2026-03-02"],
        "2026-03-02",
        None,
    ],
)
def test_an_event_of_neither_form_is_refused_with_both_forms_named(event: Any) -> None:
    with pytest.raises(InvalidBusinessDate, match=r"Scheduled Event or \{\"business_date\""):
        day_close.requested_day(event)


def test_the_summary_is_plain_json() -> None:
    summary = CloseSummary(
        requested=date(2026, 3, 3),
        dates_closed=[date(2026, 3, 2), date(2026, 3, 3)],
        files_written=["policies/business_date=2026-03-02/policies.csv"],
        changes_applied=4,
        policies_expired=1,
    )

    assert json.loads(json.dumps(day_close.summary_json(summary))) == {
        "requested": "2026-03-03",
        "dates_closed": ["2026-03-02", "2026-03-03"],
        "files_written": ["policies/business_date=2026-03-02/policies.csv"],
        "changes_applied": 4,
        "policies_expired": 1,
        "skipped": None,
    }


def test_the_handler_closes_as_its_invocation_and_publishes_metrics(
    installed: Components, mocker: MockerFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    log = mocker.spy(day_close.logger, "info")
    service = mocker.create_autospec(DayClose, instance=True)
    service.close.return_value = CloseSummary(
        requested=date(2026, 3, 2),
        dates_closed=[date(2026, 3, 2)],
        files_written=["a", "b"],
        changes_applied=5,
        policies_expired=1,
    )
    installed.__dict__["day_close"] = service  # what the cached property would have built

    result = day_close.handler({"business_date": "2026-03-02"}, FakeContext(aws_request_id="r-9"))

    service.close.assert_called_once_with(date(2026, 3, 2), "r-9")
    assert result["dates_closed"] == ["2026-03-02"]
    assert result["changes_applied"] == 5
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    published = next(line for line in printed if "_aws" in line)
    assert published["FilesWritten"] == [2.0]
    assert published["ChangesApplied"] == [5.0]
    assert published["PoliciesExpired"] == [1.0]
    assert published["CloseDuration"][0] >= 0
    log.assert_called_once_with("day closed", extra=result)


def test_a_skipped_close_is_logged_as_such(installed: Components, mocker: MockerFixture) -> None:
    log = mocker.spy(day_close.logger, "info")
    service = mocker.create_autospec(DayClose, instance=True)
    service.close.return_value = CloseSummary(requested=date(2026, 3, 2), skipped="busy")
    installed.__dict__["day_close"] = service

    result = day_close.handler({"business_date": "2026-03-02"}, FakeContext())

    assert result["skipped"] == "busy"
    log.assert_called_once_with("close skipped", extra=result)


def test_a_refused_event_reaches_no_service(installed: Components, mocker: MockerFixture) -> None:
    service = mocker.create_autospec(DayClose, instance=True)
    installed.__dict__["day_close"] = service

    with (
        pytest.raises(InvalidBusinessDate),
        pytest.warns(UserWarning, match="No application metrics"),
    ):
        day_close.handler({"business_date": "tomorrow"}, FakeContext())

    service.close.assert_not_called()
