"""The `langso` command: serve, migrate, seed, manage users, import, check the catalogue."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from backend.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from backend.catalog.loader import CatalogError, load_catalog
    from backend.lib.client_address import parse_trusted
    from backend.lib.keyring import load_server_keys

    try:
        # Check before forking workers, so a fleet node without its secrets says why and stops.
        parse_trusted(settings.trusted_proxies)
        load_server_keys(settings)
    except SystemExit as exc:
        print(exc.code, file=sys.stderr)
        return 2
    try:
        load_catalog(settings.catalog_dir) if settings.catalog_dir else load_catalog()
    except CatalogError as exc:
        print(
            f"langso: danh mục thủ tục lỗi / broken procedure catalogue:\n  {exc}", file=sys.stderr
        )
        return 2
    if args.threads is not None and not 1 <= args.threads <= 1024:
        print("langso: --threads phải từ 1 đến 1024 / must be 1..1024", file=sys.stderr)
        return 2
    if args.threads:
        # read by create_app in every worker process (Settings.from_env)
        os.environ["LANGSO_THREADS"] = str(args.threads)
    from backend.lib.log_scrub import logging_config

    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_level="info",
        log_config=logging_config(),  # no query strings, phone numbers or tokens in logs
        # X-Forwarded-For/-Proto are believed only from the configured proxies
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
        # `server: uvicorn` tells no client anything it needs, on every answer (EDGE bytes)
        server_header=False,
    )
    return 0


def _db_upgrade(_: argparse.Namespace, settings: Settings) -> int:
    from backend.db.migrate import upgrade

    upgrade(settings.database_url)
    print("database at head")
    return 0


def _seed_demo(_: argparse.Namespace, settings: Settings) -> int:
    from backend.db.engine import make_engine
    from backend.demo.seed import seed_demo

    engine = make_engine(settings.database_url, settings=settings)
    created = seed_demo(engine)
    print("demo commune created" if created else "demo commune already present; nothing to do")
    return 0


def _create_user(args: argparse.Namespace, settings: Settings) -> int:
    from sqlmodel import Session

    from backend.accounts.service import create_user
    from backend.db.engine import make_engine
    from backend.lib.clock import utcnow
    from backend.lib.errors import AppError

    password = args.password
    if password is None:
        password = getpass.getpass("Mật khẩu / password: ")
        if getpass.getpass("Nhập lại / again: ") != password:
            print("Hai lần nhập không khớp / passwords differ", file=sys.stderr)
            return 2
    engine = make_engine(settings.database_url, settings=settings)
    with Session(engine) as session:
        try:
            user = create_user(
                session,
                username=args.username,
                password=password,
                full_name=args.full_name,
                role=args.role,
                commune_id=args.commune,
                village_codes=args.village or [],
                now=utcnow(),
                province_id=args.province,
            )
            session.commit()
            created = f"created {user.role} {user.username}"
        except AppError as exc:
            print(f"langso: {exc.message_vi} ({exc.message_en})", file=sys.stderr)
            for err in exc.errors or []:
                print(f"  - {err.get('message_vi')}", file=sys.stderr)
            return 2
    print(created)
    return 0


def _import_households(args: argparse.Namespace, settings: Settings) -> int:
    from backend.db.engine import make_engine
    from backend.households.importer import import_households
    from backend.lib.errors import AppError

    engine = make_engine(settings.database_url, settings=settings)
    data = Path(args.file).read_bytes()
    try:
        report = import_households(engine, data, commune_id=args.commune)
    except AppError as exc:
        print(f"langso: {exc.message_vi}", file=sys.stderr)
        for err in exc.errors or []:
            col = f" [{err['column']}]" if err.get("column") else ""
            print(f"  dòng {err['row']}{col}: {err['message_vi']}", file=sys.stderr)
        print("Không nhập gì / nothing imported.", file=sys.stderr)
        return 2
    print(f"imported {report['households']} households, {report['members']} members")
    return 0


def _check_catalog(args: argparse.Namespace, settings: Settings) -> int:
    from backend.catalog.loader import CatalogError, load_catalog

    directory = Path(args.dir) if args.dir else settings.catalog_dir
    try:
        catalog = load_catalog(directory) if directory else load_catalog()
    except CatalogError as exc:
        print(f"langso: {exc}", file=sys.stderr)
        return 2
    for proc in catalog.latest():
        print(f"ok  {proc.code} v{proc.version}  {proc.name.vi}")
    return 0


def _notify_due(_: argparse.Namespace, settings: Settings) -> int:
    from backend.db.engine import make_engine
    from backend.lib.clock import utcnow
    from backend.lib.keyring import register
    from backend.push.notify import notify_due_soon

    register(settings)  # the VAPID key from settings in fleet mode
    engine = make_engine(settings.database_url, settings=settings)
    count = notify_due_soon(utcnow(), engine, settings.data_dir)
    print(f"notified officers about {count} dossier(s) due within one working day")
    return 0


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    import contextlib
    import logging
    import signal

    from backend.blobs import register as register_blobs
    from backend.db.engine import make_engine
    from backend.lib.clock import utcnow
    from backend.lib.keyring import register
    from backend.worker.jobs import run_forever, tick

    try:
        register(settings)  # the VAPID key (from settings in fleet mode)
        register_blobs(settings)
    except SystemExit as exc:
        print(exc.code, file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    engine = make_engine(settings.database_url, settings=settings)
    if args.once:
        print(tick(engine, settings.data_dir, utcnow()))
        return 0
    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    with contextlib.suppress(KeyboardInterrupt):
        run_forever(engine, settings.data_dir, utcnow, args.interval, lambda: bool(stopping))
    return 0


def _keys(args: argparse.Namespace, settings: Settings) -> int:
    from sqlmodel import Session, col, select

    from backend.db.engine import make_engine
    from backend.db.models import Commune
    from backend.lib import commune_keys
    from backend.lib.clock import utcnow
    from backend.lib.keyring import register

    try:
        keys = register(settings)
    except SystemExit as exc:
        print(exc.code, file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url, settings=settings)
    with Session(engine) as session:
        if args.keys_command == "list":
            for k in commune_keys.published(session):
                print(f"{k['commune_id']}  #{k['seq']}  {k['key_id']}  {k['public_key']}")
            return 0
        known = set(session.exec(select(Commune.id)).all())
        wanted = args.commune or sorted(known)
        unknown = [c for c in wanted if c not in known]
        if unknown:
            print(f"langso: không có xã / unknown commune: {', '.join(unknown)}", file=sys.stderr)
            return 2
        # One transaction: a concurrent `keys create` on another node waits, then finds the key.
        session.exec(select(Commune).where(col(Commune.id).in_(wanted)).with_for_update())
        for cid in wanted:
            have = commune_keys.newest(session, cid)
            if args.keys_command == "create" and have is not None:
                print(f"{cid}: already has key {have.key_id}; nothing to do")
                continue
            row = commune_keys.add_key(session, keys, cid, utcnow())
            verb = "created" if have is None else f"rotated ({have.key_id} stays published)"
            print(f"{cid}: {verb} key {row.key_id}")
        session.commit()
    return 0


def _rebuild_rollups(_: argparse.Namespace, settings: Settings) -> int:
    from sqlmodel import Session

    from backend.db.engine import make_engine
    from backend.monitoring import rollups

    with Session(make_engine(settings.database_url, settings=settings)) as session:
        rows = rollups.rebuild(session)
        session.commit()
    print(f"rebuilt {rows} rollup row(s) from the audit log and the ratings")
    return 0


def _engine_with_keys(settings: Settings) -> Engine:
    """An engine whose keyring is loaded now (a missing purpose's key created)."""
    from backend.db.engine import make_engine
    from backend.privacy.keys import load_now

    engine = make_engine(settings.database_url, settings=settings)
    load_now(engine)
    return engine


def _pii_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from backend.privacy.rotation import rotate_configured

    engine = _engine_with_keys(settings)
    print(rotate_configured(engine, settings, args.new_key_file))
    return 0


def _purge_retention(_: argparse.Namespace, settings: Settings) -> int:
    from backend.privacy.service import purge_retention

    engine = _engine_with_keys(settings)
    counts = purge_retention(engine, settings)
    print(f"purged {counts['dossiers']} dossier(s), anonymised {counts['people']} person(s), "
          f"deleted {counts['access_log']} access-log entr(y/ies) past retention")
    return 0


def _blobs_seal(args: argparse.Namespace, settings: Settings) -> int:
    from backend.blobs import make_blob_store
    from backend.blobs.content import seal_existing

    engine = _engine_with_keys(settings)
    undo = args.blobs_command == "unseal"
    changed, skipped = seal_existing(engine, make_blob_store(settings), undo=undo)
    print(f"{'unsealed' if undo else 'sealed'} {changed} blob(s); {skipped} missing from the "
          "store or not matching their hash (left as they are)")
    return 1 if skipped else 0


def _breach_open(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import datetime

    from sqlmodel import Session

    from backend.lib.clock import utcnow
    from backend.lib.errors import AppError
    from backend.privacy import breach

    def when(raw: str) -> datetime:
        t = datetime.fromisoformat(raw)
        if t.tzinfo is None:
            raise SystemExit(f"langso: {raw!r} needs a time zone, e.g. 2026-12-06T08:00+07:00")
        return t

    engine = _engine_with_keys(settings)
    with Session(engine) as session:
        try:
            record = breach.open_breach(session, breach.BreachIn(
                description=args.description, found_at=when(args.found_at),
                window_from=when(args.window_from), window_to=when(args.window_to),
                device_ids=args.device or [], actor_ids=args.account or [],
                measures=args.measures or ""), args.opened_by, utcnow())
        except AppError as exc:
            print(f"langso: {exc.message_vi}", file=sys.stderr)
            return 2
        if args.pdf:
            Path(args.pdf).write_bytes(breach.notice_pdf(session, record))
        print(breach.notice_text(session, record))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="langso", description="Làng Số server")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API and the PWA")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--threads", type=int,
                       help="handler threads per worker; the database pool follows "
                            "(default: 32 on SQLite, 16 on PostgreSQL)")
    serve.set_defaults(func=_serve)

    db = sub.add_parser("db", help="database schema")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", help="migrate to the latest schema")
    up.set_defaults(func=_db_upgrade)

    seed = sub.add_parser("seed-demo", help="load the demo commune once (Pu Sam Cáp, Lai Châu)")
    seed.set_defaults(func=_seed_demo)

    cu = sub.add_parser("create-user", help="create an account (real password policy)")
    cu.add_argument("username")
    cu.add_argument("--role", required=True, choices=["admin", "officer", "volunteer",
                                                      "province_monitor", "province_admin"])
    cu.add_argument("--province", help="province id (province roles)")
    cu.add_argument("--full-name", required=True)
    cu.add_argument("--commune", help="commune id (officers and volunteers)")
    cu.add_argument("--village", action="append", help="village code (volunteers; repeatable)")
    cu.add_argument("--password", help="omit to be asked without echo")
    cu.set_defaults(func=_create_user)

    imp = sub.add_parser("import-households", help="import households from CSV (all or nothing)")
    imp.add_argument("file")
    imp.add_argument("--commune", required=True, help="commune id the villages belong to")
    imp.set_defaults(func=_import_households)

    cc = sub.add_parser("check-catalog", help="validate the procedure catalogue")
    cc.add_argument("--dir", help="catalogue directory (default: the built-in one)")
    cc.set_defaults(func=_check_catalog)

    nd = sub.add_parser("notify-due", help="push officers about dossiers due within a working day")
    nd.set_defaults(func=_notify_due)

    wk = sub.add_parser("worker", help="deliver push notices and run scheduled jobs "
                        "(notify-due, pull-log pruning, stale-upload purging)")
    wk.add_argument("--once", action="store_true", help="one round, then exit")
    wk.add_argument("--interval", type=float, default=5.0, help="seconds between rounds")
    wk.set_defaults(func=_worker)

    keys = sub.add_parser("keys", help="commune signing keys, kept sealed in the database")
    ksub = keys.add_subparsers(dest="keys_command", required=True)
    for name, text in (("create", "give each commune (or --commune) its first key"),
                       ("rotate", "add a newer key; old keys stay published"),
                       ("list", "list published keys")):
        kp = ksub.add_parser(name, help=text)
        if name != "list":
            kp.add_argument("--commune", action="append", help="commune id (repeatable; "
                            "default: every commune)")
        kp.set_defaults(func=_keys)

    rr = sub.add_parser("rebuild-rollups",
                        help="recompute the province view's rollups (after an upgrade or import)")
    rr.set_defaults(func=_rebuild_rollups)

    pii = sub.add_parser("pii", help="personal-data keys")
    piisub = pii.add_subparsers(dest="pii_command", required=True)
    rot = piisub.add_parser("rotate", help="new data keys (and master key); re-encrypt all")
    rot.add_argument("--new-key-file", help="file with the new master key (64 hex digits)")
    rot.set_defaults(func=_pii_rotate)

    pr = sub.add_parser("purge-retention", help="purge personal data past its retention period")
    pr.set_defaults(func=_purge_retention)

    bl = sub.add_parser("blobs", help="photos and PDFs in the blob store, sealed at rest")
    blsub = bl.add_subparsers(dest="blobs_command", required=True)
    for name, text in (("seal", "seal the blobs stored plain before sealing existed"),
                       ("unseal", "write every blob back plain (before a schema downgrade)")):
        blsub.add_parser(name, help=text).set_defaults(func=_blobs_seal)

    br = sub.add_parser("breach", help="personal-data breach records")
    brsub = br.add_subparsers(dest="breach_command", required=True)
    bo = brsub.add_parser("open", help="open a breach record and print the 72-hour notice")
    bo.add_argument("--description", required=True)
    bo.add_argument("--found-at", required=True, help="ISO time with zone")
    bo.add_argument("--window-from", required=True, help="ISO time with zone")
    bo.add_argument("--window-to", required=True, help="ISO time with zone")
    bo.add_argument("--device", action="append", help="device id (repeatable)")
    bo.add_argument("--account", action="append", help="user id whose reads count (repeatable)")
    bo.add_argument("--measures", help="measures taken")
    bo.add_argument("--opened-by", required=True, help="user id of the admin recording it")
    bo.add_argument("--pdf", help="also write the notice as PDF to this path")
    bo.set_defaults(func=_breach_open)

    oa = sub.add_parser("openapi", help="print the OpenAPI document (no server, no database)")
    oa.add_argument("--out", help="write to this file instead of standard output")
    oa.set_defaults(func=_openapi)
    return parser


def _openapi(args: argparse.Namespace, _: Settings) -> int:
    from backend.openapi_dump import write

    return write(args.out)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    return int(args.func(args, settings))


if __name__ == "__main__":
    raise SystemExit(main())
