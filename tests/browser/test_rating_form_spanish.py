"""A patient whose phone speaks Spanish rates a session, in Chromium at 390×844.

The browser's own language (the context's locale es-ES, sent as Accept-Language) chooses the
language: the form's title, questions, factor names, the rupture question and its answers, the
comment and the button are the Spanish catalog's; the patient taps the answers and sees the
Spanish confirmation. axe-core finds no WCAG A/AA violation on the form or after saving, with
``<html lang="es">``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import Page, expect

from partnertrack.ratings.factors import FACTORS, NOT_APPLICABLE_LABEL, RUPTURE_QUESTION
from tests.browser import flows
from tests.browser.conftest import SIZES
from tests.browser.test_accessibility import axe_results
from tests.factories import seed_pair

pytestmark = pytest.mark.browser

CATALOGS = Path(__file__).resolve().parents[2] / "partnertrack" / "translations"
SCORES = {"mutuality": 8, "collaboration": 7, "responsiveness": 6, "feedback": 7, "termination_readiness": 3}


def axe_passes(page: Page) -> None:
    """The page says it is Spanish and axe-core finds no WCAG A/AA violation."""
    assert page.get_attribute("html", "lang") == "es"
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_spanish_patient_rates_a_session_on_the_phone(browser, live_server):
    es = Translations.load(str(CATALOGS), ["es"])
    pair = seed_pair(live_server.app, live_server.email)
    context = browser.new_context(base_url=live_server.url, locale="es-ES", **SIZES["phone"])
    context.set_default_timeout(10_000)
    try:
        phone = context.new_page()
        flows.log_in_any_language(phone, pair.patient_email, pair.password)
        phone.goto(f"/partnerships/{pair.partnership_id}/rate")
        flows.form_ready(phone, heading="Valorar una sesión")
        for factor in FACTORS:
            name, statement = es.gettext(factor.name), es.gettext(factor.statement_for("patient"))
            assert (name, statement) != (factor.name, factor.statement_for("patient")), factor.key
            expect(phone.locator(f"#{factor.key}")).to_have_accessible_name(f"{name} {statement}")
        expect(phone.get_by_text(es.gettext(RUPTURE_QUESTION))).to_be_visible()
        expect(phone.get_by_text("Mi terapeuta me escuchó y me respetó de igual a igual.")).to_be_visible()
        axe_passes(phone)

        for key, value in SCORES.items():
            block = phone.locator("[data-score-field]").filter(has=phone.locator(f"input#{key}"))
            block.locator(f"button.chip[data-value='{value}']").tap()
            expect(phone.locator(f"input#{key}")).to_have_value(str(value))
        phone.get_by_label(es.gettext(NOT_APPLICABLE_LABEL)).tap()
        expect(phone.get_by_label(es.gettext(NOT_APPLICABLE_LABEL))).to_be_checked()
        phone.get_by_label("Comentario").tap()
        phone.keyboard.type("Hoy hablamos con calma.")
        phone.get_by_role("button", name="Guardar mi valoración").tap()

        expect(phone.get_by_role("status").filter(has_text="Se guardó su valoración.")).to_be_visible()
        axe_passes(phone)
    finally:
        context.close()
