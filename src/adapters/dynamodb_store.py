"""PolicyStore on one DynamoDB table: state, number claim and journal written in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from adapters import policy_items as items
from adapters.dynamodb_errors import translate, translate_read
from adapters.dynamodb_pages import PolicyLister
from domain.errors import DomainError, PolicyNumberTaken, VersionConflict
from domain.history import Change
from domain.model import Policy
from domain.ports import Page, PolicyQuery, PolicyStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoPolicyStore(PolicyStore):
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table
        self._lister = PolicyLister(client, table)

    def get(self, policy_id: str) -> Policy | None:
        found = self._item(items.policy_key(policy_id))
        return items.policy_from_item(items.deserialize(found)) if found else None

    def find_by_number(self, policy_number: str) -> Policy | None:
        claim = self._item(items.number_key(policy_number))
        return self.get(claim["policy_id"]["S"]) if claim else None

    def add(self, change: Change) -> None:
        policy = change.policy

        def failure(index: int, _old: dict[str, Any]) -> DomainError:
            if index == 1:
                return PolicyNumberTaken(policy.policy_number)
            return VersionConflict(policy.policy_id, None, policy.version)

        attributes = items.policy_attributes(policy)
        state = items.policy_key(policy.policy_id) | {
            k: v for k, v in attributes.items() if v is not None
        }
        claim = items.number_key(policy.policy_number) | {"policy_id": policy.policy_id}
        self._transact(
            [
                self._put(state, "attribute_not_exists(pk)"),
                self._put(claim, "attribute_not_exists(pk)"),
                self._put(items.change_item(change), "attribute_not_exists(pk)"),
            ],
            failure,
        )

    def replace(self, change: Change) -> None:
        attributes = items.policy_attributes(change.policy)
        kept = {k: v for k, v in attributes.items() if v is not None}
        dropped = sorted(k for k, v in attributes.items() if v is None)
        names = {f"#a{i}": name for i, name in enumerate(kept)}
        values = {f":v{i}": value for i, value in enumerate(kept.values())}
        expression = "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(kept)))
        if dropped:
            names |= {f"#r{i}": name for i, name in enumerate(dropped)}
            expression += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(dropped)))
        values[":previous"] = change.version - 1
        update = {
            "TableName": self._table,
            "Key": items.serialize(items.policy_key(change.policy_id)),
            "UpdateExpression": expression,
            "ConditionExpression": "attribute_exists(pk) AND version = :previous",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": items.serialize(values),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        self._transact(
            [{"Update": update}, self._put(items.change_item(change), "attribute_not_exists(pk)")],
            self._conflict(change),
        )

    def remove(self, change: Change) -> None:
        policy = change.policy
        self._transact(
            [
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": items.serialize(items.policy_key(policy.policy_id)),
                        "ConditionExpression": "version = :previous",
                        "ExpressionAttributeValues": items.serialize(
                            {":previous": change.version - 1}
                        ),
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": items.serialize(items.number_key(policy.policy_number)),
                        "ConditionExpression": "policy_id = :id",
                        "ExpressionAttributeValues": items.serialize({":id": policy.policy_id}),
                    }
                },
                self._put(items.change_item(change), "attribute_not_exists(pk)"),
            ],
            self._conflict(change),
        )

    def page(self, query: PolicyQuery) -> Page:
        return self._lister.page(query)

    def history(self, policy_id: str) -> list[Change]:
        if not items.storable(items.policy_key(policy_id)):
            return []
        try:
            return [items.change_from_item(item) for item in self._lister.changes_of(policy_id)]
        except ClientError as error:
            raise translate_read(error) from error

    # -- internals ---------------------------------------------------------------------------

    def _item(self, key: dict[str, str]) -> dict[str, Any] | None:
        if not items.storable(key):
            return None
        try:
            response = self._client.get_item(
                TableName=self._table, Key=items.serialize(key), ConsistentRead=True
            )
        except ClientError as error:
            raise translate_read(error) from error
        return response.get("Item")

    def _put(self, item: dict[str, Any], condition: str) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table,
                "Item": items.serialize(item),
                "ConditionExpression": condition,
            }
        }

    @staticmethod
    def _conflict(change: Change) -> Any:
        def failure(_index: int, old: dict[str, Any]) -> DomainError:
            actual = int(old["version"]["N"]) if "version" in old else None
            return VersionConflict(change.policy_id, change.version - 1, actual)

        return failure

    def _transact(self, actions: list[dict[str, Any]], on_condition: Any) -> None:
        try:
            self._client.transact_write_items(TransactItems=actions)  # type: ignore[arg-type]
        except ClientError as error:
            raise translate(error, on_condition) from error
