"""What a summary holds, and how it is made from the pure rules (pure Python: no Flask, no SQLAlchemy).

A summary is what the dashboard row and the partnership page header show of one
partnership to one party: how many sessions, the last one, the signals worded for that
viewer, the forms owed each way, the sort key of the caseload and the viewer's own
alliance index by session (the caseload chart). It is computed by the same pure
functions the pages used before (insights/signals.py, insights/wording.py via the caller,
ratings/reveal.py), so a change to those rules changes every summary: the rules
fingerprint (summaries/service.py) covers their source.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from partnertrack.core.phrase import from_data, to_data
from partnertrack.core.roles import Role, other_role
from partnertrack.insights import headlines
from partnertrack.insights.signals import ALLIANCE, NOT_ENOUGH_DATA, Signals, needs_attention_score
from partnertrack.ratings.reveal import SessionView


@dataclass(frozen=True)
class Summary:
    """One partnership as one party's pages show it at a glance."""

    sessions: int
    last_date: date | None
    open_ruptures: int
    # The client's alliance trend as the viewer may see it (it predicts dropout), and the
    # therapist's beside it; None while there is not enough data.
    alliance_trend: str | None
    therapist_trend: str | None
    sentences: tuple[str, ...]
    owed_by_me: tuple[int, ...]
    owed_by_partner: tuple[int, ...]
    attention: tuple[int, ...]  # insights/signals.needs_attention_score: smaller sorts first
    own_alliance: tuple[tuple[int, float], ...]  # (session number, the viewer's alliance index)
    # What the caseload table shows (dashboard/glance.py): the latest session's number, why the
    # row needs the therapist now, the newest signal, and the client's alliance by session.
    last_number: int = 0
    signal_reasons: tuple[str, ...] = ()
    newest: str = ""
    client_alliance: tuple[tuple[int, float], ...] = ()

    def to_json(self) -> str:
        """The summary as the JSON text stored in the summary table."""
        data = asdict(self)
        # Words stay untranslated (core/phrase.py): the message and its values, translated when shown.
        data["sentences"] = [to_data(s) for s in self.sentences]
        data["signal_reasons"] = [to_data(s) for s in self.signal_reasons]
        data["newest"] = to_data(self.newest)
        data["last_date"] = self.last_date.isoformat() if self.last_date else None
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Summary:
        """The summary stored as ``text`` by ``to_json``."""
        data = json.loads(text)
        return cls(
            sessions=data["sessions"],
            last_date=date.fromisoformat(data["last_date"]) if data["last_date"] else None,
            open_ruptures=data["open_ruptures"],
            alliance_trend=data["alliance_trend"],
            therapist_trend=data.get("therapist_trend"),
            sentences=tuple(from_data(s) for s in data["sentences"]),
            owed_by_me=tuple(data["owed_by_me"]),
            owed_by_partner=tuple(data["owed_by_partner"]),
            attention=tuple(data["attention"]),
            own_alliance=tuple((n, value) for n, value in data["own_alliance"]),
            last_number=data.get("last_number", 0),
            signal_reasons=tuple(from_data(s) for s in data.get("signal_reasons", ())),
            newest=from_data(data.get("newest", "")),
            client_alliance=tuple((n, value) for n, value in data.get("client_alliance", ())),
        )


def summarise(timeline: Sequence[SessionView], signals: Signals, sentences: Sequence[str], role: str) -> Summary:
    """The summary of a partnership whose timeline (as ``role`` sees it) and signals are given."""
    last_number = timeline[-1].number if timeline else 0
    return Summary(
        sessions=len(timeline),
        last_date=timeline[-1].date if timeline else None,
        open_ruptures=len(signals.open_ruptures),
        alliance_trend=_trend_label(signals, Role.PATIENT),
        therapist_trend=_trend_label(signals, Role.THERAPIST),
        sentences=tuple(sentences),
        owed_by_me=tuple(f.session_number for f in signals.forms_owed if f.party == role),
        owed_by_partner=tuple(f.session_number for f in signals.forms_owed if f.party == other_role(role)),
        attention=tuple(needs_attention_score(signals)),
        own_alliance=tuple(
            (v.number, v.own.alliance_index) for v in timeline if v.own and v.own.alliance_index is not None
        ),
        last_number=last_number,
        signal_reasons=tuple(headlines.signal_reasons(signals, last_number)),
        newest=headlines.newest_signal(signals, last_number),
        client_alliance=tuple(
            (v.number, r.alliance_index)
            for v in timeline
            for r in v.visible
            if r.rater == Role.PATIENT and r.alliance_index is not None
        ),
    )


def _trend_label(signals: Signals, party: str) -> str | None:
    """``party``'s alliance trend in words, None while there is not enough data."""
    trend = signals.trends.get(party, {}).get(ALLIANCE)
    return trend.label if trend is not None and trend.label != NOT_ENOUGH_DATA else None
