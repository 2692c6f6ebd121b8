"""Free loopback ports for tests that start servers."""

from __future__ import annotations

import socket
from contextlib import ExitStack


def free_ports(count: int = 1) -> list[int]:
    """`count` distinct free ports: every probe stays bound until all are chosen."""
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def free_port() -> int:
    return free_ports(1)[0]


def stack_ports() -> dict[str, str]:
    """AWS_PORT and API_PORT for a local stack, never the same port twice."""
    aws, api = free_ports(2)
    return {"AWS_PORT": str(aws), "API_PORT": str(api)}
