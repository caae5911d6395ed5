"""A real SMTP server for the tests: aiosmtpd on a free loopback port, in a thread of the test process.

    with MailServer() as smtp:          # or the ``mail_server`` fixture
        app = new_app(**smtp.settings())
        ...
        smtp.wait_for(1)                # the messages, parsed; waits on a condition, not on time

``refuse`` names addresses the server answers with 550 (an address that does not exist);
``stop()`` and ``start()`` take the server down and bring it back on the same port, so a
test can show what happens while it is down. ``rcpt_delay`` holds every recipient for a
while, so a test can kill a worker while it waits for the server.
"""

from __future__ import annotations

import asyncio
import email
import threading
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.serverutil import free_port

WAIT_S = 60


class _Handler:
    """Accepts mail (or refuses the listed recipients) and keeps every accepted message."""

    def __init__(self, server: MailServer):
        self.server = server

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        """Refuse listed addresses with 550; hold each recipient ``rcpt_delay`` seconds first."""
        self.server.count_rcpt()
        if self.server.rcpt_delay:
            await asyncio.sleep(self.server.rcpt_delay)
        if address.lower() in self.server.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        """Keep the message; the reply is 250, as a real server's after it has stored the mail."""
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.server.record(message, list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class MailServer:
    """aiosmtpd serving 127.0.0.1:<port>, collecting the messages it accepts."""

    def __init__(self, refuse: tuple[str, ...] = (), rcpt_delay: float = 0.0):
        self.port = free_port()
        self.refuse = {a.lower() for a in refuse}
        self.rcpt_delay = rcpt_delay
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.rcpt_count = 0  # RCPT commands seen, accepted or not
        self._changed = threading.Condition()
        self._controller: Controller | None = None

    def settings(self) -> dict:
        """The app settings that send mail here."""
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_DEFAULT_SENDER": "PartnerTrack <pt@example.org>",
        }

    def env(self) -> dict[str, str]:
        """The same settings as PARTNERTRACK_* environment variables, for a server or worker process."""
        return {f"PARTNERTRACK_{k}": str(v) for k, v in self.settings().items()}

    def start(self) -> MailServer:
        """Listen on the port (again)."""
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, ready_timeout=30)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening: connections are refused until ``start``."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def record(self, message: EmailMessage, recipients: list[str]) -> None:
        """Keep an accepted message and wake whoever waits for it."""
        with self._changed:
            self.messages.append(message)
            self.recipients.append(recipients)
            self._changed.notify_all()

    def count_rcpt(self) -> None:
        """Note a RCPT command (a client is in the middle of sending a message)."""
        with self._changed:
            self.rcpt_count += 1
            self._changed.notify_all()

    def wait_for_rcpt(self, count: int, timeout: float = WAIT_S) -> None:
        """Return once ``count`` RCPT commands have arrived."""
        with self._changed:
            assert self._changed.wait_for(lambda: self.rcpt_count >= count, timeout=timeout), "no RCPT arrived"

    def wait_for(self, count: int, timeout: float = WAIT_S) -> list[EmailMessage]:
        """The messages once at least ``count`` have arrived; AssertionError after ``timeout``."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            assert arrived, f"expected {count} messages, got {len(self.messages)}"
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        """The accepted messages addressed to ``address``."""
        with self._changed:
            return [m for m in self.messages if m["To"].lower() == address.lower()]

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()
