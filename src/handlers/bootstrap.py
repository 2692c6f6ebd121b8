"""Create the bucket and the table: `policyctl bootstrap` and `make run` share this code."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from adapters.table_schema import create_table_arguments
from handlers.target import Target


def bootstrap(target: Target) -> list[str]:
    """Create the bucket and the table if absent; safe to run any number of times."""
    session = target.session()
    s3, dynamodb = session.client("s3"), session.client("dynamodb")
    done = [_ensure_bucket(s3, target.bucket)]
    table = target.settings.policy_table
    try:
        dynamodb.create_table(**create_table_arguments(table))
        done.append(f"created table {table}")
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ResourceInUseException":
            raise
        done.append(f"table {table} already exists")
    waiter = dynamodb.get_waiter("table_exists")
    waiter.wait(TableName=table, WaiterConfig={"Delay": 2, "MaxAttempts": 60})
    return done


def _ensure_bucket(s3: Any, bucket: str) -> str:
    try:
        s3.head_bucket(Bucket=bucket)
        return f"bucket {bucket} already exists"
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
            raise  # 403: the name is someone else's; say so rather than fail on create
    region = s3.meta.region_name
    extra: dict[str, Any] = {}
    if region != "us-east-1":  # the one region where S3 rejects an explicit LocationConstraint
        extra["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(Bucket=bucket, **extra)
    return f"created bucket {bucket}"
