"""The single source of truth for the DynamoDB table's keys and indexes.

`policyctl bootstrap`, the moto fixtures and the Terraform test all read this definition.

Items (one table):
  policy state   pk=POLICY#<id>      sk=STATE             gsi1: CUSTOMER#<customer> / <date>#<id>
                                                          gsi2: POLICIES#<date> / <id>
                                  while active or inactive: gsi3: EXPIRING#<shard> / <end_date>#<id>
  change         pk=POLICY#<id>      sk=CHANGE#<version>  gsi2: CHANGES#<day> / <at>#<id>#<version>
                                                          gsi3 (until applied): PENDING#<day> / same
  number claim   pk=NUMBER#<number>  sk=CLAIM
  file metadata  pk=FILE#<date>      sk=METADATA
  close state    pk=CLOSE            sk=STATE  (last closed day)
  close lease    pk=CLOSE            sk=LEASE

gsi3 ("worklist") is sparse: it holds only what the day close must act on.
"""

from __future__ import annotations

from typing import Any

PARTITION_KEY = "pk"
SORT_KEY = "sk"

# index name -> (partition attribute, sort attribute)
INDEXES: dict[str, tuple[str, str]] = {
    "by_customer": ("gsi1pk", "gsi1sk"),
    "by_day": ("gsi2pk", "gsi2sk"),
    "worklist": ("gsi3pk", "gsi3sk"),
}
BY_CUSTOMER, BY_DAY, WORKLIST = INDEXES


def key_attributes() -> list[str]:
    """Every attribute used as a table or index key (all strings)."""
    names = [PARTITION_KEY, SORT_KEY]
    for pair in INDEXES.values():
        names.extend(pair)
    return names


def create_table_arguments(table_name: str) -> dict[str, Any]:
    """Arguments for DynamoDB `CreateTable`, on-demand billing."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in key_attributes()
        ],
        "KeySchema": [
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index,
                "KeySchema": [
                    {"AttributeName": hash_key, "KeyType": "HASH"},
                    {"AttributeName": range_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, (hash_key, range_key) in INDEXES.items()
        ],
    }
