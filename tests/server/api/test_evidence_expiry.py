"""Evidence expiry reminders end to end, on SQLite and PostgreSQL: the ``evidence.expiry`` job (with
``today`` and the lead time injected, no clock) sends one email per run through a local SMTP server
the test starts, reminds each file once as expiring and once more as expired, and starts over when a
new revision is uploaded."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.web.app import create_app
from aisma.web.features.jobs import service as jobs

from ..factories import OrgWithMembers
from ..mail_fixtures import Mailbox
from ..waiting import wait_until

pytestmark = pytest.mark.slow  # a local SMTP server and background jobs


def _run(client: TestClient, org: OrgWithMembers, auth: dict[str, str], **args: Any) -> dict[str, Any]:
    """Run the reminder job for ``org`` now and wait for its result."""
    job = jobs.submit(
        client.app.state.database, client.app.state.job_queue, org.actors[Role.OWNER], "evidence.expiry", args
    )  # type: ignore[attr-defined]
    deadline = time.monotonic() + 600
    while True:
        found = client.get(f"/api/v1/orgs/{org.slug}/jobs/{job.id}", headers=auth).json()
        if found["status"] in ("succeeded", "failed"):
            assert found["status"] == "succeeded", found
            result: dict[str, Any] = found["result"]
            return result
        assert time.monotonic() < deadline, f"job still {found['status']}"
        time.sleep(0.05)


def test_reminders_before_and_after_expiry_by_email(
    tmp_path: Path,
    database_url: str,
    org_a: OrgWithMembers,
    token_for: Any,
    smtp: tuple[Mailbox, int],
) -> None:
    mailbox, port = smtp
    settings = ServerSettings(
        data_dir=tmp_path / "data", database_url=database_url, secret_key="expiry-test-key", smtp_host="127.0.0.1",
        smtp_port=port, smtp_starttls=False, smtp_from="aisma@example.test",
    )  # fmt: skip
    with TestClient(create_app(settings)) as client:
        owner = token_for(org_a)
        base = f"/api/v1/orgs/{org_a.slug}"
        channel = {"kind": "email", "target": "compliance@example.test", "events": ["evidence_expiry"]}
        assert client.post(f"{base}/alerts/channels", headers=owner, json=channel).status_code == 201

        def upload(name: str, data: bytes, **dates: str) -> None:
            stored = client.post(f"{base}/evidence", headers=owner, files={"file": (name, data)}, data=dates)
            assert stored.status_code == 201, stored.text

        upload("iso-cert.pdf", b"certificate", expires_on="2027-01-31")
        upload("pentest.pdf", b"report", expires_on="2027-06-30")
        upload("policy.pdf", b"policy")  # no expiry: never reminded

        def texts() -> list[str]:
            return [mailbox.parsed(i)[2] for i in range(len(mailbox.messages))]

        first = _run(client, org_a, owner, today="2027-01-10")
        assert (first["expiring"], first["expired"], first["deliveries"], first["lead_days"]) == (1, 0, 1, 30)
        wait_until(lambda: len(mailbox.messages) == 1, "the first reminder")
        assert mailbox.messages[0].rcpt_tos == ["compliance@example.test"]
        assert "[evidence_expiry] evidence/iso-cert.pdf (revision 1) expires on 2027-01-31 (in 21 days)" in texts()[0]
        assert "pentest" not in texts()[0]

        again = _run(client, org_a, owner, today="2027-01-11")  # the next daily run: already reminded
        assert (again["expiring"], again["deliveries"]) == (0, 0)

        expired = _run(client, org_a, owner, today="2027-02-01")
        assert (expired["expired"], expired["deliveries"]) == (1, 1)
        wait_until(lambda: len(mailbox.messages) == 2, "the expired reminder")
        assert "evidence/iso-cert.pdf (revision 1) expired on 2027-01-31" in texts()[1]
        assert _run(client, org_a, owner, today="2027-02-02")["deliveries"] == 0

        upload("iso-cert.pdf", b"renewed certificate", expires_on="2028-01-31")  # revision 2 starts over
        longer = _run(client, org_a, owner, today="2027-02-02", days=400)
        assert (longer["expiring"], longer["expired"], longer["deliveries"]) == (2, 0, 1)
        wait_until(lambda: len(mailbox.messages) == 3, "the reminder with the longer lead time")
        assert "evidence/iso-cert.pdf (revision 2) expires on 2028-01-31" in texts()[2]
        assert "evidence/pentest.pdf (revision 1) expires on 2027-06-30" in texts()[2]
        assert "policy.pdf" not in "".join(texts())
