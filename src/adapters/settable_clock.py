"""A business clock that can be moved, for the local stack only (never wired into Lambda).

The offset lives as a small object in the emulator's bucket, not in process memory, because two
processes must agree on it: the local API serving requests, and `policyctl` closing a day.
Time keeps running from the moved instant, so changes made after a move still get distinct,
ordered timestamps.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from botocore.exceptions import ClientError

from domain.ports import Clock

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Outside the `policies/` and `changes/` prefixes, so no daily-file listing ever sees it.
CLOCK_KEY = "local/clock.json"


def _wall_clock() -> datetime:
    return datetime.now(UTC)


class SettableClock(Clock):
    def __init__(
        self,
        zone: ZoneInfo,
        client: S3Client,
        bucket: str,
        wall: Callable[[], datetime] = _wall_clock,
    ) -> None:
        self._zone = zone
        self._s3 = client
        self._bucket = bucket
        self._wall = wall

    def now(self) -> datetime:
        return self._wall() + self.offset()

    def business_date(self, moment: datetime) -> date:
        return moment.astimezone(self._zone).date()

    def offset(self) -> timedelta:
        """How far the business clock is ahead of (or behind) the wall clock."""
        try:
            found = self._s3.get_object(Bucket=self._bucket, Key=CLOCK_KEY)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "NoSuchBucket"):
                return timedelta(0)
            raise
        return timedelta(seconds=float(json.loads(found["Body"].read())["offset_seconds"]))

    def set(self, moment: datetime) -> datetime:
        """Make `now()` return `moment` (naive: in the business time zone) and run on from there."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self._zone)
        offset = moment - self._wall()
        body = json.dumps({"offset_seconds": offset.total_seconds(), "set_to": moment.isoformat()})
        self._s3.put_object(Bucket=self._bucket, Key=CLOCK_KEY, Body=body.encode())
        return moment.astimezone(UTC)

    def reset(self) -> None:
        """Back to the wall clock (deleting an absent object is not an error in S3)."""
        self._s3.delete_object(Bucket=self._bucket, Key=CLOCK_KEY)
