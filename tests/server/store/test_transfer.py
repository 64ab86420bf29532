"""Import the example bank workspace into the server and export it back: nothing is lost."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.fileio import sha256_of
from aisma.reports.json_report import render_json
from aisma.server.auth import Role
from aisma.server.errors import Conflict, Forbidden
from aisma.store.db import Database
from aisma.web.features.answers import service as answers
from aisma.web.features.audit import service as audit
from aisma.web.features.organizations import service as accounts
from aisma.web.features.transfer import service as transfer
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_workspace

from ..factories import OrgWithMembers


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bank") / "bank"
    write_example(directory, overwrite_demo=False)
    return directory


def _evidence(root: Path) -> dict[str, str]:
    folder = root / "evidence"
    return {p.relative_to(folder).as_posix(): sha256_of(p) for p in folder.rglob("*") if p.is_file()}


def _without_inventory_sha(result_json: str) -> dict[str, object]:
    """The result with the inventory file's sha256 masked: export writes the same data without comments."""
    data = json.loads(result_json)
    text = json.dumps(data)
    for source in ("inventory.yaml",):
        assert source in text
    return json.loads(text.replace(_inventory_sha(data), "<inventory sha256>"))


def _inventory_sha(data: dict[str, object]) -> str:
    for category in data["categories"]:  # type: ignore[union-attr]
        for objective in category["objectives"]:
            for source in (objective.get("measurement") or {}).get("sources") or []:
                if source.get("file") == "inventory.yaml":
                    return str(source["sha256"])
    raise AssertionError("no inventory measurement")


@pytest.mark.slow
def test_round_trip_is_lossless(database: Database, bank: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with database.transaction() as s:
        summary = transfer.import_workspace(s, bank, "bank", store)
    assert (summary.systems, summary.evidence_files) == (14, len(_evidence(bank)))
    assert summary.answers > 100 and summary.measurements > 0
    with database.transaction() as s:
        actor = accounts.system_actor(s, "bank")
        transfer.export_workspace(s, actor, tmp_path / "out", store)
    before, after = open_workspace(bank), open_workspace(tmp_path / "out")
    assert after.config == before.config
    assert after.inventory == before.inventory
    assert after.inventory_settings == before.inventory_settings
    assert {a.objective_id: a for a in after.answers} == {a.objective_id: a for a in before.answers}
    assert after.warnings == before.warnings
    assert _evidence(tmp_path / "out") == _evidence(bank)
    at = datetime.fromisoformat(DEMO_ASSESSED_AT)
    original = render_json(assess_workspace(bank, at))
    exported = render_json(assess_workspace(tmp_path / "out", at))
    assert _without_inventory_sha(exported) == _without_inventory_sha(original)
    with database.transaction(readonly=True) as s:
        assert audit.verify(s).ok


def test_import_refuses_an_org_with_data(database: Database, bank: Path, tmp_path: Path, org_a: OrgWithMembers) -> None:
    with database.transaction() as s:
        answers.save_answer(s, org_a.actors[Role.OWNER], "GOV-1.1", "fully")
    with database.transaction() as s, pytest.raises(Conflict, match="already holds data"):
        transfer.import_workspace(s, bank, "org-a", tmp_path / "store", collect=False)


def test_export_needs_an_owner_and_an_empty_folder(database: Database, org_a: OrgWithMembers, tmp_path: Path) -> None:
    from aisma.errors import AismaError

    with database.transaction() as s:
        with pytest.raises(Forbidden):
            transfer.export_workspace(s, org_a.actors[Role.ASSESSOR], tmp_path / "x", tmp_path / "store")
        (tmp_path / "full").mkdir()
        (tmp_path / "full" / "keep.txt").write_text("mine")
        with pytest.raises(AismaError, match="not empty"):
            transfer.export_workspace(s, org_a.actors[Role.OWNER], tmp_path / "full", tmp_path / "store")
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


def test_export_of_server_made_data_is_a_valid_workspace(
    database: Database, org_a: OrgWithMembers, tmp_path: Path
) -> None:
    """Answers citing an upload by sha256 export as a path into evidence/, and the workspace reads clean."""
    import io

    from aisma.web.features.evidence import service as evidence
    from aisma.web.features.inventory import service as inventory

    owner, store = org_a.actors[Role.OWNER], tmp_path / "store"
    system = {"id": "bot", "name": "Bot", "track": "copilot", "deployment_type": "api_saas", "owner": "a@b.example"}
    with database.transaction() as s:
        record = evidence.store_evidence(s, owner, store, "uploads/policy.pdf", io.BytesIO(b"%PDF-1.7"), 100)
        inventory.create_system(s, owner, system)
        answers.save_answer(s, owner, "GOV-1.1", "fully", note="signed", evidence=[f"sha256:{record.sha256}"])
        answers.save_answer(s, owner, "GOV-1.2", "na", justification="no such function here")
        transfer.export_workspace(s, owner, tmp_path / "out", store)
    workspace = open_workspace(tmp_path / "out")
    assert workspace.warnings == ()
    by_id = {a.objective_id: a for a in workspace.answers}
    assert [e.ref for e in by_id["GOV-1.1"].evidence] == ["evidence/uploads/policy.pdf"]
    assert by_id["GOV-1.1"].evidence[0].sha256 == record.sha256 and by_id["GOV-1.1"].by == owner.email
    assert by_id["GOV-1.2"].answer == "na" and by_id["GOV-1.2"].justification == "no such function here"
    assert [s.id for s in workspace.inventory.systems] == ["bot"]
    assert workspace.config.organization == "Org-A"
