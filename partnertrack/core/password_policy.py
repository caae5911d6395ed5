"""The password policy beyond length (pure): not a common password, not the email, hard enough to guess.

Strength is estimated by zxcvbn (Dropbox's estimator, as NIST SP 800-63B and OWASP advise:
judge how guessable a password is, not which character classes it has). It is given the
app's own words and the person's name and email as context, so "partnertrack",
"therapy2026" or "SamRivera2025" count as the guessable passwords they are. The shipped
list of the most common passwords is checked first, for a clearer message.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")

COMMON_MESSAGE = _l("This password is one of the most commonly used, so it is easy to guess. Please choose another.")
EMAIL_MESSAGE = _l("Your password must not be your email address.")
WEAK_MESSAGE = _l("This password would be easy to guess.")
WEAK_ADVICE = _l("A few unrelated words, or a short sentence only you would write, make a strong password.")
# zxcvbn's warnings are English only (its own gettext domain ships no catalogs), so each one
# it can give is worded here as a marked message; a warning not listed (a newer zxcvbn) is left
# out rather than shown in English, and WEAK_ADVICE still says what helps.
ZXCVBN_WARNINGS = {
    "Straight rows of keys are easy to guess.": _l("Straight rows of keys are easy to guess."),
    "Short keyboard patterns are easy to guess.": _l("Short keyboard patterns are easy to guess."),
    'Repeats like "aaa" are easy to guess.': _l("Repeats like “aaa” are easy to guess."),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': _l(
        "Repeats like “abcabcabc” are only slightly harder to guess than “abc”."
    ),
    'Sequences like "abc" or "6543" are easy to guess.': _l("Sequences like “abc” or “6543” are easy to guess."),
    "Recent years are easy to guess.": _l("Recent years are easy to guess."),
    "Dates are often easy to guess.": _l("Dates are often easy to guess."),
    "This is a top-10 common password.": _l("This is one of the ten most common passwords."),
    "This is a top-100 common password.": _l("This is one of the hundred most common passwords."),
    "This is a very common password.": _l("This is a very common password."),
    "This is similar to a commonly used password.": _l("This is similar to a commonly used password."),
    "A word by itself is easy to guess.": _l("A word by itself is easy to guess."),
    "Names and surnames by themselves are easy to guess.": _l("Names and surnames by themselves are easy to guess."),
    "Common names and surnames are easy to guess.": _l("Common names and surnames are easy to guess."),
}
# zxcvbn's score: 3 means "safely unguessable: moderate protection from an offline attack"
# (about 10^8 guesses and more), its authors' and OWASP's recommended minimum.
MIN_SCORE = 3
# zxcvbn's time grows with length; beyond this many characters the rest adds only strength.
ESTIMATE_CHARS = 64
# Words everyone attacking PartnerTrack would try first.
APP_WORDS = (
    "partnertrack",
    "partner",
    "partnership",
    "track",
    "therapy",
    "therapist",
    "psychotherapy",
    "counselling",
    "counseling",
    "patient",
    "client",
    "session",
    "clinic",
    "alliance",
    "rupture",
    "repair",
    "feedback",
    "mutuality",
    "collaboration",
    "responsiveness",
)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lowercased (lines starting with # are comments)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _normalise(text: str) -> str:
    """Case and surrounding spaces do not make a password less guessable."""
    return text.strip().lower()


def context_words(email: str | None, name: str | None = None) -> list[str]:
    """What an attacker knows about the person: the app's words, their email and its parts, their name."""
    words = list(APP_WORDS)
    if email:
        address = _normalise(email)
        local, _, domain = address.partition("@")
        words += [address, local, domain, *local.replace("_", ".").replace("-", ".").split(".")]
    if name:
        parts = name.lower().split()
        words += [*parts, "".join(parts)]  # "samrivera" as well as "sam" and "rivera"
    return [w for w in words if w]


def policy_problem(password: str | None, email: str | None = None, name: str | None = None) -> str | None:
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
    return strength_problem(password, context_words(email, name))


def strength_problem(password: str, context: Iterable[str] = APP_WORDS) -> str | None:
    """zxcvbn's verdict: None when the password is hard enough to guess, else why not and what helps."""
    result = zxcvbn(password[:ESTIMATE_CHARS], user_inputs=list(context))
    if result["score"] >= MIN_SCORE:
        return None
    warning = ZXCVBN_WARNINGS.get(result["feedback"].get("warning") or "", "")
    return " ".join(str(part) for part in (WEAK_MESSAGE, warning, WEAK_ADVICE) if part)
