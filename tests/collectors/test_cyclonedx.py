"""The cyclonedx collector on the real CycloneDX 1.6 ML-BOM test resources and on generated ML-BOMs.

The real files (tests/data/cyclonedx, from CycloneDX/specification) have model cards but no hashes,
signatures, scan reports or vulnerabilities, so those are exercised by BOMs written here in the
shape of the CycloneDX 1.6 JSON schema. Expected numbers are worked out from the files in the test.
"""

from __future__ import annotations

import json
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aisma.collectors.base import CollectContext, CollectionResult, file_time, sha256_of
from aisma.collectors.cyclonedx import collector
from aisma.collectors.cyclonedx.importer import MODEL_CARD_SECTIONS
from aisma.errors import AismaError
from aisma.fileio import evidence_files
from aisma.inventory.schema import AISystem, Inventory
from aisma.scoring.inputs import Measurement
from collectors.reading import skipped

DATA = Path(__file__).parent.parent / "data"
BOMS = DATA / "cyclonedx"
AT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
METRICS = (
    "aibom.model_cards.completeness_ratio",
    "aibom.models.provenance_ratio",
    "aibom.models.approved_source_ratio",
    "aibom.models.load_safe_ratio",
    "aibom.models.signed_scanned_ratio",
    "aibom.datasets.provenance_ratio",
)


def collect(paths: list[Path], inventory: Inventory | None = None, **kw: Any) -> CollectionResult:
    context = CollectContext(
        assessed_at=AT, inventory=inventory or Inventory(), settings=kw.get("settings", {}), root=kw.get("root")
    )
    return collector().collect(paths, context)


def totals(result: CollectionResult) -> dict[str, tuple[float, float]]:
    """Numerators and denominators summed per metric, as scoring merges them."""
    out: dict[str, tuple[float, float]] = {}
    for m in result.measurements:
        num, den = out.get(m.metric, (0.0, 0.0))
        out[m.metric] = (num + (m.numerator or 0), den + (m.denominator or 0))
    return out


def of(result: CollectionResult, metric: str, path: Path) -> Measurement:
    (found,) = [m for m in result.measurements if m.metric == metric and m.source.file.endswith(path.name)]
    return found


# ----------------------------------------------------------------------------------------- real fixtures
def filled_sections(model: dict[str, Any]) -> int:
    card = model.get("modelCard") or {}
    count = 0
    for section in MODEL_CARD_SECTIONS:
        group, key = section.split(".")
        value = (card.get(group) or {}).get(key)
        count += value not in (None, "", [], {})
    return count


@pytest.mark.parametrize(
    "name", ["valid-machine-learning-1.6.json", "valid-machine-learning-considerations-env-1.6.json"]
)
def test_real_ml_boms(name: str) -> None:
    path = BOMS / name
    bom = json.loads(path.read_text())
    models = [c for c in bom["components"] if c["type"] == "machine-learning-model"]
    result = collect([path])
    got = totals(result)
    assert got["aibom.model_cards.completeness_ratio"] == (
        sum(filled_sections(m) for m in models),
        len(MODEL_CARD_SECTIONS) * len(models),
    )
    # Neither fixture records a hash; the one with a distribution reference describes an artifact
    # (so it needs one), the other is judged as an API model and has no provider reference.
    loadable = [m for m in models if any(r["type"] == "distribution" for r in m.get("externalReferences", []))]
    assert got["aibom.models.provenance_ratio"] == (0, len(models))
    if loadable:
        # https://huggingface.co/meta-llama/Llama-2-7b names no weight file and there is no scan report.
        assert got["aibom.models.load_safe_ratio"] == (0, len(loadable))
        assert got["aibom.models.signed_scanned_ratio"] == (0, len(loadable))
        assert of(result, "aibom.models.provenance_ratio", path).details == ("meta-llama/Llama-2-7b: no hash",)
    else:
        assert "aibom.models.load_safe_ratio" not in got
    datasets = [d for m in models for d in m.get("modelCard", {}).get("modelParameters", {}).get("datasets", [])]
    documented = [d for d in datasets if d.get("classification") and d.get("contents", {}).get("url")]
    if datasets:
        assert got["aibom.datasets.provenance_ratio"] == (len(documented), len(datasets)) == (1, 1)
    assert "aibom.models.approved_source_ratio" not in got, "no approved-source list configured"
    # No metadata.timestamp and no tools: the file time and the spec version stand in.
    assert {m.observed_at for m in result.measurements} == {file_time(path)}
    assert {(m.source.tool, m.source.version, m.source.sha256) for m in result.measurements} == {
        ("CycloneDX", "1.6", sha256_of(path))
    }


