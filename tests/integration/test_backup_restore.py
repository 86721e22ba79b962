"""Backup and restore as docs/deployment.md describes it, for both shapes: PostgreSQL and an
S3-compatible store (`pg_dump -Fc` / `pg_restore`, the blobs copied object by object to another
bucket, what `aws s3 sync` does), and the single machine on SQLite and the local store (SQLite's
online backup while the site serves, the blob directory copied as `rsync -a` does); the secrets
kept in both. Then every blob of the restored site hashes to its name and every receipt and
result verifies against the restored site's published keys."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from sqlmodel import Session, select

from backend.app import create_app
from backend.blobs.content import read_plain
from backend.blobs.sealed import is_sealed_blob
from backend.db.engine import make_engine
from backend.db.migrate import upgrade
from backend.db.models import Blob, DossierResult, DossierRevision
from backend.settings import Settings
from sync.signatures import verify
from tests.conftest import login
from tests.integration.test_attachments import noisy_jpeg, sha
from tests.support.databases import create_database, drop_database, require_postgres
from tests.support.device import SimDevice, household_fields, member_fields, new_uuid, submit_fields
from tests.support.s3_server import S3Server
from tests.support.world import WORLD, build_world, user_id


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def upload(client: TestClient[Any], headers: dict[str, str], data: bytes) -> str:
    digest = sha(data)
    assert client.post("/api/uploads", json={"sha256": digest, "size": len(data)},
                       headers=headers).status_code == 201
    r = client.patch(f"/api/uploads/{digest}", content=data,
                     headers={**headers, "Upload-Offset": "0",
                              "Content-Type": "application/offset+octet-stream"})
    assert r.status_code == 204 and r.headers["Upload-Complete"] == "?1"
    return digest


def fill_site(client: TestClient[Any]) -> None:
    officer = login(client, "officer_a")
    dev = SimDevice(client, login(client, "vol_a1"))
    dev.enrol(user_id("vol_a1"))
    photo = upload(client, dev.headers, noisy_jpeg(seed=31, size=(400, 300)))
    hid, head = new_uuid(), new_uuid()
    dev.mutate("household", hid, "create", household_fields(WORLD.village_a1))
    dev.mutate("member", head, "create", member_fields(hid))
    for _ in range(2):
        did = new_uuid()
        dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                              "applicant_member_id": head})
        dev.mutate("dossier", did, "submit", submit_fields(photo=photo), base=1)
    assert dev.push().status_code == 200
    did = next(d for d in (x["entity_id"] for x in dev.acked.values()
                           if x["entity"] == "dossier"))
    for action in ("receive", "approve"):
        assert client.post(f"/api/review/dossiers/{did}/actions",
                           json={"action": action, "reason": ""},
                           headers=officer).status_code == 200
    assert client.post(f"/api/review/dossiers/{did}/result", json={"summary": "Đã cấp"},
                       headers=officer).status_code == 201


def copy_bucket(server: S3Server, source_url: str, target_url: str) -> int:
    s3: Any = server.client()
    src, dst = (u.split("//", 1)[1].split("/", 1)[0] for u in (source_url, target_url))
    copied = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=src, Prefix="site/blobs/"):
        for obj in page.get("Contents", []):
            s3.copy_object(Bucket=dst, Key=obj["Key"],
                           CopySource={"Bucket": src, "Key": obj["Key"]})
            copied += 1
    return copied


def check_restored(restored: Settings) -> None:
    """Every blob of the restored site hashes to its name, every receipt and result verifies
    against the restored site's published keys, and the site still signs new receipts."""
    app = create_app(restored)
    with TestClient(app=app) as client:
        keys = {k["key_id"]: k for k in
                client.get("/.well-known/langso/keys.json").json()["keys"]}
        store = app.state.blob_store
        with Session(app.state.engine) as s:
            blobs = s.exec(select(Blob)).all()
            revisions = [r for r in s.exec(select(DossierRevision)).all() if r.receipt]
            results = s.exec(select(DossierResult)).all()
        assert len(blobs) >= 2 and len(revisions) == 2 and len(results) == 1
        for blob in blobs:
            # Sealed at rest: the restored database's key (keys/ copied above) opens it.
            assert is_sealed_blob(store.read_blob(blob.sha256) or b"")
            data = read_plain(store, blob)
            assert data is not None and hashlib.sha256(data).hexdigest() == blob.sha256
            assert len(data) == blob.size
        for rev in revisions:
            kid = json.loads(rev.receipt["payload"])["key_id"]
            verify("Ed25519", keys[kid]["public_key"], rev.receipt["payload"].encode(),
                   rev.receipt["sig"])
        for res in results:
            verify("Ed25519", keys[res.key_id]["public_key"], res.record.encode(), res.sig)
            v = client.post("/api/public/verify", json={"qr": res.qr_text}).json()
            assert v["valid"] is True
            pdf = client.get(f"/api/results/{res.id}.pdf",
                             headers=login(client, "officer_a"))
            assert pdf.status_code == 200 and sha(pdf.content) == res.pdf_sha256
        # the restored site still signs: its sealed keys open with the kept secret
        fresh = SimDevice(client, login(client, "vol_a1"))
        fresh.enrol(user_id("vol_a1"))
        hid, head = new_uuid(), new_uuid()
        fresh.mutate("household", hid, "create", household_fields(WORLD.village_a1))
        fresh.mutate("member", head, "create", member_fields(hid))
        did = new_uuid()
        fresh.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                                "applicant_member_id": head})
        fresh.mutate("dossier", did, "submit", submit_fields(), base=1)
        r = fresh.push()
        assert r.status_code == 200
        receipt = r.json()["results"][-1]["receipt"]
        assert json.loads(receipt["payload"])["key_id"] in keys


