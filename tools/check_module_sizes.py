"""Module sizes (issue 9, "small modules"): the median source module under backend/, sync/ and
pwa/src/ stays under MEDIAN_LIMIT lines, and no module passes MAX_LINES unless ALLOWED below
says why. Run from the repository root (`make check`); prints the figures, exits 1 on a breach.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOTS = ("backend", "sync", "pwa/src")
SUFFIXES = {".py", ".ts", ".tsx", ".js", ".mjs"}
MEDIAN_LIMIT = 200
MAX_LINES = 500

# path -> why it may stay over MAX_LINES. Each reason must still hold; drop the line when not.
ALLOWED: dict[str, str] = {
    "sync/forms.py": (
        "one rule set (visibility, validation, prefill, sections) mirrored function by function "
        "by pwa/src/sync/forms.ts and sync/SPEC-forms.md and pinned by one vector file; "
        "splitting one side alone breaks the side-by-side reading of the twins"
    ),
    "pwa/src/sync/forms.ts": "the TypeScript twin of sync/forms.py (see there)",
    "backend/households/csv_import.py": (
        "one parser with one error list per file: header, cells, members, villages, duplicate "
        "CCCDs, grouping into households; its member rules are being moved into sync/ "
        "(issue 9 item 3), which is when it shrinks"
    ),
}


def modules(root: Path) -> dict[str, int]:
    sizes = {}
    for base in ROOTS:
        for path in sorted((root / base).rglob("*")):
            # an __init__.py marks a package; counting it would pull the median down; a
            # generated file (*.gen.ts: the wire types, `make wire-types`) is nobody's module
            if (path.suffix in SUFFIXES and path.is_file() and path.name != "__init__.py"
                    and "node_modules" not in path.parts and ".gen." not in path.name):
                with path.open("rb") as fh:
                    sizes[path.relative_to(root).as_posix()] = sum(1 for _ in fh)
    return sizes


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    sizes = modules(root)
    median = statistics.median(sizes.values())
    over = {p: n for p, n in sizes.items() if n > MAX_LINES}
    failures = [f"{p}: {n} lines (> {MAX_LINES}) with no reason in ALLOWED"
                for p, n in sorted(over.items()) if p not in ALLOWED]
    failures += [f"{p}: listed in ALLOWED but missing or not over {MAX_LINES} lines; drop it"
                 for p in sorted(ALLOWED) if p not in over]
    if median >= MEDIAN_LIMIT:
        failures.append(f"median module size {median} lines (>= {MEDIAN_LIMIT})")
    print(f"module sizes: {len(sizes)} modules, median {median} lines, "
          f"largest {max(sizes.values())}, over {MAX_LINES}: {len(over)} (all allowed: "
          f"{not any(p not in ALLOWED for p in over)})")
    for line in failures:
        print(f"  {line}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
