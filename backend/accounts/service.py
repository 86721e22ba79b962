"""Log in, log out, create users. The transaction boundary for accounts."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from sqlmodel import Session, select

from backend.accounts import queries, throttle
from backend.db.models import AuthToken, Province, User, UserVillage, Village
from backend.lib.auth import PROVINCE_ROLES, ROLES, Principal, issue_token, load_principal
from backend.lib.clock import new_id
from backend.lib.errors import AppError, forbidden
from backend.lib.passwords import hash_password, password_problems, verify_password

BAD_LOGIN = AppError(
    "bad_credentials",
    "Tên đăng nhập hoặc mật khẩu không đúng.",
    "Wrong username or password.",
    401,
)


def login(
    session: Session,
    secret: bytes,
    username: str,
    password: str,
    now: datetime,
    ttl: timedelta,
    address: str = "",
) -> tuple[str, Principal, datetime]:
    name = unicodedata.normalize("NFC", username.strip()).lower()
    throttle.check(session, name, address, now)
    user = session.exec(select(User).where(User.username == name)).first()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        throttle.record_failure(session, name, address, now)
        raise BAD_LOGIN
    throttle.forget(session, name, address)
    token = issue_token(session, secret, user.id, now, ttl)
    principal = load_principal(session, user)
    session.commit()
    return token, principal, now + ttl


def logout(session: Session, principal: Principal, now: datetime) -> None:
    row = session.get(AuthToken, principal.token_hash)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        session.commit()


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    full_name: str,
    role: str,
    commune_id: str | None,
    village_codes: list[str],
    now: datetime,
    enforce_policy: bool = True,
    province_id: str | None = None,
) -> User:
    """Create an account. Only the demo seed passes `enforce_policy=False`."""
    name = unicodedata.normalize("NFC", username.strip()).lower()
    if not name or not name.replace("_", "").replace(".", "").isalnum() or len(name) > 64:
        raise AppError(
            "bad_username",
            "Tên đăng nhập chỉ gồm chữ, số, dấu chấm hoặc gạch dưới (tối đa 64 ký tự).",
            "Username may hold letters, digits, dots and underscores (max 64).",
        )
    if role not in ROLES:
        raise AppError("bad_role", f"Vai trò không hợp lệ: {role}.", f"Unknown role {role}.")
    if role in PROVINCE_ROLES:
        if not province_id or session.get(Province, province_id) is None:
            raise AppError("province_required", "Cần chỉ định một tỉnh có trong hệ thống.",
                           "An existing province is required.")
        commune_id, village_codes = None, []
    elif role != "admin" and not commune_id:
        raise AppError("commune_required", "Cần chỉ định xã.", "A commune is required.")
    if enforce_policy:
        problems = password_problems(password, name)
        if problems:
            raise AppError(
                "weak_password",
                " ".join(problems),
                "Password does not meet the policy.",
                errors=[{"message_vi": p} for p in problems],
            )
    if session.exec(select(User).where(User.username == name)).first() is not None:
        raise AppError("username_taken", "Tên đăng nhập đã tồn tại.", "Username taken.", 409)
    user = User(
        id=new_id(),
        username=name,
        full_name=unicodedata.normalize("NFC", full_name.strip()),
        password_hash=hash_password(password),
        role=role,
        commune_id=commune_id,
        province_id=province_id,
        created_at=now,
    )
    session.add(user)
    session.flush()
    for code in village_codes:
        village = session.exec(select(Village).where(Village.code == code)).first()
        if village is None or village.commune_id != commune_id:
            raise AppError(
                "unknown_village",
                f"Không có thôn/bản mã {code} trong xã này.",
                f"No village {code} in this commune.",
            )
        session.add(UserVillage(user_id=user.id, village_id=village.id))
    return user


def list_users(
    session: Session,
    principal: Principal,
    role: str,
    commune_id: str | None,
    offset: int,
    limit: int,
) -> tuple[list[tuple[User, list[str]]], int]:
    """Accounts of `role` the caller may see, with their village ids.

    Officers see their own commune only: asking for another commune is refused (403), not
    answered with an empty page, so a mistake is visible. Admins see every commune, or one."""
    if role not in ROLES:
        raise AppError("bad_role", f"Vai trò không hợp lệ: {role}.", f"Unknown role {role}.")
    if principal.role != "admin":
        if commune_id is not None and commune_id != principal.commune_id:
            raise forbidden()
        commune_id = principal.commune_id
        if commune_id is None:  # an officer without a commune sees nobody
            return [], 0
    rows, total = queries.list_users(session, role, commune_id, offset, limit)
    villages = queries.village_ids_of(session, [u.id for u in rows])
    return [(u, villages.get(u.id, [])) for u in rows], total
