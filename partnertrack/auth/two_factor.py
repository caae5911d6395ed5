"""Two-factor sign-in: a code from an authenticator app (TOTP, RFC 6238) or a single-use recovery code.

Codes are made and checked by pyotp. A code is accepted for the current 30-second step
and one step either side (a phone's clock drifts), and only once: the step of the last
accepted code is kept, and a conditional UPDATE refuses the same or an earlier step, so
two requests racing with one code cannot both pass. Recovery codes (ten, 80 bits each)
are shown once and stored as hashes; each works once.

Who must use it is one function, ``required_for``: the roles in TWO_FACTOR_REQUIRED_ROLES
(none by default: every account may turn it on, therapists are asked to). A clinic
setting that requires it for its members belongs there too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
import sqlalchemy as sa
from flask import current_app

from partnertrack.auth.two_factor_models import RecoveryCode, TwoFactor
from partnertrack.core.clock import now, utcnow
from partnertrack.extensions import db
from partnertrack.models import User

ISSUER = "PartnerTrack"
STEP_S = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_GROUPS, RECOVERY_GROUP_LEN = 4, 4  # "abcd-efgh-jkmn-pqrs": 16 x 5 bits = 80 bits


def required_for(user: User) -> bool:
    """True when ``user`` may not use PartnerTrack without two-factor sign-in.

    The roles in TWO_FACTOR_REQUIRED_ROLES, and the admins and supervisors of a clinic that
    requires it (clinic/service.two_factor_required; docs/security.md says why).
    """
    if user.role in current_app.config.get("TWO_FACTOR_REQUIRED_ROLES", []):
        return True
    from partnertrack.clinic.service import two_factor_required  # the clinic feature imports auth

    return user.role == "therapist" and two_factor_required(user)


def settings_of(user: User) -> TwoFactor | None:
    """The account's two-factor row, set up or pending."""
    return db.session.get(TwoFactor, user.id)


def enabled_for(user: User) -> bool:
    """True when the account has two-factor sign-in set up."""
    row = settings_of(user)
    return row is not None and row.confirmed_at is not None


def pending_secret(user: User) -> str:
    """The secret being set up (made now if there is none), while two-factor sign-in is not on yet."""
    row = settings_of(user)
    if row is None:
        row = TwoFactor(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(row)
        db.session.flush()
    return row.secret


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _digits(code: str | None) -> str:
    """The code as typed, without spaces (apps show "123 456")."""
    return "".join((code or "").split())


def check_code(row: TwoFactor, code: str | None) -> bool:
    """True once for a right code of ``row``'s secret; records its step so it never works again."""
    typed = _digits(code)
    if not (typed.isascii() and typed.isdigit() and len(typed) == 6):
        return False
    totp = pyotp.TOTP(row.secret)
    current = int(now().timestamp()) // STEP_S
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_S), typed):
            return _claim_step(row, step)
    return False


def _claim_step(row: TwoFactor, step: int) -> bool:
    """Record ``step`` as used unless it (or a later one) already was: one statement, no race."""
    done = db.session.execute(
        sa.update(TwoFactor)
        .where(TwoFactor.user_id == row.user_id)
        .where(sa.or_(TwoFactor.last_step.is_(None), TwoFactor.last_step < step))
        .values(last_step=step),
        execution_options={"synchronize_session": False},
    )
    return done.rowcount == 1


def confirm(user: User, code: str | None) -> list[str] | None:
    """Turn two-factor sign-in on with a right code from the app; the new recovery codes, or None."""
    row = settings_of(user)
    if row is None or row.confirmed_at is not None or not check_code(row, code):
        return None
    row.confirmed_at = utcnow()
    return new_recovery_codes(user)


def _hash_code(user_id: int, code: str) -> str:
    """A recovery code's stored form: SHA-256 of the account and the code (80 random bits need no slow hash)."""
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(f"{user_id}:{normal}".encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with ten new ones; the codes, to be shown once."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "-".join(
            "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LEN))
            for _ in range(RECOVERY_GROUPS)
        )
        for _ in range(RECOVERY_CODES)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(user.id, c)) for c in codes)
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str | None) -> bool:
    """True once for each of the account's unused recovery codes."""
    if not code or len(code) > 40:
        return False
    done = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(user.id, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return done.rowcount == 1


def recovery_codes_left(user: User) -> int:
    """How many of the account's recovery codes are unused."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def verify(user: User, code: str | None) -> str | None:
    """ "app" or "recovery code" when ``code`` signs ``user`` in, else None."""
    row = settings_of(user)
    if row is None or row.confirmed_at is None:
        return None
    if check_code(row, code):
        return "app"
    if use_recovery_code(user, code):
        return "recovery code"
    return None


def turn_off(user: User) -> None:
    """Remove the account's secret and recovery codes (the user's choice, or an administrator's reset)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(sa.delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.expire_all()
