"""``aisma check WORKSPACE``: assess the workspace, pick its baseline, and judge it by its policy.

The baseline is, in order: ``--baseline``, then ``check.baseline`` in aisma.yaml, then the latest
snapshot in ``history/`` (none when nothing is saved). A baseline is ``latest``, ``previous``, a
snapshot name prefix, or a result JSON file (relative to the workspace, or to the current folder);
``none`` compares against nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aisma.assessment import assess
from aisma.assurance.gate import CheckReport, Doc, Location, evaluate
from aisma.errors import AismaError, InputError
from aisma.workspace.config import CheckPolicy, CheckRule
from aisma.workspace.history import find_snapshot, load_result, snapshots
from aisma.workspace.loader import ANSWERS_FILE, CONFIG_FILE, INVENTORY_FILE, Workspace, open_workspace
from aisma.workspace.run import collected_inputs
from aisma.yamlfile import LineDict, LineList, load_yaml

NO_BASELINE = "none"


def resolve_baseline(directory: Path, ref: str | None) -> tuple[Doc | None, str | None]:
    """The baseline result and the name it is shown under, or (None, None)."""
    if ref == NO_BASELINE:
        return None, None
    if ref is None:
        found = snapshots(directory)
        if not found:
            return None, None
        path = found[-1]
    else:
        inside = directory / ref
        if inside.is_file():
            path = inside
        elif Path(ref).is_file():
            path = Path(ref)
        elif ref.endswith(".json"):
            raise AismaError(f"--baseline {ref}: no such result file (in {directory} or the current folder)")
        else:
            path = find_snapshot(directory, ref)
    try:
        name = path.resolve().relative_to(directory.resolve()).as_posix()
    except ValueError:
        name = str(path)
    return load_result(path), name


def _key_line(mapping: Any, key: str) -> int | None:
    return mapping.key_lines.get(key) if isinstance(mapping, LineDict) else None


def _load(path: Path) -> Any:
    try:
        return load_yaml(path) if path.is_file() else None
    except InputError:
        return None  # the workspace opened, so this cannot fail; a line is a nicety, never a reason to stop


@dataclass
class WorkspaceLocator:
    """Points findings at the workspace line they are about (a system in inventory.yaml, an answer, a target)."""

    config: Any
    inventory: Any
    answers: Any

    @classmethod
    def of(cls, root: Path) -> WorkspaceLocator:
        return cls(_load(root / CONFIG_FILE), _load(root / INVENTORY_FILE), _load(root / ANSWERS_FILE))

    def system_line(self, system: str) -> int | None:
        items = self.inventory.get("systems") if isinstance(self.inventory, dict) else None
        if not isinstance(items, LineList):
            return None
        for item, line in zip(items, items.item_lines, strict=False):
            if isinstance(item, dict) and str(item.get("id")) == system:
                return line
        return None

    def answer_line(self, objective: str) -> int | None:
        section = self.answers.get("answers") if isinstance(self.answers, dict) else None
        return _key_line(section, objective)

    def target_line(self, category: str) -> int | None:
        targets = self.config.get("targets") if isinstance(self.config, dict) else None
        categories = targets.get("categories") if isinstance(targets, dict) else None
        return _key_line(categories, category) or _key_line(self.config, "targets")

    def __call__(self, rule: CheckRule, subject: str, detail: Doc) -> Location:
        if rule == "do_not_proceed":
            return Location(INVENTORY_FILE, self.system_line(subject))
        if rule == "new_conflicts":
            line = self.answer_line(subject)
            return Location(ANSWERS_FILE, line) if line else Location(INVENTORY_FILE, None)
        if rule == "below_target":
            return Location(CONFIG_FILE, self.target_line(subject))
        if rule in ("unregistered_ai", "stale_evidence") and detail.get("file"):
            return Location(str(detail["file"]), None)
        if rule == "regression":
            category = subject.split(".", 1)[0]
            return Location(CONFIG_FILE, self.target_line(category) if category != "overall" else None)
        return Location(CONFIG_FILE, None)


def check_opened(
    workspace: Workspace,
    assessed_at: datetime | None,
    baseline_ref: str | None = None,
    policy: CheckPolicy | None = None,
) -> CheckReport:
    """Assess an opened workspace and judge it; ``policy`` overrides the one in its aisma.yaml.

    ``assessed_at`` None: the workspace's ``as_of``, else now, as ``aisma assess`` decides it, so a check
    compares like with like against a baseline saved by ``aisma assess --save``.
    """
    policy = policy or workspace.config.check
    known = {c.id for c in workspace.model.categories()}
    unknown = sorted(set(policy.categories) - known)
    if unknown:
        locator = WorkspaceLocator.of(workspace.root)
        check = locator.config.get("check") if isinstance(locator.config, dict) else None
        raise InputError(
            workspace.root / CONFIG_FILE,
            _key_line(check, "categories"),
            f"check.categories: {', '.join(unknown)} is not a category of model {workspace.model.id}",
        )
    inputs, _ = collected_inputs(workspace, assessed_at)
    doc = assess(inputs).to_dict()
    baseline, name = resolve_baseline(workspace.root, baseline_ref if baseline_ref is not None else policy.baseline)
    environments = {s.id: s.environment for s in workspace.inventory.systems}
    return evaluate(
        doc,
        policy,
        baseline=baseline,
        baseline_name=name,
        environments=environments,
        locate=WorkspaceLocator.of(workspace.root),
    )


def check_workspace(
    directory: str | Path, assessed_at: datetime | None = None, baseline_ref: str | None = None
) -> CheckReport:
    return check_opened(open_workspace(directory), assessed_at, baseline_ref)
