"""Composition root: builds adapters and services from settings, once per warm container."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import boto3

from adapters.clock import SystemClock
from adapters.dynamodb_catalog import DynamoCloseLease, DynamoFileCatalog
from adapters.dynamodb_journal import DynamoJournal
from adapters.dynamodb_store import DynamoPolicyStore
from adapters.ids import RandomIds
from adapters.s3_files import S3DailyFiles
from domain.day_close import CloseStores, DayClose
from domain.policies import PolicyService
from domain.ports import Clock
from handlers.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client


class Components:
    """Everything a handler needs, built lazily so a cold start pays only for what it uses.

    `clock` and `session` can be swapped (local stack, tests); the Lambda path uses the defaults.
    boto3 honours AWS_ENDPOINT_URL itself, so pointing at an emulator needs no code here.
    """

    def __init__(self, settings: Settings, clock: Clock | None = None, session: Any = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock(settings.zone)
        self._session = session or boto3.session.Session()

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        return self._session.client("dynamodb")

    @cached_property
    def s3(self) -> S3Client:
        return self._session.client("s3")

    @cached_property
    def policies(self) -> PolicyService:
        store = DynamoPolicyStore(self.dynamodb, self.settings.policy_table)
        return PolicyService(store, self.clock, RandomIds())

    @cached_property
    def catalog(self) -> DynamoFileCatalog:
        return DynamoFileCatalog(self.dynamodb, self.settings.policy_table)

    @cached_property
    def day_close(self) -> DayClose:
        table = self.settings.policy_table
        stores = CloseStores(
            journal=DynamoJournal(self.dynamodb, table),
            files=S3DailyFiles(self.s3, self.settings.policy_bucket),
            catalog=self.catalog,
            lease=DynamoCloseLease(self.dynamodb, table),
        )
        return DayClose(stores, self.policies, self.clock)


_current: Components | None = None


def components() -> Components:
    global _current
    if _current is None:
        _current = Components(Settings.from_env())
    return _current


def install(replacement: Components | None) -> None:
    """Use `replacement` from now on (None: rebuild from the environment on next use)."""
    global _current
    _current = replacement
