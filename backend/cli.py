"""The `langso` command: serve, migrate, seed, manage users, import, check the catalogue."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from backend.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from backend.catalog.loader import CatalogError, load_catalog

    try:
        load_catalog(settings.catalog_dir) if settings.catalog_dir else load_catalog()
    except CatalogError as exc:
        print(
            f"langso: danh mục thủ tục lỗi / broken procedure catalogue:\n  {exc}", file=sys.stderr
        )
        return 2
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_level="info",
        proxy_headers=False,
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

    engine = make_engine(settings.database_url)
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
    engine = make_engine(settings.database_url)
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

    engine = make_engine(settings.database_url)
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
    from backend.push.notify import notify_due_soon

    count = notify_due_soon(utcnow(), make_engine(settings.database_url), settings.data_dir)
    print(f"notified officers about {count} dossier(s) due within one working day")
    return 0


def _engine_with_keys(settings: Settings) -> object:
    from backend.db.engine import make_engine
    from backend.privacy.keys import install_for

    engine = make_engine(settings.database_url)
    install_for(engine, settings)
    return engine


def _pii_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import Engine

    from backend.privacy.rotation import rotate_configured

    engine = _engine_with_keys(settings)
    assert isinstance(engine, Engine)
    print(rotate_configured(engine, settings, args.new_key_file))
    return 0


def _purge_retention(_: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import Engine

    from backend.privacy.service import purge_retention

    engine = _engine_with_keys(settings)
    assert isinstance(engine, Engine)
    counts = purge_retention(engine, settings)
    print(f"purged {counts['dossiers']} dossier(s), anonymised {counts['people']} person(s), "
          f"deleted {counts['access_log']} access-log entr(y/ies) past retention")
    return 0


def _breach_open(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import datetime

    from sqlalchemy import Engine
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
    assert isinstance(engine, Engine)
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
    serve.set_defaults(func=_serve)

    db = sub.add_parser("db", help="database schema")
    dbsub = db.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", help="migrate to the latest schema")
    up.set_defaults(func=_db_upgrade)

    seed = sub.add_parser("seed-demo", help="load the demo commune once (Pu Sam Cáp, Lai Châu)")
    seed.set_defaults(func=_seed_demo)

    cu = sub.add_parser("create-user", help="create an account (real password policy)")
    cu.add_argument("username")
    cu.add_argument("--role", required=True, choices=["admin", "officer", "volunteer"])
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

    pii = sub.add_parser("pii", help="personal-data keys")
    piisub = pii.add_subparsers(dest="pii_command", required=True)
    rot = piisub.add_parser("rotate", help="new data keys (and master key); re-encrypt all")
    rot.add_argument("--new-key-file", help="file with the new master key (64 hex digits)")
    rot.set_defaults(func=_pii_rotate)

    pr = sub.add_parser("purge-retention", help="purge personal data past its retention period")
    pr.set_defaults(func=_purge_retention)

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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    return int(args.func(args, settings))


if __name__ == "__main__":
    raise SystemExit(main())
