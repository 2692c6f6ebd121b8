"""The local stack started inside the test process: real HTTP to the API, real moto server.

The subprocess test (test_local_stack_process.py) proves `make run`'s behaviour end to end;
this one drives the same code in-process so that coverage sees it.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import runpy
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from handlers import local_stack
from handlers.cli_commands import CommandFailed
from handlers.demo import ApiClient
from handlers.local_auth import mint_token
from handlers.local_gateway import GatewayRequestHandler
from handlers.local_stack import LocalStack, run
from tests.support.ports import free_port, stack_ports

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[LocalStack, io.StringIO]]:
    log = io.StringIO()
    env = stack_ports()
    started = LocalStack(env | {"POLICY_TABLE": "inproc-policies", "POLICY_BUCKET": "inproc"}, log)
    started.start()
    yield started, log
    started.stop()


def send(
    stack: LocalStack, method: str, path: str, token: str | None, body: Any = None
) -> tuple[int, dict[str, str], Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        stack.target.api_url + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers=headers,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310
            status, got, text = reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        status, got, text = error.code, dict(error.headers), error.read()
    return status, got, json.loads(text) if text else None


CAR = {
    "insurance_type": "car",
    "insured_member": "Alice",
    "start_date": "2026-03-01",
    "end_date": "2027-03-01",
    "premium": "120.50",
    "details": {"vehicle_registration": "AB-123"},
}


def test_the_api_serves_the_lambda_handler_over_http(
    stack: tuple[LocalStack, io.StringIO],
) -> None:
    running, log = stack
    status, headers, body = send(running, "POST", "/policies", mint_token("alice"), CAR)
    assert status == 201, body
    assert headers["Location"] == f"/policies/{body['policy_id']}"
    assert headers["ETag"] == '"1"'
    status, _, listed = send(running, "GET", "/policies", mint_token("alice"))
    assert [p["policy_id"] for p in listed["items"]] == [body["policy_id"]]
    status, _, hidden = send(running, "GET", f"/policies/{body['policy_id']}", mint_token("bob"))
    assert status == 404
    assert hidden["status"] == 404
    lines = log.getvalue().splitlines()
    assert lines[-3].startswith("POST /policies 201 ")
    assert lines[-1].startswith(f"GET /policies/{body['policy_id']} 404 ")


def test_no_token_is_a_401_and_the_log_says_why(stack: tuple[LocalStack, io.StringIO]) -> None:
    running, log = stack
    status, headers, body = send(running, "GET", "/policies", None)
    assert (status, body) == (401, {"message": "Unauthorized"})
    assert "Bearer" in headers["www-authenticate"]
    assert log.getvalue().splitlines()[-1].endswith("(missing bearer token)")


def test_a_request_with_a_broken_length_is_a_400(stack: tuple[LocalStack, io.StringIO]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", stack[0].api_port, timeout=10)
    connection.putrequest("POST", "/policies")
    connection.putheader("Content-Length", "many")
    connection.endheaders()
    assert connection.getresponse().status == 400
    connection.close()


def test_the_demo_client_stops_at_the_first_refused_step(
    stack: tuple[LocalStack, io.StringIO],
) -> None:
    out = io.StringIO()
    with pytest.raises(CommandFailed, match="GET /policies/nope answered 404"):
        ApiClient(stack[0].target.api_url, out).call("alice", "peeks", "GET", "/policies/nope")
    assert "-> 404" in out.getvalue()


def wait_for(text: str, out: io.StringIO, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while text not in out.getvalue().splitlines():
        assert time.monotonic() < deadline, out.getvalue()
        time.sleep(0.05)


def test_run_prints_ready_and_stops_cleanly_on_sigterm() -> None:
    out, err = io.StringIO(), io.StringIO()
    previous = signal.getsignal(signal.SIGTERM)

    def terminate_when_ready() -> None:
        wait_for("ready", out)
        os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_when_ready)
    killer.start()
    assert run(stack_ports(), out, err) == 0
    killer.join()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("local stack:")
    assert lines[-3:] == ["ready", "stopping", "stopped"]
    assert "policyctl demo" in out.getvalue()
    assert signal.getsignal(signal.SIGTERM) is previous  # handlers restored
    assert err.getvalue() == ""


def test_run_stops_when_asked_and_names_non_default_ports() -> None:
    out, stop = io.StringIO(), threading.Event()
    chosen = stack_ports()
    threading.Thread(target=lambda: (wait_for("ready", out), stop.set())).start()
    assert run(chosen, out, io.StringIO(), stop) == 0
    hint = f"AWS_PORT={chosen['AWS_PORT']} API_PORT={chosen['API_PORT']} .venv/bin/policyctl"
    assert hint in out.getvalue()


def test_a_taken_port_is_one_line_naming_the_variable(
    stack: tuple[LocalStack, io.StringIO],
) -> None:
    err = io.StringIO()
    taken = {"AWS_PORT": str(free_port()), "API_PORT": str(stack[0].api_port)}
    assert run(taken, io.StringIO(), err) == 1
    message = err.getvalue()
    assert message.startswith(f"make run: error: port {stack[0].api_port} on 127.0.0.1")
    assert "set API_PORT to a free port" in message
    assert message.count("\n") == 1


def test_a_taken_emulator_port_names_aws_port(stack: tuple[LocalStack, io.StringIO]) -> None:
    err = io.StringIO()
    taken = {"AWS_PORT": str(stack[0].aws_port), "API_PORT": str(free_port())}
    assert run(taken, io.StringIO(), err) == 1
    assert "set AWS_PORT to a free port" in err.getvalue()


def test_the_same_port_twice_is_a_settings_error() -> None:
    err = io.StringIO()
    assert run({"AWS_PORT": "4700", "API_PORT": "4700"}, io.StringIO(), err) == 2
    assert "AWS_PORT and API_PORT are both 4700" in err.getvalue()


def test_a_failed_start_releases_the_emulator_port(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(target: Any) -> list[str]:
        raise RuntimeError("bootstrap failed")

    monkeypatch.setattr(local_stack, "bootstrap", refuse)
    chosen = stack_ports()
    with pytest.raises(RuntimeError, match="bootstrap failed"):
        LocalStack(chosen, io.StringIO()).start()
    local_stack.ensure_free(int(chosen["AWS_PORT"]), "AWS_PORT", 0)  # free again


def test_stopping_a_stack_that_never_started_is_harmless() -> None:
    LocalStack(stack_ports(), io.StringIO()).stop()


@pytest.mark.filterwarnings("ignore:'handlers.local_stack' found in sys.modules:RuntimeWarning")
def test_python_dash_m_runs_the_stack(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("API_PORT", "none")
    with pytest.raises(SystemExit) as stopped:
        runpy.run_module("handlers.local_stack", run_name="__main__")
    assert stopped.value.code == 2
    assert "API_PORT must be a port number" in capsys.readouterr().err


def test_after_a_clean_stop_the_process_leaves_without_finalising_the_emulator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exits: list[int] = []
    monkeypatch.setattr(local_stack, "run", lambda: 0)
    monkeypatch.setattr(os, "_exit", exits.append)
    local_stack.main()
    assert exits == [0]


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PURGE"])
def test_a_method_no_route_has_is_a_404_like_api_gateway(
    stack: tuple[LocalStack, io.StringIO], method: str
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", stack[0].api_port, timeout=10)
    connection.request(method, "/policies")
    assert connection.getresponse().status == 404
    connection.close()


def test_only_method_handlers_are_invented() -> None:
    handler = object.__new__(GatewayRequestHandler)
    assert callable(handler.do_TRACE)
    assert not hasattr(handler, "not_a_method")
