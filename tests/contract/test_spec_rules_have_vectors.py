"""Every rule a SPEC defines has at least one shared vector (issue 9: one rule, one place, pinned
in both languages). A rule is defined where a SPEC writes its id in bold (``**HLC3``, or after a ``/`` in a bold heading); a vector
names its rule in ``rule``. A new rule without a vector, or a vector naming no rule, fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "sync").glob("**/SPEC*.md"))
DEFINED = re.compile(r"\*\*(?:[^*\n]*?/\s*)?([A-Z]{2,5}[0-9]+)\b")


def spec_rules() -> dict[str, str]:
    found: dict[str, str] = {}
    for spec in SPECS:
        for rule in DEFINED.findall(spec.read_text(encoding="utf-8")):
            found.setdefault(rule, spec.name)
    return found


def vector_rules() -> set[str]:
    rules: set[str] = set()
    for path in (ROOT / "sync" / "vectors").glob("*.json"):
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            rule = case["rule"]
            rules.update(rule if isinstance(rule, list) else [rule])
    return rules


def test_the_specs_define_rules() -> None:
    assert len(SPECS) >= 3
    assert len(spec_rules()) > 100


def test_every_spec_rule_has_a_vector() -> None:
    missing = sorted(f"{rule} ({spec})" for rule, spec in spec_rules().items()
                     if rule not in vector_rules())
    assert missing == [], f"rules without a vector: {missing}"


def test_every_vector_names_a_spec_rule() -> None:
    defined = set(spec_rules())
    strays = sorted(r for r in vector_rules() if re.fullmatch(r"[A-Z]{2,5}[0-9]+", r)
                    and r not in defined)
    assert strays == [], f"vectors naming no SPEC rule: {strays}"