def test_both_real_boms_and_the_importer_agree() -> None:
    from aisma.collectors.cyclonedx.importer import read_bom

    paths = sorted(BOMS.glob("*.json"))
    reports = [read_bom(p) for p in paths]
    filled = sum(len(m.filled) for r in reports for m in r.models)
    expected = (filled, sum(len(r.models) for r in reports) * len(MODEL_CARD_SECTIONS))
    assert totals(collect(paths))["aibom.model_cards.completeness_ratio"] == expected


# ----------------------------------------------------------------------------------------- generated ML-BOMs
def bom(
    subject: str, timestamp: str, components: list[dict[str, Any]], system: str | None = None, **extra: Any
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "timestamp": timestamp,
        "tools": {"components": [{"type": "application", "name": "cdxgen", "version": "11.0.0"}]},
        "component": {"bom-ref": subject, "type": "application", "name": subject},
    }
    if system:
        metadata["properties"] = [{"name": "aisma:system", "value": system}, {"name": "other", "value": "x"}]
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, subject)}",
        "version": 1,
        "metadata": metadata,
        "components": components,
        **extra,
    }


def model(name: str, **fields: Any) -> dict[str, Any]:
    return {"bom-ref": name, "type": "machine-learning-model", "name": name, **fields}


def refs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"type": kind, "url": url} for kind, url in pairs]


