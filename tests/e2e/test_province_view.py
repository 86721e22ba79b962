"""The province view in Chromium at 360 px against the real server: the demo province's
monitor logs in and sees the communes ranked with the Decision 766 criteria; a dossier is
received in the demo commune (by the officer, through the API) and the number on screen
changes through the live feed, without reloading; then the drill-down lists that dossier."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from backend.catalog.loader import load_catalog
from backend.db.engine import make_engine
from backend.db.models import Household, Member, User
from backend.demo import generate
from backend.dossiers.service import apply_action, create_draft
from backend.lib.auth import load_principal
from backend.lib.clock import utcnow
from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import wait_until
from tests.e2e.officer_flow import officer_log_in


def submitted_dossier(server: LiveServer) -> str:
    """Test shortcut for the filing (the volunteer's signed push is covered elsewhere): a draft
    submitted through the service, written to the server's database."""
    engine = make_engine(server.database_url)
    catalog = load_catalog()
    try:
        with Session(engine) as s:
            vol = s.exec(select(User).where(User.username == "volunteer1")).one()
            principal = load_principal(s, vol)
            member = s.exec(select(Member).join(Household, Household.id == Member.household_id)
                            .where(Member.village_id.in_(sorted(principal.village_ids)))  # type: ignore[attr-defined]
                            ).first()
            assert member is not None
            d = create_draft(s, principal, catalog, {"procedure_code": "khai-sinh",
                                                     "applicant_member_id": member.id},
                             utcnow())
            apply_action(s, principal, catalog, d.id, "submit", "", utcnow())
            return d.id
    finally:
        engine.dispose()


def test_province_view_updates_live_when_a_commune_receives_a_dossier(
    server: LiveServer, context: Any
) -> None:
    commune = generate.COMMUNE_CODE
    token = server.login("tinh")
    me = server.api("GET", "/api/auth/me", token).json()
    province = me["province_id"]
    view = server.api("GET", f"/api/province/{province}/index", token).json()
    assert commune in {c["commune_id"] for c in view["communes"]}
    did = submitted_dossier(server)

    page = context.new_page()
    officer_log_in(page, server, "tinh")
    cell = page.locator(f'[data-testid="received-{commune}"]')
    cell.wait_for(timeout=30_000)
    assert cell.inner_text().strip() == "0"
    page.get_by_text("Tiêu chí Quyết định 766/QĐ-TTg").wait_for()
    assert page.get_by_text("Không đo được bằng dữ liệu của sản phẩm").count() >= 1
    wait_until(page, lambda: page.locator('[data-testid="live-state"]').inner_text()
               == "Cập nhật trực tiếp", "the live feed to open")
    marker = page.evaluate("() => (window.__noReload = 'same page')")
    # nothing wider than the phone: tables scroll inside their own box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

    officer = server.login("officer")
    r = server.api("POST", f"/api/review/dossiers/{did}/actions", officer,
                   json={"action": "receive", "reason": ""})
    assert r.status_code == 200, r.text

    wait_until(page, lambda: cell.inner_text().strip() == "1",
               "the received count to change live", timeout=30_000)
    assert page.locator('[data-testid="province-received"]').inner_text().strip() == "1"
    assert page.evaluate("() => window.__noReload") == marker  # not reloaded

    # drill-down: province → commune → the dossiers received
    page.locator(f'tr:has([data-testid="received-{commune}"]) a').click()
    page.locator('[data-testid="commune-received"]').wait_for()
    page.get_by_role("link", name="Đã tiếp nhận").click()
    code = server.api("GET", f"/api/province/communes/{commune}/dossiers?metric=received",
                      token).json()["dossiers"][0]["official_code"]
    page.get_by_text(code).wait_for(timeout=30_000)
