"""Field-level differences between two signed revisions of a dossier (pure), and their
readable form for the officer (`readable_change`): catalogue labels, option labels, member
names, dd/mm/yyyy dates, and attachment changes counted as "thêm 1 ảnh, thay 1 ảnh".

Compared: every form field (`form_data.<key>`, a repeat group as one value), every document
component (`components.<code>`, reported as the attachment hashes added and removed) and the
consent record (`consent`). Values are compared as JSON (1 == 1.0 is not an issue: signed
payloads hold no floats). The order is stable: form fields in catalogue order, then unknown
form keys sorted, then components in catalogue order, then unknown components, then consent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from backend.results.document import format_value
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


def _value_text(field: Any, value: Any, member_names: Mapping[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field is None:
        return str(value) if not isinstance(value, (list, dict)) else "…"
    if field.type == "repeat" and isinstance(value, list):
        return f"{len(value)} mục"
    return format_value(field, value, member_names) or "—"


def attachment_summary(added: Sequence[str], removed: Sequence[str],
                       kinds: Mapping[str, str]) -> str:
    """"thêm 1 ảnh, thay 1 ảnh, bỏ 1 tệp PDF": a replaced file is one removed and one added;
    the same files in another order read "đổi thứ tự"."""
    def word(hashes: Sequence[str]) -> str:
        images = sum(1 for h in hashes if kinds.get(h, "image").startswith("image"))
        return "ảnh" if images == len(hashes) else "tệp"

    replaced = min(len(added), len(removed))
    parts = []
    if len(added) > replaced:
        extra = added[replaced:]
        parts.append(f"thêm {len(extra)} {word(extra)}")
    if replaced:
        parts.append(f"thay {replaced} {word(added[:replaced])}")
    if len(removed) > replaced:
        gone = removed[replaced:]
        parts.append(f"bỏ {len(gone)} {word(gone)}")
    return ", ".join(parts) or "đổi thứ tự"


def readable_change(change: Mapping[str, Any], fields: Mapping[str, Any],
                    member_names: Mapping[str, str], kinds: Mapping[str, str]
                    ) -> dict[str, Any]:
    """The change with `before_text` / `after_text` (form fields, consent) or `summary_vi` and
    thumbnails of the files before and after (components)."""
    out = dict(change)
    path = str(change["path"])
    if path.startswith("components."):
        out["summary_vi"] = attachment_summary(change.get("added") or [],
                                               change.get("removed") or [], kinds)
        out["before_files"] = [_file(h, kinds) for h in change.get("before") or []]
        out["after_files"] = [_file(h, kinds) for h in change.get("after") or []]
        return out
    if path == "consent":
        out["before_text"] = "—" if change.get("before") is None else "Đã ký"
        out["after_text"] = "—" if change.get("after") is None else "Đã ký"
        return out
    field = fields.get(path.removeprefix("form_data."))
    out["before_text"] = _value_text(field, change.get("before"), member_names)
    out["after_text"] = _value_text(field, change.get("after"), member_names)
    return out


def _file(sha: str, kinds: Mapping[str, str]) -> dict[str, Any]:
    kind = kinds.get(sha)
    return {"sha256": sha, "url": f"/api/attachments/{sha}",
            "is_image": kind is None or kind.startswith("image"), "present": kind is not None}
