"""Creating and upgrading the database schema."""

from __future__ import annotations

from .extensions import db


def upgrade_schema() -> None:
    """Create any missing tables."""
    from . import models  # noqa: F401  (register the tables)

    db.create_all()
