"""`handlers.operations.handler`: the earlier system's back-office events, against moto."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from tests.integration.close_fixtures import Stack, aws_env, csv_key, stack

pytestmark = pytest.mark.integration
__all__ = ["aws_env", "stack"]


def spaced(number: str, **extra: Any) -> dict[str, Any]:
    """A policy as the earlier system's scripts send it."""
    return {
        "policy number": number,
        "insurance type": "health",
        "policy start date": "2026-01-01",
        "policy end date": "2027-01-01",
        "insured member": "Bo Example",
        "premium": 10.1,
        "policy status": "inactive",
        "renewal status": "terminated",
        "renewed by": "agent 7",
        "customer id": "cust-1",
        "details": {"plan": "gold"},
    } | extra


def snake(number: str, **extra: Any) -> dict[str, Any]:
    return {
        "policy_number": number,
        "insurance_type": "car",
        "start_date": "2026-03-01",
        "end_date": "2027-03-01",
        "insured_member": "Cy Example",
        "premium": "99.99",
        "details": {"vehicle_registration": "CY-1"},
    } | extra


def create(stack: Stack, *policies: Any, user: str | None = None) -> tuple[int, Any]:
    event: dict[str, Any] = {"operation": "create", "policy_data": list(policies)}
    if user is not None:
        event["user"] = user
    return stack.operation(event)


def test_a_batch_keeps_the_valid_policies_and_reports_each_invalid_one(stack: Stack) -> None:
    status, body = create(
        stack,
        spaced("P-1"),
        snake("P-2"),
        spaced("P-3", bogus=1),  # an unknown field
        "not an object",
        spaced("P-4", policy_number="P-4"),  # the same field twice
        snake("P-2"),  # the number is taken by item 1 now
        user="ops-anna",
    )

    assert status == 207
    results = body["results"]
    assert [(r["index"], r["statusCode"]) for r in results] == [
        (0, 201),
        (1, 201),
        (2, 400),
        (3, 400),
        (4, 400),
        (5, 409),
    ]
    first = results[0]["policy"]
    assert {k: first[k] for k in ("policy_number", "insurance_type", "status")} == {
        "policy_number": "P-1",
        "insurance_type": "health",
        "status": "inactive",
    }
    assert first["renewal_status"] == "terminated"
    assert first["renewed_by"] == "agent 7"
    assert first["customer_id"] == "cust-1"
    assert first["premium"] == "10.10"
    assert (first["created_by"], first["updated_by"]) == ("ops-anna", "ops-anna")
    assert "bogus" in results[2]["error"]
    assert results[3]["error"] == "each policy must be a JSON object"
    assert "policy_number is given twice" in results[4]["error"]
    assert "already taken" in results[5]["error"]
    for number in ("P-1", "P-2"):
        assert stack.operation({"operation": "read", "policy number": number})[0] == 200
    assert stack.operation({"operation": "read", "policy number": "P-3"})[0] == 404


def test_a_batch_where_every_item_fails_is_a_400_and_writes_nothing(stack: Stack) -> None:
    status, body = create(stack, {"policy number": "X-1"}, snake("X-2", premium="-1"))

    assert status == 400
    assert [r["statusCode"] for r in body["results"]] == [400, 400]
    assert stack.table_items() == []


@pytest.mark.parametrize("data", [None, [], {"policy number": "P-1"}, "P-1"])
def test_a_create_without_a_list_of_policies_is_refused(stack: Stack, data: Any) -> None:
    status, body = stack.operation({"operation": "create", "policy_data": data})

    assert status == 400
    assert body == {"error": "expected a non-empty list of policies"}


def test_the_acting_user_defaults_to_backoffice(stack: Stack) -> None:
    status, body = create(stack, snake("P-1"))

    assert status == 201
    policy = body["results"][0]["policy"]
    assert (policy["created_by"], policy["updated_by"], policy["customer_id"]) == (
        "backoffice",
        "backoffice",
        "backoffice",
    )


def test_read_by_number_returns_the_policy_or_404(stack: Stack) -> None:
    create(stack, spaced("P-1"))

    status, body = stack.operation({"operation": "read", "policy number": "P-1"})
    snake_status, snake_body = stack.operation({"operation": "read", "policy_number": "P-1"})
    missing = stack.operation({"operation": "read", "policy number": "NOPE"})

    assert status == snake_status == 200
    assert body == snake_body
    assert (body["policy_number"], body["version"], body["pending"]) == ("P-1", 1, True)
    assert missing[0] == 404
    assert "NOPE" in missing[1]["error"]


