"""The day close's view of the table: the journal, policies due to expire, applied marks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from adapters import policy_items as items
from adapters.dynamodb_errors import error_code
from adapters.table_schema import BY_DAY, INDEXES, WORKLIST
from domain.close_ports import Journal
from domain.history import Change
from domain.model import Policy

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_WORK_PK, _WORK_SK = INDEXES[WORKLIST]


class DynamoJournal(Journal):
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def pending(self, day: date) -> list[Change]:
        found = self._query(WORKLIST, f"{_WORK_PK} = :pk", {":pk": f"PENDING#{day}"})
        return [items.change_from_item(item) for item in found]

    def of_day(self, day: date) -> list[Change]:
        day_pk = INDEXES[BY_DAY][0]
        found = self._query(BY_DAY, f"{day_pk} = :pk", {":pk": f"CHANGES#{day}"})
        return [items.change_from_item(item) for item in found]

    def earliest_pending_day(self) -> date | None:
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": WORKLIST,
            "ProjectionExpression": _WORK_PK,
            "FilterExpression": f"begins_with({_WORK_PK}, :prefix)",
            "ExpressionAttributeValues": {":prefix": {"S": "PENDING#"}},
        }
        days = {
            date.fromisoformat(i[_WORK_PK].removeprefix("PENDING#")) for i in self._pages(request)
        }
        return min(days, default=None)

    def expiring(self, on_or_before: date) -> list[Policy]:
        bound = f"{on_or_before + timedelta(days=1)}"  # "<end_date>#<id>" sorts below the next day
        found: list[Policy] = []
        for shard in range(items.EXPIRY_SHARDS):
            found += [
                items.policy_from_item(item)
                for item in self._query(
                    WORKLIST,
                    f"{_WORK_PK} = :pk AND {_WORK_SK} < :bound",
                    {":pk": f"EXPIRING#{shard}", ":bound": bound},
                )
            ]
        return sorted(found, key=lambda p: p.policy_id)

    def mark_applied(self, changes: Iterable[Change]) -> None:
        for change in changes:
            # The state first: if we stop between the two writes, the change stays pending and
            # the next close re-applies it, which is harmless (applying is idempotent).
            self._conditional_update(
                items.policy_key(change.policy_id),
                f"SET {items.APPLIED_VERSION} = :v",
                f"attribute_exists(pk) AND (attribute_not_exists({items.APPLIED_VERSION})"
                f" OR {items.APPLIED_VERSION} < :v)",
                {":v": change.version},
            )
            self._client.update_item(
                TableName=self._table,
                Key=items.serialize(items.change_key(change.policy_id, change.version)),
                UpdateExpression=f"REMOVE {_WORK_PK}, {_WORK_SK}",
            )

    def _conditional_update(
        self, key: dict[str, str], update: str, condition: str, values: dict[str, Any]
    ) -> None:
        try:
            self._client.update_item(
                TableName=self._table,
                Key=items.serialize(key),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeValues=items.serialize(values),
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise  # the condition failing means "already done" or "deleted": both fine

    def _query(
        self, index: str, condition: str, values: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        return self._pages(
            {
                "TableName": self._table,
                "IndexName": index,
                "KeyConditionExpression": condition,
                "ExpressionAttributeValues": items.serialize(values),
            }
        )

    def _pages(self, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
        operation = self._client.query if "KeyConditionExpression" in request else self._client.scan
        while True:
            response = operation(**request)
            for item in response.get("Items", []):
                yield items.deserialize(item)
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
