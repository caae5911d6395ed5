"""Random and hostile values posted to every form of the app (Hypothesis).

For every POST route: never a 500; a refused post (anything but a redirect)
leaves every table exactly as it was; and no page ever shows one of the
HTML payloads unescaped. A POST route missing from FORMS fails by name, so a
form added later is fuzzed too: add its fields below.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnertrack.extensions import db
from tests.factories import PASSWORD
from tests.helpers import client_as, is_login_redirect, table_snapshot
from tests.security.urls import routed, url_for_rule

# Every payload is distinctive, so finding one raw in a page can only mean it was not escaped.
HTML_PAYLOADS = (
    "<script>ptx_alert(1)</script>",
    '"><ptx-tag onmouseover="ptx()">',
    "<img src=x onerror=ptx_img()>",
    "</textarea><ptx-end>",
    "'><svg onload=ptx_svg()>",
    '<a href="javascript:ptx_js()">ptx</a>',
)
ODD_TEXT = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    "\ufeffbom",
    "Ω≈ç√∫",
    "🙂" * 30,
    "null",
    "None",
    "' OR '1'='1",
    "Robert'); DROP TABLE users;--",
    "{{ 7 * 7 }}",
    "%s%s%n",
    "../../etc/passwd",
    "\r\n\r\n",
)

huge = st.builds(lambda ch, n: ch * n, st.sampled_from(["x", "é", "😀", "<", "\u0301"]), st.integers(100, 30_000))
text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(ODD_TEXT),
    st.sampled_from(HTML_PAYLOADS),
    st.builds(lambda a, b: a + b, st.text(max_size=10), st.sampled_from(HTML_PAYLOADS)),
    huge,
)
score = st.one_of(
    st.integers(0, 10).map(str),  # valid, so whole posts get through and their text gets stored
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["", "7.5", "abc", "٣", "0x7", " 5 ", "１０", "-0", "+3", "1e1", "nan", "inf", "10", "0"]),
    text,
)
day = st.one_of(
    st.integers(0, 60).map(lambda n: (date.today() - timedelta(days=n)).isoformat()),  # valid for the world
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.sampled_from(["", "2025-02-30", "0000-01-01", "9999-12-31", "31/12/2024", "today", "2025-1-1"]),
    text,
)
email = st.one_of(st.emails().map(str), st.sampled_from(["a@b", "@example.org", "x" * 300 + "@example.org"]), text)
password = st.one_of(st.text(min_size=10, max_size=40), st.sampled_from(["password123", "1234567890"]), text)
boolean = st.one_of(st.sampled_from(["y", "", "on", "false", "0", "1"]), text)


def choice(*valid: str):
    """One of ``valid`` or anything at all."""
    return st.one_of(st.sampled_from(valid), text)


SCORES = dict.fromkeys(
    ("mutuality", "collaboration", "responsiveness", "feedback", "rupture_repair", "termination_readiness"), score
)

# endpoint -> (who posts: an email or None for a visitor, {field: strategy})
FORMS: dict[str, tuple[str | None, dict]] = {
    "auth.login": (None, {"email": email, "password": password}),
    "auth.register": (None, {"name": text, "email": email, "password": password, "confirm": password}),
    "auth.logout": ("pat@example.org", {}),
    "partnerships.join_page": (None, {"name": text, "email": email, "password": password, "confirm": password}),
    "partnerships.new": ("tara@example.org", {"patient_name": text, "started_on": day}),
    "partnership.reinvite": ("tara@example.org", {}),
    "ratings.rate": (
        "pat@example.org",
        {
            "session_date": day,
            **SCORES,
            "rupture_choice": choice("none", "repaired", "raised", ""),
            "comment": text,
            "use_session": choice("", "1", "2"),
            "new_session": day,
            "concern_text": text,
            "goal_1": score,
        },
    ),
    "sessions.add": (
        "tara@example.org",
        {"first": day, "repeat": choice("once", "weekly", "fortnightly"), "count": score},
    ),
    "sessions.mark": ("tara@example.org", {"status": choice("cancelled", "missed", "scheduled")}),
    "sessions.merge": ("tara@example.org", {"keep": choice("", "1", "2"), "other": choice("", "1", "2")}),
    "sessions.keep_apart": ("tara@example.org", {"keep": choice("", "1", "2"), "other": choice("", "1", "2")}),
    "account.password": ("pat@example.org", {"current": password, "password": password, "confirm": password}),
    "account.delete": ("pat@example.org", {"current": password, "understood": boolean}),
    "ending.end": ("pat@example.org", {"reason": text}),
    "safety.request_talk": ("pat@example.org", {"note": text}),
    "safety.answered": ("tara@example.org", {"note": text}),
    "goals.add": ("pat@example.org", {"text": text}),
    "goals.reword": ("pat@example.org", {"text": text}),
    "goals.change_status": ("pat@example.org", {"status": choice("achieved", "dropped", "active")}),
    "ruptures.new": ("pat@example.org", {"text": text, "session": choice("", "1", "2")}),
    "ruptures.add_note": ("pat@example.org", {"note": text}),
    "ruptures.change_status": (
        "pat@example.org",
        {"status": choice("open", "discussed", "repaired"), "status_note": text},
    ),
    "ruptures.talked": ("pat@example.org", {"answer": choice("yes", "not_yet", "maybe")}),
    "ruptures.propose": ("tara@example.org", {}),
    "ruptures.answer_proposal": ("pat@example.org", {"answer": choice("accept", "decline", "sure")}),
    "review.open_review": ("pat@example.org", {}),
    "review.close": ("pat@example.org", {}),
    "review.notes": ("pat@example.org", {"progress": text, "left_undone": text}),
    "review.agree": ("pat@example.org", {}),
    "review.withdraw": ("pat@example.org", {}),
    # The code step is posted half-way through Omar's sign-in (two-factor sign-in on): _code_step_client.
    "two_factor.verify": (None, {"code": text}),
    "account_two_factor.setup": ("tara@example.org", {"code": text, "current": password}),
    "account_two_factor.recovery_codes": ("tara@example.org", {"current": password}),
    "account_two_factor.disable": ("tara@example.org", {"current": password}),
    "notifications.preferences": (
        "pat@example.org",
        {"form_links": boolean, "reminders": boolean, "time_zone": choice("UTC", "Europe/Berlin", "Mars/Olympus")},
    ),
    "notifications.unsubscribe": (None, {"List-Unsubscribe": choice("One-Click")}),
    "reset.request_page": (None, {"email": email}),
    "reset.reset_page": (None, {"password": password, "confirm": password}),
    "auth.finish_signup_page": (None, {}),
    "account.language": ("pat@example.org", {"language": choice("", "en", "es", "de")}),
    # The clinic's forms: Tara runs a clinic with Omar as one of its therapists (_with_clinic).
    "clinic.consent": ("pat@example.org", {"allowed": boolean}),
    "clinic_admin.invite": ("tara@example.org", {"role": choice("therapist", "supervisor", "admin"), "email": email}),
    "clinic_admin.disable": ("tara@example.org", {}),
    "clinic_admin.transfer": ("tara@example.org", {"partnership": choice("1", "2"), "therapist": choice("1", "3")}),
    "clinic_admin.join": ("omar@example.org", {}),
}
# A mass-assignment attempt rides along with some posts.
EXTRA = st.one_of(st.just({}), st.just({"role": "therapist", "patient_id": "4", "active": "0", "session_version": "9"}))


def _form(fields: dict):
    """A form dict: each field missing, one value, or several values (a wrong type)."""

    def value(strategy):
        """Absent, one value, or a list of values."""
        return st.one_of(st.none(), strategy, st.lists(strategy, min_size=2, max_size=3))

    return st.builds(
        lambda drawn, extra: {**extra, **{k: v for k, v in drawn.items() if v is not None}},
        st.fixed_dictionaries({name: value(strategy) for name, strategy in fields.items()}),
        EXTRA,
    )


def _post_rules(app):
    """(endpoint, rule) of every POST route."""
    return {rule.endpoint: rule for rule, method in routed(app) if method == "POST"}


def test_every_form_is_fuzzed(app):
    """A POST route missing from FORMS fails here, named."""
    missing = sorted(set(_post_rules(app)) - set(FORMS))
    assert not missing, f"POST routes without a hostile-input case (add them to FORMS): {missing}"


def _fresh_invite_url(app, world) -> str:
    """A usable invite link of a new, unjoined partnership."""
    from partnertrack.models import User
    from partnertrack.partnerships.service import open_partnership

    with app.app_context():
        _, token = open_partnership(db.session.get(User, world.therapist), "Invited", world.started_on)
        db.session.commit()
    return f"/join/{token}"


def _code_step_client(app):
    """A client half-way through signing in as Omar, whose account has two-factor sign-in on."""
    from partnertrack.auth.two_factor import enabled_for
    from partnertrack.models import User
    from tests.factories import enable_two_factor

    with app.app_context():
        omar = db.session.scalar(db.select(User).where(User.email == "omar@example.org"))
        needed, omar_id = not enabled_for(omar), omar.id
    if needed:
        enable_two_factor(app, omar_id)
    client = app.test_client()
    step = client.post("/login", data={"email": "omar@example.org", "password": PASSWORD})
    assert step.headers["Location"] == "/login/code"
    return client


def _with_clinic(app, world) -> None:
    """Tara's clinic with Omar as a therapist in it, made once per app (the clinic forms need one)."""
    from partnertrack.clinic.models import Clinic
    from partnertrack.clinic.service import create_clinic
    from partnertrack.models import User
    from tests.factories import join_clinic

    with app.app_context():
        if db.session.scalar(db.select(Clinic.id)) is not None:
            return
        clinic = create_clinic("Hostile Clinic", db.session.get(User, world.therapist))
        join_clinic(clinic, db.session.get(User, world.other_therapist), "therapist")
        db.session.commit()


