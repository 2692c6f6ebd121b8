"""DynamoPolicyStore against moto, and the DynamoDB failures moto cannot produce (stubbed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from adapters import policy_items as items
from adapters.dynamodb_store import DynamoPolicyStore
from domain.errors import PolicyNumberTaken, StoreUnavailable, VersionConflict
from domain.history import Change, ChangeKind, field_changes
from domain.identity import Caller, Role
from domain.model import Policy
from domain.ports import PolicyQuery
from handlers.wiring import Components
from tests.integration.conftest import ALICE, TABLE, Api

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _policy(**overrides: Any) -> Policy:
    fields: dict[str, Any] = {
        "policy_id": "pol-1",
        "policy_number": "POL-1",
        "insurance_type": "life",
        "customer_id": "alice",
        "insured_member": "Alice",
        "start_date": "2026-03-01",
        "end_date": "2027-03-01",
        "premium": "19.99",
        "details": {"sum_assured": "1000.00"},
        "version": 1,
        "business_date": date(2026, 3, 2),
        "created_at": NOW,
        "created_by": "alice",
        "updated_at": NOW,
        "updated_by": "alice",
    }
    return Policy.model_validate(fields | overrides)


def _change(policy: Policy, kind: ChangeKind, before: Policy | None = None) -> Change:
    version = policy.version + 1 if kind is ChangeKind.DELETED else policy.version
    return Change(
        policy_id=policy.policy_id,
        version=version,
        change=kind,
        at=policy.updated_at,
        by=policy.updated_by,
        business_date=date(2026, 3, 2),
        fields=field_changes(before, None if kind is ChangeKind.DELETED else policy),
        policy=policy,
    )


def _created(store: DynamoPolicyStore, **overrides: Any) -> Policy:
    policy = _policy(**overrides)
    store.add(_change(policy, ChangeKind.CREATED))
    return policy


def _raw(dynamodb: Any, key: dict[str, str]) -> dict[str, Any] | None:
    found: dict[str, Any] | None = dynamodb.get_item(
        TableName=TABLE, Key=items.serialize(key), ConsistentRead=True
    ).get("Item")
    return found


# -- against moto -----------------------------------------------------------------------------


def test_added_policy_is_found_by_id_and_number(store: DynamoPolicyStore) -> None:
    policy = _created(store)

    assert store.get("pol-1") == policy
    assert store.find_by_number("POL-1") == policy
    assert store.get("pol-2") is None
    assert store.find_by_number("POL-2") is None
    assert [c.change for c in store.history("pol-1")] == [ChangeKind.CREATED]


def test_money_is_stored_as_a_number_and_details_as_json(
    store: DynamoPolicyStore, dynamodb: Any
) -> None:
    _created(store, premium="1234567890.10")

    item = _raw(dynamodb, items.policy_key("pol-1"))

    assert item is not None
    assert set(item["premium"]) == {"N"}  # a number analytics can sum, not a string or float
    assert Decimal(item["premium"]["N"]) == Decimal("1234567890.10")
    assert item["details"] == {"S": '{"sum_assured":"1000.00"}'}
    assert store.get("pol-1").premium == Decimal("1234567890.10")  # type: ignore[union-attr]


def test_taken_number_writes_nothing(store: DynamoPolicyStore, dynamodb: Any) -> None:
    _created(store)

    with pytest.raises(PolicyNumberTaken, match="POL-1"):
        _created(store, policy_id="pol-2")

    assert store.get("pol-2") is None
    assert store.history("pol-2") == []


def test_reused_policy_id_is_a_conflict(store: DynamoPolicyStore) -> None:
    _created(store)

    with pytest.raises(VersionConflict):
        _created(store, policy_number="POL-OTHER")

    assert store.find_by_number("POL-OTHER") is None


def test_replace_moves_the_state_and_journals_the_change(store: DynamoPolicyStore) -> None:
    before = _created(store)
    after = _policy(version=2, details=None, renewed_by="agent", updated_by="agent")

    store.replace(_change(after, ChangeKind.UPDATED, before))

    assert store.get("pol-1") == after
    assert [c.version for c in store.history("pol-1")] == [1, 2]
    assert store.history("pol-1")[1].fields["details"].previous == {"sum_assured": "1000.00"}


def test_replace_from_a_stale_version_says_which_version_is_stored(
    store: DynamoPolicyStore,
) -> None:
    before = _created(store)
    store.replace(_change(_policy(version=2, premium="1"), ChangeKind.UPDATED, before))

    with pytest.raises(VersionConflict) as caught:
        store.replace(_change(_policy(version=2, premium="2"), ChangeKind.UPDATED, before))

    assert (caught.value.expected, caught.value.actual) == (1, 2)
    assert store.get("pol-1").premium == Decimal("1.00")  # type: ignore[union-attr]
    assert len(store.history("pol-1")) == 2


def test_replace_of_a_removed_policy_is_a_conflict(store: DynamoPolicyStore) -> None:
    policy = _created(store)
    store.remove(_change(policy, ChangeKind.DELETED, policy))

    with pytest.raises(VersionConflict, match="it no longer exists"):
        store.replace(_change(_policy(version=2), ChangeKind.UPDATED, policy))

    assert store.get("pol-1") is None
    assert store.find_by_number("POL-1") is None


def test_remove_from_a_stale_version_keeps_the_policy(store: DynamoPolicyStore) -> None:
    policy = _created(store)
    store.replace(_change(_policy(version=2), ChangeKind.UPDATED, policy))

    with pytest.raises(VersionConflict) as caught:
        store.remove(_change(policy, ChangeKind.DELETED, policy))

    assert caught.value.actual == 2
    assert store.get("pol-1") is not None


def test_history_survives_removal(store: DynamoPolicyStore) -> None:
    policy = _created(store)
    store.remove(_change(policy, ChangeKind.DELETED, policy))

    history = store.history("pol-1")

    assert [(c.version, c.change) for c in history] == [(1, "created"), (2, "deleted")]
    assert history[1].policy == policy


def test_applied_changes_are_no_longer_pending(store: DynamoPolicyStore, dynamodb: Any) -> None:
    _created(store)
    dynamodb.update_item(
        TableName=TABLE,
        Key=items.serialize(items.policy_key("pol-1")),
        UpdateExpression="SET applied_version = :v",
        ExpressionAttributeValues={":v": {"N": "1"}},
    )

    assert store.get("pol-1").pending is False  # type: ignore[union-attr]


def test_keys_dynamodb_would_reject_are_never_sent(store: DynamoPolicyStore, dynamodb: Any) -> None:
    huge = "x" * 3000
    with Stubber(dynamodb):  # no responses queued: any call would fail the test
        assert store.get(huge) is None
        assert store.find_by_number(huge) is None
        assert store.history(huge) == []


# -- failures moto does not produce -----------------------------------------------------------


@pytest.fixture
def stub(dynamodb: Any) -> Iterator[Stubber]:
    with Stubber(dynamodb) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerError"]
)
def test_busy_reads_are_retryable(store: DynamoPolicyStore, stub: Stubber, code: str) -> None:
    for method in ("get_item", "get_item", "query", "scan"):
        stub.add_client_error(method, code, "slow down", 400)

    with pytest.raises(StoreUnavailable):
        store.get("pol-1")
    with pytest.raises(StoreUnavailable):
        store.find_by_number("POL-1")
    with pytest.raises(StoreUnavailable):
        store.history("pol-1")
    with pytest.raises(StoreUnavailable):
        store.page(PolicyQuery())


def test_read_failing_for_another_reason_is_not_hidden(
    store: DynamoPolicyStore, stub: Stubber
) -> None:
    stub.add_client_error("get_item", "ResourceNotFoundException", "no table", 400)

    with pytest.raises(ClientError, match="no table"):
        store.get("pol-1")


def _cancelled(*codes: str) -> dict[str, Any]:
    return {"CancellationReasons": [{"Code": code, "Message": code} for code in codes]}


@pytest.mark.parametrize(
    ("code", "extra"),
    [
        ("TransactionConflictException", {}),
        ("ThrottlingException", {}),
        ("TransactionCanceledException", _cancelled("TransactionConflict", "None", "None")),
        ("TransactionCanceledException", _cancelled("None", "ThrottlingError")),
    ],
)
def test_busy_writes_are_retryable(
    store: DynamoPolicyStore, stub: Stubber, code: str, extra: dict[str, Any]
) -> None:
    policy = _policy()
    for method in ("add", "replace", "remove"):
        stub.add_client_error("transact_write_items", code, "busy", 400, modeled_fields=extra)
        with pytest.raises(StoreUnavailable, match="nothing was written"):
            getattr(store, method)(_change(policy, ChangeKind.CREATED))


def test_transaction_cancelled_for_a_validation_error_is_not_hidden(
    store: DynamoPolicyStore, stub: Stubber
) -> None:
    stub.add_client_error(
        "transact_write_items",
        "TransactionCanceledException",
        "Transaction cancelled",
        400,
        modeled_fields=_cancelled("ValidationError", "None"),
    )

    with pytest.raises(ClientError) as caught:
        store.replace(_change(_policy(version=2), ChangeKind.UPDATED))

    assert caught.value.response["Error"]["Code"] == "TransactionCanceledException"


def test_conflict_on_a_removed_claim_names_no_version(
    store: DynamoPolicyStore, stub: Stubber
) -> None:
    stub.add_client_error(
        "transact_write_items",
        "TransactionCanceledException",
        "Transaction cancelled",
        400,
        modeled_fields=_cancelled("None", "ConditionalCheckFailed", "None"),
    )

    with pytest.raises(VersionConflict, match="it no longer exists"):
        store.remove(_change(_policy(), ChangeKind.DELETED))


# -- what a client of the API sees ------------------------------------------------------------


def _throttle(components: Components, monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    error = ClientError(
        {
            "Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        method,
    )

    def refuse(**_: Any) -> Any:
        raise error

    monkeypatch.setattr(components.dynamodb, method, refuse)


@pytest.mark.parametrize(
    ("method", "path", "body", "throttled"),
    [
        ("GET", "/policies/{id}", None, "get_item"),
        ("GET", "/policies/{id}/history", None, "query"),
        ("GET", "/policies", None, "query"),
        ("PATCH", "/policies/{id}", {"premium": "1"}, "transact_write_items"),
        ("DELETE", "/policies/{id}", None, "transact_write_items"),
        ("POST", "/policies", "create", "transact_write_items"),
    ],
)
def test_a_busy_table_is_503_and_changes_nothing(
    call: Api,
    components: Components,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    path: str,
    body: Any,
    throttled: str,
) -> None:
    policy_id = call.create(ALICE)["policy_id"]
    before = call.table()
    if body == "create":
        body = call("GET", f"/policies/{policy_id}", ALICE).body
        body = {
            k: body[k]
            for k in ("insurance_type", "insured_member", "start_date", "end_date", "premium")
        }
    _throttle(components, monkeypatch, throttled)

    reply = call.send(method, path.format(id=policy_id), ALICE, body)

    assert reply.status == 503
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.body["title"] == "Service temporarily unavailable"
    monkeypatch.undo()
    assert call.table() == before


def test_service_reads_a_policy_by_number(call: Api, components: Components) -> None:
    policy = call.create(ALICE, policy_number="BY-NUMBER")

    found = components.policies.get_by_number(Caller("alice", Role.CUSTOMER), "BY-NUMBER")

    assert found.policy_id == policy["policy_id"]
