"""The mail worker: claim due mail, send it, mark it sent; retry with backoff; run periodic jobs.

``flask --app partnertrack worker`` runs it; the README's run command starts one beside the
web server (gunicorn.conf.py). Several workers may run at once, on one or many machines.

How a mail is sent once, and what "once" means (docs/mail.md has the measurements):

1. **Claim with a lease.** A worker picks due rows (``SELECT … FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, so concurrent workers pass over each other's rows instead of waiting) and
   marks them with its own claim id and ``lease_until`` in a conditional UPDATE that repeats
   the due condition, then commits. SQLite takes its one write lock for that UPDATE, so two
   workers there never claim the same row either.
2. **Send, then mark sent** in a second conditional UPDATE that names the claim id. Each
   message is committed as sent right after the server accepted it.
3. **A killed worker** loses nothing: its rows keep their lease until ``MAIL_LEASE_SECONDS``
   run out, then any worker takes them again. The one gap: a kill after the server accepted
   a message and before "sent" was committed (a few milliseconds) sends it again. The copy
   carries the same Message-ID, so the receiving side can drop it. The guarantee is
   therefore at-least-once, with a duplicate possible only inside that window.

A temporary failure (server down, a 4xx answer) retries after ``MAIL_RETRY_BASE_SECONDS``,
doubling up to ``MAIL_RETRY_MAX_SECONDS``, for ``MAIL_MAX_ATTEMPTS`` attempts; a refusal for
good (5xx: the address does not exist) marks the mail failed at once, with the server's words.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from partnertrack.core.clock import now
from partnertrack.core.database import relax_sqlite_sync
from partnertrack.core.email import DeliveryError, Letter, compose, transport
from partnertrack.core.outbox import (
    ERROR_MAX,
    FAILED,
    PENDING,
    SENT,
    SKIPPED,
    Later,
    OutboxMessage,
    Skip,
    render,
)
from partnertrack.extensions import db

log = logging.getLogger("partnertrack.mail")
_PERIODIC = "partnertrack.periodic_jobs"


def backoff_seconds(attempts: int, base: float, cap: float) -> float:
    """Seconds to wait after the ``attempts``-th failed try: base, 2×base, 4×base, … at most ``cap``."""
    return min(cap, base * 2 ** max(0, attempts - 1))


@dataclass
class Report:
    """What one pass of the worker did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0

    @property
    def handled(self) -> int:
        """How many rows this pass claimed."""
        return self.sent + self.retried + self.failed + self.skipped + self.deferred


def _due(moment):
    """The condition of a row that a worker may claim at ``moment``."""
    return sa.and_(
        OutboxMessage.status == PENDING,
        OutboxMessage.next_attempt_at <= moment,
        sa.or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < moment),
    )


