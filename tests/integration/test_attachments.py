"""Content-addressed, resumable attachment uploads over HTTP, on SQLite and PostgreSQL, with
the blobs in the local directory and in an S3-compatible store (a real moto server over HTTP,
tests/support/s3_server.py): the whole suite runs against both backends."""

from __future__ import annotations

import hashlib
import io
import random
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from backend.app import create_app
from backend.attachments import service
from backend.attachments.storage import BlobStore
from backend.blobs.content import read_plain
from backend.blobs.sealed import is_sealed_blob
from backend.db.models import Blob, Upload, User
from backend.lib.auth import load_principal
from backend.lib.clock import utcnow
from backend.lib.errors import AppError
from backend.settings import Settings
from tests.conftest import login
from tests.support.world import user_id

IMAGES = Path(__file__).resolve().parents[1] / "fixtures" / "images"
CHUNK = 256 * 1024
OCTETS = "application/offset+octet-stream"
Headers = Callable[[str], dict[str, str]]


@pytest.fixture(scope="module", params=["local", "s3"])
def blob_url(request: pytest.FixtureRequest) -> str | None:
    if request.param == "local":
        return None
    server = request.getfixturevalue("s3_server")
    return server.new_bucket_url()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def settings(database_url: str, blob_url: str | None,
             tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path_factory.mktemp("data"),
                    blob_url=blob_url)


@pytest.fixture(scope="module")
def app(settings: Settings) -> Any:
    return create_app(settings)


@pytest.fixture(scope="module")
def engine(app: Any) -> Engine:
    return app.state.engine  # type: ignore[no-any-return]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fixture(name: str) -> bytes:
    return (IMAGES / name).read_bytes()


def noisy_jpeg(seed: int = 7, size: tuple[int, int] = (900, 600)) -> bytes:
    """A photo-like JPEG of a few hundred KB: noise does not compress, so it spans chunks."""
    rnd = random.Random(seed)
    im = Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=95)
    return buf.getvalue()


def start(
    client: TestClient[Any], headers: dict[str, str], data: bytes, content_type: str | None = None
) -> Any:
    body: dict[str, Any] = {"sha256": sha(data), "size": len(data)}
    if content_type is not None:
        body["content_type"] = content_type
    return client.post("/api/uploads", json=body, headers=headers)


def patch_chunk(
    client: TestClient[Any], headers: dict[str, str], digest: str, offset: int, chunk: bytes
) -> Any:
    return client.patch(
        f"/api/uploads/{digest}",
        content=chunk,
        headers={**headers, "Upload-Offset": str(offset), "Content-Type": OCTETS},
    )


def send_from(
    client: TestClient[Any],
    headers: dict[str, str],
    data: bytes,
    offset: int = 0,
    chunk: int = CHUNK,
    stop_at: int | None = None,
) -> tuple[Any, int]:
    """PATCHes chunks from `offset` (until `stop_at`); returns the last response and the
    number of body bytes sent."""
    digest, sent, response = sha(data), 0, None
    end = len(data) if stop_at is None else stop_at
    while offset < end:
        piece = data[offset : min(offset + chunk, end)]
        response = patch_chunk(client, headers, digest, offset, piece)
        assert response.status_code == 204, response.text
        sent += len(piece)
        offset = int(response.headers["Upload-Offset"])
    return response, sent


def upload(
    client: TestClient[Any], headers: dict[str, str], data: bytes, content_type: str | None = None
) -> Any:
    created = start(client, headers, data, content_type)
    assert created.status_code in (200, 201), created.text
    if created.json()["complete"]:
        return created
    last, _ = send_from(client, headers, data, created.json()["offset"])
    return last


def blob_count(engine: Engine, digest: str) -> int:
    with Session(engine) as s:
        return int(
            s.exec(select(func.count()).select_from(Blob).where(Blob.sha256 == digest)).one()
        )


def store_of(app: Any) -> BlobStore:
    return app.state.blob_store  # type: ignore[no-any-return]


def stored_bytes(app: Any, digest: str) -> bytes | None:
    """The blob's bytes from the store (local file or S3 object), not via the API, opened with
    the row's key; the stored form itself must be sealed, not the plain bytes."""
    store = store_of(app)
    if not store.has_blob(digest):
        return None
    raw = store.read_blob(digest)
    assert raw is not None and is_sealed_blob(raw)
    with Session(app.state.engine) as s:
        blob = s.get(Blob, digest)
        assert blob is not None and blob.content_key
        return read_plain(store, blob)


