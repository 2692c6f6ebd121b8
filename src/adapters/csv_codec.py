"""The daily file format (CONTRACT §5): RFC 4180 CSV, fixed columns, formula-safe cells."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from domain.model import Policy

COLUMNS: tuple[str, ...] = (
    "policy_id",
    "policy_number",
    "insurance_type",
    "customer_id",
    "insured_member",
    "start_date",
    "end_date",
    "premium",
    "currency",
    "status",
    "renewal_status",
    "renewed_by",
    "details",
    "version",
    "business_date",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
)
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"


class CorruptFile(ValueError):
    """A stored file that does not have the contract's shape; never silently rewritten."""


def neutralise(cell: str) -> str:
    # Guarding cells that already start with the guard too keeps the mapping reversible.
    return _GUARD + cell if cell.startswith((*_FORMULA_STARTS, _GUARD)) else cell


def restore(cell: str) -> str:
    return cell[1:] if cell.startswith(_GUARD) else cell


def encode_line(cells: Iterable[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(c) for c in cells])
    return buffer.getvalue().encode("utf-8")


def header() -> bytes:
    return encode_line(COLUMNS)


def policy_cells(policy: Policy) -> list[str]:
    values: dict[str, Any] = policy.model_dump(mode="json")
    details = values["details"]
    values["details"] = (
        ""
        if details is None
        else json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    )
    return ["" if values[c] is None else str(values[c]) for c in COLUMNS]


def decode(lines: Iterable[str]) -> Iterator[Policy]:
    try:
        yield from _decode(lines)
    except csv.Error as exc:
        raise CorruptFile(f"not RFC 4180 CSV: {exc}") from None


def _decode(lines: Iterable[str]) -> Iterator[Policy]:
    reader = csv.reader(lines, strict=True)
    first = next(reader, None)
    if first is not None and tuple(first) != COLUMNS:
        raise CorruptFile(f"unexpected header {first[:3]}...; expected the contract's columns")
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(COLUMNS):
            raise CorruptFile(f"row {number} has {len(cells)} cells, expected {len(COLUMNS)}")
        values: dict[str, Any] = dict(zip(COLUMNS, map(restore, cells), strict=True))
        values["renewed_by"] = values["renewed_by"] or None
        values["details"] = json.loads(values["details"]) if values["details"] else None
        values["pending"] = False
        yield Policy.model_validate(values)
