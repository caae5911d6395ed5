"""Security headers on every page, and no inline script or style in any template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import client_as
from tests.security.urls import routed, url_for_rule

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CSP_DIRECTIVES = ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")


def _every_get(app, world, client):
    """Every GET rule of the app through ``client``, plus a 404 and a 405 page."""
    urls = [url_for_rule(rule, world, app) for rule, method in routed(app) if method == "GET"]
    for url in urls + ["/no-such-page", "/logout"]:
        response = client.get(url)
        response.get_data()
        response.close()
        yield url, response


def _check(url: str, response, hsts: bool) -> list[str]:
    """What is missing from one response's headers."""
    headers = response.headers
    problems = []
    csp = headers.get("Content-Security-Policy", "")
    problems += [f"{url}: CSP lacks {d}" for d in CSP_DIRECTIVES if d not in csp]
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"{url}: CSP allows inline code")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: no nosniff")
    if headers.get("Referrer-Policy") != "same-origin":
        problems.append(f"{url}: Referrer-Policy is {headers.get('Referrer-Policy')}")
    if hsts and "max-age=" not in headers.get("Strict-Transport-Security", ""):
        problems.append(f"{url}: no HSTS although HTTPS is configured")
    if not hsts and "Strict-Transport-Security" in headers:
        problems.append(f"{url}: HSTS sent over plain HTTP without HTTPS configured")
    return problems


@pytest.mark.parametrize("who", [None, "tara@example.org", "pat@example.org"])
def test_every_page_has_the_security_headers(app, world, who):
    """Anonymous, therapist and patient: every GET page, error pages and redirects included."""
    client = client_as(app, who) if who else app.test_client()
    problems = []
    for url, response in _every_get(app, world, client):
        problems += _check(url, response, hsts=False)
    assert not problems, "\n".join(problems)


def test_hsts_on_every_page_when_https_is_configured(new_app):
    """SESSION_COOKIE_SECURE (the HTTPS setting) adds Strict-Transport-Security everywhere."""
    from tests.factories import World, add_partnership, add_user

    app = new_app(SESSION_COOKIE_SECURE=True)
    with app.app_context():
        t = add_user("Dr Tara Therapist", "tara@example.org", "therapist")
        p = add_user("Pat Patient", "pat@example.org", "patient")
        from datetime import date

        pid = add_partnership(t, p, "Pat", date(2025, 1, 6))
    world = World(t, p, pid, t, p, pid, date(2025, 1, 6))
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    assert (
        client.post("/login", data={"email": "tara@example.org", "password": "correct horse battery"}).status_code
        == 302
    )
    assert client.get("/").status_code == 200  # the Secure cookie came back over https
    problems = []
    for url, response in _every_get(app, world, client):
        problems += _check(url, response, hsts=True)
    assert not problems, "\n".join(problems)


def test_pages_with_data_are_not_cached(app, world):
    """A logged-in page says no-store, so a shared or back-button cache does not keep it."""
    client = client_as(app, "pat@example.org")
    for url in ("/", f"/partnerships/{world.partnership}/", "/account/", "/account/activity"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url


def _templates() -> list[Path]:
    """Every Jinja template of the app's pages (mail bodies in email/ are no page: mail clients need inline style)."""
    found = sorted(p for p in TEMPLATES.rglob("*.html") if p.parent.name != "email")
    assert found, "no templates found"
    return found


def test_no_template_has_inline_script_or_style():
    """CSP forbids inline code, so none may be written: script only by src, style only in app.css."""
    problems = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES)
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S | re.I):
            if "src=" not in match.group(1) or match.group(2).strip():
                problems.append(f"{name}: inline <script>")
        if re.search(r"<style\b", text, re.I):
            problems.append(f"{name}: <style> block")
        if re.search(r"\sstyle\s*=", text, re.I):
            problems.append(f"{name}: style= attribute")
        if re.search(r"\son[a-z]+\s*=", text, re.I):
            problems.append(f"{name}: inline event handler (on...=)")
        if re.search(r"javascript:", text, re.I):
            problems.append(f"{name}: javascript: URL")
    assert not problems, "\n".join(problems)
