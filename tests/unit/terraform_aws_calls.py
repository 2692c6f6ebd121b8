"""The IAM actions the Lambda code needs, read from the AWS calls in the modules it imports.

A static scan: every module under src/ reachable by imports from a Lambda entry point, and in it
every boto3 client method used by attribute (`client.get_item(...)`) or named in a string
(`getattr(client, "delete_item")`). Local-only modules (the settable clock, the local stack) are
not reachable from an entry point, so their calls do not count.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

# boto3 client method -> the IAM action that authorises it.
CALL_ACTIONS = {
    "get_item": "dynamodb:GetItem",
    "put_item": "dynamodb:PutItem",
    "update_item": "dynamodb:UpdateItem",
    "delete_item": "dynamodb:DeleteItem",
    "query": "dynamodb:Query",
    "scan": "dynamodb:Scan",
    "batch_get_item": "dynamodb:BatchGetItem",
    "batch_write_item": "dynamodb:BatchWriteItem",
    "transact_get_items": "dynamodb:GetItem",
    "get_object": "s3:GetObject",
    "head_object": "s3:GetObject",
    "put_object": "s3:PutObject",
    "delete_object": "s3:DeleteObject",
    "copy_object": "s3:PutObject",
    "list_objects_v2": "s3:ListBucket",
}
# TransactWriteItems has no action of its own: each item is authorised by its kind.
TRANSACT_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}
_CALL = re.compile(r"\.(\w+)\b|[\"'](\w+)[\"']")
_TRANSACT_ITEM = re.compile(r"[\"'](Put|Update|Delete|ConditionCheck)[\"']\s*:")


def _source_of(module: str) -> Path | None:
    base = SRC.joinpath(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(tree: ast.AST) -> Iterable[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            # `from package import module` imports a module, not just a name.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def reachable_sources(*entry_modules: str) -> set[Path]:
    """Source files of every src/ module imported, directly or not, by the entry modules."""
    found: dict[str, Path] = {}
    pending = list(entry_modules)
    while pending:
        module = pending.pop()
        source = _source_of(module)
        if module in found or source is None:
            continue
        found[module] = source
        pending.extend(_imported_names(ast.parse(source.read_text(encoding="utf-8"))))
    return set(found.values())


def needed_actions(*entry_modules: str) -> set[str]:
    needed: set[str] = set()
    for source in reachable_sources(*entry_modules):
        text = source.read_text(encoding="utf-8")
        for attribute, quoted in _CALL.findall(text):
            if (attribute or quoted) in CALL_ACTIONS:
                needed.add(CALL_ACTIONS[attribute or quoted])
        if "transact_write_items" in text:
            needed.update(TRANSACT_ACTIONS[kind] for kind in _TRANSACT_ITEM.findall(text))
    if "s3:GetObject" in needed:
        needed.add("s3:ListBucket")  # so that a missing daily file reads as 404, not 403
    return needed
