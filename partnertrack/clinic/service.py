"""Clinics and their members: create, invite, join, disable; the patient's supervision consent.

Services flush; the request (or the CLI command) commits. A step the rules do not allow
raises ``Refused`` with the reason in plain words, before anything changes.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from partnertrack.clinic.models import (
    ADMIN,
    CLINIC_ROLES,
    SUPERVISOR,
    THERAPIST,
    Clinic,
    ClinicInvite,
    ClinicMember,
    SupervisionConsent,
)
from partnertrack.core import audit
from partnertrack.core.clock import as_utc, now, utcnow
from partnertrack.core.outbox import enqueue
from partnertrack.core.refusals import N_, Refused
from partnertrack.core.roles import Role
from partnertrack.core.tokens import TOKEN_MAX_LENGTH, derived_token, hash_token, new_nonce
from partnertrack.extensions import db
from partnertrack.models import Partnership, User

INVITE_PURPOSE = "clinic-invite"
INVITE_DAYS = 14
INVITE_INVALID = N_("This clinic invite link is not valid. Ask the clinic's admin for a new one.")
INVITE_USED = N_("This clinic invite link has already been used. Ask the clinic's admin for a new one.")
INVITE_EXPIRED = N_(
    "This clinic invite link has expired: links work for 14 days. Ask the clinic's admin for a new one."
)
ONLY_THERAPISTS = N_("Only a therapist account can join a clinic. Patients take part through their therapist.")
IN_ANOTHER_CLINIC = N_("Your account is already a member of another clinic. Leave it before joining this one.")
ALREADY_MEMBER = N_("Your account is already a member of this clinic.")
LAST_ADMIN = N_("The clinic needs at least one active admin: invite another admin before disabling this one.")


def membership_of(user: User | None) -> ClinicMember | None:
    """The account's active membership (at most one), or None."""
    if user is None or not getattr(user, "id", None):
        return None
    return db.session.scalar(
        sa.select(ClinicMember)
        .options(so.joinedload(ClinicMember.clinic))
        .where(ClinicMember.user_id == user.id, ClinicMember.active)
    )


def create_clinic(name: str, admin: User) -> Clinic:
    """A new clinic with ``admin`` as its first admin. Flushes."""
    if membership_of(admin) is not None:
        raise Refused(f"{admin.email} is already a member of a clinic.")
    clinic = Clinic(name=name.strip())
    db.session.add(clinic)
    db.session.flush()
    _add_member(clinic, admin, ADMIN)
    return clinic


def _add_member(clinic: Clinic, user: User, role: str) -> ClinicMember:
    """Make ``user`` an active member in ``role`` (reviving a disabled row of the same clinic). Flushes."""
    member = db.session.scalar(
        sa.select(ClinicMember).where(ClinicMember.clinic_id == clinic.id, ClinicMember.user_id == user.id)
    )
    if member is None:
        member = ClinicMember(clinic_id=clinic.id, user_id=user.id, role=role)
        db.session.add(member)
    else:
        member.role, member.active, member.disabled_at, member.joined_at = role, True, None, utcnow()
    db.session.flush()
    audit.record("clinic.joined", detail=f"clinic {clinic.id} as {role}", subject_id=user.id)
    return member


def make_invite(clinic: Clinic, role: str, email: str | None, by: User | None) -> tuple[ClinicInvite, str]:
    """A single-use invite link for ``role``; mailed (through the outbox) when ``email`` is given. Flushes."""
    if role not in CLINIC_ROLES:
        raise Refused(N_("Please choose admin, supervisor or therapist."))
    nonce = new_nonce()
    token = derived_token(INVITE_PURPOSE, nonce)
    invite = ClinicInvite(
        clinic_id=clinic.id,
        role=role,
        email=email or None,
        nonce=nonce,
        token_hash=hash_token(token),
        created_by_id=by.id if by is not None else None,
        expires_at=utcnow() + timedelta(days=INVITE_DAYS),
    )
    db.session.add(invite)
    db.session.flush()
    if email:
        enqueue("clinic_invite", email, {"invite_id": invite.id}, ref=f"clinic-invite:{invite.id}")
    audit.record("clinic.invited", detail=f"clinic {clinic.id} as {role}")
    return invite, token


def invite_token_of(invite: ClinicInvite) -> str:
    """The link token of a stored invite (derived again from its nonce; only its hash is stored)."""
    return derived_token(INVITE_PURPOSE, invite.nonce)


