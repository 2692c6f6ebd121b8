"""terraform/ deploys what the code expects: entry points, settings, table, permissions, schedule.

Static checks (python-hcl2): Terraform providers cannot be downloaded here, so nothing is planned.
"""

from __future__ import annotations

import importlib
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from adapters.csv_codec import COLUMNS
from adapters.s3_files import policies_key
from adapters.table_schema import create_table_arguments
from handlers import local_events
from handlers.settings import ENVIRONMENT
from tests.unit.terraform_aws_calls import SRC, needed_actions
from tests.unit.terraform_hcl import Block, Configuration, as_list, load, statements

pytestmark = pytest.mark.unit

# CONTRACT §3: Terraform resource name -> handler string.
HANDLERS = {
    "api": "handlers.api.handler",
    "day_close": "handlers.day_close.handler",
    "operations": "handlers.operations.handler",
}
FUNCTIONS = list(HANDLERS)

# CONTRACT §4.
ROUTES = {
    "POST /policies",
    "GET /policies",
    "GET /policies/{policy_id}",
    "PATCH /policies/{policy_id}",
    "DELETE /policies/{policy_id}",
    "GET /policies/{policy_id}/history",
    "GET /files/{business_date}",
}

# What a role's statement may name: an ARN of a resource declared here, plus one of these
# suffixes (log streams of a group, indexes of the table, objects under the two data prefixes).
_ARN = re.compile(r"^\$\{(aws_\w+)\.(\w+)\.arn\}(.*)$")
ALLOWED_SUFFIXES = {"", ":*", "/index/*", "/policies/*", "/changes/*"}
OPTIONAL_DATA_KEY = "${statement.value}"


@pytest.fixture(scope="module")
def tf() -> Configuration:
    return load()


def ref(expression: str) -> str:
    return "${" + expression + "}"


def function(tf: Configuration, name: str) -> Block:
    return tf.resource("aws_lambda_function", name)


def role_document(tf: Configuration, role: str) -> Block:
    """The policy document attached inline to the role `role`."""
    attached = [
        policy
        for policy in tf.of_kind("aws_iam_role_policy").values()
        if policy["role"] == ref(f"aws_iam_role.{role}.id")
    ]
    assert len(attached) == 1, f"role {role} must have exactly one inline policy"
    match = re.fullmatch(r"\$\{data\.aws_iam_policy_document\.(\w+)\.json\}", attached[0]["policy"])
    assert match, f"role {role}'s policy must be an aws_iam_policy_document"
    return tf.data["aws_iam_policy_document"][match.group(1)]


def granted(tf: Configuration, role: str) -> set[str]:
    return {a for s in statements(role_document(tf, role)) for a in s["actions"]}


def data_actions(actions: set[str]) -> set[str]:
    return {a for a in actions if a.startswith(("dynamodb:", "s3:"))}


def needed_by_lambda() -> set[str]:
    return needed_actions(*(handler.rpartition(".")[0] for handler in HANDLERS.values()))


# ---- Entry points ---------------------------------------------------------------------------


def test_one_function_per_contract_entry_point(tf: Configuration) -> None:
    deployed = {name: body["handler"] for name, body in tf.of_kind("aws_lambda_function").items()}
    assert deployed == HANDLERS


