"""The password policy beyond length: not a common password, not the email (pure)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")

COMMON_MESSAGE = "This password is one of the most commonly used, so it is easy to guess. Please choose another."
EMAIL_MESSAGE = "Your password must not be your email address."


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lowercased (lines starting with # are comments)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _normalise(text: str) -> str:
    """Case and surrounding spaces do not make a password less guessable."""
    return text.strip().lower()


def policy_problem(password: str | None, email: str | None = None) -> str | None:
    """Why ``password`` is refused, or None when it passes (length is checked by the form).

    "Password1" and "PASSWORD1" are as guessable as "password1", so the
    comparison ignores case; the email comparison also ignores the domain part
    being left off ("alex.smith" for alex.smith@example.org).
    """
    if not password:
        return None
    candidate = _normalise(password)
    if candidate in common_passwords():
        return COMMON_MESSAGE
    if email:
        address = _normalise(email)
        if candidate in (address, address.partition("@")[0]):
            return EMAIL_MESSAGE
    return None
