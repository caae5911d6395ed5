"""One templated page for every HTTP error (JSON for JSON clients), and one handler for refused steps."""

from __future__ import annotations

from flask import Flask, current_app, flash, redirect, render_template, request
from flask_babel import gettext, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from partnertrack.core.refusals import Phrase, Refused
from partnertrack.extensions import db

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You do not have permission to do that."),
    404: _l("There is nothing here, or it is not yours to see."),
    405: _l("That action is not allowed here."),
    413: _l("What you sent is too large. Please shorten it and try again."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. Nothing you sent was lost half-way; please try again."),
    503: _l("The service is not available right now. Please try again shortly."),
}


def wants_json() -> bool:
    """True for JSON routes and clients that ask for JSON first."""
    if request.path.endswith(".json") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(error: HTTPException):
    """Render ``error`` as a page (or JSON) with a plain-language message."""
    code = error.code or 500
    message = str(getattr(error, "user_message", None) or MESSAGES.get(code, error.description))
    if code == 400 and error.description and "CSRF" in error.description:
        message = _("This form has expired or was not sent from PartnerTrack. Please reload the page and try again.")
    if wants_json():
        response = {"error": message, "status": code}
        return response, code, _retry_headers(error)
    return render_template("error.html", code=code, message=message), code, _retry_headers(error)


def _retry_headers(error: HTTPException) -> dict:
    """Keep Retry-After (rate limits) on the rendered error."""
    headers = {}
    response = getattr(error, "response", None)
    if response is not None and "Retry-After" in response.headers:
        headers["Retry-After"] = response.headers["Retry-After"]
    elif getattr(error, "retry_after", None) is not None:
        headers["Retry-After"] = str(error.retry_after)
    return headers


def translated(message: str) -> str:
    """A refusal's message in the viewer's language: pure modules mark theirs with ``N_`` (or a ``Phrase``).

    A message already translated by the service that raised it is no message of the catalog and
    comes back unchanged.
    """
    if isinstance(message, Phrase):
        return message.translate(gettext, ngettext)
    return _(message) if message else message


def render_refusal(refusal: Refused):
    """Show why a step was refused, with nothing changed.

    The message goes on the page the person was on: the blueprint's ``refused_page``
    (a function rendering that page) when it has one, else a redirect the refusal names,
    else the plain error page.
    """
    db.session.rollback()
    message = translated(refusal.message)
    if refusal.redirect_to:
        flash(message, "error")
        return redirect(refusal.redirect_to)
    blueprint = current_app.blueprints.get(request.blueprint or "")
    page = getattr(blueprint, "refused_page", None)
    if page is not None and not wants_json():
        flash(message, "error")
        return page(), refusal.status
    if wants_json():
        return {"error": message, "status": refusal.status}, refusal.status
    return render_template("error.html", code=refusal.status, message=message), refusal.status


def register(app: Flask) -> None:
    """Install the handlers."""
    app.register_error_handler(Refused, render_refusal)

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        """Any HTTP error raised by a view or by Flask itself."""
        return render_error(error)

    @app.errorhandler(InternalServerError)
    def handle_500(error):
        """Roll back whatever was half-done before showing the error."""
        db.session.rollback()
        return render_error(InternalServerError())
