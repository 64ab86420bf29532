"""Every collector on its corpus of real files (tests/data/<tool>/real/): what each file must give is in the
folder's manifest.yaml, counts checked by hand; where each file comes from, and its license, in SOURCE."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator

from aisma.collectors.base import CollectContext
from aisma.collectors.prowler.exports import prowler_findings
from aisma.collectors.registry import get
from aisma.collectors.run import run_collector
from aisma.formats.ocsf import ScanTally

DATA = Path(__file__).resolve().parent.parent / "data"
MANIFESTS = sorted(DATA.glob("*/real/manifest.yaml"))
NOT_SAMPLES = {"SOURCE", "manifest.yaml"}


def _cases() -> list[tuple[Path, str]]:
    return [(manifest, name) for manifest in MANIFESTS for name in yaml.safe_load(manifest.read_text())["files"]]


def test_every_corpus_folder_has_a_manifest_and_a_source_naming_each_file() -> None:
    assert {m.parent.parent.name for m in MANIFESTS} >= {
        "sarif",
        "prowler",
        "cyclonedx",
        "cisco-mcp-scanner",
        "garak",
        "promptfoo",
        "mcp",
    }
    for manifest in MANIFESTS:
        folder = manifest.parent
        samples = {p.name for p in folder.iterdir() if p.name not in NOT_SAMPLES}
        assert samples == set(yaml.safe_load(manifest.read_text())["files"]), folder
        source = (folder / "SOURCE").read_text()
        assert "license" in source.casefold() or "(Apache-2.0)" in source, folder
        for name in samples:
            assert name in source, f"{folder / 'SOURCE'} does not name {name}"


def _measured(result_measurements: Any) -> list[dict[str, Any]]:
    out = []
    for m in result_measurements:
        item: dict[str, Any] = {"metric": m.metric, "tool": m.source.tool}
        if m.denominator is None:
            item["value"] = m.value
        else:
            item["numerator"], item["denominator"] = m.numerator, m.denominator
        out.append(item)
    return out


@pytest.mark.parametrize(("manifest", "name"), _cases(), ids=[f"{m.parent.parent.name}/{n}" for m, n in _cases()])
def test_real_file_gives_what_its_manifest_says(manifest: Path, name: str) -> None:
    spec = yaml.safe_load(manifest.read_text())
    want = spec["files"][name]
    folder = manifest.parent
    path = folder / name
    context = CollectContext(assessed_at=datetime.fromisoformat(spec["assessed_at"]), root=folder)
    result = run_collector(get(spec["collector"]), [path], context)

    if "unreadable" in want:
        assert result.unreadable == (f"{name}: {want['unreadable']}",)
        return
    assert result.unreadable == ()
    expected = want.get("measurements", [])
    keys = ("metric", "tool", "value", "numerator", "denominator")
    assert _measured(result.measurements) == [{k: m[k] for k in keys if k in m} for m in expected]
    for got, m in zip(result.measurements, expected, strict=True):
        if "version" in m:
            assert got.source.version == m["version"]
        if "observed_at" in m:  # the time the tool recorded (else the file's time, with a warning)
            assert got.observed_at == datetime.fromisoformat(m["observed_at"])
        if "details" in m:
            assert list(got.details) == m["details"]
        assert got.source.file == name and len(got.source.sha256) == 64
    assert [w.removeprefix(f"{name}: ") for w in result.warnings] == want.get("warnings", [])

    if "findings" in want:  # what the Prowler reader makes of every finding, whatever the version and format
        tally = ScanTally()
        found = list(prowler_findings(path, lambda _check: True, tally))
        summary = want["findings"]
        assert len(found) == summary["count"] == tally.findings
        assert dict(Counter(f.status_code or "(none)" for f in found)) == summary["status"]
        assert sum(f.muted for f in found) == summary["muted"]
        assert sorted({f.check_id for f in found}) == summary["checks"]
        newest = summary["newest"]
        assert tally.newest == (datetime.fromisoformat(newest) if newest else None)
        assert tally.version == summary["version"]


CYCLONEDX = sorted((DATA / "cyclonedx" / "real").glob("*.[jx][sm][ol]*"))


@pytest.mark.parametrize("path", CYCLONEDX, ids=[p.name for p in CYCLONEDX])
def test_cyclonedx_corpus_is_valid_against_the_specification(path: Path) -> None:
    """The corpus is what CycloneDX says it is: each file validates against the schema of its version
    (cyclonedx-python-lib's bundled JSON and XML schemas), trimmed images included."""
    version = path.stem.rsplit("-", 1)[-1].removesuffix(".json").removesuffix(".xml")
    text = path.read_text(encoding="utf-8")
    output = OutputFormat.XML if path.suffix == ".xml" else OutputFormat.JSON
    validator = make_schemabased_validator(output, SchemaVersion.from_version(version))
    assert validator.validate_str(text) is None, path.name
