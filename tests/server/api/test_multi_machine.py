"""Two ``aisma serve`` and two ``aisma worker`` processes on one PostgreSQL, evidence in S3 (moto's
server mode on loopback): every request, job and download works whichever process answers it.

Each server has a data folder of its own, as two machines would; they share the database, the
bucket and the secret key only. Both servers start at the same moment (their migrations race and
are serialized by the migration lock).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow  # two servers and two workers in processes of their own

PATIENCE = 600  # seconds: generous, only a broken server ends a wait this way
ADMIN = ("root@example.org", "a long enough admin password")
BUCKET = "aisma-evidence"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _until(check: Any, what: str) -> Any:
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            value = check()
            if value:
                return value
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"waited {PATIENCE} s for {what}"
        time.sleep(0.2)


@pytest.fixture
def s3(tmp_path: Path) -> Any:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_servers_and_two_workers_serve_everything(backend: str, database_url: str, tmp_path: Path, s3: Any) -> None:
    endpoint, bucket = s3
    common = {
        **os.environ,
        "AISMA_DATABASE_URL": database_url,
        "AISMA_SECRET_KEY": "shared-by-every-machine",
        "AISMA_EVIDENCE_URL": f"s3://{BUCKET}/evidence",
        "AISMA_JOB_QUEUE": "procrastinate",
        "AISMA_ADMIN_EMAIL": ADMIN[0],
        "AISMA_ADMIN_PASSWORD": ADMIN[1],
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    processes: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            env = {**common, "AISMA_DATA_DIR": str(tmp_path / f"machine-{name}")}
            log = (tmp_path / f"serve-{name}.log").open("wb")
            command = [sys.executable, "-m", "aisma.cli.main", "serve", "--port", str(port)]
            processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            _until(lambda url=url: httpx.get(f"{url}/login", timeout=5).status_code == 200, f"{url} to start")
        for name in ("a", "b"):
            env = {**common, "AISMA_DATA_DIR": str(tmp_path / f"worker-{name}")}
            log = (tmp_path / f"worker-{name}.log").open("wb")
            command = [sys.executable, "-m", "aisma.cli.main", "worker"]
            processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT))
        a, b = (httpx.Client(base_url=url, timeout=60) for url in urls)

        # a session made on A is a session on B
        a.get("/login")
        signed_in = a.post(
            "/login", data={"email": ADMIN[0], "password": ADMIN[1], "csrf_token": a.cookies["aisma_login_csrf"]}
        )
        assert signed_in.status_code in (200, 303)
        b.cookies.set("aisma_session", a.cookies["aisma_session"])
        me = b.get("/api/v1/me").json()
        assert me["email"] == ADMIN[0]
        csrf = {"X-CSRF-Token": me["csrf_token"]}
        org = b.get("/api/v1/orgs").json()[0]["slug"]
        base = f"/api/v1/orgs/{org}"
        made = a.post(f"{base}/tokens", headers=csrf, json={"name": "ci", "scopes": ["read", "write", "push"]})
        token = {"Authorization": f"Bearer {made.json()['token']}"}

        # evidence uploaded through A, downloaded through B; the bytes are in the bucket, on no machine
        content = b"# AI security policy\napproved\n" * 100
        uploaded = a.post(f"{base}/evidence", headers=token, files={"file": ("policy.md", content)}).json()
        downloaded = b.get(f"{base}/evidence/{uploaded['id']}/content", headers=token)
        assert downloaded.status_code == 200 and downloaded.content == content
        keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
        assert len(keys) == 1 and keys[0].startswith("evidence/") and keys[0].endswith(uploaded["sha256"])
        assert not any(p.is_file() and p.name == uploaded["sha256"] for p in tmp_path.rglob("*"))

        # an answer saved on B is read on A; an assessment asked of B is run by a worker, seen on A
        saved = b.put(
            f"{base}/answers/GOV-1.1", headers=token, json={"answer": "fully", "evidence": ["evidence/policy.md"]}
        )
        assert saved.status_code == 200, saved.text
        assert a.get(f"{base}/answers/GOV-1.1", headers=token).json()["version"] == 1
        accepted = b.post(f"{base}/assessments", headers=token, json={})
        assert accepted.status_code == 202, accepted.text
        job_url = accepted.headers["location"]
        job = _until(
            lambda: (j := a.get(job_url, headers=token).json())["status"] in ("succeeded", "failed") and j, "the job"
        )
        assert job["status"] == "succeeded" and job["attempts"] == 1, job
        assessment_id = job["result"]["assessment_id"]
        result = b.get(f"{base}/assessments/{assessment_id}", headers=token).json()["result"]
        gov = next(c for c in result["categories"] if c["id"] == "GOV")
        assert any(o["id"] == "GOV-1.1" and o["status"] == "met" for o in gov["objectives"])
        report = a.get(f"{base}/assessments/{assessment_id}/report", params={"format": "md"}, headers=token)
        assert report.status_code == 200 and "GOV" in report.text
        logs = "".join((tmp_path / f"serve-{n}.log").read_text(errors="replace") for n in ("a", "b"))
        assert len(re.findall(r"created the first admin", logs)) == 1, logs
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
