"""Bad input: each gets its precise 4xx with a readable reason, nothing is written, never a 5xx."""

from __future__ import annotations

import base64
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from handlers import api
from handlers.wiring import Components
from tests.integration.conftest import ADMIN, ALICE, Api, car
from tests.support.events import FakeContext, Reply, http_event

HYPOTHESIS = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True
)

# body -> (status, words the reason must contain)
BAD_CREATES: list[Any] = [
    pytest.param("{bad json", 400, "the body is not valid JSON", id="malformed JSON"),
    pytest.param('{"premium": 1,}', 400, "the body is not valid JSON", id="trailing comma"),
    pytest.param("", 400, "a JSON object body is required", id="empty body"),
    pytest.param("[1, 2]", 400, "the body must be a JSON object", id="array body"),
    pytest.param('"text"', 400, "the body must be a JSON object", id="string body"),
    pytest.param("42", 400, "the body must be a JSON object", id="number body"),
    pytest.param("null", 400, "the body must be a JSON object", id="null body"),
    pytest.param({}, 400, "body.insurance_type: Field required", id="empty object"),
    pytest.param(car(premium=["1"]), 400, "body.premium", id="premium as a list"),
    pytest.param(
        car(insured_member=5),
        400,
        "body.insured_member: Input should be a valid string",
        id="member as number",
    ),
    pytest.param(
        car(start_date=20260301),
        400,
        "body.start_date: Value error, must be a date written YYYY-MM-DD",
        id="date as number",
    ),
    pytest.param(
        car(colour="red"), 400, "body.colour: Extra inputs are not permitted", id="unknown field"
    ),
    pytest.param(
        car(policy_id="mine"),
        400,
        "body.policy_id: Extra inputs are not permitted",
        id="server field",
    ),
    pytest.param(
        car(start_date="2026-02-30"), 400, "2026-02-30 is not a calendar date", id="impossible date"
    ),
    pytest.param(
        car(end_date="2027-13-01"), 400, "2027-13-01 is not a calendar date", id="impossible month"
    ),
    pytest.param(
        car(start_date="1/3/2026"), 400, "must be a date written YYYY-MM-DD", id="loose date"
    ),
    pytest.param(
        car(end_date="2026-02-01"), 400, "end_date must be after start_date", id="end before start"
    ),
    pytest.param(
        car(end_date="2026-03-01"), 400, "end_date must be after start_date", id="end on start"
    ),
    pytest.param(
        car(premium="-1.00"),
        400,
        "body.premium: Input should be greater than or equal to 0",
        id="negative premium",
    ),
    pytest.param(
        car(premium="1.005"),
        400,
        "body.premium: Decimal input should have no more than 2 decimal places",
        id="3-decimal premium",
    ),
    pytest.param(
        json.dumps(car()).replace('"120.50"', "1.005"),
        400,
        "body.premium: Decimal input should have no more than 2 decimal places",
        id="3-decimal number",
    ),
    pytest.param(
        car(premium="NaN"), 400, "body.premium: Input should be a finite number", id="NaN string"
    ),
    pytest.param('{"premium": NaN}', 400, "NaN is not a number JSON allows", id="NaN token"),
    pytest.param(
        '{"premium": -Infinity}', 400, "-Infinity is not a number JSON allows", id="Infinity token"
    ),
    pytest.param(
        car(premium=True),
        400,
        "body.premium: Value error, must be a decimal number, not a boolean",
        id="bool premium",
    ),
    pytest.param(car(premium="12,50"), 400, "'12,50' is not a decimal number", id="comma premium"),
    pytest.param(
        car(currency="EURO"), 400, "'EURO' is not an ISO 4217 currency code", id="bad currency"
    ),
    pytest.param(
        car(currency="eur"), 400, "'eur' is not an ISO 4217 currency code", id="lower-case currency"
    ),
    pytest.param(
        car(insurance_type="boat"),
        400,
        "body.insurance_type: Input should be 'car', 'life' or 'health'",
        id="bad type",
    ),
    pytest.param(car(status="paused"), 400, "body.status", id="bad status"),
    pytest.param(
        car(policy_number="has spaces"),
        400,
        "body.policy_number: String should match pattern",
        id="bad number",
    ),
    pytest.param(car(policy_number="P" * 33), 400, "body.policy_number", id="long number"),
    pytest.param(
        car(details={}),
        400,
        "invalid car details: vehicle_registration: Field required",
        id="car without registration",
    ),
    pytest.param(
        car(details={"vehicle_registration": "X", "year": "2020"}),
        400,
        "year: Input should be a valid integer",
        id="car year as text",
    ),
    pytest.param(
        car(insurance_type="life", details={"beneficiaries": []}),
        400,
        "invalid life details: sum_assured: Field required",
        id="life without sum",
    ),
    pytest.param(
        car(
            insurance_type="life",
            details={
                "sum_assured": 1,
                "beneficiaries": [
                    {"name": "A", "share_percent": 40},
                    {"name": "B", "share_percent": 40},
                ],
            },
        ),
        400,
        "beneficiaries' share_percent must sum to 100, not 80",
        id="shares not 100",
    ),
    pytest.param(
        car(insurance_type="health", details={"plan": "diamond"}),
        400,
        "invalid health details: plan: Input should be 'bronze', 'silver', 'gold' or 'platinum'",
        id="bad plan",
    ),
    pytest.param(
        car(insurance_type="health", details={"plan": "gold", "dependents": -1}),
        400,
        "dependents: Input should be greater than or equal to 0",
        id="negative dependents",
    ),
    pytest.param(
        car(insurance_type="health"),
        400,
        "invalid health details: plan: Field required",
        id="car details on health",
    ),
    pytest.param(
        car(details="AB-123"),
        400,
        "body.details: Input should be a valid dictionary",
        id="details not an object",
    ),
    pytest.param(car(insured_member="\ud800"), 400, "body.insured_member", id="lone surrogate"),
    pytest.param("[" * 30_000 + "]" * 30_000, 400, "nested too deeply", id="deep nesting"),
    pytest.param(
        car(insured_member="x" * (64 * 1024)), 413, "the body exceeds 65536 bytes", id="over 64 KiB"
    ),
]


