"""`policyctl verify`: every daily file against its metadata and against the live policies.

A policy with a change that no close has applied yet is expected to differ from its file; it
is counted as pending, not reported as drift.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from typing import TYPE_CHECKING, TextIO

from botocore.exceptions import ClientError

from adapters import csv_codec
from adapters.dynamodb_journal import DynamoJournal
from adapters.s3_files import policies_key
from domain.errors import PolicyNotFound
from domain.history import ChangeKind
from domain.identity import Caller, Role
from domain.model import POLICY_FIELDS, Policy
from handlers.target import Target

if TYPE_CHECKING:
    from handlers.wiring import Components

AUDITOR = Caller("policyctl:verify", Role.ADMIN)
_PREFIX = "policies/business_date="


def days_to_check(parts: Components) -> list[date]:
    """Every day with a file or metadata, and every closed day (each must have its file)."""
    listed: set[date] = set()
    for page in parts.s3.get_paginator("list_objects_v2").paginate(
        Bucket=parts.settings.policy_bucket, Prefix=_PREFIX
    ):
        keys = [o["Key"] for o in page.get("Contents", [])]
        listed |= {date.fromisoformat(k.removeprefix(_PREFIX)[:10]) for k in keys}
    last = parts.catalog.last_closed()
    known = listed | ({last} if last else set())
    if not known:
        return []
    first, final = min(known), max(known)
    return [first + timedelta(days=n) for n in range((final - first).days + 1)]


class FileCheck:
    def __init__(self, parts: Components, day: date) -> None:
        self.parts, self.day = parts, day
        self.drift: list[str] = []
        self.rows: list[Policy] = []
        self.pending = 0

    def run(self) -> FileCheck:
        key = policies_key(self.day)
        body = self._body(key)
        meta = self.parts.catalog.get(self.day)
        if body is None:
            self.drift.append(f"no file at {key}" + ("" if meta else " and no metadata"))
            return self
        try:
            self.rows = list(csv_codec.decode(io.StringIO(body.decode("utf-8"), newline="")))
        except ValueError as exc:
            self.drift.append(f"not a valid daily file: {exc}")
        checksum = hashlib.sha256(body).hexdigest()
        if meta is None:
            self.drift.append("the file has no metadata item")
        else:
            if meta.checksum_sha256 != checksum:
                self.drift.append(f"sha256 is {checksum}, metadata says {meta.checksum_sha256}")
            if meta.policy_count != len(self.rows):
                self.drift.append(f"{len(self.rows)} rows, metadata says {meta.policy_count}")
        self._against_live()
        return self

    def _body(self, key: str) -> bytes | None:
        try:
            found = self.parts.s3.get_object(Bucket=self.parts.settings.policy_bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "NoSuchKey":
                raise
            return None
        return found["Body"].read()

    def _against_live(self) -> None:
        in_file = {row.policy_id: row for row in self.rows}
        for policy in self.parts.policies.initiated_on(AUDITOR, self.day):
            row = in_file.pop(policy.policy_id, None)
            if policy.pending:
                self.pending += 1
            elif row is None:
                self.drift.append(f"policy {policy.policy_id} is closed but not in the file")
            elif row != policy:
                fields = [f for f in POLICY_FIELDS if getattr(row, f) != getattr(policy, f)]
                self.drift.append(f"policy {policy.policy_id} differs in {', '.join(fields)}")
        for policy_id in in_file:
            if self._deletion_pending(policy_id):
                self.pending += 1
            else:
                self.drift.append(f"policy {policy_id} is in the file but no longer exists")

    def _deletion_pending(self, policy_id: str) -> bool:
        try:
            last = self.parts.policies.history(AUDITOR, policy_id)[-1]
        except PolicyNotFound:
            return False
        journal = DynamoJournal(self.parts.dynamodb, self.parts.settings.policy_table)
        pending = {(c.policy_id, c.version) for c in journal.pending(last.business_date)}
        return last.change is ChangeKind.DELETED and (policy_id, last.version) in pending


def verify(target: Target, only: date | None, out: TextIO) -> int:
    """Print one line per file (and its drift); the number of files with drift."""
    parts = target.components()
    days = [only] if only else days_to_check(parts)
    if not days:
        print("no daily files yet: no business day has been closed", file=out)
    drifting = 0
    for day in days:
        check = FileCheck(parts, day).run()
        status = "DRIFT" if check.drift else "ok"
        waiting = f", {check.pending} pending changes not closed yet" if check.pending else ""
        print(f"{day}  {len(check.rows):>6} policies{waiting}  {status}", file=out)
        for line in check.drift:
            print(f"    - {line}", file=out)
        drifting += bool(check.drift)
    summary = f"drift in {drifting} of {len(days)} files" if drifting else "no drift"
    print(f"verified {len(days)} daily files: {summary}", file=out)
    return drifting
