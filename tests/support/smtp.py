"""A real local SMTP server for the mail tests (aiosmtpd), and sender settings that point at it."""

from __future__ import annotations

import socket
from dataclasses import replace
from email import message_from_bytes, policy

from services.core.settings import load_settings


def free_port() -> int:
    """A TCP port nobody listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler that keeps every received message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def smtp_settings(port: int):
    """Settings whose sender delivers to 127.0.0.1:port."""
    return replace(load_settings(env={}), smtp_host="127.0.0.1", smtp_port=port, mail_from="cockpit@example.org")
