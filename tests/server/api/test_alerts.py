"""Alerts end to end: an assessment whose level dropped records deliveries; a local HTTP receiver gets a
signed, Slack-compatible webhook (after two failed attempts, retried with backoff, one delivery id), a
local SMTP server gets the email, and the delivery log shows every attempt."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aisma.server import jobs
from aisma.server.auth import Role
from aisma.server.notify import verify
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.web.app import create_app
from aisma.web.features.answers import service as answers

from ..factories import OrgWithMembers
from ..mail_fixtures import Mailbox, closed_port
from ..waiting import wait_until
from .conftest import assessed

pytestmark = pytest.mark.slow  # assessments, a local HTTP receiver and SMTP server, retries


class Receiver:
    """A local webhook receiver: answers the statuses it is told, in order (then 200), records every request."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[dict[str, str], bytes]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                code = owner.statuses.pop(0) if owner.statuses else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"ok" if code == 200 else b"try again")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_level_drop_alerts_by_signed_webhook_and_email(
    tmp_path: Path,
    database_url: str,
    database: Database,
    org_a: OrgWithMembers,
    token_for: Any,
    smtp: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jobs, "BASE_BACKOFF", timedelta(milliseconds=50))  # retries sooner; same order
    mailbox, smtp_port = smtp
    settings = ServerSettings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="alerts-test-key",
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_starttls=False,
        smtp_from="aisma@example.test",
    )
    receiver = Receiver([500, 503])
    try:
        with TestClient(create_app(settings)) as client:
            owner = token_for(org_a)
            base = f"/api/v1/orgs/{org_a.slug}"
            hook = client.post(
                f"{base}/alerts/channels", headers=owner, json={"kind": "webhook", "target": receiver.url}
            )
            assert hook.status_code == 201, hook.text
            secret = hook.json()["secret"]
            assert len(secret) >= 32
            mail = client.post(
                f"{base}/alerts/channels",
                headers=owner,
                json={"kind": "email", "target": "security@example.test", "events": ["level_drop"]},
            )
            assert mail.status_code == 201 and mail.json()["secret"] == ""
            dead = client.post(
                f"{base}/alerts/channels",
                headers=owner,
                json={"kind": "webhook", "target": f"http://127.0.0.1:{closed_port()}/", "events": ["level_drop"]},
            )
            assert dead.status_code == 201
            assert "secret" not in client.get(f"{base}/alerts/channels", headers=owner).json()[0]

            assessor = org_a.actors[Role.ASSESSOR]
            with database.transaction() as s:
                for oid in ("GOV-1.1", "GOV-1.2", "GOV-1.3"):
                    answers.save_answer(s, assessor, oid, "fully")
            assessed(client, org_a.slug, owner)
            with database.transaction() as s:
                current = answers.get_answer(s, assessor, "GOV-1.1")
                answers.save_answer(s, assessor, "GOV-1.1", "not", expected_version=current.version)
            assessed(client, org_a.slug, owner)

            def deliveries() -> list[dict[str, Any]]:
                found: list[dict[str, Any]] = client.get(f"{base}/alerts/deliveries", headers=owner).json()
                return found

            wait_until(
                lambda: len(deliveries()) == 3 and all(d["status"] != "pending" for d in deliveries()), "deliveries"
            )
            by_channel = {d["channel_id"]: d for d in deliveries()}
            webhook, email, failed = (by_channel[c.json()["id"]] for c in (hook, mail, dead))
            assert webhook["status"] == "delivered" and webhook["attempts"] == 3
            assert [entry["status"] for entry in webhook["log"]] == [500, 503, 200]
            assert email["status"] == "delivered" and email["attempts"] == 1 and email["last_status"] == 250
            assert failed["status"] == "failed" and failed["attempts"] == 6 and failed["last_error"]
            assert len(failed["log"]) == 6 and all(entry["status"] is None for entry in failed["log"])

            # the receiver: three tries of one delivery, each signed; a Slack-compatible body
            assert len(receiver.requests) == 3
            ids = {headers["x-aisma-delivery"] for headers, _ in receiver.requests}
            assert ids == {str(webhook["id"])}
            for headers, body in receiver.requests:
                assert verify(secret, headers["x-aisma-signature"], body)
                assert not verify(secret, headers["x-aisma-signature"], body + b" ")
                assert not verify("another secret", headers["x-aisma-signature"], body)
            payload = json.loads(receiver.requests[-1][1])
            assert payload["text"].startswith("aisma: ") and payload["blocks"][0]["type"] == "section"
            events = payload["aisma"]["events"]
            assert {"kind": "level_drop", "subject": "GOV.level"} in [
                {"kind": e["kind"], "subject": e["subject"]} for e in events
            ]
            assert "level_drop" in receiver.requests[-1][0]["x-aisma-event"]

            # the email
            wait_until(lambda: len(mailbox.messages) == 1, "the email")
            envelope = mailbox.messages[0]
            assert envelope.rcpt_tos == ["security@example.test"] and envelope.mail_from == "aisma@example.test"
            text = envelope.content.decode()
            assert "Subject: aisma: " in text and "[level_drop]" in text and "GOV level dropped from 1 to 0" in text

            # every delivery is its own job, finished once
            names = [j["name"] for j in client.get(f"{base}/jobs", headers=owner, params={"limit": 100}).json()]
            assert names.count("alerts.deliver") == 3
    finally:
        receiver.close()


