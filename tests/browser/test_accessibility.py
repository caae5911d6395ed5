"""Accessibility of every main page at both sizes: axe-core, labels, focus, touch targets, form size.

Measurements (the rating form's height on the phone) are written to
<artifacts>/accessibility-measurements.json and printed.
"""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.browser.conftest import SIZES, artifacts_dir
from tests.browser.pages import MAIN_PAGES, PAGES_BY_NAME, open_all_details, visit
from tests.factories import seed_site

pytestmark = pytest.mark.browser

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]}
MIN_TARGET = 44  # CSS pixels, on the phone
MIN_FOCUS_CONTRAST = 3.0  # WCAG 1.4.11: the focus ring against what surrounds it


def axe_results(page: Page):
    """axe-core's WCAG A and AA rules over the page once it has loaded.

    Waiting for the load event first: until the style sheet applies, a bare page's links and
    buttons are too small touch targets, and axe would report the page as it half-loaded.
    """
    page.wait_for_load_state("load")
    return Axe().run(page, options=AXE_OPTIONS)


every_page = pytest.mark.parametrize("main_page", MAIN_PAGES, ids=[p.name for p in MAIN_PAGES])
both_sizes = pytest.mark.parametrize("size", list(SIZES))


@both_sizes
@every_page
def test_axe_finds_no_wcag_a_or_aa_violation(signed_in, site, size, main_page):
    """axe-core's WCAG 2.0–2.2 A and AA rules, with every data table opened."""
    page, _ = visit(signed_in(size, main_page.who), site, main_page)
    open_all_details(page)
    results = axe_results(page)
    page.close()
    assert results.violations_count == 0, results.generate_report()


# Each visible form control, and the text of its visible label (none: ""). A control that is not
# shown (the concern box until "raise a concern" is chosen) needs no label on screen.
LABELS_JS = """() => Array.from(document.querySelectorAll('main input, main select, main textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => el.getClientRects().length > 0)
  .map(el => {
    const visible = l => { const r = l.getBoundingClientRect(); const cs = getComputedStyle(l);
      return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden' && cs.clip !== 'rect(0px, 0px, 0px, 0px)'; };
    const shown = Array.from(el.labels || []).filter(visible).map(l => l.innerText.trim()).filter(Boolean);
    return [el.name || el.id, shown.join(' | ')];
  })"""


@both_sizes
@every_page
def test_every_input_has_a_visible_label(signed_in, site, size, main_page):
    """A <label> that is on screen and has text, for every input, select and text area.

    Closed <details> (the goals' "Reword this goal") are opened first, as a reader would.
    """
    page, _ = visit(signed_in(size, main_page.who), site, main_page)
    open_all_details(page)
    controls = page.evaluate(LABELS_JS)
    page.close()
    assert [name for name, label in controls if not label] == []


