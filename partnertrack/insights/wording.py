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

from partnertrack.core.phrase import N_, NP_, P_, Phrase, decimal
from partnertrack.core.roles import ROLES, Role, party_words
from partnertrack.insights.signals import FormOwed, Gap, Rupture, Signals, Trend
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
    if len(words) == 1:
        return words[0]
    return Phrase("%(items)s and %(last)s", items=", ".join(words[:-1]), last=words[-1])


def party(party_: str, viewer_role: str | None, *, whose: bool = False, capital: bool = False) -> Phrase:
    """ "you", "your client's", "The therapist" ... as a phrase translated when shown."""
    who, owner = party_words(party_, viewer_role)
    word = owner if whose else who
    return Phrase(capitalise(word) if capital else word)


# The party words above, for extraction (core/phrase.py): each is a message of its own.
_PARTY_WORDS = (
    N_("you"), N_("your"), N_("You"), N_("Your"), N_("your therapist"), N_("your therapist's"),
    N_("Your therapist"), N_("Your therapist's"), N_("your client"), N_("your client's"), N_("Your client"),
    N_("Your client's"), N_("the patient"), N_("the patient's"), N_("The patient"), N_("The patient's"),
    N_("the therapist"), N_("the therapist's"), N_("The therapist"), N_("The therapist's"),
)  # fmt: skip


def describe(signals: Signals, viewer_role: str | None) -> list[str]:
    """Sentences for the partnership page, most pressing first; [] when nothing stands out.

    Ruptures (open first) and their repair, one trend line per party, forms owed, a
    partnership gone quiet, the alliance gap (worded by its direction) and readiness to
    talk about ending. A patient reads plain words (``_for_patient``). Each sentence is a
    ``Phrase`` (English as a string; translated when shown).
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


def _reasons(reasons: Sequence[str]) -> Phrase:
    """A rupture's reasons (signals.py words them in English) joined by "; ", each translated."""
    joined = "; ".join(f"%(r{i})s" for i in range(len(reasons)))
    return Phrase(joined, **{f"r{i}": r for i, r in enumerate(reasons)})


def _rupture_sentence(rupture: Rupture, viewer_role: str | None) -> str:
    """The therapist's (or a neutral reader's) words: "Possible rupture at session N ..."."""
    whose = party(rupture.party, viewer_role, whose=True)
    params = {"number": rupture.session_number, "whose": whose, "reasons": _reasons(rupture.reasons)}
    if rupture.is_open:
        return Phrase(
            "Possible rupture at session %(number)s in %(whose)s ratings (%(reasons)s). "
            "Not yet repaired — worth talking about together.",
            **params,
        )
    return P_(
        "Possible rupture at session %(number)s in %(whose)s ratings (%(reasons)s). Repaired after %(num)d session.",
        "Possible rupture at session %(number)s in %(whose)s ratings (%(reasons)s). Repaired after %(num)d sessions.",
        num=rupture.sessions_to_repair or 0,
        **params,
    )


def _patient_rupture(rupture: Rupture, viewer_role: str | None) -> str:
    """The patient's words for a dip, theirs or their therapist's: no numbers, no grades."""
    n = rupture.session_number
    if rupture.party == Role.PATIENT:
        if rupture.is_open:
            return Phrase(
                "A dip in how session %(number)s felt to you. "
                "Your therapist would want to hear about it — worth talking about together.",
                number=n,
            )
        return P_(
            "A dip in how session %(number)s felt to you. It felt better again %(num)d session later.",
            "A dip in how session %(number)s felt to you. It felt better again %(num)d sessions later.",
            number=n,
            num=rupture.sessions_to_repair or 0,
        )
    if rupture.is_open:
        return Phrase(
            "Your therapist noted a dip in how session %(number)s felt to them. Worth talking about together.",
            number=n,
        )
    return Phrase(
        "Your therapist noted a dip in how session %(number)s felt to them. It felt better again later.", number=n
    )


def _trend_words(trend: Trend | None) -> str | None:
    """ "better" / "less good", or None when the party's ratings hold steady or are too few."""
    if trend is None or trend.label not in ("improving", "declining"):
        return None
    return "better" if trend.label == "improving" else "less good"


_PATIENT_TREND = {
    (Role.PATIENT, "improving"): NP_(
        "Sessions have been feeling better to you over the last %(num)d session.",
        "Sessions have been feeling better to you over the last %(num)d sessions.",
    ),
    (Role.PATIENT, "declining"): NP_(
        "Sessions have been feeling less good to you over the last %(num)d session — worth talking about together.",
        "Sessions have been feeling less good to you over the last %(num)d sessions — worth talking about together.",
    ),
    (Role.THERAPIST, "improving"): NP_(
        "Sessions have been feeling better to your therapist over the last %(num)d session.",
        "Sessions have been feeling better to your therapist over the last %(num)d sessions.",
    ),
    (Role.THERAPIST, "declining"): NP_(
        "Sessions have been feeling less good to your therapist over the last %(num)d session"
        " — worth talking about together.",
        "Sessions have been feeling less good to your therapist over the last %(num)d sessions"
        " — worth talking about together.",
    ),
}
_TREND = {
    "improving": NP_(
        "%(whose)s ratings have been improving over the last %(num)d session.",
        "%(whose)s ratings have been improving over the last %(num)d sessions.",
    ),
    "declining": NP_(
        "%(whose)s ratings have been declining over the last %(num)d session — worth talking about together.",
        "%(whose)s ratings have been declining over the last %(num)d sessions — worth talking about together.",
    ),
}


