import sys; from pathlib import Path; HERE = Path(__file__).resolve().parent; sys.path.insert(0, str(HERE)); sys.path.insert(0, str(HERE.parents[1]))
from common import write
from sync.hlc import *
from sync.errors import HlcError

D1 = "0b6f1c52-7a3e-4d2b-9c1f-2f4e8a9d0c11"
D2 = "f3a9e0d4-11b2-4c6e-8e7a-5d4c3b2a1f00"
cases = []; n = 0
def nid():
    global n; n += 1; return f"HLC-{n:03d}"
def dec(h): return {"ms": h.ms, "counter": h.counter, "node": h.node}

for text, note in [
    (f"001763820000000-00000-{D1}", "device node"), ("001763820000000-00042-server", "server node"),
    ("000000000000000-00000-server", "zero clock"), (f"999999999999999-99999-{D2}", "largest clock"),
    (f"001763820000000-00000-{D1.upper()}", "uppercase uuid is refused"),
    (f"01763820000000-00000-{D1}", "14-digit ms is refused"), (f"001763820000000-0000-{D1}", "4-digit counter is refused"),
    (f"001763820000000-000000-{D1}", "6-digit counter is refused"), ("001763820000000-00000-", "missing node"),
    ("001763820000000-00000-Server", "node is case-sensitive"), (f"001763820000000-00000-{D1} ", "trailing space"),
    (f"-01763820000000-00000-{D1}", "negative ms"), (f"001763820000000-00000-{D1.replace('-', '')}", "uuid without hyphens"),
    ("001763820000000-00000-device-1", "node must be a uuid or 'server'"),
    ("00176382000000a-00000-server", "non-digit in ms"), ("１01763820000000-00000-server", "non-ASCII digit"),
]:
    c = {"id": nid(), "rule": "HLC1", "op": "parse", "comment": note, "input": text}
    try: c["expected"] = dec(parse_hlc(text))
    except HlcError as e: c["error"] = e.code
    cases.append(c)
for ms, ctr, node in [(1763820000000, 7, D1), (0, 0, "server"), (5, 99999, D2)]:
    cases.append({"id": nid(), "rule": "HLC1", "op": "format", "comment": "zero-padded wire form", "ms": ms, "counter": ctr, "node": node,
                  "expected": format_hlc(Hlc(ms, ctr, node))})
for a, b, note in [
    (f"001763820000001-00000-{D1}", f"001763820000000-00009-{D2}", "ms dominates counter"),
    (f"001763820000000-00001-{D2}", f"001763820000000-00002-{D1}", "counter dominates node"),
    (f"001763820000000-00001-{D1}", f"001763820000000-00001-{D2}", "equal ms and counter: node order breaks the tie"),
    (f"001763820000000-00001-server", f"001763820000000-00001-{D2}", "'server' sorts after every uuid ('s' > 'f')"),
    (f"001763820000000-00001-{D1}", f"001763820000000-00001-{D1}", "equal clocks"),
    (f"000000000000999-00000-{D1}", f"000000000001000-00000-{D1}", "zero padding makes string order numeric"),
]:
    cases.append({"id": nid(), "rule": "HLC2", "op": "compare", "comment": note, "a": a, "b": b, "expected": compare(a, b)})
def tick_case(local, now, note):
    cases.append({"id": nid(), "rule": "HLC4", "op": "tick", "comment": note, "local": local, "now_ms": now,
                  "expected": format_hlc(tick(parse_hlc(local), now))})
tick_case(f"001763820000000-00003-{D1}", 1763820000500, "wall clock ahead: take it, counter 0")
tick_case(f"001763820000000-00003-{D1}", 1763820000000, "same millisecond: counter + 1")
tick_case(f"001763820000000-00003-{D1}", 1763819990000, "wall clock behind (went backwards): keep ms, counter + 1")
tick_case(f"001763820000000-99999-{D1}", 1763820000000, "counter overflow carries into ms")
tick_case(f"000000000000000-00000-server", 1763820000000, "server first event")
def now_case(now, note):
    c = {"id": nid(), "rule": "HLC3", "op": "tick", "comment": note, "local": f"001763820000000-00003-{D1}", "now_ms": now}
    try: c["expected"] = format_hlc(tick(parse_hlc(c["local"]), now))
    except HlcError as e: c["error"] = e.code
    cases.append(c)
