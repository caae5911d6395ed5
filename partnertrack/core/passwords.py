"""Password hashing with argon2id (OWASP's first choice) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10
MAX_LENGTH = 128


def _hasher() -> PasswordHasher:
    """An argon2id hasher with the configured cost."""
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``, salt included."""
    return _hasher().hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches; never raises on a malformed hash."""
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when the email is unknown, so a wrong email costs the same time
# as a wrong password and response times do not reveal who has an account.
_DUMMY_HASH: dict[str, str] = {}


def burn_time(password: str) -> None:
    """Spend one verification's worth of time on an unknown account."""
    key = f"{current_app.config['ARGON2_TIME_COST']}:{current_app.config['ARGON2_MEMORY_COST']}"
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hash_password("not a real password, only a timing stand-in")
    check_password(_DUMMY_HASH[key], password)
