"""The rupture log asks both parties: "did you two talk it through?", and the patient's say on their concern.

Also: nothing stale once a partnership has ended or the patient has left (prompts, alerts, the
digest, the therapist's caseload), and the ending review lists what is still open.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from partnertrack.extensions import db
from partnertrack.models import Partnership
from partnertrack.notifications.periodic import digest_counts
from partnertrack.ruptures.models import RuptureEntry, RuptureNote
from tests.factories import PASSWORD, PATIENT, THERAPIST, flat, set_language, set_status, store_ratings, weekly_dates
from tests.helpers import client_as, deliver, outbox, text_of
from tests.web.test_export_json import export

V_SHAPE = [7, 7, 7, 7, 3, 5, 7]  # the patient's dip at session 5, back by session 7
PATIENT_ASKED = "Your ratings came back up after session 5. Did you two talk it through?"
THERAPIST_ASKED = "Pat’s ratings came back up after the possible rupture at session 5. Did you two talk it through?"
REFUSED_DIRECT = "Your client raised this concern, so it becomes repaired only when they agree."


def url(world, tail="") -> str:
    """A page of the world's rupture log."""
    return f"/partnerships/{world.partnership}/ruptures/{tail}"


def store_v_shape(app, world) -> None:
    """Both rated 7 weekly sessions: the therapist steady, the patient V-shaped (a dip that came back)."""
    dates = weekly_dates(len(V_SHAPE))
    rows = [(d, "patient", flat(v)) for d, v in zip(dates, V_SHAPE)] + [(d, "therapist", flat(7)) for d in dates]
    store_ratings(app, world.partnership, rows)


def the_entry(app) -> tuple:
    """(id, status, patient_talked, therapist_talked, proposed_status) of the only entry."""
    with app.app_context():
        e = db.session.scalar(db.select(RuptureEntry))
        return e.id, e.status, e.patient_talked, e.therapist_talked, e.proposed_status


def note_kinds(app) -> list[tuple]:
    """(author, kind, status_from, status_to) of every note, oldest first."""
    with app.app_context():
        return [
            (n.author, n.kind, n.status_from, n.status_to)
            for n in db.session.scalars(db.select(RuptureNote).order_by(RuptureNote.id))
        ]


@pytest.fixture
def recovered(app, world):
    """The V shape stored and the log synced: one signal entry whose ratings came back; its id."""
    store_v_shape(app, world)
    assert client_as(app, PATIENT).get(url(world)).status_code == 200
    return the_entry(app)[0]


def test_both_parties_are_asked_and_two_yeses_make_it_repaired(app, world, recovered):
    patient, therapist = client_as(app, PATIENT), client_as(app, THERAPIST)
    for page in (url(world), f"/partnerships/{world.partnership}/"):
        text = text_of(patient.get(page))
        assert PATIENT_ASKED in text
        assert "rupture index" not in text.lower() and "strong" not in text.lower()
        assert THERAPIST_ASKED in text_of(therapist.get(page))
    response = patient.post(url(world, f"{recovered}/talked"), data={"answer": "yes"})
    assert response.status_code == 302
    assert the_entry(app)[1:] == ("open", "yes", None, None)
    assert PATIENT_ASKED not in text_of(patient.get(url(world)))  # answered: no longer asked
    assert "It is marked repaired when your therapist says so too." in text_of(patient.get(url(world, recovered)))
    text = text_of(therapist.get(url(world)))
    assert THERAPIST_ASKED in text and "Pat has already said yes." in text
    therapist.post(url(world, f"{recovered}/talked"), data={"answer": "yes"})
    assert the_entry(app)[1:] == ("repaired", "yes", "yes", None)
    assert note_kinds(app) == [
        ("patient", "talked", None, None),
        ("therapist", "talked", None, None),
        ("therapist", "both_talked", "open", "repaired"),
    ]
    for client in (patient, therapist):
        assert "Did you two talk it through?" not in text_of(client.get(f"/partnerships/{world.partnership}/"))
    assert "both of you said you talked it through: marked repaired (was open)" in text_of(
        patient.get(url(world, recovered))
    )


