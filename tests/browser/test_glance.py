"""The therapist's glance at scale: 40 clients of 16 sessions each (the README's caseload generator).

Measured in Chromium and printed, and written to <artifacts>/glance-measurements.json:
clients named on the first 1280×800 screen of the dashboard, page heights at both sizes,
sideways scrolling on the phone, and the smallest chart text in CSS pixels as shown.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import Page, expect

from partnertrack.demo.scale import SCALE_PASSWORD, load_scale
from tests.browser import flows
from tests.browser.conftest import SIZES, artifacts_dir

pytestmark = pytest.mark.browser

CLIENTS, SESSIONS = 40, 16
MIN_CLIENTS_FIRST_SCREEN = 15
MAX_PARTNERSHIP_HEIGHT = 4000  # CSS px at 1280×800
MIN_CHART_TEXT = 12.0  # CSS px where a chart is shown on a 390 px phone

# Rows of the caseload table wholly inside the first screen.
FIRST_SCREEN_JS = """() => Array.from(document.querySelectorAll('table.caseload tbody tr'))
  .filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length"""


@pytest.fixture(scope="module")
def caseload(live_server):
    """One therapist with 40 clients, both parties rating 16 sessions each; returns the login."""
    with live_server.app.app_context():
        return load_scale(1, CLIENTS, SESSIONS)["login"]


def _page(browsing, server, size: str, login) -> Page:
    """A logged-in page of ``size``."""
    page = browsing.new_page(size, server.url)
    flows.log_in(page, login[0], SCALE_PASSWORD)
    return page


def _heights(page: Page) -> dict[str, int]:
    """The page's height and width as laid out."""
    return page.evaluate(
        "() => ({height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth})"
    )


def smallest_chart_text(page: Page) -> float:
    """The smallest text of the page's first chart image in CSS px, as the browser shows it.

    The image's SVG is fetched as the browser chose it (the <picture>'s current source):
    matplotlib writes sizes in the SVG's own units, scaled by shown width over the viewBox's.
    """
    image = page.locator("figure.chart img").first
    image.scroll_into_view_if_needed()
    # The first chart of a process imports matplotlib: on a busy machine that takes seconds.
    expect(image).to_have_js_property("complete", True, timeout=60_000)
    src, shown = image.evaluate("i => [i.currentSrc, i.getBoundingClientRect().width]")
    svg = page.request.get(src).text()
    view_width = float(ET.fromstring(svg).get("viewBox").split()[2])
    sizes = [float(s) for s in re.findall(r"font[^;\"]*?(\d+(?:\.\d+)?)px", svg)]
    return round(min(sizes) * shown / view_width, 1)


def test_glance_at_forty_clients_and_sixteen_sessions(browsing, server, caseload):
    """The sizes the glance promises, measured and printed."""
    desk = _page(browsing, server, "desktop", caseload)
    desk.goto("/")
    expect(desk.locator("table.caseload tbody tr")).to_have_count(CLIENTS)
    figures = {
        "clients": CLIENTS,
        "sessions": SESSIONS,
        "dashboard_first_screen_clients": desk.evaluate(FIRST_SCREEN_JS),
    }
    figures["dashboard_desktop"] = _heights(desk)
    browsing.shot(desk, "dashboard-desktop", full_page=False)
    desk.get_by_role("link", name="Client 1", exact=True).click()
    expect(desk.get_by_role("heading", name="Client 1", exact=True)).to_be_visible()
    figures["partnership_desktop"] = _heights(desk)
    browsing.shot(desk, "partnership-desktop")
    figures["chart_text_desktop_px"] = smallest_chart_text(desk)
    partnership_url = desk.url

    phone = _page(browsing, server, "phone", caseload)
    phone.goto("/")
    figures["dashboard_phone"] = _heights(phone)
    browsing.shot(phone, "dashboard-phone", full_page=False)
    phone.goto(partnership_url)
    figures["partnership_phone"] = _heights(phone)
    figures["chart_text_phone_px"] = {}
    for chart in ("alliance", "factors", "gaps", "readiness", "goals"):
        phone.goto(f"{partnership_url}?chart={chart}")
        if phone.locator("figure.chart img").count():
            figures["chart_text_phone_px"][chart] = smallest_chart_text(phone)
            assert "size=phone" in phone.locator("figure.chart img").evaluate("i => i.currentSrc")
    browsing.shot(phone, "partnership-phone")

    (artifacts_dir() / "glance-measurements.json").write_text(json.dumps(figures, indent=2))
    print("\nglance measurements:", json.dumps(figures, indent=2))
    assert figures["dashboard_first_screen_clients"] >= MIN_CLIENTS_FIRST_SCREEN
    assert figures["partnership_desktop"]["height"] <= MAX_PARTNERSHIP_HEIGHT
    for measured in ("dashboard_phone", "partnership_phone"):
        assert figures[measured]["width"] <= SIZES["phone"]["viewport"]["width"], measured
    assert min(figures["chart_text_phone_px"].values()) >= MIN_CHART_TEXT


EDGES_JS = """() => ['.site-header nav', 'main', '.site-footer'].map(
  s => Math.round(document.querySelector(s).getBoundingClientRect().left))"""


def test_header_and_footer_line_up_with_the_wide_caseload_table(browsing, server, caseload):
    """On a wide screen the caseload is wider than other pages; the header and footer widen with it."""
    desk = _page(browsing, server, "desktop", caseload)
    desk.set_viewport_size({"width": 1600, "height": 900})
    desk.goto("/")
    header, main, footer = desk.evaluate(EDGES_JS)
    assert header == main == footer
    desk.goto("/account")
    header, main, footer = desk.evaluate(EDGES_JS)
    assert header == main == footer
