"""The post-session form and what surrounds it, in Spanish and German (phase 2 of docs/i18n.md).

The rating form (empty, refused, with the "Did you mean" question), the safety banner, the
talk-soon list, the ending form and an ending's sentence: no English interface string when the
browser asks for Spanish or German; the factors' statements are the catalog's, per role; English
stays as the outside contract words it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from babel.support import Translations

from partnertrack.core.clock import today
from partnertrack.ratings.factors import FACTORS
from tests.factories import PATIENT, THERAPIST
from tests.helpers import client_as, text_of
from tests.web.test_i18n import CATALOGS, untranslated

LANGUAGES = ["es", "de"]


def translations(language: str) -> Translations:
    """The compiled catalog, as the app reads it."""
    return Translations.load(str(CATALOGS), [language])


def check(response, language: str) -> None:
    """The page speaks ``language`` and shows no English message of the catalog."""
    assert f'<html lang="{language}">' in response.text
    assert not untranslated(response.text, language), untranslated(response.text, language)


def check_part(response, language: str, start: str, end: str) -> None:
    """Only the part of the page from ``start`` to the next ``end`` is ours (the partnership page is not)."""
    assert f'<html lang="{language}">' in response.text
    html = response.text
    begin = html.index(start)
    part = html[begin : html.index(end, begin) + len(end)]
    assert not untranslated(part, language), untranslated(part, language)


def check_flash(response, language: str) -> None:
    """The message shown after a step speaks ``language``."""
    check_part(response, language, '<div class="flashes">', "</div>")


def scores(**changes) -> dict[str, str]:
    """A valid form: six scores, nothing felt off, no comment."""
    data = {f.key: "7" for f in FACTORS if f.key != "rupture_repair"}
    data.update(session_date=today().isoformat(), rupture_choice="none", comment="")
    data.update(changes)
    return data


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_rating_form_speaks_the_browsers_language_with_each_roles_statements(app, world, language):
    headers = {"Accept-Language": language}
    words = translations(language)
    for email, role in ((PATIENT, "patient"), (THERAPIST, "therapist")):
        client = client_as(app, email)
        page = client.get(f"/partnerships/{world.partnership}/rate", headers=headers)
        assert page.status_code == 200
        check(page, language)
        shown = text_of(page)
        for factor in FACTORS:
            assert words.gettext(factor.name) != factor.name, factor.name
            assert words.gettext(factor.statement_for(role)) in shown, (role, factor.key)
            assert factor.statement_for(role) not in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_refusals_on_the_form_and_the_saved_message_are_translated(app, world, language):
    headers = {"Accept-Language": language}
    patient = client_as(app, PATIENT)
    url = f"/partnerships/{world.partnership}/rate"
    for bad in (
        scores(mutuality="11"),
        scores(rupture_choice="", rupture_repair=""),
        scores(rupture_repair="5"),
        scores(concern_text="algo", rupture_choice="none"),
        scores(session_date=(today() + timedelta(days=3)).isoformat()),
        scores(comment="x" * 2001),
    ):
        response = patient.post(url, data=bad, headers=headers)
        assert response.status_code == 422
        check(response, language)
        assert "choose a whole number" not in response.text and "cannot be" not in response.text
    saved = patient.post(url, data=scores(), headers=headers, follow_redirects=True)
    check_flash(saved, language)
    assert translations(language).gettext("Your rating was saved.") in text_of(saved)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_did_you_mean_question_and_the_waiting_list_are_translated(app, world, language):
    headers = {"Accept-Language": language}
    url = f"/partnerships/{world.partnership}/rate"
    day = today() - timedelta(days=2)
    client_as(app, THERAPIST).post(url, data=scores(session_date=day.isoformat()))
    patient = client_as(app, PATIENT)
    check(patient.get(url, headers=headers), language)
    home = patient.get(f"/partnerships/{world.partnership}/", headers=headers)
    check_part(home, language, '<section class="card waiting"', "</section>")
    asked = patient.post(url, data=scores(session_date=(day + timedelta(days=1)).isoformat()), headers=headers)
    assert 'id="did-you-mean"' in asked.text
    check(asked, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_safety_path_is_translated_for_both_parties(app, world, language):
    headers = {"Accept-Language": language}
    patient = client_as(app, PATIENT)
    page = patient.get(f"/partnerships/{world.partnership}/", headers=headers)
    check_part(page, language, '<aside class="crisis"', "</aside>")
    asked = patient.post(f"/partnerships/{world.partnership}/talk-soon/", headers=headers, follow_redirects=True)
    check_flash(asked, language)
    check_part(asked, language, '<aside class="crisis"', "</aside>")
    therapist = client_as(app, THERAPIST)
    listed = therapist.get("/account/", headers=headers)
    assert 'class="talk-soon card"' in listed.text
    check(listed, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_ending_without_agreement_is_translated_for_both_readers(app, world, language):
    headers = {"Accept-Language": language}
    patient = client_as(app, PATIENT)
    end = f"/partnerships/{world.partnership}/end/"
    check(patient.get(end, headers=headers), language)
    refused = patient.post(end, data={"reason": "bored"}, headers=headers)
    assert refused.status_code == 409
    check(refused, language)
    ended = patient.post(end, data={"reason": "moved"}, headers=headers, follow_redirects=True)
    check_flash(ended, language)
    words = translations(language)
    sentence = words.gettext("Ended by you without the ending review: %(reason)s.") % {
        "reason": words.gettext("you moved away")
    }
    assert sentence in text_of(ended)
    therapist_view = client_as(app, THERAPIST).get(f"/partnerships/{world.partnership}/", headers=headers)
    assert words.gettext("Ended by your client without the ending review: %(reason)s.") % {
        "reason": words.gettext("the client moved away")
    } in text_of(therapist_view)


def test_english_keeps_the_contract_words_of_the_form(app, world):
    page = client_as(app, PATIENT).get(f"/partnerships/{world.partnership}/rate", headers={"Accept-Language": "en"})
    shown = text_of(page)
    for factor in FACTORS:
        assert factor.name in shown and factor.statement_for("patient") in shown
    assert "Did anything feel off between us?" in shown and "Nothing felt off this session" in shown
    assert 'value="Save my rating"' in page.text or ">Save my rating<" in page.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_goal_progress_inputs_are_translated(app, world, language):
    from tests.web.test_goals import add_goal

    headers = {"Accept-Language": language}
    patient = client_as(app, PATIENT)
    add_goal(patient, world, "Dormir mejor")
    patient.get(f"/partnerships/{world.partnership}/goals/")  # its flash, said in English, is read here
    url = f"/partnerships/{world.partnership}/rate"
    page = patient.get(url, headers=headers)
    assert 'name="goal_' in page.text and "Dormir mejor" in page.text
    check(page, language)
    assert "Progress on goal" not in page.text
    goal = page.text.split('name="goal_', 1)[1].split('"', 1)[0]
    refused = patient.post(url, data=scores(**{f"goal_{goal}": "12"}), headers=headers)
    assert refused.status_code == 422
    check(refused, language)
    assert "Progress on goal" not in refused.text
