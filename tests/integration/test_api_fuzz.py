"""Schemathesis drives every documented operation with generated requests: none may be a 5xx.

It runs against the local stack (the real handler behind the local gateway, on moto), as a
customer and as an admin, and also checks that the committed docs/openapi.json is current.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from handlers.local_auth import mint_token
from handlers.local_stack import LocalStack
from handlers.openapi import document
from tests.support.ports import stack_ports

pytestmark = pytest.mark.integration

SCHEMA = schemathesis.openapi.from_dict(document())
PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    stack = LocalStack(stack_ports() | {"POLICY_TABLE": "fuzz-policies"}, io.StringIO())
    stack.start()
    yield stack.target.api_url
    stack.stop()


@pytest.mark.parametrize("groups", [(), ("admin",)], ids=["customer", "admin"])
@SCHEMA.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_generated_request_is_a_server_error(
    case: schemathesis.Case, api_url: str, groups: tuple[str, ...]
) -> None:
    token = mint_token("fuzz-customer", groups)
    case.call_and_validate(
        base_url=api_url,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error],
    )


def test_the_published_description_is_the_codes_own() -> None:
    assert json.loads(PUBLISHED.read_text()) == document()
