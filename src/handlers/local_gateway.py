"""The local stand-in for API Gateway: HTTP request -> payload 2.0 event -> handler -> HTTP.

It keeps API Gateway's order: an unknown route is a 404 before any token check, a missing or
bad token is a 401 before the handler runs, and the handler sees only verified claims.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any, TextIO
from urllib.parse import urlsplit

from handlers.local_auth import InvalidToken, claims_from_header
from handlers.local_events import match_route, to_event

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class LambdaContext:
    """The attributes of a Lambda context that Powertools reads."""

    aws_request_id: str
    function_name: str = "policy-api-local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:policy-api-local"


@dataclass(frozen=True)
class HttpReply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    note: str = ""  # why the gateway answered by itself, for the request log


def to_reply(result: Any) -> HttpReply:
    if not isinstance(result, dict) or "statusCode" not in result:
        # Payload 2.0: a handler may return bare JSON, which API Gateway sends as a 200.
        return HttpReply(200, [("content-type", "application/json")], _json(result))
    headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
    headers += [("set-cookie", str(c)) for c in result.get("cookies") or []]
    text = result.get("body") or ""
    body = base64.b64decode(text) if result.get("isBase64Encoded") else str(text).encode()
    return HttpReply(int(result["statusCode"]), headers, body)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


class LocalGateway:
    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        # The handler keeps per-request state in module globals, as Lambda runs one request per
        # container at a time; the threaded server must not interleave two of them.
        self._lock = threading.Lock()

    def respond(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> HttpReply:
        route = match_route(method, urlsplit(target).path)
        if route is None:
            return _message(404, "Not Found", "no such route")
        authorization = next((v for k, v in headers if k.lower() == "authorization"), None)
        try:
            claims = claims_from_header(authorization)
        except InvalidToken as reason:
            return _message(401, "Unauthorized", str(reason))
        request_id = str(uuid.uuid4())
        event = to_event(
            method, target, headers, body, route, claims, request_id, datetime.now(UTC)
        )
        with self._lock:
            result = self._handler(event, LambdaContext(request_id))
        return to_reply(result)


def _message(status: int, message: str, note: str) -> HttpReply:
    headers = [("content-type", "application/json")]
    if status == 401:
        detail = note.replace('"', "'")
        headers.append(
            ("www-authenticate", f'Bearer error="invalid_token", error_description="{detail}"')
        )
    return HttpReply(status, headers, _json({"message": message}), note)


class GatewayRequestHandler(BaseHTTPRequestHandler):
    """Socket side: read the request, ask the gateway, write the reply, log one line."""

    gateway: LocalGateway  # set on a subclass per server (see `request_handler_for`)
    log_to: TextIO
    server_version = "policy-files-local-api"
    protocol_version = "HTTP/1.1"  # keep-alive, so a client's many calls reuse one connection

    def _serve(self) -> None:
        started = time.perf_counter()
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            reply = _message(400, "Bad Request", "invalid Content-Length")
            self.close_connection = True  # the body's end is unknown: this connection is spent
        else:
            body = self.rfile.read(length)
            reply = self.gateway.respond(self.command, self.path, list(self.headers.items()), body)
        elapsed = (time.perf_counter() - started) * 1000
        note = f"  ({reply.note})" if reply.note else ""
        # Logged before the reply goes out, so a client that reads the log sees its request.
        print(f"{self.command} {self.path} {reply.status} {elapsed:.0f} ms{note}", file=self.log_to)
        self.log_to.flush()
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("content-length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def __getattr__(self, name: str) -> Any:
        # http.server looks up `do_<METHOD>`; every method goes to the gateway, which answers
        # what API Gateway would (404 for a method no route has) instead of a 501 page.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: `_serve` writes the one line per request that we want."""


def request_handler_for(gateway: LocalGateway, log_to: TextIO) -> type[GatewayRequestHandler]:
    return type(
        "BoundGatewayHandler", (GatewayRequestHandler,), {"gateway": gateway, "log_to": log_to}
    )