@pytest.mark.parametrize("name", FUNCTIONS)
def test_handler_resolves_to_a_callable_in_src(tf: Configuration, name: str) -> None:
    module_name, _, attribute = function(tf, name)["handler"].rpartition(".")
    module = importlib.import_module(module_name)
    assert module.__file__ is not None
    # The zip root is the contents of src/, so the module must come from there.
    assert SRC in Path(module.__file__).resolve().parents
    assert callable(getattr(module, attribute, None)), f"{module_name}.{attribute} is not callable"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_runs_the_packaged_zip_on_python312_arm64(tf: Configuration, name: str) -> None:
    body = function(tf, name)
    assert body["runtime"] == "python3.12"
    assert body["architectures"] == ["arm64"]
    assert body["filename"] == ref("var.lambda_zip_path")
    assert body["source_code_hash"] == ref("local.lambda_zip_hash")
    assert tf.locals["lambda_zip_hash"] == ref("filebase64sha256(var.lambda_zip_path)")
    assert tf.variables["lambda_zip_path"]["default"] == "../dist/lambda.zip"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_sets_every_setting_the_code_reads(tf: Configuration, name: str) -> None:
    variables = function(tf, name)["environment"][0]["variables"]
    assert set(ENVIRONMENT) | {"POWERTOOLS_SERVICE_NAME"} <= set(variables)
    assert variables["POLICY_BUCKET"] == ref("aws_s3_bucket.files.id")
    assert variables["POLICY_TABLE"] == ref("aws_dynamodb_table.policies.name")
    assert variables["BUSINESS_TIMEZONE"] == ref("var.business_timezone")
    assert variables["LOG_LEVEL"] == ref("var.log_level")


def test_each_function_has_its_own_service_name(tf: Configuration) -> None:
    names = [
        function(tf, name)["environment"][0]["variables"]["POWERTOOLS_SERVICE_NAME"]
        for name in FUNCTIONS
    ]
    assert len(set(names)) == len(FUNCTIONS)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_logs_to_its_own_group_with_retention(tf: Configuration, name: str) -> None:
    body = function(tf, name)
    group = tf.resource("aws_cloudwatch_log_group", name)
    # Lambda writes to /aws/lambda/<function name>; any other name would leave this group empty.
    assert body["function_name"] == ref(f"local.function_names.{name}")
    assert group["name"] == "/aws/lambda/" + ref(f"local.function_names.{name}")
    assert group["retention_in_days"] == ref("var.log_retention_days")
    assert ref(f"aws_cloudwatch_log_group.{name}") in body["depends_on"]


def test_only_one_close_runs_at_a_time(tf: Configuration) -> None:
    assert function(tf, "day_close")["reserved_concurrent_executions"] == 1


# ---- Table ----------------------------------------------------------------------------------


def _key_schema(hash_key: str, range_key: str) -> list[dict[str, str]]:
    return [
        {"AttributeName": hash_key, "KeyType": "HASH"},
        {"AttributeName": range_key, "KeyType": "RANGE"},
    ]


def _by_name(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: str(item[key]))


def test_table_matches_the_schema_the_code_uses(tf: Configuration) -> None:
    table = tf.resource("aws_dynamodb_table", "policies")
    expected = create_table_arguments(table["name"])
    deployed = {
        "TableName": table["name"],
        "BillingMode": table["billing_mode"],
        "AttributeDefinitions": [
            {"AttributeName": a["name"], "AttributeType": a["type"]} for a in table["attribute"]
        ],
        "KeySchema": _key_schema(table["hash_key"], table["range_key"]),
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index["name"],
                "KeySchema": _key_schema(index["hash_key"], index["range_key"]),
                "Projection": {"ProjectionType": index["projection_type"]},
            }
            for index in table["global_secondary_index"]
        ],
    }
    for listed, key in (
        ("AttributeDefinitions", "AttributeName"),
        ("GlobalSecondaryIndexes", "IndexName"),
    ):
        expected[listed] = _by_name(expected[listed], key)
        deployed[listed] = _by_name(deployed[listed], key)
    assert deployed == expected


def test_table_is_recoverable_protected_and_encrypted(tf: Configuration) -> None:
    table = tf.resource("aws_dynamodb_table", "policies")
    assert table["point_in_time_recovery"] == [{"enabled": True}]
    assert table["deletion_protection_enabled"] == ref("var.deletion_protection")
    assert tf.variables["deletion_protection"]["default"] is True
    assert table["server_side_encryption"][0]["enabled"] is True


