"""Journey: a patient whose phone speaks Spanish, from the mailed invite to the ending review's PDF.

Chromium with the locale es-ES (sent as Accept-Language: es) and a real SMTP server. A Spanish
therapist opens the partnership and copies the invite link; the invite arrives in Spanish; the
patient joins on a phone (390×844; a weak password first, refused in Spanish), rates a session
and reads the charts, sets a goal, raises a concern, writes the ending review with the therapist
and downloads its PDF; the form link arrives in Spanish too. Every page says ``lang="es"``, passes
axe-core, shows no English message of the catalog and no common English word; the mails and the
PDF likewise. Every Spanish string is looked up in the catalog, so the test reads what a Spanish
speaker reads without copying the translations.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from partnertrack.core.roles import Role
from partnertrack.ratings.factors import FACTORS
from tests.browser import flows
from tests.browser.conftest import SIZES, LiveServer, mailing_server
from tests.browser.test_accessibility import axe_results
from tests.factories import add_user, flat, store_ratings, weekly_dates
from tests.helpers import html_body, link_in, text_body
from tests.mailserver import MailServer
from tests.web.test_i18n import untranslated
from tests.web.test_ruptures import V_SHAPE

pytestmark = pytest.mark.browser

CATALOGS = Path(__file__).resolve().parents[2] / "partnertrack" / "translations"
t = Translations.load(str(CATALOGS), ["es"]).gettext
PASSWORD = "una frase larga que solo yo escribiría"
TODAY = date.today()
SESSION = TODAY - timedelta(days=1)
CLIPBOARD = ["clipboard-read", "clipboard-write"]
THERAPIST, PATIENT, CLIENT = "Dra. Lucía Ortega", "Mateo Ruiz", "Mateo"
GOAL = "Dormir toda la noche"
CONCERN = "Algo no fue bien cuando hablamos de mi hermana."
NOTES = {
    "therapist": ("Mateo duerme mejor y dice lo que piensa.", "El estrés del trabajo sigue pendiente."),
    "patient": ("Puedo decir cuando algo no va bien.", "Lo de mi hermana, para otra vez."),
}
# Words an English interface string would carry and no Spanish sentence of ours has.
ENGLISH = frozenset(
    (  # noqa: SIM905 (a word list reads better as words)
        "the your you and with this that please of to is are was were be for not has have session sessions goal"
        " goals rating ratings saved save link copied concern review ending partnership alliance therapist patient"
        " rate log out open raised agree agreed notes note download chart charts index points higher lower below usual"
        " still low"
    ).split()
)


@pytest.fixture(scope="module")
def spanish_site(tmp_path_factory, smtp):
    """gunicorn (with its mail worker) on a database of its own, sending mail to ``smtp``."""
    server = mailing_server(tmp_path_factory, smtp, "spanish")
    yield server
    server.stop()


def spanish_page(browsing, size: str, url: str, **options) -> Page:
    """A page of a new Chromium context whose language is Spanish (Spain)."""
    context = browsing.browser.new_context(base_url=url, locale="es-ES", **SIZES[size], **options)
    context.set_default_timeout(15_000)
    browsing.contexts.append(context)  # closed (and photographed on failure) by the fixture
    return context.new_page()


def english_words(text: str) -> list[str]:
    """The common English words in ``text`` (links taken out: a URL is not read as words)."""
    text = re.sub(r"https?://\S+", " ", text)
    return sorted({word for word in re.findall(r"[A-Za-z]+", text) if word.lower() in ENGLISH})


def checked(page: Page, where: str) -> None:
    """``lang="es"``, no WCAG A/AA violation, no English message of the catalog, no English word."""
    assert page.get_attribute("html", "lang") == "es", where
    results = axe_results(page)
    targets = [(v["id"], n["target"], n["html"][:120]) for v in results.response["violations"] for n in v["nodes"]]
    assert results.violations_count == 0, (where, results.generate_report(), targets)
    assert not untranslated(page.content(), "es"), (where, untranslated(page.content(), "es"))
    assert not english_words(page.inner_text("body")), (where, english_words(page.inner_text("body")))


def mail_to(smtp: MailServer, address: str, subject: str):
    """The newest mail to ``address`` with ``subject`` (already in Spanish), once it has arrived."""
    for count in range(1, 100):
        smtp.wait_for(count)
        found = [m for m in smtp.to(address) if m["Subject"] == subject]
        if found:
            return found[-1]
    raise AssertionError(f"no mail {subject!r} to {address}: {[m['Subject'] for m in smtp.to(address)]}")


def spanish_mail(message) -> None:
    """A mail whose subject and both bodies are Spanish."""
    assert not english_words(message["Subject"]), message["Subject"]
    assert not untranslated(html_body(message), "es"), untranslated(html_body(message), "es")
    assert not english_words(text_body(message)), english_words(text_body(message))


def spanish_pattern(message: str) -> re.Pattern:
    """The catalog's Spanish ``message`` with each value a decimal written the Spanish way (4,0)."""
    return re.compile(re.sub(r"%\\\(\w+\\\)s", r"\\d+,\\d", re.escape(t(message))))


