"""terraform/*.tf read as plain Python data (python-hcl2), for the static Terraform tests.

Literal strings come back unquoted ("python3.12"); expressions come back as "${...}" strings
("${aws_s3_bucket.files.id}"); blocks come back as lists of dicts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

TERRAFORM_DIR = Path(__file__).resolve().parents[2] / "terraform"

_OPTIONS = hcl2.SerializationOptions(
    with_comments=False,
    explicit_blocks=False,
    strip_string_quotes=True,
    preserve_heredocs=False,
)

Block = dict[str, Any]


@dataclass
class Configuration:
    resources: dict[str, dict[str, Block]] = field(default_factory=dict)
    data: dict[str, dict[str, Block]] = field(default_factory=dict)
    variables: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    settings: list[Block] = field(default_factory=list)

    def resource(self, kind: str, name: str) -> Block:
        return self.resources[kind][name]

    def of_kind(self, kind: str) -> dict[str, Block]:
        return self.resources.get(kind, {})


def _labelled(target: dict[str, dict[str, Block]], entries: list[Block], path: Path) -> None:
    for entry in entries:
        for kind, named in entry.items():
            for name, body in named.items():
                bucket = target.setdefault(kind, {})
                assert name not in bucket, f"{kind}.{name} declared twice ({path.name})"
                bucket[name] = body


def _named(target: dict[str, Block], entries: list[Block], path: Path) -> None:
    for entry in entries:
        for name, body in entry.items():
            assert name not in target, f"{name} declared twice ({path.name})"
            target[name] = body


@cache
def load(directory: Path = TERRAFORM_DIR) -> Configuration:
    """Every top-level block of every .tf file in `directory`, merged as Terraform merges them."""
    config = Configuration()
    for path in sorted(directory.glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            parsed = hcl2.load(handle, serialization_options=_OPTIONS)
        _labelled(config.resources, parsed.get("resource", []), path)
        _labelled(config.data, parsed.get("data", []), path)
        _named(config.variables, parsed.get("variable", []), path)
        _named(config.outputs, parsed.get("output", []), path)
        _named(config.locals, parsed.get("locals", []), path)
        config.settings.extend(parsed.get("terraform", []))
    return config


def statements(document: Block) -> Iterator[Block]:
    """Every statement of an aws_iam_policy_document, the static and the `dynamic` ones."""
    yield from document.get("statement", [])
    for dynamic in document.get("dynamic", []):
        yield from dynamic.get("statement", {}).get("content", [])


def as_list(value: Any) -> list[Any]:
    """A list attribute, or the one expression standing in for it."""
    return value if isinstance(value, list) else [value]
