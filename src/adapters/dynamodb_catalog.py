"""File metadata, the last-closed mark and the close lease, as items of the policy table."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from adapters import policy_items as items
from adapters.dynamodb_errors import error_code
from adapters.table_schema import PARTITION_KEY, SORT_KEY
from domain.close_ports import CloseLease, FileCatalog
from domain.files import FileMetadata
from domain.values import format_timestamp

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CLOSE_STATE = {PARTITION_KEY: "CLOSE", SORT_KEY: "STATE"}
CLOSE_LEASE = {PARTITION_KEY: "CLOSE", SORT_KEY: "LEASE"}
# A close Lambda runs at most 15 minutes; after that a lease left by a crash is free again.
LEASE_SECONDS = 15 * 60


def file_key(file_date: date) -> dict[str, str]:
    return {PARTITION_KEY: f"FILE#{file_date}", SORT_KEY: "METADATA"}


class _TableItems:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def _get(self, key: dict[str, str]) -> dict[str, Any] | None:
        found = self._client.get_item(
            TableName=self._table, Key=items.serialize(key), ConsistentRead=True
        ).get("Item")
        return items.deserialize(found) if found else None

    def _write_if(self, operation: str, condition: str, values: dict[str, Any], **kw: Any) -> bool:
        """Run a conditional put/delete/update; False when the condition did not hold."""
        try:
            getattr(self._client, operation)(
                TableName=self._table,
                ConditionExpression=condition,
                ExpressionAttributeValues=items.serialize(values),
                **kw,
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True


class DynamoFileCatalog(_TableItems, FileCatalog):
    def get(self, file_date: date) -> FileMetadata | None:
        found = self._get(file_key(file_date))
        if found is None:
            return None
        return FileMetadata.model_validate({k: found[k] for k in FileMetadata.model_fields})

    def put(self, metadata: FileMetadata) -> None:
        item = file_key(metadata.business_date) | metadata.model_dump(mode="json")
        self._client.put_item(TableName=self._table, Item=items.serialize(item))

    def last_closed(self) -> date | None:
        found = self._get(CLOSE_STATE)
        return date.fromisoformat(found["last_closed"]) if found else None

    def record_closed(self, day: date) -> None:
        self._write_if(
            "update_item",
            "attribute_not_exists(last_closed) OR last_closed < :day",
            {":day": day.isoformat()},
            Key=items.serialize(CLOSE_STATE),
            UpdateExpression="SET last_closed = :day",
        )


class DynamoCloseLease(_TableItems, CloseLease):
    def acquire(self, owner: str, now: datetime) -> bool:
        expires = format_timestamp(now + timedelta(seconds=LEASE_SECONDS))
        return self._write_if(
            "put_item",
            "attribute_not_exists(pk) OR expires_at < :now OR #owner = :owner",
            {":now": format_timestamp(now), ":owner": owner},
            Item=items.serialize(CLOSE_LEASE | {"owner": owner, "expires_at": expires}),
            ExpressionAttributeNames={"#owner": "owner"},
        )

    def release(self, owner: str) -> None:
        self._write_if(
            "delete_item",
            "#owner = :owner",
            {":owner": owner},
            Key=items.serialize(CLOSE_LEASE),
            ExpressionAttributeNames={"#owner": "owner"},
        )