def test_not_yet_keeps_the_question_and_yes_later_still_counts(app, world, recovered):
    patient, therapist = client_as(app, PATIENT), client_as(app, THERAPIST)
    therapist.post(url(world, f"{recovered}/talked"), data={"answer": "yes"})
    patient.post(url(world, f"{recovered}/talked"), data={"answer": "not_yet"})
    assert the_entry(app)[1:] == ("open", "not_yet", "yes", None)
    text = text_of(patient.get(url(world)))
    assert PATIENT_ASKED in text and "You said not yet." in text
    patient.post(url(world, f"{recovered}/talked"), data={"answer": "yes"})
    assert the_entry(app)[1] == "repaired"


@pytest.mark.parametrize("answer", ["", "maybe", "yes please"])
def test_a_bad_answer_is_refused_and_changes_nothing(app, world, recovered, answer):
    before = (the_entry(app), note_kinds(app))
    response = client_as(app, PATIENT).post(url(world, f"{recovered}/talked"), data={"answer": answer})
    assert response.status_code == 409 and "Please answer yes or not yet." in text_of(response)
    assert (the_entry(app), note_kinds(app)) == before


def test_a_concern_is_not_asked_whether_it_was_talked_through(app, world):
    patient = client_as(app, PATIENT)
    patient.post(url(world, "new"), data={"text": "Something felt off."})
    eid = the_entry(app)[0]
    response = patient.post(url(world, f"{eid}/talked"), data={"answer": "yes"})
    assert response.status_code == 409 and "This entry is not asking whether you talked it through." in text_of(
        response
    )
    assert the_entry(app)[1:] == ("open", None, None, None) and note_kinds(app) == []


def test_outsiders_cannot_answer_propose_or_reply(app, world, recovered):
    omar, quinn = client_as(app, "omar@example.org"), client_as(app, "quinn@example.org")
    for client in (omar, quinn):
        for tail, data in (("talked", {"answer": "yes"}), ("propose", {}), ("proposal", {"answer": "accept"})):
            assert client.post(url(world, f"{recovered}/{tail}"), data=data).status_code == 404
        other = f"/partnerships/{world.other_partnership}/ruptures/{recovered}/talked"
        assert client.post(other, data={"answer": "yes"}).status_code == 404  # their partnership, Pat's entry
    assert the_entry(app)[1:] == ("open", None, None, None) and note_kinds(app) == []


@pytest.fixture
def patients_concern(app, world):
    """Pat raised a concern and the therapist marked it discussed; its id."""
    client_as(app, PATIENT).post(url(world, "new"), data={"text": "I felt rushed."})
    eid = the_entry(app)[0]
    client_as(app, THERAPIST).post(url(world, f"{eid}/status"), data={"status": "discussed"})
    return eid


def test_the_therapist_cannot_mark_the_patients_concern_repaired(app, world, patients_concern):
    therapist = client_as(app, THERAPIST)
    before = (the_entry(app), note_kinds(app))
    response = therapist.post(url(world, f"{patients_concern}/status"), data={"status": "repaired"})
    assert response.status_code == 409 and REFUSED_DIRECT in text_of(response)
    assert (the_entry(app), note_kinds(app)) == before
    page = text_of(therapist.get(url(world, patients_concern)))
    assert "Repaired: it is set right between us" not in page and "Propose as repaired" in page


def test_the_patient_declines_then_accepts_the_proposal(app, world, patients_concern):
    patient, therapist = client_as(app, PATIENT), client_as(app, THERAPIST)
    question = "Your therapist proposes marking your concern as repaired."
    assert therapist.post(url(world, f"{patients_concern}/propose")).status_code == 302
    assert the_entry(app)[1:] == ("discussed", None, None, "repaired")
    assert "It is marked repaired when Pat agrees." in text_of(therapist.get(url(world, patients_concern)))
    assert question in text_of(patient.get(f"/partnerships/{world.partnership}/"))
    assert question in text_of(patient.get(url(world)))
    patient.post(url(world, f"{patients_concern}/proposal"), data={"answer": "decline"})
    assert the_entry(app)[1:] == ("discussed", None, None, None)
    assert question not in text_of(patient.get(url(world)))
    assert "did not agree it is repaired yet" in text_of(therapist.get(url(world, patients_concern)))
    therapist.post(url(world, f"{patients_concern}/propose"))
    patient.post(url(world, f"{patients_concern}/proposal"), data={"answer": "accept"})
    assert the_entry(app)[1:] == ("repaired", None, None, None)
    assert note_kinds(app)[1:] == [
        ("therapist", "proposed", None, None),
        ("patient", "declined", None, None),
        ("therapist", "proposed", None, None),
        ("patient", None, "discussed", "repaired"),
    ]