def claim(limit: int) -> tuple[str, list[int]]:
    """Lease up to ``limit`` due rows to a new claim id; returns (claim id, their ids). Commits."""
    moment = now()
    owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    candidates = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(_due(moment))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if candidates:
        lease = moment + timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates), _due(moment))
            .values(lease_owner=owner, lease_until=lease, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    claimed = db.session.scalars(
        sa.select(OutboxMessage.id).where(OutboxMessage.lease_owner == owner).order_by(OutboxMessage.id)
    ).all()
    db.session.commit()
    return owner, list(claimed)


def _finish(row_id: int, owner: str, **values) -> bool:
    """Release the lease of one row with ``values``, if this claim still holds it. Commits."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.lease_owner == owner, OutboxMessage.status == PENDING)
        .values(lease_owner=None, lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning("Mail %s: the lease ran out before the worker finished; another worker has it.", row_id)
    return result.rowcount == 1


def _letters(ids: list[int]) -> tuple[list[tuple[int, int, Letter]], list[tuple[int, object]]]:
    """Write each claimed mail now: (id, attempts, letter) to send, and (id, outcome) of the others.

    An outcome is Skip, Later, or (attempts, DeliveryError) for a mail that could not be
    written (a bug or a missing template): it is retried like a failed send, and the
    worker goes on with the rest instead of stopping.
    """
    to_send, others = [], []
    for row_id in ids:
        row = db.session.get(OutboxMessage, row_id)
        try:
            outcome = render(row)
        except Exception as error:
            log.exception("Mail %s (%s) could not be written.", row_id, row.kind)
            others.append((row_id, (row.attempts, DeliveryError(f"The mail could not be written: {error!r}"))))
            continue
        if isinstance(outcome, Skip | Later):
            others.append((row_id, outcome))
            continue
        headers = {}
        if outcome.unsubscribe_url:
            # RFC 8058 one-click unsubscribe: the mail client POSTs to the URL, no page needed.
            headers = {
                "List-Unsubscribe": f"<{outcome.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        letter = Letter(row.to_address, outcome.subject, outcome.text, outcome.html, row.message_id, now(), headers)
        to_send.append((row_id, row.attempts, letter))
    db.session.rollback()  # renderers only read: end the transaction before talking to the server
    return to_send, others


def _after_failure(row_id: int, owner: str, attempts: int, error: DeliveryError, report: Report) -> None:
    """Fail the row for good, or schedule its next try after the backoff."""
    cfg = current_app.config
    message = error.message[:ERROR_MAX]
    if error.permanent or attempts >= cfg["MAIL_MAX_ATTEMPTS"]:
        _finish(row_id, owner, status=FAILED, last_error=message)
        report.failed += 1
        return
    wait = backoff_seconds(attempts, cfg["MAIL_RETRY_BASE_SECONDS"], cfg["MAIL_RETRY_MAX_SECONDS"])
    _finish(row_id, owner, next_attempt_at=now() + timedelta(seconds=wait), last_error=message)
    report.retried += 1


def deliver_due(limit: int | None = None, stop: threading.Event | None = None) -> Report:
    """One pass: claim due mail, write it, send it over one connection, record each outcome."""
    report = Report()
    owner, ids = claim(limit or current_app.config["MAIL_BATCH"])
    if not ids:
        return report
    to_send, others = _letters(ids)
    for row_id, outcome in others:
        if isinstance(outcome, tuple):
            _after_failure(row_id, owner, *outcome, report)
        elif isinstance(outcome, Skip):
            _finish(row_id, owner, status=SKIPPED, last_error=outcome.reason[:ERROR_MAX])
            report.skipped += 1
        else:
            _finish(row_id, owner, next_attempt_at=outcome.at, attempts=OutboxMessage.attempts - 1)
            report.deferred += 1
    _send_all(to_send, owner, report, stop)
    return report


def _send_all(to_send: list[tuple[int, int, Letter]], owner: str, report: Report, stop) -> None:
    """Send each letter and mark it; a connection that cannot be made schedules them all again."""
    if not to_send:
        return
    pending = list(to_send)
    try:
        with transport() as mail:
            while pending:
                row_id, attempts, letter = pending[0]
                if stop is not None and stop.is_set():
                    break  # the lease runs out and another pass takes the rest
                try:
                    mail.send(compose(letter))
                except DeliveryError as error:
                    _after_failure(row_id, owner, attempts, error, report)
                else:
                    _finish(row_id, owner, status=SENT, sent_at=now(), last_error=None)
                    report.sent += 1
                pending.pop(0)
    except DeliveryError as error:
        for row_id, attempts, _letter in pending:
            _after_failure(row_id, owner, attempts, error, report)


# --- periodic jobs and the loop ------------------------------------------------------------


def register_periodic(app: Flask, name: str, job: Callable[[], object], every_seconds: float) -> None:
    """Run ``job`` about every ``every_seconds`` in each worker; it must be safe to run twice at once."""
    app.extensions.setdefault(_PERIODIC, {})[name] = (job, every_seconds)


def run_periodic(last_runs: dict[str, float], force: bool = False) -> None:
    """Run each periodic job that is due; each is its own transaction, committed here."""
    for name, (job, every) in current_app.extensions.get(_PERIODIC, {}).items():
        if not force and time.monotonic() - last_runs.get(name, float("-inf")) < every:
            continue
        last_runs[name] = time.monotonic()
        try:
            job()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("The periodic job %s failed; it runs again at its next turn.", name)


def run_worker(stop: threading.Event, exit_with_parent: bool = False) -> None:
    """Deliver and run periodic jobs until ``stop`` is set (or the parent process is gone)."""
    parent = os.getppid()
    last_runs: dict[str, float] = {}
    poll = current_app.config["MAIL_POLL_SECONDS"]
    while not stop.is_set():
        if exit_with_parent and os.getppid() != parent:
            log.warning("The server that started this mail worker has stopped; the worker stops too.")
            return
        run_periodic(last_runs)
        try:
            report = deliver_due(stop=stop)
        except sa.exc.SQLAlchemyError as error:
            db.session.rollback()
            log.error("The mail worker cannot reach the database (%s); trying again shortly.", error.__class__.__name__)
            report = Report()
        except Exception:
            # Whatever went wrong, the claimed rows keep their lease and are tried again
            # once it runs out; the worker stays up for the rest.
            db.session.rollback()
            log.exception("The mail worker hit an error; it goes on.")
            report = Report()
        if report.handled:
            log.info(
                "Mail: %s sent, %s to retry, %s failed, %s skipped.",
                report.sent,
                report.retried,
                report.failed,
                report.skipped,
            )
        else:
            stop.wait(poll)
        db.session.remove()


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the periodic jobs, deliver what is due now, and exit.")
@click.option("--exit-with-parent", is_flag=True, hidden=True)
@with_appcontext
def worker_command(once: bool, exit_with_parent: bool) -> None:
    """Deliver mail from the outbox (and send reminders and digests) until stopped."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [mail-worker %(process)d] %(message)s")
    log.setLevel(logging.INFO)
    relax_sqlite_sync(db.engine)
    if once:
        run_periodic({}, force=True)
        report = deliver_due()
        click.echo(f"{report.sent} sent, {report.retried} to retry, {report.failed} failed, {report.skipped} skipped.")
        return
    stop = threading.Event()
    # SIGTERM (systemd, gunicorn's shutdown) finishes the message in hand, then exits.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    where = current_app.config.get("MAIL_SERVER") or "the log and instance/mail/ (no MAIL_SERVER set)"
    log.info("Mail worker started: delivering to %s.", where)
    run_worker(stop, exit_with_parent=exit_with_parent)
    log.info("Mail worker stopped.")
