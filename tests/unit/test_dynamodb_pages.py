"""Listing page by page with an opaque cursor, against a stubbed DynamoDB client."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from adapters import policy_items as items
from adapters.dynamodb_pages import PolicyLister, decode_cursor, encode_cursor
from domain.errors import InvalidCursor, StoreUnavailable
from domain.model import Policy, PolicyStatus
from domain.ports import PolicyQuery
from tests.unit.conftest import PolicyFactory

TABLE = "policies-unit"
CUSTOMER_KEY = {
    "pk": {"S": "POLICY#p1"},
    "sk": {"S": "STATE"},
    "gsi1pk": {"S": "CUSTOMER#alice"},
    "gsi1sk": {"S": "2026-03-01#p1"},
}


@pytest.fixture
def client() -> Any:
    return boto3.client(
        "dynamodb",
        region_name="eu-west-1",
        aws_access_key_id="unit",
        aws_secret_access_key="unit",
    )


@pytest.fixture
def stub(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def lister(client: Any) -> PolicyLister:
    return PolicyLister(client, TABLE)


def _item(policy: Policy) -> dict[str, Any]:
    attributes = items.policy_key(policy.policy_id) | items.policy_attributes(policy)
    return items.serialize({k: v for k, v in attributes.items() if v is not None})


def _policies(make_policy: PolicyFactory, count: int) -> list[Policy]:
    return [make_policy(policy_id=f"p{n}") for n in range(1, count + 1)]


# -- cursor -----------------------------------------------------------------------------------


def test_cursor_round_trips_and_is_url_safe() -> None:
    cursor = encode_cursor("by_customer", CUSTOMER_KEY)

    assert decode_cursor(cursor, "by_customer") == CUSTOMER_KEY
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _raw(document: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "é",
        "abc",  # bad padding
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),  # not UTF-8
        _raw([1, 2]),
        _raw("text"),
        _raw({"i": "by_customer"}),
        _raw({"i": "by_day", "k": CUSTOMER_KEY}),  # issued by another listing
        _raw({"i": "by_customer", "k": {"pk": {"S": "x"}}}),  # keys missing
        _raw({"i": "by_customer", "k": CUSTOMER_KEY | {"extra": {"S": "x"}}}),
        _raw({"i": "by_customer", "k": CUSTOMER_KEY | {"pk": {"N": "1"}}}),
        _raw({"i": "by_customer", "k": CUSTOMER_KEY | {"pk": {"S": 1}}}),
        _raw({"i": "by_customer", "k": CUSTOMER_KEY | {"pk": "S"}}),
        _raw({"i": "by_customer", "k": CUSTOMER_KEY | {"pk": 7}}),
        _raw({"i": "by_customer", "k": 7}),
    ],
)
def test_tampered_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor, match="not one this listing issued"):
        decode_cursor(cursor, "by_customer")


# -- requests ---------------------------------------------------------------------------------


def test_customer_listing_queries_their_partition(
    lister: PolicyLister, stub: Stubber, make_policy: PolicyFactory
) -> None:
    policy = make_policy()
    stub.add_response(
        "query",
        {"Items": [_item(policy)]},
        {
            "TableName": TABLE,
            "IndexName": "by_customer",
            "KeyConditionExpression": "gsi1pk = :owner",
            "ExpressionAttributeValues": {":owner": {"S": "CUSTOMER#alice"}},
            "Limit": 20,
        },
    )

    page = lister.page(PolicyQuery(customer_id="alice"))

    assert page.items == [policy]
    assert page.next_cursor is None


def test_customer_listing_by_day_and_filters(lister: PolicyLister, stub: Stubber) -> None:
    stub.add_response(
        "query",
        {"Items": []},
        {
            "TableName": TABLE,
            "IndexName": "by_customer",
            "KeyConditionExpression": "gsi1pk = :owner AND begins_with(gsi1sk, :day)",
            "FilterExpression": "#insurance_type = :insurance_type AND #status = :status",
            "ExpressionAttributeNames": {
                "#insurance_type": "insurance_type",
                "#status": "status",
            },
            "ExpressionAttributeValues": {
                ":owner": {"S": "CUSTOMER#alice"},
                ":day": {"S": "2026-03-02#"},
                ":insurance_type": {"S": "life"},
                ":status": {"S": "cancelled"},
            },
            "Limit": 5,
        },
    )
    query = PolicyQuery(
        customer_id="alice",
        insurance_type="life",  # type: ignore[arg-type]
        status=PolicyStatus.CANCELLED,
        business_date=date(2026, 3, 2),
        limit=5,
    )

    assert lister.page(query).items == []


def test_staff_listing_of_a_day_queries_that_day(lister: PolicyLister, stub: Stubber) -> None:
    stub.add_response(
        "query",
        {"Items": []},
        {
            "TableName": TABLE,
            "IndexName": "by_day",
            "KeyConditionExpression": "gsi2pk = :day",
            "ExpressionAttributeValues": {":day": {"S": "POLICIES#2026-03-02"}},
            "Limit": 20,
        },
    )

    lister.page(PolicyQuery(business_date=date(2026, 3, 2)))


def test_staff_listing_of_everything_scans_the_sparse_index(
    lister: PolicyLister, stub: Stubber
) -> None:
    stub.add_response(
        "scan",
        {"Items": []},
        {
            "TableName": TABLE,
            "IndexName": "by_customer",
            "FilterExpression": "#status = :status",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":status": {"S": "active"}},
            "Limit": 20,
        },
    )

    lister.page(PolicyQuery(status=PolicyStatus.ACTIVE))


def test_scan_without_filters_sends_no_expressions(lister: PolicyLister, stub: Stubber) -> None:
    stub.add_response(
        "scan", {"Items": []}, {"TableName": TABLE, "IndexName": "by_customer", "Limit": 3}
    )

    lister.page(PolicyQuery(limit=3))


# -- paging -----------------------------------------------------------------------------------


def test_a_filtered_page_keeps_reading_until_it_is_full(
    lister: PolicyLister, stub: Stubber, make_policy: PolicyFactory
) -> None:
    p1, p2, p3 = _policies(make_policy, 3)
    stub.add_response(
        "scan",
        {"Items": [_item(p1)], "LastEvaluatedKey": {"pk": {"S": "k1"}}},
        {**_scan(), "Limit": 3},
    )
    stub.add_response(
        "scan",
        {"Items": [_item(p2), _item(p3)], "LastEvaluatedKey": {"pk": {"S": "k3"}}},
        {**_scan(), "Limit": 2, "ExclusiveStartKey": {"pk": {"S": "k1"}}},
    )

    page = lister.page(PolicyQuery(limit=3))

    assert page.items == [p1, p2, p3]
    assert page.next_cursor is not None
    assert decode_cursor(page.next_cursor, "by_customer") == {
        "pk": {"S": "POLICY#p3"},
        "sk": {"S": "STATE"},
        "gsi1pk": {"S": "CUSTOMER#alice"},
        "gsi1sk": {"S": "2026-03-01#p3"},
    }


def test_the_cursor_resumes_where_the_page_ended(
    lister: PolicyLister, stub: Stubber, make_policy: PolicyFactory
) -> None:
    p4 = make_policy(policy_id="p4")
    stub.add_response(
        "scan",
        {"Items": [_item(p4)]},
        {**_scan(), "Limit": 3, "ExclusiveStartKey": CUSTOMER_KEY},
    )

    page = lister.page(PolicyQuery(limit=3, cursor=encode_cursor("by_customer", CUSTOMER_KEY)))

    assert (page.items, page.next_cursor) == ([p4], None)


def _scan() -> dict[str, Any]:
    return {"TableName": TABLE, "IndexName": "by_customer"}


def test_start_key_refused_by_dynamodb_is_an_invalid_cursor(
    lister: PolicyLister, stub: Stubber
) -> None:
    stub.add_client_error("query", "ValidationException", "The provided starting key is invalid")
    query = PolicyQuery(customer_id="alice", cursor=encode_cursor("by_customer", CUSTOMER_KEY))

    with pytest.raises(InvalidCursor, match="does not belong to this listing"):
        lister.page(query)


def test_validation_error_without_a_cursor_is_not_the_clients_fault(
    lister: PolicyLister, stub: Stubber
) -> None:
    stub.add_client_error("scan", "ValidationException", "broken request")

    with pytest.raises(Exception, match="broken request") as caught:
        lister.page(PolicyQuery())

    assert not isinstance(caught.value, InvalidCursor)


def test_throttled_listing_is_unavailable(lister: PolicyLister, stub: Stubber) -> None:
    stub.add_client_error("query", "ProvisionedThroughputExceededException", "slow down")

    with pytest.raises(StoreUnavailable):
        lister.page(PolicyQuery(customer_id="alice"))


def test_changes_are_read_across_pages(lister: PolicyLister, stub: Stubber) -> None:
    request = {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {":pk": {"S": "POLICY#p1"}, ":prefix": {"S": "CHANGE#"}},
        "ConsistentRead": True,
    }
    first = {"pk": {"S": "POLICY#p1"}, "sk": {"S": "CHANGE#0000000001"}}
    second = {"pk": {"S": "POLICY#p1"}, "sk": {"S": "CHANGE#0000000002"}}
    stub.add_response("query", {"Items": [first], "LastEvaluatedKey": first}, request)
    stub.add_response("query", {"Items": [second]}, {**request, "ExclusiveStartKey": ANY})

    found = list(lister.changes_of("p1"))

    assert [c["sk"] for c in found] == ["CHANGE#0000000001", "CHANGE#0000000002"]