# ---- Permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_function_has_its_own_role(tf: Configuration, name: str) -> None:
    assert function(tf, name)["role"] == ref(f"aws_iam_role.{name}.arn")
    role_document(tf, name)  # exactly one inline policy, built from a policy document


@pytest.mark.parametrize("name", FUNCTIONS)
def test_role_allows_named_actions_on_this_stacks_resources_only(
    tf: Configuration, name: str
) -> None:
    document = role_document(tf, name)
    for statement in statements(document):
        assert statement.get("effect", "Allow") == "Allow"
        for action in statement["actions"]:
            assert "*" not in action, f"{name}: wildcard action {action}"
        for resource in as_list(statement["resources"]):
            if resource == OPTIONAL_DATA_KEY:
                continue
            match = _ARN.match(resource)
            assert match, f"{name}: {resource} is not an ARN of a resource declared here"
            kind, label, suffix = match.groups()
            assert label in tf.of_kind(kind), f"{name}: {kind}.{label} is not declared"
            assert suffix in ALLOWED_SUFFIXES, f"{name}: {resource} reaches beyond its prefix"
    for dynamic in document.get("dynamic", []):
        assert dynamic["statement"]["for_each"] == ref(
            "var.data_kms_key_arn == null ? [] : [var.data_kms_key_arn]"
        )


def test_operations_role_grants_exactly_the_calls_the_lambda_code_makes(tf: Configuration) -> None:
    needed = needed_by_lambda()
    assert {"dynamodb:GetItem", "s3:PutObject"} <= needed  # the scan finds the adapters' calls
    assert data_actions(granted(tf, "operations")) == needed


def test_api_role_cannot_touch_the_daily_files(tf: Configuration) -> None:
    api = data_actions(granted(tf, "api"))
    assert api <= needed_by_lambda()
    assert not {a for a in api if a.startswith("s3:")}


def test_close_role_reads_and_writes_daily_files_and_reports_failures(tf: Configuration) -> None:
    close = granted(tf, "day_close")
    assert data_actions(close) <= needed_by_lambda()
    assert {"s3:GetObject", "s3:PutObject", "s3:ListBucket", "sqs:SendMessage"} <= close


