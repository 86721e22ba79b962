import json, hashlib
from pathlib import Path
OUT = Path(__file__).resolve().parents[2] / "sync" / "vectors"

def write(name, description, section, cases):
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate ids"
    doc = {"description": description, "spec": f"sync/SPEC.md#{section}", "cases": cases}
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    assert "." not in "".join(ch for ch in text if False)
    (OUT / f"{name}.json").write_text(text, encoding="utf-8")
    print(name, len(cases))

def seed(label):
    return hashlib.sha256(label.encode()).digest()
