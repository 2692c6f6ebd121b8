"""`policyctl` without any AWS: usage errors, help, tokens, settings errors, error lines."""

from __future__ import annotations

import io
import runpy
import sys
from datetime import datetime

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from handlers import cli, cli_commands
from handlers.cli_commands import iso_moment
from handlers.local_auth import claims_from_header
from handlers.target import resolve

pytestmark = pytest.mark.unit

COMMANDS = ["bootstrap", "token", "close", "verify", "clock", "demo", "seed"]


@pytest.fixture(autouse=True)
def _local_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PORT", "API_PORT", "AWS_ENDPOINT_URL", "BUSINESS_TIMEZONE", "POLICY_BUCKET"):
        monkeypatch.delenv(name, raising=False)


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 2
    err: str = capsys.readouterr().err
    assert err.startswith("usage: policyctl")
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["launch"], "invalid choice: 'launch'"),
        (["close"], "the following arguments are required: --date"),
        (["close", "--date", "2026-02-30"], "'2026-02-30' is not a date written YYYY-MM-DD"),
        (["close", "--date", "20260301"], "'20260301' is not a date written YYYY-MM-DD"),
        (["token"], "the following arguments are required: --sub"),
        (["token", "--sub", "a", "--group", "root"], "invalid choice: 'root'"),
        (["token", "--sub", "a", "--minutes", "0"], "expected a whole number of at least 1"),
        (["seed", "--policies", "-3"], "expected a whole number of at least 1"),
        (["seed"], "the following arguments are required: --policies"),
        (["clock", "set", "next tuesday"], "'next tuesday' is not ISO-8601"),
        (["clock", "--aws", "reset"], "unrecognized arguments: --aws"),
        (["demo", "--aws"], "unrecognized arguments: --aws"),
    ],
)
def test_argument_errors_are_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert message in usage_error(argv, capsys)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main([command, "--help"])
    assert stopped.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith(f"usage: policyctl {command}")
    assert len(help_text.splitlines()) > 3


def test_the_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    listing = capsys.readouterr().out
    assert all(f"    {command}" in listing for command in COMMANDS)


def test_token_prints_a_token_the_local_api_accepts() -> None:
    out = io.StringIO()
    assert cli.main(["token", "--sub", "ann", "--group", "agent", "--minutes", "5"], out) == 0
    claims = claims_from_header("Bearer " + out.getvalue().strip())
    assert (claims["sub"], claims["cognito:groups"]) == ("ann", "[agent]")
    assert int(claims["exp"]) - int(claims["iat"]) == 300


@pytest.mark.filterwarnings("ignore:'handlers.cli' found in sys.modules:RuntimeWarning")
def test_python_dash_m_runs_the_same_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["policyctl", "token", "--sub", "bob"])
    with pytest.raises(SystemExit) as stopped:
        runpy.run_module("handlers.cli", run_name="__main__", alter_sys=True)
    assert stopped.value.code == 0
    assert claims_from_header("Bearer " + capsys.readouterr().out.strip())["sub"] == "bob"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("API_PORT", "http", "API_PORT must be a port number between 1 and 65535, not 'http'"),
        ("AWS_PORT", "70000", "AWS_PORT must be a port number"),
        ("BUSINESS_TIMEZONE", "Mars/Olympus", "BUSINESS_TIMEZONE: BUSINESS_TIMEZONE 'Mars/Ol"),
        ("POLICY_BUCKET", "b", "POLICY_BUCKET: String should have at least 3 characters"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable_and_exit_2(
    name: str,
    value: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(name, value)
    assert cli.main(["token", "--sub", "a"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"policyctl: error: {message}")
    assert err.count("\n") == 1


def test_the_local_stack_is_the_default_target_and_an_explicit_endpoint_wins() -> None:
    assert resolve({}).endpoint == "http://127.0.0.1:4566"
    assert resolve({"AWS_PORT": "5000", "API_PORT": "9000"}).endpoint == "http://127.0.0.1:5000"
    assert resolve({"API_PORT": "9000"}).api_url == "http://127.0.0.1:9000"
    explicit = resolve({"AWS_ENDPOINT_URL": "http://emulator:4000", "AWS_PORT": "5000"})
    assert explicit.endpoint == "http://emulator:4000"
    assert resolve({"AWS_ENDPOINT_URL": "http://emulator:4000"}, aws=True).endpoint is None


def test_only_an_explicit_endpoint_is_sent_the_user_s_credentials() -> None:
    keys = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "example"}
    assert resolve(keys).credentials == ("local", "local")
    explicit = resolve(keys | {"AWS_ENDPOINT_URL": "http://minio:9000"})
    assert explicit.credentials == ("AKIAEXAMPLE", "example")
    assert resolve({"AWS_ENDPOINT_URL": "http://minio:9000"}).credentials == ("local", "local")


def test_errors_are_explained_in_terms_a_user_can_act_on() -> None:
    local = resolve({"AWS_PORT": "4999"})
    unreachable = EndpointConnectionError(endpoint_url="http://127.0.0.1:4999/")
    assert "start it with `make run`" in cli.explain(unreachable, local)
    assert "make run" not in cli.explain(unreachable, resolve({}, aws=True))
    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "PutObject")
    assert cli.explain(denied, local) == "AWS said AccessDenied: no"
    assert cli.explain(ClientError({}, "GetObject"), local) == "AWS said ?"
    assert cli.explain(KeyError(), None) == "KeyError"


def test_clock_set_reads_dates_as_nine_in_the_morning() -> None:
    assert iso_moment("2026-03-05") == datetime(2026, 3, 5, 9, 0)
    assert iso_moment("2026-03-05T17:30:00Z").hour == 17


def test_ctrl_c_is_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_commands, "cmd_token", interrupted)
    assert cli.main(["token", "--sub", "a"]) == 130
    assert capsys.readouterr().err == "policyctl token: interrupted\n"
