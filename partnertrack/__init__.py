"""PartnerTrack: therapist and patient rate every session and watch the trends together.

``create_app`` builds the app in named steps. Where things live is described in
docs/architecture.md: infrastructure in ``core/``, one package per feature, each owning
its blueprint, forms, services and pure domain modules.
"""

from __future__ import annotations

import os

from flask import Flask

from partnertrack import config as config_module
from partnertrack.extensions import cache, csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = os.path.dirname(__file__)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then PARTNERTRACK_* variables."""
    # templates/ is a link to the top-level templates folder in a checkout, and a copy in a wheel.
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config_module.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PARTNERTRACK")
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.ensure_secret_key(app.instance_path)
    config_module.apply_service_urls(app.config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind every extension to this app, with every model known to the metadata."""
    from partnertrack.auth.loader import register_user_loader
    from partnertrack.core.database import configure_engine_events
    from partnertrack.models import import_all_models

    import_all_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PACKAGE_DIR, "migrations"))
    login_manager.init_app(app)
    register_user_loader(login_manager)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    with app.app_context():
        configure_engine_events(db.engine)


def register_blueprints(app: Flask) -> None:
    """Attach every feature's blueprint (pages about one partnership load and authorise it first)."""
    from partnertrack.account.views import bp as account
    from partnertrack.auth.views import bp as auth
    from partnertrack.core.health import bp as health
    from partnertrack.dashboard.views import bp as dashboard
    from partnertrack.exports.views import bp as exports
    from partnertrack.goals.views import bp as goals
    from partnertrack.insights.views import bp as insights
    from partnertrack.partnerships.views import bp as partnerships
    from partnertrack.partnerships.views import member_bp as partnership
    from partnertrack.ratings.views import bp as ratings
    from partnertrack.review.views import bp as review
    from partnertrack.ruptures.views import bp as ruptures
    from partnertrack.sessions.views import bp as sessions

    for blueprint in (
        health,
        auth,
        account,
        dashboard,
        partnerships,
        partnership,
        ratings,
        sessions,
        exports,
        insights,
        goals,
        ruptures,
        review,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    """One templated page for every HTTP error, and one handler for refused steps."""
    from partnertrack.core.errors import register

    register(app)


def register_hooks(app: Flask) -> None:
    """Request hooks: security headers, the idle timeout, and the request's one commit."""
    from partnertrack.core.database import register_request_transaction
    from partnertrack.core.security import register

    register(app)
    register_request_transaction(app)


def register_template_helpers(app: Flask) -> None:
    """Jinja filters and globals shared by every template."""
    from partnertrack.core.filters import register

    register(app)


def register_commands(app: Flask) -> None:
    """The flask CLI: setup, demo, user management, backups."""
    from partnertrack.cli import register

    register(app)
