"""GET /policies: who sees what, the filters, and paging with an opaque cursor."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import ADMIN, AGENT, ALICE, BOB, Api
from tests.support.clock import FakeClock


def _ids(reply: Any) -> set[str]:
    return {p["policy_id"] for p in reply.body["items"]}


def _all_pages(call: Api, who: dict[str, Any], **query: str) -> list[list[str]]:
    """Follow next_cursor until it is null; the policy ids of each page."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        params = query | ({"cursor": cursor} if cursor else {})
        reply = call("GET", "/policies", who, query=params)
        assert reply.status == 200, reply.body
        pages.append([p["policy_id"] for p in reply.body["items"]])
        cursor = reply.body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "the cursor never ran out"


@pytest.fixture
def portfolio(call: Api, clock: FakeClock) -> dict[str, set[str]]:
    """Alice: 2 cars + 1 life on day 1, 1 health on day 2 (cancelled); Bob: 1 car on day 2."""
    made: dict[str, set[str]] = {"alice": set(), "bob": set(), "day1": set(), "day2": set()}
    life = {"insurance_type": "life", "details": {"sum_assured": 1000}}
    for overrides in ({}, {}, life):
        policy = call.create(ALICE, **overrides)
        made["alice"].add(policy["policy_id"])
        made["day1"].add(policy["policy_id"])
    clock.advance(days=1)
    health = call.create(ALICE, insurance_type="health", details={"plan": "gold"})
    call("PATCH", f"/policies/{health['policy_id']}", ALICE, {"status": "cancelled"})
    made["alice"].add(health["policy_id"])
    bob = call.create(BOB, insured_member="Bob")
    made["bob"].add(bob["policy_id"])
    made["day2"] |= {health["policy_id"], bob["policy_id"]}
    made["cancelled"] = {health["policy_id"]}
    return made


def test_customer_sees_only_their_own(call: Api, portfolio: dict[str, set[str]]) -> None:
    alice = call("GET", "/policies", ALICE)

    assert alice.status == 200
    assert _ids(alice) == portfolio["alice"]
    assert alice.body["next_cursor"] is None
    assert all(p["customer_id"] == "alice" for p in alice.body["items"])
    assert _ids(call("GET", "/policies", BOB)) == portfolio["bob"]
    assert call("GET", "/policies", {"sub": "carol"}).body == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("staff", [AGENT, ADMIN])
def test_staff_see_everyone(call: Api, portfolio: dict[str, set[str]], staff: Any) -> None:
    assert _ids(call("GET", "/policies", staff)) == portfolio["alice"] | portfolio["bob"]


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        (ALICE, {"insurance_type": "car"}, "alice-cars"),
        (ALICE, {"insurance_type": "life"}, "alice-life"),
        (ALICE, {"status": "cancelled"}, "cancelled"),
        (ALICE, {"status": "active"}, "alice-active"),
        (ALICE, {"business_date": "2026-03-02"}, "day1"),
        (ALICE, {"business_date": "2026-03-03"}, "cancelled"),
        (ALICE, {"business_date": "2026-03-04"}, "none"),
        (BOB, {"insurance_type": "life"}, "none"),
        (AGENT, {"business_date": "2026-03-03"}, "day2"),
        (AGENT, {"business_date": "2026-03-03", "status": "active"}, "bob"),
        (ADMIN, {"insurance_type": "car"}, "cars"),
        (ADMIN, {"status": "cancelled", "insurance_type": "health"}, "cancelled"),
        (ADMIN, {"status": "expired"}, "none"),
    ],
)
def test_filters(
    call: Api, portfolio: dict[str, set[str]], who: Any, query: dict[str, str], expected: str
) -> None:
    everything = call("GET", "/policies", ADMIN).body["items"]
    kinds = {p["policy_id"]: p["insurance_type"] for p in everything}
    alice_active = portfolio["alice"] - portfolio["cancelled"]
    groups = portfolio | {
        "alice-cars": {i for i in portfolio["alice"] if kinds[i] == "car"},
        "alice-life": {i for i in portfolio["alice"] if kinds[i] == "life"},
        "alice-active": alice_active,
        "cars": {i for i, kind in kinds.items() if kind == "car"},
        "none": set(),
    }

    reply = call("GET", "/policies", who, query=query)

    assert _ids(reply) == groups[expected]
    assert len(groups["alice-cars"]) == 2  # the fixture is what this test thinks it is
    assert len(groups["cars"]) == 3


def _many(call: Api, clock: FakeClock) -> dict[str, list[str]]:
    made: dict[str, list[str]] = {"alice": [], "bob": [], "alice-health": []}
    for n in range(9):
        health = n % 3 == 0
        extra = {"insurance_type": "health", "details": {"plan": "silver"}} if health else {}
        made["alice"].append(call.create(ALICE, **extra)["policy_id"])
        if health:
            made["alice-health"].append(made["alice"][-1])
        made["bob"].append(call.create(BOB)["policy_id"])
        clock.advance(minutes=1)
    return made


