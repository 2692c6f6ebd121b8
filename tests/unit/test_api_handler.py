"""The HTTP handler with the service replaced: routing, status mapping and problem documents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pytest_mock import MockerFixture

from domain import errors
from domain.close_ports import FileCatalog
from domain.files import FileMetadata
from domain.history import Change, ChangeKind, FieldChange
from domain.identity import Caller, Role
from domain.model import NewPolicy, PolicyPatch
from domain.policies import PolicyService
from domain.ports import Page, PolicyQuery
from handlers import api, wiring
from handlers.settings import Settings
from tests.support.clock import FakeClock
from tests.support.events import FakeContext, Reply, claims_for, http_event
from tests.unit.conftest import PolicyFactory

ALICE = claims_for("alice")
ALICE_CALLER = Caller("alice", Role.CUSTOMER)


@pytest.fixture
def policies(mocker: MockerFixture, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    components = wiring.Components(Settings(), clock=FakeClock())
    service = mocker.create_autospec(PolicyService, instance=True)
    components.policies = service  # type: ignore[misc]
    wiring.install(components)
    yield service
    wiring.install(None)


def call(method: str, path: str, **kwargs: Any) -> Reply:
    return Reply.of(api.handler(http_event(method, path, **kwargs), FakeContext()))


def _is_problem(reply: Reply, status: int) -> dict[str, Any]:
    assert reply.status == status
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.body["status"] == status
    assert reply.body["type"] == f"https://httpstatuses.io/{status}"
    assert reply.body["title"]
    assert reply.body["detail"]
    body: dict[str, Any] = reply.body
    return body


def test_create_passes_the_caller_and_the_parsed_body(
    policies: Any, make_policy: PolicyFactory
) -> None:
    policies.create.return_value = make_policy(version=1)
    body = {
        "insurance_type": "car",
        "insured_member": "A",
        "start_date": "2026-03-01",
        "end_date": "2027-03-01",
        "premium": "1",
    }

    reply = call("POST", "/policies", claims=ALICE, body=body)

    assert reply.status == 201
    assert reply.headers["Location"] == "/policies/pol-stored"
    assert reply.headers["ETag"] == '"1"'
    policies.create.assert_called_once_with(ALICE_CALLER, NewPolicy.model_validate(body))


def test_amend_passes_the_version_from_if_match(policies: Any, make_policy: PolicyFactory) -> None:
    policies.amend.return_value = make_policy(version=8)

    reply = call(
        "PATCH",
        "/policies/pol-stored",
        claims=claims_for("ag", "agent"),
        body={"premium": "2"},
        headers={"If-Match": 'W/"7"'},
    )

    assert (reply.status, reply.headers["ETag"]) == (200, '"8"')
    policies.amend.assert_called_once_with(
        Caller("ag", Role.AGENT), "pol-stored", PolicyPatch.model_validate({"premium": "2"}), 7
    )


def test_delete_answers_no_content(policies: Any) -> None:
    reply = call("DELETE", "/policies/p-9", claims=ALICE, headers={"if-match": '"3"'})

    assert (reply.status, reply.body) == (204, None)
    policies.delete.assert_called_once_with(ALICE_CALLER, "p-9", 3)


def test_list_passes_the_query(policies: Any, make_policy: PolicyFactory) -> None:
    policies.list_page.return_value = Page([make_policy()], "next-please")

    reply = call("GET", "/policies", claims=ALICE, query={"status": "active", "limit": "5"})

    assert reply.status == 200
    assert reply.body["next_cursor"] == "next-please"
    assert [p["policy_id"] for p in reply.body["items"]] == ["pol-stored"]
    policies.list_page.assert_called_once_with(
        ALICE_CALLER,
        PolicyQuery(status="active", limit=5),  # type: ignore[arg-type]
    )


def test_history_items_carry_the_change_not_the_whole_policy(
    policies: Any, make_policy: PolicyFactory
) -> None:
    policies.history.return_value = [
        Change(
            policy_id="pol-stored",
            version=2,
            change=ChangeKind.UPDATED,
            at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
            by="alice",
            business_date=datetime(2026, 3, 2).date(),
            fields={"premium": FieldChange(previous="1.00", new="2.00")},
            policy=make_policy(version=2),
        )
    ]

    reply = call("GET", "/policies/pol-stored/history", claims=ALICE)

    assert reply.body == {
        "items": [
            {
                "version": 2,
                "change": "updated",
                "at": "2026-03-02T09:30:00.000Z",
                "by": "alice",
                "business_date": "2026-03-02",
                "fields": {"premium": {"previous": "1.00", "new": "2.00"}},
            }
        ]
    }


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        (errors.PolicyNotFound("p"), 404, "Policy not found"),
        (errors.Forbidden("staff only"), 403, "Forbidden"),
        (errors.InvalidTransition("no way"), 409, "Transition not allowed"),
        (errors.InvalidPolicy("bad", [{"loc": ["end_date"], "msg": "m"}]), 422, "Invalid policy"),
        (errors.StoreUnavailable("busy"), 503, "Service temporarily unavailable"),
        (errors.DomainError("unmapped"), 500, "Domain error"),
    ],
)
def test_domain_errors_become_problems(
    policies: Any, error: errors.DomainError, status: int, title: str
) -> None:
    policies.get.side_effect = error

    problem = _is_problem(call("GET", "/policies/p", claims=ALICE), status)

    assert problem["title"] == title
    assert problem["detail"] == str(error)
    assert problem.get("errors", []) == getattr(error, "errors", [])


def test_version_conflict_is_412_when_guarded_and_409_when_not(policies: Any) -> None:
    policies.amend.side_effect = errors.VersionConflict("p", 2, 3)

    guarded = call("PATCH", "/policies/p", claims=ALICE, body={}, headers={"If-Match": '"2"'})
    unguarded = call("PATCH", "/policies/p", claims=ALICE, body={})

    assert _is_problem(guarded, 412)["title"] == "Version conflict"
    assert "expected at version 2 but it is at version 3" in _is_problem(unguarded, 409)["detail"]


def test_unexpected_failure_is_a_500_that_leaks_nothing(policies: Any) -> None:
    policies.get.side_effect = RuntimeError("secret stack detail")

    problem = _is_problem(call("GET", "/policies/p", claims=ALICE), 500)

    assert problem["detail"] == "an unexpected error occurred; nothing was lost"
    assert "secret" not in str(problem)


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/nope"), ("PUT", "/policies/p"), ("POST", "/policies/p")]
)
def test_unknown_route_is_a_404_problem(policies: Any, method: str, path: str) -> None:
    problem = _is_problem(call(method, path, claims=ALICE), 404)

    assert problem["detail"] == f"no route {method} {path}"


def test_request_errors_stop_before_the_service(policies: Any) -> None:
    problem = _is_problem(call("PATCH", "/policies/p", claims=ALICE, body="[]"), 400)

    assert problem["detail"] == "the body must be a JSON object"
    policies.amend.assert_not_called()


# -- /files (served here, exercised in depth by the day-close tests) ---------------------------


@pytest.fixture
def catalog(mocker: MockerFixture, policies: Any) -> Any:
    double = mocker.create_autospec(FileCatalog, instance=True)
    wiring.components().catalog = double  # type: ignore[misc]
    return double


def test_staff_read_a_days_file_metadata(catalog: Any) -> None:
    metadata = FileMetadata(
        file_id="f-1",
        business_date=date(2026, 3, 1),
        s3_key="policies/business_date=2026-03-01/policies.csv",
        policy_count=2,
        created_at=datetime(2026, 3, 2, 0, 5, tzinfo=UTC),
        updated_at=datetime(2026, 3, 2, 0, 5, tzinfo=UTC),
        updated_by="alice",
        checksum_sha256="ab" * 32,
    )
    catalog.get.return_value = metadata

    reply = call("GET", "/files/2026-03-01", claims=claims_for("ag", "agent"))

    assert reply.status == 200
    assert reply.body == metadata.model_dump(mode="json")
    catalog.get.assert_called_once_with(date(2026, 3, 1))


@pytest.mark.parametrize(
    ("claims", "day", "status", "reason"),
    [
        (ALICE, "2026-03-01", 403, "daily file metadata is for agents and admins"),
        (claims_for("ad", "admin"), "2026-02-30", 400, "business_date: 2026-02-30 is not a"),
        (claims_for("ad", "admin"), "2026-03-01", 404, "no daily file for 2026-03-01"),
    ],
)
def test_file_metadata_refusals(
    catalog: Any, claims: dict[str, Any], day: str, status: int, reason: str
) -> None:
    catalog.get.return_value = None

    problem = _is_problem(call("GET", f"/files/{day}", claims=claims), status)

    assert reason in problem["detail"]
