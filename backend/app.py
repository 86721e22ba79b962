"""create_app(settings): the one place where the application is wired together."""

from __future__ import annotations

import gc
from functools import partial
from pathlib import Path
from typing import Any

import anyio.to_thread
from litestar import Litestar, Request, Response, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.static_files import create_static_files_router
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from backend.accounts.routes import AuthController, UserController
from backend.attachments.routes import AttachmentController
from backend.blobs import register as register_blob_store
from backend.catalog.loader import load_catalog
from backend.catalog.routes import CatalogController
from backend.db.engine import make_engine
from backend.db.retry import database_error_handler
from backend.dossiers.routes import DossierController
from backend.health import health
from backend.households.routes import HouseholdController, MemberController
from backend.lib.client_address import parse_trusted
from backend.lib.csrf import CrossSiteRefusal
from backend.lib.deps import provide_db, provide_principal
from backend.lib.errors import (
    AppError,
    app_error_handler,
    decode_error_handler,
    http_error_handler,
    internal_error_handler,
)
from backend.lib.keyring import register
from backend.lib.middleware import SessionAuthMiddleware
from backend.lib.openapi_problems import declare_problems
from backend.lib.security_headers import add_security_headers
from backend.lib.text_guard import refuse_control_text
from backend.live.routes import LiveController
from backend.monitoring.routes import MonitoringController
from backend.privacy.access import before_request as log_personal_reads
from backend.privacy.console_routes import PrivacyConsoleController
from backend.privacy.keys import load_now as load_pii_keys
from backend.privacy.routes import PrivacyController
from backend.province.routes import ProvinceController
from backend.public_status.routes import PublicStatusController
from backend.push.notify import deliver_inline
from backend.push.routes import PushController
from backend.results.routes import PublicVerifyController, ResultController
from backend.review.routes import ReviewController
from backend.settings import Settings
from backend.sync_api.routes import sync_handlers
from backend.units.routes import UnitController

ROOT = Path(__file__).resolve().parent.parent
PWA_DIST = ROOT / "pwa" / "dist"


def route_handlers() -> list[Any]:
    return [
        health,
        AuthController,
        UserController,
        UnitController,
        HouseholdController,
        MemberController,
        CatalogController,
        DossierController,
        AttachmentController,
        MonitoringController,
        PublicStatusController,
        PushController,
        LiveController,
        ReviewController,
        ResultController,
        PublicVerifyController,
        ProvinceController,
        *sync_handlers(),
        PrivacyController,
        PrivacyConsoleController,
    ]


def size_thread_pool(threads: int) -> None:
    """Handlers, dependencies and the token check run in anyio's default thread pool; the
    connection pool is sized from the same number (backend/db/engine.py)."""

    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


def settle_heap() -> None:
    """Move everything the start-up built (modules, the app, metadata, catalogue: about
    250,000 tracked objects that live as long as the process) out of the collector's sight, and let
    the youngest generation grow before a collection. Why: the cyclic collector walked that
    heap again and again while a push batch allocated its short-lived rows: about 14 % of
    the server's CPU per pushed item (docs/benchmarks.md). Once per process (a test run
    starts many apps in one process)."""
    if _settled:
        return
    _settled.append(True)
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


_settled: list[bool] = []


GC_YOUNG_THRESHOLD = 10_000  # allocations between young-generation collections (default 700)



async def before_request(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """Litestar takes one `before_request` hook: the text guard (it may refuse), then the log
    of officers' reads of personal data (it may ask for a reason)."""
    await refuse_control_text(request)
    return await log_personal_reads(request)

def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog(settings.catalog_dir) if settings.catalog_dir else load_catalog()
    parse_trusted(settings.trusted_proxies)  # a malformed entry stops the start, named
    keys = register(settings)  # in fleet mode: refuses to start when a secret is missing
    blob_store = register_blob_store(settings)
    deliver_inline(settings.push_inline)
    engine = make_engine(settings.database_url, threads=settings.worker_threads,
                         settings=settings)
    load_pii_keys(engine)
    state = State(
        {
            "settings": settings,
            "engine": engine,
            "server_keys": keys,
            "blob_store": blob_store,
            "session_secret": keys.session,
            "catalog": catalog,
        }
    )
    handlers: list[Any] = [Router(path="/", route_handlers=route_handlers())]
    static_dir = settings.static_dir or PWA_DIST
    if static_dir.is_dir():
        handlers.append(
            create_static_files_router(
                path="/",
                directories=[static_dir],
                html_mode=True,
                opt={"public": True},
                include_in_schema=False,
                name="pwa",
            )
        )
    auth = DefineMiddleware(
        SessionAuthMiddleware,
        exclude_from_auth_key="public",
        exclude=["^/schema", "^/health"],
    )
    app = Litestar(
        route_handlers=handlers,
        state=state,
        dependencies={
            "db": Provide(provide_db),
            "principal": Provide(provide_principal, sync_to_thread=False),
        },
        middleware=[CrossSiteRefusal(), auth],
        before_request=before_request,
        before_send=[add_security_headers],
        exception_handlers={
            AppError: app_error_handler,
            HTTPException: http_error_handler,
            UnicodeDecodeError: decode_error_handler,
            DBAPIError: database_error_handler,
            SQLAlchemyTimeoutError: database_error_handler,
            Exception: internal_error_handler,
        },
        compression_config=CompressionConfig(
            backend="gzip",
            minimum_size=500,
            gzip_compress_level=6,
            # photos and PDFs are already compressed: routes serving them opt out
            exclude_opt_key="skip_compression",
        ),
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Làng Số API",
            version="1",
            description="Offline-first signed administrative dossiers. Errors are RFC 9457 problem+json.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        on_startup=[partial(size_thread_pool, settings.worker_threads), settle_heap],
        on_shutdown=[lambda: engine.dispose()],
        debug=False,
    )
    declare_problems(app)
    return app
