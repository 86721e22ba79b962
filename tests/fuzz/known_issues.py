"""5xx the fuzzer finds that other branches of issue 8 are fixing; each is excused here, and
only in exactly its own shape, so that the lead can delete the matching rule after merging.
An excused 500 is still printed, so nothing is hidden."""

from __future__ import annotations

from typing import Any


def known_issue(case: Any, response: Any, database: str) -> str | None:
    return None
