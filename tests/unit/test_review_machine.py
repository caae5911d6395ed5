"""The ending review's rules and the rupture-log status steps (pure)."""

import pytest

from partnertrack.review import machine
from partnertrack.review.machine import Refused, ReviewState
from partnertrack.ruptures import transitions

BOTH = frozenset({"patient", "therapist"})


def refused(step, *args) -> str:
    with pytest.raises(Refused) as caught:
        step(*args)
    return caught.value.message


def test_open_only_from_active():
    assert machine.open_review(ReviewState("active")) == "ending"
    assert refused(machine.open_review, ReviewState("ending")) == "The ending review is already open."
    assert refused(machine.open_review, ReviewState("ended")) == "This partnership has already ended."
    assert "not joined yet" in refused(machine.open_review, ReviewState("invited"))


def test_the_partnership_ends_only_when_both_have_agreed():
    first = ReviewState("ending", notes_done=BOTH)
    assert machine.agree(first, "patient") == "ending"
    second = ReviewState("ending", agreed=frozenset({"patient"}), notes_done=BOTH)
    assert machine.agree(second, "therapist") == "ended"


def test_agreeing_needs_notes_and_happens_once():
    assert "before agreeing" in refused(
        machine.agree, ReviewState("ending", notes_done=frozenset({"therapist"})), "patient"
    )
    state = ReviewState("ending", agreed=frozenset({"patient"}), notes_done=BOTH)
    assert refused(machine.agree, state, "patient") == "You have already agreed to end."
    assert refused(machine.agree, ReviewState("active", notes_done=BOTH), "patient") == (
        "Open the ending review before agreeing to end."
    )
    assert refused(machine.agree, ReviewState("ended", agreed=BOTH, notes_done=BOTH), "patient") == machine.ENDED


def test_withdraw_until_ended():
    state = ReviewState("ending", agreed=frozenset({"patient"}), notes_done=BOTH)
    assert machine.withdraw(state, "patient") == "ending"
    assert "no agreement to withdraw" in refused(machine.withdraw, state, "therapist")
    assert refused(machine.withdraw, ReviewState("ended", agreed=BOTH), "patient") == machine.ENDED


def test_notes_are_fixed_once_agreed():
    assert machine.save_notes(ReviewState("ending"), "patient") == "ending"
    state = ReviewState("ending", agreed=frozenset({"patient"}), notes_done=BOTH)
    assert "Withdraw your agreement to change them" in refused(machine.save_notes, state, "patient")
    assert machine.save_notes(state, "therapist") == "ending"
    assert (
        refused(machine.save_notes, ReviewState("active"), "patient")
        == "Open the ending review before writing your notes."
    )


def test_close_goes_back_to_active_but_never_from_ended():
    assert machine.close_review(ReviewState("ending", agreed=frozenset({"therapist"}))) == "active"
    assert (
        refused(machine.close_review, ReviewState("ended"))
        == "This partnership has ended and cannot go back to active."
    )
    assert refused(machine.close_review, ReviewState("active")) == "There is no open ending review to close."


@pytest.mark.parametrize(
    "current, new", [("open", "discussed"), ("discussed", "repaired"), ("discussed", "open"), ("repaired", "discussed")]
)
def test_rupture_steps_allowed(current, new):
    transitions.check(current, new)


@pytest.mark.parametrize(
    "current, new, words",
    [
        ("open", "repaired", "mark this entry discussed before marking it repaired"),
        ("repaired", "open", "goes back to discussed first"),
        ("open", "open", "already marked open"),
        ("open", "gone", "Please choose open, discussed or repaired."),
    ],
)
def test_rupture_steps_refused(current, new, words):
    assert words in refused(transitions.check, current, new)


def test_next_steps_offer_only_allowed_moves():
    assert transitions.next_steps("open") == ["discussed"]
    assert transitions.next_steps("discussed") == ["repaired", "open"]
    assert transitions.next_steps("repaired") == ["discussed"]
