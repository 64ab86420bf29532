"""A local SMTP server (aiosmtpd) on a loopback port, for the tests of email alerts and notifications."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def parsed(self, index: int) -> tuple[list[str], str, str]:
        """(recipients, subject, text) of message ``index``: headers unfolded, the body decoded."""
        envelope = self.messages[index]
        message = cast(EmailMessage, message_from_bytes(envelope.content, policy=policy.default))
        return list(envelope.rcpt_tos), str(message["Subject"]).strip(), str(message.get_content())


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = closed_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
