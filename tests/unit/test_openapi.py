"""The published API description is generated from the models that validate requests."""

from __future__ import annotations

import json
import runpy

import pytest

from domain.model import NewPolicy
from handlers import local_events, openapi
from handlers.openapi import document

pytestmark = pytest.mark.unit


def test_every_contract_route_is_described() -> None:
    operations = {
        f"{method.upper()} {path}"
        for path, item in document()["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert operations == set(local_events.ROUTES)  # what is deployed and served locally


def test_request_bodies_are_the_validating_models() -> None:
    schemas = document()["components"]["schemas"]
    assert set(schemas["NewPolicy"]["properties"]) == set(NewPolicy.model_fields)
    assert schemas["NewPolicy"]["additionalProperties"] is False  # unknown fields are a 400


def test_running_the_module_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(openapi.__file__, run_name="__main__")
    assert json.loads(capsys.readouterr().out) == document()
