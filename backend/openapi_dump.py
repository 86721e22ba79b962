"""`langso openapi`: the application's OpenAPI document, without a server or a database.

The app is built against a throw-away SQLite database, migrated, in a temporary directory
(create_app installs the personal-data keys from it; nothing is written elsewhere); the document is the one `/schema/openapi.json` serves,
problem statuses included (backend/lib/openapi_problems.py). The PWA's wire types
(pwa/src/api/wire.gen.ts) are generated from it: `make wire-types`, checked by `make check`.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from backend.app import create_app
from backend.db.migrate import upgrade
from backend.settings import Settings


def openapi_document() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="langso-openapi-") as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'openapi.db'}",
                            data_dir=Path(tmp) / "data")
        # The migration creates the personal-data keys under the environment's data dir.
        before = os.environ.get("LANGSO_DATA_DIR")
        os.environ["LANGSO_DATA_DIR"] = str(settings.data_dir)
        try:
            upgrade(settings.database_url)
        finally:
            if before is None:
                del os.environ["LANGSO_DATA_DIR"]
            else:
                os.environ["LANGSO_DATA_DIR"] = before
        app = create_app(settings)
        try:
            return app.openapi_schema.to_schema()
        finally:
            app.state.engine.dispose()


def write(out: str | None) -> int:
    text = json.dumps(openapi_document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if out in (None, "-"):
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")
    return 0
