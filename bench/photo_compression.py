"""Document photo compression: bytes and legibility of the PWA's real compression code.

Generates A4 "phone photos" of paper documents with Pillow (about 12 MP, JPEG q95 like a camera:
an uneven light falloff, sensor noise, printed Vietnamese text in several sizes; some pages with
a table, black or blue handwriting-like strokes, a red stamp), bundles the production module pwa/src/media/compress.ts
(rolldown, from pwa/node_modules) and runs its `compressImage` in Debian's Chromium through
Playwright, once with the shipped DOCUMENT_MODE and once with the previous settings (200 KB,
quality down to 0.35, no greyscale) for comparison.

For every output it reports bytes, format, size in pixels, the quality used, greyscale or not,
and SSIM (luma, 7×7 uniform window, K1 0.01, K2 0.03 — scikit-image's defaults) against the
original photo resized to the same size with Lanczos: the legibility proxy. SSIM of the whole page
is dominated by blank paper, so it is also given over the text band only (the rows holding the
smallest print).

    .venv/bin/python bench/photo_compression.py [--pages 6] [--seed 7]
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import random
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
_TEXT = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam Độc lập Tự do Hạnh phúc giấy chứng sinh họ và tên "
    "ngày tháng năm sinh nơi sinh trạm y tế xã Pu Sam Cáp huyện Sìn Hồ tỉnh Lai Châu dân tộc "
    "Thái Mông Dao quốc tịch cân nặng gam người đỡ đẻ số định danh cá nhân cha mẹ bản Nà Phạ"
)
WORDS = _TEXT.split()
# Settings before this change (pwa/src/media/compress.ts at 512daaa).
PREVIOUS_MODE = {"longEdge": 1600, "maxBytes": 200 * 1024,
                 "qualities": [0.82, 0.74, 0.66, 0.58, 0.5, 0.42, 0.35],
                 "scales": [1, 0.8, 0.64], "greyscale": False}


@dataclass
class Page:
    name: str
    jpeg: bytes
    #: Rows (top, bottom) of the smallest print, as fractions of the height.
    small_band: tuple[float, float]


def _text_line(draw: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int, width: int,
               font: ImageFont.FreeTypeFont, ink: tuple[int, int, int]) -> None:
    words: list[str] = []
    while draw.textlength(" ".join(words), font=font) < width * rng.uniform(0.6, 0.95):
        words.append(rng.choice(WORDS))
    draw.text((x, y), " ".join(words[:-1]), font=font, fill=ink)


def make_page(rng: random.Random, kind: str, width: int = 3024) -> Page:
    height = round(width * 297 / 210)
    paper = (rng.randint(236, 248), rng.randint(232, 244), rng.randint(222, 236))
    img = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(img)
    margin = width // 12
    title = ImageFont.truetype(SERIF, width // 40)
    body = ImageFont.truetype(FONT, width // 62)  # ~11 pt on A4
    small = ImageFont.truetype(FONT, width // 95)  # ~7 pt: the fine print
    y = margin
    draw.text((width // 2, y), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=title, fill=(20, 20, 20),
              anchor="mt")
    y += width // 18
    draw.text((width // 2, y), "GIẤY CHỨNG SINH", font=title, fill=(20, 20, 20), anchor="mt")
    y += width // 12
    ink = (25, 25, 30) if kind != "blue-ink" else (20, 40, 140)
    while y < height * 0.45:
        _text_line(draw, rng, margin, y, width - 2 * margin, body, ink)
        y += int(body.size * 1.7)
    band_top = y / height
    while y < height * 0.6:
        _text_line(draw, rng, margin, y, width - 2 * margin, small, (30, 30, 30))
        y += int(small.size * 1.6)
    band = (band_top, y / height)
    if kind in ("form", "stamp"):
        # A table with ruled cells and entries.
        rows, cols = 6, 3
        cell_w, cell_h = (width - 2 * margin) // cols, int(body.size * 2.2)
        for r in range(rows + 1):
            draw.line([(margin, y + r * cell_h), (width - margin, y + r * cell_h)],
                      fill=(40, 40, 40), width=3)
        for c in range(cols + 1):
            draw.line([(margin + c * cell_w, y), (margin + c * cell_w, y + rows * cell_h)],
                      fill=(40, 40, 40), width=3)
        for r in range(rows):
            for c in range(cols):
                draw.text((margin + c * cell_w + 12, y + r * cell_h + 10),
                          rng.choice(WORDS).capitalize() + f" {rng.randint(1, 99)}",
                          font=body, fill=ink)
        y += rows * cell_h + int(body.size)
    # Handwriting-like strokes: a signature and filled-in entries.
    for _ in range({"handwritten": 12, "printed": 0}.get(kind, 4)):
        x0, y0 = rng.randint(margin, width - 3 * margin), rng.randint(int(y), height - margin)
        points = [(x0, y0)]
        for _ in range(rng.randint(8, 20)):
            points.append((points[-1][0] + rng.randint(10, 60),
                           points[-1][1] + rng.randint(-30, 30)))
        pen = (20, 40, 140) if kind in ("handwritten", "blue-ink", "stamp") else (30, 30, 30)
        draw.line(points, fill=pen, width=rng.randint(3, 6), joint="curve")
    if kind == "stamp":
        cx, cy, r = width - 3 * margin, height - 3 * margin, width // 10
        for w in range(0, 10, 3):
            draw.ellipse([cx - r + w, cy - r + w, cx + r - w, cy + r - w], outline=(200, 30, 40),
                         width=4)
        draw.text((cx, cy), "ỦY BAN NHÂN DÂN", font=body, fill=(200, 30, 40), anchor="mm")
    # A phone photo: slightly soft, uneven light, sensor noise.
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    arr = np.asarray(img).astype(np.float32)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 1.0 - 0.18 * (((xx - width * 0.3) / width) ** 2 + ((yy - height * 0.2) / height) ** 2)
    arr = arr * light[..., None] + np.random.default_rng(rng.randint(0, 2**31)).normal(
        0, 3.0, arr.shape).astype(np.float32)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=95)
    return Page(kind, buf.getvalue(), band)


def luma(img: Image.Image) -> NDArray[np.float64]:
    rgb = np.asarray(img.convert("RGB")).astype(np.float64)
    result: NDArray[np.float64] = rgb @ np.array([0.299, 0.587, 0.114])
    return result


def _box(a: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """Mean over k×k windows (valid part only), with an integral image."""
    s = np.pad(a, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    out: NDArray[np.float64] = (s[k:, k:] - s[:-k, k:] - s[k:, :-k] + s[:-k, :-k]) / (k * k)
    return out


def ssim(x: NDArray[np.float64], y: NDArray[np.float64], k: int = 7) -> float:
    """Mean SSIM with a uniform k×k window (scikit-image's default definition, data range 255)."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    n = k * k
    cov = n / (n - 1)  # sample covariance, as scikit-image
    mx, my = _box(x, k), _box(y, k)
    vx = cov * (_box(x * x, k) - mx * mx)
    vy = cov * (_box(y * y, k) - my * my)
    vxy = cov * (_box(x * y, k) - mx * my)
    s = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s.mean())


