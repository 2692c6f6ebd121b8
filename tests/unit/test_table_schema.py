"""The table definition every environment creates the table from."""

from __future__ import annotations

from adapters.table_schema import (
    INDEXES,
    PARTITION_KEY,
    SORT_KEY,
    create_table_arguments,
    key_attributes,
)


def test_table_is_on_demand_with_string_keys() -> None:
    arguments = create_table_arguments("policies-x")

    assert arguments["TableName"] == "policies-x"
    assert arguments["BillingMode"] == "PAY_PER_REQUEST"
    assert arguments["KeySchema"] == [
        {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
        {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
    ]
    defined = {d["AttributeName"]: d["AttributeType"] for d in arguments["AttributeDefinitions"]}
    assert defined == dict.fromkeys(key_attributes(), "S")


def test_every_index_projects_everything_on_its_own_keys() -> None:
    indexes = {i["IndexName"]: i for i in create_table_arguments("t")["GlobalSecondaryIndexes"]}

    assert set(indexes) == set(INDEXES) >= {"by_customer", "by_day"}
    for name, (hash_key, range_key) in INDEXES.items():
        assert indexes[name]["KeySchema"] == [
            {"AttributeName": hash_key, "KeyType": "HASH"},
            {"AttributeName": range_key, "KeyType": "RANGE"},
        ]
        assert indexes[name]["Projection"] == {"ProjectionType": "ALL"}


def test_key_attributes_are_distinct() -> None:
    names = key_attributes()

    assert len(names) == len(set(names)) == 2 + 2 * len(INDEXES)
