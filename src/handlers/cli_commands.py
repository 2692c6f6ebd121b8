"""The small `policyctl` commands: bootstrap, token, close and clock."""

from __future__ import annotations

import argparse
import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any, TextIO

from handlers import day_close, wiring
from handlers.bootstrap import bootstrap
from handlers.local_auth import mint_token
from handlers.target import Target


class CommandFailed(Exception):
    """The command ran but did not achieve its purpose; the message says why."""


def close_day(target: Target, day: date) -> dict[str, Any]:
    """Run the day-close handler's `close` for `day` against `target`; its JSON summary."""
    previous, level = wiring.components(), day_close.logger.log_level
    wiring.install(target.components())
    day_close.logger.setLevel("WARNING")  # the summary is the command's output, not a log line
    try:
        return day_close.close(day, owner=f"policyctl:{uuid.uuid4()}")
    finally:
        day_close.metrics.clear_metrics()  # CloudWatch metrics mean nothing outside Lambda
        day_close.logger.setLevel(level)
        wiring.install(previous)


def cmd_bootstrap(args: argparse.Namespace, target: Target, out: TextIO) -> int:
    where = target.endpoint or "AWS"
    for line in bootstrap(target):
        print(f"{line} at {where}", file=out)
    return 0


def cmd_token(args: argparse.Namespace, target: Target, out: TextIO) -> int:
    groups = [args.group] if args.group else []
    print(mint_token(args.sub, groups, lifetime=timedelta(minutes=args.minutes)), file=out)
    return 0


def cmd_close(args: argparse.Namespace, target: Target, out: TextIO) -> int:
    summary = close_day(target, args.date)
    print(json.dumps(summary, indent=2), file=out)
    if summary["skipped"]:
        raise CommandFailed(f"close of {args.date} skipped: {summary['skipped']}")
    return 0


def cmd_clock(args: argparse.Namespace, target: Target, out: TextIO) -> int:
    clock = target.settable_clock()
    if args.action == "set":
        clock.set(args.moment)
    elif args.action == "reset":
        clock.reset()
    now = clock.now()
    offset = clock.offset()
    shift = "the wall clock" if not offset else f"{_days(offset)} from the wall clock"
    print(
        f"business clock: {now.strftime('%Y-%m-%dT%H:%M:%SZ')}, business date "
        f"{clock.business_date(now)} ({shift})",
        file=out,
    )
    return 0


def _days(offset: timedelta) -> str:
    sign = "+" if offset >= timedelta(0) else "-"
    hours = abs(offset.total_seconds()) / 3600
    return f"{sign}{hours / 24:.2f} days" if hours >= 24 else f"{sign}{hours:.2f} hours"


def iso_moment(text: str) -> datetime:
    """argparse type for `clock set`: an ISO-8601 instant or date (a date means 09:00)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not ISO-8601 (e.g. 2026-03-05 or 2026-03-05T17:30:00Z)"
        ) from None
    if len(text) == 10:
        moment = moment.replace(hour=9)
    return moment


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("x")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None
