"""Composing one mail and handing it over: to an SMTP server, or to the log and a file.

Built on Python's own ``email`` and ``smtplib`` (maintained with the language): the message
is an ``EmailMessage`` with a plain-text and an HTML part, and a Message-ID fixed when the
mail was recorded, so a resend after a crash is recognisably the same message.

Without ``MAIL_SERVER`` (one machine, nothing to set up) every message is written to the
log of whoever runs the app and to one ``.eml`` file per message in ``instance/mail/``,
so every link is still there to follow.

``send`` raises ``DeliveryError``: ``permanent`` when the server refused the address or the
message for good (a 5xx answer), temporary for everything that may work later (server
down, timeouts, 4xx answers, a login that failed).
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app, has_request_context, request

log = logging.getLogger("partnertrack.mail")
MAIL_FOLDER = "mail"


@dataclass(frozen=True)
class Letter:
    """Everything one mail says: who to, the subject, both bodies and the extra headers."""

    to: str
    subject: str
    text: str
    html: str
    message_id: str
    date: datetime
    headers: dict[str, str] = field(default_factory=dict)


class DeliveryError(Exception):
    """The mail was not handed over; ``permanent`` when trying again cannot help."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def new_message_id() -> str:
    """A unique Message-ID in the sender's domain (kept with the mail from the moment it is recorded)."""
    domain = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2] or "partnertrack.invalid"
    return make_msgid(domain=domain)


def public_base_url() -> str:
    """The address links in mail start with: PUBLIC_URL, else the address this request came to.

    A clinic sets PUBLIC_URL (a Host header is the visitor's to choose). On one machine the
    server listens on the loopback address only, so the request's own address is the one
    the person running it uses.
    """
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1:8000"


def compose(letter: Letter) -> EmailMessage:
    """The MIME message of ``letter``: plain text first, HTML as the alternative."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = letter.to
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(letter.date)
    message["Message-ID"] = letter.message_id
    # RFC 3834: an automatic message; well-behaved servers send no out-of-office reply to it.
    message["Auto-Submitted"] = "auto-generated"
    for name, value in letter.headers.items():
        message[name] = value
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    return message


class SmtpTransport:
    """One connection to the configured SMTP server, for a batch of messages (a context manager)."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        cfg = self.config
        timeout = cfg["MAIL_TIMEOUT"]
        try:
            if cfg["MAIL_USE_SSL"]:
                self.connection = smtplib.SMTP_SSL(
                    cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout, context=ssl.create_default_context()
                )
            else:
                self.connection = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
                if cfg["MAIL_USE_TLS"]:
                    self.connection.starttls(context=ssl.create_default_context())
            if cfg.get("MAIL_USERNAME"):
                self.connection.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise classify(error) from error
        return self

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server; DeliveryError says whether to try again."""
        if self.connection is None:
            raise DeliveryError("not connected to the mail server")
        try:
            self.connection.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
                self.close()
            raise classify(error) from error

    def close(self) -> None:
        """Say goodbye to the server (quietly: it may be gone already)."""
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None

    def __exit__(self, *_exc) -> None:
        self.close()


class FileTransport:
    """Without a mail server: each message goes to the log and to ``instance/mail/<name>.eml``."""

    def __init__(self, config, instance_path: str):
        self.folder = config.get("MAIL_FILE_FOLDER") or os.path.join(instance_path, MAIL_FOLDER)

    def __enter__(self) -> FileTransport:
        os.makedirs(self.folder, exist_ok=True)
        return self

    def send(self, message: EmailMessage) -> None:
        """Write the message to its file (whole, then renamed) and its text to the log."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        name = f"{stamp}-{message['Message-ID'].strip('<>').partition('@')[0]}.eml"
        path = os.path.join(self.folder, name)
        with open(path + ".tmp", "wb") as fh:
            fh.write(message.as_bytes())
        os.replace(path + ".tmp", path)
        text = message.get_body(("plain",)).get_content()
        log.warning(
            "Mail (no MAIL_SERVER is set, so it was not sent) to %s: %s\n%s\n(saved as %s)",
            message["To"],
            message["Subject"],
            text.strip(),
            path,
        )

    def __exit__(self, *_exc) -> None:
        return None


def transport():
    """The SMTP transport when MAIL_SERVER is set, else the log-and-file one."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SmtpTransport(config)
    return FileTransport(config, current_app.instance_path)


def classify(error: Exception) -> DeliveryError:
    """Turn what smtplib raised into a DeliveryError with a message a therapist can read."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return DeliveryError(_reply("The mail server refused the address", code, text), permanent=code >= 500)
    if isinstance(error, smtplib.SMTPDataError):
        return DeliveryError(
            _reply("The mail server refused the message", error.smtp_code, error.smtp_error), error.smtp_code >= 500
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return DeliveryError(_reply("The mail server refused the login", error.smtp_code, error.smtp_error))
    if isinstance(error, smtplib.SMTPResponseException):
        return DeliveryError(_reply("The mail server answered", error.smtp_code, error.smtp_error))
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return DeliveryError("The mail server closed the connection.")
    return DeliveryError(f"The mail server could not be reached ({type(error).__name__}: {error}).")


def _reply(what: str, code: int, text: bytes | str) -> str:
    """``what`` with the server's own code and words, short."""
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{what}: {code} {words}"[:300]