@pytest.mark.parametrize(("body", "status", "reason"), BAD_CREATES)
def test_bad_create_is_refused_with_its_reason(
    call: Api, body: Any, status: int, reason: str
) -> None:
    before = call.table()

    reply = call("POST", "/policies", ALICE, body)

    assert reply.status == status
    assert reason in reply.body["detail"]
    if status == 400 and reply.body["detail"].startswith("invalid body"):
        assert reply.body["errors"][0]["loc"][0] == "body"
        assert reply.body["errors"][0]["msg"]
    assert call.table() == before


def test_binary_body_is_refused(call: Api) -> None:
    event = http_event(
        "POST", "/policies", claims=ALICE, body=base64.b64encode(b"\x89PNG\xff").decode()
    )
    event["isBase64Encoded"] = True

    reply = Reply.of(api.handler(event, FakeContext()))

    assert (reply.status, reply.body["detail"]) == (400, "the body is not UTF-8 text")
    assert call.table() == []


def test_base64_json_body_is_accepted(call: Api) -> None:
    event = http_event(
        "POST",
        "/policies",
        claims=ALICE,
        body=base64.b64encode(json.dumps(car()).encode()).decode(),
    )
    event["isBase64Encoded"] = True

    assert Reply.of(api.handler(event, FakeContext())).status == 201


BAD_PATCHES: list[Any] = [
    pytest.param({"premium": None}, {}, 400, "premium cannot be null", id="null premium"),
    pytest.param(
        {"status": None, "insured_member": None},
        {},
        400,
        "insured_member, status cannot be null",
        id="nulls",
    ),
    pytest.param(
        {"policy_number": "NEW-1"},
        {},
        400,
        "body.policy_number: Extra inputs are not permitted",
        id="number is fixed",
    ),
    pytest.param(
        {"version": 9}, {}, 400, "body.version: Extra inputs", id="version is the server's"
    ),
    pytest.param(
        {"premium": "0.001"}, {}, 400, "no more than 2 decimal places", id="3-decimal premium"
    ),
    pytest.param(
        {"end_date": "2026-02-30"},
        {},
        400,
        "2026-02-30 is not a calendar date",
        id="impossible date",
    ),
    pytest.param(
        {"end_date": "2026-01-01"},
        {},
        422,
        "end_date must be after start_date",
        id="end before start",
    ),
    pytest.param(
        {"start_date": "2027-03-01"},
        {},
        422,
        "end_date must be after start_date",
        id="start on end",
    ),
    pytest.param(
        {"insurance_type": "life"},
        {},
        422,
        "invalid life details: sum_assured: Field required",
        id="type without details",
    ),
    pytest.param(
        {"details": {"plan": "gold"}}, {}, 422, "invalid car details", id="details of another type"
    ),
    pytest.param(
        {"insurance_type": "health", "details": {"plan": "tin"}},
        {},
        422,
        "invalid health details",
        id="bad details",
    ),
    pytest.param(
        {"premium": "1"},
        {"If-Match": "version-one"},
        400,
        'If-Match must be a version ETag such as "3"',
        id="invalid If-Match",
    ),
    pytest.param(
        {"premium": "1"},
        {"If-Match": '"0"'},
        412,
        "expected at version 0 but it is at version 1",
        id="wrong If-Match",
    ),
    pytest.param("{", {}, 400, "the body is not valid JSON", id="malformed JSON"),
    pytest.param("[]", {}, 400, "the body must be a JSON object", id="array"),
    pytest.param(
        {"renewed_by": "x" * 201},
        {},
        400,
        "body.renewed_by: String should have at most 200",
        id="long text",
    ),
]


