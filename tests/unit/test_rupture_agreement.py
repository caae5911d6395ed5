"""Who must agree to what in the rupture log, and what an entry's status becomes (ruptures/agreement.py)."""

import pytest

from partnertrack.core.refusals import Refused
from partnertrack.ruptures import agreement
from partnertrack.ruptures.agreement import Facts


def recovered(status="open", patient=None, therapist=None, party="patient") -> Facts:
    """A signal entry whose ratings came back, with each party's answer so far."""
    return Facts("signal", party, status, recovered=True, talked={"patient": patient, "therapist": therapist})


def patient_concern(status="discussed", proposed=None) -> Facts:
    """A concern the patient raised."""
    return Facts("concern", "patient", status, proposed=proposed)


def refusal(call) -> str:
    """The message of the Refused ``call`` raises."""
    with pytest.raises(Refused) as raised:
        call()
    return str(raised.value.message)


def test_a_recovered_dip_asks_both_parties_until_each_says_yes():
    assert agreement.waiting_to_confirm(recovered()) == ("patient", "therapist")
    assert agreement.waiting_to_confirm(recovered(patient="yes")) == ("therapist",)
    assert agreement.waiting_to_confirm(recovered(patient="not_yet")) == ("patient", "therapist")
    assert agreement.waiting_to_confirm(recovered(patient="yes", therapist="yes")) == ()


@pytest.mark.parametrize(
    "facts",
    [
        Facts("signal", "patient", "open", recovered=False),  # the ratings have not come back
        recovered(status="repaired"),  # already repaired
        Facts("concern", "patient", "open", recovered=True),  # a concern is not a dip in the ratings
    ],
)
def test_nothing_is_asked_of_entries_without_a_recovery_or_already_repaired(facts):
    assert agreement.waiting_to_confirm(facts) == ()
    assert agreement.prompt_for(facts, "patient") is None
    assert refusal(lambda: agreement.talk_answer(facts, "patient", "yes")) == agreement.NOT_ASKED


def test_the_second_yes_makes_the_entry_repaired_and_a_not_yet_does_not():
    assert agreement.talk_answer(recovered(), "patient", "yes") is None
    assert agreement.talk_answer(recovered(therapist="yes"), "patient", "yes") == "repaired"
    assert agreement.talk_answer(recovered(status="discussed", patient="yes"), "therapist", "yes") == "repaired"
    assert agreement.talk_answer(recovered(therapist="yes"), "patient", "not_yet") is None
    assert refusal(lambda: agreement.talk_answer(recovered(), "patient", "maybe")) == agreement.BAD_TALK_ANSWER


def test_each_party_is_prompted_until_they_answer_yes_and_nothing_once_ended():
    facts = recovered(patient="not_yet", therapist="yes")
    assert agreement.prompt_for(facts, "patient") == "talk_again"
    assert agreement.prompt_for(facts, "therapist") is None
    assert agreement.prompt_for(recovered(), "therapist") == "talk"
    assert agreement.prompt_for(recovered(), "patient", ended=True) is None


def test_only_the_patient_marks_their_own_concern_repaired():
    agreement.check_direct(patient_concern(), "patient", "repaired")  # allowed
    assert refusal(lambda: agreement.check_direct(patient_concern(), "therapist", "repaired")) == (
        agreement.PATIENTS_CONCERN
    )
    agreement.check_direct(patient_concern(), "therapist", "open")  # reopening needs nobody's leave
    agreement.check_direct(Facts("concern", "therapist", "discussed"), "therapist", "repaired")
    agreement.check_direct(Facts("signal", "patient", "discussed"), "therapist", "repaired")


def test_the_ladder_still_comes_first():
    message = refusal(lambda: agreement.check_direct(patient_concern(status="open"), "patient", "repaired"))
    assert message.startswith("Talk it through first")


def test_the_therapist_proposes_and_the_patient_answers():
    agreement.check_propose(patient_concern(), "therapist")
    assert refusal(lambda: agreement.check_propose(patient_concern(), "patient")) == agreement.NOT_PROPOSABLE
    assert refusal(lambda: agreement.check_propose(Facts("concern", "therapist", "discussed"), "therapist")) == (
        agreement.NOT_PROPOSABLE
    )
    proposed = patient_concern(proposed="repaired")
    assert refusal(lambda: agreement.check_propose(proposed, "therapist")) == agreement.ALREADY_PROPOSED
    assert refusal(lambda: agreement.check_propose(patient_concern(status="open"), "therapist")).startswith(
        "Talk it through first"
    )
    assert agreement.prompt_for(proposed, "patient") == "proposal"
    assert agreement.prompt_for(proposed, "therapist") is None
    assert agreement.reply(proposed, "patient", "accept") == "repaired"
    assert agreement.reply(proposed, "patient", "decline") is None
    assert refusal(lambda: agreement.reply(proposed, "therapist", "accept")) == agreement.NOT_YOURS_TO_ANSWER
    assert refusal(lambda: agreement.reply(patient_concern(), "patient", "accept")) == agreement.NO_PROPOSAL
    assert refusal(lambda: agreement.reply(proposed, "patient", "sure")) == agreement.BAD_REPLY


def test_reopening_a_repaired_entry_asks_again():
    assert agreement.forgets_answers("repaired", "discussed")
    assert not agreement.forgets_answers("open", "discussed")


def test_what_an_entry_waits_for_as_each_reader_reads_it():
    assert agreement.waiting_words(("patient", "therapist"), False, "patient") == [agreement.WAITING["both"]]
    assert agreement.waiting_words(("therapist",), False, "therapist") == [agreement.WAITING["you"]]
    assert agreement.waiting_words(("therapist",), False, "patient") == [
        "Waiting for your therapist to say you talked it through."
    ]
    assert agreement.waiting_words((), True, "therapist") == [
        "You proposed it as repaired: waiting for %(name)s’s answer."
    ]
    assert agreement.waiting_words((), False, "patient") == []