def flash(page: Page, message: str) -> None:
    """The confirmation (role=status) starting with the catalog's ``message`` up to its first value."""
    expect(page.get_by_role("status").filter(has_text=message.split("%(")[0].strip())).to_be_visible()


def therapist_invites(browsing, site: LiveServer, patient_email: str) -> tuple[Page, str]:
    """The therapist (Spanish desktop) opens the partnership with the patient's email and copies the link."""
    email = site.email("lucia")
    with site.app.app_context():
        add_user(THERAPIST, email, Role.THERAPIST, PASSWORD)
    desk = spanish_page(browsing, "desktop", site.url, permissions=CLIPBOARD)
    flows.log_in_any_language(desk, email, PASSWORD)
    checked(desk, "caseload")
    desk.get_by_role("link", name=t("New partnership")).click()
    desk.get_by_label(t("Patient name"), exact=True).fill(CLIENT)
    desk.get_by_label(t("Therapy started on")).fill((TODAY - timedelta(days=60)).isoformat())
    desk.get_by_label(t("Patient email")).fill(patient_email)
    checked(desk, "new-partnership")
    desk.get_by_role("button", name=t("Open partnership")).click()
    flash(desk, t("Partnership opened. The invite is being mailed to %(email)s."))
    desk.wait_for_load_state("load")  # app.js wires the copy button
    link = desk.locator("a[href*='/join/']").get_attribute("href")
    desk.get_by_role("button", name=t("Copy invite link")).click()
    expect(desk.locator(".copy-status")).to_have_text(t("Link copied."))
    assert desk.evaluate("navigator.clipboard.readText()") == link
    checked(desk, "partnership-invited")
    return desk, desk.url


def patient_joins(browsing, site: LiveServer, smtp: MailServer, email: str) -> Page:
    """The invite arrives in Spanish; a weak password is refused in Spanish; the patient joins."""
    invite = mail_to(smtp, email, t("You are invited to PartnerTrack"))
    spanish_mail(invite)
    phone = spanish_page(browsing, "phone", site.url)
    phone.goto(link_in(invite, "/join/"))
    checked(phone, "join")
    phone.get_by_label(t("Name"), exact=True).fill(PATIENT)
    phone.get_by_label(t("Email"), exact=True).fill(email)
    for password in ("abcabcabca", PASSWORD):
        phone.get_by_label(t("Password"), exact=True).fill(password)
        phone.get_by_label(t("Confirm password"), exact=True).fill(password)
        phone.get_by_role("button", name=t("Create account and join")).tap()
        if password != PASSWORD:
            expect(phone.get_by_text(t("This password would be easy to guess."))).to_be_visible()
            checked(phone, "join-weak-password")
    flash(phone, t("You are now partners with %(name)s."))
    expect(phone.get_by_role("heading", level=1)).to_have_text(t("With %(name)s") % {"name": THERAPIST})
    checked(phone, "joined")
    return phone


def earlier_sessions(site: LiveServer, partnership_url: str) -> None:
    """Seven weeks both rated before the journey's session, the patient's with a dip: charts and a signal."""
    partnership_id = int(re.search(r"/partnerships/(\d+)/", partnership_url).group(1))
    days = weekly_dates(len(V_SHAPE), SESSION - timedelta(days=7))
    rows = [(day, Role.PATIENT, flat(value)) for day, value in zip(days, V_SHAPE, strict=True)]
    store_ratings(site.app, partnership_id, rows + [(day, Role.THERAPIST, flat(7)) for day in days])


def therapist_rates(desk: Page, partnership_url: str) -> None:
    """The therapist rates the session by the Spanish labels."""
    desk.goto(partnership_url)
    desk.get_by_role("link", name=t("Rate a session")).click()
    flows.form_ready(desk, heading=t("Rate a session"))
    desk.get_by_label(t("Session date")).fill(SESSION.isoformat())
    for factor in FACTORS:
        if factor.key != "rupture_repair":
            desk.get_by_label(t(factor.name), exact=True).fill("7")
    desk.get_by_label(t("Nothing felt off this session")).check()
    desk.get_by_label(t("Comment")).fill("Buena sesión.")
    desk.get_by_role("button", name=t("Save my rating")).click()
    flash(desk, t("Your rating was saved."))


