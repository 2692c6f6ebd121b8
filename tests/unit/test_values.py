"""Money, dates, currencies and timestamps: the value rules every policy field relies on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from domain.currencies import ISO_4217
from domain.values import Currency, IsoDate, Money, Percent, PolicyNumber, format_timestamp

money = TypeAdapter(Money)
iso_date = TypeAdapter(IsoDate)
currency = TypeAdapter(Currency)
percent = TypeAdapter(Percent)
policy_number = TypeAdapter(PolicyNumber)


@pytest.mark.parametrize(
    ("given", "stored", "written"),
    [
        ("19.99", Decimal("19.99"), "19.99"),
        (" 19.9 ", Decimal("19.90"), "19.90"),
        (19.99, Decimal("19.99"), "19.99"),  # a float keeps the literal the client wrote
        (0.1, Decimal("0.10"), "0.10"),
        (7, Decimal("7.00"), "7.00"),
        (Decimal("1E+2"), Decimal("100.00"), "100.00"),
        ("-0", Decimal("0.00"), "0.00"),  # never "-0.00"
        ("999999999999.99", Decimal("999999999999.99"), "999999999999.99"),
    ],
)
def test_money_is_exact_and_written_with_two_places(
    given: Any, stored: Decimal, written: str
) -> None:
    value = money.validate_python(given)

    assert value == stored
    assert str(value) == str(stored)
    assert money.dump_python(value, mode="json") == written


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("-0.01", "greater than or equal to 0"),
        ("1.005", "no more than 2 decimal places"),
        ("1e-7", "no more than 2 decimal places"),
        ("NaN", "finite number"),
        ("Infinity", "finite number"),
        ("sNaN", "finite number"),
        (True, "not a boolean"),
        ("twelve", "'twelve' is not a decimal number"),
        ("", "is not a decimal number"),
        ("1000000000000", "no more than 12 digits before the decimal point"),
        ([1], "decimal"),
    ],
)
def test_money_rejects_what_is_not_a_non_negative_amount_in_cents(given: Any, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        money.validate_python(given)


def test_date_accepts_a_calendar_date_written_iso() -> None:
    assert iso_date.validate_python("2028-02-29") == date(2028, 2, 29)
    assert iso_date.validate_python(date(2026, 1, 31)) == date(2026, 1, 31)


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("2026-02-30", "2026-02-30 is not a calendar date"),
        ("2026-13-01", "is not a calendar date"),
        ("2027-02-29", "is not a calendar date"),
        ("2026-3-1", "must be a date written YYYY-MM-DD"),
        ("20260301", "must be a date written YYYY-MM-DD"),
        ("2026-03-01T00:00:00", "must be a date written YYYY-MM-DD"),
        (20260301, "must be a date written YYYY-MM-DD"),
        (datetime(2026, 3, 1, tzinfo=UTC), "must be a date written YYYY-MM-DD"),
    ],
)
def test_date_rejects_impossible_or_loosely_written_dates(given: Any, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        iso_date.validate_python(given)


@pytest.mark.parametrize("code", ["EUR", "USD", "GBP", "JPY", "CHF"])
def test_currency_accepts_iso_4217_codes(code: str) -> None:
    assert currency.validate_python(code) == code


@pytest.mark.parametrize("code", ["eur", "EURO", "XXX", "", "E U"])
def test_currency_rejects_anything_else(code: str) -> None:
    with pytest.raises(ValidationError, match="is not an ISO 4217 currency code"):
        currency.validate_python(code)


def test_currency_table_holds_three_letter_upper_case_codes_only() -> None:
    assert len(ISO_4217) > 150
    assert all(len(code) == 3 and code.isascii() and code.isupper() for code in ISO_4217)


def test_timestamp_is_utc_with_milliseconds_and_z() -> None:
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 3, 2, 10, 4, 5, 678_901, tzinfo=paris)

    assert format_timestamp(moment) == "2026-03-02T09:04:05.678Z"
    assert format_timestamp(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00.000Z"


def test_percent_is_written_as_given() -> None:
    assert percent.dump_python(percent.validate_python("33.5"), mode="json") == "33.5"
    with pytest.raises(ValidationError):
        percent.validate_python("0")


@pytest.mark.parametrize("number", ["POL-0001", "a", "A" * 32, "abc-DEF-123"])
def test_policy_number_pattern_accepts(number: str) -> None:
    assert policy_number.validate_python(number) == number


@pytest.mark.parametrize("number", ["", "A" * 33, "POL 1", "POL_1", "pól", "POL#1"])
def test_policy_number_pattern_rejects(number: str) -> None:
    with pytest.raises(ValidationError):
        policy_number.validate_python(number)
