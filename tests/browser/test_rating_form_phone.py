"""The patient's minute: the post-session form on a 390×844 phone, answered by taps alone.

The page must stay within 1,800 px without goals (about two screens). The time to complete
it is measured and reported, never asserted: the browser's own time for the taps (what the
app adds), and an estimate of a person's time from the same taps (figures in the printed
report and <artifacts>/rating-form-phone.json).

The estimate follows the keystroke-level model (Card, Moran & Newell 1983): per answer, one
mental preparation (1.35 s), reading the question at 238 words a minute (Brysbaert 2019,
silent reading of English non-fiction), and one tap timed by Fitts' law from the distance
between the taps and the width of the target (a = 0.1 s, b = 0.15 s/bit, a throughput of
about 6.7 bit/s, in the range reported for finger tapping); plus 0.8 s for each screenful
scrolled. It is a model of an unhurried first-time user, not a measurement of people.
"""

from __future__ import annotations

import json
import math
import re
import time

import pytest
from playwright.sync_api import Page, expect

from partnertrack.ratings.factors import FACTORS, NOT_APPLICABLE_LABEL, RUPTURE_CHOICES, RUPTURE_QUESTION
from tests.browser import flows
from tests.browser.conftest import SIZES, artifacts_dir
from tests.browser.test_accessibility import axe_results
from tests.factories import seed_pair

pytestmark = pytest.mark.browser

MAX_HEIGHT = 1800  # CSS px at 390×844, without goals
MENTAL_S, WORDS_PER_S, FITTS_A, FITTS_B, SCROLL_S = 1.35, 238 / 60, 0.1, 0.15, 0.8
RAISE = dict(RUPTURE_CHOICES)["raised"]
TALKED = dict(RUPTURE_CHOICES)["repaired"]


def open_form(browsing, server) -> Page:
    """The patient of a fresh partnership (no goals, no sessions) on the form, on the phone."""
    pair = seed_pair(server.app, server.email)
    phone = browsing.new_page("phone", server.url)
    flows.log_in(phone, pair.patient_email, pair.password)
    phone.goto(f"/partnerships/{pair.partnership_id}/rate")
    flows.form_ready(phone)
    return phone


def test_the_form_fits_two_phone_screens_and_keeps_its_names(browsing, live_server):
    """At most 1,800 px tall; each question is the label and the factor's name is in the input's name."""
    phone = open_form(browsing, live_server)
    height = phone.evaluate("document.documentElement.scrollHeight")
    print(f"rating form on the phone, without goals: {height} px tall ({height / 844:.2f} screens of 844 px)")
    assert height <= MAX_HEIGHT
    for factor in FACTORS:
        field = phone.get_by_label(factor.name, exact=True)
        expect(field).to_have_accessible_name(f"{factor.name} {factor.statement_for('patient')}")
        expect(phone.locator(f"label[for={factor.key}] .question-text")).to_have_text(factor.statement_for("patient"))
    group = phone.get_by_role("group", name=RUPTURE_QUESTION)
    expect(group.get_by_role("radio")).to_have_count(3)
    expect(phone.get_by_label(re.compile("concern"))).to_have_count(1)
    no_violations = axe_results(phone)
    assert no_violations.violations_count == 0, no_violations.generate_report()
    browsing.shot(phone, "form-without-goals")


def test_the_rupture_question_takes_one_answer(browsing, live_server):
    """Nothing felt off, a score, a concern: choosing one sets the others aside, by touch."""
    phone = open_form(browsing, live_server)
    rupture = flows.score_field(phone, "rupture_repair")
    phone.get_by_label(NOT_APPLICABLE_LABEL).tap()
    rupture.locator("button.chip[data-value='6']").tap()
    expect(phone.get_by_label(TALKED)).to_be_checked()
    expect(phone.get_by_label(NOT_APPLICABLE_LABEL)).not_to_be_checked()
    phone.get_by_label(NOT_APPLICABLE_LABEL).tap()
    expect(phone.get_by_label("Rupture repair", exact=True)).to_have_value("")
    concern = phone.get_by_label("What felt off? (optional)")
    expect(concern).to_be_hidden()
    phone.get_by_label(RAISE).tap()
    expect(concern).to_be_visible()
    expect(phone.get_by_label(NOT_APPLICABLE_LABEL)).not_to_be_checked()


# Where each tap lands on the screen, how small its target is, and how far the page has scrolled.
BOX_JS = """el => { const r = el.getBoundingClientRect();
  return {x: r.left + r.width / 2, y: r.top + r.height / 2, w: Math.min(r.width, r.height),
          scroll: window.scrollY}; }"""


def estimate(taps: list[dict], words: list[int], screen: int) -> dict:
    """A person's time for ``taps`` (the last is Save) after reading questions of ``words`` words."""
    reading = sum(words) / WORDS_PER_S
    thinking = MENTAL_S * len(words)
    pointing = 0.0
    for before, tap in zip([{"x": 195, "y": screen / 2, "scroll": 0}, *taps], taps):
        distance = math.hypot(tap["x"] - before["x"], tap["y"] - before["y"])  # on the screen, after scrolling
        pointing += FITTS_A + FITTS_B * math.log2(distance / tap["w"] + 1)
    scrolling = SCROLL_S * taps[-1]["scroll"] / screen
    return {
        "reading_s": round(reading, 1),
        "thinking_s": round(thinking, 1),
        "tapping_s": round(pointing, 1),
        "scrolling_s": round(scrolling, 1),
        "total_s": round(reading + thinking + pointing + scrolling, 1),
    }


def test_the_time_to_complete_the_form_by_taps_is_measured(browsing, live_server):
    """Six answers and Save, one tap each; the times are reported, not asserted."""
    phone = open_form(browsing, live_server)
    answers = flows.scores(7, 6, 8, 5, None, 2)
    taps, words = [], []
    started = time.perf_counter()
    for factor in FACTORS:
        value = answers[factor.key]
        if value is None:
            target = phone.get_by_label(NOT_APPLICABLE_LABEL)
            words.append(len(RUPTURE_QUESTION.split()))
        else:
            target = flows.score_field(phone, factor.key).locator(f"button.chip[data-value='{value}']")
            words.append(len(factor.statement_for("patient").split()))
        target.scroll_into_view_if_needed()
        taps.append(target.evaluate(BOX_JS))
        target.tap()
    save = phone.get_by_role("button", name="Save my rating")
    save.scroll_into_view_if_needed()
    taps.append(save.evaluate(BOX_JS))
    save.tap()
    flows.flash(phone, "Your rating was saved.")
    machine = time.perf_counter() - started
    screen = SIZES["phone"]["viewport"]["height"]
    report = {
        "viewport": "390x844",
        "taps": len(taps),
        "browser_seconds": round(machine, 2),
        "person_estimate": estimate(taps, words, screen),
        "model": "KLM: 1.35 s per answer, 238 wpm reading, Fitts a=0.1 s b=0.15 s/bit, 0.8 s per screen scrolled",
    }
    (artifacts_dir() / "rating-form-phone.json").write_text(json.dumps(report, indent=2))
    print("time to complete the rating form by taps:", report)
    latest = phone.locator("article.session").first
    expect(latest).to_contain_text("You have rated.")
    assert len(taps) == 7
