"""The end-of-day close against moto: a multi-day story checked cell by cell and attribute by
attribute (CONTRACT §3, §5, §6), plus the catch-up, incremental and idempotent guarantees."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.integration.close_fixtures import (
    ADMIN,
    AGENT,
    HEADER,
    Stack,
    aws_env,
    car,
    changes_key,
    counting,
    csv_key,
    scheduled,
    stack,
)
from tests.support.events import claims_for

pytestmark = pytest.mark.integration
__all__ = ["aws_env", "stack"]

DAY1, DAY2, DAY3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
ALICE, DAVE = claims_for("alice"), claims_for("dave")
TRICKY_MEMBER = '=SUM(A1:A2), "Jr"\nZoë 日本'


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def day_one(stack: Stack) -> None:
    """Three policies initiated on 2026-03-02 by a customer, an agent and an admin."""
    created = stack.api(
        "POST",
        "/policies",
        ALICE,
        car(
            policy_number="CAR-0001",
            insured_member=TRICKY_MEMBER,
            premium="120.5",
            details={"vehicle_registration": "AB-123", "make": "-Skoda"},
        ),
    )
    assert created.status == 201, created.body
    stack.clock.current = at(DAY1, 9, 1)
    life = {
        "insurance_type": "life",
        "customer_id": "bob",
        "insured_member": "'quoted' Bob",
        "start_date": "2026-03-01",
        "end_date": "2046-03-01",
        "premium": "30",
        "currency": "USD",
        "details": {
            "sum_assured": "100000",
            "beneficiaries": [
                {"name": "Zed", "share_percent": "40"},
                {"name": "Eve", "share_percent": "60"},
            ],
        },
    }
    assert stack.api("POST", "/policies", AGENT, life).status == 201
    stack.clock.current = at(DAY1, 9, 2)
    health = {
        "insurance_type": "health",
        "customer_id": "carol",
        "insured_member": "@carol",
        "start_date": "2026-03-01",
        "end_date": "2026-12-31",
        "premium": "0",
        "renewal_status": "renewed",
        "renewed_by": "+agent 7",
        "details": {"plan": "gold", "dependents": 2},
    }
    assert stack.api("POST", "/policies", ADMIN, health).status == 201


def day_two(stack: Stack) -> None:
    """An update and a delete of day-1 policies, and a new policy of day 2."""
    stack.clock.current = at(DAY2, 10, 0)
    patched = stack.api(
        "PATCH", "/policies/pol-0001", ALICE, {"premium": "99.9", "insured_member": "Alice"}
    )
    assert patched.status == 200, patched.body
    stack.clock.current = at(DAY2, 10, 1)
    assert stack.api("DELETE", "/policies/pol-0002", AGENT).status == 204
    stack.clock.current = at(DAY2, 10, 2)
    assert stack.api("POST", "/policies", DAVE, car(insured_member="Dave")).status == 201


DAY1_ROWS_AFTER_DAY1 = [
    'pol-0001,CAR-0001,car,alice,"\'=SUM(A1:A2), ""Jr""\nZoë 日本",2026-03-01,2027-03-01,'
    '120.50,EUR,active,new,,"{""make"":""-Skoda"",""vehicle_registration"":""AB-123""}",1,'
    "2026-03-02,2026-03-02T09:00:00.000Z,alice,2026-03-02T09:00:00.000Z,alice",
    "pol-0002,POL-0000000001,life,bob,''quoted' Bob,2026-03-01,2046-03-01,30.00,USD,active,new,,"
    '"{""beneficiaries"":[{""name"":""Zed"",""share_percent"":""40""},{""name"":""Eve"",'
    '""share_percent"":""60""}],""sum_assured"":""100000.00""}",1,2026-03-02,'
    "2026-03-02T09:01:00.000Z,agent-7,2026-03-02T09:01:00.000Z,agent-7",
    "pol-0003,POL-0000000002,health,carol,'@carol,2026-03-01,2026-12-31,0.00,EUR,active,renewed,"
    '\'+agent 7,"{""dependents"":2,""plan"":""gold""}",1,2026-03-02,'
    "2026-03-02T09:02:00.000Z,admin-1,2026-03-02T09:02:00.000Z,admin-1",
]
DAY1_ROWS_AFTER_DAY2 = [
    "pol-0001,CAR-0001,car,alice,Alice,2026-03-01,2027-03-01,99.90,EUR,active,new,,"
    '"{""make"":""-Skoda"",""vehicle_registration"":""AB-123""}",2,2026-03-02,'
    "2026-03-02T09:00:00.000Z,alice,2026-03-03T10:00:00.000Z,alice",
    DAY1_ROWS_AFTER_DAY1[2],
]
DAY2_ROWS = [
    "pol-0004,POL-0000000003,car,dave,Dave,2026-03-01,2027-03-01,120.50,EUR,active,new,,"
    '"{""vehicle_registration"":""AB-123""}",1,2026-03-03,'
    "2026-03-03T10:02:00.000Z,dave,2026-03-03T10:02:00.000Z,dave",
]


def csv_bytes(rows: list[str]) -> bytes:
    return (HEADER + "".join(row + "\r\n" for row in rows)).encode("utf-8")


def expected_metadata(
    day: date, data: bytes, count: int, created: str, updated: str, by: str
) -> dict[str, Any]:
    """The metadata item in DynamoDB's own typed form (CONTRACT §6: S and N attributes)."""
    return {
        "business_date": {"S": day.isoformat()},
        "s3_key": {"S": csv_key(day)},
        "policy_count": {"N": str(count)},
        "created_at": {"S": created},
        "updated_at": {"S": updated},
        "updated_by": {"S": by},
        "checksum_sha256": {"S": hashlib.sha256(data).hexdigest()},
    }