def partial_of(user: str, digest: str) -> str:
    return f"uploads/{user_id(user)}/{digest}.part"


# --- the happy path ---------------------------------------------------------------------


def test_full_upload_in_chunks_is_verified_stored_and_served(
    client: TestClient[Any], as_user: Headers, app: Any, engine: Engine
) -> None:
    photo = noisy_jpeg()
    digest = sha(photo)
    assert len(photo) > 2 * CHUNK
    created = start(client, as_user("vol_a1"), photo, "image/jpeg")
    assert created.status_code == 201
    assert created.json() == {
        "sha256": digest,
        "size": len(photo),
        "offset": 0,
        "complete": False,
        "upload_url": f"/api/uploads/{digest}",
        "declared_type": "image/jpeg",
        "content_type": None,
    }
    assert created.headers["Location"] == f"/api/uploads/{digest}"

    offsets = []
    offset = 0
    while offset < len(photo):
        r = patch_chunk(client, as_user("vol_a1"), digest, offset, photo[offset : offset + CHUNK])
        assert r.status_code == 204
        offset = int(r.headers["Upload-Offset"])
        offsets.append(offset)
        # a blob does not count until its last byte is verified
        missing = client.post(
            "/api/attachments/missing", json={"hashes": [digest]}, headers=as_user("vol_a1")
        ).json()["missing"]
        assert missing == ([] if offset == len(photo) else [digest])
    assert offsets == [min(n * CHUNK, len(photo)) for n in range(1, len(offsets) + 1)]
    assert r.headers["Upload-Complete"] == "?1"
    assert r.headers["Upload-Content-Type"] == "image/jpeg"

    status = client.get(f"/api/uploads/{digest}", headers=as_user("vol_a1")).json()
    assert status["complete"] is True and status["content_type"] == "image/jpeg"
    assert stored_bytes(app, digest) == photo
    with Session(engine) as s:
        blob = s.get(Blob, digest)
        assert blob is not None
        assert (blob.size, blob.content_type, blob.width, blob.height) == (
            len(photo),
            "image/jpeg",
            900,
            600,
        )
        assert blob.uploaded_by == user_id("vol_a1")
        assert s.exec(select(Upload)).all() == []

    got = client.get(f"/api/attachments/{digest}", headers=as_user("vol_a1"))
    assert got.status_code == 200
    assert got.content == photo
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert got.headers["etag"] == f'"{digest}"'
    assert got.headers["x-content-type-options"] == "nosniff"


def test_download_answers_304_to_a_matching_etag(client: TestClient[Any], as_user: Headers) -> None:
    png = fixture("scan.png")
    upload(client, as_user("vol_a1"), png)
    r = client.get(
        f"/api/attachments/{sha(png)}",
        headers={**as_user("vol_a1"), "If-None-Match": f'"{sha(png)}"'},
    )
    assert r.status_code == 304
    assert r.content == b""


@pytest.mark.parametrize(
    ("name", "stored_type"),
    [
        ("photo.jpg", "image/jpeg"),
        ("scan.png", "image/png"),
        ("photo.webp", "image/webp"),
        ("one-page.pdf", "application/pdf"),
    ],
)
def test_each_allowed_type_is_accepted_by_content(
    client: TestClient[Any], as_user: Headers, engine: Engine, name: str, stored_type: str
) -> None:
    data = fixture(name)
    last = upload(client, as_user("vol_a1"), data)
    assert last.status_code == 204
    with Session(engine) as s:
        blob = s.get(Blob, sha(data))
        assert blob is not None and blob.content_type == stored_type


# --- resuming -----------------------------------------------------------------------------


