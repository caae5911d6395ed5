"""Re-make the README's screenshots in docs/ from the real app in Debian's Chromium.

    .venv/bin/python -m tests.browser.screenshots            # writes docs/*.png
    .venv/bin/python -m tests.browser.screenshots --out DIR  # somewhere else

It serves the app with gunicorn on a fresh SQLite database in a temporary folder, loads the
demo partnership (flask demo's data) plus a second patient and an open invite, and takes:
  dashboard.png           the therapist's caseload on a 1280×800 window
  patient-form-phone.png  the post-session form on a 390×844 phone, half filled in
  charts.png              the charts of the demo partnership (the trend table where no charts exist)
  chart-phone.png         the alliance chart as a phone shows it (its own drawing, text >= 12 CSS px)
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from partnertrack.auth.service import create_user
from partnertrack.demo.loader import load_demo
from partnertrack.extensions import db
from partnertrack.models import Partnership, User
from partnertrack.partnerships.service import open_partnership
from tests.browser import flows
from tests.browser.conftest import (
    CHROMIUM,
    DESKTOP,
    LAUNCH_ARGS,
    PHONE,
    ROOT,
    LiveServer,
)
from tests.factories import SITE_PASSWORD as PASSWORD
from tests.factories import add_rated_partnership

CHARTS_MAX_HEIGHT = 1400  # CSS px of the charts section shown in the README


def seed(server: LiveServer) -> tuple[dict[str, tuple[str, str]], int]:
    """The demo data plus a second patient and an invite; logins by role, and the demo partnership's id."""
    with server.app.app_context():
        logins = {role: (email, password) for role, email, password in load_demo()}
        therapist = db.session.scalar(db.select(User).where(User.email == logins["therapist"][0]))
        partnership_id = db.session.scalar(db.select(Partnership.id).where(Partnership.therapist_id == therapist.id))
        second = create_user("Jordan Lee", server.email("jordan"), PASSWORD, "patient")
        add_rated_partnership(therapist, second, "Jordan", date.today())
        open_partnership(therapist, "Alex", date.today())
        db.session.commit()
        db.session.remove()
    return logins, partnership_id


def wait_for_images(page: Page) -> None:
    """Scroll the lazy images into view and wait until each has loaded."""
    for image in page.locator("main img").all():
        image.scroll_into_view_if_needed()
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    page.evaluate("window.scrollTo(0, 0)")


def dashboard(page: Page, out: Path) -> None:
    """The therapist's caseload, one desktop screen."""
    page.goto("/")
    wait_for_images(page)
    page.screenshot(path=str(out / "dashboard.png"))


def charts(page: Page, out: Path, partnership_id: int) -> None:
    """The top of the partnership's charts, or its trend table before charts existed."""
    page.goto(f"/partnerships/{partnership_id}/")
    wait_for_images(page)
    section = page.locator("section.charts")
    if section.count() == 0:
        section = page.locator("section", has=page.locator("#trend-title"))
    section.scroll_into_view_if_needed()
    box = section.bounding_box()
    page.screenshot(
        path=str(out / "charts.png"),
        full_page=True,
        clip={
            "x": box["x"],
            "y": box["y"] + page.evaluate("window.scrollY"),
            "width": box["width"],
            "height": min(box["height"], CHARTS_MAX_HEIGHT),
        },
    )


def chart_phone(page: Page, out: Path, partnership_id: int) -> None:
    """The partnership page's chart on the phone: the phone drawing, chosen by <picture>."""
    page.goto(f"/partnerships/{partnership_id}/?chart=alliance")
    wait_for_images(page)
    page.locator("figure.chart").screenshot(path=str(out / "chart-phone.png"))


def patient_form(page: Page, out: Path, partnership_id: int) -> None:
    """The post-session form on the phone, the first three factors tapped in."""
    page.goto(f"/partnerships/{partnership_id}/rate")
    for key, value in (("mutuality", 8), ("collaboration", 7), ("responsiveness", 9)):
        flows.score_field(page, key).locator(f"button.chip[data-value='{value}']").tap()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(out / "patient-form-phone.png"))


def main(argv: list[str] | None = None) -> None:
    """Serve, seed, photograph, stop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default docs/)")
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp), db_url=f"sqlite:///{Path(tmp) / 'screenshots.sqlite'}")
        try:
            logins, partnership_id = seed(server)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
                desk = browser.new_context(base_url=server.url, locale="en-GB", **DESKTOP).new_page()
                flows.log_in(desk, *logins["therapist"])
                dashboard(desk, out)
                charts(desk, out, partnership_id)
                phone = browser.new_context(base_url=server.url, locale="en-GB", **PHONE).new_page()
                flows.log_in(phone, *logins["patient"])
                patient_form(phone, out, partnership_id)
                chart_phone(phone, out, partnership_id)
                browser.close()
        finally:
            server.stop()
    for name in ("dashboard.png", "patient-form-phone.png", "charts.png", "chart-phone.png"):
        print(out / name)


if __name__ == "__main__":
    main()