SHA256 = [{"alg": "SHA-256", "content": "9b0e5d7a1c3f2e4b6a8d0c1e3f5a7b9d2c4e6f8a0b1c3d5e7f9a2b4c6d8ec41d"}]
SUPPLIER = {"name": "Northbridge Bank"}
FRAUD = [
    model(
        "fraud-gbm",
        version="7.1.0",
        supplier=SUPPLIER,
        hashes=SHA256,
        externalReferences=refs(
            ("distribution", "https://registry.example/fraud-gbm/7.1.0"),
            ("static-analysis-report", "https://registry.example/scans/fraud-gbm-7.1.0.json"),
            ("digital-signature", "https://registry.example/fraud-gbm/7.1.0/model.sig"),
        ),
        components=[{"type": "file", "name": "model.onnx"}, {"type": "file", "name": "config.json"}],
        modelCard={
            "modelParameters": {
                "task": "classification",
                "datasets": [
                    {"type": "dataset", "name": "train-2025", "classification": "restricted",
                     "contents": {"url": "https://features.example/train-2025"}},
                    {"ref": "data-labels"},
                ],
            },
            "considerations": {"useCases": ["fraud holds"]},
        },
    ),
    model(
        "fraud-fallback",
        supplier=SUPPLIER,
        hashes=[{"alg": "MD5", "content": "0cc175b9c0f1b6a831c399e269772661"}],
        externalReferences=refs(("distribution", "https://registry.example/fraud-fallback/1")),
        components=[{"type": "file", "name": "fallback.safetensors"}],
    ),
    {
        "type": "application",
        "name": "explainer-service",
        "components": [
            model(
                "fraud-explainer",
                publisher="Northbridge Bank",
                components=[{"type": "file", "name": "explainer.pkl"}],
                externalReferences=refs(("component-analysis-report", "https://registry.example/scans/explainer")),
                modelCard={"modelParameters": {"datasets": [{"ref": "data-missing"}, {"name": "shap-background"}]}},
            )
        ],
    },
    {
        "bom-ref": "data-labels",
        "type": "data",
        "name": "chargeback-labels",
        "data": [{"type": "dataset", "classification": "restricted", "contents": {"attachment": {"content": "x"}}}],
    },
    {"bom-ref": "lib-x", "type": "library", "name": "xgboost", "version": "2.0.3"},
]  # fmt: skip
VULNERABILITIES = [
    {"id": "PAIT-PKL-100", "affects": [{"ref": "fraud-explainer"}], "analysis": {"state": "in_triage"}},
    {"id": "PAIT-ONNX-1", "affects": [{"ref": "urn:cdx:x/1#fraud-gbm"}], "analysis": {"state": "resolved"}},
    {"id": "CVE-2024-0001", "affects": [{"ref": "lib-x"}]},
]
INVENTORY = Inventory(
    systems=(
        AISystem(
            id="fraud",
            name="Fraud",
            track="build",
            deployment_type="self_hosted",
            aibom="evidence/aibom/fraud.cdx.json",
        ),
        AISystem(id="assistant", name="Assistant", track="build", deployment_type="paas", match=("assistant-app",)),
        AISystem(id="lab", name="Lab", track="build", deployment_type="self_hosted", environment="pilot"),
        AISystem(id="saas-tool", name="SaaS", track="copilot", deployment_type="api_saas"),
    )
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "evidence" / "aibom"
    folder.mkdir(parents=True)
    files = {
        "fraud.cdx.json": bom("fraud-scoring", "2026-11-01T10:00:00Z", FRAUD, vulnerabilities=VULNERABILITIES),
        "fraud-2026-06.cdx.json": bom("fraud-scoring", "2026-06-01T10:00:00Z", [model("fraud-gbm")], system="fraud"),
        "assistant.json": bom(
            "assistant-app",
            "2026-10-20T08:00:00Z",
            [
                model("gpt-4o", version="2024-11-20", supplier={"name": "Microsoft"},
                      externalReferences=refs(("documentation", "https://learn.microsoft.com/azure/ai/models"))),
                model("embed-small", supplier={"name": "Microsoft"}),
            ],
        ),
        "lab.cdx.json": bom(
            "lab-stack",
            "2026-10-25T08:00:00Z",
            [model("lab-llm", version="q4", publisher="Mistral AI",
                   externalReferences=refs(("distribution", "https://hub.example/lab/lab-llm.Q4_K_M.gguf")))],
            system="lab",
        ),
        "saas.cdx.json": bom(
            "vendor",
            "2026-10-26T08:00:00Z",
            [model("vendor-model", externalReferences=refs(("distribution", "https://vendor.example/weights.bin")))],
            system="saas-tool",
        ),
        "orphan.json": bom("orphan", "2026-10-27T08:00:00Z", [model("orphan-model", version="1")]),
    }  # fmt: skip
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content, indent=2))
    return tmp_path


def bom_paths(workspace: Path) -> list[Path]:
    return evidence_files(workspace / "evidence" / "aibom", collector().meta.patterns)


