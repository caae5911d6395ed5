"""Configuration defaults and the secret key kept in the instance folder."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

SECRET_KEY_FILE = "secret_key"


def defaults(instance_path: str) -> dict:
    """The settings used when neither instance/config.py nor the environment says otherwise."""
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "partnertrack.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "ALLOW_SIGNUP": True,
        "REVEAL_AFTER_DAYS": 7,
        # Safety (docs/clinical.md, "Safety path"): shown on the rating form and every patient page.
        "CRISIS_PHONE": "call your local emergency number",
        "CRISIS_TEXT": "",
        "CLINIC_CONTACT": "",
        "INVITE_DAYS": 14,
        "COMMENT_MAX": 2000,
        # Sessions: inactivity logout and absolute lifetime (ASVS 3.3).
        "IDLE_TIMEOUT_MINUTES": 30,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,
        "MAX_FORM_PARTS": 200,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the login session
        # Unset: Redis when REDIS_URL is set, else a SQLite file in instance/ that every worker
        # on the machine shares (core/ratelimit_storage.py). memory:// would count per process.
        "RATELIMIT_STORAGE_URI": None,
        "RATELIMIT_STRATEGY": "fixed-window",
        # How many proxies (load balancers) in front of the app may set X-Forwarded-For/-Proto.
        "TRUSTED_PROXY_COUNT": 0,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed sign-ins per client address, and per account from one address or one known device.
        "LOGIN_RATE_LIMIT": "10 per minute",
        # Failed sign-ins per account from devices it never signed in from (guesses spread over
        # many addresses); the owner's known devices keep their own budget (auth/login_throttle.py).
        "LOGIN_ACCOUNT_RATE_LIMIT": "30 per hour",
        # Refused sign-ups per client address and per address being signed up: probing who has
        # an account stays slow (the answer for a taken address cannot match a success without mail).
        "SIGNUP_RATE_LIMIT": "10 per hour",
        "SIGNUP_EMAIL_RATE_LIMIT": "5 per hour",
        # Two-factor sign-in: wrong codes per account and per address; the roles that must use it
        # (auth/two_factor.required_for). Every account may turn it on.
        "TWO_FACTOR_RATE_LIMIT": "5 per minute",
        "TWO_FACTOR_REQUIRED_ROLES": [],
        # Clinic admins and supervisors must use it where their clinic requires it (the default;
        # docs/security.md); False lifts that for the whole installation.
        "CLINIC_TWO_FACTOR": True,
        "CACHE_TYPE": "SimpleCache",
        "CACHE_DEFAULT_TIMEOUT": 24 * 3600,
        "REDIS_URL": None,
        # argon2id parameters: RFC 9106's second recommended option, above OWASP's minimum.
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 64 * 1024,
        "ARGON2_PARALLELISM": 4,
        **mail_defaults(),
    }


def mail_defaults() -> dict:
    """Mail settings: no MAIL_SERVER means every mail goes to the log and to instance/mail/."""
    return {
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": "PartnerTrack <partnertrack@localhost>",
        "MAIL_TIMEOUT": 30,
        # Without MAIL_SERVER, where each mail is written as a file (unset: instance/mail/).
        "MAIL_FILE_FOLDER": None,
        # Where links in mail point (https://partnertrack.example.org); unset: the address the
        # request that caused the mail came to. A clinic must set it.
        "PUBLIC_URL": None,
        # The worker: how long a claimed mail stays leased, retries with backoff, polling.
        "MAIL_LEASE_SECONDS": 300,
        "MAIL_RETRY_BASE_SECONDS": 30,
        "MAIL_RETRY_MAX_SECONDS": 3600,
        "MAIL_MAX_ATTEMPTS": 20,
        "MAIL_BATCH": 20,
        "MAIL_POLL_SECONDS": 2.0,
        # The README's run command starts one worker beside gunicorn (gunicorn.conf.py).
        "MAIL_WORKER_IN_SERVER": True,
        # Sent, refused and skipped mail is kept this long (the partnership page shows it), then deleted.
        "MAIL_KEEP_DAYS": 90,
        # What is sent and when.
        "FORM_LINK_HOURS": 72,
        "REMINDER_AFTER_HOURS": 48,
        "QUIET_HOURS": [21, 8],
        "PASSWORD_RESET_MINUTES": 60,
        # A reset request answers no sooner than this, known address or not.
        "PASSWORD_RESET_MIN_SECONDS": 0.3,
        "DEFAULT_TIME_ZONE": "UTC",
        # Sign-up finished by a mailed link (unset: wherever MAIL_SERVER is set); auth/signup.py.
        "SIGNUP_BY_MAIL": None,
        "SIGNUP_LINK_HOURS": 24,
        # A mailed sign-up answers no sooner than this, new address or taken.
        "SIGNUP_MIN_SECONDS": 0.3,
    }


def ensure_secret_key(instance_path: str) -> str:
    """Return the instance's secret key, generating it once on first start.

    A fixed fallback key would let anyone forge sessions, so a random key is
    written to the instance folder (mode 0600) and reused on every later start.
    """
    path = os.path.join(instance_path, SECRET_KEY_FILE)
    try:
        with open(path, encoding="ascii") as fh:
            key = fh.read().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def apply_service_urls(config: dict, instance_path: str) -> None:
    """Point the rate limiter and the chart cache at Redis when a URL is configured.

    Without Redis the rate limits live in a SQLite file in the instance folder, shared by
    every worker on the machine; the chart cache stays per process (a cache miss costs a
    render, never a wrong answer). An explicit RATELIMIT_STORAGE_URI wins over both.
    """
    from partnertrack.core.ratelimit_storage import default_uri

    url = config.get("REDIS_URL")
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = url or default_uri(instance_path)
    if url and config.get("CACHE_TYPE") == "SimpleCache":
        config["CACHE_TYPE"] = "RedisCache"
        config["CACHE_REDIS_URL"] = url
