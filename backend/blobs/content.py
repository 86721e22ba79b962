"""Blob bytes in and out of the store, sealed: the one place that pairs a `blobs` row's content
key with the stored bytes (backend/blobs/sealed.py says how they are sealed).

`langso blobs seal` seals the blobs stored plain before sealing existed; `langso blobs unseal`
undoes it (before a schema downgrade).
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from backend.blobs.base import BlobStore
from backend.blobs.sealed import content_key, is_sealed_blob, open_blob, seal_blob
from backend.db.models import Blob
from backend.privacy.crypto import SealError
from backend.privacy.keys import keyring_of

log = logging.getLogger("langso.blobs")


def write_sealed(session: Session, store: BlobStore, sha256: str, data: bytes,
                 key_hex: str | None = None) -> str:
    """Seal `data` (whose SHA-256 is `sha256`) into the store; returns the content key (hex) the
    caller keeps in the blob's row. `key_hex`: the row's key, when the row exists already."""
    key = bytes.fromhex(key_hex) if key_hex else content_key(
        keyring_of(session.get_bind().dialect), sha256)
    store.put_stored(sha256, seal_blob(key, sha256, data))
    return key.hex()


def read_plain(store: BlobStore, blob: Blob) -> bytes | None:
    """The blob's bytes, opened; None when the store lacks them. A blob stored plain before
    sealing is returned as stored. Raises SealError when sealed bytes do not open."""
    stored = store.read_blob(blob.sha256)
    if stored is None or not is_sealed_blob(stored):
        return stored
    if not blob.content_key:
        raise SealError(f"blob {blob.sha256[:12]}… is sealed but its row has no key")
    return open_blob(bytes.fromhex(blob.content_key), blob.sha256, stored)


def seal_existing(engine: Engine, store: BlobStore, *, undo: bool = False) -> tuple[int, int]:
    """Seal every plain blob (or, `undo`, write every sealed one back plain). One blob per
    transaction, the key committed before the bytes are replaced: a crash in between leaves a
    plain file under a row with a key, which still reads (the file says it is plain) and is
    sealed by the next run. Returns (blobs changed, blobs missing from the store)."""
    changed = missing = 0
    with Session(engine) as session:
        shas = list(session.exec(select(Blob.sha256).order_by(col(Blob.sha256))))
    for sha in shas:
        with Session(engine) as session:
            blob = session.get(Blob, sha)
            if blob is None:
                continue
            stored = store.read_blob(sha)
            if stored is None:
                log.warning("blob %s has a row but no bytes in the store", sha)
                missing += 1
                continue
            if undo:
                if not is_sealed_blob(stored):
                    continue
                plain = read_plain(store, blob)
                assert plain is not None
                store.put_stored(sha, plain)
                blob.content_key = None
                session.add(blob)
                session.commit()
                changed += 1
                continue
            if is_sealed_blob(stored):
                continue
            if hashlib.sha256(stored).hexdigest() != sha:
                log.warning("blob %s: stored bytes do not hash to the name; left as they are", sha)
                missing += 1
                continue
            if not blob.content_key:
                blob.content_key = content_key(keyring_of(engine.dialect), sha).hex()
                session.add(blob)
                session.commit()
            write_sealed(session, store, sha, stored, blob.content_key)
            changed += 1
    return changed, missing
