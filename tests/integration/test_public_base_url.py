"""Issue 11, item 2: "the public base URL is a setting". `LANGSO_PUBLIC_BASE_URL` is read and
checked at start-up (a scheme, no query or fragment: the record goes after `#`), and the
result's QR link and the paper's printed address use it — not the address the server happens
to listen on."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import pytest
from pypdf import PdfReader

from backend.settings import Settings
from tests.integration.test_results_verify import approved, issue, make_device
from tests.integration.test_review_world import seed_household, signed_dossier

__all__ = ["make_device"]
BASE = "https://xa-pusamcap.example.vn"


def test_the_setting_is_read_and_checked_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGSO_PUBLIC_BASE_URL", BASE + "/")
    assert Settings.from_env().public_base == BASE  # a trailing slash is dropped
    for wrong in ("xa-pusamcap.example.vn", f"{BASE}/?a=1", f"{BASE}/#x"):
        monkeypatch.setenv("LANGSO_PUBLIC_BASE_URL", wrong)
        with pytest.raises(SystemExit, match="LANGSO_PUBLIC_BASE_URL"):
            Settings.from_env()


def test_the_qr_link_and_the_paper_use_the_public_base(
    make_device: Any, client: Any, as_user: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.state, "settings",
                        dataclasses.replace(app.state.settings, public_base_url=BASE))
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    approved(client, as_user, did)
    res = issue(client, as_user, did)
    assert res["qr_text"].startswith(f"{BASE}/v#LSR2.")
    pdf = client.get(res["pdf_url"], headers=as_user("officer_a")).content
    text = "".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "xa-pusamcap.example.vn/v" in "".join(text.split())
