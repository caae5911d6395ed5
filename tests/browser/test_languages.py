"""Pages in Spanish and German in a real browser: the right ``lang``, and axe-core passes.

A browser that asks for Spanish or German (its Accept-Language) gets the page in that
language, with ``<html lang>`` saying so (axe's html-has-lang and valid-lang rules check it,
and a screen reader picks its voice from it).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import SIZES
from tests.browser.test_accessibility import axe_results

pytestmark = pytest.mark.browser

PAGES = {
    "anonymous": ["/login", "/register", "/reset-password"],
    "patient": ["/account/", "/partnerships/{pid}/goals/", "/partnerships/{pid}/ruptures/new"],
}
WORDS = {"es": "Cerrar sesión", "de": "Abmelden"}
LOCALES = {"es": "es-ES", "de": "de-DE"}


def _log_in(page, email: str, password: str) -> None:
    """Log in through the form in whatever language it speaks (fields found by name)."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(lambda url: not url.endswith("/login"))


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("language", ["es", "de"])
def test_pages_in_spanish_and_german_carry_their_lang_and_pass_axe(browser, live_server, site, size, language):
    # The browser's own language setting: Chromium sends it as Accept-Language.
    context = browser.new_context(base_url=live_server.url, locale=LOCALES[language], **SIZES[size])
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        for path in PAGES["anonymous"]:
            _check(page, path, language)
        _log_in(page, site.patient_email, site.password)
        for path in PAGES["patient"]:
            _check(page, path.format(pid=site.partnership_id), language)
        assert WORDS[language] in page.inner_text("header")
    finally:
        context.close()


def _check(page, path: str, language: str) -> None:
    """Open ``path`` asking for ``language``: lang attribute right, no axe violation."""
    page.goto(path)
    assert page.get_attribute("html", "lang") == language, path
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()
