"""DailyFiles on S3: stream a file through an edit, write it back only if its bytes changed."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import itertools
import json
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from adapters import csv_codec
from domain.close_ports import DailyFiles, RowEdit
from domain.errors import CloseConflict
from domain.files import FileRow, StoredFile
from domain.history import Change

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Files up to this size stay in memory while being rebuilt; larger ones spill to /tmp.
SPOOL_BYTES = 8 * 1024 * 1024


def policies_key(file_date: date) -> str:
    return f"policies/business_date={file_date.isoformat()}/policies.csv"


def changes_key(day: date) -> str:
    return f"changes/business_date={day.isoformat()}/changes.jsonl"


class _HashingReader(io.RawIOBase):
    """Passes an S3 body through while hashing it, so the old checksum costs no extra read."""

    def __init__(self, body: Any) -> None:
        self._body = body
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._body.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        chunk = self._body.read(len(buffer))
        self.digest.update(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)


class S3DailyFiles(DailyFiles):
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def rewrite(self, file_date: date, edit: RowEdit) -> StoredFile:
        key = policies_key(file_date)
        etag, source = self._open(key)
        rows: Iterator[csv_codec.StoredRow] = iter(())
        if source is not None:
            rows = csv_codec.scan(io.TextIOWrapper(io.BufferedReader(source), "utf-8", newline=""))
        # Closing the reader closes the S3 body, also when the old file turns out corrupt.
        with (
            contextlib.closing(source or io.BytesIO()),
            tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out,
        ):
            digest, count = self._write(out, edit(rows))
            for _ in rows:  # an edit that stopped early must not leave the old hash partial
                pass
            if source is not None and source.digest.hexdigest() == digest.hexdigest():
                return StoredFile(key, count, digest.hexdigest(), written=False)
            out.seek(0)
            self._put(key, out, digest, etag)
        return StoredFile(key, count, digest.hexdigest(), written=True)

    def export_changes(self, day: date, changes: list[Change]) -> None:
        lines = [
            json.dumps(
                c.model_dump(mode="json", exclude={"policy"}) | {"file_date": str(c.file_date)},
                sort_keys=True,
                separators=(",", ":"),
            )
            for c in changes
        ]
        content = "".join(line + "\n" for line in lines).encode("utf-8")
        digest = hashlib.sha256(content)
        key = changes_key(day)
        try:
            head = self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey"):
                raise
        else:
            if head.get("Metadata", {}).get("sha256") == digest.hexdigest():
                return
        self._put(key, io.BytesIO(content), digest, None, conditional=False)

    def _open(self, key: str) -> tuple[str | None, _HashingReader | None]:
        try:
            found = self._s3.get_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchKey":
                return None, None
            raise
        return found["ETag"], _HashingReader(found["Body"])

    @staticmethod
    def _write(out: IO[bytes], rows: Iterable[FileRow]) -> tuple[Any, int]:
        """Write the header and `rows` one line at a time; never holds more than one row."""
        digest = hashlib.sha256()
        count = 0
        # The merge only yields rows this adapter read (StoredRow) or policies from changes.
        lines = (csv_codec.encode(r) for r in rows)  # type: ignore[arg-type]
        for line in itertools.chain([csv_codec.header()], lines):
            digest.update(line)
            out.write(line)
            count += 1
        return digest, count - 1

    def _put(
        self, key: str, body: IO[bytes], digest: Any, etag: str | None, conditional: bool = True
    ) -> None:
        extra: dict[str, Any] = {}
        if conditional:
            extra = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
        try:
            self._s3.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=body,
                ContentType="text/csv; charset=utf-8"
                if key.endswith(".csv")
                else "application/x-ndjson",
                ChecksumSHA256=base64.b64encode(digest.digest()).decode(),
                Metadata={"sha256": digest.hexdigest()},
                **extra,
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            # If-Match on an object deleted since it was read answers NoSuchKey: a change too.
            lost = ("PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey")
            if code in lost:
                raise CloseConflict(f"{key} changed while this close was writing it") from error
            raise