def test_generated_boms(workspace: Path) -> None:
    paths = bom_paths(workspace)
    assert [p.name for p in paths] == [
        "assistant.json", "fraud-2026-06.cdx.json", "fraud.cdx.json", "lab.cdx.json", "orphan.json", "saas.cdx.json"
    ]  # fmt: skip
    settings = {"approved_model_sources": ["northbridge*", "https://hub.example/*", "Microsoft"]}
    result = collect(paths, INVENTORY, settings=settings, root=workspace)
    got = totals(result)
    fraud = workspace / "evidence" / "aibom" / "fraud.cdx.json"

    # Completeness: every model of every BOM (the superseded one too): 9 models; fraud-gbm fills
    # task, datasets and useCases; fraud-explainer fills datasets.
    assert got["aibom.model_cards.completeness_ratio"] == (3 + 1, 9 * len(MODEL_CARD_SECTIONS))

    # Latest BOM per system (fraud.cdx.json supersedes fraud-2026-06; orphan.json stands for itself):
    # 8 models. fraud-gbm, fraud-fallback (any hash will do) and gpt-4o (an API model: a version and a
    # documentation reference) pass; lab-llm (an artifact without hash), embed-small, fraud-explainer,
    # vendor-model and orphan-model (no supplier or publisher) fail.
    assert got["aibom.models.provenance_ratio"] == (3, 8)
    assert of(result, "aibom.models.provenance_ratio", fraud).details == (
        "fraud-explainer: no hash, no distribution or VCS reference",
    )
    # Supplier Northbridge Bank (fraud-gbm, fraud-fallback), publisher Northbridge Bank (explainer),
    # Microsoft (gpt-4o, embed-small), hub.example URL (lab-llm); vendor-model and orphan-model fail.
    assert got["aibom.models.approved_source_ratio"] == (6, 8)

    # Artifacts of active self-hosted or PaaS systems: fraud (3 models) and lab (1); not saas-tool.
    # fraud-gbm: ONNX is not on the safe list but its scan is clean; fraud-fallback: safetensors;
    # fraud-explainer: pickle with an open finding; lab-llm: .gguf in its distribution URL.
    assert got["aibom.models.load_safe_ratio"] == (3, 4)
    assert of(result, "aibom.models.load_safe_ratio", fraud).details == (
        "fraud-explainer: weights in .pkl, open vulnerability",
    )
    # Production only (not the lab pilot): fraud-gbm passes; fallback has MD5 only and no signature.
    assert got["aibom.models.signed_scanned_ratio"] == (1, 3)
    assert of(result, "aibom.models.signed_scanned_ratio", fraud).details == (
        "fraud-fallback: no SHA-256 or stronger hash, no signature, no scan report",
        "fraud-explainer: no SHA-256 or stronger hash, no signature, open vulnerability",
    )
    # Datasets of the latest BOMs: train-2025 and data-labels documented; data-missing and
    # shap-background not.
    assert got["aibom.datasets.provenance_ratio"] == (2, 4)
    assert of(result, "aibom.datasets.provenance_ratio", fraud).details == (
        "dataset shap-background: no source or classification",
        "dataset data-missing: no data component",
    )

    observed = of(result, "aibom.models.provenance_ratio", fraud)
    assert observed.observed_at == datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert (observed.source.tool, observed.source.version, observed.source.file) == (
        "cdxgen",
        "11.0.0",
        "evidence/aibom/fraud.cdx.json",
    )
    assert observed.source.sha256 == sha256_of(fraud)
    assert result.warnings == (
        "evidence/aibom/fraud-2026-06.cdx.json: a newer BOM of the same system exists; counted for model-card "
        "completeness only",
        "evidence/aibom/orphan.json: describes no inventory system (no aibom field, aisma:system property or match)",
        "1 vulnerability entries are analysed as resolved, false positive or not affected and were not counted as open",
    )


def test_without_inventory_every_latest_bom_counts(workspace: Path) -> None:
    got = totals(collect(bom_paths(workspace)))
    # fraud.cdx.json and fraud-2026-06 have the same subject (fraud-scoring): the newer counts.
    assert got["aibom.models.provenance_ratio"] == (3, 8)
    # Every loadable model of the latest BOMs: fraud (3), lab-llm, vendor-model (.bin, no scan).
    assert got["aibom.models.load_safe_ratio"] == (3, 5)
    assert got["aibom.models.signed_scanned_ratio"] == (1, 5)
    assert "aibom.models.approved_source_ratio" not in got


def test_safe_formats_setting(workspace: Path) -> None:
    paths = bom_paths(workspace)
    got = totals(collect(paths, INVENTORY, settings={"safe_formats": ["onnx", ".PKL"]}, root=workspace))
    # fraud-fallback (.safetensors) and lab-llm (.gguf) are no longer on the list; explainer's .pkl is.
    assert got["aibom.models.load_safe_ratio"] == (2, 4)
    with pytest.raises(AismaError, match=r"^aisma.yaml: collectors.cyclonedx.safe_formats: Tuple should have"):
        collect(paths, INVENTORY, settings={"safe_formats": []})
    with pytest.raises(AismaError, match=r"^aisma.yaml: collectors.cyclonedx.approved_sources: Extra inputs"):
        collect(paths, INVENTORY, settings={"approved_sources": ["x"]})


