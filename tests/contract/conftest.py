"""Shared helpers for the language-neutral vector files in ``sync/vectors``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VECTORS = Path(__file__).resolve().parents[2] / "sync" / "vectors"


def load_vectors(name: str) -> list[dict[str, Any]]:
    """The ``cases`` of ``sync/vectors/<name>.json`` (checked for the common file format)."""
    doc = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    assert set(doc) >= {"description", "spec", "cases"}, name
    cases: list[dict[str, Any]] = doc["cases"]
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), f"duplicate case ids in {name}"
    for case in cases:
        assert {"id", "rule", "comment"} <= set(case), case.get("id")
    return cases


def case_ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in cases]