@pytest.mark.parametrize(
    "who, tail, data, message",
    [
        (PATIENT, "propose", {}, "Only a concern your client raised is proposed as repaired"),
        (THERAPIST, "proposal", {"answer": "accept"}, "There is no proposal to answer on this entry."),
        (PATIENT, "proposal", {"answer": "accept"}, "There is no proposal to answer on this entry."),
    ],
)
def test_proposals_out_of_turn_are_refused(app, world, patients_concern, who, tail, data, message):
    before = (the_entry(app), note_kinds(app))
    response = client_as(app, who).post(url(world, f"{patients_concern}/{tail}"), data=data)
    assert response.status_code == 409 and message in text_of(response)
    assert (the_entry(app), note_kinds(app)) == before


def test_only_the_patient_answers_a_proposal(app, world, patients_concern):
    therapist = client_as(app, THERAPIST)
    therapist.post(url(world, f"{patients_concern}/propose"))
    before = (the_entry(app), note_kinds(app))
    response = therapist.post(url(world, f"{patients_concern}/proposal"), data={"answer": "accept"})
    assert response.status_code == 409 and "Only the person who raised this concern" in text_of(response)
    assert (the_entry(app), note_kinds(app)) == before


def test_ended_partnership_asks_nothing_and_refuses_answers(app, world, recovered):
    set_status(app, world.partnership, "ended")
    patient, therapist = client_as(app, PATIENT), client_as(app, THERAPIST)
    for client in (patient, therapist):
        for page in (url(world), url(world, recovered), f"/partnerships/{world.partnership}/"):
            assert "Did you two talk it through?" not in text_of(client.get(page))
    response = patient.post(url(world, f"{recovered}/talked"), data={"answer": "yes"}, follow_redirects=True)
    assert "This partnership has ended, so nothing here can change." in text_of(response)
    assert the_entry(app)[1:] == ("open", None, None, None)


def test_review_lists_what_is_not_yet_repaired_on_the_page_and_in_the_pdf(app, world, recovered):
    patient, therapist = client_as(app, PATIENT), client_as(app, THERAPIST)
    patient.post(url(world, f"{recovered}/talked"), data={"answer": "yes"})
    page = text_of(therapist.get(f"/partnerships/{world.partnership}/review/"))
    section = page[page.index("Not yet repaired in the rupture log") :]
    assert "Possible rupture in Pat’s ratings, session 5" in section
    assert "Waiting for you to say you talked it through." in section
    page = text_of(patient.get(f"/partnerships/{world.partnership}/review/"))
    assert "Waiting for your therapist to say you talked it through." in page
    pdf = therapist.get(f"/partnerships/{world.partnership}/review.pdf")
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = " ".join(text.split())
    assert "Not yet repaired in the rupture log" in text and "Waiting for you to say you talked it through." in text
    therapist.post(url(world, f"{recovered}/talked"), data={"answer": "yes"})
    page = text_of(therapist.get(f"/partnerships/{world.partnership}/review/"))
    assert "Nothing: every entry in the rupture log is marked repaired." in page


def test_the_caseload_no_longer_leads_with_an_ended_partnerships_concerns(app, world):
    client_as(app, PATIENT).post(url(world, "new"), data={"text": "I felt rushed."})
    therapist = client_as(app, THERAPIST)
    assert "1 open concern" in therapist.get("/").text
    set_status(app, world.partnership, "ended")
    assert "1 open concern" not in therapist.get("/").text
    page = therapist.get("/?show=ended").text
    assert ">Pat</a>" in page and "1 open concern" not in page  # listed among the ended, its concern history


