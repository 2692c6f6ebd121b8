"""`policyctl` against a local stack running in the test process (a real moto server).

Each test gets its own bucket and table, so one test's tampering never shows in another's
`verify`; the bucket also holds that test's business clock.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from adapters.dynamodb_catalog import DynamoCloseLease, file_key
from adapters.policy_items import serialize
from adapters.s3_files import policies_key
from domain import policies
from domain.identity import Caller, Role
from domain.model import PolicyPatch
from handlers import cli
from handlers.local_stack import LocalStack
from handlers.target import Target, resolve
from tests.support.ports import free_port, stack_ports

pytestmark = pytest.mark.integration

DAY = date(2026, 3, 10)
ADMIN = Caller("admin-1", Role.ADMIN)
_names = itertools.count(1)


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    env = stack_ports()
    started = LocalStack(
        env | {"POLICY_TABLE": "cli-api", "POLICY_BUCKET": "cli-api"}, io.StringIO()
    )
    started.start()
    yield started
    started.stop()


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Policyctl:
    target: Target
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *argv: str) -> Result:
        out = io.StringIO()
        code = cli.main(list(argv), out)
        return Result(code, out.getvalue(), self.capsys.readouterr().err)

    def ok(self, *argv: str) -> str:
        result = self(*argv)
        assert result.code == 0, result
        return result.out

    @property
    def s3(self) -> Any:
        return self.target.session().client("s3")

    def csv(self, day: date = DAY) -> str:
        found = self.s3.get_object(Bucket=self.target.bucket, Key=policies_key(day))
        return str(found["Body"].read().decode())

    def put_csv(self, text: str, day: date = DAY) -> None:
        self.s3.put_object(Bucket=self.target.bucket, Key=policies_key(day), Body=text.encode())


def point_at(monkeypatch: pytest.MonkeyPatch, stack: LocalStack, **env: str) -> Target:
    values = {"AWS_PORT": str(stack.aws_port), "API_PORT": str(stack.api_port)} | env
    for name in ("AWS_ENDPOINT_URL", "BUSINESS_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return resolve()


@pytest.fixture
def policyctl(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Policyctl]:
    """A fresh bucket and table, bootstrapped, with the business clock on DAY at 10:00 UTC."""
    name = f"cli-test-{next(_names)}"
    run = Policyctl(point_at(monkeypatch, stack, POLICY_TABLE=name, POLICY_BUCKET=name), capsys)
    assert run.ok("bootstrap").splitlines() == [
        f"created bucket {name} at {run.target.endpoint}",
        f"created table {name} at {run.target.endpoint}",
    ]
    run.ok("clock", "set", f"{DAY}T10:00:00Z")
    yield run
    # moto copies a whole table on each transaction: dropping finished ones keeps tests fast.
    run.target.session().client("dynamodb").delete_table(TableName=name)


@pytest.fixture
def closed_day(policyctl: Policyctl) -> Policyctl:
    """Four policies initiated on DAY, and DAY closed."""
    policyctl.ok("seed", "--policies", "4", "--random-seed", "3")
    policyctl.ok("close", "--date", str(DAY))
    return policyctl


def test_bootstrap_is_safe_to_run_twice(policyctl: Policyctl) -> None:
    assert policyctl.ok("bootstrap").splitlines() == [
        f"bucket {policyctl.target.bucket} already exists at {policyctl.target.endpoint}",
        f"table {policyctl.target.settings.policy_table} already exists at "
        f"{policyctl.target.endpoint}",
    ]


def test_clock_moves_and_resets_the_business_date(policyctl: Policyctl) -> None:
    shown = policyctl.ok("clock")
    assert shown.startswith("business clock: 2026-03-10T10:00:")
    assert "business date 2026-03-10 (" in shown
    assert "days from the wall clock)" in shown
    moved = policyctl.ok("clock", "set", "2026-03-12T23:30:00+00:00")
    assert moved.startswith("business clock: 2026-03-12T23:30:")
    today = datetime.now(UTC).date()
    assert f"business date {today} (the wall clock)" in policyctl.ok("clock", "reset")


def test_close_prints_the_handler_summary(closed_day: Policyctl) -> None:
    again = closed_day.ok("close", "--date", str(DAY))
    assert '"dates_closed": [\n    "2026-03-10"\n  ]' in again
    assert '"files_written": []' in again  # nothing new: same bytes, nothing rewritten
    assert closed_day.csv().count("\r\n") == 5


def test_a_day_that_has_not_begun_cannot_be_closed(policyctl: Policyctl) -> None:
    result = policyctl("close", "--date", "2026-03-11")
    assert result.code == 1
    assert result.err == (
        "policyctl close: error: 2026-03-11 has not begun yet (today is 2026-03-10); nothing done\n"
    )


def test_a_close_that_finds_another_running_reports_it_and_fails(policyctl: Policyctl) -> None:
    parts = policyctl.target.components()
    assert DynamoCloseLease(parts.dynamodb, parts.settings.policy_table).acquire(
        "someone-else", datetime.now(UTC)
    )
    result = policyctl("close", "--date", str(DAY))
    assert result.code == 1
    assert "another close is running" in result.err
    assert '"skipped": "another close is running' in result.out


def test_verify_finds_no_drift_after_a_close(closed_day: Policyctl) -> None:
    assert closed_day.ok("verify") == (
        "2026-03-10       4 policies  ok\nverified 1 daily files: no drift\n"
    )


def test_verify_with_nothing_closed_has_nothing_to_check(policyctl: Policyctl) -> None:
    assert policyctl.ok("verify").startswith("no daily files yet")


def test_changes_not_closed_yet_are_pending_not_drift(closed_day: Policyctl) -> None:
    parts = closed_day.target.components()
    first, second, *_ = [line.split(",")[0] for line in closed_day.csv().splitlines()[1:]]
    parts.policies.amend(ADMIN, first, PolicyPatch(insured_member="Someone Else"))
    parts.policies.delete(ADMIN, second)
    report = closed_day.ok("verify", "--date", str(DAY))
    assert "4 policies, 2 pending changes not closed yet  ok" in report
    closed_day.ok("close", "--date", str(DAY))
    assert "3 policies  ok" in closed_day.ok("verify")


Tamper = Callable[[Policyctl, list[str]], None]


def _edit_a_cell(run: Policyctl, lines: list[str]) -> None:
    lines[1] = lines[1].replace(",active,", ",inactive,", 1)
    run.put_csv("\r\n".join(lines) + "\r\n")


def _drop_a_row(run: Policyctl, lines: list[str]) -> None:
    run.put_csv("\r\n".join(lines[:1] + lines[2:]) + "\r\n")


def _add_a_stranger(run: Policyctl, lines: list[str]) -> None:
    stranger = "00000000-dead" + lines[1][lines[1].index(",") :]
    run.put_csv("\r\n".join([*lines, stranger]) + "\r\n")


def _break_the_header(run: Policyctl, lines: list[str]) -> None:
    run.put_csv("id,number\r\n")


def _lose_the_metadata(run: Policyctl, lines: list[str]) -> None:
    parts = run.target.components()
    parts.dynamodb.delete_item(TableName=parts.settings.policy_table, Key=serialize(file_key(DAY)))


def _lose_the_file(run: Policyctl, lines: list[str]) -> None:
    run.s3.delete_object(Bucket=run.target.bucket, Key=policies_key(DAY))


@pytest.mark.parametrize(
    ("tamper", "drift"),
    [
        (_edit_a_cell, ["sha256 is ", "differs in status"]),
        (_drop_a_row, ["sha256 is ", "3 rows, metadata says 4", "is closed but not in the file"]),
        (
            _add_a_stranger,
            ["5 rows, metadata says 4", "00000000-dead is in the file but no longer"],
        ),
        (_break_the_header, ["not a valid daily file: unexpected header", "0 rows, metadata"]),
        (_lose_the_metadata, ["the file has no metadata item"]),
        (_lose_the_file, ["no file at policies/business_date=2026-03-10/policies.csv"]),
    ],
)
def test_verify_prints_the_drift_and_exits_1(
    closed_day: Policyctl, tamper: Tamper, drift: list[str]
) -> None:
    tamper(closed_day, closed_day.csv().splitlines())
    result = closed_day("verify")
    assert result.code == 1
    assert "2026-03-10" in result.out
    assert "DRIFT" in result.out
    assert all(line in result.out for line in drift), result.out
    assert result.out.endswith("verified 1 daily files: drift in 1 of 1 files\n")


def test_a_deleted_policy_back_in_a_closed_file_is_drift(closed_day: Policyctl) -> None:
    original = closed_day.csv()
    gone = original.splitlines()[1].split(",")[0]
    closed_day.target.components().policies.delete(ADMIN, gone)
    closed_day.ok("close", "--date", str(DAY))
    closed_day.put_csv(original)
    assert f"policy {gone} is in the file but no longer exists" in closed_day("verify").out


def test_verify_of_a_day_never_closed_says_so(closed_day: Policyctl) -> None:
    result = closed_day("verify", "--date", "2026-03-09")
    assert result.code == 1
    assert "no file at policies/business_date=2026-03-09/policies.csv and no metadata" in result.out


def test_a_closed_day_without_its_file_is_drift(policyctl: Policyctl) -> None:
    policyctl.ok("clock", "set", "2026-03-12T10:00:00Z")
    policyctl.ok("seed", "--policies", "3", "--days", "3", "--random-seed", "5")
    eleventh = date(2026, 3, 11)
    policyctl.s3.delete_object(Bucket=policyctl.target.bucket, Key=policies_key(eleventh))
    result = policyctl("verify")
    assert result.code == 1
    assert "2026-03-11       0 policies  DRIFT" in result.out
    assert "verified 2 daily files: drift in 1 of 2 files" in result.out


def test_seed_fills_past_days_closes_them_and_leaves_today_open(policyctl: Policyctl) -> None:
    policyctl.ok("clock", "set", "2026-03-12T10:00:00Z")
    result = policyctl("seed", "--policies", "7", "--days", "3", "--random-seed", "7")
    assert result.code == 0
    assert result.out.startswith("seeded 7 policies over 3 business days (2026-03-10..2026-03-12)")
    assert result.err.endswith("seeding [" + "#" * 30 + "] 7/7\n")
    tenth = list(csv.DictReader(io.StringIO(policyctl.csv(date(2026, 3, 10)))))
    assert len(tenth) == 3
    # With this random seed one customer renegotiates and one cancels on the first day.
    assert sorted(row["status"] for row in tenth) == ["active", "active", "cancelled"]
    assert sorted(row["version"] for row in tenth) == ["1", "2", "2"]
    assert policyctl.csv(date(2026, 3, 11)).count("\r\n") == 1 + 2
    listed = policyctl.s3.list_objects_v2(Bucket=policyctl.target.bucket, Prefix="policies/")
    assert len(listed["Contents"]) == 2  # today's file waits for its close
    refused = policyctl("seed", "--policies", "2", "--days", "3")
    assert refused.code == 1
    assert "2026-03-10..2026-03-11 are already closed" in refused.err
    assert "use --days 1" in refused.err


def test_verify_reads_every_page_of_live_policies(
    closed_day: Policyctl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(policies, "LARGEST_PAGE", 3)
    assert "2026-03-10       4 policies  ok" in closed_day.ok("verify")


def test_a_missing_bucket_is_an_aws_error_line(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Policyctl(point_at(monkeypatch, stack, POLICY_BUCKET="never-made"), capsys)
    result = run("verify", "--date", str(DAY))
    assert (result.code, result.err) == (
        1,
        "policyctl verify: error: AWS said NoSuchBucket: The specified bucket does not exist\n",
    )


def test_without_the_stack_policyctl_says_how_to_start_it(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    run = Policyctl(point_at(monkeypatch, stack, AWS_PORT=str(free_port())), capsys)
    result = run("clock")
    assert result.code == 1
    assert "cannot reach the local stack at http://127.0.0.1:" in result.err
    assert "start it with `make run`" in result.err


def test_the_demo_plays_a_day_and_prints_its_file_and_metadata(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = point_at(monkeypatch, stack, POLICY_TABLE="cli-api", POLICY_BUCKET="cli-api")
    run = Policyctl(target, capsys)
    out = run.ok("demo")
    today = target.settable_clock().business_date(datetime.now(UTC))
    assert f"closed {today}: 7 changes applied" in out
    assert f"--- s3://cli-api/policies/business_date={today}/policies.csv" in out
    csv_lines = out.split("--- s3://")[1].split("\n--- file metadata")[0].splitlines()[1:]
    assert csv_lines[0].startswith("policy_id,policy_number,insurance_type")
    assert sorted(line.split(",")[9] for line in csv_lines[1:]) == ["active", "active", "cancelled"]
    assert '"policy_count": 3' in out
    assert "verified 1 daily files: no drift" in run.ok("verify")


def test_the_demo_without_the_api_says_how_to_start_it(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = point_at(monkeypatch, stack, API_PORT=str(free_port()))
    result = Policyctl(target, capsys)("demo")
    assert result.code == 1
    assert "the local API is not answering at http://127.0.0.1:" in result.err
    assert "start it with `make run`" in result.err
