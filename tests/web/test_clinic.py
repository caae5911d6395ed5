"""The clinic through the test client: creating it, invites, disabling, the supervisor's pages,
consent, transfers, the export, and bad input (404 or a clear refusal, nothing changed)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from partnertrack.clinic.models import Clinic, ClinicInvite, ClinicMember, PartnershipTransfer, SupervisionConsent
from partnertrack.extensions import db
from partnertrack.models import Partnership, User
from tests.factories import CLINIC_EMAILS, PASSWORD, allow_supervision, make_clinic_world
from tests.helpers import audit_rows, client_as, count, outbox, table_snapshot, text_of


@pytest.fixture
def cw(app):
    """The clinic world (two-factor off for the clinic, so tests log in with a password)."""
    return make_clinic_world(app)


def as_(app, who: str):
    """A client logged in as one of CLINIC_EMAILS' people."""
    return client_as(app, CLINIC_EMAILS[who])


# --- creating a clinic ----------------------------------------------------------------------


def test_clinic_create_makes_the_admin_and_prints_a_set_password_link(app, runner):
    """A new admin account gets a one-time link; with it they choose a password and log in."""
    result = runner.invoke(args=["clinic", "create", "Riverside", "--admin-email", "Boss@Example.org"])
    assert result.exit_code == 0, result.output
    link = re.search(r"(https?://\S+/reset-password/\S+)", result.output).group(1)
    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.email == "boss@example.org"))
        member = db.session.scalar(db.select(ClinicMember).where(ClinicMember.user_id == admin.id))
        assert (member.role, member.active, admin.role) == ("admin", True, "therapist")
    client = app.test_client()
    path = "/" + link.split("/", 3)[3]
    new = "a brand new passphrase"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302
    assert client.post("/login", data={"email": "boss@example.org", "password": new}).status_code == 302


def test_clinic_create_refuses_a_patient_or_a_member_and_a_bad_name(app, runner, cw):
    """Clear refusals; no clinic is added."""
    before = count(app, Clinic)
    patient = runner.invoke(args=["clinic", "create", "X", "--admin-email", CLINIC_EMAILS["clinic_patient"]])
    member = runner.invoke(args=["clinic", "create", "X", "--admin-email", CLINIC_EMAILS["supervisor"]])
    empty = runner.invoke(args=["clinic", "create", " ", "--admin-email", "new@example.org"])
    assert "patient account" in patient.output and "already a member" in member.output and "1 to 120" in empty.output
    assert count(app, Clinic) == before


def test_admins_and_supervisors_must_use_two_factor_when_the_clinic_says_so(app):
    """Default on: the supervisor is sent to set it up; a clinic therapist is not held by the clinic."""
    from partnertrack.auth.two_factor import required_for

    make_clinic_world(app, two_factor=True)
    with app.app_context():
        users = {k: db.session.scalar(db.select(User).where(User.email == e)) for k, e in CLINIC_EMAILS.items()}
        assert required_for(users["admin"]) and required_for(users["supervisor"])
        assert not required_for(users["clinic_therapist"])
    page = app.test_client()
    page.post("/login", data={"email": CLINIC_EMAILS["supervisor"], "password": PASSWORD})
    assert "two-factor" in text_of(page.get("/clinic/", follow_redirects=True)).lower()


# --- invites and members --------------------------------------------------------------------


def invite_link(app, client, role: str = "therapist", email: str = "") -> str:
    """Make an invite on the members page; the path of the link it shows."""
    response = client.post("/clinic/invites", data={"role": role, "email": email})
    assert response.status_code == 200
    return re.search(r'href="https?://[^/"]+(/clinic/join/[^"]+)"', response.text).group(1)


def test_a_solo_therapist_joins_by_link_with_their_partnerships_and_their_patient_is_told(app, world, cw):
    """Tara (solo, one partnership) joins; Pat hears by mail and in the activity log; the link then refuses."""
    path = invite_link(app, as_(app, "admin"), email="tara@example.org")
    assert outbox(app, kind="clinic_invite")[0].to_address == "tara@example.org"
    tara = client_as(app, "tara@example.org")
    assert "Join Northside" in tara.get(path).text
    assert tara.post(path).status_code == 302
    # Paula was told when Tess joined (the world); now Pat, for Tara's partnership.
    assert [m.to_address for m in outbox(app, kind="clinic_joined")] == [
        CLINIC_EMAILS["clinic_patient"],
        "pat@example.org",
    ]
    activity = text_of(client_as(app, "pat@example.org").get("/account/activity"))
    assert "brought the partnership into a clinic" in activity
    again = client_as(app, "omar@example.org").post(path)
    assert again.status_code == 410 and "already been used" in again.text
    assert count(app, ClinicMember, user_id=world.other_therapist) == 0