def test_a_patient_who_leaves_takes_the_prompts_and_the_alert_with_them(mail_app, world):
    patient = client_as(mail_app, PATIENT)
    patient.post(url(world, "new"), data={"text": "I felt rushed."})  # records an alert to the therapist
    assert [row.status for row in outbox(mail_app, kind="alert")] == ["pending"]
    patient.post("/account/delete", data={"current": PASSWORD, "understood": "y"})
    with mail_app.app_context():
        assert db.session.get(Partnership, world.partnership).status == "ended"
    deliver(mail_app)
    [alert] = outbox(mail_app, kind="alert")
    assert alert.status != "sent" and alert.last_error == "Not sent: the partnership has ended."
    therapist = client_as(mail_app, THERAPIST)
    assert "1 open concern" not in therapist.get("/").text
    assert "Did you two talk it through?" not in text_of(therapist.get(f"/partnerships/{world.partnership}/"))


def test_an_alert_raised_before_the_ending_is_not_sent_after_it(mail_app, world):
    client_as(mail_app, PATIENT).post(url(world, "new"), data={"text": "I felt rushed."})
    set_status(mail_app, world.partnership, "ended")
    report = deliver(mail_app)
    assert report.sent == 0
    assert outbox(mail_app, kind="alert")[0].last_error == "Not sent: the partnership has ended."


def test_the_digest_counts_no_entries_of_an_ended_partnership(app, world):
    app.config["NOW"] = datetime.now(UTC)
    client_as(app, PATIENT).post(url(world, "new"), data={"text": "I felt rushed."})
    with app.app_context():
        assert digest_counts(world.therapist)["new_signals"] == 1
    set_status(app, world.partnership, "ended")
    with app.app_context():
        assert digest_counts(world.therapist)["new_signals"] == 0


def test_the_question_reads_in_the_patients_language(app, world, recovered):
    set_language(app, world.patient, "es")
    text = text_of(client_as(app, PATIENT).get(url(world)))
    assert "Sus valoraciones volvieron a subir después de la sesión 5. ¿Lo hablaron entre ustedes?" in text
    assert "Sí, lo hablamos" in text and "Todavía no" in text


def test_the_export_says_who_answered_what(app, world, recovered):
    patient = client_as(app, PATIENT)
    patient.post(url(world, f"{recovered}/talked"), data={"answer": "not_yet"})
    patient.post(url(world, f"{recovered}/talked"), data={"answer": "yes"})
    client_as(app, THERAPIST).post(url(world, f"{recovered}/talked"), data={"answer": "yes"})
    document = export(patient, world)  # fits docs/export.schema.json
    [entry] = document["ruptures"]
    assert entry["status"] == "repaired"
    assert [(n["author"], n["kind"], n["status_to"]) for n in entry["notes"]] == [
        ("patient", "not_yet", None),
        ("patient", "talked", None),
        ("therapist", "talked", None),
        ("therapist", "both_talked", "repaired"),
    ]


def test_a_patient_who_leaves_takes_their_answers_with_them(app, world):
    dates = weekly_dates(len(V_SHAPE))
    rows = [(d, "therapist", flat(v)) for d, v in zip(dates, V_SHAPE)] + [(d, "patient", flat(7)) for d in dates]
    store_ratings(app, world.partnership, rows)  # the therapist's dip this time: the entry stays
    patient = client_as(app, PATIENT)
    text = text_of(patient.get(url(world)))
    assert "Your therapist’s ratings came back up after session 5. Did you two talk it through?" in text
    eid = the_entry(app)[0]
    patient.post(url(world, f"{eid}/talked"), data={"answer": "yes"})
    assert the_entry(app)[1:] == ("open", "yes", None, None)
    patient.post("/account/delete", data={"current": PASSWORD, "understood": "y"})
    assert the_entry(app)[1:] == ("open", None, None, None) and note_kinds(app) == []
    therapist = client_as(app, THERAPIST)
    for page in (url(world), url(world, eid), f"/partnerships/{world.partnership}/"):
        assert "Did you two talk it through?" not in text_of(therapist.get(page))
