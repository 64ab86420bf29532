"""Every registered report format from the server, and the workbook round trip through the API.

In-process on SQLite and PostgreSQL: each format downloads with its media type and file name (PDF
has pages, the workbook holds the organization's answers, OSCAL validates against NIST's schema);
an exported workbook with two answers changed imports as exactly those two changes, with new
versions and audit rows; hostile, foreign-version and out-of-role workbooks are refused whole.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from aisma.reports import registry
from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.web.features.reports import service as report_service
from aisma.workbook import layout

from ..factories import OrgWithMembers
from .conftest import assessed

API = "/api/v1/orgs"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> ServerSettings:
    """A workbook of the built-in model is over the 64 KiB other API tests use as the upload limit."""
    return ServerSettings(
        data_dir=tmp_path / "data", database_url=database_url, secret_key="test-secret-key", max_upload_bytes=2**22
    )


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response


def seed(client: TestClient, auth: dict[str, str], slug: str) -> int:
    """Two answers and one system, then an assessment; returns its id."""
    base = f"{API}/{slug}"
    system = {"id": "chat", "name": "Support chat", "track": "build", "deployment_type": "api_saas"}
    ok(client.post(f"{base}/inventory", headers=auth, json={"document": system}))
    ok(client.put(f"{base}/answers/GOV-1.1", headers=auth, json={"answer": "fully", "note": "board minutes"}))
    ok(client.put(f"{base}/answers/GOV-1.2", headers=auth, json={"answer": "partially"}))
    return assessed(client, base.rsplit("/", 1)[-1], auth)


def download(client: TestClient, auth: dict[str, str], slug: str, run: int, fmt: str) -> Any:
    return client.get(f"{API}/{slug}/assessments/{run}/report", headers=auth, params={"format": fmt})


def cells(data: bytes) -> dict[str, dict[str, Any]]:
    """The objectives sheet as {objective id: {column key: value}}."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[layout.OBJECTIVES]
    headers = {c.value: i for i, c in enumerate(ws[1])}
    keys = {c.key: headers[c.header] for c in layout.OBJECTIVE_COLUMNS if c.header in headers}
    out = {}
    for row in ws.iter_rows(min_row=2):
        values = {key: row[index].value for key, index in keys.items()}
        out[str(values["id"])] = values
    return out


