"""Notifications by email through a local SMTP server the test starts: assigned, answer returned,
@mentioned, and the daily overdue digest (its day injected, so it never depends on the clock), once a
day; every email is in the recipient's log as sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aisma.server import jobs
from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.web.app import create_app
from aisma.web.features.notifications.service import OVERDUE_JOB

from ..factories import OrgWithMembers
from ..mail_fixtures import Mailbox
from ..waiting import wait_until

pytestmark = pytest.mark.slow  # a local SMTP server and the job worker


def test_assigned_returned_mentioned_and_overdue_emails(
    tmp_path: Path,
    database_url: str,
    database: Database,
    org_a: OrgWithMembers,
    token_for: Any,
    smtp: tuple[Mailbox, int],
) -> None:
    mailbox, port = smtp
    settings = ServerSettings(
        data_dir=tmp_path / "data", database_url=database_url, secret_key="mail-test-key", smtp_host="127.0.0.1",
        smtp_port=port, smtp_starttls=False, smtp_from="aisma@example.test", public_url="https://aisma.example.test/",
    )  # fmt: skip
    contributor_email, assessor_email = org_a.emails[Role.CONTRIBUTOR], org_a.emails[Role.ASSESSOR]
    with TestClient(create_app(settings)) as client:
        api = f"/api/v1/orgs/{org_a.slug}"
        assessor, contributor = token_for(org_a, Role.ASSESSOR), token_for(org_a, Role.CONTRIBUTOR)
        owner = token_for(org_a, Role.OWNER)

        assigned = client.put(
            f"{api}/assignments/objective/GOV-1.2",
            headers=assessor,
            json={"assignee": contributor_email, "due": "2030-01-10"},
        )
        assert assigned.status_code == 200, assigned.text
        wait_until(lambda: len(mailbox.messages) == 1, "the assignment email")
        to, subject, text = mailbox.parsed(0)
        assert to == [contributor_email]
        assert subject == "aisma: assessor@org-a.example assigned you objective GOV-1.2, due 2030-01-10"
        assert "https://aisma.example.test/orgs/org-a/work/objective/GOV-1.2" in text

        # the contributor answers and submits; the owner returns it with a reason: the answerer is told
        answer = client.put(f"{api}/answers/GOV-1.2", headers=contributor, json={"answer": "largely"}).json()
        submitted = client.post(
            f"{api}/answers/GOV-1.2/submit", headers=contributor, json={"version": answer["version"]}
        )
        assert submitted.status_code == 200, submitted.text
        returned = client.post(
            f"{api}/answers/GOV-1.2/decision", headers=owner,
            json={"decision": "returned", "version": answer["version"], "reason": "attach the signed charter"},
        )  # fmt: skip
        assert returned.status_code == 200, returned.text
        wait_until(lambda: len(mailbox.messages) == 2, "the returned email")
        to, subject, text = mailbox.parsed(1)
        assert to == [contributor_email] and "returned the answer to GOV-1.2" in subject and "signed charter" in text

        comment = client.post(
            f"{api}/comments/objective/GOV-1.2", headers=contributor, json={"body": "@assessor done?"}
        )
        assert comment.status_code == 201
        wait_until(lambda: len(mailbox.messages) == 3, "the mention email")
        to, subject, text = mailbox.parsed(2)
        assert to == [assessor_email] and "mentioned you on objective GOV-1.2" in subject and "@assessor done?" in text

        # the digest, as of a day after the due date: one email to the contributor, once that day
        def digest(day: str) -> dict[str, Any]:
            with database.transaction() as session:
                job = jobs.enqueue(session, OVERDUE_JOB, {"today": day}, org_id=org_a.org_id,
                                   user_id=org_a.user_ids[Role.OWNER], created_by="test")  # fmt: skip
                job_id = job.id
            client.app.state.job_queue.notify(job_id)  # type: ignore[attr-defined]
            found: dict[str, Any] = {}

            def finished() -> bool:
                found.update(client.get(f"{api}/jobs/{job_id}", headers=owner).json())
                return found["status"] in ("succeeded", "failed")

            wait_until(finished, "the digest job")
            assert found["status"] == "succeeded", found
            return dict(found["result"])

        assert digest("2030-01-10")["sent"] == 0  # due that day: not overdue yet
        assert digest("2030-01-11")["sent"] == 1
        wait_until(lambda: len(mailbox.messages) == 4, "the digest")
        to, subject, text = mailbox.parsed(3)
        assert to == [contributor_email] and subject.startswith("aisma: 1 overdue item in") and "GOV-1.2" in text
        assert digest("2030-01-11")["sent"] == 0  # one a day
        assert len(mailbox.messages) == 4

        log = client.get(f"{api}/notifications", headers=contributor).json()
        assert [n["kind"] for n in log] == ["overdue", "returned", "assigned"]
        wait_until(
            lambda: all(n["status"] == "sent" for n in client.get(f"{api}/notifications", headers=contributor).json()),
            "the log to say sent",
        )
