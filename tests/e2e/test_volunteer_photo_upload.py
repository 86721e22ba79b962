"""A document upload interrupted by a dropped connection continues from the server's
acknowledged offset: the bytes already there are never sent again."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.conftest import OfflineVolunteer
from tests.e2e.helpers import (
    blob_bytes,
    file_birth_registration,
    go,
    go_online,
    idb_all,
    scanned_pdf,
    server_db,
    sync_now,
    wait_until,
    young_couple,
)

CHUNK = 64 * 1024  # pwa/src/net/upload.ts CHUNK_SIZE
DROP_AFTER = 4  # the 4th chunk reaches the server, its answer is lost, then the link is down


def test_photo_upload_resumes_after_connection_drop(
    fresh_volunteer_offline: OfflineVolunteer, tmp_path: Path
) -> None:
    page, context, server = (
        fresh_volunteer_offline.page,
        fresh_volunteer_offline.context,
        fresh_volunteer_offline.server,
    )
    # A scanned birth certificate as a PDF: stored byte for byte, so ~12 chunks of 64 KiB.
    scan = scanned_pdf(tmp_path / "giay-chung-sinh.pdf", min_bytes=620_000)
    size, sha = scan.stat().st_size, hashlib.sha256(scan.read_bytes()).hexdigest()
    assert size > (DROP_AFTER + 4) * CHUNK

    couple = young_couple(server, "volunteer1")
    born = (date.today() - timedelta(days=3)).isoformat()
    # Filed and signed with no signal; the upload starts when the connection comes back.
    dossier_id = file_birth_registration(page, couple, "Lò Thị Xuân", [scan], born)

    link = {"down": False}
    patches: list[tuple[int, int]] = []  # (Upload-Offset, bytes) of each chunk the server got

    def weak_link(route: Any) -> None:
        request = route.request
        if link["down"]:
            route.abort("internetdisconnected")
            return
        if request.method != "PATCH" or not request.url.endswith(sha):
            route.continue_()
            return
        body = request.post_data_buffer or b""
        response = route.fetch()  # the chunk reaches the server…
        patches.append((int(request.headers["upload-offset"]), len(body)))
        if len(patches) == DROP_AFTER:
            link["down"] = True  # …but its answer is lost and the signal is gone
            route.abort("connectionreset")
            return
        route.fulfill(response=response)

    context.route("**/api/**", weak_link)
    go_online(context, server)

    # The sync loop (woken by the connection) sends the signed form data, then starts the file and loses the link.
    wait_until(page, lambda: link["down"], "the upload to be cut mid-way", timeout=60_000)

    def partial() -> dict[str, Any] | None:
        rows = [r for r in idb_all(page, "blobs") if r["sha256"] == sha]
        return rows[0] if rows and rows[0]["state"] == "uploading" else None

    row = wait_until(page, partial, "the device to record the partial upload")
    assert row["uploaded_bytes"] == (DROP_AFTER - 1) * CHUNK  # the last offset it heard about
    with server_db(server) as con:
        offset = con.execute(
            "select upload_offset from uploads where sha256 = ?", (sha,)
        ).fetchone()[0]
        assert offset == DROP_AFTER * CHUNK  # the server kept the chunk whose answer was lost
        assert con.execute("select count(*) from blobs where sha256 = ?", (sha,)).fetchone()[0] == 0
        assert (
            con.execute("select count(*) from dossiers where id = ?", (dossier_id,)).fetchone()[0]
            == 1
        )
    go(page, f"/dossiers/{dossier_id}")
    # Form data there, file still on the way: it has not left the phone, and the screen says so.
    page.get_by_text("Đã ký, chờ gửi", exact=True).wait_for()
    page.get_by_text("1 tệp chưa gửi xong").wait_for()

    link["down"] = False
    sync_now(page)
    go(page, f"/dossiers/{dossier_id}")
    page.get_by_text("Đã gửi — biên nhận").first.wait_for(timeout=30_000)

    offsets = [o for o, _ in patches]
    assert offsets[DROP_AFTER] == DROP_AFTER * CHUNK, (
        f"resumed at {offsets[DROP_AFTER]}, not at the acknowledged offset"
    )
    assert offsets == sorted(set(offsets)), f"some bytes were sent twice: {offsets}"
    sent = sum(n for _, n in patches)
    assert sent == size, f"{sent} bytes sent for a {size}-byte file"

    with server_db(server) as con:
        blob = con.execute(
            "select size, content_type from blobs where sha256 = ?", (sha,)
        ).fetchone()
    assert blob is not None and blob["size"] == size and blob["content_type"] == "application/pdf"
    assert hashlib.sha256(blob_bytes(server, sha)).hexdigest() == sha
