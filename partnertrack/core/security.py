"""Security headers and the automatic logoff applied to every request."""

from __future__ import annotations

import time

from flask import Flask, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def apply_headers(response):
    """Forbid inline script and framing, stop MIME sniffing and cross-site referrers."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure or _https_configured():
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # is_anonymous, not is_authenticated: this runs after the request's commit, which expired the
    # user, and is_authenticated reads ``active`` again: one more query on every writing request.
    if not current_user.is_anonymous and "Cache-Control" not in response.headers:
        # Pages with patients' data must not linger in shared or back-button caches.
        response.headers["Cache-Control"] = "no-store"
    return response


def _https_configured() -> bool:
    """HTTPS is configured when the session cookie is marked Secure."""
    from flask import current_app

    return bool(current_app.config.get("SESSION_COOKIE_SECURE"))


def enforce_session_limits():
    """Log out after IDLE_TIMEOUT_MINUTES without a request, or past the absolute lifetime."""
    from flask import current_app

    if not current_user.is_authenticated:
        return None
    now = time.time()
    idle = current_app.config["IDLE_TIMEOUT_MINUTES"] * 60
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    last_seen = session.get("last_seen", now)
    login_at = session.get("login_at", now)
    if now - last_seen > idle or now - login_at > lifetime:
        logout_user()
        session.clear()
        flash(_("You were logged out after a period of inactivity. Please log in again."), "info")
        return None
    session["last_seen"] = now
    return None


class ControlCharacters(BadRequest):
    """A form or query value holds a NUL byte or another control character no person types."""

    user_message = (
        "What you sent contains an invisible control character (such as a NUL byte) that cannot be stored. "
        "Please remove it, for example by retyping the text instead of pasting it, and send the form again."
    )


# C0 controls other than tab, line feed and carriage return. PostgreSQL refuses NUL in text
# outright; the others are never typed and only hide text from readers.
_CONTROL = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r") | {"\x7f"}


def refuse_control_characters():
    """Reject any request whose form or query values carry control characters, before a view sees them.

    Checked here once for every form, so a form added later cannot forget it.
    """
    sources = [request.args]
    if request.method in ("POST", "PUT", "PATCH"):
        sources.append(request.form)
    for values in sources:
        for key, value in values.items(multi=True):
            if not _CONTROL.isdisjoint(key) or not _CONTROL.isdisjoint(value):
                raise ControlCharacters()
    return None


def register(app: Flask) -> None:
    """Install the hooks (and trust X-Forwarded-* only from the configured number of proxies)."""
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if proxies:
        # Behind a load balancer the client's address and scheme arrive in X-Forwarded-*;
        # the rate limits and the audit log need the real address, HSTS the real scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.before_request(refuse_control_characters)
    app.before_request(enforce_session_limits)
    app.after_request(apply_headers)
