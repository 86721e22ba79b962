"""Personal data on the server (issue 14, items 3–6), on SQLite and PostgreSQL:
no plaintext CCCD in a dump, blind-index look-ups, key rotation, the access log and its
reason rule, the person export, erasure with legal retention, the purge and breaches."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from backend.db.models import AccessLogEntry, Dossier, Member, PiiDataKey
from backend.lib.clock import utcnow
from backend.privacy.keys import install, load_keyring
from backend.privacy.rotation import rotate
from backend.privacy.service import ERASED_NAME, purge_retention
from backend.settings import Settings
from tests.integration.test_results_verify import approved, issue
from tests.integration.test_review_world import seed_household, signed_dossier
from tests.support.device import BIRTH_FORM
from tests.support.world import user_id

MASTER = bytes.fromhex("11" * 32)  # tests/conftest.py sets LANGSO_PII_KEY to this


def dump(engine: Engine) -> str:
    """What an attacker with the database file or a pg_dump sees."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(str(url.database)) as conn:
            return "\n".join(conn.iterdump())
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(["pg_dump", "--no-owner", dsn], check=True, capture_output=True,
                          text=True).stdout


def full_flow(make_device: Any, client: Any, as_user: Any) -> tuple[str, str, str]:
    """A household pushed by a phone, a signed birth dossier naming the father's CCCD,
    received, approved and its result issued."""
    dev = make_device()
    hid, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    approved(client, as_user, did)
    issue(client, as_user, did)
    return hid, head, did


