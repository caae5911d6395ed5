"""Rupture-log tables: one entry per possible rupture or raised concern, and notes on it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from partnertrack.core.clock import utcnow
from partnertrack.core.phrase import loads
from partnertrack.extensions import db

if TYPE_CHECKING:  # relationship targets are named as strings: no import at run time
    from partnertrack.models import Partnership, TherapySession

NOTE_MAX = 2000
ENTRY_STATUSES = ("open", "discussed", "repaired")
ENTRY_SOURCES = ("signal", "concern")
TALK_ANSWERS = ("yes", "not_yet")  # a party's answer to "did you two talk it through?"
# What a note records besides its words (ruptures/agreement.py): an answer, a proposal, a reply.
NOTE_KINDS = ("talked", "not_yet", "both_talked", "proposed", "declined")
SIGNAL_ONLY = sa.text("source = 'signal'")


class RuptureEntry(db.Model):
    """A possible rupture found in one party's ratings, or a concern a party raised by hand.

    ``party`` is whose ratings showed the signal, or who raised the concern.
    Signal entries are unique per (partnership, party, session): syncing the
    signals again never adds a second entry for the same dip.
    """

    __tablename__ = "rupture_entries"
    __table_args__ = (
        sa.CheckConstraint("source IN ('signal', 'concern')", name="ck_rupture_entries_source"),
        sa.CheckConstraint("party IN ('patient', 'therapist')", name="ck_rupture_entries_party"),
        sa.CheckConstraint("status IN ('open', 'discussed', 'repaired')", name="ck_rupture_entries_status"),
        sa.CheckConstraint(f"detail IS NULL OR length(detail) <= {NOTE_MAX}", name="ck_rupture_entries_detail_length"),
        sa.CheckConstraint(
            "patient_talked IS NULL OR patient_talked IN ('yes', 'not_yet')", name="ck_rupture_entries_patient_talked"
        ),
        sa.CheckConstraint(
            "therapist_talked IS NULL OR therapist_talked IN ('yes', 'not_yet')",
            name="ck_rupture_entries_therapist_talked",
        ),
        sa.CheckConstraint(
            "proposed_status IS NULL OR proposed_status = 'repaired'", name="ck_rupture_entries_proposed_status"
        ),
        sa.Index(
            "uq_rupture_entries_signal",
            "partnership_id",
            "party",
            "session_id",
            unique=True,
            sqlite_where=SIGNAL_ONLY,
            postgresql_where=SIGNAL_ONLY,
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(16))
    party: so.Mapped[str] = so.mapped_column(sa.String(16))
    # The session the dip showed in, or the one a concern is about (a concern may name none).
    session_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("sessions.id", ondelete="SET NULL"))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="open")
    # Why the signal fired, or the concern in the raiser's words.
    detail: so.Mapped[str | None] = so.mapped_column(sa.Text)
    strong: so.Mapped[bool] = so.mapped_column(default=False)
    # The later session whose ratings came back near the usual level (the V shape), if any.
    recovered_session_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("sessions.id", ondelete="SET NULL"))
    raised_by_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    status_changed_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    repaired_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # Each party's answer to "did you two talk it through?" once the ratings came back (signal entries).
    patient_talked: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    therapist_talked: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    # "repaired" while the therapist has proposed it for the patient's concern and the patient has not answered.
    proposed_status: so.Mapped[str | None] = so.mapped_column(sa.String(16))

    partnership: so.Mapped[Partnership] = so.relationship("Partnership")
    therapy_session: so.Mapped[TherapySession | None] = so.relationship("TherapySession", foreign_keys=[session_id])
    recovered_session: so.Mapped[TherapySession | None] = so.relationship(
        "TherapySession", foreign_keys=[recovered_session_id]
    )
    notes: so.Mapped[list[RuptureNote]] = so.relationship(
        back_populates="entry", order_by="RuptureNote.id", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def shown_detail(self) -> str | None:
        """The detail to show: a signal's reasons as a phrase (``| tr`` puts it in the reader's language).

        A signal's detail is stored as its phrase's parts (core/phrase.dumps), never in one
        language; a concern's detail is the raiser's own words.
        """
        return loads(self.detail) if self.source == "signal" else self.detail

    @property
    def english_detail(self) -> str | None:
        """The detail in English, as exports have always given it."""
        shown = self.shown_detail
        return None if shown is None else str(shown)


class RuptureNote(db.Model):
    """A party's note on an entry; a status change is a note with from/to set (text optional)."""

    __tablename__ = "rupture_notes"
    __table_args__ = (
        sa.CheckConstraint("author IN ('patient', 'therapist')", name="ck_rupture_notes_author"),
        sa.CheckConstraint(f"text IS NULL OR length(text) <= {NOTE_MAX}", name="ck_rupture_notes_text_length"),
        sa.CheckConstraint(
            "status_to IS NULL OR status_to IN ('open', 'discussed', 'repaired')", name="ck_rupture_notes_status_to"
        ),
        sa.CheckConstraint(
            "kind IS NULL OR kind IN ('talked', 'not_yet', 'both_talked', 'proposed', 'declined')",
            name="ck_rupture_notes_kind",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rupture_entries.id", ondelete="CASCADE"), index=True)
    author: so.Mapped[str] = so.mapped_column(sa.String(16))
    author_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    status_from: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    status_to: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    kind: so.Mapped[str | None] = so.mapped_column(sa.String(16))  # NOTE_KINDS, or None for words or a status step
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    entry: so.Mapped[RuptureEntry] = so.relationship(back_populates="notes")
