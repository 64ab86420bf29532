"""Moving a workspace to another version of its maturity model.

An assessment keeps the model version it was made with (the result's ``model`` field, and
``model_version`` in aisma.yaml). Moving to a newer model maps answers by objective id: an answer
whose objective still exists is kept, one whose objective is gone is dropped (and kept in the
migration record under ``history/``, so nothing is lost), and objectives whose level, statement, KPI,
measurement or applicability changed are listed so their answers get a second look. For the built-in
model the release notes (``aisma.maturity.releases``) go further: an objective whose meaning changed
under the same id has its answer dropped too, an objective that moved to a new id (a new level) has
its answer carried there (the key is renamed in answers.yaml, unless the new id is answered already),
and every listed objective carries the reason.

The files are edited as text, line by line, so comments and layout in aisma.yaml and answers.yaml
survive; each file is written atomically.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aisma.errors import AismaError, InputError
from aisma.fileio import write_atomic
from aisma.layout import ANSWERS_FILE, CONFIG_FILE
from aisma.maturity.loader import resolve_model
from aisma.maturity.releases import frozen_release, release_changes
from aisma.maturity.schema import MaturityModel, Objective
from aisma.workspace.history import HISTORY_DIR
from aisma.yamlfile import LineDict, load_yaml

# The fields whose change can change what an answer means.
COMPARED = ("level", "title", "statement", "kpi", "measurement", "applies_to", "depends_on")


@dataclass(frozen=True)
class ModelChanges:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[tuple[str, tuple[str, ...]], ...]  # id, fields that differ


def compare_models(old: MaturityModel, new: MaturityModel) -> ModelChanges:
    before: dict[str, Objective] = {o.id: o for o in old.objectives()}
    after: dict[str, Objective] = {o.id: o for o in new.objectives()}
    changed = []
    for oid in sorted(set(before) & set(after)):
        fields = tuple(f for f in COMPARED if getattr(before[oid], f) != getattr(after[oid], f))
        if fields:
            changed.append((oid, fields))
    return ModelChanges(
        added=tuple(o for o in after if o not in before),
        removed=tuple(o for o in before if o not in after),
        changed=tuple(changed),
    )


@dataclass
class Migration:
    workspace: Path
    from_model: str
    to_model: str
    to_reference: str
    changes: ModelChanges
    kept: list[str] = field(default_factory=list)
    dropped: dict[str, Any] = field(default_factory=dict)
    review: list[str] = field(default_factory=list)
    moved: dict[str, str] = field(default_factory=dict)  # old id -> new id the answer was carried to
    reasons: dict[str, str] = field(default_factory=dict)  # objective id -> why it changed (release notes)
    record: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "workspace": str(self.workspace),
            "from": self.from_model,
            "to": self.to_model,
            "added": list(self.changes.added),
            "removed": list(self.changes.removed),
            "changed": [{"id": oid, "fields": list(fields)} for oid, fields in self.changes.changed],
            "answers_kept": self.kept,
            "answers_dropped": self.dropped,
            "answers_to_review": self.review,
            "answers_moved": self.moved,
            "reasons": {
                oid: why
                for oid, why in self.reasons.items()
                if oid in self.review or oid in self.dropped or oid in self.moved
            },
            "record": str(self.record) if self.record else None,
        }


def _answer_entries(path: Path) -> tuple[list[str], LineDict | None, Any]:
    if not path.is_file():
        return [], None, None
    raw = load_yaml(path)
    if raw is None:
        return [], None, None
    if not isinstance(raw, LineDict) or not isinstance(raw.get("answers") or LineDict(), LineDict):
        raise InputError(path, 1, "expected a mapping with one key, answers")
    entries = raw.get("answers") or LineDict()
    return path.read_text(encoding="utf-8").splitlines(keepends=True), entries, raw


def _rewritten(lines: list[str], entries: LineDict, drop: set[str], rename: dict[str, str], answers_line: int) -> str:
    """The answers file with dropped entries' lines removed and moved entries' keys renamed (block style)."""
    starts = sorted((line, key) for key, line in entries.key_lines.items())
    if len({line for line, _ in starts}) != len(starts) or any(line <= answers_line for line, _ in starts):
        raise AismaError(
            f"{ANSWERS_FILE}: answers written on one line cannot be migrated in place; put one answer per line"
        )
    keep = [True] * len(lines)
    out = list(lines)
    for index, (line, key) in enumerate(starts):
        if key in rename:
            pattern = re.compile(rf"^(\s*)(['\"]?){re.escape(str(key))}\2(\s*:)")
            out[line - 1] = pattern.sub(rf"\g<1>{rename[key]}\g<3>", out[line - 1], count=1)
        if key not in drop:
            continue
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(lines)
        for n in range(line - 1, end):
            keep[n] = False
    return "".join(text for text, wanted in zip(out, keep, strict=True) if wanted)


def _config_text(text: str, reference: str, version: str) -> str:
    quoted = json.dumps(reference)
    lines = text.splitlines(keepends=True)
    out = []
    found = False
    for line in lines:
        if re.match(r"^model_version\s*:", line):
            continue
        if re.match(r"^model\s*:", line):
            out.append(f"model: {quoted}\n")
            out.append(f"model_version: {json.dumps(version)}\n")
            found = True
            continue
        out.append(line)
    if not found:
        out.append(f"model: {quoted}\nmodel_version: {json.dumps(version)}\n")
    return "".join(out)


def migrate_workspace(
    directory: Path, to: str, from_model: str | None = None, dry_run: bool = False, now: datetime | None = None
) -> Migration:
    """Map the workspace's answers onto model ``to`` by objective id; write unless ``dry_run``."""
    config_path = directory / CONFIG_FILE
    if not config_path.is_file():
        raise AismaError(f"{directory}: not a workspace, {CONFIG_FILE} is missing")
    config = load_yaml(config_path)
    if not isinstance(config, dict):
        raise InputError(config_path, 1, "expected a mapping with organization, model and targets")
    reference = str(config.get("model", "aisma-core"))
    pinned = config.get("model_version")
    if from_model is None and pinned is not None:
        current = resolve_model(reference, base=directory)
        if str(pinned) != current.version and frozen_release(current.id, str(pinned)) is not None:
            from_model = f"{current.id}@{pinned}"  # the release the answers were written for
    old = resolve_model(from_model or reference, base=directory)
    new = resolve_model(to, base=directory)
    changes = compare_models(old, new)
    notes = release_changes(new.id, old.version, new.version) if old.id == new.id else {}
    migration = Migration(
        workspace=directory,
        from_model=f"{old.id} {config.get('model_version') or old.version}",
        to_model=f"{new.id} {new.version}",
        to_reference=to,
        changes=changes,
        reasons={oid: change.why for oid, change in notes.items()},
    )
    answers_path = directory / ANSWERS_FILE
    lines, entries, raw = _answer_entries(answers_path)
    new_ids = {o.id for o in new.objectives()}
    changed_ids = {oid for oid, _ in changes.changed}
    answered = {str(key) for key in (entries or {})}
    for key, value in (entries or {}).items():
        oid = str(key)
        note = notes.get(oid)
        if note is not None and note.moved_to and oid not in new_ids:
            target = note.moved_to
            if note.keep and target in new_ids and target not in answered and target not in migration.moved.values():
                migration.moved[oid] = target  # same practice at another level: the answer goes with it
                migration.kept.append(target)
                migration.review.append(target)
                migration.reasons[target] = f"was {oid}: {note.why}"
            else:
                migration.dropped[oid] = value
                if note.keep and target in answered:
                    migration.reasons[oid] = f"{note.why}; {target} is answered already, so this answer was not moved"
        elif note is not None and not note.keep:
            migration.dropped[oid] = value  # same id, different meaning: the old answer does not answer it
        elif oid in new_ids:
            migration.kept.append(oid)
            if oid in changed_ids or oid in notes:
                migration.review.append(oid)
        else:
            migration.dropped[oid] = value
    if dry_run:
        return migration
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H-%M-%SZ")
    record = directory / HISTORY_DIR / f"migration-{stamp}.json"
    migration.record = record
    texts: list[tuple[Path, str]] = [(record, json.dumps(migration.to_dict(), indent=2, ensure_ascii=False) + "\n")]
    if (migration.dropped or migration.moved) and entries is not None and isinstance(raw, LineDict):
        text = _rewritten(lines, entries, set(migration.dropped), migration.moved, raw.key_lines["answers"])
        texts.append((answers_path, text))
    texts.append((config_path, _config_text(config_path.read_text(encoding="utf-8"), to, new.version)))
    for path, text in texts:
        write_atomic(path, text)
    return migration


