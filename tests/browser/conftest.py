"""Browser fixtures: the real app server on a free loopback port, driven by Debian's Chromium.

The server is gunicorn with the project's gunicorn.conf.py (tests/serverutil.py), on the
real configuration: CSRF on, TESTING off, real error pages. Its database is SQLite in a
temporary folder, or the PostgreSQL database named by PARTNERTRACK_TEST_DATABASE_URL; either
is emptied and built from the models (drop_all, create_all) like the rest of the suite's
databases (the migrations have their own tests in tests/db). The server and its database
live for the whole browser suite; each test makes its own accounts (``LiveServer.email``),
so tests never see each other's data.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from partnertrack import create_app
from partnertrack.extensions import db
from partnertrack.models import import_all_models as import_models
from tests.conftest import TEST_DATABASE_URL, reset_database, test_config
from tests.db.dbutil import second_database_url
from tests.mailserver import MailServer
from tests.serverutil import Server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
SIZES = {"desktop": DESKTOP, "phone": PHONE}


def artifacts_dir() -> Path:
    """Where screenshots go: $PARTNERTRACK_ARTIFACTS, else test-artifacts/ (kept by CI, not committed)."""
    path = Path(os.environ.get("PARTNERTRACK_ARTIFACTS") or ROOT / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def server_env() -> dict[str, str]:
    """Settings passed to the server: the login rate limit off unless the caller's env says otherwise.

    A journey logs in and joins more often than a person would. The limit itself is tested
    in tests/security/test_rate_limits.py.
    """
    return {"PARTNERTRACK_RATELIMIT_ENABLED": os.environ.get("PARTNERTRACK_RATELIMIT_ENABLED", "false")}


class LiveServer:
    """gunicorn serving the app, plus an in-process app on the same database to reset and seed it."""

    def __init__(self, tmp_path: Path, extra_env: dict[str, str] | None = None, db_url: str | None = None):
        db_url = db_url or TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'browser.sqlite'}"
        self.app = create_app(test_config(tmp_path, SQLALCHEMY_DATABASE_URI=db_url))
        with self.app.app_context():
            import_models()
            reset_database()  # drop_all (and alembic_version), then create_all
        self._server = Server(db_url, tmp_path / "instance", extra_env={**server_env(), **(extra_env or {})})
        self.url = self._server.start()
        self._emails = 0

    def email(self, name: str) -> str:
        """A new address on every call, so tests sharing this database never meet each other's accounts."""
        self._emails += 1
        return f"{name}.{self._emails}@example.org"

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server's log (access lines and tracebacks)."""
        return self._server.log()[-chars:]

    def stop(self) -> None:
        """Stop gunicorn and close the in-process app's connections."""
        self._server.stop()
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="package")
def live_server(tmp_path_factory):
    """One gunicorn server on a fresh database for the browser tests (stopped after the last)."""
    server = LiveServer(tmp_path_factory.mktemp("browser"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def smtp():
    """A real SMTP server (aiosmtpd) for one test module's mail journeys."""
    with MailServer() as server:
        yield server


def mailing_server(tmp_path_factory, smtp: MailServer, name: str) -> LiveServer:
    """gunicorn (with its mail worker) on a database of its own named for ``name``, sending mail to ``smtp``."""
    folder = tmp_path_factory.mktemp(f"{name}-browser")
    env = {**smtp.env(), "PARTNERTRACK_MAIL_POLL_SECONDS": "0.1"}
    return LiveServer(folder, extra_env=env, db_url=second_database_url(folder, f"_{name}"))


@pytest.fixture
def server(live_server, request) -> LiveServer:
    """The live server; a failed test gets the end of the server's log in its report."""
    yield live_server
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        report.sections.append(("gunicorn log (tail)", live_server.log_tail()))


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, headless; never a downloaded browser build."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run tests/ensure_tools.sh")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _describe(message) -> str:
    """A console error with the address it came from (a 404's text alone does not say what)."""
    where = (message.location or {}).get("url", "")
    return f"{message.text} [{where}]" if where else message.text


@dataclass
class Browsing:
    """Opens pages in fresh contexts (one per person) and keeps what the browser complained about."""

    browser: Browser
    shots_dir: Path
    contexts: list = field(default_factory=list)
    problems: dict = field(default_factory=dict)
    _shot_count: int = 0

    def new_page(self, size: str, base_url: str, **options) -> Page:
        """A page of a new context, ``size`` "desktop" (1280×800) or "phone" (390×844, touch)."""
        context = self.browser.new_context(base_url=base_url, locale="en-GB", **SIZES[size], **options)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        problems = self.problems.setdefault(id(page), [])
        page.on("console", lambda msg: problems.append(_describe(msg)) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        return page

    def console_errors(self, page: Page) -> list[str]:
        """Console errors and uncaught exceptions on ``page`` (a CSP refusal shows up here)."""
        return list(self.problems.get(id(page), []))

    def shot(self, page: Page, name: str, full_page: bool = True) -> Path:
        """Save a numbered screenshot of ``page`` into this test's artifact folder."""
        self._shot_count += 1
        path = self.shots_dir / f"{self._shot_count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self, failed: bool) -> None:
        """Close every context, first photographing each open page if the test failed."""
        for context in self.contexts:
            for page in context.pages:
                if failed and not page.is_closed():
                    try:
                        self.shot(page, "at-failure")
                    except Exception:
                        pass
            context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the item, so fixtures know whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def folder_name(nodeid_name: str) -> str:
    """A file-system-safe folder name for a test."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", nodeid_name).strip("-")[:100]


@pytest.fixture
def browsing(browser, request) -> Browsing:
    """Fresh browser contexts for one test; screenshots go to <artifacts>/<test name>/."""
    shots = artifacts_dir() / folder_name(request.node.name)
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("*.png"):  # screenshots of an earlier run of this test
        old.unlink()
    helper = Browsing(browser, shots)
    yield helper
    report = getattr(request.node, "report_call", None)
    helper.close(failed=report is None or report.failed)


@pytest.fixture(scope="package")
def site(live_server):
    """The seeded therapist, patient, rated partnership and open invite (tests/browser/seed.py)."""
    from tests.factories import seed_site

    return seed_site(live_server.app, live_server.email)


@pytest.fixture(scope="package")
def clinic_site(live_server):
    """A small clinic for the page checks: its first client allowed supervisors to see their ratings."""
    from tests.browser.pages import CLINIC
    from tests.factories import allow_supervision, seed_clinic

    clinic = seed_clinic(live_server.app, live_server.email, therapists=2, supervisors=1)
    with live_server.app.app_context():
        from partnertrack.extensions import db
        from partnertrack.models import Partnership

        patient_id = db.session.get(Partnership, clinic.partnership_ids[0]).patient_id
    allow_supervision(live_server.app, patient_id)
    CLINIC.update(member=clinic.therapist_members[0], partnership=clinic.partnership_ids[0])
    return clinic


def _email_of(who: str, site, clinic) -> str:
    """The address ``who`` logs in with: the site's therapist or patient, or a clinic role."""
    return {
        "therapist": site.therapist_email,
        "patient": site.patient_email,
        "clinic_admin": clinic.admin_email,
        "supervisor": clinic.supervisor_emails[0],
        "clinic_therapist": clinic.therapist_emails[0],
    }[who]


@pytest.fixture(scope="package")
def signed_in(browser, live_server, site, clinic_site):
    """``signed_in(size, who)``: a browser context of that size, logged in as ``who`` (or anonymous).

    Contexts are made once per (size, who) and shared by the page checks, which only read.
    """
    from tests.browser.flows import log_in

    contexts = {}

    def get(size: str, who: str):
        """The shared context for ``size`` and ``who``."""
        if (size, who) not in contexts:
            context = browser.new_context(base_url=live_server.url, locale="en-GB", **SIZES[size])
            context.set_default_timeout(10_000)
            if who != "anonymous":
                page = context.new_page()
                log_in(page, _email_of(who, site, clinic_site), site.password)
                page.close()
            contexts[size, who] = context
        return contexts[size, who]

    yield get
    for context in contexts.values():
        context.close()