def patient_rates_and_reads_charts(phone: Page, partnership_url: str) -> None:
    """The form link arrives; the patient taps the answers, saves, and reads the charts."""
    phone.goto(partnership_url)
    phone.get_by_role("link", name=t("Rate a session")).tap()
    flows.form_ready(phone, heading=t("Rate a session"))
    phone.get_by_label(t("Session date")).fill(SESSION.isoformat())
    checked(phone, "rate")
    for factor in FACTORS:
        if factor.key != "rupture_repair":
            block = phone.locator("[data-score-field]").filter(has=phone.locator(f"input#{factor.key}"))
            block.locator("button.chip[data-value='6']").tap()
    phone.get_by_label(t("Nothing felt off this session")).tap()
    phone.get_by_role("button", name=t("Save my rating")).tap()
    flash(phone, t("Your rating was saved."))
    expect(flows.session_card(phone, len(V_SHAPE) + 1)).to_contain_text(t("Both ratings are shown."))
    checked(phone, "partnership")
    tab = phone.get_by_role("navigation", name=t("Choose a chart")).get_by_role("link", name=t("All charts"))
    tab.tap()
    expect(tab).to_have_attribute("aria-current", "page")
    found = flows.charts(phone)
    assert found and all(chart.image_loaded and chart.alt for chart in found.values()), found
    summaries = " ".join(chart.summary for chart in found.values())
    assert re.search(r"\d,\d", summaries) and not re.search(r"\b\d\.\d\b", summaries), summaries
    checked(phone, "charts")


def goal_and_concern(phone: Page, partnership_url: str) -> None:
    """The patient sets a shared goal and raises a concern, both in Spanish."""
    phone.goto(partnership_url)
    phone.get_by_role("link", name=t("Shared goals")).tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(t("Shared goals"))
    phone.get_by_label(t("New goal"), exact=True).fill(GOAL)
    phone.get_by_role("button", name=t("Add goal")).tap()
    flash(phone, t("Goal added. You can both rate progress on it with each session."))
    expect(flows.goal_card(phone, GOAL)).to_be_visible()
    checked(phone, "goals")
    phone.goto(partnership_url)
    phone.get_by_role("link", name=t("Something felt off? Raise a concern")).tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(t("Raise a concern"))
    checked(phone, "concern-form")
    phone.get_by_label(t("What felt off?"), exact=True).fill(CONCERN)
    phone.get_by_role("button", name=t("Raise the concern")).tap()
    flash(phone, t("Your concern is in the rupture log."))
    expect(phone.locator("p").filter(has_text=CONCERN)).to_be_visible()
    checked(phone, "concern")
    phone.goto(partnership_url + "ruptures/")  # the concern, and the dip the earlier ratings show
    expect(phone.get_by_text(t("A dip in how a session felt to you")).first).to_be_visible()
    expect(phone.get_by_text(spanish_pattern("%(drop)s below the usual %(baseline)s"))).to_be_visible()
    checked(phone, "rupture-log")


def write_notes(page: Page, progress: str, left_undone: str) -> None:
    """On the ending review: one's own two notes, saved, then the agreement to end."""
    mine = page.locator("#my-notes")
    mine.get_by_label(t("Progress made"), exact=True).fill(progress)
    mine.get_by_label(t("What was left undone"), exact=True).fill(left_undone)
    mine.get_by_role("button", name=t("Save my notes")).click()
    flash(page, t("Your notes are saved."))
    page.get_by_role("button", name=t("I agree to end")).click()


def end_together(desk: Page, phone: Page, partnership_url: str) -> str:
    """The therapist opens the ending review; both write and agree; the patient downloads the PDF."""
    desk.goto(partnership_url)
    desk.get_by_role("link", name=t("Ending review")).click()
    desk.get_by_role("button", name=t("Open the ending review")).click()
    flash(desk, t("The ending review is open."))
    write_notes(desk, *NOTES["therapist"])
    phone.goto(partnership_url)
    phone.get_by_role("link", name=t("Ending review")).tap()
    phone.wait_for_url(re.compile(r"/review/$"))  # axe reads the review page, not the one being left
    checked(phone, "review")
    write_notes(phone, *NOTES["patient"])
    flash(phone, t("You have both agreed: the partnership has ended. Everything stays here to read and export."))
    checked(phone, "review-ended")
    with phone.expect_download() as info:
        phone.get_by_role("link", name=t("Download the review as PDF")).tap()
    reader = PdfReader(info.value.path())
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_a_spanish_patient_from_invite_to_ending_review(browsing, spanish_site, smtp):
    patient_email = spanish_site.email("mateo")
    desk, partnership_url = therapist_invites(browsing, spanish_site, patient_email)
    phone = patient_joins(browsing, spanish_site, smtp, patient_email)
    assert phone.url == partnership_url
    earlier_sessions(spanish_site, partnership_url)
    therapist_rates(desk, partnership_url)
    spanish_mail(mail_to(smtp, patient_email, t("A form is waiting for you in PartnerTrack")))
    patient_rates_and_reads_charts(phone, partnership_url)
    goal_and_concern(phone, partnership_url)
    pdf = end_together(desk, phone, partnership_url)
    for progress, undone in NOTES.values():
        assert progress in pdf and undone in pdf, pdf[-1500:]
    assert t("Ending review") in pdf and not english_words(pdf), english_words(pdf)
    for message in smtp.to(patient_email):
        spanish_mail(message)
