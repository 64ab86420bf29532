"""Bad model and workspace files: each gives one exact line naming file, line, field and what was expected."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aisma.errors import AismaError
from aisma.workspace.run import assess_workspace

DATA = Path(__file__).parent / "data" / "mini"

# name: (file, text to replace, replacement, expected message with the temporary folder removed)
CASES = {
    "collector_setting": (
        "ws/aisma.yaml",
        "targets: {default: 2, categories: {APP: 3}}",
        "targets: {default: 2, categories: {APP: 3}}\ncollectors:\n  inventory:\n    data_use_rules: {secret: [paas]}",
        "ws/aisma.yaml:6: collectors.inventory.data_use_rules.secret must be one of public, internal, confidential or restricted",
    ),
    "threshold": (
        "model.yaml",
        "thresholds: {fully: 0.9,",
        "thresholds: {fully: 9,",
        "model.yaml:34: objective DAT-2.1: measurement.thresholds.fully must be a number from 0 to 1",
    ),
    "unknown_field": (
        "model.yaml",
        '            effort: M\n            impact: 3\n            references: {nist-ai-rmf: ["MANAGE 2.2"], nist-csf-2.0: [PR.DS-01]}',
        '            effort: M\n            impact: 3\n            colour: red\n            references: {nist-ai-rmf: ["MANAGE 2.2"], nist-csf-2.0: [PR.DS-01]}',
        "model.yaml:51: objective DAT-3.1: colour is not a known field",
    ),
    "missing_kpi": (
        "model.yaml",
        '            kpi: {name: Apps reviewed, unit: ratio, target: ">= 0.9", compute: reviewed / apps}\n',
        "",
        "model.yaml:69: objective APP-2.1: kpi is required",
    ),
    "dup_id": (
        "model.yaml",
        "id: APP-2.1",
        "id: APP-1.1",
        "model.yaml:69: objective APP-1.1: id is used twice",
    ),
    "bad_dep": (
        "model.yaml",
        "depends_on: [DAT-1.1]",
        "depends_on: [DAT-1.9]",
        "model.yaml:38: objective DAT-2.1: depends_on names DAT-1.9, which is not in the model",
    ),
    "level_mismatch": (
        "model.yaml",
        "id: DAT-3.1\n            level: 3",
        "id: DAT-3.1\n            level: 2",
        "model.yaml:43: objective DAT-3.1: level is 2 but the id says level 3",
    ),
    "bad_ref": (
        "model.yaml",
        "nist-csf-2.0: [PR.PS-06]",
        "nist-csf-2.0: [PR.XX-99]",
        "model.yaml:78: objective APP-2.1: references.nist-csf-2.0 id PR.XX-99 is not in the nist-csf-2.0 catalog",
    ),
    "withdrawn_ref": (
        "model.yaml",
        "nist-csf-2.0: [PR.PS-06]",
        "nist-csf-2.0: [ID.BE-01]",
        "model.yaml:78: objective APP-2.1: references.nist-csf-2.0 id ID.BE-01 is withdrawn",
    ),
    "unknown_framework": (
        "model.yaml",
        "nist-csf-2.0: [PR.PS-06]",
        "nist-csf-2.0: [PR.PS-06], cobit: [X]",
        "model.yaml:78: objective APP-2.1: references.cobit is not a known framework (expected one of csa-aicm, eu-ai-act, iso-iec-42001-2023, maso, mitre-atlas, nist-ai-rmf, nist-csf-2.0, owasp-agentic-top10-2026, owasp-llm-top10-2025)",
    ),
    "bad_metric": (
        "model.yaml",
        "metric: inventory.systems.data_classification_ratio",
        "metric: inventory.systems.nope",
        "model.yaml:33: objective DAT-2.1: measurement.metric inventory.systems.nope is not in the metric catalog",
    ),
    "effort": (
        "model.yaml",
        "effort: S\n            impact: 2",
        "effort: XL\n            impact: 2",
        "model.yaml:39: objective DAT-2.1: effort must be one of S, M or L",
    ),
    "gate_cat": (
        "model.yaml",
        "cap: {categories: [APP], level: 1}",
        "cap: {categories: [XYZ], level: 1}",
        "model.yaml:106: gate data-gate: cap.categories names XYZ, which is not a category of the model",
    ),
    "level_out_of_model": (
        "model.yaml",
        "- {level: 3, name: Defined}",
        "- {level: 4, name: Defined}",
        "model.yaml:43: objective DAT-3.1: level 3 is not one of the model's levels",
    ),
    "yaml_syntax": (
        "model.yaml",
        "title: Mini model for tests",
        "title: [Mini model",
        "model.yaml:4: invalid YAML: did not find expected ',' or ']'",
    ),
    "answer_word": (
        "ws/answers.yaml",
        "APP-1.1: fully",
        "APP-1.1: mostly",
        "ws/answers.yaml:6: APP-1.1: answer 'mostly' must be one of fully, largely, partially, not, na, unknown",
    ),
    "answer_id": (
        "ws/answers.yaml",
        "APP-1.1: fully",
        "APP-9.9: fully",
        "ws/answers.yaml:6: APP-9.9 is not an objective of model mini 0.1",
    ),
    "answer_na": (
        "ws/answers.yaml",
        "{answer: na, justification: No external users}",
        "na",
        "ws/answers.yaml:8: APP-3.1: answer na needs a justification",
    ),
    "dup_answer": (
        "ws/answers.yaml",
        "APP-2.1: largely",
        "APP-1.1: largely",
        "ws/answers.yaml:7: duplicate key 'APP-1.1'",
    ),
    "inv_track": (
        "ws/inventory.yaml",
        "track: build\n    deployment_type: paas",
        "track: robots\n    deployment_type: paas",
        "ws/inventory.yaml:10: system summarizer: track must be one of build, platform, copilot or coding_tool",
    ),
    "inv_autonomy_tier": (
        "ws/inventory.yaml",
        "    name: Support chatbot\n",
        "    name: Support chatbot\n    agentic: true\n    autonomy_tier: tier2\n",
        "ws/inventory.yaml:5: system chat: autonomy_tier must be one of supervised, managed or autonomous",
    ),
    "inv_autonomy_tier_not_agentic": (
        "ws/inventory.yaml",
        "    name: Support chatbot\n",
        "    name: Support chatbot\n    autonomy_tier: managed\n",
        "ws/inventory.yaml:4: system chat: autonomy_tier applies only to agentic systems; this one is not agentic "
        "(set agentic: true, or answer its Autonomy Test)",
    ),
    "inv_missing": (
        "ws/inventory.yaml",
        "    name: Summarizer\n",
        "",
        "ws/inventory.yaml:8: system summarizer: name is required",
    ),
    "config_org": (
        "ws/aisma.yaml",
        "organization: Mini Corp\n",
        "",
        "ws/aisma.yaml:1: organization is required",
    ),
    "config_target": (
        "ws/aisma.yaml",
        "categories: {APP: 3}",
        "categories: {XYZ: 3}",
        "ws/aisma.yaml:3: targets.categories.XYZ is not a category of model mini",
    ),
    "config_model": (
        "ws/aisma.yaml",
        "model: ../model.yaml",
        "model: nonexistent-model",
        "ws/aisma.yaml:2: model: no model 'nonexistent-model': expected an installed model id (aisma-core) or a path to a model file",
    ),
    "answer_field": (
        "ws/answers.yaml",
        "{answer: na, justification: No external users}",
        "{answer: na, justification: No external users, reviewer: bob}",
        "ws/answers.yaml:8: APP-3.1: reviewer is not a known field",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_gives_exact_message(name: str, tmp_path: Path) -> None:
    file, old, new, expected = CASES[name]
    root = tmp_path / "mini"
    shutil.copytree(DATA, root)
    path = root / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(AismaError) as caught:
        assess_workspace(root / "ws", datetime(2026, 11, 16, tzinfo=UTC))
    message = str(caught.value).replace(f"{root}/", "")
    assert message == expected
    assert "\n" not in message
