"""CCCD scan: what the QR decoder costs on the device, and what it adds to the offline app.

Generates a CCCD QR code (segno, UTF-8, error correction M, as the e2e test does) for a
realistic card with a long Vietnamese address, then times the ZXing WebAssembly reader that the
PWA falls back on (zxing-wasm from pwa/node_modules, the very .wasm the build precaches) in
Node's V8 — the engine of Chrome on Android — on:

  (a) a camera frame, 640×480, the code filling about 60 % of the height (one scan attempt;
      the scanner tries one every 250 ms);
  (b) a phone photo scaled down on the device to a 2000 px long edge (the photo path), the code
      about a quarter of the width;
  (c) a camera frame with no code in it (what most attempts cost while the volunteer aims).

Each is decoded --repeat times after one warm-up; median and max are printed. Also prints the
bytes the scan feature adds to the precache, read from pwa/dist (run `make pwa` first).

    .venv/bin/python bench/cccd_scan_decode.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import tempfile
from pathlib import Path

import segno
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
PWA = ROOT / "pwa"
TEXT = (
    "012301004567|063123456|Lò Thị Sươi|15032001|Nữ|"
    "Bản Nậm Cười, xã Pu Sam Cáp, huyện Sìn Hồ, tỉnh Lai Châu|20042021"
)

NODE = r"""
import { readFileSync } from 'node:fs';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
const [dir, repeat] = [process.argv[2], Number(process.argv[3])];
const t0 = performance.now();
await prepareZXingModule({
  overrides: { wasmBinary: readFileSync('node_modules/zxing-wasm/dist/reader/zxing_reader.wasm').buffer },
  fireImmediately: true,
});
const init = performance.now() - t0;
const out = { init_ms: init, cases: {} };
for (const name of ['frame', 'photo', 'empty']) {
  const meta = JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8'));
  const image = { data: new Uint8ClampedArray(readFileSync(`${dir}/${name}.rgba`)), width: meta.width, height: meta.height, colorSpace: 'srgb' };
  const times = [];
  let text = null;
  for (let i = 0; i <= repeat; i++) {
    const s = performance.now();
    const found = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true });
    const ms = performance.now() - s;
    if (i > 0) times.push(ms);
    text = found[0]?.text ?? null;
  }
  times.sort((a, b) => a - b);
  out.cases[name] = { width: meta.width, height: meta.height, median_ms: times[times.length >> 1], max_ms: times[times.length - 1], text };
}
console.log(JSON.stringify(out));
"""


def _qr(size: int) -> Image.Image:
    code = segno.make(TEXT, encoding="utf-8", error="m", micro=False)
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=max(1, size // code.symbol_size()[0]), border=4)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _write(folder: Path, name: str, image: Image.Image) -> None:
    (folder / f"{name}.rgba").write_bytes(image.convert("RGBA").tobytes())
    (folder / f"{name}.json").write_text(json.dumps({"width": image.width, "height": image.height}))


def _images(folder: Path) -> tuple[int, int]:
    frame = Image.new("RGB", (640, 480), (235, 232, 225))
    code = _qr(290)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    _write(folder, "frame", frame)
    photo = Image.new("RGB", (2000, 1500), (222, 218, 205))
    photo.paste(_qr(500), (1100, 500))
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=85)  # the JPEG artefacts of a phone photo
    _write(folder, "photo", Image.open(io.BytesIO(buf.getvalue())))
    _write(folder, "empty", Image.new("RGB", (640, 480), (235, 232, 225)))
    symbol = segno.make(TEXT, encoding="utf-8", error="m", micro=False)
    return symbol.version if isinstance(symbol.version, int) else 0, len(TEXT.encode())


def _precache() -> list[tuple[str, int, int]]:
    assets = PWA / "dist" / "assets"
    if not assets.is_dir():
        return []
    rows = []
    for f in sorted(assets.iterdir()):
        if f.name.startswith(("zxing_reader-", "ScanFlow-")):
            data = f.read_bytes()
            rows.append((f.name, len(data), len(gzip.compress(data, 9))))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="langso-scan-bench-") as tmp:
        folder = Path(tmp)
        version, nbytes = _images(folder)
        script = PWA / ".bench-cccd-scan.mjs"  # inside pwa/ so Node resolves zxing-wasm
        script.write_text(NODE)
        try:
            out = subprocess.run(
                ["node", str(script), str(folder), str(args.repeat)],
                cwd=PWA,
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "NODE_NO_WARNINGS": "1"},
            ).stdout
        finally:
            script.unlink(missing_ok=True)
    result = json.loads(out.strip().splitlines()[-1])
    print(f"QR code: version {version}, {nbytes} bytes of UTF-8, error correction M")
    print(
        f"ZXing wasm instantiation: {result['init_ms']:.0f} ms (once per app start, on first scan)"
    )
    labels = {
        "frame": "camera frame",
        "photo": "photo (downscaled)",
        "empty": "camera frame, no code",
    }
    for name, case in result["cases"].items():
        ok = "decoded" if case["text"] == TEXT else ("none" if case["text"] is None else "WRONG")
        print(
            f"  {labels[name]:<24} {case['width']}×{case['height']}: median {case['median_ms']:.1f} ms,"
            f" max {case['max_ms']:.1f} ms ({ok}; {args.repeat} runs)"
        )
    rows = _precache()
    if rows:
        print("added to the precache (pwa/dist/assets):")
        for name, raw, gz in rows:
            print(f"  {name:<34} {raw / 1024:8.1f} KiB ({gz / 1024:.1f} KiB gzip)")
    else:
        print("pwa/dist missing: run `make pwa` for the precache figures")


if __name__ == "__main__":
    main()