now_case(0, "now_ms 0 (the epoch) is in range")
now_case(999999999999999, "now_ms at its largest (15 digits) is in range")
now_case(1000000000000000, "now_ms of 16 digits is refused")
now_case(-1, "negative now_ms is refused")
def recv_case(local, remote, now, note):
    c = {"id": nid(), "rule": "HLC5", "op": "receive", "comment": note, "local": local, "remote": remote, "now_ms": now}
    try: c["expected"] = format_hlc(receive(parse_hlc(local), parse_hlc(remote), now))
    except HlcError as e: c["error"] = e.code; c["rule"] = "HLC6"
    cases.append(c)
recv_case(f"001763820000000-00005-server", f"001763820000100-00002-{D1}", 1763820000200, "wall clock is the max: counter 0")
recv_case(f"001763820000300-00005-server", f"001763820000100-00002-{D1}", 1763820000200, "local is the max: local counter + 1")
recv_case(f"001763820000000-00005-server", f"001763820000300-00002-{D1}", 1763820000200, "remote is the max: remote counter + 1, node stays local")
recv_case(f"001763820000300-00005-server", f"001763820000300-00009-{D1}", 1763820000200, "local and remote equal ms ahead of wall clock: max counter + 1")
recv_case(f"001763820000300-00005-server", f"001763820000300-00002-{D1}", 1763820000300, "all three equal: max(5, 2) + 1")
recv_case(f"001763820000300-99999-server", f"001763820000300-00002-{D1}", 1763820000300, "counter overflow on receive carries into ms")
recv_case(f"001763820000000-00000-server", f"001763906400000-00000-{D1}", 1763820000000, "remote exactly 24 h ahead is accepted")
recv_case(f"001763820000000-00000-server", f"001763906400001-00000-{D1}", 1763820000000, "remote 24 h + 1 ms ahead: clock_drift")
recv_case(f"001763820000000-00000-{D1}", f"000000000000001-00000-server", 1763820000000, "remote far in the past is fine")
def server_case(local, remote, now, note):
    c = {"id": nid(), "rule": "HLC7", "op": "server_receive", "comment": note, "local": local, "remote": remote, "now_ms": now}
    try: c["expected"] = format_hlc(server_receive(parse_hlc(local), parse_hlc(remote), now))
    except HlcError as e: c["error"] = e.code
    cases.append(c)
NOW = 1763820000000
server_case(f"001763820000000-00005-server", f"001763820000100-00002-{D1}", NOW + 200, "device slightly ahead of the wall clock: received as HLC5")
server_case(f"001763820000000-00005-server", f"{NOW + 300000:015d}-00002-{D1}", NOW, "device exactly 5 min ahead: still received")
server_case(f"001763820000000-00005-server", f"{NOW + 300001:015d}-00002-{D1}", NOW, "device 5 min + 1 ms ahead: not received, the server clock only ticks")
server_case(f"001763820000000-00005-server", f"{NOW + 20 * 3600000:015d}-00000-{D1}", NOW + 1000, "phone 20 h fast: the server clock stays on the wall clock")
server_case(f"{NOW + 60000:015d}-00003-server", f"{NOW + 20 * 3600000:015d}-00000-{D1}", NOW, "server clock already ahead of the wall clock (from the database): a fast phone leaves it, counter + 1")
server_case(f"001763820000000-00000-server", f"001763906400001-00000-{D1}", NOW, "more than 24 h ahead: clock_drift first (HLC6)")
server_case(f"001763820000500-00000-server", f"001763820000100-00009-{D2}", NOW, "device behind the server clock: HLC5, local counter + 1")
write("hlc", "Hybrid logical clocks. Clocks are wire strings; now_ms is Unix epoch milliseconds. op=parse → expected {ms, counter, node} or error; "
      "op=format; op=compare(a, b) → -1/0/1; op=tick(local, now_ms); op=receive(local, remote, now_ms) → expected wire string or error; "
      "op=server_receive(local, remote, now_ms) → the server clock after a device clock (HLC7), wire string or error.",
      "hlc-hybrid-logical-clock", cases)
