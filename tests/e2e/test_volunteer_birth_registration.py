"""A volunteer registers a newborn in a house without signal, with the server process really
gone, and the dossier reaches the server intact once both come back."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from sync.mutations import decode_signed_mutation
from tests.e2e.conftest import OfflineVolunteer
from tests.e2e.helpers import (
    blob_bytes,
    document_photo,
    file_birth_registration,
    go,
    go_online,
    idb_all,
    server_db,
    sync_now,
    unlock,
    unseal,
    young_couple,
)


@pytest.fixture(scope="module")
def certificate_photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Front and back of a birth certificate as a phone camera takes them (~12 MP JPEG)."""
    folder = tmp_path_factory.mktemp("photos")
    return [document_photo(folder / f"giay-chung-sinh-{i}.jpg", seed=i) for i in (1, 2)]


def test_volunteer_registers_birth_offline_then_syncs(
    fresh_volunteer_offline: OfflineVolunteer, certificate_photos: list[Path]
) -> None:
    page, context, server = (
        fresh_volunteer_offline.page,
        fresh_volunteer_offline.context,
        fresh_volunteer_offline.server,
    )
    couple = young_couple(server, "volunteer1")

    child = "Giàng Thị Mai"
    born = (date.today() - timedelta(days=9)).isoformat()
    dossier_id = file_birth_registration(page, couple, child, certificate_photos, born)
    page.get_by_text("Đã ký, chờ gửi").first.wait_for()

    # Reload with no server and no network: the shell comes from the service worker, the
    # dossier from IndexedDB, after the PIN.
    page.reload()
    unlock(page)
    go(page, "/dossiers")
    item = page.locator(f'a.list-item[href="#/dossiers/{dossier_id}"]')
    item.wait_for()
    assert "chờ gửi" in item.inner_text()
    with server_db(server) as con:
        assert (
            con.execute("select count(*) from dossiers where id = ?", (dossier_id,)).fetchone()[0]
            == 0
        )

    go_online(context, server)
    sync_now(page)
    go(page, f"/dossiers/{dossier_id}")
    page.get_by_text("Đã gửi — biên nhận").first.wait_for(timeout=60_000)

    # On the server: the dossier, its signed revision verifying with the device's public key,
    # and every referenced file stored as a blob whose bytes hash to the signed hash.
    (draft,) = [d for d in idb_all(page, "dossier_drafts") if d["dossier_id"] == dossier_id]
    device_photos = {ref["sha256"]: ref for ref in draft["components"]["giay-chung-sinh"]}
    with server_db(server) as con:
        dossier = con.execute("select * from dossiers where id = ?", (dossier_id,)).fetchone()
        assert dossier is not None, "the server does not hold the dossier"
        assert dossier["status"] == "submitted"
        assert dossier["household_id"] == couple.household_id
        revisions = con.execute(
            "select * from dossier_revisions where dossier_id = ?", (dossier_id,)
        ).fetchall()
        assert len(revisions) == 1
        rev = revisions[0]
        device = con.execute(
            "select d.*, u.username from devices d join users u on u.id = d.user_id where d.id = ?",
            (rev["device_id"],),
        ).fetchone()
        assert device["username"] == "volunteer1"
        blobs = {
            r["sha256"]: r
            for r in con.execute("select sha256, size, content_type, width, height from blobs")
        }

    mutation = decode_signed_mutation(
        unseal(server, "sync", rev["payload"]), rev["sig"], device["alg"], device["public_key"]
    )
    assert mutation.hash == rev["hash"]
    assert mutation.op == "submit" and mutation.entity_id == dossier_id
    form = mutation.fields["form_data"]
    assert form["child_full_name"] == child
    assert form["mother_full_name"] == couple.mother_name
    assert form["father_full_name"] == couple.father_name

    photos = mutation.fields["components"]["giay-chung-sinh"]
    assert len(photos) == 2 and set(photos) == set(device_photos)
    consent = mutation.fields["consent"]["signature_sha256"]
    for sha in [*photos, consent]:
        assert sha in blobs, f"blob {sha} missing on the server"
        data = blob_bytes(server, sha)
        assert hashlib.sha256(data).hexdigest() == sha
        assert len(data) == blobs[sha]["size"]
    for sha in photos:
        # compressed on the device in document mode (long edge about 1600 px, WebP or JPEG)
        assert blobs[sha]["content_type"] == device_photos[sha]["type"]
        assert blobs[sha]["content_type"] in ("image/webp", "image/jpeg")
        assert max(blobs[sha]["width"], blobs[sha]["height"]) <= 1600
        assert blobs[sha]["size"] < min(p.stat().st_size for p in certificate_photos)
    assert blobs[consent]["content_type"] == "image/png"
