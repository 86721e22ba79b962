"""Push bodies deflated with a preset dictionary (docs/protocol.md §4, `Content-Encoding:
deflate`): accepted like gzip, refused with a clear code when the dictionary is unknown or the
stream is bad, and a refusal writes nothing and blocks nothing after it."""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.db.models import Dossier
from backend.sync_api.dictionaries import DIRECTORY, Dictionary, current, deflate, dictionaries
from tests.integration.test_sync_negative import counts, problem
from tests.integration.test_sync_push import seed_household
from tests.support.device import make_device, new_uuid, submit_fields

__all__ = ["make_device"]


def deflate_headers(dev: Any) -> dict[str, str]:
    return dict(dev.headers, **{"Content-Type": "application/json",
                                "Content-Encoding": "deflate"})


def new_submission(dev: Any, head: str) -> str:
    did = new_uuid()
    dev.mutate("dossier", did, "create", {"procedure_code": "khai-sinh",
                                          "applicant_member_id": head})
    dev.mutate("dossier", did, "submit", submit_fields(), base=1)
    return did


def pending_pair(dev: Any) -> bytes:
    """A household pushed, then a new dossier's create + submission signed and not sent: the
    raw JSON body of that pair."""
    _, head, _ = seed_household(dev)
    new_submission(dev, head)
    return json.dumps(dev.push_body()).encode()


def applied_pair(r: Any) -> None:
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied", "applied"]


def test_a_dossier_deflated_with_the_dictionary_is_applied_and_smaller_than_gzip(
    make_device: Any, engine: Engine
) -> None:
    dev = make_device()
    dev.protocol = 2
    _, head, _ = seed_household(dev)
    did = new_submission(dev, head)
    raw = json.dumps(dev.push_body(), separators=(",", ":"), ensure_ascii=False).encode()
    body = deflate(raw, current())
    assert body[1] & 0x20 and body[2:6].hex() == current().id  # FDICT, DICTID
    assert len(body) < 0.8 * len(gzip.compress(raw, 9))
    r = dev.http.post("/api/sync/push", content=body, headers=deflate_headers(dev))
    applied_pair(r)
    assert "receipt" in r.json()["results"][1]
    with Session(engine) as s:
        assert s.exec(select(Dossier.status).where(Dossier.id == did)).one() == "submitted"


def test_deflate_without_a_dictionary_is_plain_http_deflate(make_device: Any) -> None:
    dev = make_device()
    raw = pending_pair(dev)
    applied_pair(dev.http.post("/api/sync/push", content=zlib.compress(raw),
                               headers=deflate_headers(dev)))


def test_an_unknown_dictionary_is_refused_whole_and_the_same_batch_then_goes_as_gzip(
    make_device: Any, engine: Engine
) -> None:
    dev = make_device()
    raw = pending_pair(dev)
    stranger = Dictionary("0", 99, b'{"protocol":2,"mutations":[' * 40)
    body = deflate(raw, stranger)
    before = counts(engine)
    r = dev.http.post("/api/sync/push", content=body, headers=deflate_headers(dev))
    got = problem(r, 415, "unknown_dictionary")
    assert got["errors"][0]["dictionary_id"] == body[2:6].hex()
    assert current().id in got["errors"][0]["accepted"]
    assert counts(engine) == before
    applied_pair(dev.post_push(raw, gzip_body=True))


def test_bad_deflate_streams_are_refused_with_a_code_and_write_nothing(
    make_device: Any, engine: Engine
) -> None:
    dev = make_device()
    good = deflate(pending_pair(dev), current())
    bomb = deflate(b"{" + b" " * (64 * 1024 * 1024) + b"}", current())
    assert len(bomb) < 1024 * 1024
    flipped = good[:6] + bytes(b ^ 0x5A for b in good[6:40]) + good[40:]
    before = counts(engine)
    for content, status, code in [
        (good[: len(good) // 2], 400, "bad_deflate"),  # cut off
        (good[:4], 400, "bad_deflate"),  # cut inside the DICTID
        (flipped, 400, "bad_deflate"),
        (b"not deflate at all", 400, "bad_deflate"),
        (bomb, 413, "body_too_large"),
    ]:
        r = dev.http.post("/api/sync/push", content=content, headers=deflate_headers(dev))
        problem(r, status, code)
    assert counts(engine) == before
    applied_pair(dev.http.post("/api/sync/push", content=good, headers=deflate_headers(dev)))


def test_an_unknown_content_encoding_names_both_accepted_ones(make_device: Any) -> None:
    dev = make_device()
    headers = dict(dev.headers, **{"Content-Type": "application/json",
                                   "Content-Encoding": "br"})
    got = problem(dev.http.post("/api/sync/push", content=b"{}", headers=headers), 415,
                  "unsupported_encoding")
    assert "gzip" in got["message_en"] and "deflate" in got["message_en"]


def test_the_dictionaries_are_published_for_any_client(client: TestClient[Any]) -> None:
    listed = client.get("/api/sync/dictionaries")  # public: a client fetches it before login
    assert listed.status_code == 200, listed.text
    body = listed.json()
    files = sorted(DIRECTORY.glob("push-*.txt"), key=lambda f: int(f.stem.split("-")[1]))
    assert [d["seq"] for d in body["dictionaries"]] == [int(f.stem.split("-")[1]) for f in files]
    assert body["current"] == body["dictionaries"][-1]["id"] == current().id
    for entry in body["dictionaries"]:
        got = client.get(entry["url"])
        assert got.status_code == 200
        assert got.headers["content-type"] == "application/octet-stream"
        assert "immutable" in got.headers["cache-control"]
        assert f"{zlib.adler32(got.content):08x}" == entry["id"]
        assert len(got.content) == entry["size"] == len(dictionaries()[entry["id"]].data)
    problem(client.get("/api/sync/dictionaries/00000000"), 404, "not_found")
