"""The fuzz runs take a live server each: one xdist worker per database."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/fuzz" not in str(item.fspath):
            continue
        callspec = getattr(item, "callspec", None)
        database = callspec.params.get("fuzz_server", "any") if callspec else "any"
        item.add_marker(pytest.mark.xdist_group(f"fuzz-{database}"))