def test_a_restored_backup_has_every_blob_and_every_signature(
    s3_server: S3Server, tmp_path: Path
) -> None:
    require_postgres()
    source_db, restored_db = create_database("langso_src"), create_database("langso_restored")
    try:
        upgrade(source_db)
        engine = make_engine(source_db)
        build_world(engine)
        engine.dispose()
        source_blobs = s3_server.new_bucket_url("site")
        source = Settings(database_url=source_db, data_dir=tmp_path / "source",
                          blob_url=source_blobs)
        with TestClient(app=create_app(source)) as client:
            fill_site(client)

        # --- backup: database dump, then the blobs, then the secrets ------------------------
        dump = tmp_path / "langso.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), libpq(source_db)], check=True,
                       timeout=300)
        restored_blobs = s3_server.new_bucket_url("site")
        assert copy_bucket(s3_server, source_blobs, restored_blobs) >= 2  # photo + result PDF
        shutil.copytree(tmp_path / "source" / "keys", tmp_path / "restored" / "keys")

        # --- restore ---------------------------------------------------------------------
        subprocess.run(["pg_restore", "--no-owner", "-d", libpq(restored_db), str(dump)],
                       check=True, timeout=300)
        restored = Settings(database_url=restored_db, data_dir=tmp_path / "restored",
                            blob_url=restored_blobs)
        check_restored(restored)
    finally:
        drop_database(source_db)
        drop_database(restored_db)


def test_a_restored_sqlite_backup_has_every_blob_and_every_signature(tmp_path: Path) -> None:
    """The commune shape: one machine, SQLite, blobs in the data directory."""
    source_file, restored_file = tmp_path / "source.sqlite3", tmp_path / "restored.sqlite3"
    source_db = f"sqlite:///{source_file}"
    upgrade(source_db)
    engine = make_engine(source_db)
    build_world(engine)
    engine.dispose()
    source = Settings(database_url=source_db, data_dir=tmp_path / "source")
    with TestClient(app=create_app(source)) as client:
        fill_site(client)
        # --- backup while the site serves: SQLite's online backup (what the sqlite3 shell's
        # ".backup" does), then the blob directory, then the secrets --------------------------
        backup_file = tmp_path / "backup.sqlite3"
        with sqlite3.connect(source_file) as live, sqlite3.connect(backup_file) as copy:
            live.backup(copy)
        copy.close()
        live.close()
    shutil.copytree(tmp_path / "source" / "blobs", tmp_path / "restored" / "blobs")
    shutil.copytree(tmp_path / "source" / "keys", tmp_path / "restored" / "keys")
    # --- restore: the file copied back while no server runs ---------------------------------
    shutil.copyfile(backup_file, restored_file)
    check_restored(Settings(database_url=f"sqlite:///{restored_file}",
                            data_dir=tmp_path / "restored"))