def test_read_by_date_lists_the_policies_initiated_that_day(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    create(stack, snake("D1-A"), snake("D1-B"), snake("D1-C"))
    stack.clock.advance(days=1)
    create(stack, snake("D2-A"))
    stack.operation(
        {"operation": "update", "updated_policy_data": [{"policy number": "D1-B", "premium": 5}]}
    )
    # Pages of two, so a day of three policies takes the listing through a real cursor.
    service = stack.components.policies
    real = service.list_page
    monkeypatch.setattr(
        service, "list_page", lambda caller, q: real(caller, dataclasses.replace(q, limit=2))
    )

    status, today = stack.operation({"operation": "read"})
    _, earlier = stack.operation({"operation": "read", "date": "2026-03-02"})
    _, empty = stack.operation({"operation": "read", "date": "2026-01-01"})

    assert status == 200
    assert today["date"] == "2026-03-03"
    assert [p["policy_number"] for p in today["policies"]] == ["D2-A"]
    assert earlier["date"] == "2026-03-02"
    assert sorted(p["policy_number"] for p in earlier["policies"]) == ["D1-A", "D1-B", "D1-C"]
    amended = next(p for p in earlier["policies"] if p["policy_number"] == "D1-B")
    assert (amended["premium"], amended["version"]) == ("5.00", 2)  # the current state
    assert empty == {"date": "2026-01-01", "policies": []}


@pytest.mark.parametrize("raw", ["2026-02-30", "yesterday", 20260302])
def test_read_by_a_bad_date_is_refused(stack: Stack, raw: Any) -> None:
    status, body = stack.operation({"operation": "read", "date": raw})

    assert status == 400
    assert body["error"].startswith("date: ")


def test_update_changes_fields_type_and_status_by_policy_number(stack: Stack) -> None:
    create(stack, snake("P-1"), snake("P-2"))
    stack.clock.advance(hours=1)

    status, body = stack.operation(
        {
            "operation": "update",
            "user": "ops-ben",
            "updated_policy_data": [
                {
                    "policy number": "P-1",
                    "insurance type": "life",
                    "details": {"sum_assured": 5000},
                    "policy status": "inactive",
                    "renewal status": "terminated",
                },
                {"policy_number": "P-2", "insured member": "Renamed"},
            ],
        }
    )

    assert status == 200
    first, second = (r["policy"] for r in body["results"])
    assert (first["insurance_type"], first["details"]) == ("life", {"sum_assured": "5000.00"})
    assert (first["status"], first["renewal_status"]) == ("inactive", "terminated")
    assert (first["version"], first["updated_by"], first["created_by"]) == (
        2,
        "ops-ben",
        "backoffice",
    )
    assert first["updated_at"] == "2026-03-02T10:00:00.000Z"
    assert second["insured_member"] == "Renamed"
    history = stack.api(
        "GET", f"/policies/{first['policy_id']}/history", {"sub": "a", "cognito:groups": "[admin]"}
    ).body["items"]
    assert history[-1]["by"] == "ops-ben"


def test_each_failing_update_is_reported_without_losing_the_others(stack: Stack) -> None:
    create(stack, snake("P-1"))

    status, body = stack.operation(
        {
            "operation": "update",
            "updated_policy_data": [
                {"insured member": "no number"},
                {"policy number": "NOPE", "premium": 1},
                {"policy number": "P-1", "insurance type": "health"},  # car details remain
                {"policy number": "P-1", "premium": 42},
            ],
        }
    )

    assert status == 207
    assert [r["statusCode"] for r in body["results"]] == [400, 404, 422, 200]
    assert body["results"][0]["error"] == "each update needs its 'policy number'"
    assert body["results"][3]["policy"]["premium"] == "42.00"


def test_delete_by_policy_number(stack: Stack) -> None:
    create(stack, snake("P-1"))

    deleted = stack.operation({"operation": "delete", "policy number": "P-1"})
    again = stack.operation({"operation": "delete", "policy_number": "P-1"})
    unnamed = stack.operation({"operation": "delete"})

    assert deleted == (200, {"deleted": "P-1"})
    assert again[0] == 404
    assert unnamed == (400, {"error": "delete needs a 'policy number'"})
    assert stack.operation({"operation": "read", "policy number": "P-1"})[0] == 404


def test_end_of_day_update_closes_today_and_publishes_its_metrics(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    create(stack, snake("P-1"))

    status, summary = stack.operation({"operation": "end_of_day_update"})

    assert status == 200
    assert summary["dates_closed"] == ["2026-03-02"]
    assert summary["files_written"] == [csv_key(stack.clock.now().date())]
    assert summary["changes_applied"] == 1
    assert [r["policy_number"] for r in stack.rows(stack.clock.now().date())] == ["P-1"]
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["ChangesApplied"] for line in printed if "_aws" in line] == [[1.0]]


@pytest.mark.parametrize(
    "event",
    [
        {"operation": "archive"},
        {},
        {"operation": ""},
        {"policy_data": []},
        {"operation": ["create"]},
        {"operation": {"name": "read"}},
        ["create"],
        "read",
        None,
    ],
)
def test_an_unknown_or_missing_operation_is_a_400(stack: Stack, event: Any) -> None:
    status, body = stack.operation(event)

    assert status == 400
    assert body["error"].startswith("unknown operation")
    assert "end_of_day_update" in body["error"]