def test_a_bom_whose_subject_is_the_model(tmp_path: Path) -> None:
    """A model BOM describes the model itself in metadata.component and may list it again."""
    subject = model(
        "llama-guard",
        version="3",
        publisher="Meta",
        hashes=SHA256,
        externalReferences=refs(("vcs", "https://huggingface.co/meta-llama/Llama-Guard-3-8B")),
    )
    doc = bom("ignored", "2026-11-02T00:00:00Z", [subject, model("other", version="1")])
    doc["metadata"]["component"] = subject
    path = tmp_path / "model.cdx.json"
    path.write_text(json.dumps(doc))
    got = totals(collect([path]))
    # llama-guard once (not loadable: a VCS reference is no artifact), other (no supplier) once.
    assert got["aibom.models.provenance_ratio"] == (1, 2)
    assert got["aibom.model_cards.completeness_ratio"] == (0, 2 * len(MODEL_CARD_SECTIONS))


# ----------------------------------------------------------------------------------------- bad input
def expect_error(path: Path, *parts: str) -> None:
    message = skipped(collector(), [path], CollectContext(assessed_at=AT))
    assert message.startswith(f"{path}: ")
    for part in parts:
        assert part in message
    assert message.endswith("expected a CycloneDX 1.4 to 1.7 BOM (JSON with bomFormat CycloneDX, or XML)")


def test_truncated_empty_and_other_tools_files(tmp_path: Path) -> None:
    text = (BOMS / "valid-machine-learning-1.6.json").read_text()
    truncated = tmp_path / "truncated.cdx.json"
    truncated.write_text(text[: len(text) // 2])
    expect_error(truncated, "truncated or invalid JSON")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    expect_error(empty, "the file is empty")
    expect_error(DATA / "prowler" / "example_output_aws.ocsf.json", "found a JSON array")
    traces = tmp_path / "traces.json"
    traces.write_text(json.dumps({"resourceSpans": [{"scopeSpans": []}]}))
    expect_error(traces, "no bomFormat field")
    spdx = tmp_path / "spdx.json"
    spdx.write_text(json.dumps({"bomFormat": "SPDX", "components": []}))
    expect_error(spdx, "bomFormat is 'SPDX'")
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.3", "components": []}))
    expect_error(old, "CycloneDX specVersion '1.3' is not supported")
    card = tmp_path / "card.json"
    card.write_text(json.dumps(bom("x", "2026-11-01T00:00:00Z", [model("m", modelCard=["not", "an", "object"])])))
    expect_error(card, "components[0].modelCard must be an object")


# ----------------------------------------------------------------------------------------- streaming
@pytest.mark.slow
def test_two_hundred_thousand_components_in_flat_memory(tmp_path: Path) -> None:
    count = 200_000
    library = json.dumps({"type": "library", "name": "lib"})
    artifact = json.dumps(
        model("m", hashes=SHA256, supplier=SUPPLIER, externalReferences=refs(("distribution", "https://r.example/m")))
    )
    path = tmp_path / "platform.cdx.json"
    head, tail = json.dumps(bom("platform", "2026-11-01T00:00:00Z", [])).split('"components": []')
    with path.open("w") as handle:
        handle.write(head + '"components": [')
        handle.write(",".join(artifact if i % 100 == 0 else library for i in range(count)))
        handle.write("]" + tail)
    tracemalloc.start()
    result = collect([path])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    got = totals(result)
    models = count // 100
    assert got["aibom.models.provenance_ratio"] == (models, models)
    assert got["aibom.model_cards.completeness_ratio"] == (0, models * len(MODEL_CARD_SECTIONS))
    assert got["aibom.models.load_safe_ratio"] == (0, models)
    assert peak < 50_000_000, f"peak {peak} bytes for a {path.stat().st_size} byte file"
    assert peak < path.stat().st_size / 2