def _raw_payloads(body: str) -> list[str]:
    """The HTML payloads found unescaped in ``body``."""
    return [p for p in HTML_PAYLOADS if p in body]


@pytest.mark.parametrize("endpoint", sorted(FORMS))
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(data=st.data())
def test_hostile_values_never_break_a_form(app, world, endpoint, data):
    """Never a 500, nothing partly stored, every stored text shown escaped."""
    rules = _post_rules(app)
    if endpoint not in rules:
        pytest.fail(f"FORMS lists {endpoint}, which has no POST route any more")
    who, fields = FORMS[endpoint]
    url = (
        _fresh_invite_url(app, world)
        if endpoint == "partnerships.join_page"
        else url_for_rule(rules[endpoint], world, app)
    )
    if endpoint.startswith("clinic"):
        _with_clinic(app, world)
    if endpoint == "two_factor.verify":
        client = _code_step_client(app)
    else:
        client = client_as(app, who) if who else app.test_client()
    form = data.draw(_form(fields), label="form")
    if endpoint == "account.delete" and form.get("current") == PASSWORD:
        form["current"] = "not the password"  # a real deletion would end the fuzzing of this form
    before = table_snapshot(app)
    response = client.post(url, data=form)
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:2000]
    assert not _raw_payloads(body)
    succeeded = response.status_code in (302, 303) and (endpoint == "auth.logout" or not is_login_redirect(response))
    if not succeeded:
        assert table_snapshot(app) == before, (
            f"{endpoint} refused the post ({response.status_code}) but stored something"
        )
        return
    # Stored: every page that could show it must show it escaped.
    pages = {
        response.headers["Location"],
        "/",
        f"/partnerships/{world.partnership}/",
        f"/partnerships/{world.partnership}/goals/",
        f"/partnerships/{world.partnership}/ruptures/",
        f"/partnerships/{world.partnership}/review/",
    }
    viewer = client if endpoint != "auth.logout" else client_as(app, "pat@example.org")
    for page in sorted(pages):
        shown = viewer.get(page)
        assert shown.status_code < 500, page
        assert not _raw_payloads(shown.get_data(as_text=True)), f"unescaped payload on {page}"
