"""The dossier view: labelled form data, components with missing photos, the device signature
re-verified from the stored bytes (tampering shows loudly), revision differences, amendments
and conflicts, audit trail and the duplicate warning."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, select

from backend.db.models import Blob, DossierRevision
from backend.lib.clock import utcnow
from tests.integration.test_review_world import (
    make_device,
    review_act,
    seed_household,
    signed_dossier,
)
from tests.support.device import BIRTH_FORM, PHOTO_SHA, submit_fields
from tests.support.world import user_id

__all__ = ["make_device"]


def view(client: Any, as_user: Any, did: str, who: str = "officer_a") -> dict[str, Any]:
    r = client.get(f"/api/review/dossiers/{did}", headers=as_user(who))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_view_labels_form_fields_and_shows_missing_photos(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    v = view(client, as_user, did)
    rows = {r["key"]: r for r in v["form"]}
    assert rows["child_full_name"]["label_vi"] == "Họ, chữ đệm và tên của trẻ"
    assert rows["child_full_name"]["value"] == "Giàng A Lử"
    assert rows["child_sex"]["display"] == "Nam"  # the option's label, not its value
    assert rows["child_date_of_birth"]["display"] == "20/02/2026"
    [birth] = [c for c in v["components"] if c["code"] == "giay-chung-sinh"]
    assert birth["attachments"][0]["sha256"] == PHOTO_SHA
    assert birth["attachments"][0]["present"] is False
    assert birth["missing_count"] == 1 and birth["complete"] is False
    assert v["consent"]["signer_name"] == "Giàng A Páo" and v["consent"]["present"] is False
    assert v["flags"]["attachments_complete"] is False
    # once the blobs exist the same dossier is complete
    with Session(engine) as s:
        for sha in (PHOTO_SHA, "c" * 64):
            s.add(Blob(sha256=sha, size=10, content_type="image/jpeg",
                       uploaded_by=user_id("vol_a1"), created_at=utcnow()))
        s.commit()
    v = view(client, as_user, did)
    assert v["flags"]["attachments_complete"] is True
    assert v["components"][0]["attachments"][0]["present"] is True
    assert v["procedure"]["name_vi"] == "Đăng ký khai sinh"
    assert v["applicant"]["full_name"] == "Giàng A Páo"
    assert v["volunteer"]["name"] == "Vol A1"
    assert [e["action"] for e in v["audit"]] == ["create", "submit"]
    assert "receive" in v["allowed_actions"] and "refuse" in v["allowed_actions"]


def test_signature_is_valid_with_device_volunteer_and_signing_time(
    make_device: Any, client: Any, as_user: Any
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, sent = signed_dossier(dev, head)
    sig = view(client, as_user, did)["signature"]
    assert sig["valid"] is True and sig["code"] == "valid"
    assert sig["device_id"] == dev.device_id
    assert sig["volunteer_id"] == user_id("vol_a1") and sig["volunteer_name"] == "Vol A1"
    assert sig["revision"] == sent.hash
    assert sig["signed_at"].startswith("2026-03-02")  # the device's clock (HLC wall time)
    assert sig["alg"] == "Ed25519" and sig["matches_current_data"] is True


def test_tampered_stored_payload_shows_an_invalid_signature(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, sent = signed_dossier(dev, head)
    with Session(engine) as s:
        rev = s.get(DossierRevision, sent.hash)
        assert rev is not None
        forged = rev.payload.replace("Giàng A Lử", "Giàng A Lừa")
        assert forged != rev.payload
        s.exec(update(DossierRevision).where(DossierRevision.hash == sent.hash)  # type: ignore[call-overload]
               .values(payload=forged))
        s.commit()
    v = view(client, as_user, did)
    assert v["signature"]["valid"] is False
    assert v["signature"]["code"] == "bad_signature"
    assert "bị sửa" in v["signature"]["message_vi"]
    assert v["flags"]["signature_valid"] is False
    assert v["revisions"][0]["changes"] is None  # unverified content is not diffed
    item = client.get("/api/review/dossiers", headers=as_user("officer_a")).json()["items"][0]
    assert item["flags"]["signature_valid"] is False


def test_signature_of_a_swapped_revision_hash_is_reported(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    """Payload and signature intact, but stored under another dossier's revision: the payload
    hash no longer names the revision."""
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, sent = signed_dossier(dev, head)
    with Session(engine) as s:
        rev = s.get(DossierRevision, sent.hash)
        assert rev is not None
        s.exec(update(DossierRevision).where(DossierRevision.hash == sent.hash)  # type: ignore[call-overload]
               .values(hash=hashlib.sha256(b"other").hexdigest()))
        s.commit()
    assert view(client, as_user, did)["signature"]["code"] == "hash_mismatch"


def test_revision_history_shows_field_differences_between_signed_versions(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, first = signed_dossier(dev, head)
    off = as_user("officer_a")
    assert review_act(client, off, did, "receive").status_code == 200
    r = review_act(client, off, did, "request_supplement", "Ảnh mờ, tên trẻ sai",
                   items=[{"component_code": "giay-chung-sinh", "problem": "Ảnh mờ"},
                          {"field": "child_full_name", "problem": "Sai dấu"}])
    assert r.status_code == 200, r.text
    dev.pull()
    version = dev.replica[("dossier", did)]["version"]
    form = dict(BIRTH_FORM, child_full_name="Giàng A Lừ")
    second = dev.mutate("dossier", did, "submit",
                        submit_fields(form, prev_revision=first.hash, photo="b" * 64),
                        base=version)
    assert dev.push().json()["results"][0]["status"] == "applied"
    v = view(client, as_user, did)
    assert [r["number"] for r in v["revisions"]] == [1, 2]
    assert v["revisions"][1]["hash"] == second.hash
    assert v["revisions"][1]["kind"] == "supplement"
    assert all(r["signature"]["valid"] for r in v["revisions"])
    changes = {c["path"]: c for c in v["revisions"][1]["changes"]}
    assert set(changes) == {"form_data.child_full_name", "components.giay-chung-sinh"}
    name = changes["form_data.child_full_name"]
    assert (name["before"], name["after"]) == ("Giàng A Lử", "Giàng A Lừ")
    assert name["label_vi"] == "Họ, chữ đệm và tên của trẻ"
    photo = changes["components.giay-chung-sinh"]
    assert photo["added"] == ["b" * 64] and photo["removed"] == [PHOTO_SHA]
    # the first revision's "changes" is everything it added
    assert any(c["path"] == "form_data.child_full_name" and c["kind"] == "added"
               for c in v["revisions"][0]["changes"])
    assert v["signature"]["revision"] == second.hash
    with Session(engine) as s:
        assert len(s.exec(select(DossierRevision).where(
            DossierRevision.dossier_id == did)).all()) == 2


def test_pending_amendment_is_listed_and_flags_a_conflict(
    make_device: Any, client: Any, as_user: Any
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    assert review_act(client, as_user("officer_a"), did, "receive").status_code == 200
    dev.pull()
    version = dev.replica[("dossier", did)]["version"]
    dev.mutate("dossier", did, "update",
               {"form_data": dict(BIRTH_FORM, child_full_name="Giàng A Lứ")}, base=version)
    result = dev.push().json()["results"][0]
    assert result["code"] == "amendment_pending", result
    v = view(client, as_user, did)
    assert v["flags"]["has_conflict"] is True
    [a] = v["amendments"]
    assert a["status"] == "pending"
    assert a["fields"]["form_data"]["child_full_name"] == "Giàng A Lứ"
    # in words: only what would change, labelled as on the form, before and after
    assert a["rows"] == [{"label_vi": "Họ, chữ đệm và tên của trẻ",
                          "before_text": BIRTH_FORM["child_full_name"],
                          "after_text": "Giàng A Lứ"}]


def test_duplicate_warning_lists_the_other_open_dossier(
    make_device: Any, client: Any, as_user: Any
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    first, _ = signed_dossier(dev, head)
    second, _ = signed_dossier(dev, head)
    v = view(client, as_user, second)
    assert v["flags"]["possible_duplicate"] is True
    [dup] = v["duplicates"]
    assert dup["id"] == first and dup["match"] == "member"
    assert dup["status_label_vi"] == "Đã nộp, chờ tiếp nhận"


def test_view_of_another_communes_dossier_is_refused(
    make_device: Any, client: Any, as_user: Any
) -> None:
    dev = make_device()
    _, head, _ = seed_household(dev)
    did, _ = signed_dossier(dev, head)
    r = client.get(f"/api/review/dossiers/{did}", headers=as_user("officer_b"))
    assert r.status_code == 403
    admin = {**as_user("admin"), "X-Access-Reason": "audit"}  # an admin has no queue
    assert client.get(f"/api/review/dossiers/{did}", headers=admin).status_code == 200


def test_history_reads_as_words_not_codes(
    make_device: Any, client: Any, as_user: Any, engine: Engine
) -> None:
    """Issue 11: option labels, member names and dd/mm/yyyy instead of codes and ids; a new
    photo and a replaced one read "thêm 1 ảnh, thay 1 ảnh" with thumbnails before and after;
    a field the form hides is not listed as missing; the dossier's own contact phone."""
    dev = make_device()
    _, head, spouse = seed_household(dev)
    first_form = dict(BIRTH_FORM, child_place_of_birth_kind="co_so_y_te",
                      child_birth_facility="Trạm y tế xã Pu Sam Cáp",
                      requester_phone="0977123456")
    del first_form["child_place_of_birth_address"]
    did, first = signed_dossier(dev, head, first_form)
    with Session(engine) as s:
        for sha in (PHOTO_SHA, "b" * 64, "d" * 64):
            s.add(Blob(sha256=sha, size=10, content_type="image/jpeg",
                       uploaded_by=user_id("vol_a1"), created_at=utcnow()))
        s.commit()
    v = view(client, as_user, did)
    rows = {r["key"]: r for r in v["form"]}
    assert rows["child_place_of_birth_address"]["visible"] is False  # hidden, not missing
    assert rows["child_birth_facility"]["visible"] is True
    assert v["dossier"]["contact_phone"] == "0977123456"
    off = as_user("officer_a")
    assert review_act(client, off, did, "receive").status_code == 200
    r = review_act(client, off, did, "request_supplement", "Thiếu ảnh",
                   items=[{"component_code": "giay-chung-sinh", "problem": "Ảnh mờ"}])
    assert r.status_code == 200, r.text
    dev.pull()
    version = dev.replica[("dossier", did)]["version"]
    second_form = dict(first_form, child_sex="female", mother_member=spouse,
                       child_date_of_birth="2026-02-21")
    fields = submit_fields(second_form, prev_revision=first.hash)
    fields["components"] = {"giay-chung-sinh": ["b" * 64, "d" * 64]}
    dev.mutate("dossier", did, "submit", fields, base=version)
    assert dev.push().json()["results"][0]["status"] == "applied"
    changes = {c["path"]: c for c in view(client, as_user, did)["revisions"][1]["changes"]}
    sex = changes["form_data.child_sex"]
    assert (sex["before_text"], sex["after_text"]) == ("Nam", "Nữ")
    assert changes["form_data.mother_member"]["after_text"] == "Vàng Thị Dính"
    assert changes["form_data.mother_member"]["label_vi"] == "Mẹ (chọn trong hộ)"
    born = changes["form_data.child_date_of_birth"]
    assert (born["before_text"], born["after_text"]) == ("20/02/2026", "21/02/2026")
    photos = changes["components.giay-chung-sinh"]
    assert photos["summary_vi"] == "thêm 1 ảnh, thay 1 ảnh"
    assert [f["url"] for f in photos["before_files"]] == [f"/api/attachments/{PHOTO_SHA}"]
    assert [f["sha256"] for f in photos["after_files"]] == ["b" * 64, "d" * 64]
    assert all(f["is_image"] and f["present"] for f in photos["after_files"])
    text = str(changes)
    for code in ("'female'", "co_so_y_te"):
        assert code not in str({k: (c.get("before_text"), c.get("after_text"))
                                for k, c in changes.items()}), code
    assert spouse in text  # the raw id stays in `after`, the words are in `after_text`
