"""Signals put into words for one viewer (pure).

Kept apart from signals.py, which computes; this module only words. Every
sentence is a thing to talk about together, never a verdict on the therapy:
the thresholds are starting points, not clinical cut-offs (docs/clinical.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from partnertrack.core.roles import ROLES, Role, party_words
from partnertrack.insights.signals import ALLIANCE, FormOwed, Rupture, Signals
from partnertrack.ratings.factors import BY_KEY


def capitalise(sentence: str) -> str:
    """Upper-case only the first letter ("your client's" -> "Your client's")."""
    return sentence[:1].upper() + sentence[1:]


def plural(n: int, word: str) -> str:
    """ "1 session", "2 sessions"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def listing(items: Sequence[object]) -> str:
    """ "7", "7 and 9", "3, 7 and 9"."""
    words = [str(i) for i in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe(signals: Signals, viewer_role: str | None) -> list[str]:
    """Sentences for the partnership page, most pressing first; [] when nothing stands out.

    Covers ruptures (open first) and their repair, declining or improving alliance
    trends, declining factor trends, forms owed, the largest gap of the latest
    session both rated when it is notable, and readiness to discuss ending.
    """
    ruptures = sorted(signals.ruptures, key=lambda r: (not r.is_open, r.session_number))
    lines = [_rupture_sentence(r, viewer_role) for r in ruptures]
    lines.extend(_trend_sentences(signals, viewer_role))
    lines.extend(_owed_sentences(signals.forms_owed, viewer_role))
    gap = signals.largest_gap
    if gap is not None and abs(gap.gap) >= signals.thresholds.gap:
        therapist, _ = party_words(Role.THERAPIST, viewer_role)
        patient, _ = party_words(Role.PATIENT, viewer_role)
        lines.append(
            f"Largest gap in session {gap.session_number}: "
            f"{BY_KEY[gap.factor].name.lower()}, {therapist} {gap.therapist}, "
            f"{patient} {gap.patient} — worth talking about."
        )
    if signals.ready_to_end:
        lines.append("You both feel ready to discuss ending." if viewer_role else "Both feel ready to discuss ending.")
    return lines


def _rupture_sentence(rupture: Rupture, viewer_role: str | None) -> str:
    """One rupture, why it was flagged, and whether and how soon it was repaired."""
    _, whose = party_words(rupture.party, viewer_role)
    strong = " — strong" if rupture.strong else ""
    text = (
        f"Possible rupture at session {rupture.session_number} in {whose} ratings{strong} "
        f"({'; '.join(rupture.reasons)})."
    )
    if rupture.is_open:
        return text + " Not yet repaired — worth talking about together."
    return text + f" Repaired after {plural(rupture.sessions_to_repair or 0, 'session')}."


def _trend_sentences(signals: Signals, viewer_role: str | None) -> list[str]:
    """Alliance trends that moved, then factor trends that are declining."""
    lines = []
    for party, per_key in signals.trends.items():
        _, whose = party_words(party, viewer_role)
        tr = per_key.get(ALLIANCE)
        if tr is not None and tr.label in ("improving", "declining"):
            tail = " — worth talking about." if tr.label == "declining" else "."
            lines.append(
                capitalise(f"{whose} alliance index has been {tr.label} over the last {plural(tr.n, 'session')}{tail}")
            )
        for key, tr in per_key.items():
            if key != ALLIANCE and tr.label == "declining":
                lines.append(
                    capitalise(
                        f"{whose} {BY_KEY[key].name.lower()} ratings have been "
                        f"declining over the last {plural(tr.n, 'session')} "
                        "— worth talking about."
                    )
                )
    return lines


def _owed_sentences(owed: Sequence[FormOwed], viewer_role: str | None) -> list[str]:
    """One sentence per party that still owes ratings, listing the sessions."""
    lines = []
    for party in ROLES:
        numbers = [f.session_number for f in owed if f.party == party]
        if not numbers:
            continue
        who, _ = party_words(party, viewer_role)
        verb = "have" if who == "you" else "has"
        noun = "session" if len(numbers) == 1 else "sessions"
        lines.append(capitalise(f"{who} {verb} not yet rated {noun} {listing(numbers)}."))
    return lines
