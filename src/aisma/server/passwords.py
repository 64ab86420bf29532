"""Password hashing with argon2id (argon2-cffi), with rehash when the parameters change."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """argon2-cffi's defaults are RFC 9106's low-memory profile of argon2id; built on first use."""
    return PasswordHasher()


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(encoded: str, password: str) -> bool:
    try:
        return hasher().verify(encoded, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    return hasher().check_needs_rehash(encoded)


# A hash of a random password: checked when the email is unknown, so timing does not reveal accounts.
_DUMMY: list[str] = []


def burn_time(password: str) -> None:
    if not _DUMMY:
        _DUMMY.append(hash_password("not-a-real-password-0000"))
    verify_password(_DUMMY[0], password)