def test_channels_are_for_owners_and_checked(client: TestClient, org_a: OrgWithMembers, token_for: Any) -> None:
    base = f"/api/v1/orgs/{org_a.slug}"
    owner, assessor = token_for(org_a), token_for(org_a, Role.ASSESSOR)
    assert (
        client.post(
            f"{base}/alerts/channels", headers=assessor, json={"kind": "email", "target": "a@b.example"}
        ).status_code
        == 403
    )
    assert client.get(f"{base}/alerts/deliveries", headers=assessor).status_code == 403
    for body, field in (
        ({"kind": "webhook", "target": "ftp://example.org/x"}, "target"),
        ({"kind": "webhook", "target": "https://"}, "target"),
        ({"kind": "webhook", "target": "http://[::1/hook"}, "target"),
        ({"kind": "email", "target": "not an address"}, "target"),
        ({"kind": "email", "target": "a@b.example\r\nBcc: x@y.example"}, "target"),
        ({"kind": "email", "target": "a@b.example", "events": ["everything"]}, "events"),
        ({"kind": "sms", "target": "+1555"}, "kind"),
    ):
        answer = client.post(f"{base}/alerts/channels", headers=owner, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert field in answer.text
    made = client.post(f"{base}/alerts/channels", headers=owner, json={"kind": "email", "target": "a@b.example"})
    assert client.delete(f"{base}/alerts/channels/{made.json()['id']}", headers=owner).status_code == 204
    assert client.get(f"{base}/alerts/channels", headers=owner).json() == []


def test_schedules_in_the_api(client: TestClient, org_a: OrgWithMembers, token_for: Any) -> None:
    base = f"/api/v1/orgs/{org_a.slug}"
    assessor, viewer = token_for(org_a, Role.ASSESSOR), token_for(org_a, Role.VIEWER)
    made = client.post(f"{base}/schedules", headers=assessor, json={"kind": "assess", "cron": "0 6 * * 1-5"})
    assert made.status_code == 201, made.text
    assert made.json()["next_run_at"].endswith(("06:00:00Z", "06:00:00+00:00"))
    assert (
        client.post(f"{base}/schedules", headers=assessor, json={"kind": "assess", "cron": "0 25 * * *"}).status_code
        == 422
    )
    assert (
        client.post(f"{base}/schedules", headers=viewer, json={"kind": "assess", "cron": "0 6 * * *"}).status_code
        == 403
    )
    write_only = token_for(org_a, Role.ASSESSOR, ("read", "write"))  # may assess, may not push measurements
    collect = {"kind": "collect", "cron": "0 6 * * *"}
    assert client.post(f"{base}/schedules", headers=write_only, json=collect).status_code == 403
    listed = client.get(f"{base}/schedules", headers=viewer).json()
    assert [s["id"] for s in listed] == [made.json()["id"]]
    assert client.get(f"{base}/freshness", headers=viewer).status_code == 200
    assert client.delete(f"{base}/schedules/{made.json()['id']}", headers=assessor).status_code == 204
