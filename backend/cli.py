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


def _rebuild_rollups(_: argparse.Namespace, settings: Settings) -> int:
    from sqlmodel import Session

    from backend.db.engine import make_engine
    from backend.monitoring import rollups

    with Session(make_engine(settings.database_url)) as session:
        rows = rollups.rebuild(session)
        session.commit()
    print(f"rebuilt {rows} rollup row(s) from the audit log and the ratings")
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

    rr = sub.add_parser("rebuild-rollups",
                        help="recompute the province view's rollups (after an upgrade or import)")
    rr.set_defaults(func=_rebuild_rollups)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    return int(args.func(args, settings))


if __name__ == "__main__":
    raise SystemExit(main())
