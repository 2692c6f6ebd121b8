"""`policyctl`: drive the local stack (default) or real AWS (`--aws`) from a terminal.

Exit codes: 0 done, 1 the command failed (or `verify` found drift), 2 bad usage or settings.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from domain.errors import DomainError
from handlers import cli_commands as commands
from handlers.demo import run_demo
from handlers.seed import seed
from handlers.target import ConfigError, Target, resolve
from handlers.verify import verify

Command = Callable[[argparse.Namespace, Target, TextIO], int]


def _verify(args: argparse.Namespace, target: Target, out: TextIO) -> int:
    return 1 if verify(target, args.date, out) else 0


def _seed(args: argparse.Namespace, target: Target, out: TextIO) -> int:
    rng = random.Random(args.random_seed)  # noqa: S311 - sample data, not secrets
    print(seed(target, args.policies, args.days, rng, sys.stderr), file=out)
    return 0


def _demo(args: argparse.Namespace, target: Target, out: TextIO) -> int:
    return run_demo(target, out)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policyctl",
        description="Drive the policy system: the local stack of `make run` by default "
        "(AWS_PORT/API_PORT, or AWS_ENDPOINT_URL), real AWS with --aws "
        "(POLICY_BUCKET/POLICY_TABLE).",
        epilog="exit status: 0 done, 1 the command failed or verify found drift, "
        "2 bad usage or settings",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    aws = argparse.ArgumentParser(add_help=False)
    aws.add_argument("--aws", action="store_true", help="talk to real AWS, not the local stack")

    def command(
        name: str, run: Command, text: str, remote: bool = False
    ) -> argparse.ArgumentParser:
        found = sub.add_parser(name, help=text, description=text, parents=[aws] if remote else [])
        found.set_defaults(run=run, aws=False)
        return found

    command(
        "bootstrap", commands.cmd_bootstrap, "create the bucket and the table (idempotent)", True
    )
    token = command("token", commands.cmd_token, "print a bearer token the local API accepts")
    token.add_argument("--sub", required=True, help="the caller's id (a customer id for customers)")
    token.add_argument("--group", choices=["admin", "agent"], help="staff group; none: customer")
    token.add_argument("--minutes", type=_positive, default=60, help="lifetime (default 60)")
    close = command("close", commands.cmd_close, "close a business day (write its files)", True)
    close.add_argument("--date", type=commands.iso_date, required=True, help="YYYY-MM-DD")
    check = command("verify", _verify, "compare daily files with metadata and live policies", True)
    check.add_argument("--date", type=commands.iso_date, help="only this day (YYYY-MM-DD)")
    clock = command("clock", commands.cmd_clock, "show or move the local stack's business clock")
    moves = clock.add_subparsers(dest="action", metavar="ACTION")
    moves.add_parser("show", help="print the business clock (the default)")
    moved = moves.add_parser("set", help="move the clock to an ISO-8601 instant; it runs on")
    moved.add_argument("moment", type=commands.iso_moment, help="e.g. 2026-03-05T17:30:00Z")
    moves.add_parser("reset", help="back to the wall clock")
    command("demo", _demo, "a scripted business day over the local API, closed and printed")
    load = command(
        "seed", _seed, "load random policies over D days ending today; closes the past ones", True
    )
    load.add_argument("--policies", type=_positive, required=True, metavar="N", help="how many")
    load.add_argument("--days", type=_positive, default=1, metavar="D", help="default 1: today")
    load.add_argument("--random-seed", type=int, help="repeat the same data (default: random)")
    return parser


def explain(error: Exception, target: Target | None) -> str:
    """One line a user can act on."""
    if isinstance(error, EndpointConnectionError) and target and target.is_local:
        return (
            f"cannot reach the local stack at {target.endpoint}: start it with `make run` "
            "(or set AWS_PORT / AWS_ENDPOINT_URL)"
        )
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"AWS said {details.get('Code', '?')}: {details.get('Message', '')}".rstrip(": ")
    return str(error) or type(error).__name__


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    target: Target | None = None
    try:
        target = resolve(aws=args.aws)
        return int(args.run(args, target, out or sys.stdout))
    except ConfigError as error:
        print(f"policyctl: error: {error}", file=sys.stderr)
        return 2
    except (commands.CommandFailed, DomainError, BotoCoreError, ClientError) as error:
        print(f"policyctl {args.command}: error: {explain(error, target)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"policyctl {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
