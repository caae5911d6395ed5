"""``flask --app partnertrack sessions find-splits | merge``: split pairs from the command line.

Finding lists; merging asks for a person's confirmation first (``--yes`` is that person
saying yes in advance). Like every command, each is its own request and commits itself.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from partnertrack.core.audit import record
from partnertrack.core.refusals import Refused
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.models import Partnership
from partnertrack.ratings.records import timeline_for
from partnertrack.ruptures.service import sync_signals
from partnertrack.sessions import service
from partnertrack.sessions.pairs import SplitPair
from partnertrack.sessions.service import open_split_pairs

sessions_cli = AppGroup("sessions", help="Shared sessions: find and merge one meeting rated under two dates.")


def _describe(pair: SplitPair) -> str:
    """One pair in a line: both sessions with their ids, who rated each, how far apart."""
    sides = [
        f"session {v.number} of {v.date:%d %b %Y} (id {v.session_id}, rated only by the {next(iter(v.rated_by))})"
        for v in pair.sides
    ]
    return f"{sides[0]} and {sides[1]}, {pair.days_apart} day{'s' if pair.days_apart != 1 else ''} apart"


@sessions_cli.command("find-splits")
@click.option("--partnership", "partnership_id", type=int, default=None, help="Only this partnership (its id).")
def find_splits(partnership_id: int | None) -> None:
    """List pairs of one-sided sessions a few days apart that may be one meeting (changes nothing)."""
    query = db.select(Partnership).where(Partnership.status != "ended").order_by(Partnership.id)
    if partnership_id is not None:
        query = query.where(Partnership.id == partnership_id)
    found = 0
    for partnership in db.session.scalars(query):
        for pair in open_split_pairs(partnership, timeline_for(partnership, Role.THERAPIST)):
            found += 1
            first, second = pair.sides
            click.echo(f"Partnership {partnership.id}: {_describe(pair)}.")
            click.echo(
                f"  To merge under {first.date:%d %b %Y}: "
                f"flask --app partnertrack sessions merge {partnership.id} {first.session_id} {second.session_id}"
            )
    click.echo(f"{found} pair{'s' if found != 1 else ''} found. Nothing was changed.")


@sessions_cli.command("merge")
@click.argument("partnership_id", type=int)
@click.argument("keep_id", type=int)
@click.argument("other_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask: the person running this confirms the merge.")
def merge(partnership_id: int, keep_id: int, other_id: int, yes: bool) -> None:
    """Move the ratings of session OTHER_ID onto session KEEP_ID (same partnership) after confirmation."""
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None:
        raise click.ClickException(f"No partnership has the id {partnership_id}.")
    if partnership.read_only:
        raise click.ClickException("This partnership has ended; its sessions no longer change.")
    keep, other = service.session_in(partnership, keep_id), service.session_in(partnership, other_id)
    if keep is None or other is None:
        raise click.ClickException(f"Sessions {keep_id} and {other_id} are not both of partnership {partnership_id}.")
    if not yes:
        click.confirm(
            f"Merge the session of {other.date:%d %b %Y} into the session of {keep.date:%d %b %Y}? "
            "Every rating stays as it was given; both parties then see both ratings",
            abort=True,
        )
    try:
        kept, removed_day = service.merge(partnership, keep_id, other_id)
    except Refused as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from refusal
    record(
        "session.merged",
        partnership.id,
        f"sessions of {removed_day.isoformat()} and {kept.date.isoformat()} merged into {kept.date.isoformat()}",
    )
    sync_signals(partnership)
    db.session.commit()
    click.echo(f"Merged: the ratings of {removed_day:%d %b %Y} now belong to the session of {kept.date:%d %b %Y}.")
