"""Settings checked once at start: a value of the wrong type stops the app with a clear message.

Environment variables arrive as JSON where they parse (``PARTNERTRACK_X=90`` is the number
90, ``=true`` a boolean) and as text otherwise, so a typo would otherwise surface later as
a 500 on every request (``PERMANENT_SESSION_LIFETIME=90`` did). Each known setting has a
kind; a value that is not of it, and cannot be read as it, raises ``ConfigError`` naming
the setting, its environment variable, what was given and what is expected. Settings not
listed here are not checked: add a feature's settings to ``KINDS`` with the feature.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, MutableMapping
from datetime import timedelta
from typing import Any

ENV_PREFIX = "PARTNERTRACK_"


class ConfigError(RuntimeError):
    """A setting has a value PartnerTrack cannot use; the app does not start."""


def _whole(least: int) -> Callable[[Any], int]:
    """A kind: a whole number of at least ``least`` (booleans are not numbers here)."""

    def read(value: Any) -> int:
        """The value as an int, or ValueError."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or int(value) != value:
            raise ValueError(f"a whole number of at least {least}")
        if value < least:
            raise ValueError(f"a whole number of at least {least}")
        return int(value)

    return read


def _positive_number(value: Any) -> float:
    """A number above zero."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value <= 0:
        raise ValueError("a number above 0")
    return value


def _boolean(value: Any) -> bool:
    """true or false (JSON), nothing else: "no" or "0" are slips, not answers."""
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


def _duration(value: Any) -> timedelta:
    """A duration: a timedelta, or a whole number of seconds as Flask itself accepts."""
    if isinstance(value, timedelta) and value.total_seconds() > 0:
        return value
    if not isinstance(value, bool) and isinstance(value, int) and value > 0:
        return timedelta(seconds=value)
    raise ValueError("a whole number of seconds above 0")


def _text(value: Any) -> str:
    """Non-empty text."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("text")
    return value


def _key(value: Any) -> str | bytes:
    """A secret key: non-empty text or bytes (Flask takes either)."""
    if isinstance(value, bytes) and value:
        return value
    return _text(value)


def _optional(kind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``kind`` or unset (None)."""

    def read(value: Any) -> Any:
        """None stays None; anything else must be of ``kind``."""
        return None if value is None else kind(value)

    return read


def _rate_limit(value: Any) -> str:
    """A rate limit such as "10 per minute" or "5/hour;50/day"."""
    from limits import parse_many

    try:
        if not isinstance(value, str) or not parse_many(value):
            raise ValueError
    except ValueError:
        raise ValueError('a rate limit such as "10 per minute"') from None
    return value


def _roles(value: Any) -> list[str]:
    """A list of account roles, such as ["therapist"]."""
    from partnertrack.core.roles import Role

    known = {r.value for r in Role}
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v in known for v in value):
        raise ValueError(f"a list of roles from {sorted(known)}")
    return list(value)


KINDS: dict[str, Callable[[Any], Any]] = {
    "SECRET_KEY": _optional(_key),
    "SQLALCHEMY_DATABASE_URI": _text,
    "ALLOW_SIGNUP": _boolean,
    "SIGNUP_BY_MAIL": _optional(_boolean),
    "SIGNUP_LINK_HOURS": _whole(1),
    "REVEAL_AFTER_DAYS": _whole(0),
    "INVITE_DAYS": _whole(1),
    "COMMENT_MAX": _whole(1),
    "IDLE_TIMEOUT_MINUTES": _positive_number,
    "PERMANENT_SESSION_LIFETIME": _duration,
    "SESSION_COOKIE_SECURE": _boolean,
    "SESSION_COOKIE_HTTPONLY": _boolean,
    "MAX_CONTENT_LENGTH": _optional(_whole(1)),
    "TRUSTED_PROXY_COUNT": _whole(0),
    "LOGIN_RATE_LIMIT": _rate_limit,
    "LOGIN_ACCOUNT_RATE_LIMIT": _rate_limit,
    "SIGNUP_RATE_LIMIT": _rate_limit,
    "SIGNUP_EMAIL_RATE_LIMIT": _rate_limit,
    "TWO_FACTOR_RATE_LIMIT": _rate_limit,
    "TWO_FACTOR_REQUIRED_ROLES": _roles,
    "REDIS_URL": _optional(_text),
    "RATELIMIT_STORAGE_URI": _optional(_text),
    "CACHE_DEFAULT_TIMEOUT": _whole(1),
    "ARGON2_TIME_COST": _whole(1),
    "ARGON2_MEMORY_COST": _whole(8),
    "ARGON2_PARALLELISM": _whole(1),
}


def check_settings(config: MutableMapping[str, Any]) -> None:
    """Check every known setting, converting where the meaning is certain; ConfigError otherwise.

    A duration given in seconds becomes a timedelta in place, so the rest of the
    app reads one type whatever the source.
    """
    for key, kind in KINDS.items():
        if key not in config:
            continue
        try:
            config[key] = kind(config[key])
        except ValueError as expected:
            raise ConfigError(_message(key, config[key], str(expected))) from None


def _message(key: str, value: Any, expected: str) -> str:
    """The one line an operator reads: which setting, what it got, what it needs."""
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    return (
        f"Setting {key} (environment variable {ENV_PREFIX}{key}) must be {expected}, "
        f"but it is {shown} ({type(value).__name__}). PartnerTrack cannot start until it is corrected."
    )
