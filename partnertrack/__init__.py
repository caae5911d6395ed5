"""PartnerTrack: therapist and patient rate every session and watch the trends together."""

from __future__ import annotations

import os

from flask import Flask

from . import config as config_module
from .extensions import cache, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then PARTNERTRACK_* variables."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates")
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
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind every extension to this app."""
    from .database import configure_engine_events

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    with app.app_context():
        configure_engine_events(db.engine)
    from . import auth  # noqa: F401  (registers the user loader)


def register_blueprints(app: Flask) -> None:
    """Attach the route modules."""
    from .account.views import bp as account_bp
    from .auth.views import bp as auth_bp
    from .exports.views import bp as exports_bp
    from .health import bp as health_bp
    from .insights.views import bp as insights_bp
    from .partnerships.views import bp as partnerships_bp
    from .ratings.views import bp as ratings_bp

    for blueprint in (health_bp, auth_bp, partnerships_bp, ratings_bp, exports_bp, insights_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(account_bp)
    from .goals.views import bp as goals_bp  # noqa: E402  (issue 4: goals, rupture log, ending review)
    from .review.views import bp as review_bp
    from .ruptures.views import bp as ruptures_bp

    app.register_blueprint(goals_bp)
    app.register_blueprint(ruptures_bp)
    app.register_blueprint(review_bp)


def register_errorhandlers(app: Flask) -> None:
    """One templated page for every HTTP error."""
    from .errors import register

    register(app)


def register_hooks(app: Flask) -> None:
    """Request hooks: security headers and the idle timeout."""
    from .security import register

    register(app)


def register_commands(app: Flask) -> None:
    """The flask CLI: setup, demo, user management."""
    from .cli import register

    register(app)
