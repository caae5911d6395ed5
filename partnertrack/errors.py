"""One templated page for every HTTP error; JSON for JSON clients."""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db

MESSAGES = {
    400: "The request could not be understood. Please go back and try again.",
    403: "You do not have permission to do that.",
    404: "There is nothing here, or it is not yours to see.",
    405: "That action is not allowed here.",
    413: "What you sent is too large. Please shorten it and try again.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. Nothing you sent was lost half-way; please try again.",
    503: "The service is not available right now. Please try again shortly.",
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
    message = getattr(error, "user_message", None) or MESSAGES.get(code, error.description)
    if code == 400 and error.description and "CSRF" in error.description:
        message = "This form has expired or was not sent from PartnerTrack. Please reload the page and try again."
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
    return headers


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        """Any HTTP error raised by a view or by Flask itself."""
        return render_error(error)

    @app.errorhandler(InternalServerError)
    def handle_500(error):
        """Roll back whatever was half-done before showing the error."""
        db.session.rollback()
        return render_error(InternalServerError())
