"""Field-level differences between two signed revisions of a dossier (pure).

Compared: every form field (`form_data.<key>`, a repeat group as one value), every document
component (`components.<code>`, reported as the attachment hashes added and removed) and the
consent record (`consent`). Values are compared as JSON (1 == 1.0 is not an issue: signed
payloads hold no floats). The order is stable: form fields in catalogue order, then unknown
form keys sorted, then components in catalogue order, then unknown components, then consent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sync.merge import json_equal


def _ordered(keys: set[str], known: Sequence[str]) -> list[str]:
    first = [k for k in known if k in keys]
    return first + sorted(keys - set(first))


def diff_revisions(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    form_labels: Mapping[str, str],
    component_labels: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Changes from `before` to `after` (the signed `fields` of two consecutive revisions;
    `before` is {} for the first one). Each change: {path, kind: added|removed|changed,
    label_vi, before, after} and, for components, `added`/`removed` hash lists."""
    out: list[dict[str, Any]] = []
    form_a = before.get("form_data") or {}
    form_b = after.get("form_data") or {}
    for key in _ordered(set(form_a) | set(form_b), list(form_labels)):
        a, b = form_a.get(key), form_b.get(key)
        if json_equal(a, b):
            continue
        kind = "added" if a is None else "removed" if b is None else "changed"
        out.append({"path": f"form_data.{key}", "kind": kind,
                    "label_vi": form_labels.get(key, key), "before": a, "after": b})
    comp_a = before.get("components") or {}
    comp_b = after.get("components") or {}
    for code in _ordered(set(comp_a) | set(comp_b), list(component_labels)):
        a_list = list(comp_a.get(code) or [])
        b_list = list(comp_b.get(code) or [])
        if a_list == b_list:
            continue
        added = [h for h in b_list if h not in a_list]
        removed = [h for h in a_list if h not in b_list]
        kind = "added" if not a_list else "removed" if not b_list else "changed"
        out.append({"path": f"components.{code}", "kind": kind,
                    "label_vi": component_labels.get(code, code), "before": a_list,
                    "after": b_list, "added": added, "removed": removed})
    ca, cb = before.get("consent"), after.get("consent")
    if not json_equal(ca, cb):
        kind = "added" if ca is None else "removed" if cb is None else "changed"
        out.append({"path": "consent", "kind": kind, "label_vi": "Chữ ký đồng ý của người dân",
                    "before": ca, "after": cb})
    return out
