"""Value types shared by the policy models: exact money, strict ISO dates, ISO 4217 codes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

from domain.currencies import ISO_4217

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CENT = Decimal("0.01")


def _exact_decimal(value: Any) -> Any:
    # Floats only reach us from already-parsed Lambda events; their repr is the literal the
    # client wrote, so going through str keeps "19.99" exact instead of 19.989999...
    if isinstance(value, bool):
        raise ValueError("must be a decimal number, not a boolean")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a decimal number") from None
    return value


def _to_cents(value: Decimal) -> Decimal:
    cents = value.quantize(CENT)
    return cents if cents else Decimal("0.00")  # no "-0.00"


def parse_iso_date(value: Any) -> date:
    """A `YYYY-MM-DD` calendar date; ValueError with a readable reason otherwise."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a calendar date") from None


def _currency(value: str) -> str:
    if value not in ISO_4217:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return value


def format_timestamp(moment: datetime) -> str:
    """UTC, millisecond precision, `Z` suffix: sortable as text and identical everywhere."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


Money = Annotated[
    Decimal,
    BeforeValidator(_exact_decimal),
    Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False),
    AfterValidator(_to_cents),
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_exact_decimal),
    Field(gt=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False),
    PlainSerializer(lambda v: str(v), return_type=str, when_used="json"),
]
IsoDate = Annotated[date, BeforeValidator(parse_iso_date)]
Timestamp = Annotated[
    datetime, PlainSerializer(format_timestamp, return_type=str, when_used="json")
]
Currency = Annotated[str, AfterValidator(_currency)]
Text = Annotated[str, Field(min_length=1, max_length=200)]
PolicyNumber = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,32}$")]