def bundle() -> str:
    script = (
        "const { rolldown } = await import('rolldown');"
        "const b = await rolldown({ input: 'src/media/compress.ts' });"
        "const { output } = await b.generate({ format: 'iife', name: 'LangsoCompress' });"
        "process.stdout.write(output[0].code);"
    )
    return subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT / "pwa",
                          check=True, capture_output=True, text=True).stdout


RUN = """
async ({ b64, mode }) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const file = new Blob([bytes], { type: 'image/jpeg' });
  const t0 = performance.now();
  const out = await LangsoCompress.compressImage(file, mode ?? LangsoCompress.DOCUMENT_MODE);
  const ms = performance.now() - t0;
  const buf = new Uint8Array(await out.blob.arrayBuffer());
  let s = '';
  for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  return { type: out.type, width: out.width, height: out.height, quality: out.quality,
           grey: out.grey ?? false, within: out.withinTarget, size: out.blob.size, ms, b64: btoa(s) };
}
"""


def measure(page: Any, doc: Page, mode: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = page.evaluate(RUN, {"b64": base64.b64encode(doc.jpeg).decode(), "mode": mode})
    compressed = Image.open(io.BytesIO(base64.b64decode(out.pop("b64"))))
    original = Image.open(io.BytesIO(doc.jpeg)).resize(compressed.size, Image.Resampling.LANCZOS)
    a, b = luma(original), luma(compressed)
    top, bottom = (round(f * a.shape[0]) for f in doc.small_band)
    out["ssim"] = ssim(a, b)
    out["ssim_text"] = ssim(a[top:bottom], b[top:bottom])
    out["original"] = len(doc.jpeg)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    kinds = ["printed", "form", "stamp", "handwritten", "blue-ink", "printed"]
    docs = [make_page(rng, kinds[i % len(kinds)]) for i in range(args.pages)]
    code = bundle()
    rows: dict[str, list[dict[str, Any]]] = {"shipped": [], "previous": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_content("<!doctype html><title>bench</title>")
        page.add_script_tag(content=code)
        for doc in docs:
            for label, mode in (("shipped", None), ("previous", PREVIOUS_MODE)):
                r = measure(page, doc, mode)
                rows[label].append(r)
                print(f"{label:8} {doc.name:11} {r['original'] // 1024:5} KB -> "
                      f"{r['size'] // 1024:4} KB {r['type']:10} {r['width']}x{r['height']} "
                      f"q{r['quality']:.2f} grey={r['grey']!s:5} within={r['within']!s:5} "
                      f"SSIM {r['ssim']:.3f} text {r['ssim_text']:.3f} {r['ms']:.0f} ms")
        browser.close()
    summary = {}
    for label, rs in rows.items():
        summary[label] = {
            "kb_median": round(statistics.median(r["size"] for r in rs) / 1024),
            "kb_max": round(max(r["size"] for r in rs) / 1024),
            "ssim_median": round(statistics.median(r["ssim"] for r in rs), 3),
            "ssim_text_median": round(statistics.median(r["ssim_text"] for r in rs), 3),
            "ssim_text_min": round(min(r["ssim_text"] for r in rs), 3),
            "ms_median": round(statistics.median(r["ms"] for r in rs)),
            "grey_pages": sum(1 for r in rs if r["grey"]),
        }
    print(json.dumps({"pages": len(docs), "cpus": os.cpu_count(),
                      "load": os.getloadavg()[0], **summary}, indent=1))


if __name__ == "__main__":
    main()
