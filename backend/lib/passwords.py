"""Password hashing (argon2id) and the password policy for real accounts."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verifying against this keeps the timing of "no such user" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(unicodedata.normalize("NFC", password))


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        ok = _hasher.verify(password_hash or _DUMMY_HASH, unicodedata.normalize("NFC", password))
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None


def password_problems(password: str, username: str) -> list[str]:
    """Vietnamese explanations of why a password is too weak; empty when it is acceptable."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự.")
    if username and username.lower() in password.lower():
        problems.append("Mật khẩu không được chứa tên đăng nhập.")
    kinds = sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if kinds < 3:
        problems.append("Mật khẩu cần ít nhất 3 loại: chữ thường, chữ hoa, chữ số, ký hiệu.")
    if len(set(password)) < 5:
        problems.append("Mật khẩu quá đơn điệu.")
    return problems
