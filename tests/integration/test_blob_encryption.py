"""Photos and result PDFs are sealed at rest in the blob store (issue 14, branch privacy2).

On each database and each store (local directory, S3-compatible): an uploaded photo is stored
as ciphertext and served as the original bytes; a blob stored plain before sealing still reads,
`langso blobs seal` seals it in place and `unseal` undoes it; `langso pii rotate` re-wraps the
content keys so every blob still opens after it; a damaged sealed file answers 503, not 500.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import text
from sqlmodel import Session

from backend.blobs.content import seal_existing
from backend.blobs.sealed import MAGIC, is_sealed_blob
from backend.db.models import Blob
from backend.lib.clock import utcnow
from backend.privacy.crypto import is_sealed
from backend.privacy.keys import master_for
from backend.privacy.rotation import rotate
from backend.settings import Settings
from tests.conftest import login
from tests.integration.test_attachments import noisy_jpeg, patch_chunk, send_from, start, upload
from tests.support.databases import world_database
from tests.support.world import user_id


@pytest.fixture(scope="module", params=["local", "s3"])
def blob_url(request: pytest.FixtureRequest) -> str | None:
    if request.param == "local":
        return None
    return request.getfixturevalue("s3_server").new_bucket_url()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def own_database(database_url: str, blob_url: str | None,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database for this module and store alone: its rotation test replaces every data key,
    and any other engine on the same database (the session's app, the other store's) would
    go on sealing under a deleted key, unreadable by everyone else — what docs/privacy.md
    means by stopping the app servers during a rotation. (Once, under `pytest -n 2`, that
    broke test_worker and test_privacy_server's rotation on the shared session database.)"""
    kind = "sqlite" if database_url.startswith("sqlite") else "postgres"
    with world_database(kind, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def settings(own_database: str, blob_url: str | None,
             tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(database_url=own_database, data_dir=tmp_path_factory.mktemp("data"),
                    blob_url=blob_url)


@pytest.fixture(scope="module")
def app(settings: Settings) -> Any:
    from backend.app import create_app

    return create_app(settings)


@pytest.fixture(scope="module")
def salt(blob_url: str | None) -> int:
    """Photos differ per store (kept from when both stores shared one database)."""
    return 0 if blob_url is None else 1000


def _raw(app: Any, sha: str) -> bytes:
    data = app.state.blob_store.read_blob(sha)
    assert data is not None
    return data  # type: ignore[no-any-return]


def _content_key_column(app: Any, sha: str) -> str:
    with app.state.engine.connect() as conn:
        return str(conn.execute(text("SELECT content_key FROM blobs WHERE sha256 = :s"),
                                {"s": sha}).scalar_one())


def test_an_uploaded_photo_is_ciphertext_in_the_store_and_the_original_when_served(
        app: Any, salt: int) -> None:
    photo = noisy_jpeg(seed=salt + 41)
    sha = hashlib.sha256(photo).hexdigest()
    with TestClient(app=app) as client:
        headers = login(client, "vol_a1")
        upload(client, headers, photo)
        raw = _raw(app, sha)
        assert raw.startswith(MAGIC)
        # Neither the JPEG header nor any 32-byte run of the photo is in the stored bytes.
        assert b"\xff\xd8\xff" not in raw[:64] and b"JFIF" not in raw
        assert all(photo[i:i + 32] not in raw for i in range(0, len(photo) - 32, 4096))
        # The row keeps the content key sealed, never in clear.
        assert is_sealed(_content_key_column(app, sha))
        served = client.get(f"/api/attachments/{sha}", headers=headers)
        assert served.status_code == 200 and served.content == photo
        assert served.headers["content-type"].startswith("image/jpeg")
        assert served.headers["etag"] == f'"{sha}"'
        again = client.get(f"/api/attachments/{sha}",
                           headers={**headers, "If-None-Match": f'"{sha}"'})
        assert again.status_code == 304


def test_a_blob_stored_plain_before_sealing_reads_then_seals_and_unseals_in_place(
        app: Any, salt: int) -> None:
    png = noisy_jpeg(seed=salt + 42, size=(120, 90))
    sha = hashlib.sha256(png).hexdigest()
    store = app.state.blob_store
    store.put_stored(sha, png)  # as a store written before this branch holds it
    with Session(app.state.engine) as s:
        s.add(Blob(sha256=sha, size=len(png), content_type="image/jpeg",
                   uploaded_by=user_id("vol_a1"), created_at=utcnow()))
        s.commit()
    with TestClient(app=app) as client:
        headers = login(client, "vol_a1")
        assert client.get(f"/api/attachments/{sha}", headers=headers).content == png

        # (Rows of the other store's run are "missing" here: the database is shared.)
        changed, _missing = seal_existing(app.state.engine, store)
        assert changed == 1
        assert is_sealed_blob(_raw(app, sha))
        assert client.get(f"/api/attachments/{sha}", headers=headers).content == png
        assert seal_existing(app.state.engine, store)[0] == 0  # idempotent

        changed, _ = seal_existing(app.state.engine, store, undo=True)
        assert changed >= 1 and _raw(app, sha) == png
        assert not is_sealed_blob(_raw(app, sha))
        with Session(app.state.engine) as s:
            row = s.get(Blob, sha)
            assert row is not None and row.content_key is None
        assert client.get(f"/api/attachments/{sha}", headers=headers).content == png
        seal_existing(app.state.engine, store)  # leave the store sealed for what follows
        assert is_sealed_blob(_raw(app, sha))


def test_key_rotation_rewraps_content_keys_and_every_blob_still_opens(
        app: Any, settings: Settings, salt: int) -> None:
    before = noisy_jpeg(seed=salt + 43, size=(200, 150))
    sha = hashlib.sha256(before).hexdigest()
    with TestClient(app=app) as client:
        headers = login(client, "vol_a1")
        upload(client, headers, before)
        stored_before = _raw(app, sha)
        column_before = _content_key_column(app, sha)

        old = master_for(settings)
        new = bytes(range(32))
        assert rotate(app.state.engine, old, new) > 0
        try:
            # The file is untouched; its key is re-wrapped under the new data key.
            assert _raw(app, sha) == stored_before
            assert _content_key_column(app, sha) != column_before
            assert client.get(f"/api/attachments/{sha}", headers=headers).content == before
            # A blob stored after the rotation is sealed under the new keys and reads too.
            after = noisy_jpeg(seed=salt + 44, size=(200, 150))
            upload(client, headers, after)
            got = client.get(f"/api/attachments/{hashlib.sha256(after).hexdigest()}",
                             headers=headers)
            assert got.content == after
        finally:
            rotate(app.state.engine, new, old)  # the module's other tests use the file key
        assert client.get(f"/api/attachments/{sha}", headers=headers).content == before


def test_a_damaged_sealed_blob_answers_503_blob_unavailable(app: Any, salt: int) -> None:
    photo = noisy_jpeg(seed=salt + 45, size=(160, 120))
    sha = hashlib.sha256(photo).hexdigest()
    with TestClient(app=app) as client:
        headers = login(client, "vol_a1")
        upload(client, headers, photo)
        raw = bytearray(_raw(app, sha))
        raw[-5] ^= 0x01
        app.state.blob_store.put_stored(sha, bytes(raw))
        r = client.get(f"/api/attachments/{sha}", headers=headers)
        assert r.status_code == 503 and r.json()["code"] == "blob_unavailable"


def test_a_result_pdf_stored_plain_and_written_again_is_sealed_with_its_row_key(
        app: Any, salt: int) -> None:
    from backend.blobs.content import read_plain
    from backend.results.service import _store_pdf

    pdf = b"%PDF-1.7\n" + bytes([salt % 251]) * 2048 + b"\n%%EOF\n"
    sha = hashlib.sha256(pdf).hexdigest()
    store = app.state.blob_store
    store.put_stored(sha, pdf)
    with Session(app.state.engine) as s:
        s.add(Blob(sha256=sha, size=len(pdf), content_type="application/pdf",
                   uploaded_by=user_id("officer_a"), created_at=utcnow()))
        s.commit()
        _store_pdf(s, store, pdf, sha, user_id("officer_a"), utcnow())
        s.commit()
    with Session(app.state.engine) as s:
        row = s.get(Blob, sha)
        assert row is not None and row.content_key
        assert is_sealed_blob(_raw(app, sha)) and read_plain(store, row) == pdf


# --- uploads in progress (branch privacy3) --------------------------------------------------


def _partial_raw(app: Any, user: str, sha: str) -> bytes:
    """The stored bytes of an upload in progress (the local file, or the S3 chunks joined)."""
    store = app.state.blob_store
    return store.read_partial(store.partial_relpath(sha, user_id(user)))  # type: ignore[no-any-return]


def _upload_key_column(app: Any, sha: str) -> str | None:
    with app.state.engine.connect() as conn:
        value = conn.execute(text("SELECT content_key FROM uploads WHERE sha256 = :s"),
                             {"s": sha}).scalar_one()
    return None if value is None else str(value)


def test_an_upload_in_progress_is_ciphertext_in_the_store_from_its_first_chunk(
        app: Any, salt: int) -> None:
    photo = noisy_jpeg(seed=salt + 51, size=(400, 300))
    sha = hashlib.sha256(photo).hexdigest()
    half = len(photo) // 2
    with TestClient(app=app) as client:
        headers = login(client, "vol_a1")
        assert start(client, headers, photo).status_code == 201
        send_from(client, headers, photo, stop_at=half)
        raw = _partial_raw(app, "vol_a1", sha)
        # Same length (offsets and resume unchanged), none of the photo's bytes.
        assert len(raw) == half
        assert b"JFIF" not in raw and raw[:3] != b"\xff\xd8\xff"
        assert all(photo[i:i + 32] not in raw for i in range(0, half - 32, 1024))
        assert is_sealed(_upload_key_column(app, sha) or "")
        # The resumable protocol is unchanged: status, then the rest from the server's offset.
        status = client.head(f"/api/uploads/{sha}", headers=headers)
        assert int(status.headers["Upload-Offset"]) == half
        send_from(client, headers, photo, offset=half)
        assert client.get(f"/api/attachments/{sha}", headers=headers).content == photo
        assert is_sealed_blob(_raw(app, sha))


def test_a_chunk_resent_after_a_lost_answer_and_a_rotation_mid_upload_keep_it_whole(
        app: Any, settings: Settings, salt: int) -> None:
    photo = noisy_jpeg(seed=salt + 52, size=(400, 300))
    sha = hashlib.sha256(photo).hexdigest()
    third = len(photo) // 3
    with TestClient(app=app) as client:
        headers = login(client, "vol_a1")
        start(client, headers, photo)
        send_from(client, headers, photo, stop_at=third)
        # The answer to the last chunk was lost: the phone sends it again -> 409 with the offset.
        again = patch_chunk(client, headers, sha, 0, photo[:third])
        assert again.status_code == 409
        old, new = master_for(settings), bytes(range(1, 33))
        rotate(app.state.engine, old, new)
        try:
            send_from(client, headers, photo, offset=third)
            assert client.get(f"/api/attachments/{sha}", headers=headers).content == photo
        finally:
            rotate(app.state.engine, new, old)
        assert client.get(f"/api/attachments/{sha}", headers=headers).content == photo


def test_an_upload_begun_before_partial_sealing_finishes_and_is_sealed(
        app: Any, salt: int) -> None:
    photo = noisy_jpeg(seed=salt + 53, size=(300, 200))
    sha = hashlib.sha256(photo).hexdigest()
    half = len(photo) // 2
    with TestClient(app=app) as client:
        headers = login(client, "vol_a1")
        start(client, headers, photo)
        with app.state.engine.begin() as conn:  # as the 0009_privacy3 migration leaves it
            conn.execute(text("UPDATE uploads SET content_key = NULL WHERE sha256 = :s"),
                         {"s": sha})
        send_from(client, headers, photo, stop_at=half)
        assert _partial_raw(app, "vol_a1", sha) == photo[:half]  # plain, as before
        send_from(client, headers, photo, offset=half)
        assert client.get(f"/api/attachments/{sha}", headers=headers).content == photo
        assert is_sealed_blob(_raw(app, sha))


def test_a_restarted_upload_gets_a_new_key(app: Any, salt: int) -> None:
    photo = noisy_jpeg(seed=salt + 54, size=(300, 200))
    sha = hashlib.sha256(photo).hexdigest()
    with TestClient(app=app) as client:
        headers = login(client, "vol_a1")
        start(client, headers, photo)
        send_from(client, headers, photo, stop_at=1000)
        first = _partial_raw(app, "vol_a1", sha)
        # Another size for the same hash restarts from zero (create_upload): fresh key.
        restarted = client.post("/api/uploads", json={"sha256": sha, "size": len(photo) + 1},
                                headers=headers)
        assert restarted.status_code in (200, 201) and restarted.json()["offset"] == 0
        client.post("/api/uploads", json={"sha256": sha, "size": len(photo)}, headers=headers)
        send_from(client, headers, photo, stop_at=1000)
        assert _partial_raw(app, "vol_a1", sha) != first
        send_from(client, headers, photo, offset=1000)
        assert client.get(f"/api/attachments/{sha}", headers=headers).content == photo
