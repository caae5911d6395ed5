"""The append-only audit log: who did what, when, from which address.

Call ``record(action, partnership_id=None, detail=None)`` with the change it
describes: the event is part of the same transaction, so it is stored exactly when
the change is (the request commits both). The row is written in code that only ever inserts:
the ORM refuses to update or delete an event, and the database refuses too
(a trigger on PostgreSQL and on SQLite). The one change allowed is the erasure
of a deleted account: ``pseudonymise`` blanks the address and the free text of
every event by or about the account, and the foreign keys set
``actor_id``/``subject_id`` (and a deleted partnership's id) to NULL, so the
trail keeps "the patient (account deleted) did X on this day" without naming
them or where they were.

``detail`` is short free text shown to the partnership's members: never put
scores, comments, names or email addresses in it (the partner would read a
blind rating there, and an erased account would live on in it).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from partnertrack.core.clock import utcnow
from partnertrack.extensions import db

DETAIL_MAX = 200

# What each action means, as shown in the activity pages. Other modules use
# these names (goals, ruptures, review, PDF); an unknown action shows as is.
ACTION_LABELS = {
    "login.succeeded": _l("logged in"),
    "login.failed": _l("failed to log in"),
    "logout": _l("logged out"),
    "account.created": _l("created the account"),
    "account.password_changed": _l("changed the password"),
    "account.language_changed": _l("changed the language"),
    "account.password_reset": _l("had the password reset by an administrator"),
    "account.disabled": _l("had the account disabled by an administrator"),
    "account.enabled": _l("had the account enabled by an administrator"),
    "account.data_downloaded": _l("downloaded all their data"),
    "account.two_factor_enabled": _l("turned on two-factor sign-in"),
    "account.two_factor_disabled": _l("turned off two-factor sign-in"),
    "account.two_factor_reset": _l("had two-factor sign-in reset by an administrator"),
    "account.recovery_codes_renewed": _l("made new recovery codes"),
    "login.two_factor_failed": _l("entered a wrong two-factor code"),
    "login.recovery_code_used": _l("signed in with a recovery code"),
    "account.deleted": _l("deleted their account"),
    "partnership.opened": _l("opened the partnership"),
    "partnership.joined": _l("joined the partnership"),
    "partnership.viewed": _l("viewed the partnership"),
    "partnership.closed_by_patient": _l("closed the partnership by deleting their account"),
    "rating.submitted": _l("submitted a rating"),
    "rating.changed": _l("changed a rating"),
    "session.recorded": _l("recorded a session"),
    "session.planned": _l("planned a session"),
    "session.added": _l("added a session"),
    "session.cancelled": _l("marked a session cancelled"),
    "session.missed": _l("marked a session missed"),
    "session.scheduled": _l("scheduled a session again"),
    "session.merged": _l("merged two sessions that were one meeting"),
    "export.csv": _l("exported the ratings as CSV"),
    "export.json": _l("exported the partnership as JSON"),
    "export.pdf": _l("downloaded the ending review as PDF"),
    "chart.viewed": _l("viewed a chart"),
    "goal.added": _l("added a goal"),
    "goal.changed": _l("changed a goal"),
    "rupture.raised": _l("raised a concern"),
    "rupture.changed": _l("updated a concern"),
    "review.opened": _l("opened the ending review"),
    "review.changed": _l("wrote in the ending review"),
    "review.agreed": _l("agreed to end the partnership"),
    "form_link.opened": _l("opened a form link from an email"),
    "form_link.used": _l("rated a session from a form link"),
    "password.reset_requested": _l("asked for a password reset link"),
    "account.password_reset_by_link": _l("set a new password with a reset link"),
    "account.notifications_changed": _l("changed their email choices"),
    "mail.unsubscribed": _l("unsubscribed from an email"),
    "talk_soon.requested": _l("asked to talk soon"),
    "partnership.ended_without_review": _l("ended the partnership without the ending review"),
    "talk_soon.answered": _l("answered a request to talk soon"),
    "clinic.created": _l("created a clinic"),
    "clinic.joined": _l("joined a clinic"),
    "clinic.invited": _l("made a clinic invite link"),
    "clinic.partnership_joined": _l("brought the partnership into a clinic"),
    "clinic.member_disabled": _l("disabled a clinic member"),
    "clinic.consent_given": _l("allowed the clinic's supervisors to see their identified ratings"),
    "clinic.consent_withdrawn": _l("stopped the clinic's supervisors seeing their identified ratings"),
    "clinic.identified_view": _l("viewed the ratings as a clinic supervisor (with the patient's consent)"),
    "clinic.transferred": _l("moved the partnership to another therapist of the clinic"),
    "clinic.exported": _l("exported the clinic's de-identified data"),
    "session.kept_apart": _l("kept two sessions apart as two meetings"),
    "account.signup_requested": _l("asked to sign up by email"),
}


class AuditEvent(db.Model):
    """One thing that happened; rows are only ever inserted."""

    __tablename__ = "audit_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    # Who did it: NULL for the command line, an anonymous visitor or an erased account.
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The actor's role at the time, kept after erasure so the trail still reads "the patient".
    actor_role: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    # The account acted upon when that is not the actor (a failed login, an admin reset).
    subject_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    partnership_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("partnerships.id", ondelete="SET NULL"), index=True
    )
    action: so.Mapped[str] = so.mapped_column(sa.String(64))
    detail: so.Mapped[str | None] = so.mapped_column(sa.String(DETAIL_MAX))
    # IPv6 text is at most 45 characters; None outside a request (the CLI).
    remote_addr: so.Mapped[str | None] = so.mapped_column(sa.String(45))

    @property
    def label(self) -> str:
        """The action in words."""
        return str(ACTION_LABELS.get(self.action, self.action))


def record(
    action: str,
    partnership_id: int | None = None,
    detail: str | None = None,
    *,
    user=None,
    subject_id: int | None = None,
) -> AuditEvent:
    """Append one event to the current transaction: ``user`` (default: the logged-in user) did ``action``."""
    actor = user if user is not None else _current_actor()
    event = AuditEvent(
        action=action[:64],
        partnership_id=partnership_id,
        detail=detail[:DETAIL_MAX] if detail else None,
        actor_id=actor.id if actor is not None else None,
        actor_role=actor.role if actor is not None else None,
        subject_id=subject_id,
        remote_addr=_remote_addr(),
    )
    db.session.add(event)
    return event


def record_view_once(partnership_id: int, action: str = "partnership.viewed") -> None:
    """Record that the user viewed a partnership, once per login session and partnership.

    Every page load would flood the log; once per login tells the other party
    who looked and when, which is what the access log is for.
    """
    key = f"{action}:{partnership_id}"
    seen = list(session.get("audit_seen", []))
    if key in seen:
        return
    record(action, partnership_id)
    session["audit_seen"] = (seen + [key])[-50:]


def _remote_addr() -> str | None:
    """The client's address (after ProxyFix, when proxies are configured), or None outside a request."""
    if not has_request_context() or not request.remote_addr:
        return None
    return request.remote_addr[:45]


