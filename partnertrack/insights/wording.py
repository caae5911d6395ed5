"""Signals put into words for one viewer (pure).

Kept apart from signals.py, which computes; this module only words. Every sentence
is a thing to talk about together, never a verdict on the therapy (docs/clinical.md,
"Words"). The therapist reads "possible rupture at session N" for each detected
rupture and only for those (the outside contract); the patient reads plain words
about how sessions felt, never an index, a grade or "strong rupture", and the
therapist is "your therapist", never a "partner".
"""

from __future__ import annotations

from collections.abc import Sequence

from partnertrack.core.roles import ROLES, Role, party_words
from partnertrack.insights.signals import FormOwed, Rupture, Signals, Trend
from partnertrack.ratings.factors import BY_KEY

WORTH = " — worth talking about together."


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

    Ruptures (open first) and their repair, one trend line per party, forms owed, a
    partnership gone quiet, the alliance gap (worded by its direction) and readiness to
    talk about ending. A patient reads plain words (``_for_patient``).
    """
    ruptures = sorted(signals.ruptures, key=lambda r: (not r.is_open, r.session_number))
    patient_view = viewer_role == Role.PATIENT
    word = _patient_rupture if patient_view else _rupture_sentence
    lines = [word(r, viewer_role) for r in ruptures]
    lines.extend(_trend_sentences(signals, viewer_role))
    lines.extend(_owed_sentences(signals.forms_owed, viewer_role))
    if signals.quiet_days is not None:
        lines.append(_quiet_sentence(signals.quiet_days, viewer_role))
    lines.extend(_gap_sentences(signals, viewer_role))
    if signals.ready_to_end:
        lines.append(_ready_sentence(viewer_role))
    return lines


def _rupture_sentence(rupture: Rupture, viewer_role: str | None) -> str:
    """The therapist's (or a neutral reader's) words: "Possible rupture at session N ..."."""
    _, whose = party_words(rupture.party, viewer_role)
    text = f"Possible rupture at session {rupture.session_number} in {whose} ratings ({'; '.join(rupture.reasons)})."
    if rupture.is_open:
        return text + " Not yet repaired" + WORTH
    return text + f" Repaired after {plural(rupture.sessions_to_repair or 0, 'session')}."


def _patient_rupture(rupture: Rupture, viewer_role: str | None) -> str:
    """The patient's words for a dip, theirs or their therapist's: no numbers, no grades."""
    n = rupture.session_number
    if rupture.party == Role.PATIENT:
        text = f"A dip in how session {n} felt to you."
        if rupture.is_open:
            return text + " Your therapist would want to hear about it" + WORTH
        return text + f" It felt better again {plural(rupture.sessions_to_repair or 0, 'session')} later."
    text = f"Your therapist noted a dip in how session {n} felt to them."
    return text + (WORTH[3:].capitalize() if rupture.is_open else " It felt better again later.")


def _trend_words(trend: Trend | None) -> str | None:
    """ "better" / "less good", or None when the party's ratings hold steady or are too few."""
    if trend is None or trend.label not in ("improving", "declining"):
        return None
    return "better" if trend.label == "improving" else "less good"


def _trend_sentences(signals: Signals, viewer_role: str | None) -> list[str]:
    """One line per party whose ratings moved beyond their noise: never one per factor."""
    lines = []
    for party in ROLES:
        tr = signals.trend_of(party)
        direction = _trend_words(tr)
        if direction is None or tr is None:
            continue
        tail = WORTH if tr.label == "declining" else "."
        over = f"over the last {plural(tr.n, 'session')}"
        if viewer_role == Role.PATIENT:
            who = "you" if party == Role.PATIENT else "your therapist"
            lines.append(f"Sessions have been feeling {direction} to {who} {over}{tail}")
        else:
            _, whose = party_words(party, viewer_role)
            lines.append(capitalise(f"{whose} ratings have been {tr.label} {over}{tail}"))
    return lines


def _gap_sentences(signals: Signals, viewer_role: str | None) -> list[str]:
    """The alliance gap by its direction, else the widest factor gap of the latest session."""
    t, gap = signals.thresholds, signals.alliance_gap
    n = gap.session_number if gap else None
    if gap is not None and gap.blind_spot(t):
        if viewer_role == Role.PATIENT:
            return [f"You and your therapist saw session {n} quite differently" + WORTH]
        who, _ = party_words(Role.THERAPIST, viewer_role)
        client, _ = party_words(Role.PATIENT, viewer_role)
        return [
            capitalise(
                f"{who} rated session {n} {gap.gap:.1f} points higher than {client} did: "
                "a possible blind spot, worth asking about."
            )
        ]
    if gap is not None and gap.patient_higher(t) and viewer_role != Role.PATIENT:
        client, _ = party_words(Role.PATIENT, viewer_role)
        return [capitalise(f"{client} rated session {n} {-gap.gap:.1f} points higher; patients often do.")]
    widest = signals.largest_gap
    if widest is None or abs(widest.gap) < t.gap:
        return []
    factor = BY_KEY[widest.factor].name.lower()
    if viewer_role == Role.PATIENT:
        return [f"You and your therapist saw {factor} in session {widest.session_number} differently" + WORTH]
    therapist, _ = party_words(Role.THERAPIST, viewer_role)
    patient, _ = party_words(Role.PATIENT, viewer_role)
    return [
        f"Largest gap in session {widest.session_number}: {factor}, {therapist} {widest.therapist}, "
        f"{patient} {widest.patient}" + WORTH
    ]


def _ready_sentence(viewer_role: str | None) -> str:
    """Readiness to talk about ending: an invitation to talk, never a discharge."""
    if viewer_role == Role.PATIENT:
        return "You and your therapist both feel you could talk about how and when therapy might end."
    if viewer_role == Role.THERAPIST:
        return "You both feel ready to talk about how and when therapy might end — a conversation, not a decision."
    return "Both feel ready to talk about how and when therapy might end."


def _quiet_sentence(days: int, viewer_role: str | None) -> str:
    """No ratings for four weeks or more: a partnership that may have stopped."""
    weeks = plural(days // 7, "week")
    if viewer_role == Role.THERAPIST:
        return (
            f"No session has been rated for {weeks}. If your client has stopped coming, "
            "you can end the partnership with a reason."
        )
    return f"No session has been rated for {weeks}."


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
