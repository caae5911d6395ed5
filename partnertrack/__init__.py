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
    check_settings(app)
    config_module.apply_service_urls(app.config, app.instance_path)
    register_extensions(app)
    register_i18n(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_template_helpers(app)
    register_mail(app)
    register_commands(app)
    return app


def check_settings(app: Flask) -> None:
    """Stop at start, with a message naming the setting, when a value has the wrong type."""
    from partnertrack.core.config_checks import ConfigError
    from partnertrack.core.config_checks import check_settings as check_known
    from partnertrack.insights.thresholds import Thresholds

    check_known(app.config)
    try:
        Thresholds.from_mapping(app.config)
    except ValueError as problem:
        raise ConfigError(f"{problem}. PartnerTrack cannot start until it is corrected.") from None


def register_extensions(app: Flask) -> None:
    """Bind every extension to this app, with every model known to the metadata."""
    from partnertrack.access import register_restricted_sessions
    from partnertrack.auth.loader import register_user_loader
    from partnertrack.core.database import configure_engine_events
    from partnertrack.models import import_all_models
    from partnertrack.summaries.versions import install as track_data_versions

    import_all_models()
    db.init_app(app)
    track_data_versions()
    migrate.init_app(app, db, directory=os.path.join(PACKAGE_DIR, "migrations"))
    login_manager.init_app(app)
    register_user_loader(login_manager)
    register_restricted_sessions(login_manager)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    with app.app_context():
        configure_engine_events(db.engine)


def register_i18n(app: Flask) -> None:
    """Languages: Flask-Babel with the viewer's locale, and how mail finds the recipient's language."""
    from partnertrack.account.language import language_of
    from partnertrack.core.i18n import register, register_language_lookup

    register(app)
    register_language_lookup(app, language_of)


def register_blueprints(app: Flask) -> None:
    """Attach every feature's blueprint (pages about one partnership load and authorise it first).

    ``<int:...>`` in every rule is bounded to ids a row can have (core/ids.py): set before
    any rule is added, since a rule picks its converter when it is made.
    """
    from partnertrack.core.ids import IdConverter

    app.url_map.converters["int"] = IdConverter
    from partnertrack.account.two_factor_views import bp as account_two_factor
    from partnertrack.account.views import bp as account
    from partnertrack.auth.reset import bp as reset
    from partnertrack.auth.second_step import bp as two_factor
    from partnertrack.auth.views import bp as auth
    from partnertrack.clinic.admin_views import bp as clinic_admin
    from partnertrack.clinic.views import bp as clinic
    from partnertrack.core.health import bp as health
    from partnertrack.dashboard.views import bp as dashboard
    from partnertrack.exports.views import bp as exports
    from partnertrack.goals.views import bp as goals
    from partnertrack.insights.views import bp as insights
    from partnertrack.notifications.views import bp as notifications
    from partnertrack.partnerships.ending_views import bp as ending
    from partnertrack.partnerships.views import bp as partnerships
    from partnertrack.partnerships.views import member_bp as partnership
    from partnertrack.ratings.views import bp as ratings
    from partnertrack.review.views import bp as review
    from partnertrack.ruptures.views import bp as ruptures
    from partnertrack.safety.views import bp as safety
    from partnertrack.sessions.views import bp as sessions

    for blueprint in (
        health,
        auth,
        two_factor,
        account,
        account_two_factor,
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
        reset,
        notifications,
        clinic,
        clinic_admin,
        safety,
        ending,
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
    from partnertrack.core.fragments import init_app as register_fragments
    from partnertrack.notifications.local_time import register as register_local_time
    from partnertrack.partnerships.endings import ending_sentence
    from partnertrack.safety.service import waiting_for

    register(app)
    register_fragments(app)
    register_local_time(app)
    app.jinja_env.globals["talk_soon_waiting"] = waiting_for  # the therapist's banner, base.html
    app.jinja_env.globals["ending_sentence"] = ending_sentence  # partnerships/_ended.html


def register_mail(app: Flask) -> None:
    """Mail: how each kind is written (the worker renders at send time), the periodic jobs, delivery state."""
    from partnertrack.auth.reset import register_mail as register_reset_mail
    from partnertrack.auth.signup import register_mail as register_signup_mail
    from partnertrack.clinic.mail import register as register_clinic_mail
    from partnertrack.core.idempotency import forget_old_keys
    from partnertrack.core.outbox import forget_old_mail
    from partnertrack.core.tasks import register_periodic
    from partnertrack.notifications.delivery import deliveries
    from partnertrack.notifications.messages import register

    register(app)
    register_reset_mail(app)
    register_signup_mail(app)
    register_clinic_mail(app)
    register_periodic(app, "outbox.cleanup", forget_old_mail, every_seconds=3600)
    register_periodic(app, "submission_keys.cleanup", forget_old_keys, every_seconds=3600)
    app.jinja_env.globals["mail_deliveries"] = deliveries


def register_commands(app: Flask) -> None:
    """The flask CLI: setup, demo, user management, backups, the mail worker."""
    from partnertrack.cli import register

    register(app)
