"""Every URL rule of the app, checked for every kind of visitor.

The table EXPECTATIONS says who may use each endpoint. A rule whose endpoint
is missing from it fails the test by name, so a route added later cannot go
unchecked: add its endpoint below (and a filler to PARAMS in urls.py for a
new URL parameter) when you add a route.
"""

from __future__ import annotations

import pytest

from tests.helpers import client_as, is_login_redirect
from tests.security.urls import routed, url_for_rule

PUBLIC = "public"  # anyone; never a login redirect (/healthz, /login, /register, /join/<token>, static)
LOGGED_IN = "logged in"  # any logged-in user, on their own data
THERAPIST = "therapist only"  # therapist accounts; a patient gets 403
MEMBER = "partnership member"  # either member of the partnership in the URL; outsiders get 404
MEMBER_THERAPIST = "partnership therapist"  # the partnership's therapist; its patient gets 403 or 404
MEMBER_PATIENT = "partnership patient"  # the partnership's patient; its therapist gets 403 or 404
# A clinic page: only active members of a clinic in the page's roles; the world has no clinic,
# so every logged-in visitor gets 404 here. CLINIC_MATRIX below checks the clinic roles.
CLINIC = "clinic member"
PATIENT_ONLY = "patient only"  # patient accounts; a therapist gets 403

EXPECTATIONS: dict[str, str] = {
    "static": PUBLIC,
    "health.healthz": PUBLIC,
    "auth.login": PUBLIC,
    "auth.register": PUBLIC,
    "partnerships.join_page": PUBLIC,
    # The code step of signing in: only for a visitor half-way through signing in (tested in
    # tests/web/test_two_factor.py); anyone else not logged in is sent to /login like here.
    "two_factor.verify": LOGGED_IN,
    "account_two_factor.index": LOGGED_IN,
    "account_two_factor.setup": LOGGED_IN,
    "account_two_factor.recovery_codes": LOGGED_IN,
    "account_two_factor.disable": LOGGED_IN,
    # Mailed links: a form link, a password reset and one-click unsubscribe answer anyone.
    "notifications.form_link": PUBLIC,
    "notifications.unsubscribe": PUBLIC,
    "reset.request_page": PUBLIC,
    "reset.reset_page": PUBLIC,
    "auth.finish_signup_page": PUBLIC,
    "notifications.preferences": LOGGED_IN,
    "auth.logout": LOGGED_IN,
    "dashboard.index": LOGGED_IN,
    "account.index": LOGGED_IN,
    "account.password": LOGGED_IN,
    "account.language": LOGGED_IN,
    "account.data_json": LOGGED_IN,
    "account.delete": LOGGED_IN,
    "account.activity": LOGGED_IN,
    "partnerships.new": THERAPIST,
    "dashboard.caseload_chart": THERAPIST,
    "partnership.show": MEMBER,
    "ratings.rate": MEMBER,
    "sessions.index": MEMBER,
    "sessions.add": MEMBER,
    "sessions.mark": MEMBER_THERAPIST,
    "sessions.split": MEMBER_THERAPIST,
    "sessions.merge": MEMBER_THERAPIST,
    "sessions.keep_apart": MEMBER_THERAPIST,
    "safety.request_talk": MEMBER_PATIENT,
    "safety.answered": MEMBER_THERAPIST,
    "ending.form": MEMBER,
    "ending.end": MEMBER,
    "exports.export_csv": MEMBER,
    "insights.partnership_chart": MEMBER,
    "partnership.reinvite": MEMBER_THERAPIST,
    "exports.export_json": MEMBER,
    "goals.index": MEMBER,
    "goals.add": MEMBER,
    "goals.reword": MEMBER,
    "goals.change_status": MEMBER,
    "ruptures.index": MEMBER,
    "ruptures.new": MEMBER,
    "ruptures.show": MEMBER,
    "ruptures.add_note": MEMBER,
    "ruptures.change_status": MEMBER,
    "ruptures.talked": MEMBER,
    "ruptures.propose": MEMBER,
    "ruptures.answer_proposal": MEMBER,
    "review.show": MEMBER,
    "review.pdf": MEMBER,
    "review.progress": MEMBER,
    "review.progress_pdf": MEMBER,
    "review.open_review": MEMBER,
    "review.close": MEMBER,
    # <party> is filled with "patient" (PARAMS): only the patient may write the patient's part.
    "review.notes": MEMBER_PATIENT,
    "review.agree": MEMBER_PATIENT,
    "review.withdraw": MEMBER_PATIENT,
    "clinic.index": CLINIC,
    "clinic.mine": CLINIC,
    "clinic.therapist": CLINIC,
    "clinic.partnership": CLINIC,
    "clinic.consent": PATIENT_ONLY,
    "clinic_admin.members": CLINIC,
    "clinic_admin.invite": CLINIC,
    "clinic_admin.disable": CLINIC,
    "clinic_admin.transfer": CLINIC,
    "clinic_admin.export_csv": CLINIC,
    # The token filler is not a real invite: 404 for every logged-in visitor.
    "clinic_admin.join": CLINIC,
}