def test_resume_after_disconnect_sends_only_the_bytes_after_the_server_offset(
    client: TestClient[Any], app: Any
) -> None:
    photo = noisy_jpeg(seed=11)
    digest = sha(photo)
    half = (len(photo) // 2 // 1000) * 1000  # a cut that is not on a chunk boundary

    first_headers = login(client, "vol_a1")
    assert start(client, first_headers, photo).status_code == 201
    _, sent_before = send_from(client, first_headers, photo, chunk=100_000, stop_at=half)
    assert sent_before == half
    # the link drops: a new HTTP client, a new login, nothing remembered but the hash

    with TestClient(app=app) as again:
        headers = login(again, "vol_a1")
        probe = again.head(f"/api/uploads/{digest}", headers=headers)
        assert probe.status_code == 200
        assert probe.headers["Upload-Offset"] == str(half)
        assert probe.headers["Upload-Length"] == str(len(photo))
        resumed = start(again, headers, photo)
        assert resumed.status_code == 200  # the existing upload, not a new one
        assert resumed.json()["offset"] == half
        last, sent_after = send_from(again, headers, photo, offset=half, chunk=100_000)
        assert last.headers["Upload-Complete"] == "?1"

    assert sent_before + sent_after == len(photo)  # not one byte was sent twice
    assert stored_bytes(app, digest) == photo


def test_lost_answer_to_the_last_chunk_is_recoverable(
    client: TestClient[Any], as_user: Headers
) -> None:
    png = fixture("scan.png")
    upload(client, as_user("vol_a1"), png)
    # the client never saw the 204 and sends the last chunk again
    again = patch_chunk(client, as_user("vol_a1"), sha(png), 0, png)
    assert again.status_code == 204
    assert again.headers["Upload-Offset"] == str(len(png))
    assert again.headers["Upload-Complete"] == "?1"
    head = client.head(f"/api/uploads/{sha(png)}", headers=as_user("vol_a1"))
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(png))


def test_wrong_offset_is_refused_with_the_server_offset(
    client: TestClient[Any], as_user: Headers
) -> None:
    photo = noisy_jpeg(seed=3)
    digest = sha(photo)
    start(client, as_user("vol_a1"), photo)
    send_from(client, as_user("vol_a1"), photo, stop_at=1000, chunk=1000)
    for wrong in (0, 500, 5000):
        r = patch_chunk(client, as_user("vol_a1"), digest, wrong, photo[wrong : wrong + 1000])
        assert r.status_code == 409
        assert r.headers["Upload-Offset"] == "1000"
        body = r.json()
        assert body["code"] == "offset_mismatch"
        assert body["errors"][0]["offset"] == 1000
        assert body["errors"][0]["received"] == wrong
        assert "1000" in body["message_vi"]
    # nothing was written by the refused requests
    last, _ = send_from(client, as_user("vol_a1"), photo, offset=1000)
    assert last.headers["Upload-Complete"] == "?1"