def edited(data: bytes, changes: dict[str, dict[str, str]], meta: dict[str, str] | None = None) -> bytes:
    """The workbook with cells changed as a system owner would, saved by openpyxl."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[layout.OBJECTIVES]
    headers = {c.value: i + 1 for i, c in enumerate(ws[1])}
    for row in range(2, ws.max_row + 1):
        objective = ws.cell(row=row, column=headers[layout.HEADER["id"]]).value
        for key, value in changes.get(str(objective), {}).items():
            ws.cell(row=row, column=headers[layout.HEADER[key]]).value = value
    for key, value in (meta or {}).items():
        for row in wb[layout.METADATA].iter_rows(min_row=2):
            if row[0].value == key:
                row[1].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client: TestClient, auth: dict[str, str], slug: str, data: bytes, dry_run: bool = False) -> Any:
    return client.post(
        f"{API}/{slug}/answers/workbook",
        headers=auth,
        params={"dry_run": str(dry_run).lower()},
        files={"file": ("filled in.xlsx", data, "application/octet-stream")},
    )


@pytest.mark.slow
def test_every_registered_format_downloads(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    run = seed(client, auth, org_a.slug)
    formats = {f.id: f for f in report_service.report_formats()}
    assert {"json", "md", "html", "pdf", "xlsx", "oscal", "oscal-plan"} <= set(formats)
    assert all(f.available for f in formats.values()), "the dev extra installs WeasyPrint and trestle"
    got = {}
    for fmt, info in formats.items():
        response = download(client, auth, org_a.slug, run, fmt)
        assert response.status_code == 200, (fmt, response.text[:300])
        assert response.headers["content-type"] == info.media_type
        disposition = response.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="aisma-org-a-') and disposition.endswith(f'{info.suffix}"')
        got[fmt] = response.content
    assert got["pdf"].startswith(b"%PDF")
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(got["pdf"])).pages) >= 2
    sheet = cells(got["xlsx"])
    assert sheet["GOV-1.1"]["answer"] == "fully" and sheet["GOV-1.1"]["note"] == "board minutes"
    assert sheet["GOV-1.2"]["answer"] == "partially"
    inventory = openpyxl.load_workbook(io.BytesIO(got["xlsx"]))[layout.INVENTORY]
    assert "chat" in [c.value for c in inventory["A"]]
    assert json.loads(got["json"])["overall"] is not None
    try:
        from reports.oscal_schema import errors
    except ImportError:  # pragma: no cover - the schema helper lives in tests/reports
        errors = None
    results, plan = json.loads(got["oscal"]), json.loads(got["oscal-plan"])
    assert "assessment-results" in results and "assessment-plan" in plan
    if errors is not None:
        assert errors(results, "assessment-results") == []
        assert errors(plan, "assessment-plan") == []


def test_unknown_and_unavailable_formats_are_never_a_500(
    client: TestClient, org_a: OrgWithMembers, token_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = token_for(org_a)
    run = seed(client, auth, org_a.slug)
    assert download(client, auth, org_a.slug, run, "docx").status_code == 404
    pdf = registry.installed()["pdf"]
    missing = replace(pdf, needs=(registry.Need("aisma_no_such_module", "WeasyPrint on the server"),))
    monkeypatch.setitem(registry.installed(), "pdf", missing)
    refused = download(client, auth, org_a.slug, run, "pdf")
    assert refused.status_code == 422 and "pdf is unavailable: needs WeasyPrint" in refused.json()["detail"]
    assert next(f for f in report_service.report_formats() if f.id == "pdf").available is False


def test_reports_of_another_organization_are_not_found(
    client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers, token_for
) -> None:
    run_b = seed(client, token_for(org_b), org_b.slug)
    a_auth = token_for(org_a)
    for fmt in ("pdf", "xlsx", "oscal"):
        assert download(client, a_auth, org_b.slug, run_b, fmt).status_code == 404
        assert download(client, a_auth, org_a.slug, run_b, fmt).status_code == 404


def audit_rows(client: TestClient, auth: dict[str, str], slug: str) -> list[dict[str, Any]]:
    rows = ok(client.get(f"{API}/{slug}/audit", headers=auth)).json()
    return [r for r in rows if r["action"] == "answer.save"]


@pytest.mark.slow
def test_workbook_round_trip_changes_exactly_the_edited_answers(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    owner = token_for(org_a)
    run = seed(client, owner, org_a.slug)
    exported = download(client, owner, org_a.slug, run, "xlsx").content
    before = {a["objective_id"]: a for a in ok(client.get(f"{API}/{org_a.slug}/answers", headers=owner)).json()}
    last_seq = max(r["seq"] for r in audit_rows(client, owner, org_a.slug))

    unchanged = upload(client, owner, org_a.slug, exported)
    assert ok(unchanged).json() == {"applied": False, "changes": []}

    assessor = token_for(org_a, Role.ASSESSOR)
    changed = edited(exported, {"GOV-1.2": {"answer": "fully"}, "GOV-2.1": {"answer": "not", "note": "no owner yet"}})
    preview = ok(upload(client, assessor, org_a.slug, changed, dry_run=True)).json()
    assert preview["applied"] is False
    assert [c["objective_id"] for c in preview["changes"]] == ["GOV-1.2", "GOV-2.1"]
    assert ["answer", "partially", "fully"] in preview["changes"][0]["fields"]
    assert ok(client.get(f"{API}/{org_a.slug}/answers", headers=owner)).json() == list(before.values())

    applied = ok(upload(client, assessor, org_a.slug, changed)).json()
    assert applied["applied"] is True and len(applied["changes"]) == 2
    after = {a["objective_id"]: a for a in ok(client.get(f"{API}/{org_a.slug}/answers", headers=owner)).json()}
    assert set(after) == set(before) | {"GOV-2.1"}
    assert after["GOV-1.1"] == before["GOV-1.1"]
    assert after["GOV-1.2"]["answer"] == "fully" and after["GOV-1.2"]["version"] == before["GOV-1.2"]["version"] + 1
    assert after["GOV-2.1"]["answer"] == "not" and after["GOV-2.1"]["note"] == "no owner yet"
    assert after["GOV-2.1"]["version"] == 1
    audit = audit_rows(client, owner, org_a.slug)
    new_rows = [r for r in audit if r["seq"] > last_seq]
    assert sorted(r["entity_id"] for r in new_rows) == ["GOV-1.2", "GOV-2.1"]
    assert {r["actor"] for r in new_rows} == {next(r["actor"] for r in new_rows)}
    gov12 = next(r for r in new_rows if r["entity_id"] == "GOV-1.2")
    assert gov12["before"]["answer"] == "partially" and gov12["after"]["answer"] == "fully"
    assert ok(upload(client, assessor, org_a.slug, changed)).json()["changes"] == [], "a second import is a no-op"


@pytest.mark.slow
def test_refused_workbooks(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    owner = token_for(org_a)
    run = seed(client, owner, org_a.slug)
    exported = download(client, owner, org_a.slug, run, "xlsx").content
    before = ok(client.get(f"{API}/{org_a.slug}/answers", headers=owner)).json()

    other_version = edited(exported, {"GOV-1.2": {"answer": "fully"}}, meta={layout.META_MODEL_VERSION: "0.0.1"})
    refused = upload(client, owner, org_a.slug, other_version)
    assert refused.status_code == 422
    assert "sheet metadata, cell B" in refused.json()["detail"] and "0.0.1" in refused.json()["detail"]

    unknown = edited(exported, {"GOV-1.2": {"id": "NOPE-9.9", "answer": "fully"}})
    refused = upload(client, owner, org_a.slug, unknown)
    assert refused.status_code == 422 and "sheet objectives, cell A" in refused.json()["detail"]
    assert "NOPE-9.9" in refused.json()["detail"]

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"0" * 5_000_000 + b"</a>")
    refused = upload(client, owner, org_a.slug, bomb.getvalue())
    assert refused.status_code == 422 and "zip bomb" in refused.json()["detail"]

    entities = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(exported)) as src, zipfile.ZipFile(entities, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                body = (
                    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                    + body.split(b"?>", 1)[-1]
                )
            dst.writestr(info, body)
    refused = upload(client, owner, org_a.slug, entities.getvalue())
    assert refused.status_code == 422 and "DTD" in refused.json()["detail"]

    too_big = upload(client, owner, org_a.slug, b"0" * (2**22 + 1))
    assert too_big.status_code == 413
    viewer = upload(client, token_for(org_a, Role.VIEWER), org_a.slug, exported)
    assert viewer.status_code == 403
    assert ok(client.get(f"{API}/{org_a.slug}/answers", headers=owner)).json() == before


@pytest.mark.slow
def test_contributor_imports_only_what_it_may_answer(
    client: TestClient, org_a: OrgWithMembers, token_for, database: Database
) -> None:
    from aisma.web.features.inventory import service as inventory

    owner = token_for(org_a)
    with database.transaction() as session:
        system = {"id": "ide-mcp", "name": "IDE with MCP", "track": "coding_tool", "deployment_type": "api_saas"}
        system |= {"owner": org_a.emails[Role.CONTRIBUTOR], "mcp_servers": ["github"]}
        inventory.create_system(session, org_a.actors[Role.ASSESSOR], system)
    run = assessed(client, org_a.slug, owner)
    exported = download(client, owner, org_a.slug, run, "xlsx").content
    mcp = next(oid for oid in cells(exported) if oid.startswith("MCP-"))
    contributor = token_for(org_a, Role.CONTRIBUTOR)

    refused = upload(
        client, contributor, org_a.slug, edited(exported, {mcp: {"answer": "fully"}, "GOV-1.1": {"answer": "fully"}})
    )
    assert refused.status_code == 403
    assert "GOV-1.1" in refused.json()["detail"] and "nothing was imported" in refused.json()["detail"]
    assert ok(client.get(f"{API}/{org_a.slug}/answers", headers=owner)).json() == []

    applied = ok(upload(client, contributor, org_a.slug, edited(exported, {mcp: {"answer": "fully"}}))).json()
    assert [c["objective_id"] for c in applied["changes"]] == [mcp]
    saved = ok(client.get(f"{API}/{org_a.slug}/answers/{mcp}", headers=owner)).json()
    assert saved["answer"] == "fully" and saved["answered_by"] == org_a.emails[Role.CONTRIBUTOR]


@pytest.mark.slow
def test_cli_imports_into_a_server(
    live_server: str,
    client: TestClient,
    org_a: OrgWithMembers,
    token_for,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from aisma.cli.main import run

    owner = token_for(org_a)
    run_id = seed(client, owner, org_a.slug)
    exported = download(client, owner, org_a.slug, run_id, "xlsx").content
    workbook = tmp_path / "filled.xlsx"
    workbook.write_bytes(edited(exported, {"GOV-1.2": {"answer": "fully"}}))
    token = token_for(org_a, Role.ASSESSOR, ("read", "write"))["Authorization"].removeprefix("Bearer ")
    args = ["workbook", "import", str(workbook), "--server", live_server, "--token", token]
    assert run([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "GOV-1.2 (row" in out and "answer partially -> fully" in out and "1 answer would change in org-a" in out
    assert ok(client.get(f"{API}/{org_a.slug}/answers/GOV-1.2", headers=owner)).json()["answer"] == "partially"
    assert run(args) == 0
    assert "1 answer changed in org-a" in capsys.readouterr().out
    assert ok(client.get(f"{API}/{org_a.slug}/answers/GOV-1.2", headers=owner)).json()["answer"] == "fully"
    workbook.write_bytes(b"not a zip")
    assert run(args) == 1
    err = capsys.readouterr().err
    assert "422" in err and "not an XLSX workbook" in err and "Traceback" not in err


def upload_forced(client: TestClient, auth: dict[str, str], slug: str, data: bytes) -> Any:
    return client.post(
        f"{API}/{slug}/answers/workbook",
        headers=auth,
        params={"force": "true"},
        files={"file": ("filled in.xlsx", data, "application/octet-stream")},
    )


def test_workbook_edits_of_answers_changed_since_export_are_conflicts(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    owner = token_for(org_a)
    base = f"{API}/{org_a.slug}"
    run = seed(client, owner, org_a.slug)
    exported = download(client, owner, org_a.slug, run, "xlsx").content
    versions = openpyxl.load_workbook(io.BytesIO(exported))[layout.VERSIONS]
    recorded = {row[0]: row[1] for row in versions.iter_rows(min_row=2, values_only=True)}
    assert recorded["GOV-1.1"] == "1" and recorded["GOV-1.2"] == "1" and recorded["GOV-2.1"] is None

    # after the export, an assessor edits GOV-1.1 on the server (version 2)
    assessor = token_for(org_a, Role.ASSESSOR)
    newer = {"answer": "largely", "note": "board minutes; one gap", "version": 1}
    ok(client.put(f"{base}/answers/GOV-1.1", headers=assessor, json=newer))

    # the untouched GOV-1.1 cell is stale and ignored; the clean GOV-1.2 edit applies
    clean = edited(exported, {"GOV-1.2": {"answer": "fully"}})
    applied = ok(upload(client, owner, org_a.slug, clean)).json()
    assert [c["objective_id"] for c in applied["changes"]] == ["GOV-1.2"] and applied["changes"][0]["forced"] is None
    assert ok(client.get(f"{base}/answers/GOV-1.1", headers=owner)).json()["answer"] == "largely"

    # editing GOV-1.1 in the same old workbook is a conflict: 409, every one named, nothing saved
    before = ok(client.get(f"{base}/answers", headers=owner)).json()
    clash = edited(exported, {"GOV-1.1": {"answer": "not"}, "GOV-2.1": {"answer": "partially"}})
    for dry_run in (True, False):
        refused = upload(client, owner, org_a.slug, clash, dry_run=dry_run)
        assert refused.status_code == 409, refused.text
        body = refused.json()
        assert [c["objective_id"] for c in body["conflicts"]] == ["GOV-1.1"]
        conflict = body["conflicts"][0]
        assert conflict["sheet"] == "objectives" and conflict["cells"] == ["F2"]
        assert (conflict["base_version"], conflict["current_version"]) == ("1", "2")
        assert "sheet objectives, cell F2: GOV-1.1 edited" in body["detail"]
        assert "(version 1 then, version 2 now)" in conflict["message"]
        assert ok(client.get(f"{base}/answers", headers=owner)).json() == before

    # forced: the edited cell wins, the note nobody edited in the workbook stays, and the audit says so
    forced = ok(upload_forced(client, owner, org_a.slug, clash)).json()
    assert forced["applied"] is True
    by_id = {c["objective_id"]: c for c in forced["changes"]}
    assert set(by_id) == {"GOV-1.1", "GOV-2.1"} and by_id["GOV-2.1"]["forced"] is None
    assert by_id["GOV-1.1"]["forced"]["cells"] == ["F2"] and by_id["GOV-1.1"]["summary"].endswith(
        "[forced over a newer answer]"
    )
    gov11 = ok(client.get(f"{base}/answers/GOV-1.1", headers=owner)).json()
    assert (gov11["answer"], gov11["note"], gov11["version"]) == ("not", "board minutes; one gap", 3)
    entries = [r for r in ok(client.get(f"{base}/audit", headers=owner)).json() if r["action"] == "workbook.force"]
    assert len(entries) == 1 and entries[0]["entity"] == "workbook" and entries[0]["entity_id"] == "filled in.xlsx"
    assert [o["objective_id"] for o in entries[0]["after"]["overridden"]] == ["GOV-1.1"]
    assert entries[0]["actor"].startswith(org_a.emails[Role.OWNER])


def test_a_workbook_that_records_no_versions_is_refused_unless_forced(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    owner = token_for(org_a)
    run = seed(client, owner, org_a.slug)
    exported = download(client, owner, org_a.slug, run, "xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(edited(exported, {"GOV-1.2": {"answer": "fully"}})))
    del wb[layout.VERSIONS]
    out = io.BytesIO()
    wb.save(out)
    refused = upload(client, owner, org_a.slug, out.getvalue())
    assert refused.status_code == 409 and refused.json()["conflicts"][0]["base_version"] is None
    assert "records no answer version" in refused.json()["detail"]
    assert ok(upload_forced(client, owner, org_a.slug, out.getvalue())).json()["applied"] is True
