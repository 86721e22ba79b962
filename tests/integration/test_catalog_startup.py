"""A broken procedure file stops start-up with a message naming the file and the field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from backend.app import create_app
from backend.catalog.loader import DEFAULT_DIRECTORY, CatalogError
from backend.cli import main
from backend.settings import Settings


def _broken_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "catalog"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    path = directory / "khai-sinh.v1.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["form"]["fields"][0]["type"] = "colour"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return directory


def test_app_refuses_to_start_with_a_broken_catalogue(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        data_dir=tmp_path / "data",
        catalog_dir=_broken_copy(tmp_path),
    )
    with pytest.raises(CatalogError) as info:
        create_app(settings)
    message = str(info.value)
    assert "khai-sinh.v1.json" in message
    assert "form.fields[0].type" in message


def test_check_catalog_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-catalog"]) == 0
    out = capsys.readouterr().out
    assert out.count("ok  ") >= 8
    assert main(["check-catalog", "--dir", str(_broken_copy(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "khai-sinh.v1.json" in err and "form.fields[0].type" in err