def _request(client, method: str, url: str):
    """Send ``method`` to ``url`` with an empty form; the body is read and the file closed."""
    response = client.open(url, method=method, data={})
    response.get_data()
    response.close()
    return response


def test_every_endpoint_has_an_expectation(app):
    """A route without an entry in EXPECTATIONS fails here, named."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unknown = sorted(endpoints - set(EXPECTATIONS))
    assert not unknown, f"endpoints with no access expectation (add them to EXPECTATIONS): {unknown}"
    stale = sorted(set(EXPECTATIONS) - endpoints)
    assert not stale, f"EXPECTATIONS lists endpoints that no longer exist: {stale}"


def test_anonymous_visitors_are_sent_to_login(app, world):
    """Every non-public rule redirects an anonymous visitor to the login page."""
    problems = []
    for rule, method in routed(app):
        kind = EXPECTATIONS.get(rule.endpoint)
        if kind is None:
            continue  # reported by test_every_endpoint_has_an_expectation
        url = url_for_rule(rule, world, app)
        response = _request(app.test_client(), method, url)
        if kind == PUBLIC:
            if is_login_redirect(response) or response.status_code >= 500:
                problems.append(
                    f"{method} {url}: public, got {response.status_code} {response.headers.get('Location')}"
                )
        elif not is_login_redirect(response):
            problems.append(f"{method} {url}: expected login redirect, got {response.status_code}")
    assert not problems, "\n".join(problems)


def _expected(kind: str, who: str) -> str:
    """What ``who`` should get for an endpoint of ``kind``: "ok", "404" or "403/404"."""
    if kind == PUBLIC:
        return "public"
    if kind == LOGGED_IN:
        return "ok"
    if kind == THERAPIST:
        return "ok" if who in ("therapist", "other_therapist") else "403/404"
    if kind == PATIENT_ONLY:
        return "ok" if who in ("patient", "other_patient") else "403/404"
    if kind == CLINIC:
        return "404"
    if who in ("other_therapist", "other_patient"):
        return "404"
    if kind == MEMBER_THERAPIST and who == "patient":
        return "403/404"
    if kind == MEMBER_PATIENT and who == "therapist":
        return "403/404"
    return "ok"


# Endpoints whose success is ending the session, so the login page follows.
ENDS_SESSION = {"auth.logout"}


def _allowed(endpoint: str, response) -> bool:
    """The request got through the access checks (a form error or a redirect is fine)."""
    if response.status_code in (401, 403, 404) or response.status_code >= 500:
        return False
    return endpoint in ENDS_SESSION or not is_login_redirect(response)


EMAILS = {
    "therapist": "tara@example.org",
    "patient": "pat@example.org",
    "other_therapist": "omar@example.org",
    "other_patient": "quinn@example.org",
}


@pytest.mark.parametrize("who", list(EMAILS))
def test_logged_in_visitors_get_what_their_role_allows(app, world, who):
    """Outsiders get 404 for the world's partnership, the wrong role 403/404, members what they ask."""
    problems = []
    for rule, method in routed(app):
        kind = EXPECTATIONS.get(rule.endpoint)
        if kind is None:
            continue
        url = url_for_rule(rule, world, app)
        # A fresh login per request: some requests (logout, delete) end the session.
        response = _request(client_as(app, EMAILS[who]), method, url)
        code = response.status_code
        expected = _expected(kind, who)
        if expected == "404" and code != 404:
            problems.append(f"{method} {url} as {who}: expected 404, got {code}")
        elif expected == "403/404" and code not in (403, 404):
            problems.append(f"{method} {url} as {who}: expected 403 or 404, got {code}")
        elif expected == "public" and (code in (401, 403) or code >= 500):
            problems.append(f"{method} {url} as {who}: public, got {code}")
        elif expected == "ok" and not _allowed(rule.endpoint, response):
            problems.append(f"{method} {url} as {who}: expected to be allowed, got {code}")
    assert not problems, "\n".join(problems)


