"""The EDGE benchmark's link model and its pipelining client (bench/edge_link.py), on loopback
with a real echo-style HTTP server; no timing assertions beyond the model's own arithmetic."""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import edge_link  # noqa: E402


def run_in_fresh_loop(coro: Any) -> Any:
    """asyncio.run in a thread of its own: Playwright's sync API keeps an event loop running
    in the test worker's main thread once an end-to-end test has opened the browser."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()



def test_bucket_serialises_and_delays() -> None:
    d = edge_link.Direction(rate=1000, delay=0.5)
    # 500 bytes at t=0 leave the bucket at 0.5 s and arrive 0.5 s later.
    assert d.arrival(500, now=0.0, not_before=0.0) == 1.0
    # The next 1000 bytes queue behind them: free at 1.5 s, arrive at 2.0 s.
    assert d.arrival(1000, now=0.1, not_before=0.0) == 2.0
    # A new connection's first bytes wait for its handshake.
    assert d.arrival(10, now=5.0, not_before=7.0) == 7.5
    assert d.bytes == 1510


async def _http_server() -> tuple[asyncio.Server, int, list[bytes]]:
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await reader.readexactly(length)
                seen.append(body)
                answer = b"echo:" + body
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(answer), answer))
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], seen


def test_pipelined_answers_come_back_in_order_through_the_proxy() -> None:
    async def scenario() -> None:
        server, port, seen = await _http_server()
        proxy = edge_link.EdgeProxy(port, outages=False)
        await proxy.start()
        conn = await edge_link.Http1.open(proxy.port)
        for i in range(3):
            conn.send("POST", "/x", {}, f"item-{i}".encode())
        bodies = [(await conn.receive()).body for _ in range(3)]
        assert bodies == [b"echo:item-0", b"echo:item-1", b"echo:item-2"]
        assert seen == [b"item-0", b"item-1", b"item-2"]
        assert proxy.connections == 1
        assert proxy.up.bytes > sum(len(b) for b in seen)  # headers count too
        conn.close()
        await proxy.close()
        server.close()

    run_in_fresh_loop(scenario())


def test_an_outage_resets_open_connections_and_refuses_new_ones(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(edge_link, "OUTAGE_EVERY", 2.0)
    monkeypatch.setattr(edge_link, "OUTAGE_LENGTH", 1.5)

    async def scenario() -> None:
        server, port, _ = await _http_server()
        proxy = edge_link.EdgeProxy(port, outages=True)
        await proxy.start()
        conn = await edge_link.Http1.open(proxy.port)
        while not proxy.is_down():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # the outage clock has aborted the connection
        conn.send("POST", "/x", {}, b"lost")
        try:
            await conn.receive()
            raised = False
        except edge_link.LinkClosed:
            raised = True
        assert raised
        assert proxy.resets == 1
        late = await edge_link.Http1.open(proxy.port)
        late.send("POST", "/x", {}, b"refused")
        try:
            await late.receive()
            refused = False
        except edge_link.LinkClosed:
            refused = True
        assert refused and proxy.refused >= 1
        await proxy.close()
        server.close()

    run_in_fresh_loop(scenario())