def render_migration(m: Migration) -> str:
    lines = [f"Model {m.from_model} -> {m.to_model} ({m.workspace})"]
    lines.append(f"Objectives added ({len(m.changes.added)}): {', '.join(m.changes.added) or 'none'}")
    lines.append(f"Objectives removed ({len(m.changes.removed)}): {', '.join(m.changes.removed) or 'none'}")
    changed = "; ".join(f"{oid} ({', '.join(fields)})" for oid, fields in m.changes.changed)
    lines.append(f"Objectives changed ({len(m.changes.changed)}): {changed or 'none'}")
    lines.append(f"Answers kept: {len(m.kept)}; to review (objective changed): {', '.join(m.review) or 'none'}")
    if m.moved:
        lines.append("Answers moved with their objective: " + ", ".join(f"{a} -> {b}" for a, b in m.moved.items()))
    lines.append(f"Answers dropped (objective removed or its meaning changed): {', '.join(m.dropped) or 'none'}")
    for oid in [*m.dropped, *m.review]:
        if oid in m.reasons:
            action = "dropped" if oid in m.dropped else "review"
            lines.append(f"  {oid} ({action}): {m.reasons[oid]}")
    if m.record is not None:
        lines.append(f"Record: {m.record}")
    else:
        lines.append("Dry run: nothing written.")
    return "\n".join(lines) + "\n"
