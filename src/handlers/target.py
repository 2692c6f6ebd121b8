"""Where the local stack and `policyctl` point: the local emulator (default) or real AWS.

Local targets get the endpoint and fake credentials passed to their own clients only, so
nothing leaks into the environment of the process (or of tests running in it).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from pydantic import ValidationError

from adapters.settable_clock import SettableClock
from handlers.settings import ENVIRONMENT, Settings
from handlers.wiring import Components

HOST = "127.0.0.1"
DEFAULT_PORTS = {"AWS_PORT": 4566, "API_PORT": 8080}
# One fixed region, so `make run` and `policyctl` agree whatever AWS_DEFAULT_REGION a shell has.
LOCAL_REGION = "us-east-1"


class ConfigError(ValueError):
    """A setting that cannot work; the message names the variable to change."""


def port_of(environ: Mapping[str, str], name: str) -> int:
    raw = environ.get(name) or str(DEFAULT_PORTS[name])
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name} must be a port number between 1 and 65535, not {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class Target:
    settings: Settings
    endpoint: str | None  # None: real AWS, as boto3 resolves it
    api_url: str
    # Emulators accept any key; a user's own AWS_ENDPOINT_URL may need the real ones.
    credentials: tuple[str, str] = ("local", "local")

    @property
    def is_local(self) -> bool:
        return self.endpoint is not None

    def session(self) -> Any:
        return self._session

    @functools.cached_property
    def _session(self) -> Any:
        if self.endpoint is None:
            return boto3.session.Session()
        return _endpoint_session(self.endpoint, *self.credentials)

    def components(self) -> Components:
        clock = self.settable_clock() if self.is_local else None
        return Components(self.settings, clock=clock, session=self.session())

    def settable_clock(self) -> SettableClock:
        """The business clock of the local stack (shared through its emulator)."""
        return SettableClock(self.settings.zone, self.session().client("s3"), self.bucket)

    @property
    def bucket(self) -> str:
        return self.settings.policy_bucket


@functools.cache
def _endpoint_session(endpoint: str, key: str, secret: str) -> _EndpointSession:
    # Shared per endpoint: a boto3 session loads each service model once, and its clients keep
    # their connections, which makes a sequence of commands in one process much quicker.
    session = boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, region_name=LOCAL_REGION
    )
    return _EndpointSession(session, endpoint)


class _EndpointSession:
    """A boto3 session whose clients all talk to one endpoint."""

    def __init__(self, session: Any, endpoint: str) -> None:
        self._session = session
        self._endpoint = endpoint
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        with self._lock:  # boto3 clients are thread-safe to use, but not to create
            if service not in self._clients:
                self._clients[service] = self._session.client(service, endpoint_url=self._endpoint)
            return self._clients[service]


def resolve(environ: Mapping[str, str] | None = None, *, aws: bool = False) -> Target:
    env = dict(os.environ if environ is None else environ)
    try:
        settings = Settings.from_env(env)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        names = {field: name for name, field in ENVIRONMENT.items()}
        name = names.get(str(first["loc"][0]), str(first["loc"][0]))
        raise ConfigError(f"{name}: {first['msg'].removeprefix('Value error, ')}") from None
    api_url = f"http://{HOST}:{port_of(env, 'API_PORT')}"
    if aws:
        return Target(settings, None, api_url)
    explicit = env.get("AWS_ENDPOINT_URL")
    if not explicit:
        return Target(settings, f"http://{HOST}:{port_of(env, 'AWS_PORT')}", api_url)
    key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    return Target(settings, explicit, api_url, (key, secret) if key and secret else ("local",) * 2)
