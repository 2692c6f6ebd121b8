"""`make run`: moto's AWS emulator and the local HTTP API, in one foreground process.

Everything lives in memory and is gone on exit: the point is to try the real handlers in
minutes, not to keep data. The API serves the very `handlers.api.handler` Lambda runs.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Mapping
from http.server import ThreadingHTTPServer
from types import FrameType
from typing import TextIO

from moto.server import ThreadedMotoServer

from handlers import api, wiring
from handlers.bootstrap import bootstrap
from handlers.local_gateway import LocalGateway, request_handler_for
from handlers.target import DEFAULT_PORTS, HOST, ConfigError, Target, port_of, resolve


class PortInUse(Exception):
    """A port the stack needs is taken; the message names the variable to change."""


def ensure_free(port: int, variable: str, other: int) -> None:
    # Checked up front because moto's server thread would hang, not fail, on a taken port.
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as both servers bind
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            example = port + 1 if port + 1 != other else port + 2
            raise PortInUse(
                f"port {port} on {HOST} is not available ({exc.strerror}); "
                f"set {variable} to a free port, e.g. {variable}={example} make run"
            ) from None


class LocalStack:
    def __init__(self, environ: Mapping[str, str], log_to: TextIO) -> None:
        self.aws_port = port_of(environ, "AWS_PORT")
        self.api_port = port_of(environ, "API_PORT")
        if self.aws_port == self.api_port:
            raise ConfigError(f"AWS_PORT and API_PORT are both {self.aws_port}; change one")
        # The stack's own clients talk to its own emulator, whatever AWS_ENDPOINT_URL says.
        own = {name: value for name, value in environ.items() if name != "AWS_ENDPOINT_URL"}
        self.target: Target = resolve(own)
        self._log_to = log_to
        self._moto: ThreadedMotoServer | None = None
        self._api: ThreadingHTTPServer | None = None

    def start(self) -> None:
        ensure_free(self.aws_port, "AWS_PORT", self.api_port)
        ensure_free(self.api_port, "API_PORT", self.aws_port)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no per-request emulator lines
        self._moto = ThreadedMotoServer(ip_address=HOST, port=self.aws_port, verbose=False)
        self._moto.start()
        try:
            bootstrap(self.target)
            wiring.install(self.target.components())
            handler = request_handler_for(LocalGateway(api.handler), self._log_to)
            self._api = ThreadingHTTPServer((HOST, self.api_port), handler)
        except BaseException:
            self.stop()  # a half-started stack must not keep the emulator's port
            raise
        self._api.daemon_threads = True
        serve = functools.partial(self._api.serve_forever, poll_interval=0.1)  # quick Ctrl-C
        threading.Thread(target=serve, name="local-api", daemon=True).start()

    def stop(self) -> None:
        if self._api is not None:
            self._api.shutdown()
            self._api.server_close()
        if self._moto is not None:
            self._moto.stop()
        wiring.install(None)

    def _ports_hint(self) -> str:
        # policyctl finds the stack by the same variables; repeat any that are not the default.
        ports = {"AWS_PORT": self.aws_port, "API_PORT": self.api_port}
        return "".join(f"{k}={v} " for k, v in ports.items() if v != DEFAULT_PORTS[k])

    def banner(self) -> str:
        names = f"bucket {self.target.bucket}, table {self.target.settings.policy_table}"
        return (
            "local stack: moto's AWS emulator + the HTTP API (data lives in memory only)\n"
            f"  AWS endpoint  {self.target.endpoint}  ({names})\n"
            f"  HTTP API      {self.target.api_url}\n"
            f"  try           {self._ports_hint()}.venv/bin/policyctl demo\n"
            "ready"
        )


def run(
    environ: Mapping[str, str] | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    stop: threading.Event | None = None,
) -> int:
    """Serve until SIGINT/SIGTERM (or `stop` is set); 0 after a clean shutdown."""
    stopping = stop or threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    # Handled from the start, so a Ctrl-C while the emulator boots still shuts down cleanly.
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            stack = LocalStack(os.environ if environ is None else environ, out)
            stack.start()
        except (ConfigError, PortInUse) as problem:
            print(f"make run: error: {problem}", file=err)
            return 2 if isinstance(problem, ConfigError) else 1
        try:
            print(stack.banner(), file=out, flush=True)
            stopping.wait()
            print("stopping", file=out, flush=True)
        finally:
            stack.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("stopped", file=out, flush=True)
    return 0


def main() -> None:
    code = run()
    if code:
        sys.exit(code)
    # Everything the emulator holds is thrown away; letting the interpreter finalise it object
    # by object takes minutes once a few thousand policies are loaded.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
