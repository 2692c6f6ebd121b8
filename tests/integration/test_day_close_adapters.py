"""The close's DynamoDB adapters against moto: journal, expiry worklist, catalog, applied marks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from adapters import policy_items
from adapters.dynamodb_catalog import DynamoCloseLease, DynamoFileCatalog
from adapters.dynamodb_journal import DynamoJournal
from domain.files import FileMetadata
from domain.identity import Caller, Role
from domain.model import NewPolicy, PolicyPatch
from tests.integration.close_fixtures import Stack, aws_env, car, stack

pytestmark = pytest.mark.integration
__all__ = ["aws_env", "stack"]

DAY1, DAY2 = date(2026, 3, 2), date(2026, 3, 3)
AGENT = Caller("agent-7", Role.AGENT)


class OneItemPages:
    """A client whose queries and scans return one item per page, to walk every page."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.pages = 0

    def query(self, **request: Any) -> Any:
        self.pages += 1
        return self._client.query(**request, Limit=1)

    def scan(self, **request: Any) -> Any:
        self.pages += 1
        return self._client.scan(**request, Limit=1)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class Failing:
    """A client whose writes fail with `code` (throttling, permissions, ...)."""

    def __init__(self, client: Any, code: str) -> None:
        self._client = client
        self._code = code

    def _fail(self, **_: Any) -> Any:
        raise ClientError({"Error": {"Code": self._code, "Message": "no"}}, "Write")

    update_item = put_item = delete_item = _fail

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def create(stack: Stack, **fields: Any) -> str:
    policy = stack.components.policies.create(AGENT, NewPolicy.model_validate(car(**fields)))
    return policy.policy_id


def test_pending_lists_the_days_unapplied_changes_in_the_order_they_happened(
    stack: Stack,
) -> None:
    first = create(stack)
    stack.clock.advance(minutes=1)
    second = create(stack)
    stack.clock.advance(days=1)
    stack.components.policies.amend(AGENT, first, PolicyPatch.model_validate({"premium": "1"}))
    journal = DynamoJournal(OneItemPages(stack.dynamodb), stack.table)  # type: ignore[arg-type]

    day1 = journal.pending(DAY1)
    day2 = journal.pending(DAY2)

    assert [(c.policy_id, c.version) for c in day1] == [(first, 1), (second, 1)]
    assert [(c.policy_id, c.version) for c in day2] == [(first, 2)]
    assert journal._client.pages >= 3  # type: ignore[attr-defined]


def test_applied_changes_leave_the_worklist_but_not_the_days_journal(stack: Stack) -> None:
    policy_id = create(stack)
    journal = DynamoJournal(stack.dynamodb, stack.table)
    assert journal.earliest_pending_day() == DAY1

    journal.mark_applied(journal.pending(DAY1))
    journal.mark_applied(journal.of_day(DAY1))  # marking again is harmless

    assert journal.pending(DAY1) == []
    assert [c.policy_id for c in journal.of_day(DAY1)] == [policy_id]
    assert journal.earliest_pending_day() is None
    assert stack.components.policies.get(AGENT, policy_id).pending is False


def test_the_earliest_pending_day_is_found_across_pages(stack: Stack) -> None:
    stack.clock.current = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    create(stack)
    stack.clock.current = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    create(stack)
    stack.clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    create(stack)
    paged = OneItemPages(stack.dynamodb)

    assert DynamoJournal(paged, stack.table).earliest_pending_day() == DAY2  # type: ignore[arg-type]
    assert paged.pages > 1


def test_an_older_change_never_lowers_the_applied_version(stack: Stack) -> None:
    policy_id = create(stack)
    stack.components.policies.amend(AGENT, policy_id, PolicyPatch.model_validate({"premium": "1"}))
    journal = DynamoJournal(stack.dynamodb, stack.table)
    created, amended = journal.pending(DAY1)

    journal.mark_applied([amended])
    journal.mark_applied([created])

    item = stack.raw_item(f"POLICY#{policy_id}", "STATE")
    assert item is not None
    assert item["applied_version"] == {"N": "2"}
    assert journal.pending(DAY1) == []


def test_a_deleted_policys_changes_can_still_be_marked_applied(stack: Stack) -> None:
    policy_id = create(stack)
    stack.components.policies.delete(AGENT, policy_id)
    journal = DynamoJournal(stack.dynamodb, stack.table)

    journal.mark_applied(journal.pending(DAY1))

    assert journal.pending(DAY1) == []
    assert stack.raw_item(f"POLICY#{policy_id}", "STATE") is None  # not brought back