@pytest.mark.parametrize(
    ("who", "query", "owner"),
    [
        (ALICE, {"limit": "4"}, "alice"),
        (ALICE, {"limit": "1"}, "alice"),
        (ALICE, {"limit": "2", "insurance_type": "health"}, "alice-health"),
        (AGENT, {"limit": "5"}, "all"),
        (ADMIN, {"limit": "3", "business_date": "2026-03-02"}, "all"),
        (ADMIN, {"limit": "4", "insurance_type": "health"}, "alice-health"),
        (AGENT, {"limit": "100"}, "all"),
    ],
)
def test_pages_cover_everything_once(
    call: Api, clock: FakeClock, who: Any, query: dict[str, str], owner: str
) -> None:
    made = _many(call, clock)
    expected = made["alice"] + made["bob"] if owner == "all" else made[owner]
    limit = int(query["limit"])

    pages = _all_pages(call, who, **query)
    seen = [policy_id for page in pages for policy_id in page]

    assert sorted(seen) == sorted(expected)  # no duplicates, no omissions
    assert all(len(page) <= limit for page in pages)
    assert len(pages) >= -(-len(expected) // limit)
    if limit < len(expected):
        assert len(pages) > 1


def test_customer_pages_come_in_day_then_id_order(call: Api, clock: FakeClock) -> None:
    made = _many(call, clock)

    seen = [i for page in _all_pages(call, ALICE, limit="5") for i in page]

    assert seen == sorted(made["alice"])  # all created on one business day


def test_default_page_is_twenty(call: Api, clock: FakeClock) -> None:
    for _ in range(21):
        call.create(ALICE)

    first = call("GET", "/policies", ALICE)

    assert len(first.body["items"]) == 20
    assert first.body["next_cursor"] is not None


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"limit": "101"}, "query.limit: Input should be less than or equal to 100"),
        ({"limit": "0"}, "query.limit: Input should be greater than or equal to 1"),
        ({"limit": "ten"}, "query.limit: Input should be a valid integer"),
        ({"status": "sleeping"}, "query.status: Input should be"),
        ({"insurance_type": "boat"}, "query.insurance_type: Input should be"),
        ({"business_date": "2026-02-30"}, "2026-02-30 is not a calendar date"),
        ({"customer_id": "bob"}, "query.customer_id: Extra inputs are not permitted"),
        ({"status": "active,cancelled"}, "query parameter given twice: status"),
        ({"cursor": ""}, "query.cursor: String should have at least 1 character"),
    ],
)
def test_bad_query_is_400_with_the_reason(call: Api, query: dict[str, str], reason: str) -> None:
    reply = call("GET", "/policies", ALICE, query=query)

    assert reply.status == 400
    assert reason in reply.body["detail"]


def test_limit_of_one_hundred_is_allowed(call: Api) -> None:
    assert call("GET", "/policies", ALICE, query={"limit": "100"}).status == 200


def test_tampered_cursor_is_400(call: Api, clock: FakeClock) -> None:
    _many(call, clock)
    cursor = call("GET", "/policies", ALICE, query={"limit": "2"}).body["next_cursor"]
    flipped = ("A" if cursor[5] != "A" else "B").join((cursor[:5], cursor[6:]))
    forged = base64.urlsafe_b64encode(b'{"i":"by_customer","k":{}}').decode()

    for bad in (flipped, forged, cursor + "x", "plainly-wrong"):
        reply = call("GET", "/policies", ALICE, query={"limit": "2", "cursor": bad})
        assert reply.status == 400, bad
        assert reply.body["title"] == "Invalid cursor"


def test_cursor_from_another_listing_is_400(call: Api, clock: FakeClock) -> None:
    _many(call, clock)
    by_day = call("GET", "/policies", ADMIN, query={"limit": "2", "business_date": "2026-03-02"})

    reply = call("GET", "/policies", ALICE, query={"cursor": by_day.body["next_cursor"]})

    assert reply.status == 400
    assert "start again without it" in reply.body["detail"]


def test_cursor_refused_by_dynamodb_is_400(call: Api, clock: FakeClock, components: Any) -> None:
    _many(call, clock)
    cursor = call("GET", "/policies", ALICE, query={"limit": "2"}).body["next_cursor"]
    refusal = ClientError(
        {
            "Error": {
                "Code": "ValidationException",
                "Message": "The provided starting key is invalid",
            },
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        "Query",
    )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(components.dynamodb, "query", _raiser(refusal))
        reply = call("GET", "/policies", ALICE, query={"cursor": cursor})

    assert reply.status == 400
    assert reply.body["detail"] == "the cursor does not belong to this listing"


def test_throttled_listing_is_503(call: Api, components: Any) -> None:
    throttled = ClientError(
        {
            "Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        "Scan",
    )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(components.dynamodb, "scan", _raiser(throttled))
        reply = call.send("GET", "/policies", AGENT)

    assert reply.status == 503
    assert reply.body["title"] == "Service temporarily unavailable"


def _raiser(error: Exception) -> Any:
    def raise_it(**_: Any) -> Any:
        raise error

    return raise_it