def test_a_missing_partnership_is_404_for_everyone(app, world):
    """An id that does not exist reveals nothing either."""
    client = client_as(app, EMAILS["therapist"])
    for rule, method in routed(app):
        if EXPECTATIONS.get(rule.endpoint) not in (MEMBER, MEMBER_THERAPIST, MEMBER_PATIENT):
            continue
        url = url_for_rule(rule, world, app).replace(f"/partnerships/{world.partnership}/", "/partnerships/999999/")
        assert _request(client, method, url).status_code == 404, f"{method} {url}"


# --- the clinic roles ---------------------------------------------------------------------------
# Who may use each clinic page with this clinic's ids in it (everyone else: 404, or 403 where
# noted). Every clinic endpoint is listed, so a new one fails here until it is added.

CLINIC_WHO = (
    "admin",
    "supervisor",
    "clinic_therapist",
    "second_therapist",
    "clinic_patient",
    "other_admin",
    "other_supervisor",
)
SUPERVISING = {"admin", "supervisor"}


def _clinic_matrix(cw) -> list[tuple[str, str, str, dict, set[str]]]:
    """(endpoint, method, url, form, who may) for every clinic endpoint, with the clinic world's ids."""
    return [
        (
            "clinic.index",
            "GET",
            "/clinic/",
            {},
            {"admin", "supervisor", "clinic_therapist", "second_therapist", "other_admin", "other_supervisor"},
        ),
        ("clinic.mine", "GET", "/clinic/me", {}, {"clinic_therapist", "second_therapist"}),
        ("clinic.therapist", "GET", f"/clinic/therapists/{cw.therapist_member}", {}, SUPERVISING),
        ("clinic.partnership", "GET", f"/clinic/partnerships/{cw.partnership}", {}, {"supervisor"}),
        ("clinic.consent", "POST", "/clinic/consent", {"allowed": "y"}, {"clinic_patient"}),
        ("clinic_admin.members", "GET", "/clinic/members", {}, {"admin", "other_admin"}),
        ("clinic_admin.invite", "POST", "/clinic/invites", {"role": "therapist"}, {"admin", "other_admin"}),
        (
            "clinic_admin.transfer",
            "POST",
            "/clinic/transfers",
            {"partnership": str(cw.partnership), "therapist": str(cw.second_member)},
            {"admin"},
        ),
        # After the transfer: disabling the therapist it went to must not spoil it.
        ("clinic_admin.disable", "POST", f"/clinic/members/{cw.second_member}/disable", {}, {"admin"}),
        ("clinic_admin.export_csv", "GET", "/clinic/export.csv", {}, {"admin", "other_admin"}),
        ("clinic_admin.join", "GET", "/clinic/join/not-a-real-invite-token", {}, set()),
    ]


def test_the_clinic_matrix_lists_every_clinic_endpoint(app):
    """A clinic endpoint missing from the clinic matrix fails here, named."""
    from tests.factories import make_clinic_world

    listed = {row[0] for row in _clinic_matrix(make_clinic_world(app))}
    clinic = {e for e in EXPECTATIONS if e.startswith("clinic")}
    assert clinic == listed


@pytest.mark.parametrize("consent", [False, True])
@pytest.mark.parametrize("who", CLINIC_WHO)
def test_clinic_roles_get_what_their_role_allows(app, who, consent):
    """Each clinic role, with the patient's consent off and on: allowed, or 404 (403 for a therapist's consent)."""
    from tests.factories import CLINIC_EMAILS, allow_supervision, make_clinic_world

    cw = make_clinic_world(app)
    if consent:
        allow_supervision(app, cw.patient)
    problems = []
    for endpoint, method, url, form, allowed in _clinic_matrix(cw):
        if endpoint == "clinic.partnership" and not consent:
            allowed = set()  # identified ratings only with the patient's consent
        response = client_as(app, CLINIC_EMAILS[who]).open(url, method=method, data=form)
        code = response.status_code
        if who in allowed:
            if code >= 400:
                problems.append(f"{method} {url} as {who}: expected to be allowed, got {code}")
        elif code not in ((403, 404) if endpoint == "clinic.consent" else (404,)):
            problems.append(f"{method} {url} as {who}: expected 404, got {code}")
        elif who.startswith("other") and "Northside" in response.text:
            problems.append(f"{method} {url} as {who}: shows the other clinic")
    assert not problems, "\n".join(problems)
