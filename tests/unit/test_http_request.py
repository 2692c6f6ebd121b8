"""Reading a payload 2.0 request: who calls, the JSON body, query parameters, If-Match."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from pydantic import BaseModel, ConfigDict

from domain.identity import Caller, Role
from handlers.http_request import (
    MAX_BODY_BYTES,
    body_of,
    caller_of,
    if_match_of,
    query_of,
)
from handlers.problems import RequestError
from tests.support.events import http_event


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    size: int = 1


def _event(**kwargs: Any) -> APIGatewayProxyEventV2:
    return APIGatewayProxyEventV2(http_event("POST", "/things", **kwargs))


def _refused(call: Any, status: int, reason: str) -> RequestError:
    with pytest.raises(RequestError) as caught:
        call()
    assert caught.value.status == status
    assert reason in str(caught.value)
    return caught.value


# -- caller -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (None, Role.CUSTOMER),
        ("[admin agent]", Role.ADMIN),  # API Gateway's flattened list
        ("[agent]", Role.AGENT),
        ('["agent", "x"]', Role.AGENT),  # JSON list as a string
        (["admin"], Role.ADMIN),  # a list, from a direct invocation
        ("agent", Role.AGENT),
        ("customers,agent", Role.AGENT),
        ("[agent,admin", Role.ADMIN),  # broken brackets still name the groups
        ("[]", Role.CUSTOMER),
        (42, Role.CUSTOMER),
        ("[agents]", Role.CUSTOMER),
    ],
)
def test_role_comes_from_the_groups_claim(groups: Any, role: Role) -> None:
    claims: dict[str, Any] = {"sub": "user-1"}
    if groups is not None:
        claims["cognito:groups"] = groups

    assert caller_of(_event(claims=claims)) == Caller("user-1", role)


@pytest.mark.parametrize("claims", [None, {}, {"sub": ""}, {"sub": 7}, {"email": "a@b"}])
def test_no_subject_is_unauthorized(claims: Any) -> None:
    _refused(lambda: caller_of(_event(claims=claims)), 401, "a valid token is required")


def test_subject_too_long_to_be_a_customer_id_is_unauthorized() -> None:
    assert caller_of(_event(claims={"sub": "s" * 200})).id == "s" * 200
    _refused(lambda: caller_of(_event(claims={"sub": "s" * 201})), 401, "longer than 200")


# -- body -------------------------------------------------------------------------------------


def test_json_object_body_becomes_the_model() -> None:
    assert body_of(_event(body={"name": "box", "size": 3}), Thing) == Thing(name="box", size=3)


def test_base64_body_is_decoded() -> None:
    event = http_event("POST", "/things", body=base64.b64encode(b'{"name": "b64"}').decode())
    event["isBase64Encoded"] = True

    assert body_of(APIGatewayProxyEventV2(event), Thing).name == "b64"


@pytest.mark.parametrize("raw", [base64.b64encode(b"\xff\xfe{}").decode(), "abc"])
def test_base64_body_that_is_not_utf8_text_is_refused(raw: str) -> None:
    event = http_event("POST", "/things", body=raw)
    event["isBase64Encoded"] = True

    _refused(lambda: body_of(APIGatewayProxyEventV2(event), Thing), 400, "not UTF-8 text")


def test_body_with_lone_surrogates_is_refused() -> None:
    _refused(lambda: body_of(_event(body='{"name": "\ud800"}'), Thing), 400, "not UTF-8 text")


def test_body_at_the_limit_is_read_and_beyond_it_refused() -> None:
    filler = MAX_BODY_BYTES - len('{"name": ""}')
    assert len(body_of(_event(body={"name": "x" * filler}), Thing).name) == filler

    too_big = _event(body={"name": "x" * (filler + 1)})
    _refused(lambda: body_of(too_big, Thing), 413, f"exceeds {MAX_BODY_BYTES} bytes")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "a JSON object body is required"),
        ("", "a JSON object body is required"),
        ("  \n", "a JSON object body is required"),
        ("{bad", "not valid JSON: Expecting property name"),
        ('{"name": "x"', "not valid JSON"),
        ('{"name": "x", "size": NaN}', "not valid JSON: NaN is not a number JSON allows"),
        ('{"name": "x", "size": Infinity}', "Infinity is not a number JSON allows"),
        ('["name"]', "the body must be a JSON object"),
        ('"name"', "the body must be a JSON object"),
        ("null", "the body must be a JSON object"),
        ("[" * 30_000 + "]" * 30_000, "nested too deeply"),
        ('{"a":' * 10_000 + "1" + "}" * 10_000, "nested too deeply"),
    ],
)
def test_body_that_is_not_a_json_object_is_refused(raw: str | None, reason: str) -> None:
    event = http_event("POST", "/things", body=raw)

    _refused(lambda: body_of(APIGatewayProxyEventV2(event), Thing), 400, reason)


def test_body_that_breaks_the_model_lists_each_problem() -> None:
    error = _refused(
        lambda: body_of(_event(body={"size": "big", "colour": "red"}), Thing),
        400,
        "invalid body: body.name: Field required",
    )

    assert [e["loc"] for e in error.errors] == [
        ["body", "name"],
        ["body", "size"],
        ["body", "colour"],
    ]


def test_decimals_in_the_body_are_never_floats() -> None:
    class Amount(BaseModel):
        value: Any

    assert str(body_of(_event(body='{"value": 0.10}'), Amount).value) == "0.10"


# -- query ------------------------------------------------------------------------------------


def test_query_parameters_become_the_model() -> None:
    assert query_of(_event(query={"name": "q", "size": "4"}), Thing) == Thing(name="q", size=4)


def test_no_query_parameters_at_all() -> None:
    class Optional(BaseModel):
        name: str | None = None

    assert query_of(_event(), Optional) == Optional()


def test_repeated_query_parameter_is_refused() -> None:
    event = _event(query={"name": "a,b"})  # API Gateway joins repeated values with commas

    _refused(lambda: query_of(event, Thing), 400, "query parameter given twice: name")


def test_unknown_or_invalid_query_parameter_is_refused() -> None:
    error = _refused(
        lambda: query_of(_event(query={"name": "a", "colour": "red"}), Thing),
        400,
        "invalid query: query.colour: Extra inputs are not permitted",
    )
    assert error.errors[0]["loc"] == ["query", "colour"]


# -- If-Match ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "version"),
    [('"3"', 3), ('W/"3"', 3), ("3", 3), (' "12" ', 12), ("*", None), (" * ", None)],
)
def test_if_match_names_a_version(header: str, version: int | None) -> None:
    assert if_match_of(_event(headers={"If-Match": header})) == version


def test_no_if_match_means_no_precondition() -> None:
    assert if_match_of(_event()) is None


@pytest.mark.parametrize("header", ['"abc"', '"-1"', '"1", "2"', "", '"1234567890123456789"'])
def test_if_match_that_is_not_a_version_is_refused(header: str) -> None:
    event = _event(headers={"if-match": header})

    _refused(lambda: if_match_of(event), 400, 'If-Match must be a version ETag such as "3"')
