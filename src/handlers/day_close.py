"""`handlers.day_close.handler`: the end-of-day close, from EventBridge or by hand."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from domain.day_close import CloseSummary
from domain.errors import InvalidBusinessDate
from domain.values import parse_iso_date
from handlers.wiring import components

logger = Logger(service="day-close")
metrics = Metrics(namespace="PolicyFiles", service="day-close")


EVENT_FORMS = 'expected an EventBridge Scheduled Event or {"business_date": "YYYY-MM-DD"}'


def requested_day(event: Any) -> date:
    """The business day an event asks to close (CONTRACT §3)."""
    if not isinstance(event, dict):  # a manual invocation may send any JSON value
        raise InvalidBusinessDate(EVENT_FORMS)
    if event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event":
        try:
            fired = datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00"))
        except (KeyError, ValueError):
            raise InvalidBusinessDate(
                f"scheduled event without a valid time: {event.get('time')!r}"
            ) from None
        if fired.tzinfo is None:
            raise InvalidBusinessDate("the scheduled event's time has no time zone")
        # The schedule fires just after midnight: close the business day that ended before it.
        return components().clock.business_date(fired) - timedelta(days=1)
    raw = event.get("business_date")
    if not isinstance(raw, str):
        raise InvalidBusinessDate(EVENT_FORMS)
    try:
        return parse_iso_date(raw)  # YYYY-MM-DD only: fromisoformat also takes "2026-W10-1"
    except ValueError:
        raise InvalidBusinessDate(
            f"business_date {raw!r} is not a date written YYYY-MM-DD"
        ) from None


def summary_json(summary: CloseSummary) -> dict[str, Any]:
    return {
        "requested": summary.requested.isoformat(),
        "dates_closed": [d.isoformat() for d in summary.dates_closed],
        "files_written": summary.files_written,
        "changes_applied": summary.changes_applied,
        "policies_expired": summary.policies_expired,
        "skipped": summary.skipped,
    }


def close(day: date, owner: str) -> dict[str, Any]:
    started = time.perf_counter()
    summary = components().day_close.close(day, owner)
    metrics.add_metric("FilesWritten", MetricUnit.Count, len(summary.files_written))
    metrics.add_metric("ChangesApplied", MetricUnit.Count, summary.changes_applied)
    metrics.add_metric("PoliciesExpired", MetricUnit.Count, summary.policies_expired)
    metrics.add_metric(
        "CloseDuration", MetricUnit.Milliseconds, (time.perf_counter() - started) * 1000
    )
    result = summary_json(summary)
    logger.info("day closed" if summary.skipped is None else "close skipped", extra=result)
    return result


@metrics.log_metrics
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return close(requested_day(event), owner=context.aws_request_id)
