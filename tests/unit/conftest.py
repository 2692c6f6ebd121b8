"""Unit tests: no network, ports replaced by autospecced doubles, time from a FakeClock."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import pytest_socket
from pytest_mock import MockerFixture

from domain.details import InsuranceType
from domain.model import Policy
from domain.policies import PolicyService
from domain.ports import IdGenerator, PolicyStore
from tests.support.clock import FakeClock


@pytest.fixture(autouse=True)
def _no_network() -> Iterator[None]:
    pytest_socket.disable_socket()
    yield
    pytest_socket.enable_socket()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(mocker: MockerFixture) -> Any:
    double = mocker.create_autospec(PolicyStore, instance=True)
    double.history.return_value = []
    return double


@pytest.fixture
def ids(mocker: MockerFixture) -> Any:
    double = mocker.create_autospec(IdGenerator, instance=True)
    serial = itertools.count(1)
    double.policy_id.side_effect = lambda: f"pol-{next(serial)}"
    numbers = itertools.count(1)
    double.policy_number.side_effect = lambda: f"POL-{next(numbers):010d}"
    return double


@pytest.fixture
def service(store: Any, clock: FakeClock, ids: Any) -> PolicyService:
    return PolicyService(store, clock, ids)


PolicyFactory = Callable[..., Policy]


@pytest.fixture
def make_policy() -> PolicyFactory:
    """A stored policy (version 1, alice's car) with any field overridden."""

    def build(**overrides: Any) -> Policy:
        moment = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
        fields: dict[str, Any] = {
            "policy_id": "pol-stored",
            "policy_number": "POL-STORED",
            "insurance_type": InsuranceType.CAR,
            "customer_id": "alice",
            "insured_member": "Alice Example",
            "start_date": date(2026, 3, 1),
            "end_date": date(2027, 3, 1),
            "premium": Decimal("120.50"),
            "details": {"vehicle_registration": "AB-123"},
            "version": 1,
            "business_date": date(2026, 3, 1),
            "created_at": moment,
            "created_by": "alice",
            "updated_at": moment,
            "updated_by": "alice",
        }
        return Policy.model_validate(fields | overrides)

    return build