def _current_actor():
    """The logged-in user, or None (anonymous visitor, CLI)."""
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


# --- append-only, in code -------------------------------------------------------------


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


@sa.event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper, _connection, _target) -> None:
    """An event, once written, never changes."""
    raise AuditLogIsAppendOnly("audit events cannot be changed")


@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper, _connection, _target) -> None:
    """An event, once written, is never removed."""
    raise AuditLogIsAppendOnly("audit events cannot be deleted")


_ERASURE = "audit_erasure"  # the execution option of pseudonymise's UPDATE, the one change allowed


def pseudonymise(user_id: int) -> int:
    """Blank the address and the free text of every event by or about ``user_id``; how many rows.

    Called when an account is erased, before the account row goes (its foreign keys then
    blank the ids). What happened, when, in which partnership and in which role stays:
    the log is the record of who saw and changed a patient's data.
    """
    statement = (
        sa.update(AuditEvent)
        .where(sa.or_(AuditEvent.actor_id == user_id, AuditEvent.subject_id == user_id))
        .values(remote_addr=None, detail=None)
    )
    return db.session.execute(statement, execution_options={_ERASURE: True, "synchronize_session": False}).rowcount


@sa.event.listens_for(so.Session, "do_orm_execute")
def _refuse_bulk_changes(state: so.ORMExecuteState) -> None:
    """Bulk ``update(AuditEvent)``/``delete(AuditEvent)`` skip the mapper hooks, so check them here."""
    if (state.is_update or state.is_delete) and state.bind_mapper is AuditEvent.__mapper__:
        if state.is_update and state.execution_options.get(_ERASURE):
            return
        raise AuditLogIsAppendOnly("audit events cannot be changed or deleted")


# --- append-only, in the database --------------------------------------------------------
# The only UPDATE allowed is erasure: the foreign keys' ON DELETE SET NULL on an account or a
# partnership, and pseudonymise blanking the address and the text. What happened, when and in
# which role never changes, and the other columns may only become NULL. The migrations that
# create and change audit_events run the same statements (POSTGRESQL_DDL, SQLITE_DDL).

_UNCHANGED = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in ("id", "created_at", "actor_role", "action"))
_ONLY_ERASED = " AND ".join(
    f"(NEW.{c} IS NULL OR NEW.{c} IS NOT DISTINCT FROM OLD.{c})"
    for c in ("actor_id", "subject_id", "partnership_id", "detail", "remote_addr")
)

POSTGRESQL_DDL = (
    f"""
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND {_UNCHANGED} AND {_ONLY_ERASED} THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION USING MESSAGE = 'audit_events is append-only (' || TG_OP || ' refused)';
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER audit_events_append_only
BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
""",
    """
CREATE TRIGGER audit_events_no_truncate
BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
""",
)

SQLITE_DDL = (
    f"""
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT ({_UNCHANGED.replace("IS NOT DISTINCT FROM", "IS")} AND {_ONLY_ERASED.replace("IS NOT DISTINCT FROM", "IS")})
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (UPDATE refused)'); END
""",
    """
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (DELETE refused)'); END
""",
)

for _statement in POSTGRESQL_DDL:
    sa.event.listen(AuditEvent.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE_DDL:
    sa.event.listen(AuditEvent.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite"))
