"""``aisma init``: a new, empty workspace that assesses cleanly and explains itself."""

from __future__ import annotations

import json
from pathlib import Path

from aisma.errors import AismaError
from aisma.fileio import write_atomic

CONFIG_TEMPLATE = """\
# aisma workspace: see `aisma --help` and docs/workspace.md
organization: {organization}
model: aisma-core          # an installed model id, or a path to a model file relative to this folder
targets:
  # preset: agentic-operator  # or getting-started, regulated, eu-ai-act-high-risk-provider, deployment-gating
  default: 3               # target level for every category
  categories: {{}}           # per-category overrides, e.g. {{MCP: 4}}
"""
INVENTORY_TEMPLATE = """\
# AI systems: one entry per model, application, agent, copilot or coding tool.
systems: []
"""
ANSWERS_TEMPLATE = """\
# objective id -> fully | largely | partially | not | na | unknown
# or a mapping: {answer, note, justification (required for na), evidence: [paths or URLs], by, at, expires}
answers: {}
"""


def init_workspace(directory: Path, organization: str) -> None:
    if (directory / "aisma.yaml").exists():
        raise AismaError(f"{directory}: already a workspace (aisma.yaml exists); nothing was changed")
    if "\n" in organization or not organization.strip():
        raise AismaError("--organization must be one non-empty line")
    # A JSON string is a valid YAML double-quoted scalar: quotes, backslashes, '#' and ':' survive as typed.
    quoted = json.dumps(organization, ensure_ascii=False)
    write_atomic(directory / "aisma.yaml", CONFIG_TEMPLATE.format(organization=quoted))
    write_atomic(directory / "inventory.yaml", INVENTORY_TEMPLATE)
    write_atomic(directory / "answers.yaml", ANSWERS_TEMPLATE)
    (directory / "evidence").mkdir(exist_ok=True)
