"""``flask --app partnertrack clinic create NAME --admin-email EMAIL``: a clinic and its first admin."""

from __future__ import annotations

import secrets
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from partnertrack.extensions import db
from partnertrack.models import User

clinic_cli = AppGroup("clinic", help="Manage clinics.")
# The first admin chooses their password through this link; a day leaves time to pass it on.
SET_PASSWORD_HOURS = 24


@clinic_cli.command("create")
@click.argument("name")
@click.option("--admin-email", required=True, help="The first admin's address (an account is made if there is none).")
@click.option("--admin-name", default=None, help="The admin's name, for a new account (default: the address).")
def clinic_create(name: str, admin_email: str, admin_name: str | None) -> None:
    """Make a clinic and its first admin; a new admin account gets a one-time set-password link."""
    from partnertrack.clinic.models import NAME_MAX
    from partnertrack.clinic.service import create_clinic
    from partnertrack.core.audit import record
    from partnertrack.core.refusals import Refused

    name, email = name.strip(), admin_email.strip().lower()
    if not name or len(name) > NAME_MAX:
        raise click.ClickException(f"The clinic's name must be 1 to {NAME_MAX} characters long.")
    if "@" not in email or len(email) > 254:
        raise click.ClickException(f"{admin_email!r} is not an email address.")
    user = db.session.scalar(sa.select(User).where(User.email == email))
    created = user is None
    if created:
        user = _new_admin_account(admin_name or email, email)
    elif not user.is_therapist:
        raise click.ClickException(f"{email} is a patient account; a clinic admin needs a therapist account.")
    try:
        clinic = create_clinic(name, user)
    except Refused as refusal:
        raise click.ClickException(refusal.message) from refusal
    record("clinic.created", detail=f"clinic {clinic.id}", subject_id=user.id)
    link = _set_password_link(user) if created else None
    db.session.commit()
    click.echo(f"Clinic {clinic.name!r} created (id {clinic.id}); {email} is its admin.")
    if link:
        click.echo(f"The admin sets a password with this one-time link (valid {SET_PASSWORD_HOURS} hours):")
        click.echo(f"  {link}")
    else:
        click.echo("The admin logs in with their existing password.")


def _new_admin_account(name: str, email: str) -> User:
    """A therapist account nobody knows the password of yet (the set-password link sets it)."""
    from partnertrack.auth.service import create_user

    return create_user(name[:120], email, secrets.token_urlsafe(32), role="therapist")


def _set_password_link(user: User) -> str:
    """A password-reset link for ``user`` (auth/reset.py's machinery), valid SET_PASSWORD_HOURS."""
    from partnertrack.auth.models import PasswordReset
    from partnertrack.core.clock import utcnow
    from partnertrack.core.email import public_base_url
    from partnertrack.core.tokens import derived_token, hash_token, new_nonce

    nonce = new_nonce()
    token = derived_token("password-reset", nonce)
    reset = PasswordReset(
        user_id=user.id,
        nonce=nonce,
        token_hash=hash_token(token),
        expires_at=utcnow() + timedelta(hours=SET_PASSWORD_HOURS),
    )
    db.session.add(reset)
    db.session.flush()
    with current_app.test_request_context(base_url=public_base_url()):
        from flask import url_for

        return url_for("reset.reset_page", token=token, _external=True)
