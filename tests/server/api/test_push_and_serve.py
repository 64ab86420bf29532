"""``aisma push`` against a real server, and ``aisma serve`` starting one from nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from aisma.cli.main import run
from aisma.fileio import sha256_of
from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.web.serve import prepare

from ..factories import OrgWithMembers


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> ServerSettings:
    """Room for the example's tool outputs (the API tests use a tiny upload limit)."""
    return ServerSettings(data_dir=tmp_path / "data", database_url=database_url, secret_key="k", max_upload_bytes=2**23)


@pytest.fixture
def example_workspace(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    assert run(["init", str(target), "--example"]) == 0
    return target


def test_push_sends_every_measurement_with_provenance(
    live_server: str, example_workspace: Path, org_a: OrgWithMembers, token_for, capsys: pytest.CaptureFixture[str]
) -> None:
    push_token = token_for(org_a, Role.ASSESSOR, ("push",))["Authorization"].removeprefix("Bearer ")
    code = run(["push", str(example_workspace), "--server", live_server, "--token", push_token, "--at", "2026-11-16"])
    out = capsys.readouterr().out
    assert code == 0, out
    pushed = int(out.split("pushed ")[1].split(" ")[0])
    assert pushed > 10 and "to org-a" in out

    reader = token_for(org_a, Role.VIEWER, ("read",))
    stored = httpx.get(f"{live_server}/api/v1/orgs/org-a/measurements", headers=reader, params={"limit": 1000}).json()
    assert len(stored) == pushed
    for measurement in stored:
        provenance = measurement["provenance"]
        assert measurement["pushed_by"].startswith("assessor@org-a.example")
        source = example_workspace / provenance["file"]
        assert source.is_file(), provenance  # the file a number came from, relative to the workspace
        assert provenance["sha256"] == sha256_of(source)


@pytest.mark.slow
def test_push_sends_entity_ids_and_replaces_its_observed_assets(
    live_server: str, example_workspace: Path, org_a: OrgWithMembers, token_for, capsys: pytest.CaptureFixture[str]
) -> None:
    """What discovery and the union merge need travels too; a second push replaces, never adds."""
    from aisma.collectors.run import collect_workspace
    from aisma.workspace.loader import open_workspace

    push_token = token_for(org_a, Role.ASSESSOR, ("push",))["Authorization"].removeprefix("Bearer ")
    args = ["push", str(example_workspace), "--server", live_server, "--token", push_token, "--at", "2026-11-16"]
    reader = token_for(org_a, Role.VIEWER, ("read",))
    for _ in range(2):
        assert run(args) == 0, capsys.readouterr().err
        assets = httpx.get(f"{live_server}/api/v1/orgs/org-a/observed", headers=reader).json()
        workspace = open_workspace(example_workspace)
        seen = collect_workspace(
            workspace.root, workspace.config.collectors, workspace.inventory, datetime(2026, 11, 16, tzinfo=UTC)
        ).observed
        assert len(assets) == len(seen) > 0
        assert {a["source"] for a in assets} == {"assessor@org-a.example (token)"}
        assert {(a["kind"], a["identifier"], a["tool"]) for a in assets} == {
            (a.kind, a.identifier, a.tool) for a in seen
        }
    stored = httpx.get(f"{live_server}/api/v1/orgs/org-a/measurements", headers=reader, params={"limit": 1000}).json()
    with_ids = [m for m in stored if m["population"] is not None]
    assert with_ids and all(set(m["covered"]) <= set(m["population"]) for m in with_ids)
    assert all(m["numerator"] == len(m["covered"]) for m in with_ids)


@pytest.mark.slow
def test_push_can_upload_the_evidence_it_measured(
    live_server: str, example_workspace: Path, org_a: OrgWithMembers, token_for, capsys: pytest.CaptureFixture[str]
) -> None:
    push_token = token_for(org_a, Role.ASSESSOR, ("push",))["Authorization"].removeprefix("Bearer ")
    args = ["push", str(example_workspace), "--server", live_server, "--token", push_token, "--upload-evidence"]
    assert run(args) == 0
    out = capsys.readouterr().out
    uploaded = int(out.split(" and ")[1].split(" ")[0])
    reader = token_for(org_a, Role.VIEWER, ("read",))
    measurements = httpx.get(
        f"{live_server}/api/v1/orgs/org-a/measurements", headers=reader, params={"limit": 1000}
    ).json()
    evidence = httpx.get(f"{live_server}/api/v1/orgs/org-a/evidence", headers=reader).json()
    assert len(evidence) == uploaded > 5
    stored = {f"evidence/{e['filename']}": e["sha256"] for e in evidence}
    for m in measurements:  # every number's source file is on the server, byte for byte
        if m["provenance"]["file"].startswith("evidence/"):
            assert stored[m["provenance"]["file"]] == m["provenance"]["sha256"]
    one = evidence[0]
    content = httpx.get(f"{live_server}/api/v1/orgs/org-a/evidence/{one['id']}/content", headers=reader).content
    assert sha256_of_bytes(content) == one["sha256"]


def sha256_of_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_push_errors_are_one_line(
    live_server: str, example_workspace: Path, org_a: OrgWithMembers, token_for, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["push", str(example_workspace), "--server", live_server, "--token", "aisma_wrong"]) == 1
    assert "token was rejected" in capsys.readouterr().err
    read_only = token_for(org_a, Role.OWNER, ("read",))["Authorization"].removeprefix("Bearer ")
    assert run(["push", str(example_workspace), "--server", live_server, "--token", read_only]) == 1
    assert ": 403 " in capsys.readouterr().err
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    assert run(["push", str(example_workspace), "--server", f"http://127.0.0.1:{closed}", "--token", "t"]) == 1
    assert "cannot reach the server" in capsys.readouterr().err


def test_prepare_migrates_and_creates_the_admin_once(tmp_path: Path, empty_database_url: str) -> None:
    settings = ServerSettings(data_dir=tmp_path / "data", database_url=empty_database_url)
    first = prepare(settings)
    assert any("created the first admin admin@localhost" in line for line in first)
    password_line = next(line for line in first if "one-time password" in line)
    assert len(password_line.split("one-time password: ")[1].split()[0]) >= 12
    assert (tmp_path / "data" / "secret.key").stat().st_mode & 0o777 == 0o600
    again = prepare(settings)
    assert not any("created" in line for line in again)


@pytest.mark.slow
def test_serve_starts_a_working_server(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "AISMA_DATA_DIR": str(tmp_path / "data"),
        "AISMA_ADMIN_EMAIL": "root@example.org",
        "AISMA_ADMIN_PASSWORD": "a long enough admin password",
    }
    env.pop("AISMA_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "aisma.cli.main", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 600  # generous: two workers start slowly on a loaded machine
        while True:
            try:
                page = httpx.get(f"{base}/login", timeout=30)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "aisma serve did not come up"
                time.sleep(0.2)
        assert page.status_code == 200 and 'name="csrf_token"' in page.text
        with httpx.Client(base_url=base) as browser:
            browser.get("/login")
            signed_in = browser.post(
                "/login",
                data={
                    "email": "root@example.org",
                    "password": "a long enough admin password",
                    "csrf_token": browser.cookies["aisma_login_csrf"],
                },
            )
            assert signed_in.status_code == 303
            orgs = browser.get("/api/v1/orgs").json()
            assert orgs[0]["role"] == "owner"
            for _ in range(20):  # both workers serve
                assert browser.get("/api/v1/me").status_code == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=300)
    # Two workers started once each: none was killed by the supervisor's start-up health check and restarted.
    assert output.count("Started server process") == 2, output
    assert "died" not in output and "Child process" not in output, output
    assert "created the first admin root@example.org" in output
    assert "one-time password" not in output  # the password was given
    assert (tmp_path / "data" / "aisma.db").is_file()


def test_serve_with_an_unreachable_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("AISMA_DATABASE_URL", f"postgresql://nobody:secret@127.0.0.1:{closed}/aisma")
    monkeypatch.setenv("AISMA_DATA_DIR", str(tmp_path / "unused"))  # restored after: serve sets it
    assert run(["serve", "--data-dir", str(tmp_path / "data")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("aisma: error: database ") and "secret" not in err
    assert len(err.strip().splitlines()) == 1
