"""`handlers.day_close.handler` against moto: both event forms, refusals that write nothing, and a
write that loses a race to another writer."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from domain.errors import CloseConflict, InvalidBusinessDate
from tests.integration.close_fixtures import Stack, aws_env, car, csv_key, scheduled, stack
from tests.support.events import claims_for

pytestmark = pytest.mark.integration
__all__ = ["aws_env", "stack"]

DAY1 = date(2026, 3, 2)


@pytest.fixture
def one_policy(stack: Stack) -> Stack:
    assert stack.api("POST", "/policies", claims_for("alice"), car()).status == 201
    return stack


def test_the_scheduled_event_closes_yesterday_and_returns_a_json_summary(
    one_policy: Stack,
) -> None:
    one_policy.clock.current = datetime(2026, 3, 3, 0, 5, tzinfo=UTC)

    result = one_policy.close(scheduled(one_policy.clock.now()))

    assert json.loads(json.dumps(result)) == {
        "requested": "2026-03-02",
        "dates_closed": ["2026-03-02"],
        "files_written": [csv_key(DAY1)],
        "changes_applied": 1,
        "policies_expired": 0,
        "skipped": None,
    }


def test_the_manual_form_may_close_today(one_policy: Stack) -> None:
    result = one_policy.close({"business_date": "2026-03-02"})

    assert result["dates_closed"] == ["2026-03-02"]
    assert [r["policy_id"] for r in one_policy.rows(DAY1)] == ["pol-0001"]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"business_date": "2026-03-03"}, "2026-03-03 has not begun yet"),
        ({"business_date": "2026-02-30"}, "'2026-02-30' is not a date written YYYY-MM-DD"),
        ({"business_date": "03/02/2026"}, "is not a date written YYYY-MM-DD"),
        ({}, "expected an EventBridge Scheduled Event"),
        (scheduled(datetime(2026, 3, 4, 0, 5, tzinfo=UTC)), "2026-03-03 has not begun yet"),
        ({"source": "aws.events", "detail-type": "Scheduled Event"}, "without a valid time"),
    ],
)
def test_a_refused_event_raises_a_clear_error_and_writes_nothing(
    one_policy: Stack, event: dict[str, Any], message: str
) -> None:
    before = one_policy.table_items()

    with (
        pytest.raises(InvalidBusinessDate, match=message),
        pytest.warns(UserWarning, match="No application metrics"),
    ):
        one_policy.close(event)

    assert one_policy.objects() == {}
    assert one_policy.table_items() == before


def test_a_file_changed_by_another_writer_stops_the_close_and_a_rerun_converges(
    one_policy: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_put = one_policy.s3.put_object
    refused: list[dict[str, Any]] = []

    def conflicting_put(**request: Any) -> Any:
        if not refused:  # S3's answer when a concurrent conditional write won
            refused.append(request)
            raise ClientError(
                {"Error": {"Code": "ConditionalRequestConflict", "Message": "conflict"}},
                "PutObject",
            )
        return real_put(**request)

    monkeypatch.setattr(one_policy.s3, "put_object", conflicting_put)

    with (
        pytest.raises(CloseConflict, match="changed while this close was writing it"),
        pytest.warns(UserWarning, match="No application metrics"),
    ):
        one_policy.close({"business_date": "2026-03-02"})

    assert refused[0]["IfNoneMatch"] == "*"  # the write was conditional on the file being new
    assert one_policy.objects() == {}
    assert one_policy.metadata_item(DAY1) is None
    assert len(one_policy.pending_changes()) == 1
    assert one_policy.raw_item("CLOSE", "LEASE") is None  # the lease is freed for the rerun
    assert one_policy.raw_item("CLOSE", "STATE") is None

    result = one_policy.close({"business_date": "2026-03-02"})

    assert result["changes_applied"] == 1
    assert one_policy.metadata_item(DAY1) is not None
    assert one_policy.pending_changes() == []
