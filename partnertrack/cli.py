"""Command-line tools: ``flask --app partnertrack`` setup, demo, user (create, reset-password,
reset-two-factor, disable, enable), backup, restore, sessions (find-splits, merge) and the mail worker."""

from __future__ import annotations

import secrets

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.models import User

user_cli = AppGroup("user", help="Manage accounts.")


def create_schema() -> None:
    """Bring the database schema up to date (apply pending migrations); a clear error if unreachable."""
    from sqlalchemy.exc import OperationalError

    from partnertrack.core.database import driver_message
    from partnertrack.core.schema import upgrade_schema

    try:
        upgrade_schema()
    except OperationalError as error:
        where = db.engine.url.render_as_string(hide_password=True)
        raise click.ClickException(f"Cannot reach the database {where}: {driver_message(error)}") from error


@click.command("setup")
@with_appcontext
@click.option("--demo/--no-demo", default=False, help="Load the demo partnership when the database is empty.")
def setup_command(demo: bool) -> None:
    """Create or upgrade the database; optionally load demo data into an empty one."""
    create_schema()
    click.echo("Database ready.")
    if demo:
        if db.session.scalar(db.select(User.id).limit(1)) is None:
            from partnertrack.demo.loader import load_demo

            _print_credentials(load_demo())
        else:
            click.echo("The database already has accounts; demo data not loaded.")


@click.command("demo")
@click.option("--therapists", type=click.IntRange(1, 1000), default=None, help="Generate a caseload at scale instead.")
@click.option("--patients", type=click.IntRange(1, 1000), default=40, show_default=True, help="Patients per therapist.")
@click.option(
    "--sessions", type=click.IntRange(1, 500), default=50, show_default=True, help="Sessions per partnership."
)
@with_appcontext
def demo_command(therapists: int | None, patients: int, sessions: int) -> None:
    """Fill a demo partnership with 16 sessions of believable ratings and print the logins.

    With --therapists, generate that many therapists with --patients partnerships of
    --sessions rated sessions each (for benchmarks) instead.
    """
    create_schema()
    if therapists is None:
        from partnertrack.demo.loader import load_demo

        _print_credentials(load_demo())
        return
    from partnertrack.demo.scale import load_scale

    result = load_scale(therapists, patients, sessions)
    click.echo(
        f"Generated {result['therapists']} therapists, {result['partnerships']} partnerships, "
        f"{result['sessions']} sessions and {result['ratings']} ratings in {result['seconds']} s."
    )
    _print_credentials([(Role.THERAPIST, *result["login"])])


def _print_credentials(accounts: list[tuple[str, str, str]]) -> None:
    """Show the demo logins."""
    click.echo("Demo data loaded. Log in with:")
    for role, email, password in accounts:
        click.echo(f"  {role:<9} {email}  password: {password}")


@user_cli.command("create")
@click.option("--name", prompt=True)
@click.option("--email", prompt=True)
@click.option("--password", default=None, help="Omit to generate a strong one and print it.")
def user_create(name: str, email: str, password: str | None) -> None:
    """Add a therapist account (for installations with sign-up switched off)."""
    from partnertrack.auth.service import create_user
    from partnertrack.core.passwords import MIN_LENGTH

    email = email.strip().lower()
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise click.ClickException(f"An account with the email {email} already exists.")
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    if len(password) < MIN_LENGTH:
        raise click.ClickException(f"The password must be at least {MIN_LENGTH} characters long.")
    from partnertrack.core.password_policy import policy_problem

    if (problem := policy_problem(password, email, name)) is not None:
        raise click.ClickException(problem)
    create_user(name, email, password, role=Role.THERAPIST)
    db.session.commit()
    click.echo(f"Therapist account created for {email}.")
    if generated:
        click.echo(f"Password: {password}")


def _account(email: str) -> User:
    """The account with ``email``, or a clear error."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account has the email {email.strip().lower()}.")
    return user


@user_cli.command("reset-password")
@click.option("--email", prompt=True)
@click.option("--password", default=None, help="Omit to generate a strong one and print it.")
def user_reset_password(email: str, password: str | None) -> None:
    """Set a new password for someone who forgot theirs; every session of theirs ends."""
    from partnertrack.core.audit import record
    from partnertrack.core.password_policy import policy_problem
    from partnertrack.core.passwords import MAX_LENGTH, MIN_LENGTH, hash_password

    user = _account(email)
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise click.ClickException(f"The password must be between {MIN_LENGTH} and {MAX_LENGTH} characters long.")
    if (problem := policy_problem(password, user.email, user.name)) is not None:
        raise click.ClickException(problem)
    user.password_hash = hash_password(password)
    user.session_version += 1
    record("account.password_reset", subject_id=user.id, detail="command line")
    db.session.commit()
    click.echo(f"Password reset for {user.email}; they were logged out everywhere.")
    if generated:
        click.echo(f"New password: {password}")


@user_cli.command("reset-two-factor")
@click.option("--email", prompt=True)
def user_reset_two_factor(email: str) -> None:
    """Turn off someone's two-factor sign-in (a lost phone and no recovery code); their sessions end.

    Check who is asking before running it: it leaves the password alone between an
    attacker and the account. The reset is recorded in the audit log.
    """
    from partnertrack.auth.two_factor import enabled_for, required_for, turn_off
    from partnertrack.core.audit import record

    user = _account(email)
    if not enabled_for(user):
        raise click.ClickException(f"{user.email} does not use two-factor sign-in; nothing to reset.")
    turn_off(user)
    user.session_version += 1
    record("account.two_factor_reset", subject_id=user.id, detail="command line")
    db.session.commit()
    then = " They must set it up again at their next sign-in." if required_for(user) else ""
    click.echo(f"Two-factor sign-in reset for {user.email}; they were logged out everywhere.{then}")


@user_cli.command("disable")
@click.option("--email", prompt=True)
def user_disable(email: str) -> None:
    """Stop an account from logging in and end every session of it at once."""
    _set_active(_account(email), False)


@user_cli.command("enable")
@click.option("--email", prompt=True)
def user_enable(email: str) -> None:
    """Let a disabled account log in again."""
    _set_active(_account(email), True)


def _set_active(user: User, active: bool) -> None:
    """Switch ``user`` on or off, ending their sessions, with an audit event."""
    from partnertrack.core.audit import record

    user.active = active
    user.session_version += 1
    record("account.enabled" if active else "account.disabled", subject_id=user.id, detail="command line")
    db.session.commit()
    click.echo(f"Account {user.email} {'enabled' if active else 'disabled'}; every session of it has ended.")


def register(app: Flask) -> None:
    """Add the commands to the app's CLI."""
    app.cli.add_command(setup_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(user_cli)
    from partnertrack.core.backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from partnertrack.core.tasks import worker_command

    app.cli.add_command(worker_command)
    from partnertrack.sessions.cli import sessions_cli

    app.cli.add_command(sessions_cli)
    from partnertrack.clinic.cli import clinic_cli

    app.cli.add_command(clinic_cli)
