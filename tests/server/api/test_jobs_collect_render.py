"""Collector runs over uploaded evidence and report rendering as jobs: 202 and the job's URL, the job's
result, its effect (measurements, observed assets, a file), and bad requests refused up front."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role

from ..factories import OrgWithMembers
from .conftest import assessed, finished_job

pytestmark = pytest.mark.slow  # collectors and reports run as jobs through the app

BANK = Path(__file__).parents[3] / "src" / "aisma" / "examples" / "bank" / "evidence"
GARAK = BANK / "garak" / "ask-northbridge-20261106.report.jsonl"
MCP = BANK / "mcp" / "claude-code-platform-engineering-2026-11-10T0900Z.json"


def test_collectors_run_over_uploaded_evidence(client: TestClient, token_for, org_a: OrgWithMembers) -> None:  # type: ignore[no-untyped-def]
    auth = token_for(org_a)
    base = f"/api/v1/orgs/{org_a.slug}"
    for folder, path in (("garak", GARAK), ("mcp", MCP)):
        uploaded = client.post(
            f"{base}/evidence",
            headers=auth,
            files={"file": (path.name, path.read_bytes())},
            data={"path": f"{folder}/{path.name}"},
        )
        assert uploaded.status_code == 201, uploaded.text
    assert client.get(f"{base}/measurements", headers=auth).json() == []
    accepted = client.post(f"{base}/evidence/collect", headers=auth, json={})
    assert accepted.headers["location"] == f"{base}/jobs/{accepted.json()['id']}"
    assert accepted.json()["name"] == "collectors.run"
    result = finished_job(client, accepted, auth)
    assert result["files"] == 2 and {"garak", "mcp-config"} <= set(result["collectors"])
    assert result["measurements"] > 0 and result["observed"] > 0
    stored = client.get(f"{base}/measurements", headers=auth, params={"limit": 500}).json()
    assert len(stored) == result["measurements"]
    files = {m["provenance"].get("file") for m in stored}
    assert f"evidence/garak/{GARAK.name}" in files
    # a second run stores its own measurements; the observed assets of a collector are replaced, not added
    observed = client.get(f"{base}/observed", headers=auth).json()
    again = finished_job(client, client.post(f"{base}/evidence/collect", headers=auth, json={}), auth)
    assert again["observed"] == result["observed"]
    assert len(client.get(f"{base}/observed", headers=auth).json()) == len(observed)
    # an assessment reads what the collectors measured
    assessment_id = assessed(client, org_a.slug, auth)
    latest = client.get(f"{base}/assessments/{assessment_id}", headers=auth).json()["result"]
    measured = [o for c in latest["categories"] for o in c["objectives"] if o["source"] == "measured"]
    assert measured


def test_collect_only_named_collectors_and_refuse_unknown_ones(
    client: TestClient, token_for, org_a: OrgWithMembers
) -> None:  # type: ignore[no-untyped-def]
    auth = token_for(org_a)
    base = f"/api/v1/orgs/{org_a.slug}"
    client.post(f"{base}/evidence", headers=auth, files={"file": (GARAK.name, GARAK.read_bytes())},
                data={"path": f"garak/{GARAK.name}"})  # fmt: skip
    only = finished_job(
        client, client.post(f"{base}/evidence/collect", headers=auth, json={"collectors": ["otel"]}), auth
    )
    assert only["collectors"] == ["otel"] and only["measurements"] == 0
    refused = client.post(f"{base}/evidence/collect", headers=auth, json={"collectors": ["nope"]})
    assert refused.status_code == 422 and "nope" in refused.text
    assert client.post(f"{base}/evidence/collect", headers=auth, json={"collectors": "otel"}).status_code == 422
    viewer = token_for(org_a, Role.VIEWER)
    assert client.post(f"{base}/evidence/collect", headers=viewer, json={}).status_code == 403


def test_reports_render_as_jobs(client: TestClient, token_for, org_a: OrgWithMembers) -> None:  # type: ignore[no-untyped-def]
    auth = token_for(org_a)
    base = f"/api/v1/orgs/{org_a.slug}"
    assessment_id = assessed(client, org_a.slug, auth)
    for fmt in ("json", "md", "xlsx"):
        accepted = client.post(f"{base}/assessments/{assessment_id}/reports", headers=auth, json={"format": fmt})
        job_id = accepted.json()["id"]
        result = finished_job(client, accepted, auth)
        assert result["format"] == fmt and result["assessment_id"] == assessment_id
        file = client.get(f"{base}/jobs/{job_id}/file", headers=auth)
        assert file.status_code == 200
        assert file.headers["x-content-type-options"] == "nosniff"
        assert (
            "attachment" in file.headers["content-disposition"]
            and result["filename"] in file.headers["content-disposition"]
        )
        direct = client.get(f"{base}/assessments/{assessment_id}/report", headers=auth, params={"format": fmt})
        if fmt != "xlsx":  # the workbook carries its creation time; the text formats are byte for byte the same
            assert file.content == direct.content
        assert len(file.content) == result["size"]
    assert json.loads(client.get(f"{base}/jobs/{job_id - 2}/file", headers=auth).content)["schema"] == "aisma.result/v1"
    # refused before any job exists: an unknown assessment, a format that is not one
    assert client.post(f"{base}/assessments/999999/reports", headers=auth, json={"format": "json"}).status_code == 404
    bad = client.post(f"{base}/assessments/{assessment_id}/reports", headers=auth, json={"format": "docx"})
    assert bad.status_code in (404, 422)
    # a job without a file has none
    jobs = client.get(f"{base}/jobs", headers=auth).json()
    assessment_job = next(j for j in jobs if j["name"] == "assessment.run")
    assert client.get(f"{base}/jobs/{assessment_job['id']}/file", headers=auth).status_code == 404
