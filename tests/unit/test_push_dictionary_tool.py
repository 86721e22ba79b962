"""tools/push_dictionary.py: the newest shipped dictionary is what the tool builds from today's
catalogue, so a new procedure or field is noticed (and a new dictionary added), never silently
compressed worse."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from backend.sync_api.dictionaries import current

ROOT = Path(__file__).resolve().parents[2]


def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("push_dictionary_tool",
                                                  ROOT / "tools" / "push_dictionary.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_newest_dictionary_is_what_the_tool_builds_from_the_catalogue() -> None:
    built = tool().build()
    assert built == tool().build(), "the build is deterministic"
    assert built == current().data, (
        "the catalogue or the record rules changed since the newest dictionary was written: run "
        ".venv/bin/python tools/push_dictionary.py (it adds sync/dictionaries/push-<k+1>.txt), "
        "point pwa/src/net/push-dictionary.ts at the new file and run make vectors")


def test_the_dictionary_holds_the_wire_form_a_push_starts_with() -> None:
    text = current().data.decode("utf-8")
    assert text.endswith('{"protocol":2,"device_id":"","n":1,"prev":"","mutations":[')
    assert '{"p":"{\\"base\\":0,\\"entity\\":\\"dossier\\"' in text  # JSON-escaped, as sent
    assert "khai-sinh" in text[-3000:], "the commonest procedure sits nearest the data"
