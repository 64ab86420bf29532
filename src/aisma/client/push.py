"""The edge side of the server: run a workspace's collectors here, push the measurements there.

Collectors run where the tool output lives (a cloud account, a CI job); only measurements travel,
each with its provenance (tool, version, file, sha256), so the server can show an auditor exactly
which file a number came from without ever receiving the file. ``aisma push`` is the CLI face.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from aisma.client.wire import MAX_ASSETS, asset_to_dict, measurement_to_dict
from aisma.collectors.run import collect_workspace
from aisma.errors import AismaError
from aisma.fileio import sha256_of
from aisma.layout import EVIDENCE_DIR
from aisma.scoring.inputs import Measurement, ObservedAsset
from aisma.workspace.clock import assessment_time
from aisma.workspace.loader import open_workspace

API_PREFIX = "/api/v1"
BATCH_SIZE = 500  # measurements per request: well under the server's body limit
TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class PushReport:
    organization: str
    pushed: int
    warnings: tuple[str, ...]
    uploaded: int = 0  # evidence files
    observed: int = 0  # AI assets seen (discovery)


class ApiClient:
    """A thin httpx client for the REST API that turns every failure into one ``AismaError`` line."""

    def __init__(self, server: str, token: str, transport: httpx.BaseTransport | None = None) -> None:
        if not server.startswith(("http://", "https://")):
            raise AismaError(f"--server {server!r}: expected an http:// or https:// URL")
        if not token:
            raise AismaError("an API token is needed (--token or AISMA_TOKEN); create one in the server's admin page")
        self.server = server.rstrip("/")
        self._http = httpx.Client(
            base_url=self.server + API_PREFIX,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "aisma-push"},
            timeout=TIMEOUT_SECONDS,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, json: Any = None, files: Any = None, data: Any = None) -> Any:
        try:
            response = self._http.request(method, path, json=json, files=files, data=data)
        except httpx.HTTPError as exc:
            raise AismaError(f"{self.server}: cannot reach the server ({type(exc).__name__}: {exc})") from None
        if response.status_code == 401:
            raise AismaError(f"{self.server}: the API token was rejected (invalid, expired or revoked)")
        if response.status_code >= 400:
            raise AismaError(f"{self.server}{API_PREFIX}{path}: {response.status_code} {_detail(response)}")
        return response.json()

    def token_organization(self) -> str:
        """The one organization an API token belongs to."""
        orgs = self.request("GET", "/orgs")
        if not isinstance(orgs, list) or len(orgs) != 1:
            raise AismaError(f"{self.server}: the token sees {len(orgs)} organizations; name one with --org")
        return str(orgs[0]["slug"])

    def push_measurements(self, org: str, measurements: Sequence[Measurement]) -> int:
        pushed = 0
        for start in range(0, len(measurements), BATCH_SIZE):
            batch = [measurement_to_dict(m) for m in measurements[start : start + BATCH_SIZE]]
            answer = self.request("POST", f"/orgs/{org}/measurements", json={"measurements": batch})
            pushed += int(answer["accepted"])
        return pushed

    def push_observed(self, org: str, observed: Sequence[ObservedAsset]) -> int:
        """Replace this pusher's observed AI assets on the server (one request: discovery needs them all)."""
        if len(observed) > MAX_ASSETS:
            raise AismaError(f"the collectors observed {len(observed)} AI assets; a push takes at most {MAX_ASSETS}")
        answer = self.request("PUT", f"/orgs/{org}/observed", json={"observed": [asset_to_dict(a) for a in observed]})
        return int(answer["accepted"])

    def upload_evidence(self, org: str, root: Path, relative: str) -> None:
        """Upload one evidence file (path relative to the workspace) and check the server's sha256."""
        local = root / relative
        name = relative.removeprefix(f"{EVIDENCE_DIR}/")
        with local.open("rb") as handle:
            record = self.request(
                "POST", f"/orgs/{org}/evidence", files={"file": (local.name, handle)}, data={"path": name}
            )
        if record.get("sha256") != sha256_of(local):
            raise AismaError(f"{relative}: the server stored different bytes (sha256 mismatch); push again")

    def import_workbook(self, org: str, workbook: Path, dry_run: bool, force: bool = False) -> list[str]:
        """Send a filled-in workbook to ``/answers/workbook``; returns the changes as the server describes them."""
        from aisma.formats.xlsx_safety import read_limited

        data = read_limited(workbook)
        flags = f"dry_run={'true' if dry_run else 'false'}" + ("&force=true" if force else "")
        path = f"/orgs/{org}/answers/workbook?{flags}"
        answer = self.request("POST", path, files={"file": (workbook.name, data)})
        return [str(change["summary"]) for change in answer["changes"]]


def evidence_sources(root: Path, measurements: Sequence[Measurement]) -> list[str]:
    """The workspace files under evidence/ that the measurements came from, each once."""
    found = {
        m.source.file
        for m in measurements
        if m.source.file.startswith(f"{EVIDENCE_DIR}/") and (root / m.source.file).is_file()
    }
    return sorted(found)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    detail = body.get("detail") if isinstance(body, dict) else body
    return str(detail)[:500]


def push_workspace(
    directory: str | Path,
    server: str,
    token: str,
    org: str | None,
    at: datetime | None,
    transport: httpx.BaseTransport | None = None,
    upload_evidence: bool = False,
    strict: bool = False,
) -> PushReport:
    """Collect the workspace's evidence locally and push every measurement to one organization.

    The observed AI assets (discovery) replace the ones this token's user pushed before.

    With ``upload_evidence`` the tool output files the measurements came from are uploaded first,
    so the server holds the very bytes whose sha256 the provenance names. With ``strict`` an evidence
    file that cannot be read stops the push before anything is sent.
    """
    workspace = open_workspace(directory)
    when, _ = assessment_time(at, workspace.config.as_of)
    collected = collect_workspace(workspace.root, workspace.config.collectors, workspace.inventory, when)
    if strict and collected.unreadable:  # nothing is pushed: a partial push would look complete on the server
        shown = "; ".join(collected.unreadable[:3]) + (" ..." if len(collected.unreadable) > 3 else "")
        raise AismaError(
            f"--strict: {len(collected.unreadable)} evidence file(s) could not be read, nothing pushed: {shown}"
        )
    uploaded = 0
    with ApiClient(server, token, transport=transport) as client:
        slug = org or client.token_organization()
        if upload_evidence:
            for relative in evidence_sources(workspace.root, collected.measurements):
                client.upload_evidence(slug, workspace.root, relative)
                uploaded += 1
        pushed = client.push_measurements(slug, collected.measurements)
        observed = client.push_observed(slug, collected.observed)
    return PushReport(
        organization=slug, pushed=pushed, warnings=collected.warnings, uploaded=uploaded, observed=observed
    )