def test_concurrent_patches_at_the_same_offset_apply_exactly_once(
    client: TestClient[Any], as_user: Headers, app: Any, engine: Engine
) -> None:
    photo = noisy_jpeg(seed=5)
    digest = sha(photo)
    start(client, as_user("vol_a1"), photo)
    store = store_of(app)
    limits = service.Limits()
    with Session(engine) as s:
        user = s.get(User, user_id("vol_a1"))
        assert user is not None
        principal = load_principal(s, user)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def push(chunk: bytes) -> None:
        barrier.wait()
        with Session(engine) as s:
            try:
                service.append_chunk(s, store, limits, principal, digest, 0, chunk, utcnow())
                outcomes.append("applied")
            except AppError as exc:
                outcomes.append(exc.code)

    # four racing requests, with different bytes, all claiming offset 0
    chunks = [photo[:4096], b"\x00" * 4096, b"\x01" * 4096, photo[:4096]]
    threads = [threading.Thread(target=push, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["applied"] + ["offset_mismatch"] * 3
    # whichever won, the offset is 4096 and the file holds exactly one chunk
    head = client.head(f"/api/uploads/{digest}", headers=as_user("vol_a1"))
    assert head.headers["Upload-Offset"] == "4096"
    with Session(engine) as s:
        row = s.exec(select(Upload).where(Upload.sha256 == digest)).one()
        assert store.partial_size(row.partial_path) == 4096


# --- refusals -----------------------------------------------------------------------------


def test_hash_mismatch_discards_the_upload(
    client: TestClient[Any], as_user: Headers, app: Any, engine: Engine
) -> None:
    real = fixture("photo.jpg")
    claimed = sha(b"x" + real[1:])
    created = client.post(
        "/api/uploads", json={"sha256": claimed, "size": len(real)}, headers=as_user("vol_a1")
    )
    assert created.status_code == 201
    r = patch_chunk(client, as_user("vol_a1"), claimed, 0, real)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "hash_mismatch"
    assert body["errors"][0] == {"field": "sha256", "expected": claimed, "actual": sha(real)}
    assert "mã băm" in body["message_vi"]
    assert client.head(f"/api/uploads/{claimed}", headers=as_user("vol_a1")).status_code == 404
    assert store_of(app).partial_size(partial_of("vol_a1", claimed)) == 0
    assert blob_count(engine, claimed) == 0 and blob_count(engine, sha(real)) == 0


def test_png_disguised_as_jpeg_is_stored_as_png(
    client: TestClient[Any], as_user: Headers, engine: Engine
) -> None:
    data = fixture("png-named.jpg")
    last = upload(client, as_user("vol_a1"), data, content_type="image/jpeg")
    assert last.status_code == 204
    assert last.headers["Upload-Content-Type"] == "image/png"
    with Session(engine) as s:
        blob = s.get(Blob, sha(data))
        assert blob is not None and blob.content_type == "image/png"
    got = client.get(f"/api/attachments/{sha(data)}", headers=as_user("vol_a1"))
    assert got.headers["content-type"] == "image/png"


def test_html_disguised_as_jpeg_is_refused(
    client: TestClient[Any], as_user: Headers, engine: Engine
) -> None:
    data = fixture("html-named.jpg")
    assert start(client, as_user("vol_a1"), data, "image/jpeg").status_code == 201
    r = patch_chunk(client, as_user("vol_a1"), sha(data), 0, data)
    assert r.status_code == 415
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == "type_not_allowed"
    assert body["message_vi"].startswith("Loại tệp không được chấp nhận")
    assert blob_count(engine, sha(data)) == 0
    assert client.head(f"/api/uploads/{sha(data)}", headers=as_user("vol_a1")).status_code == 404


def test_declared_disallowed_type_is_refused_before_any_byte(
    client: TestClient[Any], as_user: Headers
) -> None:
    r = start(client, as_user("vol_a1"), b"<svg/>", "image/svg+xml")
    assert r.status_code == 415
    assert r.json()["code"] == "type_not_allowed"


def test_decompression_bomb_is_refused(
    client: TestClient[Any], as_user: Headers, engine: Engine
) -> None:
    bomb = fixture("bomb.png")
    assert start(client, as_user("vol_a1"), bomb, "image/png").status_code == 201
    r = patch_chunk(client, as_user("vol_a1"), sha(bomb), 0, bomb)
    assert r.status_code == 422
    assert r.json()["code"] == "image_too_large"
    assert blob_count(engine, sha(bomb)) == 0


def test_per_file_limit_is_enforced_when_the_upload_is_declared(
    client: TestClient[Any], as_user: Headers
) -> None:
    r = client.post(
        "/api/uploads",
        json={"sha256": "ab" * 32, "size": 10 * 1024 * 1024 + 1},
        headers=as_user("vol_a1"),
    )
    assert r.status_code == 413
    assert r.json()["code"] == "file_too_large"
    ok = client.post(
        "/api/uploads",
        json={"sha256": "ab" * 32, "size": 10 * 1024 * 1024},
        headers=as_user("vol_a1"),
    )
    assert ok.status_code == 201


def test_bytes_past_the_declared_size_are_refused(
    client: TestClient[Any], as_user: Headers
) -> None:
    data = fixture("photo.jpg")
    start(client, as_user("vol_a1"), data)
    r = patch_chunk(client, as_user("vol_a1"), sha(data), 0, data + b"extra")
    assert r.status_code == 400
    assert r.json()["code"] == "chunk_beyond_size"


def test_oversized_chunks_and_bodies_are_refused(client: TestClient[Any], as_user: Headers) -> None:
    photo = noisy_jpeg(seed=9)
    start(client, as_user("vol_a1"), photo)
    over_chunk = patch_chunk(client, as_user("vol_a1"), sha(photo), 0, photo[: CHUNK + 1])
    assert over_chunk.status_code == 413
    assert over_chunk.json()["code"] == "chunk_too_large"
    over_body = patch_chunk(client, as_user("vol_a1"), sha(photo), 0, photo[: 400 * 1024])
    assert over_body.status_code == 413
    assert (
        client.head(f"/api/uploads/{sha(photo)}", headers=as_user("vol_a1")).headers[
            "Upload-Offset"
        ]
        == "0"
    )


def test_patch_needs_the_offset_header_and_the_chunk_media_type(
    client: TestClient[Any], as_user: Headers
) -> None:
    data = fixture("photo.jpg")
    start(client, as_user("vol_a1"), data)
    url = f"/api/uploads/{sha(data)}"
    wrong_type = client.patch(
        url,
        content=data,
        headers={**as_user("vol_a1"), "Upload-Offset": "0", "Content-Type": "image/jpeg"},
    )
    assert wrong_type.status_code == 415
    no_offset = client.patch(
        url, content=data, headers={**as_user("vol_a1"), "Content-Type": OCTETS}
    )
    assert no_offset.status_code == 400
    assert no_offset.json()["code"] == "invalid_upload_offset"
    unknown = patch_chunk(client, as_user("vol_a1"), "cd" * 32, 0, data)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "upload_not_found"


def test_invalid_hashes_are_refused(client: TestClient[Any], as_user: Headers) -> None:
    r = client.post(
        "/api/uploads", json={"sha256": "z" * 64, "size": 10}, headers=as_user("vol_a1")
    )
    assert r.status_code == 400
    assert client.head("/api/uploads/not-a-hash", headers=as_user("vol_a1")).status_code == 400


# --- dedupe, missing, budget --------------------------------------------------------------


def test_same_blob_is_stored_once(
    client: TestClient[Any], as_user: Headers, engine: Engine
) -> None:
    data = fixture("photo.webp")
    upload(client, as_user("vol_a1"), data)
    for who in ("vol_a1", "vol_a2", "officer_a"):
        again = start(client, as_user(who), data, "image/webp")
        assert again.status_code == 200
        assert again.json()["complete"] is True
        assert again.json()["upload_url"] is None
        assert again.json()["content_type"] == "image/webp"
    assert blob_count(engine, sha(data)) == 1
    with Session(engine) as s:
        assert s.exec(select(Upload)).all() == []


def test_two_users_uploading_the_same_bytes_at_once_yield_one_blob(
    client: TestClient[Any], as_user: Headers, engine: Engine
) -> None:
    data = fixture("scan.png")
    assert start(client, as_user("vol_a1"), data).status_code == 201
    assert start(client, as_user("vol_b1"), data).status_code == 201
    assert patch_chunk(client, as_user("vol_a1"), sha(data), 0, data).status_code == 204
    second = patch_chunk(client, as_user("vol_b1"), sha(data), 0, data)
    assert second.status_code == 204
    assert second.headers["Upload-Complete"] == "?1"
    assert blob_count(engine, sha(data)) == 1
    with Session(engine) as s:
        assert s.exec(select(Upload)).all() == []
        blob = s.get(Blob, sha(data))
        assert blob is not None and blob.uploaded_by == user_id("vol_a1")


def test_missing_lists_only_hashes_without_a_verified_blob(
    client: TestClient[Any], as_user: Headers
) -> None:
    have = fixture("photo.jpg")
    partial = noisy_jpeg(seed=2)
    upload(client, as_user("vol_a1"), have)
    start(client, as_user("vol_a1"), partial)
    send_from(client, as_user("vol_a1"), partial, stop_at=CHUNK)
    never = "ef" * 32
    r = client.post(
        "/api/attachments/missing",
        json={"hashes": [never, sha(have), sha(partial), never.upper()]},
        headers=as_user("vol_a2"),
    )
    assert r.status_code == 200
    assert r.json() == {"missing": [never, sha(partial)]}


def test_missing_takes_at_most_500_hashes(client: TestClient[Any], as_user: Headers) -> None:
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(501)]
    assert (
        client.post(
            "/api/attachments/missing", json={"hashes": hashes[:500]}, headers=as_user("vol_a1")
        ).status_code
        == 200
    )
    too_many = client.post(
        "/api/attachments/missing", json={"hashes": hashes}, headers=as_user("vol_a1")
    )
    assert too_many.status_code == 400


def test_dossier_budget_counts_each_verified_blob_once(engine: Engine, clean_db: Engine) -> None:
    mib = 1024 * 1024
    sizes = {"a" * 64: 12 * mib, "b" * 64: 12 * mib, "c" * 64: 7 * mib}
    with Session(engine) as s:
        for digest, size in sizes.items():
            s.add(
                Blob(
                    sha256=digest,
                    size=size,
                    content_type="image/jpeg",
                    uploaded_by=user_id("vol_a1"),
                    created_at=utcnow(),
                )
            )
        s.commit()
    with Session(engine) as s:
        service.check_dossier_budget(s, ["a" * 64, "b" * 64, "a" * 64, "d" * 64])  # 24 MiB
        assert service.blob_present(s, "A" * 64) and not service.blob_present(s, "d" * 64)
        assert service.missing_blobs(s, ["a" * 64, "d" * 64]) == ["d" * 64]
        with pytest.raises(AppError) as info:
            service.check_dossier_budget(s, ["a" * 64, "b" * 64, "c" * 64])  # 31 MiB
        assert info.value.code == "dossier_too_large"
        assert info.value.status == 413
        assert "30,0 MB" in info.value.message_vi


# --- access -------------------------------------------------------------------------------


def test_only_the_uploader_their_officers_and_admins_may_download(
    client: TestClient[Any], as_user: Headers
) -> None:
    data = fixture("one-page.pdf")
    upload(client, as_user("vol_a1"), data)
    url = f"/api/attachments/{sha(data)}"
    allowed = {
        who: client.get(url, headers=as_user(who)).status_code
        for who in ("vol_a1", "officer_a", "admin")
    }
    assert allowed == {"vol_a1": 200, "officer_a": 200, "admin": 200}
    for who in ("vol_b1", "officer_b", "vol_a2"):
        r = client.get(url, headers=as_user(who))
        assert r.status_code == 403, who
        assert r.json()["code"] == "forbidden"
    assert client.get(url).status_code == 401
    assert client.get(f"/api/attachments/{'0' * 64}", headers=as_user("admin")).status_code == 404


def test_uploads_are_private_to_their_user(client: TestClient[Any], as_user: Headers) -> None:
    photo = noisy_jpeg(seed=4)
    start(client, as_user("vol_a1"), photo)
    send_from(client, as_user("vol_a1"), photo, stop_at=1000, chunk=1000)
    assert client.head(f"/api/uploads/{sha(photo)}", headers=as_user("vol_b1")).status_code == 404
    r = patch_chunk(client, as_user("vol_b1"), sha(photo), 1000, photo[1000:2000])
    assert r.status_code == 404
    assert (
        client.head(f"/api/uploads/{sha(photo)}", headers=as_user("vol_a1")).headers[
            "Upload-Offset"
        ]
        == "1000"
    )


def test_admins_do_not_upload(client: TestClient[Any], as_user: Headers) -> None:
    r = start(client, as_user("admin"), fixture("photo.jpg"))
    assert r.status_code == 403


# --- clean-up -----------------------------------------------------------------------------


def test_purge_removes_only_stale_partial_uploads(
    client: TestClient[Any], as_user: Headers, app: Any, engine: Engine
) -> None:
    old, fresh = noisy_jpeg(seed=21), fixture("photo.jpg")
    start(client, as_user("vol_a1"), old)
    send_from(client, as_user("vol_a1"), old, stop_at=1000, chunk=1000)
    store = store_of(app)
    partial = partial_of("vol_a1", sha(old))
    assert store.partial_size(partial) == 1000
    with Session(engine) as s:
        row = s.exec(select(Upload).where(Upload.sha256 == sha(old))).one()
        row.updated_at = utcnow() - timedelta(days=3)  # untouched for 3 days before `now`
        s.add(row)
        s.commit()
    start(client, as_user("vol_a1"), fresh)
    with Session(engine) as s:
        assert service.purge_stale_uploads(s, store, timedelta(days=7), utcnow()) == 0
        # five days on, the old one is 8 days stale and the fresh one 5
        purged = service.purge_stale_uploads(
            s, store, timedelta(days=7), utcnow() + timedelta(days=5)
        )
    assert purged == 1
    assert store.partial_size(partial) == 0
    assert client.head(f"/api/uploads/{sha(old)}", headers=as_user("vol_a1")).status_code == 404
    assert client.head(f"/api/uploads/{sha(fresh)}", headers=as_user("vol_a1")).status_code == 200
