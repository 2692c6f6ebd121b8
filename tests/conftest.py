"""Suite-wide hooks: every test carries the marker of the folder it lives in."""

from __future__ import annotations

from pathlib import Path

import pytest

_ROOT = Path(__file__).parent
_MARKER_OF_FOLDER = {_ROOT / "unit": "unit", _ROOT / "integration": "integration"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for folder, marker in _MARKER_OF_FOLDER.items():
            if folder in item.path.parents:
                item.add_marker(marker)
