"""Journey: a therapist turns on two-factor sign-in on the desktop, then signs in with it on a phone.

The codes come from pyotp, as an authenticator app would make them from the key the page
shows. The set-up page, the recovery codes and the code step of signing in are checked
with axe-core (WCAG A and AA) and the Nu Html Checker as they are reached.
"""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.browser.conftest import artifacts_dir
from tests.browser.test_accessibility import axe_results
from tests.browser.test_html_validity import vnu_errors

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"


def check_page(page: Page, name: str, pages: list) -> None:
    """axe-core on the page once it has loaded (its stylesheet too), and its HTML kept for one Nu Html Checker run."""
    page.wait_for_load_state("load")
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()
    folder = artifacts_dir() / "html-two-factor"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.html"
    path.write_text(page.content(), encoding="utf-8")
    pages.append(path)


def test_therapist_sets_up_two_factor_and_signs_in_with_it(browsing, server):
    checked: list = []
    email = server.email("tara")
    desk = browsing.new_page("desktop", server.url)
    flows.register_therapist(desk, "Dr Tara Okafor", email, PASSWORD)

    def now_code(key: str) -> str:
        """What the app shows now; the page is checked first, as a person would read it."""
        check_page(desk, "two-factor-setup", checked)
        browsing.shot(desk, "two-factor-setup")
        return pyotp.TOTP(key).now()

    key, codes = flows.set_up_two_factor(desk, PASSWORD, now_code)
    assert len(codes) == 10 and len(set(codes)) == 10
    check_page(desk, "recovery-codes", checked)
    browsing.shot(desk, "recovery-codes")
    desk.get_by_role("link", name="I have saved my codes").click()
    expect(desk.get_by_text("Signing in asks for your password and a code")).to_be_visible()
    desk.get_by_role("button", name="Log out").click()

    phone = browsing.new_page("phone", server.url)
    phone.goto("/login")
    phone.get_by_label("Email", exact=True).fill(email)
    phone.get_by_label("Password", exact=True).fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Enter your code")
    check_page(phone, "two-factor-code", checked)
    browsing.shot(phone, "two-factor-code")
    phone.get_by_label("Authentication code", exact=True).fill("000000")
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_text("That code is not right")).to_be_visible()
    # The set-up used the current code, and a code works once: the app's next one signs in.
    phone.get_by_label("Authentication code", exact=True).fill(pyotp.TOTP(key).at(time.time() + 30))
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your caseload")
    browsing.shot(phone, "signed-in-with-code")

    phone.get_by_role("button", name="Log out").click()
    flows.log_in_with_code(phone, email, PASSWORD, codes[0])
    expect(phone.get_by_text("signed in with a recovery code; 9 left")).to_be_visible()
    assert browsing.console_errors(desk) == [] and browsing.console_errors(phone) == []
    assert vnu_errors(checked) == {}