def check_metadata(stack: Stack, day: date, expected: dict[str, Any]) -> dict[str, Any]:
    item = stack.metadata_item(day)
    assert item is not None
    assert {k: item[k] for k in expected} == expected
    assert uuid.UUID(item["file_id"]["S"])  # a stable, opaque id
    return item


def test_a_two_day_story_produces_the_contract_files_and_metadata(stack: Stack) -> None:
    day_one(stack)
    stack.clock.current = at(DAY2, 0, 5)

    first = stack.close(scheduled(stack.clock.now()))

    assert first["dates_closed"] == ["2026-03-02"]
    assert first["files_written"] == [csv_key(DAY1)]
    assert first["changes_applied"] == 3
    day1_v1 = stack.body(csv_key(DAY1))
    assert day1_v1 == csv_bytes(DAY1_ROWS_AFTER_DAY1)
    item_v1 = check_metadata(
        stack,
        DAY1,
        expected_metadata(
            DAY1, day1_v1, 3, "2026-03-03T00:05:00.000Z", "2026-03-03T00:05:00.000Z", "admin-1"
        ),
    )
    assert stack.api("GET", "/policies/pol-0001", ALICE).body["pending"] is False

    day_two(stack)
    assert stack.api("GET", "/policies/pol-0001", ALICE).body["pending"] is True
    stack.clock.current = at(DAY3, 0, 5)

    second = stack.close(scheduled(stack.clock.now()))

    # Day 1 is closed again first (it was the last closed day), then day 2.
    assert second["dates_closed"] == ["2026-03-02", "2026-03-03"]
    assert second["files_written"] == [csv_key(DAY1), csv_key(DAY2)]
    assert second["changes_applied"] == 3
    day1_v2, day2 = stack.body(csv_key(DAY1)), stack.body(csv_key(DAY2))
    assert day1_v2 == csv_bytes(DAY1_ROWS_AFTER_DAY2)
    assert day2 == csv_bytes(DAY2_ROWS)
    item_v2 = check_metadata(
        stack,
        DAY1,
        expected_metadata(
            DAY1, day1_v2, 2, "2026-03-03T00:05:00.000Z", "2026-03-04T00:05:00.000Z", "agent-7"
        ),
    )
    assert item_v2["file_id"] == item_v1["file_id"]
    day2_item = check_metadata(
        stack,
        DAY2,
        expected_metadata(
            DAY2, day2, 1, "2026-03-04T00:05:00.000Z", "2026-03-04T00:05:00.000Z", "dave"
        ),
    )
    assert day2_item["file_id"] != item_v1["file_id"]
    assert stack.api("GET", "/policies/pol-0001", ALICE).body["pending"] is False

    # GET /files/{date} returns the same fields as the item.
    for day, item in ((DAY1, item_v2), (DAY2, day2_item)):
        reply = stack.api("GET", f"/files/{day}", AGENT)
        assert reply.status == 200
        assert reply.body == {
            "file_id": item["file_id"]["S"],
            "business_date": item["business_date"]["S"],
            "s3_key": item["s3_key"]["S"],
            "policy_count": int(item["policy_count"]["N"]),
            "created_at": item["created_at"]["S"],
            "updated_at": item["updated_at"]["S"],
            "updated_by": item["updated_by"]["S"],
            "checksum_sha256": item["checksum_sha256"]["S"],
        }


def test_each_closed_day_has_an_audit_export_of_its_changes(stack: Stack) -> None:
    day_one(stack)
    day_two(stack)
    stack.clock.current = at(DAY3, 0, 5)

    stack.close(scheduled(stack.clock.now()))

    day1 = stack.audit(DAY1)
    assert [(c["policy_id"], c["version"], c["change"], c["by"]) for c in day1] == [
        ("pol-0001", 1, "created", "alice"),
        ("pol-0002", 1, "created", "agent-7"),
        ("pol-0003", 1, "created", "admin-1"),
    ]
    assert day1[0]["at"] == "2026-03-02T09:00:00.000Z"
    assert day1[0]["fields"]["insured_member"] == {"previous": None, "new": TRICKY_MEMBER}
    day2 = stack.audit(DAY2)
    assert [(c["policy_id"], c["version"], c["change"], c["by"]) for c in day2] == [
        ("pol-0001", 2, "updated", "alice"),
        ("pol-0002", 2, "deleted", "agent-7"),
        ("pol-0004", 1, "created", "dave"),
    ]
    assert day2[0]["fields"] == {
        "insured_member": {"previous": TRICKY_MEMBER, "new": "Alice"},
        "premium": {"previous": "120.50", "new": "99.90"},
    }
    assert day2[1]["fields"]["premium"] == {"previous": "30.00", "new": None}
    assert day2[0]["business_date"] == "2026-03-03"
    assert day2[0]["file_date"] == "2026-03-02"  # the file the change landed in