def test_bad_invite_links_and_patients_are_refused_and_nothing_changes(app, world, cw):
    """Unknown, overlong, a patient, a member of another clinic: refusal, no membership added."""
    path = invite_link(app, as_(app, "admin"))
    before = table_snapshot(app)
    assert client_as(app, "tara@example.org").get("/clinic/join/nope").status_code == 404
    assert client_as(app, "tara@example.org").get("/clinic/join/" + "x" * 300).status_code == 404
    patient = client_as(app, "pat@example.org").post(path)
    assert patient.status_code == 403 and "Only a therapist account" in patient.text
    other = as_(app, "other_supervisor").post(path)
    assert other.status_code == 409 and "another clinic" in other.text
    assert table_snapshot(app) == before


def test_an_invite_asks_a_visitor_to_log_in_first(app, cw):
    """Not logged in: the login page, with the way back."""
    path = invite_link(app, as_(app, "admin"))
    response = app.test_client().get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_admin_disables_a_member_who_loses_the_pages_and_nothing_is_deleted(app, cw):
    """The supervisor is disabled: 404 on the clinic, account and row still there."""
    admin = as_(app, "admin")
    assert as_(app, "supervisor").get("/clinic/").status_code == 200
    assert admin.post(f"/clinic/members/{cw.supervisor_member}/disable").status_code == 302
    assert as_(app, "supervisor").get("/clinic/").status_code == 404
    with app.app_context():
        member = db.session.get(ClinicMember, cw.supervisor_member)
        assert member.active is False and member.user.active is True
    assert len(audit_rows(app, action="clinic.member_disabled")) == 1


def test_the_last_admin_cannot_be_disabled_and_another_clinics_member_is_404(app, cw):
    """Refusal with the reason; 404 for a member id of the other clinic; nothing changed."""
    with app.app_context():
        other = db.session.scalar(db.select(ClinicMember.id).where(ClinicMember.clinic_id == cw.other_clinic))
    admin = as_(app, "admin")
    before = table_snapshot(app)
    refused = admin.post(f"/clinic/members/{cw.admin_member}/disable", follow_redirects=True)
    assert "at least one active admin" in refused.text
    assert admin.post(f"/clinic/members/{other}/disable").status_code == 404
    assert table_snapshot(app) == before


def test_an_invite_with_a_bad_role_or_address_is_refused(app, cw):
    """422 with the message; no invite stored."""
    admin = as_(app, "admin")
    assert admin.post("/clinic/invites", data={"role": "owner"}).status_code == 422
    bad = admin.post("/clinic/invites", data={"role": "therapist", "email": "not an address"})
    assert bad.status_code == 422 and "valid email address" in bad.text
    assert count(app, ClinicInvite) == 4  # the world's own


# --- the supervisor's view and consent ------------------------------------------------------


def test_the_clinic_page_shows_figures_without_client_names(app, cw):
    """Caseload, forms, ruptures, bands, therapists by name; Paula's name nowhere."""
    page = as_(app, "supervisor").get("/clinic/")
    text = text_of(page)
    assert page.status_code == 200
    for words in (
        "Caseload",
        "Forms completed by clients",
        "Ruptures detected",
        "Median sessions to repair",
        "Endings",
        "Client-rated alliance",
        "Clinic Therapist",
        "Second Therapist",
    ):
        assert words in text
    assert "Paula" not in page.text


def test_a_therapist_sees_their_own_attunement_framed_for_supervision(app, cw):
    """/clinic redirects a clinic therapist to their figures; the attunement is framed, not ranked."""
    tess = as_(app, "clinic_therapist")
    assert tess.get("/clinic/").headers["Location"].endswith("/clinic/me")
    text = text_of(tess.get("/clinic/me"))
    assert "Attunement: for supervision, not a score" in text and "never compared between therapists" in text
    assert "Paula" not in text


def test_identified_ratings_need_the_patients_consent_and_every_view_is_audited(app, cw):
    """Off by default (404, no link); on: ratings without comments, audited, in Paula's activity."""
    sue = as_(app, "supervisor")
    url = f"/clinic/partnerships/{cw.partnership}"
    assert sue.get(url).status_code == 404
    assert "See ratings" not in sue.get(f"/clinic/therapists/{cw.therapist_member}").text
    paula = as_(app, "clinic_patient")
    assert "Clinic supervision" in paula.get("/account/").text
    assert paula.post("/clinic/consent", data={"allowed": "y"}).status_code == 302
    assert "See ratings" in sue.get(f"/clinic/therapists/{cw.therapist_member}").text
    page = sue.get(url)
    assert page.status_code == 200 and "Paula" in page.text
    assert "homework felt imposed" not in page.text  # comments stay between the two
    sue.get(url)
    assert len(audit_rows(app, action="clinic.identified_view", partnership_id=cw.partnership)) == 2
    assert "viewed the ratings as a clinic supervisor" in text_of(paula.get("/account/activity"))
    paula.post("/clinic/consent", data={})
    assert sue.get(url).status_code == 404


