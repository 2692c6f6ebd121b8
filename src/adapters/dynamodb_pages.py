"""Reading policies page by page, with an opaque cursor the client hands back unchanged."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from adapters import policy_items as items
from adapters.dynamodb_errors import error_code, translate_read
from adapters.table_schema import BY_CUSTOMER, BY_DAY, INDEXES, PARTITION_KEY, SORT_KEY
from domain.errors import InvalidCursor
from domain.ports import Page, PolicyQuery

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def encode_cursor(index: str, key: dict[str, Any]) -> str:
    raw = json.dumps({"i": index, "k": key}, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, index: str) -> dict[str, Any]:
    wanted = {PARTITION_KEY, SORT_KEY, *INDEXES[index]}
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        key = decoded["k"]
        valid = decoded["i"] == index and set(key) == wanted
        valid = valid and all(set(v) == {"S"} and isinstance(v["S"], str) for v in key.values())
    except (ValueError, TypeError, KeyError, binascii.Error, AttributeError):
        valid = False
    if not valid:
        raise InvalidCursor("the cursor is not one this listing issued; start again without it")
    return dict(key)


class PolicyLister:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def page(self, query: PolicyQuery) -> Page:
        index, request = self._request(query)
        if query.cursor:
            request["ExclusiveStartKey"] = decode_cursor(query.cursor, index)
        found: list[dict[str, Any]] = []
        while True:
            request["Limit"] = query.limit - len(found)
            try:
                response = self._call(request)
            except ClientError as error:
                if error_code(error) == "ValidationException" and query.cursor:
                    raise InvalidCursor("the cursor does not belong to this listing") from error
                raise translate_read(error) from error
            found.extend(response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if last is None:
                return Page([self._policy(i) for i in found], None)
            if len(found) >= query.limit:
                keys = {PARTITION_KEY, SORT_KEY, *INDEXES[index]}
                cursor = encode_cursor(index, {k: v for k, v in found[-1].items() if k in keys})
                return Page([self._policy(i) for i in found], cursor)
            request["ExclusiveStartKey"] = last

    def changes_of(self, policy_id: str) -> Iterator[dict[str, Any]]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": {"S": f"POLICY#{policy_id}"},
                ":prefix": {"S": "CHANGE#"},
            },
            "ConsistentRead": True,
        }
        while True:
            response = self._client.query(**request)
            for item in response.get("Items", []):
                yield items.deserialize(item)
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _request(self, query: PolicyQuery) -> tuple[str, dict[str, Any]]:
        values: dict[str, Any] = {}
        filters: list[str] = []
        request: dict[str, Any] = {"TableName": self._table}
        if query.customer_id is not None:
            index = BY_CUSTOMER
            values[":owner"] = f"CUSTOMER#{query.customer_id}"
            key = f"{INDEXES[index][0]} = :owner"
            if query.business_date is not None:
                values[":day"] = f"{query.business_date}#"
                key += f" AND begins_with({INDEXES[index][1]}, :day)"
            request["KeyConditionExpression"] = key
        elif query.business_date is not None:
            index = BY_DAY
            values[":day"] = f"POLICIES#{query.business_date}"
            request["KeyConditionExpression"] = f"{INDEXES[index][0]} = :day"
        else:
            index = BY_CUSTOMER  # sparse: only policy states carry its keys, so a scan lists all
        for field in ("insurance_type", "status"):
            value = getattr(query, field)
            if value is not None:
                values[f":{field}"] = str(value)
                filters.append(f"#{field} = :{field}")
                request.setdefault("ExpressionAttributeNames", {})[f"#{field}"] = field
        if filters:
            request["FilterExpression"] = " AND ".join(filters)
        if values:
            request["ExpressionAttributeValues"] = items.serialize(values)
        request["IndexName"] = index
        return index, request

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        if "KeyConditionExpression" in request:
            return dict(self._client.query(**request))
        return dict(self._client.scan(**request))

    @staticmethod
    def _policy(item: dict[str, Any]) -> Any:
        return items.policy_from_item(items.deserialize(item))
