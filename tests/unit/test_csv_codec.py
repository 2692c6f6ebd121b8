"""The daily file format (CONTRACT §5): RFC 4180, fixed columns, formula-safe, exact round-trip."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters import csv_codec
from adapters.csv_codec import CorruptFile
from domain.model import Policy
from tests.unit.close_fixtures import _offline, policy

pytestmark = pytest.mark.unit
__all__ = ["_offline"]

# Timing is not what these properties are about; a loaded CI machine must not make them flaky.
no_deadline = settings(deadline=None)

HEADER = (
    b"policy_id,policy_number,insurance_type,customer_id,insured_member,start_date,end_date,"
    b"premium,currency,status,renewal_status,renewed_by,details,version,business_date,"
    b"created_at,created_by,updated_at,updated_by\r\n"
)
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]
AWKWARD = [
    "=1+2",
    '=HYPERLINK("http://evil","x")',
    "+49 170 1234567",
    "-5",
    "@SUM(A1:A9)",
    "\tindented",
    "\rcarriage",
    "'quoted already",
    "''twice",
    "'",
    "a=b (not at the start)",
    "Smith, John",
    'He said "hi"',
    '"',
    "line one\nline two",
    "line one\r\nline two",
    "Zoë Ünïcödé 日本語 🚀",
    " leading and trailing ",
]


def file_of(*policies: Policy) -> bytes:
    lines = [csv_codec.encode_line(csv_codec.policy_cells(p)) for p in policies]
    return csv_codec.header() + b"".join(lines)


def read(data: bytes) -> list[Policy]:
    return list(csv_codec.decode(io.TextIOWrapper(io.BytesIO(data), "utf-8", newline="")))


def raw_cells(data: bytes) -> list[list[str]]:
    """The cells as a spreadsheet would see them: no guard removed."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def stored(**fields: Any) -> Policy:
    return policy(pending=False, **fields)


def test_the_header_is_the_contract_column_order() -> None:
    assert csv_codec.header() == HEADER
    assert ",".join(csv_codec.COLUMNS).encode() + b"\r\n" == HEADER


def test_a_row_has_every_column_in_order() -> None:
    row = stored(
        renewed_by="agent-7",
        details={"vehicle_registration": "AB-123", "make": "Škoda", "year": 2020},
        currency="USD",
    )

    assert raw_cells(file_of(row))[1] == [
        "pol-1",
        "N-pol-1",
        "car",
        "alice",
        "Alice Example",
        "2026-03-01",
        "2027-03-01",
        "120.50",
        "USD",
        "active",
        "new",
        "agent-7",
        '{"make":"Škoda","vehicle_registration":"AB-123","year":2020}',  # readable UTF-8
        "1",
        "2026-03-02",
        "2026-03-02T09:00:00.000Z",
        "alice",
        "2026-03-02T09:00:00.000Z",
        "alice",
    ]


def test_absent_optional_values_are_empty_cells_and_come_back_absent() -> None:
    row = stored(renewed_by=None, details=None)

    cells = raw_cells(file_of(row))[1]
    assert cells[11] == ""
    assert cells[12] == ""
    assert read(file_of(row)) == [row]


@pytest.mark.parametrize("value", AWKWARD)
def test_awkward_text_round_trips_exactly(value: str) -> None:
    row = stored(insured_member=value, renewed_by=value, customer_id=value)

    assert read(file_of(row)) == [row]


@pytest.mark.parametrize("start", [*FORMULA_STARTS, "'"])
def test_a_cell_a_spreadsheet_would_run_is_neutralised_with_a_guard(start: str) -> None:
    value = f"{start}cmd|' /C calc'!A0"
    row = stored(insured_member=value)

    data = file_of(row)

    assert raw_cells(data)[1][4] == "'" + value
    assert read(data)[0].insured_member == value


def test_cells_that_are_safe_are_written_as_they_are() -> None:
    assert csv_codec.neutralise("a=b") == "a=b"
    assert csv_codec.neutralise("") == ""
    assert csv_codec.restore("a'b") == "a'b"


def test_the_header_itself_is_never_guarded() -> None:
    assert not any(cell.startswith("'") for cell in raw_cells(HEADER)[0])


def test_lines_end_with_crlf_and_quotes_are_doubled() -> None:
    line = csv_codec.encode_line(['a "b", c', "d"])

    assert line == b'"a ""b"", c",d\r\n'


def test_an_empty_day_is_the_header_alone() -> None:
    assert file_of() == HEADER
    assert read(HEADER) == []


def test_an_empty_object_reads_as_no_rows() -> None:
    assert read(b"") == []


def test_rows_are_read_back_as_applied_policies() -> None:
    assert read(file_of(stored(), stored(policy_id="pol-2")))[1].pending is False


def test_a_file_with_another_header_is_corrupt() -> None:
    with pytest.raises(CorruptFile, match="unexpected header"):
        read(b"id,number\r\n")


def test_a_row_with_the_wrong_number_of_cells_is_corrupt() -> None:
    with pytest.raises(CorruptFile, match="row 3 has 2 cells, expected 19"):
        read(file_of(stored()) + b"a,b\r\n")


def test_rows_are_read_one_at_a_time() -> None:
    def lines() -> Iterator[str]:
        yield HEADER.decode()
        yield file_of(stored())[len(HEADER) :].decode()
        raise AssertionError("read past the row asked for")

    assert next(csv_codec.decode(lines())).policy_id == "pol-1"


# -- property-based ------------------------------------------------------------------------------

texts = st.text(min_size=1, max_size=40)
formula_texts = st.builds(lambda s, t: s + t, st.sampled_from([*FORMULA_STARTS, "'"]), st.text())


@no_deadline
@given(
    member=texts | formula_texts,
    customer=texts | formula_texts,
    renewed_by=st.none() | texts | formula_texts,
    author=st.text(max_size=30),
    make=st.none() | texts,
    premium=st.decimals(min_value=0, max_value=10**9, places=2),
)
def test_any_policy_round_trips_and_no_cell_starts_a_formula(
    member: str,
    customer: str,
    renewed_by: str | None,
    author: str,
    make: str | None,
    premium: Decimal,
) -> None:
    details: dict[str, Any] = {"vehicle_registration": "AB-123"}
    if make is not None:
        details["make"] = make
    row = stored(
        insured_member=member,
        customer_id=customer,
        renewed_by=renewed_by,
        created_by=author,
        updated_by=author,
        details=details,
        premium=premium,
    )

    data = file_of(row, stored(policy_id="pol-2"))

    assert read(data) == [row, stored(policy_id="pol-2")]
    for cells in raw_cells(data):
        assert len(cells) == len(csv_codec.COLUMNS)
        assert not any(c.startswith(tuple(FORMULA_STARTS)) for c in cells)


@no_deadline
@given(st.text())
def test_neutralise_and_restore_are_inverse(value: str) -> None:
    guarded = csv_codec.neutralise(value)

    assert csv_codec.restore(guarded) == value
    assert not guarded.startswith(tuple(FORMULA_STARTS))


def test_a_file_with_broken_quoting_is_corrupt_not_a_crash() -> None:
    with pytest.raises(CorruptFile, match="not RFC 4180 CSV"):
        read(HEADER + b'"pol-1"x,2\r\n')