def test_admins_never_see_identified_ratings_and_other_clinics_see_nothing(app, cw):
    """Even with consent: admin 404; the other clinic's supervisor 404 on every page of this one."""
    allow_supervision(app, cw.patient)
    assert as_(app, "admin").get(f"/clinic/partnerships/{cw.partnership}").status_code == 404
    oscar = as_(app, "other_supervisor")
    assert oscar.get(f"/clinic/partnerships/{cw.partnership}").status_code == 404
    assert oscar.get(f"/clinic/therapists/{cw.therapist_member}").status_code == 404
    assert "Northside" not in oscar.get("/clinic/").text


def test_only_patients_set_consent(app, cw):
    """A therapist posting the consent form gets 403 and nothing is stored."""
    assert as_(app, "clinic_therapist").post("/clinic/consent", data={"allowed": "y"}).status_code == 403
    assert count(app, SupervisionConsent) == 0


# --- transfers ------------------------------------------------------------------------------


def test_a_transfer_moves_the_partnership_keeps_history_tells_the_patient_and_shuts_out_the_former(app, cw):
    """Paula's partnership moves from Tess to Theo."""
    with app.app_context():
        ratings_before = len(db.session.get(Partnership, cw.partnership).sessions)
    tess = as_(app, "clinic_therapist")
    assert tess.get(f"/partnerships/{cw.partnership}/").status_code == 200
    response = as_(app, "admin").post(
        "/clinic/transfers", data={"partnership": str(cw.partnership), "therapist": str(cw.second_member)}
    )
    assert response.status_code == 302
    assert tess.get(f"/partnerships/{cw.partnership}/").status_code == 404
    assert as_(app, "second_therapist").get(f"/partnerships/{cw.partnership}/").status_code == 200
    with app.app_context():
        assert len(db.session.get(Partnership, cw.partnership).sessions) == ratings_before
    assert [m.to_address for m in outbox(app, kind="clinic_transfer")] == [CLINIC_EMAILS["clinic_patient"]]
    assert "moved the partnership to another therapist" in text_of(as_(app, "clinic_patient").get("/account/activity"))
    assert count(app, PartnershipTransfer) == 1


@pytest.mark.parametrize(
    "target, words",
    [
        ("same", "already with this therapist"),
        ("outside", "active therapist of this clinic"),
        ("supervisor", "active therapist of this clinic"),
    ],
)
def test_a_transfer_to_the_same_therapist_or_outside_the_clinic_is_refused(app, cw, target, words):
    """A clear refusal; the partnership stays where it was; nothing stored."""
    with app.app_context():
        outsider = db.session.scalar(db.select(ClinicMember.id).where(ClinicMember.clinic_id == cw.other_clinic))
    member = {"same": cw.therapist_member, "outside": outsider, "supervisor": cw.supervisor_member}[target]
    before = table_snapshot(app)
    response = as_(app, "admin").post(
        "/clinic/transfers", data={"partnership": str(cw.partnership), "therapist": str(member)}
    )
    assert response.status_code == 409 and words in response.text
    assert table_snapshot(app) == before


def test_a_transfer_of_a_partnership_outside_the_clinic_or_with_junk_ids_is_404(app, world, cw):
    """Tara's partnership is not the clinic's; junk ids are nobody's; nothing changes."""
    admin = as_(app, "admin")
    before = table_snapshot(app)
    for pid, target in ((world.partnership, cw.second_member), ("x", cw.second_member), ("²", "1"), ("9" * 12, "1")):
        response = admin.post("/clinic/transfers", data={"partnership": str(pid), "therapist": str(target)})
        assert response.status_code == 404
    assert table_snapshot(app) == before


# --- the de-identified export ---------------------------------------------------------------


def test_the_export_is_de_identified(app, cw):
    """Pseudonyms, shifted dates, scores and signals; no name, email or comment; audited."""
    response = as_(app, "admin").get("/clinic/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 10  # five sessions both rated (the sixth waits for the therapist)
    assert {r["partnership"][:2] for r in rows} == {"P-"}
    for secret in ("Paula", "paula@example.org", "Clinic Therapist", "homework"):
        assert secret not in response.text
    with app.app_context():
        real = {s.date.isoformat() for s in db.session.get(Partnership, cw.partnership).sessions}
    assert not real & {r["session_date_shifted"] for r in rows}
    assert len(audit_rows(app, action="clinic.exported")) == 1
    assert as_(app, "supervisor").get("/clinic/export.csv").status_code == 404
