"""The daily file format (CONTRACT §5): RFC 4180 CSV, fixed columns, formula-safe cells."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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


def _line(stored_cells: Iterable[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(stored_cells)
    return buffer.getvalue().encode("utf-8")


def encode_line(cells: Iterable[str]) -> bytes:
    return _line(neutralise(c) for c in cells)


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


@dataclass(frozen=True, slots=True)
class StoredRow:
    """A row as read, cells still in their stored (neutralised) form: enough to merge on and to
    write back byte for byte, without building and re-validating a Policy."""

    policy_id: str
    version: int
    cells: list[str]

    def policy(self) -> Policy:
        values: dict[str, Any] = dict(zip(COLUMNS, map(restore, self.cells), strict=True))
        values["renewed_by"] = values["renewed_by"] or None
        values["details"] = json.loads(values["details"]) if values["details"] else None
        values["pending"] = False
        return Policy.model_validate(values)


def decode(lines: Iterable[str]) -> Iterator[Policy]:
    """Every row as a validated Policy."""
    return (row.policy() for row in scan(lines))


def scan(lines: Iterable[str]) -> Iterator[StoredRow]:
    """Every row as stored; the header and each row's shape are checked."""
    try:
        yield from _scan(lines)
    except csv.Error as exc:
        raise CorruptFile(f"not RFC 4180 CSV: {exc}") from None


_ID, _VERSION = COLUMNS.index("policy_id"), COLUMNS.index("version")


def _scan(lines: Iterable[str]) -> Iterator[StoredRow]:
    reader = csv.reader(lines, strict=True)
    first = next(reader, None)
    if first is not None and tuple(first) != COLUMNS:
        raise CorruptFile(f"unexpected header {first[:3]}...; expected the contract's columns")
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(COLUMNS) or not cells[_VERSION].isdigit():
            raise CorruptFile(
                f"row {number} has {len(cells)} cells, expected {len(COLUMNS)} with a version"
            )
        yield StoredRow(restore(cells[_ID]), int(cells[_VERSION]), cells)


def encode(row: StoredRow | Policy) -> bytes:
    """A row's line: a kept row exactly as it was read, a changed one freshly encoded."""
    if isinstance(row, StoredRow):
        return _line(row.cells)
    return encode_line(policy_cells(row))