def find_invite(token: str) -> ClinicInvite:
    """The usable invite for ``token``; Refused (404 or 410) with the reason otherwise."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise Refused(INVITE_INVALID, status=404)
    invite = db.session.scalar(sa.select(ClinicInvite).where(ClinicInvite.token_hash == hash_token(token)))
    if invite is None:
        raise Refused(INVITE_INVALID, status=404)
    if invite.used_at is not None:
        raise Refused(INVITE_USED, status=410)
    if as_utc(invite.expires_at) <= now():
        raise Refused(INVITE_EXPIRED, status=410)
    return invite


def accept_invite(invite: ClinicInvite, user: User) -> ClinicMember:
    """``user`` joins the invite's clinic, bringing their partnerships (their patients are told). Flushes.

    The invite is used once, even when two tabs race: the UPDATE that marks it used only
    matches an unused row.
    """
    if user.role != Role.THERAPIST:
        raise Refused(ONLY_THERAPISTS, status=403)
    current = membership_of(user)
    if current is not None:
        raise Refused(ALREADY_MEMBER if current.clinic_id == invite.clinic_id else IN_ANOTHER_CLINIC)
    used = db.session.execute(
        sa.update(ClinicInvite)
        .where(ClinicInvite.id == invite.id, ClinicInvite.used_at.is_(None))
        .values(used_at=utcnow(), used_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount == 0:
        raise Refused(INVITE_USED, status=410)
    member = _add_member(invite.clinic, user, invite.role)
    if invite.role == THERAPIST:
        tell_patients_of_joining(invite.clinic, user)
    return member


def tell_patients_of_joining(clinic: Clinic, therapist: User) -> int:
    """Tell each patient of the therapist's open partnerships that the practice joined a clinic; how many.

    The patient reads it in their activity log (an audit event on the partnership) and, where
    they have an account, in a mail through the outbox. Nothing of their data changes owner.
    """
    partnerships = db.session.scalars(
        sa.select(Partnership).where(Partnership.therapist_id == therapist.id, Partnership.status != "ended")
    ).all()
    for partnership in partnerships:
        audit.record("clinic.partnership_joined", partnership.id, f"now part of the clinic {clinic.name}"[:200])
        if partnership.patient is not None:
            enqueue(
                "clinic_joined",
                partnership.patient.email,
                {"partnership_id": partnership.id, "clinic_id": clinic.id},
                user_id=partnership.patient_id,
                partnership_id=partnership.id,
                ref=f"clinic-joined:{partnership.id}",
            )
    return len(partnerships)


def member_in(clinic_id: int, member_id: int) -> ClinicMember | None:
    """The clinic's member with ``member_id`` (active or not), or None (another clinic's is None too)."""
    member = db.session.get(ClinicMember, member_id)
    return member if member is not None and member.clinic_id == clinic_id else None


def members_of(clinic_id: int, role: str | None = None, active_only: bool = False) -> list[ClinicMember]:
    """The clinic's members (with their accounts, one query), by role then name."""
    query = (
        sa.select(ClinicMember)
        .join(User, User.id == ClinicMember.user_id)
        .where(ClinicMember.clinic_id == clinic_id)
        .options(so.contains_eager(ClinicMember.user))
        .order_by(ClinicMember.role, User.name, ClinicMember.id)
    )
    if role is not None:
        query = query.where(ClinicMember.role == role)
    if active_only:
        query = query.where(ClinicMember.active)
    return list(db.session.scalars(query))


def disable_member(member: ClinicMember, by: User) -> None:
    """Take a member out of the clinic: they lose its pages; nothing is deleted. Flushes."""
    if not member.active:
        raise Refused(N_("This member is already disabled."))
    if member.role == ADMIN and len(members_of(member.clinic_id, ADMIN, active_only=True)) <= 1:
        raise Refused(LAST_ADMIN)
    member.active, member.disabled_at = False, utcnow()
    db.session.flush()
    audit.record("clinic.member_disabled", detail=f"clinic {member.clinic_id}", user=by, subject_id=member.user_id)


def consent_of(patient: User) -> bool:
    """True when the patient allowed their clinic's supervisors to see their identified ratings."""
    row = db.session.get(SupervisionConsent, patient.id)
    return row is not None and row.allowed


def consenting_partnerships(partnership_ids: list[int]) -> set[int]:
    """Those of ``partnership_ids`` whose patient allowed supervisors to see identified ratings (one query)."""
    if not partnership_ids:
        return set()
    rows = db.session.scalars(
        sa.select(Partnership.id)
        .join(SupervisionConsent, SupervisionConsent.patient_id == Partnership.patient_id)
        .where(Partnership.id.in_(partnership_ids), SupervisionConsent.allowed)
    )
    return set(rows)


def set_consent(patient: User, allowed: bool) -> None:
    """Record the patient's choice (off by default) and log the change. Flushes."""
    row = db.session.get(SupervisionConsent, patient.id)
    if row is None:
        row = SupervisionConsent(patient_id=patient.id, allowed=allowed)
        db.session.add(row)
    row.allowed = allowed
    db.session.flush()
    audit.record("clinic.consent_given" if allowed else "clinic.consent_withdrawn", user=patient)


def two_factor_required(user: User) -> bool:
    """True when the account is an active admin or supervisor of a clinic that requires two-factor sign-in.

    It runs on every request of a therapist account (auth/second_step.py), so it reads the
    membership the menu reads too: one query per request for both (``permissions.current_membership``).
    """
    if not current_app.config["CLINIC_TWO_FACTOR"]:
        return False
    from partnertrack.clinic.permissions import membership_for_request

    member = membership_for_request(user)
    return member is not None and member.role in (ADMIN, SUPERVISOR) and bool(member.clinic.require_two_factor)


def secret_key() -> bytes:
    """The key the export's pseudonyms and date shifts are derived from (the app's secret)."""
    secret = current_app.config["SECRET_KEY"]
    return secret if isinstance(secret, bytes) else str(secret).encode("utf-8")
