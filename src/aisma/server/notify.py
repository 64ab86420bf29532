"""Sending one alert: a signed webhook or an email. The retries, backoff and delivery log are the
``alerts.deliver`` job's (each attempt is one call here).

Webhooks are POSTed as JSON that Slack's incoming webhooks accept as it is (``text`` and ``blocks``),
with the structured alert under ``aisma``. Each request is signed so a receiver can check it came
from this server and was not replayed:

    X-Aisma-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
    X-Aisma-Delivery: <delivery id>   (the same on every retry: receivers drop duplicates by it)
    X-Aisma-Event: <comma-separated event kinds>

Email goes through the server's SMTP settings (``AISMA_SMTP_*``), STARTTLS unless turned off.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import time
from email.message import EmailMessage
from typing import Any

import httpx

from aisma.server.settings import ServerSettings

TIMEOUT_SECONDS = 10.0
USER_AGENT = "aisma-alerts/1"


class DeliveryFailed(Exception):
    """This attempt did not deliver (the job retries it with backoff); ``status`` is the HTTP or SMTP code."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, tolerance_seconds: int = 300, now: float | None = None) -> bool:
    """What a receiver does (and the tests): the signature matches and is recent."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def post_webhook(url: str, secret: str, payload: dict[str, Any], delivery_id: int, events: list[str]) -> int:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Aisma-Signature": signature(secret, int(time.time()), body),
        "X-Aisma-Delivery": str(delivery_id),
        "X-Aisma-Event": ",".join(events),
    }
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT_SECONDS, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}"[:500]) from None
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"HTTP {response.status_code}: {response.text[:200]}", response.status_code)
    return response.status_code


def send_email(settings: ServerSettings, to: str, subject: str, text: str) -> int:
    if not settings.smtp_host:
        raise DeliveryFailed("no SMTP server configured (AISMA_SMTP_HOST)")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls()
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            refused = smtp.send_message(message)
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:500], exc.smtp_code) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}"[:500]) from None
    if refused:
        raise DeliveryFailed(f"refused: {refused}"[:500])
    return 250
