"""The form link: the therapist rates, the patient gets a link that opens that one form, once, for 72 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from partnertrack.core.outbox import OutboxMessage
from partnertrack.models import Rating
from partnertrack.notifications.models import FormLink
from tests.factories import PATIENT, THERAPIST, YESTERDAY, rating_form
from tests.helpers import (
    client_as,
    count,
    deliver,
    is_login_redirect,
    link_in,
    outbox,
    path_of,
    table_snapshot,
    text_body,
    text_of,
)

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def form_mail(mail_app, mail_server, world):
    """The therapist has rated yesterday's session; the patient's form link has arrived. Its URL path."""
    therapist = client_as(mail_app, THERAPIST)
    assert therapist.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY)).status_code == 302
    assert deliver(mail_app).sent == 1
    [message] = mail_server.wait_for(1)
    return message


def test_the_therapist_rating_mails_the_patient_a_neutral_form_link(form_mail, mail_app):
    assert form_mail["To"] == PATIENT
    assert form_mail["Subject"] == "A form is waiting for you in PartnerTrack"
    body = text_body(form_mail)
    assert "It works once" in body and "72 hours" in body
    for secret in ("Tara", "Therapist", "Pat", "7", "Mutuality"):
        assert secret not in form_mail["Subject"]
    assert "Tara" not in body and "Mutuality" not in body


def test_the_link_opens_that_one_form_without_a_password_and_saves_once(form_mail, mail_app, world):
    browser = mail_app.test_client()
    opened = browser.get(path_of(link_in(form_mail, "/form/")))
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"/partnerships/{world.partnership}/rate?date={YESTERDAY.isoformat()}"
    form = browser.get(opened.headers["Location"])
    assert form.status_code == 200
    assert "Rating one session from your email link" in text_of(form)
    assert f'value="{YESTERDAY.isoformat()}"' in form.text
    # Every other page still asks for the password.
    for url in (
        "/",
        "/account/",
        f"/partnerships/{world.partnership}/",
        f"/partnerships/{world.partnership}/export.csv",
        f"/partnerships/{world.partnership}/rate",
        f"/partnerships/{world.partnership}/rate?date={(YESTERDAY - timedelta(days=7)).isoformat()}",
        f"/partnerships/{world.other_partnership}/rate?date={YESTERDAY.isoformat()}",
    ):
        assert is_login_redirect(browser.get(url)), url
    saved = browser.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY, comment="Fine."))
    assert saved.status_code == 302
    assert count(mail_app, Rating, rater="patient") == 1
    # The restricted session has ended with the save; the link is used up.
    assert is_login_redirect(browser.get(f"/partnerships/{world.partnership}/rate?date={YESTERDAY.isoformat()}"))
    login = browser.get(saved.headers["Location"], follow_redirects=True)
    assert "Your rating was saved." in text_of(login)
    again = mail_app.test_client().get(path_of(link_in(form_mail, "/form/")))
    assert again.status_code == 410
    assert "already been used" in text_of(again)


def test_the_database_holds_only_the_hash_of_the_token(form_mail, mail_app):
    token = link_in(form_mail, "/form/").rsplit("/", 1)[1]
    dump = repr(table_snapshot(mail_app, skip=()))
    assert token not in dump
    from partnertrack.core.tokens import hash_token

    assert hash_token(token) in dump


def test_a_second_save_from_another_browser_with_the_same_link_is_refused(form_mail, mail_app, world):
    first, second = mail_app.test_client(), mail_app.test_client()
    path = path_of(link_in(form_mail, "/form/"))
    first.get(path)
    second.get(path)
    rate = f"/partnerships/{world.partnership}/rate"
    assert first.post(rate, data=rating_form(YESTERDAY, mutuality=9)).status_code == 302
    before = table_snapshot(mail_app)
    refused = second.post(rate, data=rating_form(YESTERDAY, mutuality=1))
    assert refused.status_code in (409, 422)  # the link is used up (or the rating, now revealed, is locked)
    assert table_snapshot(mail_app) == before


def test_a_restricted_session_cannot_rate_another_session(form_mail, mail_app, world):
    browser = mail_app.test_client()
    browser.get(path_of(link_in(form_mail, "/form/")))
    before = table_snapshot(mail_app)
    other_day = YESTERDAY - timedelta(days=3)
    refused = browser.post(f"/partnerships/{world.partnership}/rate", data=rating_form(other_day))
    assert refused.status_code == 409
    assert "opens the form of the session of" in text_of(refused)
    assert "nothing was saved" in text_of(refused)
    assert table_snapshot(mail_app) == before


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        (lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"), 404, "not valid"),
        (lambda token: token[:20], 404, "not valid"),
        (lambda token: "x" * 300, 404, "not valid"),
    ],
    ids=["altered", "cut-short", "too-long"],
)
def test_an_altered_link_opens_nothing(form_mail, mail_app, change, status, words):
    link = link_in(form_mail, "/form/")
    base, token = link.rsplit("/", 1)
    before = table_snapshot(mail_app)
    browser = mail_app.test_client()
    response = browser.get(path_of(f"{base}/{change(token)}"))
    assert response.status_code == status and words in text_of(response)
    assert table_snapshot(mail_app) == before


def test_the_link_expires_after_72_hours(form_mail, mail_app):
    row = outbox(mail_app)[0]
    mail_app.config["NOW"] = row.created_at.replace(tzinfo=UTC) + timedelta(hours=72, minutes=1)
    response = mail_app.test_client().get(path_of(link_in(form_mail, "/form/")))
    assert response.status_code == 410
    assert "expired" in text_of(response) and "72 hours" in text_of(response)
    mail_app.config["NOW"] = row.created_at.replace(tzinfo=UTC) + timedelta(hours=71, minutes=59)
    assert mail_app.test_client().get(path_of(link_in(form_mail, "/form/"))).status_code == 302


def test_a_session_the_patient_already_rated_is_refused(form_mail, mail_app, world):
    patient = client_as(mail_app, PATIENT)
    assert patient.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY)).status_code == 302
    response = mail_app.test_client().get(path_of(link_in(form_mail, "/form/")))
    assert response.status_code == 410
    assert "already rated this session" in text_of(response)


def test_another_persons_link_is_refused_while_logged_in(form_mail, mail_app):
    someone_else = client_as(mail_app, "quinn@example.org")
    before = table_snapshot(mail_app)
    response = someone_else.get(path_of(link_in(form_mail, "/form/")))
    assert response.status_code == 403
    assert "sent to another account" in text_of(response)
    assert table_snapshot(mail_app) == before


def test_the_patient_logged_in_goes_straight_to_the_form(form_mail, mail_app, world):
    patient = client_as(mail_app, PATIENT)
    response = patient.get(path_of(link_in(form_mail, "/form/")))
    assert response.headers["Location"] == f"/partnerships/{world.partnership}/rate?date={YESTERDAY.isoformat()}"


def test_a_new_password_ends_a_restricted_session(form_mail, mail_app, world):
    browser = mail_app.test_client()
    browser.get(path_of(link_in(form_mail, "/form/")))
    patient = client_as(mail_app, PATIENT)
    patient.post(
        "/account/password",
        data={
            "current": "correct horse battery",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert is_login_redirect(browser.get(f"/partnerships/{world.partnership}/rate?date={YESTERDAY.isoformat()}"))


def test_one_link_per_session_whatever_the_therapist_changes(form_mail, mail_app, world):
    therapist = client_as(mail_app, THERAPIST)
    changed = rating_form(YESTERDAY, mutuality=3)
    assert therapist.post(f"/partnerships/{world.partnership}/rate", data=changed).status_code == 302
    assert count(mail_app, FormLink) == 1
    assert count(mail_app, OutboxMessage) == 1


def test_the_therapist_sees_that_the_form_link_was_delivered(form_mail, mail_app, world):
    page = text_of(client_as(mail_app, THERAPIST).get(f"/partnerships/{world.partnership}/"))
    assert f"Form link for the session of {YESTERDAY:%d %B %Y} to {PATIENT}: delivered to the mail server" in page
    assert "Email to the patient" not in text_of(
        client_as(mail_app, PATIENT).get(f"/partnerships/{world.partnership}/")
    )


def test_no_form_link_when_the_patient_rated_first(mail_app, mail_server, world):
    patient = client_as(mail_app, PATIENT)
    assert patient.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY)).status_code == 302
    therapist = client_as(mail_app, THERAPIST)
    assert therapist.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY)).status_code == 302
    assert count(mail_app, OutboxMessage) == 0