# What has the focus, how its outline is drawn, and the colour behind it.
FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  let bg = 'rgb(255, 255, 255)';
  for (let a = el.parentElement; a; a = a.parentElement) {
    const c = getComputedStyle(a).backgroundColor;
    if (c && c !== 'transparent' && !c.endsWith(', 0)')) { bg = c; break; }
  }
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30);
  return {key: el.tagName + '#' + el.id + '.' + el.className + ' ' + text,
          style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), color: cs.outlineColor, behind: bg};
}"""


def _luminance(css_rgb: str) -> float:
    """Relative luminance of an "rgb(r, g, b)" colour (WCAG 2 formula)."""
    r, g, b = (int(float(x)) / 255 for x in css_rgb[css_rgb.index("(") + 1 : css_rgb.index(")")].split(",")[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def focus_stops(page: Page, limit: int = 200) -> list[dict]:
    """Tab through the whole page once; each element that took the focus, with its outline."""
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_JS)
        if stop is None or (stops and stop["key"] == stops[0]["key"]):
            break
        if not stops or stop["key"] != stops[-1]["key"]:  # a date input takes three presses
            stops.append(stop)
    return stops


@both_sizes
@every_page
def test_focus_is_visible_at_every_tab_stop(signed_in, site, size, main_page):
    """Every element Tab reaches shows an outline of at least 2 px, at 3:1 against its surroundings."""
    page, _ = visit(signed_in(size, main_page.who), site, main_page)
    stops = focus_stops(page)
    page.close()
    assert stops, "Tab reached nothing"
    faint = [
        f"{s['key']}: {s['style']} {s['width']}px {s['color']} on {s['behind']}"
        for s in stops
        if s["style"] == "none" or s["width"] < 2 or contrast(s["color"], s["behind"]) < MIN_FOCUS_CONTRAST
    ]
    assert faint == [], "\n".join(faint)


# Each visible control's tap area; a checkbox's area includes its label, which toggles it too.
TARGETS_JS = """() => Array.from(document.querySelectorAll(
    'main button, main input, main select, main textarea, main a.button, main summary, header button'))
  .filter(el => el.type !== 'hidden' && el.getClientRects().length > 0)
  .map(el => {
    let r = el.getBoundingClientRect();
    let [l, t, rt, b] = [r.left, r.top, r.right, r.bottom];
    if (el.type === 'checkbox' || el.type === 'radio') {
      for (const lab of el.labels || []) { const q = lab.getBoundingClientRect();
        [l, t, rt, b] = [Math.min(l, q.left), Math.min(t, q.top), Math.max(rt, q.right), Math.max(b, q.bottom)]; }
    }
    const what = el.tagName + '#' + el.id + '.' + el.className + ' ' + (el.innerText || el.name || '').trim().slice(0, 20);
    return [what, Math.round((rt - l) * 10) / 10, Math.round((b - t) * 10) / 10];
  })"""


@every_page
def test_touch_targets_are_at_least_44_px_on_the_phone(signed_in, site, main_page):
    """Buttons, inputs and button-like links measure at least 44×44 CSS px on a 390×844 screen."""
    page, _ = visit(signed_in("phone", main_page.who), site, main_page)
    open_all_details(page)
    targets = page.evaluate(TARGETS_JS)
    page.close()
    small = [t for t in targets if t[1] < MIN_TARGET or t[2] < MIN_TARGET]
    assert small == [], "\n".join(f"{what}: {w}×{h}" for what, w, h in small)


def test_phone_page_never_scrolls_sideways(signed_in, site):
    """No main page is wider than the phone: a wide table scrolls in its own box instead."""
    wide = {}
    for main_page in MAIN_PAGES:
        page, _ = visit(signed_in("phone", main_page.who), site, main_page)
        width = page.evaluate("document.documentElement.scrollWidth")
        page.close()
        if width > SIZES["phone"]["viewport"]["width"]:
            wide[main_page.name] = width
    assert wide == {}


def test_rating_form_fits_one_phone_screen_plus_one_scroll(signed_in, site):
    """The six factors end within two screen heights of the top of the page; the figures are saved."""
    page, _ = visit(signed_in("phone", "patient"), site, PAGES_BY_NAME["rate-patient"])
    screen = SIZES["phone"]["viewport"]["height"]
    box = page.evaluate("""() => {
      const f = document.querySelectorAll('[data-score-field]');
      const y = el => el.getBoundingClientRect().top + window.scrollY;
      const last = f[5];
      return {first_factor_top: y(f[0]), sixth_factor_bottom: y(last) + last.getBoundingClientRect().height,
              page_height: document.documentElement.scrollHeight};
    }""")
    page.close()
    measured = {
        "viewport": "390x844",
        **{k: round(v) for k, v in box.items()},
        "six_factors_height": round(box["sixth_factor_bottom"] - box["first_factor_top"]),
        "screens_to_sixth_factor": round(box["sixth_factor_bottom"] / screen, 2),
    }
    (artifacts_dir() / "accessibility-measurements.json").write_text(json.dumps(measured, indent=2))
    print("rating form on the phone:", measured)
    assert box["sixth_factor_bottom"] <= 2 * screen


def test_one_tap_per_factor_completes_the_form(browsing, live_server):
    """On the phone, six taps (one per factor) and the save button are the whole form."""
    pair = seed_site(live_server.app, live_server.email)
    phone = browsing.new_page("phone", live_server.url)
    flows.log_in(phone, pair.patient_email, pair.password)
    phone.goto(f"/partnerships/{pair.partnership_id}/rate")
    answers = flows.scores(8, 7, 9, 6, None, 3)
    taps = 0
    for key, value in answers.items():
        if value is None:
            phone.get_by_label(flows.NOTHING_OFF).tap()
        else:
            flows.score_field(phone, key).locator(f"button.chip[data-value='{value}']").tap()
        taps += 1
    browsing.shot(phone, "six-taps")
    flows.save_rating(phone, tap=True)
    assert taps == 6
    rating = flows.Rating(flows.date.today(), answers)
    latest = phone.locator("article.session").first
    expect(latest).to_contain_text("You have rated.")
    number = int(latest.get_attribute("id").split("-")[1])
    flows.expect_side_by_side(phone, number, {"You": flows.shown_as(rating)}, viewer="patient")