def _trend_sentences(signals: Signals, viewer_role: str | None) -> list[str]:
    """One line per party whose ratings moved beyond their noise: never one per factor."""
    lines = []
    for p in ROLES:
        tr = signals.trend_of(p)
        direction = _trend_words(tr)
        if direction is None or tr is None:
            continue
        if viewer_role == Role.PATIENT:
            lines.append(P_(*_PATIENT_TREND[(p, tr.label)], num=tr.n))
        else:
            whose = party(p, viewer_role, whose=True, capital=True)
            lines.append(P_(*_TREND[tr.label], num=tr.n, whose=whose))
    return lines


def _gap_sentences(signals: Signals, viewer_role: str | None) -> list[str]:
    """The alliance gap by its direction, else the widest notable factor gap of the latest session."""
    t, gap = signals.thresholds, signals.alliance_gap
    if gap is not None and gap.blind_spot(t):
        return [_blind_spot_sentence(gap.session_number, gap.gap, viewer_role)]
    if gap is not None and gap.patient_higher(t) and viewer_role != Role.PATIENT:
        return [
            Phrase(
                "%(client)s rated session %(number)s %(points)s points higher; patients often do.",
                client=party(Role.PATIENT, viewer_role, capital=True),
                number=gap.session_number,
                points=decimal(-gap.gap),
            )
        ]
    notable = signals.latest_gaps  # persistent or large gaps only: one noisy session is not news
    if not notable:
        return []
    return [_widest_gap_sentence(max(notable, key=lambda g: abs(g.gap)), viewer_role)]


def _blind_spot_sentence(number: int, points: float, viewer_role: str | None) -> str:
    """The therapist rated a session well above the patient: the patient reads no number."""
    if viewer_role == Role.PATIENT:
        return Phrase(
            "You and your therapist saw session %(number)s quite differently — worth talking about together.",
            number=number,
        )
    return Phrase(
        "%(who)s rated session %(number)s %(points)s points higher than %(client)s did: "
        "a possible blind spot, worth asking about.",
        who=party(Role.THERAPIST, viewer_role, capital=True),
        number=number,
        points=decimal(points),
        client=party(Role.PATIENT, viewer_role),
    )


def _widest_gap_sentence(widest: Gap, viewer_role: str | None) -> str:
    """The widest factor gap of the latest session: both scores for the therapist, none for the patient."""
    factor = Phrase(BY_KEY[widest.factor].name.lower())
    if viewer_role == Role.PATIENT:
        return Phrase(
            "You and your therapist saw %(factor)s in session %(number)s differently — worth talking about together.",
            factor=factor,
            number=widest.session_number,
        )
    return Phrase(
        "Largest gap in session %(number)s: %(factor)s, %(therapist)s %(t_score)s, %(patient)s %(p_score)s"
        " — worth talking about together.",
        number=widest.session_number,
        factor=factor,
        therapist=party(Role.THERAPIST, viewer_role),
        t_score=widest.therapist,
        patient=party(Role.PATIENT, viewer_role),
        p_score=widest.patient,
    )


def _ready_sentence(viewer_role: str | None) -> str:
    """Readiness to talk about ending: an invitation to talk, never a discharge."""
    if viewer_role == Role.PATIENT:
        return Phrase("You and your therapist both feel you could talk about how and when therapy might end.")
    if viewer_role == Role.THERAPIST:
        return Phrase(
            "You both feel ready to talk about how and when therapy might end — a conversation, not a decision."
        )
    return Phrase("Both feel ready to talk about how and when therapy might end.")


def _quiet_sentence(days: int, viewer_role: str | None) -> str:
    """No ratings for four weeks or more: a partnership that may have stopped."""
    if viewer_role == Role.THERAPIST:
        return P_(
            "No session has been rated for %(num)d week. If your client has stopped coming, "
            "you can end the partnership with a reason.",
            "No session has been rated for %(num)d weeks. If your client has stopped coming, "
            "you can end the partnership with a reason.",
            num=days // 7,
        )
    return P_(
        "No session has been rated for %(num)d week.", "No session has been rated for %(num)d weeks.", num=days // 7
    )


def _owed_sentences(owed: Sequence[FormOwed], viewer_role: str | None) -> list[str]:
    """One sentence per party that still owes ratings, listing the sessions."""
    lines = []
    for p in ROLES:
        numbers = [f.session_number for f in owed if f.party == p]
        if not numbers:
            continue
        who, _ = party_words(p, viewer_role)
        params = {"num": len(numbers), "sessions": listing(numbers)}
        if who == "you":
            lines.append(
                P_(
                    "You have not yet rated session %(sessions)s.",
                    "You have not yet rated sessions %(sessions)s.",
                    **params,
                )
            )
        else:
            lines.append(
                P_(
                    "%(who)s has not yet rated session %(sessions)s.",
                    "%(who)s has not yet rated sessions %(sessions)s.",
                    who=party(p, viewer_role, capital=True),
                    **params,
                )
            )
    return lines