@pytest.mark.parametrize(("body", "headers", "status", "reason"), BAD_PATCHES)
def test_bad_amendment_is_refused_with_its_reason(
    call: Api, body: Any, headers: dict[str, str], status: int, reason: str
) -> None:
    policy = call.create(ALICE)
    before = call.table()

    reply = call("PATCH", f"/policies/{policy['policy_id']}", ALICE, body, headers)

    assert reply.status == status
    assert reason in str(reply.body)
    if status == 422:
        assert reply.body["title"] == "Invalid policy"
        assert reply.body["errors"][0]["msg"]
    assert call.table() == before


def test_invalid_if_match_on_delete_is_400(call: Api) -> None:
    policy = call.create(ALICE)

    reply = call("DELETE", f"/policies/{policy['policy_id']}", ALICE, headers={"If-Match": "soon"})

    assert reply.status == 400
    assert call("GET", f"/policies/{policy['policy_id']}", ALICE).status == 200


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_policy_id_too_long_for_the_table_is_simply_absent(call: Api, method: str) -> None:
    suffix = "/history" if method == "GET" else ""
    body = {"premium": "1"} if method == "PATCH" else None

    for path in (f"/policies/{'x' * 3000}", f"/policies/{'x' * 3000}{suffix}"):
        assert call(method, path, ADMIN, body).status == 404


# -- properties -------------------------------------------------------------------------------

amounts = st.one_of(
    *(
        st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=places)
        for places in (0, 1, 2)
    )
)


@settings(HYPOTHESIS, max_examples=60)
@given(premium=amounts, as_number=st.booleans())
def test_any_premium_in_cents_survives_create_then_get_exactly(
    call: Api, premium: Decimal, as_number: bool
) -> None:
    body = json.dumps(car()).replace('"120.50"', str(premium) if as_number else f'"{premium}"')

    created = call("POST", "/policies", ALICE, body)
    read = call("GET", created.headers["Location"], ALICE)

    assert created.status == 201
    assert read.body["premium"] == created.body["premium"] == f"{premium:.2f}"
    assert Decimal(read.body["premium"]) == premium


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["car", "life", "health", "2026-02-30", "2026-03-01", "1.005", "EUR", ""]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
iso_dates = st.dates().map(date.isoformat)
# A plausible value for each field a create body may hold; mixed with arbitrary JSON below.
plausible: dict[str, st.SearchStrategy[Any]] = {
    "insurance_type": st.sampled_from(["car", "life", "health"]),
    "insured_member": st.text(min_size=1, max_size=20),
    "start_date": iso_dates,
    "end_date": iso_dates,
    "premium": st.decimals(min_value=0, max_value=10**6, places=2).map(str),
    "currency": st.sampled_from(["EUR", "USD", "JPY", "XXX"]),
    "status": st.sampled_from(["active", "inactive", "cancelled", "expired"]),
    "renewal_status": st.sampled_from(["new", "renewed", "not_renewed", "terminated"]),
    "renewed_by": st.text(max_size=10),
    "policy_number": st.from_regex(r"[A-Za-z0-9-]{1,32}", fullmatch=True),
    "customer_id": st.sampled_from(["alice", "bob"]),
    "details": st.sampled_from(
        [
            {"vehicle_registration": "AB-1", "year": 2020},
            {"sum_assured": "5000", "beneficiaries": [{"name": "A", "share_percent": 100}]},
            {"plan": "gold", "dependents": 3},
            None,
        ]
    ),
}
near_valid = st.builds(
    lambda base, replaced, added: {**base, **replaced, **added},
    st.just(car()),
    st.sets(st.sampled_from(sorted(plausible)), max_size=4).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {k: st.one_of(plausible[k], json_values) for k in chosen}
        )
    ),
    st.dictionaries(st.text(max_size=8), json_values, max_size=1),
)


@settings(HYPOTHESIS, max_examples=150)
@given(body=st.one_of(json_values, near_valid))
def test_random_json_bodies_never_produce_a_5xx(
    call: Api, write_count: list[int], body: Any
) -> None:
    writes_before = len(write_count)

    reply = call.send("POST", "/policies", ALICE, json.dumps(body))
    event(f"status {reply.status}")  # --hypothesis-show-statistics: how deep the bodies reach

    assert reply.status < 500, (body, reply.body)
    if reply.status >= 400:
        assert reply.headers["Content-Type"] == "application/problem+json"
        assert reply.body["detail"]
        assert len(write_count) == writes_before  # nothing written
    else:
        assert reply.status == 201
        assert len(write_count) == writes_before + 1


@pytest.fixture
def write_count(components: Components, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per write transaction the table accepted (a cancelled one writes nothing)."""
    sent: list[int] = []
    write = components.dynamodb.transact_write_items

    def counted(**kwargs: Any) -> Any:
        response = write(**kwargs)
        sent.append(1)
        return response

    monkeypatch.setattr(components.dynamodb, "transact_write_items", counted)
    return sent