def test_a_missed_schedule_closes_every_earlier_day_in_date_order(stack: Stack) -> None:
    day_one(stack)
    day_two(stack)  # nothing closed; 2026-03-04 has no change at all
    stack.clock.current = at(DAY3 + (DAY3 - DAY2), 0, 5)

    with counting(stack) as counter:
        summary = stack.close(scheduled(stack.clock.now()))

    assert summary["dates_closed"] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert [key for op, key in counter.s3_keys if op == "s3.PutObject"] == [
        csv_key(DAY1),
        changes_key(DAY1),
        csv_key(DAY1),  # day 2's changes to day-1 policies
        csv_key(DAY2),
        changes_key(DAY2),
        csv_key(DAY3),
        changes_key(DAY3),
    ]
    assert stack.body(csv_key(DAY1)) == csv_bytes(DAY1_ROWS_AFTER_DAY2)
    assert stack.body(csv_key(DAY2)) == csv_bytes(DAY2_ROWS)
    assert stack.body(csv_key(DAY3)) == csv_bytes([])  # header only
    assert stack.body(changes_key(DAY3)) == b""
    empty = stack.metadata_item(DAY3)
    assert empty is not None
    assert empty["policy_count"] == {"N": "0"}
    assert empty["updated_by"] == {"S": "system:day-close"}
    assert empty["created_at"] == empty["updated_at"] == {"S": "2026-03-05T00:05:00.000Z"}
    assert stack.raw_item("CLOSE", "STATE") == {
        "pk": {"S": "CLOSE"},
        "sk": {"S": "STATE"},
        "last_closed": {"S": "2026-03-04"},
    }
    assert stack.pending_changes() == []


def test_a_day_closed_again_applies_only_what_is_new(stack: Stack) -> None:
    day_one(stack)
    stack.clock.current = at(DAY1, 12, 0)
    first = stack.close_day(DAY1)  # a manual close during the day
    assert first["changes_applied"] == 3
    stack.clock.current = at(DAY1, 13, 0)
    assert stack.api("PATCH", "/policies/pol-0001", ALICE, {"premium": "99.9"}).status == 200
    stack.clock.current = at(DAY1, 13, 1)
    assert stack.api("DELETE", "/policies/pol-0002", AGENT).status == 204

    with counting(stack) as counter:
        again = stack.close_day(DAY1)

    assert again["changes_applied"] == 2
    assert again["files_written"] == [csv_key(DAY1)]
    assert counter.count("s3.PutObject") == 2  # the file and its audit export
    rows = stack.rows(DAY1)
    assert [(r["policy_id"], r["version"], r["premium"]) for r in rows] == [
        ("pol-0001", "2", "99.90"),
        ("pol-0003", "1", "0.00"),
    ]
    item = stack.metadata_item(DAY1)
    assert item is not None
    assert item["created_at"] == {"S": "2026-03-02T12:00:00.000Z"}
    assert item["updated_at"] == {"S": "2026-03-02T13:01:00.000Z"}
    assert item["updated_by"] == {"S": "agent-7"}
    assert item["policy_count"] == {"N": "2"}
    assert len(stack.audit(DAY1)) == 5


def test_closing_again_with_nothing_new_writes_nothing(stack: Stack) -> None:
    day_one(stack)
    day_two(stack)
    stack.clock.current = at(DAY3, 0, 5)
    stack.close(scheduled(stack.clock.now()))
    objects = stack.objects()
    heads = {k: stack.s3.head_object(Bucket=stack.bucket, Key=k)["LastModified"] for k in objects}
    items = stack.table_items()
    stack.clock.current = at(DAY3, 0, 30)

    with counting(stack) as counter:
        again = stack.close(scheduled(at(DAY3, 0, 5)))
        by_hand = stack.close_day(DAY1)

    for summary in (again, by_hand):
        assert summary["files_written"] == []
        assert summary["changes_applied"] == 0
    assert counter.count("s3.PutObject") == 0
    assert counter.count("dynamodb.PutItem") == 2  # the two leases, no metadata
    assert stack.objects() == objects  # same bytes, same ETags
    assert {
        k: stack.s3.head_object(Bucket=stack.bucket, Key=k)["LastModified"] for k in objects
    } == heads
    assert stack.table_items() == items
