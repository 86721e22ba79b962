"""Lighthouse on the volunteer entry screen (a first visit to "/": the login screen), against a
real server: mobile form factor, simulated slow 4G (150 ms RTT, 1.6 Mbit/s) and a 4x slower CPU
(Lighthouse's mobile defaults, set explicitly here), Debian's Chromium through CHROME_PATH.

Starts `langso serve` on a free loopback port with a fresh demo database (serving pwa/dist — run
`make pwa` first), runs Lighthouse --runs times and prints the median performance and
accessibility scores, cumulative layout shift and the paint/blocking timings, plus every run.

Lighthouse (npm package `lighthouse`) is not a project dependency: pass its executable with
--lighthouse, or LIGHTHOUSE_BIN, or let the script install it once into a scratch directory
(--scratch, default ~/.cache/langso-lighthouse) with `npm install`.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--lighthouse /path/to/node_modules/.bin/lighthouse]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: E402

LIGHTHOUSE_VERSION = "13.5.0"
AUDITS = {
    "cls": "cumulative-layout-shift",
    "fcp_ms": "first-contentful-paint",
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "si_ms": "speed-index",
}


def lighthouse_bin(explicit: str | None, scratch: Path) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get("LIGHTHOUSE_BIN"):
        return Path(os.environ["LIGHTHOUSE_BIN"])
    binary = scratch / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        scratch.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(scratch),
             f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True,
        )
    return binary


def run_once(binary: Path, url: str) -> dict[str, Any]:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    result = subprocess.run(
        [
            str(binary), url,
            "--quiet",
            "--output=json",
            "--output-path=stdout",
            "--only-categories=performance,accessibility",
            "--form-factor=mobile",
            "--throttling-method=simulate",
            "--throttling.rttMs=150",
            "--throttling.throughputKbps=1638.4",
            "--throttling.cpuSlowdownMultiplier=4",
            f"--chrome-flags={flags}",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed ({result.returncode}):\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout)
    cats = report["categories"]
    out: dict[str, Any] = {
        "performance": round(cats["performance"]["score"] * 100),
        "accessibility": round(cats["accessibility"]["score"] * 100),
    }
    for key, audit in AUDITS.items():
        out[key] = report["audits"][audit]["numericValue"]
    failed = [
        a["id"] for a in (report["audits"][r["id"]] for r in cats["accessibility"]["auditRefs"])
        if a.get("score") is not None and a["score"] < 1
    ]
    out["accessibility_failures"] = failed
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lighthouse", help="path of the lighthouse executable")
    parser.add_argument(
        "--scratch", type=Path, default=Path.home() / ".cache" / "langso-lighthouse",
        help="where to npm-install lighthouse when no executable is given",
    )
    args = parser.parse_args()
    if not (ROOT / "pwa" / "dist" / "index.html").exists():
        sys.exit("pwa/dist is missing: run `make pwa` first")
    binary = lighthouse_bin(args.lighthouse, args.scratch)

    with tempfile.TemporaryDirectory(prefix="langso-lh-") as tmp:
        server = LiveServer(Path(tmp))
        server.start()
        try:
            runs = [run_once(binary, server.url + "/") for _ in range(args.runs)]
        finally:
            server.stop()

    def median(key: str) -> float:
        return float(statistics.median(r[key] for r in runs))

    print(f"Lighthouse {LIGHTHOUSE_VERSION}, volunteer entry screen (/), mobile, simulated slow 4G "
          f"(150 ms RTT, 1.6 Mbit/s), CPU x4, Chromium {CHROMIUM}; median of {len(runs)} runs")
    print(f"  performance    {median('performance'):.0f}")
    print(f"  accessibility  {median('accessibility'):.0f}")
    print(f"  CLS            {median('cls'):.3f}")
    print(f"  FCP            {median('fcp_ms'):.0f} ms")
    print(f"  LCP            {median('lcp_ms'):.0f} ms")
    print(f"  TBT            {median('tbt_ms'):.0f} ms")
    print(f"  Speed Index    {median('si_ms'):.0f} ms")
    for i, r in enumerate(runs, 1):
        fails = ", ".join(r["accessibility_failures"]) or "none"
        print(f"  run {i}: performance {r['performance']}, accessibility {r['accessibility']} "
              f"(failed audits: {fails}), CLS {r['cls']:.3f}, LCP {r['lcp_ms']:.0f} ms, "
              f"TBT {r['tbt_ms']:.0f} ms")


if __name__ == "__main__":
    main()
