"""The HTTP API as an OpenAPI 3.1 document, built from the very models that validate requests.

`python -m handlers.openapi` prints it; docs/openapi.json is that output, and a test keeps the
two equal, so the published description cannot drift from the code.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import models_json_schema

from domain.details import InsuranceType
from domain.files import FileMetadata
from domain.model import NewPolicy, Policy, PolicyPatch, PolicyStatus

_REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _answers(ok: str, schema: dict[str, Any] | None, *problems: int) -> dict[str, Any]:
    good: dict[str, Any] = {"description": ok}
    if schema is not None:
        good["content"] = _json(schema)
    problem = {"application/problem+json": {"schema": _ref("Problem")}}
    status = "204" if schema is None else "201" if ok == "created" else "200"
    return {status: good} | {
        str(code): {"description": "problem", "content": problem} for code in (401, *problems)
    }


def _path_id() -> dict[str, Any]:
    return {"name": "policy_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}}


def _paths() -> dict[str, Any]:
    policy, patch = _ref("Policy"), {"content": _json(_ref("PolicyPatch")), "required": True}
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": policy},
            "next_cursor": {"type": ["string", "null"]},
        },
    }
    return {
        "/policies": {
            "post": {
                "requestBody": {"content": _json(_ref("NewPolicy")), "required": True},
                "responses": _answers("created", policy, 400, 403, 409, 413),
            },
            "get": {
                "parameters": [
                    _query("insurance_type", {"enum": [t.value for t in InsuranceType]}),
                    _query("status", {"enum": [s.value for s in PolicyStatus]}),
                    _query("business_date", {"type": "string", "format": "date"}),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}),
                    _query("cursor", {"type": "string"}),
                ],
                "responses": _answers("a page of policies", page, 400),
            },
        },
        "/policies/{policy_id}": {
            "parameters": [_path_id()],
            "get": {"responses": _answers("the policy", policy, 404)},
            "patch": {
                "parameters": [IF_MATCH],
                "requestBody": patch,
                "responses": _answers("the amended policy", policy, 400, 403, 404, 409, 412, 422),
            },
            "delete": {
                "parameters": [IF_MATCH],
                "responses": _answers("deleted", None, 400, 404, 412),
            },
        },
        "/policies/{policy_id}/history": {
            "parameters": [_path_id()],
            "get": {"responses": _answers("every change, oldest first", {"type": "object"}, 404)},
        },
        "/files/{business_date}": {
            "parameters": [
                {
                    "name": "business_date",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                }
            ],
            "get": {
                "responses": _answers("the file's metadata", _ref("FileMetadata"), 400, 403, 404)
            },
        },
    }


PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def document() -> dict[str, Any]:
    _, schemas = models_json_schema(
        [
            (NewPolicy, "validation"),
            (PolicyPatch, "validation"),
            (Policy, "serialization"),
            (FileMetadata, "serialization"),
        ],
        ref_template=_REF,
    )
    return {
        "openapi": "3.1.0",
        "info": {"title": "Policy files API", "version": "1"},
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "schemas": schemas["$defs"] | {"Problem": PROBLEM},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


if __name__ == "__main__":
    print(json.dumps(document(), indent=2, sort_keys=True))
