"""The authorisation matrix: customer A (owner) vs customer B vs agent vs admin, every route."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import ADMIN, AGENT, ALICE, BOB, Api, car

CALLERS = {"owner": ALICE, "other customer": BOB, "agent": AGENT, "admin": ADMIN}

# route -> expected status for owner, other customer, agent, admin
MATRIX: dict[tuple[str, str], tuple[int, int, int, int]] = {
    ("GET", ""): (200, 404, 200, 200),
    ("PATCH", ""): (200, 404, 200, 200),
    ("DELETE", ""): (204, 404, 204, 204),
    ("GET", "/history"): (200, 404, 200, 200),
}
CASES = [
    pytest.param(method, suffix, who, status, id=f"{method} {suffix or '/'} by {who}")
    for (method, suffix), statuses in MATRIX.items()
    for who, status in zip(CALLERS, statuses, strict=True)
]


@pytest.mark.parametrize(("method", "suffix", "who", "status"), CASES)
def test_policy_routes(call: Api, method: str, suffix: str, who: str, status: int) -> None:
    policy = call.create(ALICE)
    path = f"/policies/{policy['policy_id']}{suffix}"
    body = {"insured_member": "Changed"} if method == "PATCH" else None
    before = call.table()

    reply = call(method, path, CALLERS[who], body)

    assert reply.status == status
    if status == 404:
        assert reply.body["detail"] == f"no policy {policy['policy_id']!r} is visible to you"
        assert call.table() == before
    if method == "PATCH" and status == 200:
        assert reply.body["updated_by"] == CALLERS[who]["sub"]
        assert call.history(policy["policy_id"])[-1]["by"] == CALLERS[who]["sub"]
    if method == "DELETE" and status == 204:
        assert call.history(policy["policy_id"])[-1]["by"] == CALLERS[who]["sub"]


@pytest.mark.parametrize("who", list(CALLERS))
def test_anyone_creates_for_themself(call: Api, who: str) -> None:
    policy = call.create(CALLERS[who])

    assert policy["customer_id"] == policy["created_by"] == CALLERS[who]["sub"]


@pytest.mark.parametrize(("who", "status"), [("owner", 403), ("agent", 201), ("admin", 201)])
def test_only_staff_create_for_someone_else(call: Api, who: str, status: int) -> None:
    before = call.table()

    reply = call("POST", "/policies", CALLERS[who], car(customer_id="bob"))

    assert reply.status == status
    if status == 403:
        assert "only agents and admins" in reply.body["detail"]
        assert call.table() == before
    else:
        assert (reply.body["customer_id"], reply.body["created_by"]) == ("bob", CALLERS[who]["sub"])


@pytest.mark.parametrize(("who", "status"), [("owner", 403), ("agent", 200), ("admin", 200)])
def test_only_staff_move_a_policy_to_someone_else(call: Api, who: str, status: int) -> None:
    policy = call.create(ALICE)
    before = call.table()

    reply = call("PATCH", f"/policies/{policy['policy_id']}", CALLERS[who], {"customer_id": "bob"})

    assert reply.status == status
    if status == 403:
        assert call.table() == before


def test_identity_never_comes_from_the_body(call: Api) -> None:
    before = call.table()

    for extra in ({"created_by": "admin-1"}, {"updated_by": "x"}, {"version": 7}):
        reply = call("POST", "/policies", ALICE, car(**extra))
        assert reply.status == 400
        assert "Extra inputs are not permitted" in reply.body["detail"]
    assert call.table() == before


def test_groups_in_the_json_list_form_count_too(call: Api) -> None:
    policy = call.create(ALICE)
    staff = {"sub": "agent-9", "cognito:groups": ["agent"]}

    assert call("GET", f"/policies/{policy['policy_id']}", staff).status == 200


ROUTES = [
    ("POST", "/policies"),
    ("GET", "/policies"),
    ("GET", "/policies/{id}"),
    ("PATCH", "/policies/{id}"),
    ("DELETE", "/policies/{id}"),
    ("GET", "/policies/{id}/history"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
@pytest.mark.parametrize("claims", [None, {"cognito:groups": "[admin]"}])
def test_no_authenticated_caller_is_401_everywhere(
    call: Api, method: str, route: str, claims: Any
) -> None:
    policy = call.create(ALICE)
    before = call.table()
    body = car() if method == "POST" else {"premium": "1"} if method == "PATCH" else None

    reply = call(method, route.format(id=policy["policy_id"]), claims, body)

    assert reply.status == 401
    assert reply.body["detail"] == "no authenticated caller: a valid token is required"
    assert call.table() == before
