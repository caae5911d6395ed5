"""Command-line tools: flask --app partnertrack setup | demo | user create."""

from __future__ import annotations

import secrets

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from .extensions import db
from .models import User

user_cli = AppGroup("user", help="Manage accounts.")


def create_schema() -> None:
    """Bring the database schema up to date."""
    from .schema import upgrade_schema

    upgrade_schema()


@click.command("setup")
@with_appcontext
@click.option("--demo/--no-demo", default=False, help="Load the demo partnership when the database is empty.")
def setup_command(demo: bool) -> None:
    """Create or upgrade the database; optionally load demo data into an empty one."""
    create_schema()
    click.echo("Database ready.")
    if demo:
        if db.session.scalar(db.select(User.id).limit(1)) is None:
            from .demo import load_demo

            _print_credentials(load_demo())
        else:
            click.echo("The database already has accounts; demo data not loaded.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Fill a demo partnership with 16 sessions of believable ratings and print the logins."""
    from .demo import load_demo

    create_schema()
    _print_credentials(load_demo())


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
    from .auth.accounts import create_user
    from .passwords import MIN_LENGTH

    email = email.strip().lower()
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise click.ClickException(f"An account with the email {email} already exists.")
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    if len(password) < MIN_LENGTH:
        raise click.ClickException(f"The password must be at least {MIN_LENGTH} characters long.")
    create_user(name, email, password, role="therapist")
    db.session.commit()
    click.echo(f"Therapist account created for {email}.")
    if generated:
        click.echo(f"Password: {password}")


def register(app: Flask) -> None:
    """Add the commands to the app's CLI."""
    app.cli.add_command(setup_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(user_cli)
