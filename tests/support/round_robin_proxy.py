"""A small round-robin HTTP load balancer for the fleet test, on loopback, in a thread.

Every request goes to the next node in turn (not every connection: a keep-alive client would
otherwise stick to one node), with `X-Forwarded-For` added like a real balancer. The answer
carries `X-Fleet-Node: <index>` and every request is logged as (method, path, node), so a test
can say which node served what. Connections to the client and to the node close after one
exchange, which keeps the proxy a page long: request bodies need `Content-Length` (httpx sends
it), responses are relayed until the node closes.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from dataclasses import dataclass, field


@dataclass
class RoundRobinProxy:
    nodes: list[tuple[str, int]]
    host: str = "127.0.0.1"
    port: int = 0
    log: list[tuple[str, str, int]] = field(default_factory=list)
    _turn: itertools.cycle[int] = field(init=False)
    _loop: asyncio.AbstractEventLoop | None = None
    _server: asyncio.AbstractServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._turn = itertools.cycle(range(len(self.nodes)))

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def next_node(self) -> int:
        with self._lock:
            return next(self._turn)

    def send_next_to(self, index: int) -> None:
        """Turn the wheel so that the next request goes to node `index`."""
        with self._lock:
            self._turn = itertools.cycle([*range(index, len(self.nodes)), *range(index)])

    def start(self) -> RoundRobinProxy:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._server = loop.run_until_complete(
                asyncio.start_server(self._handle, self.host, self.port))
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._server.wait_closed())
            loop.close()

        self._thread = threading.Thread(target=run, name="round-robin-proxy", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is None or self._server is None:
            return
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = [line for line in lines[1:] if line]
            length = 0
            kept = []
            for line in headers:
                name, _, value = line.partition(":")
                lower = name.strip().lower()
                if lower == "content-length":
                    length = int(value.strip())
                if lower in ("connection", "keep-alive", "x-forwarded-for"):
                    continue
                kept.append(line)
            body = await reader.readexactly(length) if length else b""
            peer = writer.get_extra_info("peername")[0]
            index = self.next_node()
            self.log.append((method, target.split("?", 1)[0], index))
            node_host, node_port = self.nodes[index]
            up_reader, up_writer = await asyncio.open_connection(node_host, node_port)
            request = "\r\n".join([f"{method} {target} HTTP/1.1", *kept,
                                   f"X-Forwarded-For: {peer}", "Connection: close", "", ""])
            up_writer.write(request.encode("latin-1") + body)
            await up_writer.drain()
            answer = await up_reader.read()
            up_writer.close()
            status_end = answer.find(b"\r\n")
            if status_end > 0:
                answer = (answer[:status_end] + f"\r\nX-Fleet-Node: {index}".encode()
                          + answer[status_end:])
            writer.write(answer)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()
