"""The client's address, behind trusted proxies (LANGSO_TRUSTED_PROXIES).

Login throttling and public look-up limits count per client address; behind a load balancer
the peer is the balancer, so its `Forwarded` (RFC 7239) or `X-Forwarded-For` header is read
— but only when the peer itself is a trusted proxy, or anyone could pick their own address.
The header is read right to left, skipping trusted proxies: the first other hop is the client
(hops left of it were written by the client and prove nothing).
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from typing import Any

from litestar import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_FOR = re.compile(r'for\s*=\s*("?)([^";,]+)\1', re.IGNORECASE)


@cache
def parse_trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Addresses or CIDR blocks; raises SystemExit naming a malformed entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise SystemExit(
                f"LANGSO_TRUSTED_PROXIES: {entry!r} is not an address or CIDR block"
            ) from exc
    return tuple(networks)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("["):  # Forwarded: for="[2001:db8::1]:4711"
        text = text[1:text.find("]")] if "]" in text else text[1:]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    ip = _ip(address)
    return ip is not None and any(ip in net for net in trusted)


def forwarded_chain(headers: Any) -> list[str]:
    """Hops from the `Forwarded` header if present, else `X-Forwarded-For`, client first."""
    forwarded = headers.get("forwarded")
    if forwarded:
        return [m.group(2).strip() for m in _FOR.finditer(forwarded)]
    xff = headers.get("x-forwarded-for")
    return [h.strip() for h in xff.split(",") if h.strip()] if xff else []


def resolve(peer: str, chain: list[str], trusted: tuple[Network, ...]) -> str:
    if not trusted or not _trusted(peer, trusted):
        return peer
    for hop in reversed(chain):
        ip = _ip(hop)
        if ip is None:
            break  # garbage (or "unknown"): stop believing the header here
        if not any(ip in net for net in trusted):
            return str(ip)
    return peer


def client_address(request: Request[Any, Any, Any]) -> str:
    peer = request.client.host if request.client else ""
    trusted = parse_trusted(request.app.state.settings.trusted_proxies)
    return resolve(peer, forwarded_chain(request.headers), trusted)