def test_a_failing_applied_mark_is_not_mistaken_for_already_done(stack: Stack) -> None:
    create(stack)
    pending = DynamoJournal(stack.dynamodb, stack.table).pending(DAY1)
    failing = DynamoJournal(Failing(stack.dynamodb, "AccessDenied"), stack.table)  # type: ignore[arg-type]

    with pytest.raises(ClientError, match="AccessDenied"):
        failing.mark_applied(pending)


def test_expiring_lists_live_policies_ending_on_or_before_the_day_across_shards(
    stack: Stack,
) -> None:
    ending = [
        create(stack, start_date="2026-02-01", end_date=f"2026-03-0{2 - (n % 2)}") for n in range(8)
    ]
    later = create(stack, end_date="2026-03-03", details=None)  # details are optional
    cancelled = create(stack, start_date="2026-02-01", end_date="2026-03-01")
    stack.components.policies.amend(
        AGENT, cancelled, PolicyPatch.model_validate({"status": "cancelled"})
    )
    inactive = create(stack, end_date="2026-03-02")
    stack.components.policies.amend(
        AGENT, inactive, PolicyPatch.model_validate({"status": "inactive"})
    )
    journal = DynamoJournal(stack.dynamodb, stack.table)

    found = journal.expiring(DAY1)

    assert [p.policy_id for p in found] == sorted([*ending, inactive])
    assert len({policy_items.expiry_shard(pid) for pid in ending}) > 1  # several shards asked
    assert later not in [p.policy_id for p in journal.expiring(DAY1)]
    assert later in [p.policy_id for p in journal.expiring(DAY2)]
    assert journal.expiring(DAY1 - timedelta(days=2)) == []


# -- catalog --------------------------------------------------------------------------------------


def metadata(**overrides: Any) -> FileMetadata:
    fields: dict[str, Any] = {
        "file_id": "6b8f0e0c-0000-5000-8000-000000000000",
        "business_date": DAY1,
        "s3_key": "policies/business_date=2026-03-02/policies.csv",
        "policy_count": 2,
        "created_at": datetime(2026, 3, 3, 0, 5, tzinfo=UTC),
        "updated_at": datetime(2026, 3, 2, 9, 1, tzinfo=UTC),
        "updated_by": "alice",
        "checksum_sha256": "a" * 64,
    }
    return FileMetadata.model_validate(fields | overrides)


def test_file_metadata_is_one_item_per_day_with_the_contract_attributes(stack: Stack) -> None:
    catalog = DynamoFileCatalog(stack.dynamodb, stack.table)
    assert catalog.get(DAY1) is None

    catalog.put(metadata())
    catalog.put(metadata(policy_count=3, updated_by="bob"))

    assert catalog.get(DAY1) == metadata(policy_count=3, updated_by="bob")
    assert stack.metadata_item(DAY1) == {
        "pk": {"S": "FILE#2026-03-02"},
        "sk": {"S": "METADATA"},
        "file_id": {"S": "6b8f0e0c-0000-5000-8000-000000000000"},
        "business_date": {"S": "2026-03-02"},
        "s3_key": {"S": "policies/business_date=2026-03-02/policies.csv"},
        "policy_count": {"N": "3"},
        "created_at": {"S": "2026-03-03T00:05:00.000Z"},
        "updated_at": {"S": "2026-03-02T09:01:00.000Z"},
        "updated_by": {"S": "bob"},
        "checksum_sha256": {"S": "a" * 64},
    }


def test_the_last_closed_mark_never_moves_backwards(stack: Stack) -> None:
    catalog = DynamoFileCatalog(stack.dynamodb, stack.table)
    assert catalog.last_closed() is None

    catalog.record_closed(DAY2)
    catalog.record_closed(DAY1)

    assert catalog.last_closed() == DAY2
    catalog.record_closed(DAY2 + timedelta(days=1))
    assert catalog.last_closed() == DAY2 + timedelta(days=1)


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "AccessDenied"])
def test_catalog_and_lease_failures_are_raised_not_swallowed(stack: Stack, code: str) -> None:
    failing: Any = Failing(stack.dynamodb, code)

    with pytest.raises(ClientError, match=code):
        DynamoFileCatalog(failing, stack.table).record_closed(DAY1)
    with pytest.raises(ClientError, match=code):
        DynamoCloseLease(failing, stack.table).acquire("a", datetime(2026, 3, 2, tzinfo=UTC))
    with pytest.raises(ClientError, match=code):
        DynamoCloseLease(failing, stack.table).release("a")
