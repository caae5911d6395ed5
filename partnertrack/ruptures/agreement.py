"""Who must agree to what in the rupture log, and what an entry's status becomes (pure).

Two rules sit on top of the one-step ladder of transitions.py (docs/clinical.md, "The rupture log"):

* Talked through. A possible rupture whose ratings came back near their usual level shows a
  repair on the alliance chart. The log asks both parties whether they talked it through;
  when both say yes the entry becomes repaired, so the log says what the chart shows. Either
  may answer "not yet", and may say yes later.
* The patient's concern is theirs to close. The therapist may propose "repaired"; the concern
  becomes repaired only when the patient accepts. Marking it repaired directly is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from partnertrack.core.refusals import N_, Refused
from partnertrack.core.roles import ROLES, Role
from partnertrack.ruptures import transitions

TALK_ANSWERS = ("yes", "not_yet")
REPLIES = ("accept", "decline")
# What two yeses make of an entry: the ratings already came back, and both say they talked it through.
BOTH_TALKED = "repaired"

NOT_ASKED = N_("This entry is not asking whether you talked it through.")
BAD_TALK_ANSWER = N_("Please answer yes or not yet.")
PATIENTS_CONCERN = N_(
    "Your client raised this concern, so it becomes repaired only when they agree. "
    "Propose it as repaired instead; nothing was changed."
)
NOT_PROPOSABLE = N_("Only a concern your client raised is proposed as repaired; mark this one yourself.")
ALREADY_PROPOSED = N_("You have already proposed it as repaired. It is waiting for your client’s answer.")
NO_PROPOSAL = N_("There is no proposal to answer on this entry.")
NOT_YOURS_TO_ANSWER = N_("Only the person who raised this concern can answer the proposal.")
BAD_REPLY = N_("Please choose whether you agree it is repaired.")


@dataclass(frozen=True)
class Facts:
    """What the rules read of an entry: where it came from, its status, and the answers so far."""

    source: str  # "signal" or "concern"
    party: str  # whose ratings dipped, or who raised the concern
    status: str  # open, discussed or repaired
    recovered: bool = False  # the ratings came back near their usual level (a repair on the chart)
    talked: Mapping[str, str | None] = field(default_factory=dict)  # role -> "yes", "not_yet" or None
    proposed: str | None = None  # "repaired" while a proposal waits for the patient


def asks_talk(facts: Facts) -> bool:
    """True while the log asks both parties whether they talked a recovered dip through."""
    return facts.source == "signal" and facts.recovered and facts.status != "repaired"


def waiting_to_confirm(facts: Facts) -> tuple[str, ...]:
    """The parties who have not yet said they talked it through, patient first; () when nothing is asked."""
    if not asks_talk(facts):
        return ()
    return tuple(role for role in ROLES if facts.talked.get(role) != "yes")


def talk_answer(facts: Facts, role: str, answer: str) -> str | None:
    """Check ``role``'s answer; the entry's new status when it completes two yeses, else None."""
    if answer not in TALK_ANSWERS:
        raise Refused(BAD_TALK_ANSWER)
    if not asks_talk(facts):
        raise Refused(NOT_ASKED)
    answers = {**facts.talked, role: answer}
    if all(answers.get(r) == "yes" for r in ROLES):
        return BOTH_TALKED
    return None


def needs_patient(facts: Facts) -> bool:
    """True for a concern the patient raised: it becomes repaired only with their agreement."""
    return facts.source == "concern" and facts.party == Role.PATIENT


def check_direct(facts: Facts, role: str, new: str) -> None:
    """Refuse a status change by hand that the ladder or the patient's say does not allow."""
    transitions.check(facts.status, new)
    if new == "repaired" and needs_patient(facts) and role != Role.PATIENT:
        raise Refused(PATIENTS_CONCERN)


def check_propose(facts: Facts, role: str) -> None:
    """Refuse a proposal of "repaired" unless it is the therapist's, on the patient's concern, in turn."""
    if role != Role.THERAPIST or not needs_patient(facts):
        raise Refused(NOT_PROPOSABLE)
    if facts.proposed == "repaired":
        raise Refused(ALREADY_PROPOSED)
    transitions.check(facts.status, "repaired")  # talked through (discussed) first, as by hand


def reply(facts: Facts, role: str, answer: str) -> str | None:
    """Check the patient's answer to a proposal; the new status ("repaired") on accept, else None."""
    if not facts.proposed:
        raise Refused(NO_PROPOSAL)
    if role != facts.party:
        raise Refused(NOT_YOURS_TO_ANSWER)
    if answer not in REPLIES:
        raise Refused(BAD_REPLY)
    return facts.proposed if answer == "accept" else None


def forgets_answers(old: str, new: str) -> bool:
    """True when a change by hand reopens a repaired entry: "it needs more talking", so ask again."""
    return old == "repaired" and new != "repaired"


def prompt_for(facts: Facts, role: str, ended: bool = False) -> str | None:
    """What the log asks ``role`` about this entry now: "talk", "talk_again", "proposal" or None.

    "talk_again" is for a party who answered "not yet": the question stays, worded as a
    reminder. An ended partnership asks nothing: its log no longer changes.
    """
    if ended:
        return None
    if role in waiting_to_confirm(facts):
        return "talk_again" if facts.talked.get(role) == "not_yet" else "talk"
    if facts.proposed and needs_patient(facts) and role == facts.party:
        return "proposal"
    return None


# What an entry still waits for, as the viewer reads it (the ending review lists them). %(name)s is the
# patient's name as the therapist typed it; the patient never reads it.
WAITING = {
    "both": N_("Waiting for both of you to say you talked it through."),
    "you": N_("Waiting for you to say you talked it through."),
    ("patient", "therapist"): N_("Waiting for your therapist to say you talked it through."),
    ("therapist", "patient"): N_("Waiting for %(name)s to say you talked it through."),
    ("proposed", "patient"): N_("Your therapist proposed it as repaired: waiting for your answer."),
    ("proposed", "therapist"): N_("You proposed it as repaired: waiting for %(name)s’s answer."),
}


def waiting_words(to_confirm: tuple[str, ...], proposed: bool, viewer_role: str) -> list[str]:
    """The untranslated sentences saying what an entry waits for, for ``viewer_role`` ([] for nothing)."""
    found = []
    if len(to_confirm) == len(ROLES):
        found.append(WAITING["both"])
    elif viewer_role in to_confirm:
        found.append(WAITING["you"])
    elif to_confirm:
        found.append(WAITING[(viewer_role, to_confirm[0])])
    if proposed:
        found.append(WAITING[("proposed", viewer_role)])
    return found
