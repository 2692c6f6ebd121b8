"""The local stack's settable business clock, with S3 stubbed (no network)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from adapters.settable_clock import CLOCK_KEY, SettableClock

pytestmark = pytest.mark.unit

WALL = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def s3() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def stored(offset_seconds: float) -> dict[str, Any]:
    body = json.dumps({"offset_seconds": offset_seconds}).encode()
    return {"Body": StreamingBody(io.BytesIO(body), len(body))}


def clock_on(s3: tuple[Any, Stubber]) -> SettableClock:
    return SettableClock(BERLIN, s3[0], "bucket-x", wall=lambda: WALL)


def test_without_a_stored_offset_it_is_the_wall_clock(s3: tuple[Any, Stubber]) -> None:
    s3[1].add_client_error("get_object", "NoSuchKey", http_status_code=404)
    s3[1].add_client_error("get_object", "NoSuchBucket", http_status_code=404)
    clock = clock_on(s3)
    assert clock.now() == WALL
    assert clock.offset() == timedelta(0)


def test_the_stored_offset_moves_now_and_the_business_date(s3: tuple[Any, Stubber]) -> None:
    s3[1].add_response("get_object", stored(86400.5), {"Bucket": "bucket-x", "Key": CLOCK_KEY})
    clock = clock_on(s3)
    moved = clock.now()
    assert moved == WALL + timedelta(days=1, milliseconds=500)
    # 23:30 UTC is already the next day in Berlin: business dates follow the business zone.
    assert clock.business_date(moved) == date(2026, 3, 4)


def test_other_storage_errors_are_not_mistaken_for_no_offset(s3: tuple[Any, Stubber]) -> None:
    s3[1].add_client_error("get_object", "AccessDenied", http_status_code=403)
    with pytest.raises(Exception, match="AccessDenied"):
        clock_on(s3).now()


def test_set_stores_the_offset_to_the_wanted_instant(s3: tuple[Any, Stubber]) -> None:
    s3[1].add_response("put_object", {}, {"Bucket": "bucket-x", "Key": CLOCK_KEY, "Body": ANY})
    target = datetime(2026, 3, 5, 9, 0)  # naive: read in the business time zone
    assert clock_on(s3).set(target) == datetime(2026, 3, 5, 8, 0, tzinfo=UTC)


def test_set_keeps_an_explicit_zone_and_reset_deletes_the_offset(
    s3: tuple[Any, Stubber],
) -> None:
    s3[1].add_response("put_object", {}, {"Bucket": "bucket-x", "Key": CLOCK_KEY, "Body": ANY})
    s3[1].add_response("delete_object", {}, {"Bucket": "bucket-x", "Key": CLOCK_KEY})
    clock = clock_on(s3)
    assert clock.set(WALL - timedelta(hours=1)) == WALL - timedelta(hours=1)
    clock.reset()
