"""Endings without agreement: either party ends with a reason that both can read."""

import pytest

from partnertrack.partnerships.endings import ending_sentence
from tests.factories import PATIENT, THERAPIST
from tests.helpers import status_of, text_of


def end_url(world):
    return f"/partnerships/{world.partnership}/end/"


@pytest.mark.parametrize(
    "who, reason, mine, theirs, other",
    [
        (
            PATIENT,
            "moved",
            "Ended by you without the ending review: you moved away.",
            "Ended by your client without the ending review: the client moved away.",
            THERAPIST,
        ),
        (
            THERAPIST,
            "therapist_left",
            "Ended by you without the ending review: the therapist left.",
            "Ended by your therapist without the ending review: your therapist left.",
            PATIENT,
        ),
    ],
)
def test_either_party_ends_with_a_reason_both_see(app, world, auth, who, reason, mine, theirs, other):
    auth.login(who)
    assert "End the partnership with a reason" in text_of(auth.client.get(f"/partnerships/{world.partnership}/"))
    response = auth.client.post(end_url(world), data={"reason": reason})
    assert response.status_code == 302 and status_of(app, world.partnership) == "ended"
    assert mine in text_of(auth.client.get(response.location))
    auth.logout()
    auth.login(other)
    assert theirs in text_of(auth.client.get(f"/partnerships/{world.partnership}/"))


@pytest.mark.parametrize("data", [{}, {"reason": "bored"}, {"reason": ""}])
def test_an_ending_without_a_known_reason_is_refused_and_nothing_changes(app, world, auth, data):
    auth.login(PATIENT)
    response = auth.client.post(end_url(world), data=data)
    assert response.status_code == 409 and "Please choose why the partnership is ending." in text_of(response)
    assert status_of(app, world.partnership) == "active"


def test_an_ended_partnership_cannot_be_ended_again(app, world, auth):
    auth.login(THERAPIST)
    auth.client.post(end_url(world), data={"reason": "stopped_coming"})
    response = auth.client.post(end_url(world), data={"reason": "moved"})
    assert response.status_code in (302, 409)
    assert "the client stopped coming" in text_of(auth.client.get(f"/partnerships/{world.partnership}/"))


def test_ending_sentences_per_reader():
    assert ending_sentence("referred_on", "therapist", "patient") == (
        "Ended by your therapist without the ending review: you were referred on."
    )
