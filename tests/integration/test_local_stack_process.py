"""`make run`'s process end to end: start it, use it over HTTP and with policyctl, stop it.

Everything crosses a process boundary as a user's terminal would: the stack runs as
`python -m handlers.local_stack` on free ports, tokens come from the `policyctl` console
script, and the emulator is checked with a plain boto3 client.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.ports import free_port, stack_ports

pytestmark = pytest.mark.integration

POLICYCTL = Path(sys.executable).with_name("policyctl")
DAY = "2026-03-02"


@dataclass
class Stack:
    process: subprocess.Popen[bytes]
    output: Path
    env: dict[str, str]

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.env['API_PORT']}"

    def lines(self) -> list[str]:
        return self.output.read_text().splitlines()

    def policyctl(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
            [str(POLICYCTL), *argv], env=self.env, capture_output=True, text=True, timeout=60
        )
        assert not check or done.returncode == 0, done.stderr
        return done


def clean_env() -> dict[str, str]:
    """This environment without AWS or policy settings: the defaults of a fresh terminal."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POLICY_"))}


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    env = clean_env() | stack_ports()
    output = tmp_path / "stack.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "handlers.local_stack"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    running = Stack(process, output, env)
    deadline = time.monotonic() + 60
    while "ready" not in running.lines():
        assert process.poll() is None, running.lines()
        assert time.monotonic() < deadline, running.lines()
        time.sleep(0.1)
    yield running
    if process.poll() is None:
        process.kill()
        process.wait()


def call(stack: Stack, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        stack.api + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
            status, text = reply.status, reply.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    return status, json.loads(text) if text else None


def policy(member: str, **extra: Any) -> dict[str, Any]:
    return {
        "insurance_type": "health",
        "insured_member": member,
        "start_date": DAY,
        "end_date": "2027-03-01",
        "premium": "99.90",
        "details": {"plan": "silver"},
    } | extra


def test_make_run_serves_closes_verifies_and_stops_cleanly(stack: Stack) -> None:
    banner = stack.lines()
    assert f"  HTTP API      {stack.api}" in banner
    assert any(f"127.0.0.1:{stack.env['AWS_PORT']}" in line for line in banner)
    stack.policyctl("clock", "set", f"{DAY}T09:00:00Z")
    alice = stack.policyctl("token", "--sub", "alice").stdout.strip()
    agent = stack.policyctl("token", "--sub", "ann", "--group", "agent").stdout.strip()

    status, kept = call(stack, "POST", "/policies", alice, policy("Alice"))
    assert status == 201, kept
    status, dropped = call(stack, "POST", "/policies", agent, policy("Carol", customer_id="carol"))
    assert status == 201, dropped
    assert (
        call(stack, "PATCH", f"/policies/{kept['policy_id']}", alice, {"premium": "80"})[0] == 200
    )
    assert call(stack, "DELETE", f"/policies/{dropped['policy_id']}", agent)[0] == 204
    assert call(stack, "GET", "/policies", "forged.token.value")[0] == 401

    closed = json.loads(stack.policyctl("close", "--date", DAY).stdout)
    assert closed["dates_closed"] == [DAY]
    assert closed["changes_applied"] == 4

    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{stack.env['AWS_PORT']}",
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    key = f"policies/business_date={DAY}/policies.csv"
    text = s3.get_object(Bucket="policy-files-local", Key=key)["Body"].read().decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["policy_id"], r["premium"], r["version"]) for r in rows] == [
        (kept["policy_id"], "80.00", "2")
    ]
    status, metadata = call(stack, "GET", f"/files/{DAY}", agent)
    assert (status, metadata["policy_count"]) == (200, 1)

    verified = stack.policyctl("verify")
    assert verified.stdout.endswith("verified 1 daily files: no drift\n")

    stack.process.send_signal(signal.SIGTERM)
    assert stack.process.wait(timeout=30) == 0
    log = stack.lines()
    assert log[-2:] == ["stopping", "stopped"]
    requests = [line for line in log if line.startswith(("GET ", "POST ", "PATCH ", "DELETE "))]
    assert len(requests) == 6  # one quiet line per API request, none from the emulator
    assert requests[-2].startswith("GET /policies 401 ")


def test_a_port_in_use_stops_make_run_with_a_clear_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = clean_env() | {"AWS_PORT": str(free_port()), "API_PORT": str(port)}
        again = subprocess.run(
            [sys.executable, "-m", "handlers.local_stack"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert again.returncode == 1
    assert again.stdout == ""
    assert again.stderr.startswith(f"make run: error: port {port} on 127.0.0.1 is not available")
    assert "set API_PORT to a free port" in again.stderr
    assert again.stderr.count("\n") == 1
