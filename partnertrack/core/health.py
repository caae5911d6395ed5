"""Liveness check for load balancers and the quick-start check."""

from flask import Blueprint, jsonify

from partnertrack.core.database import database_answers

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 {"status": "ok"} once the database answers a query, else 503."""
    if database_answers():
        return jsonify(status="ok")
    return jsonify(status="unavailable", error="the database does not answer"), 503
