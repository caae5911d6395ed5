"""De-identification for the clinic export: pseudonymous ids and per-partnership date shifts (pure).

Both come from an HMAC of the clinic and the partnership under a secret key the caller passes
(the app's SECRET_KEY): the same partnership always gets the same pseudonym and the same
shift, so two exports line up, yet nobody without the key can turn a pseudonym back into a
partnership or undo a shift. Shifting every date of a partnership by the same number of days
keeps the intervals between its sessions (what analysis needs) and hides the real dates.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

# Dates move by up to half a year either way, never by zero (a zero shift would show the real date).
MAX_SHIFT_DAYS = 182


def _digest(key: bytes, purpose: str, clinic_id: int, item_id: int) -> bytes:
    """HMAC-SHA256 of what is being hidden, under ``key``."""
    return hmac.new(key, f"clinic-export:{purpose}:{clinic_id}:{item_id}".encode(), hashlib.sha256).digest()


def pseudonym(key: bytes, clinic_id: int, kind: str, item_id: int) -> str:
    """A stable pseudonymous id such as ``P-4f1c2a9b0d`` (``kind`` "P" partnership, "T" therapist)."""
    return f"{kind}-{_digest(key, kind, clinic_id, item_id).hex()[:10]}"


def shift_days(key: bytes, clinic_id: int, partnership_id: int) -> int:
    """The partnership's date shift in days: from -MAX_SHIFT_DAYS to MAX_SHIFT_DAYS, never 0."""
    value = int.from_bytes(_digest(key, "shift", clinic_id, partnership_id)[:4], "big")
    days = value % MAX_SHIFT_DAYS + 1
    return days if value & 0x80000000 else -days


def shifted(day: date, days: int) -> date:
    """``day`` moved by ``days``."""
    return day + timedelta(days=days)