def test_bucket_refuses_plain_http(tf: Configuration) -> None:
    policy = tf.data["aws_iam_policy_document"]["files_bucket"]
    denials = [s for s in statements(policy) if s.get("effect") == "Deny"]
    conditions = [c for s in denials for c in s.get("condition", [])]
    assert {"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]} in conditions


# ---- Schedule -------------------------------------------------------------------------------


def test_schedule_targets_the_close_with_retries_and_a_dead_letter_queue(tf: Configuration) -> None:
    target = tf.resource("aws_cloudwatch_event_target", "day_close")
    assert target["rule"] == ref("aws_cloudwatch_event_rule.day_close.name")
    assert target["arn"] == ref("aws_lambda_function.day_close.arn")
    assert target["retry_policy"][0]["maximum_retry_attempts"] > 0
    assert target["dead_letter_config"][0]["arn"] == ref("aws_sqs_queue.day_close_failures.arn")
    queue = tf.resource("aws_sqs_queue", "day_close_failures")
    assert queue["kms_master_key_id"] == ref("aws_kms_key.operations.arn")


def test_schedule_may_invoke_the_close(tf: Configuration) -> None:
    (permission,) = [
        p
        for p in tf.of_kind("aws_lambda_permission").values()
        if p["principal"] == "events.amazonaws.com"
    ]
    assert permission["action"] == "lambda:InvokeFunction"
    assert permission["function_name"] == ref("aws_lambda_function.day_close.function_name")
    assert permission["source_arn"] == ref("aws_cloudwatch_event_rule.day_close.arn")


def test_failed_asynchronous_closes_reach_the_failure_queue(tf: Configuration) -> None:
    config = tf.resource("aws_lambda_function_event_invoke_config", "day_close")
    assert config["function_name"] == ref("aws_lambda_function.day_close.function_name")
    on_failure = config["destination_config"][0]["on_failure"][0]
    assert on_failure["destination"] == ref("aws_sqs_queue.day_close_failures.arn")


def test_default_schedule_is_a_daily_cron(tf: Configuration) -> None:
    assert re.fullmatch(
        r"cron\(\d+ \d+ \* \* \? \*\)", tf.variables["close_schedule_expression"]["default"]
    )


# ---- HTTP API -------------------------------------------------------------------------------


def test_api_serves_the_contract_routes_behind_the_jwt_authorizer(tf: Configuration) -> None:
    assert set(tf.locals["api_routes"]) == ROUTES
    assert set(local_events.ROUTES) == ROUTES  # `make run` serves exactly what is deployed
    route = tf.resource("aws_apigatewayv2_route", "api")
    assert route["for_each"] == ref("toset(local.api_routes)")
    assert route["authorization_type"] == "JWT"
    assert route["authorizer_id"] == ref("aws_apigatewayv2_authorizer.jwt.id")
    assert tf.resource("aws_apigatewayv2_authorizer", "jwt")["authorizer_type"] == "JWT"


def test_api_passes_payload_v2_to_the_api_function(tf: Configuration) -> None:
    integration = tf.resource("aws_apigatewayv2_integration", "api")
    assert integration["payload_format_version"] == "2.0"
    assert integration["integration_uri"] == ref("aws_lambda_function.api.invoke_arn")


def test_api_stage_is_throttled_and_logged(tf: Configuration) -> None:
    stage = tf.resource("aws_apigatewayv2_stage", "default")
    limits = stage["default_route_settings"][0]
    assert limits["throttling_rate_limit"] == ref("var.api_throttle_rate_limit")
    assert limits["throttling_burst_limit"] == ref("var.api_throttle_burst_limit")
    logs = stage["access_log_settings"][0]
    assert logs["destination_arn"] == ref("aws_cloudwatch_log_group.api_access.arn")


# ---- Analytics ------------------------------------------------------------------------------


def test_athena_table_reads_the_daily_file_columns_in_order(tf: Configuration) -> None:
    columns = [column["name"] for column in tf.locals["daily_file_columns"]]
    # Athena forbids a column named like the partition key, so the CSV's own copy is renamed.
    expected = ["file_business_date" if c == "business_date" else c for c in COLUMNS]
    assert columns == expected


def test_athena_partitions_follow_the_daily_file_keys(tf: Configuration) -> None:
    table = tf.resource("aws_glue_catalog_table", "daily_policies")
    assert table["partition_keys"] == [{"name": "business_date", "type": "date"}]
    parameters = table["parameters"]
    assert parameters["projection.business_date.type"] == "date"
    assert parameters["skip.header.line.count"] == "1"
    # The template, with the bucket and one date filled in, is the folder of that day's file.
    template = parameters["storage.location.template"]
    bucket = "s3://" + ref("aws_s3_bucket.files.id") + "/"
    folder = template.removeprefix(bucket).replace("$${business_date}", "2026-03-01")
    assert policies_key(date(2026, 3, 1)) == folder + "policies.csv"


# ---- Hygiene --------------------------------------------------------------------------------


def test_every_variable_is_described_and_typed(tf: Configuration) -> None:
    undescribed = [n for n, v in tf.variables.items() if not v.get("description", "").strip()]
    untyped = [n for n, v in tf.variables.items() if "type" not in v]
    assert (undescribed, untyped) == ([], [])


def test_every_output_is_described(tf: Configuration) -> None:
    assert tf.outputs
    assert [n for n, o in tf.outputs.items() if not o.get("description", "").strip()] == []


def test_terraform_and_provider_versions_are_pinned(tf: Configuration) -> None:
    (settings,) = tf.settings
    assert settings["required_version"].startswith("~>")
    providers = settings["required_providers"][0]
    assert providers
    assert all(p["version"].startswith("~>") for p in providers.values())