def test_a_dump_after_the_whole_flow_holds_no_plaintext_cccd(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    hid, head, did = full_flow(make_device, client, as_user)
    with Session(engine) as s:
        member = s.get(Member, head)
        assert member is not None and member.cccd and len(member.cccd) == 12
        cccds = {m.cccd for m in s.exec(select(Member).where(Member.household_id == hid))}
        dossier = s.get(Dossier, did)
        assert dossier is not None
        assert dossier.form_data["requester_cccd"] == BIRTH_FORM["requester_cccd"]
    cccds.add(BIRTH_FORM["requester_cccd"])
    text_dump = dump(engine)
    assert "pii1:" in text_dump  # the sealed values are there …
    for cccd in cccds:
        assert cccd and cccd not in text_dump  # … and no CCCD in clear, anywhere
    assert "Mông" not in text_dump  # ethnicity is sensitive data too
    # the officer still sees everything, and the signature still verifies
    view = client.get(f"/api/review/dossiers/{did}", headers=as_user("officer_a")).json()
    assert view["signature"]["valid"] is True
    assert view["applicant"]["cccd"] == member.cccd


def test_blind_index_finds_duplicates_and_csv_import_refuses_a_known_cccd(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    with Session(engine) as s:
        m = s.get(Member, head)
        assert m is not None and m.cccd is not None and m.cccd_bidx
        cccd = m.cccd
        assert len(m.cccd_bidx) == 64 and cccd not in m.cccd_bidx
    csv = ("household_ref,village_code,address,full_name,date_of_birth,sex,cccd,phone,"
           "relationship,ethnicity\n"
           f"H1,A1,Bản Nậm Khăn,Lò Văn Một,1990-05-12,nam,{cccd},,chủ hộ,Thái\n")
    r = client.post("/api/households/import", content=csv.encode(),
                    headers={**as_user("officer_a"), "Content-Type": "text/csv"})
    assert r.status_code == 422, r.text
    assert "cccd_already_registered" in r.text


def test_rotation_reencrypts_and_old_data_stays_readable(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    _hid, head, did = full_flow(make_device, client, as_user)
    with Session(engine) as s:
        before = s.get(Member, head)
        assert before is not None
        cccd, bidx = before.cccd, before.cccd_bidx
        old_ids = set(s.exec(select(PiiDataKey.id)))
    raw_before = _raw_cccd(engine, head)
    new_master = bytes.fromhex("22" * 32)
    try:
        assert rotate(engine, MASTER, new_master) > 0
        with Session(engine) as s:
            after = s.get(Member, head)
            assert after is not None and after.cccd == cccd and after.cccd_bidx == bidx
            assert not old_ids & set(s.exec(select(PiiDataKey.id)))
            d = s.get(Dossier, did)
            assert d is not None and d.form_data["requester_cccd"] == BIRTH_FORM["requester_cccd"]
        assert _raw_cccd(engine, head) != raw_before
        view = client.get(f"/api/review/dossiers/{did}", headers=as_user("officer_a")).json()
        assert view["signature"]["valid"] is True
        with engine.connect() as conn:  # the old master no longer opens this database
            try:
                load_keyring(conn, MASTER, create=False)
                raise AssertionError("old master key still accepted")
            except RuntimeError:
                pass
    finally:
        rotate(engine, new_master, MASTER)  # the session's other tests use MASTER
        install(engine, MASTER)


def _raw_cccd(engine: Engine, member_id: str) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT cccd FROM members WHERE id = :i"),
                                {"i": member_id}).scalar_one())


def test_reads_outside_the_queue_need_a_reason_and_are_logged(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    hid, head, _ = seed_household(dev)
    off = as_user("officer_a")
    # no dossier yet: reading the person is outside the officer's queue
    r = client.get(f"/api/members/{head}", headers=off)
    assert r.status_code == 428 and r.json()["code"] == "access_reason_required"
    assert "lý do" in r.json()["message_vi"]
    r = client.get(f"/api/members/{head}", headers={**off, "X-Access-Reason": "%20"})
    assert r.status_code == 422
    reason = "Công dân đến hỏi về hồ sơ"
    r = client.get(f"/api/members/{head}", params={"access_reason": reason}, headers=off)
    assert r.status_code == 200
    # a dossier in review puts the household in the queue: no reason needed, still logged
    did, _ = signed_dossier(dev, head)
    assert client.get(f"/api/households/{hid}", headers=off).status_code == 200
    assert client.get(f"/api/review/dossiers/{did}", headers=off).status_code == 200
    # a volunteer's reads are their own work on the phone's data, not logged here
    assert client.get(f"/api/members/{head}", headers=as_user("vol_a1")).status_code == 200
    log = client.get(f"/api/privacy/people/{head}/access-log", headers=off).json()
    assert [(e["action"], e["in_queue"], e["reason"]) for e in log] == [
        ("review.read", True, ""), ("household.read", True, ""),
        ("member.read", False, reason)]
    assert all(e["actor_id"] == user_id("officer_a") for e in log)
    # another commune's officer is refused by the handler, and logs nothing
    assert client.get(f"/api/members/{head}", headers={**as_user("officer_b"),
                      "X-Access-Reason": "x"}).status_code == 403
    with Session(engine) as s:
        assert len(s.exec(select(AccessLogEntry)).all()) == 3


def test_person_export_json_and_printable_summary(
    make_device: Any, client: Any, as_user: Any
) -> None:
    hid, head, did = full_flow(make_device, client, as_user)
    off = as_user("officer_a")
    url = f"/api/privacy/people/{head}"
    assert client.get(f"{url}/export", headers=off).status_code == 428
    r = client.get(f"{url}/export", headers={**off, "X-Access-Reason": "yeu%20cau%20cua%20cong%20dan"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["format"] == "langso-person-export/1"
    assert body["person"]["full_name"] == "Giàng A Páo" and len(body["person"]["cccd"]) == 12
    assert body["household"]["id"] == hid and "is_head" in body["household"]
    [d] = body["dossiers"]
    assert d["id"] == did and d["role"] == "applicant" and d["result"] is not None
    assert {"mother_ethnicity", "requester_cccd"} <= set(d["sensitive_fields"])
    assert body["record_history"] and body["access_log"][0]["action"] == "person.export"
    pdf = client.get(f"{url}/summary.pdf", headers={**off, "X-Access-Reason": "in"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_erasure_keeps_retained_dossiers_until_the_purge(
    make_device: Any, client: Any, as_user: Any, engine: Engine, settings: Settings
) -> None:
    dev = make_device()
    _, head, spouse = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    approved(client, as_user, did)
    off = as_user("officer_a")
    # the spouse has no dossier: erased at once
    r = client.post(f"/api/privacy/people/{spouse}/requests", json={"kind": "erasure"},
                    headers=off)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "done" and r.json()["outcome"]["person"] == "anonymised"
    # the head applied for a received dossier: kept by law, erased after retention
    r = client.post(f"/api/privacy/people/{head}/requests",
                    json={"kind": "erasure", "note": "Yêu cầu tại UBND"}, headers=off)
    assert r.status_code == 201 and r.json()["status"] == "retained"
    assert r.json()["outcome"]["dossiers_retained"] == [did]
    assert client.post(f"/api/privacy/people/{head}/requests", json={"kind": "nope"},
                       headers=off).status_code == 422
    # a phone that was offline still pushes the old name: the erasure holds
    dev.mutate("member", spouse, "update", {"full_name": "Vàng Thị Dính"}, base=2)
    assert dev.push().status_code == 200
    with Session(engine) as s:
        sp = s.get(Member, spouse)
        assert sp is not None and sp.full_name == ERASED_NAME and sp.cccd is None
        hd = s.get(Member, head)
        assert hd is not None and hd.cccd is not None
    # the dossier closes; the purge before its retention end changes nothing …
    assert client.post(f"/api/review/dossiers/{did}/actions", json={"action": "return_result"},
                       headers=off).status_code in (200, 409, 422)
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None
        d.status = "result_returned"
        s.add(d)
        s.commit()
    assert purge_retention(engine, settings)["dossiers"] == 0
    # … after it, the dossier's personal data goes and the waiting erasure completes
    later = utcnow() + timedelta(days=settings.retain_closed_dossier_days + 1)
    counts = purge_retention(engine, settings, later)
    assert counts["dossiers"] == 1 and counts["people"] == 1
    with Session(engine) as s:
        d = s.get(Dossier, did)
        assert d is not None and d.form_data == {"_purged": True} and d.status == "result_returned"
        hd = s.get(Member, head)
        assert hd is not None and hd.full_name == ERASED_NAME and hd.cccd is None
    text_dump = dump(engine)
    assert "Giàng A Lử" not in text_dump and "Giàng A Páo" not in text_dump
    reqs = client.get(f"/api/privacy/people/{head}/export",
                      headers={**off, "X-Access-Reason": "kiem%20tra"}).json()["requests"]
    assert reqs[0]["kind"] == "erasure" and reqs[0]["status"] == "done"


def test_consent_withdrawal_clears_optional_fields_and_restricts(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    hid, head, _ = seed_household(dev)
    _did, _ = signed_dossier(dev, head)
    off = as_user("officer_a")
    assert client.get(f"/api/households/{hid}", headers=off).status_code == 200  # in queue
    r = client.post(f"/api/privacy/people/{head}/requests", json={"kind": "consent_withdrawal"},
                    headers=off)
    assert r.status_code == 201
    with Session(engine) as s:
        m = s.get(Member, head)
        assert m is not None and m.ethnicity == "" and m.phone is None and m.cccd
    # a restricted person is never routine: the same read now needs a reason
    assert client.get(f"/api/households/{hid}", headers=off).status_code == 428
    # a later edit (a phone that was offline, an officer) cannot bring the data back
    r = client.patch(f"/api/members/{head}", json={"phone": "0912345678", "notes": "x"},
                     headers={**off, "X-Access-Reason": "sua"})
    assert r.status_code == 200, r.text
    with Session(engine) as s:
        m = s.get(Member, head)
        assert m is not None and m.phone is None and m.notes == ""


def test_breach_record_computes_who_is_affected_and_writes_the_notice(
    make_device: Any, client: Any, as_user: Any, tmp_path: Path
) -> None:
    dev = make_device()
    hid, _head, _spouse = seed_household(dev)
    off = as_user("officer_a")
    client.get(f"/api/households/{hid}", headers={**off, "X-Access-Reason": "x"})
    now = utcnow()
    body = {"description": "Tài khoản cán bộ bị lộ mật khẩu",
            "found_at": now.isoformat(), "window_from": (now - timedelta(hours=1)).isoformat(),
            "window_to": (now + timedelta(minutes=1)).isoformat(),
            "actor_ids": [user_id("officer_a")], "measures": "Đã khoá tài khoản"}
    assert client.post("/api/privacy/breaches", json=body, headers=off).status_code == 403
    r = client.post("/api/privacy/breaches", json=body, headers=as_user("admin"))
    assert r.status_code == 201, r.text
    b = r.json()
    assert b["affected_members"] == 2 and b["affected_communes"]
    txt = client.get(f"/api/privacy/breaches/{b['id']}/notice?format=txt", headers=as_user("admin"))
    assert txt.status_code == 200
    assert "72 giờ" in txt.text and "Số chủ thể dữ liệu bị ảnh hưởng: 2" in txt.text
    assert "Đã khoá tài khoản" in txt.text
    pdf = client.get(f"/api/privacy/breaches/{b['id']}/notice?format=pdf", headers=as_user("admin"))
    assert pdf.content.startswith(b"%PDF")
    # a lost device: everyone in its volunteer's villages
    r = client.post("/api/privacy/breaches", headers=as_user("admin"), json={
        **body, "actor_ids": [], "device_ids": [dev.device_id]})
    assert r.status_code == 201 and r.json()["affected_members"] >= 2
    bad = client.post("/api/privacy/breaches", headers=as_user("admin"), json={
        **body, "device_ids": ["no-such-device"]})
    assert bad.status_code == 422
