"""Configuration from the environment, and the composition root that builds from it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from adapters.clock import SystemClock
from adapters.dynamodb_store import DynamoPolicyStore
from domain.policies import PolicyService
from handlers import wiring
from handlers.settings import ENVIRONMENT, Settings
from tests.support.clock import FakeClock


@pytest.fixture
def offline_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials and region from the environment, so building a client asks no one."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "unit",
        "AWS_SECRET_ACCESS_KEY": "unit",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture(autouse=True)
def _fresh_components() -> Iterator[None]:
    wiring.install(None)
    yield
    wiring.install(None)


def test_defaults_are_the_local_ones() -> None:
    settings = Settings.from_env({})

    assert settings == Settings(
        policy_bucket="policy-files-local",
        policy_table="policies-local",
        business_timezone="UTC",
        log_level="INFO",
    )
    assert settings.zone == ZoneInfo("UTC")


def test_every_documented_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "POLICY_BUCKET": "bucket-x",
            "POLICY_TABLE": "table-x",
            "BUSINESS_TIMEZONE": "Europe/Berlin",
            "LOG_LEVEL": "DEBUG",
            "UNRELATED": "ignored",
        }
    )

    assert (settings.policy_bucket, settings.policy_table) == ("bucket-x", "table-x")
    assert settings.zone == ZoneInfo("Europe/Berlin")
    assert settings.log_level == "DEBUG"
    assert set(ENVIRONMENT) == {"POLICY_BUCKET", "POLICY_TABLE", "BUSINESS_TIMEZONE", "LOG_LEVEL"}


def test_empty_variables_fall_back_to_defaults() -> None:
    assert Settings.from_env({"POLICY_TABLE": ""}).policy_table == "policies-local"


def test_process_environment_is_the_default_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_TABLE", "from-the-environment")

    assert Settings.from_env().policy_table == "from-the-environment"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc/passwd", ""])
def test_unknown_time_zone_is_refused(zone: str) -> None:
    with pytest.raises(ValidationError, match="is not an IANA time zone"):
        Settings(business_timezone=zone)


def test_table_name_too_short_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings.from_env({"POLICY_TABLE": "ab"})


@pytest.mark.usefixtures("offline_aws")
def test_components_are_built_from_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_TABLE", "table-from-env")
    monkeypatch.setenv("BUSINESS_TIMEZONE", "Asia/Tokyo")

    built = wiring.components()

    assert wiring.components() is built
    assert built.settings.policy_table == "table-from-env"
    assert isinstance(built.clock, SystemClock)
    assert built.clock.business_date(datetime(2026, 3, 1, 16, tzinfo=UTC)) == date(2026, 3, 2)
    assert isinstance(built.policies, PolicyService)
    assert built.policies is built.policies
    assert built.dynamodb is built.dynamodb
    assert built.dynamodb.meta.region_name == "eu-west-1"


@pytest.mark.usefixtures("offline_aws")
def test_installed_components_replace_the_default() -> None:
    clock = FakeClock()
    replacement = wiring.Components(Settings(policy_table="t-installed"), clock=clock)

    wiring.install(replacement)

    assert wiring.components() is replacement
    assert replacement.clock is clock
    store = replacement.policies._store
    assert isinstance(store, DynamoPolicyStore)
    assert store._table == "t-installed"


@pytest.mark.usefixtures("offline_aws")
def test_every_component_can_be_built_without_touching_aws() -> None:
    built = wiring.Components(Settings())

    for name in ("dynamodb", "s3", "policies", "catalog", "day_close"):
        assert getattr(built, name) is getattr(built, name), name
