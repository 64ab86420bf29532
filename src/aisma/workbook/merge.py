"""Merge a workbook's answers into a workspace's answers.yaml.

answers.yaml lives in git and people write comments in it, so the merge edits it with ruamel.yaml's
round-trip mode: only the answers that changed are touched, a bare word stays a bare word when
nothing else is given, and comments and order survive. The new file is validated as a whole (the
same checks as ``aisma assess``) before it atomically replaces the old one.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from aisma.errors import AismaError, InputError
from aisma.fileio import write_atomic
from aisma.layout import ANSWERS_FILE
from aisma.maturity.schema import MaturityModel
from aisma.workbook.changes import AnswerChange, ImportPlan, answer_changes, plan_import
from aisma.workbook.reader import WorkbookAnswer, read_answers
from aisma.workbook.versions import versions_of
from aisma.workspace.answers import parse_answers
from aisma.workspace.loader import open_workspace
from aisma.yamlfile import load_yaml_text

__all__ = ["AnswerChange", "ImportPlan", "answer_changes", "import_workbook", "merged_text"]
REVIEW_KEYS = ("accepted_by", "accepted_at")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap the long lines people wrote
    yaml.representer.ignore_aliases = lambda data: True  # one date object in many answers: no &id001
    return yaml


def _scalar(text: str) -> Any:
    """Text that aisma's YAML 1.1 reader would load back as the same string, else double-quoted.

    ruamel writes YAML 1.2, where ``yes``, ``on`` or ``1_000`` are plain strings; PyYAML, which
    reads the workspace, takes them for a boolean or a number. Multi-line text is quoted too, so
    its line breaks survive instead of being folded into spaces.
    """
    try:
        plain = "\n" not in text and pyyaml.safe_load(text) == text
    except pyyaml.YAMLError:
        plain = False
    return text if plain else DoubleQuotedScalarString(text)


def _entry(existing: Any, new: WorkbookAnswer, today: date) -> Any:
    """The YAML value for an answer: a bare word when only the word is given, else a mapping."""
    plain = not (new.note or new.justification or new.evidence or new.by)
    if plain and (existing is None or isinstance(existing, str)):
        return new.answer
    entry = existing if isinstance(existing, CommentedMap) else CommentedMap()
    values: dict[str, Any] = {
        "answer": new.answer,
        "note": new.note,
        "justification": new.justification,
        "evidence": [_scalar(e) for e in new.evidence],
        "by": new.by,
    }
    for key, value in values.items():
        if isinstance(value, str) and key != "answer":
            value = _scalar(value)
        if value:
            if key == "evidence":
                seq = CommentedSeq(value)
                seq.fa.set_flow_style()
                value = seq
            if entry.get(key) != value:
                entry[key] = value
        elif key in entry:
            del entry[key]
    entry["at"] = today
    for key in REVIEW_KEYS:  # an acceptance is of the answer as it was: an edit voids it
        if key in entry:
            del entry[key]
    return entry


def _insert_position(answers: CommentedMap, objective_id: str, order: list[str]) -> int:
    """Where a new answer goes: after the nearest earlier objective (in model order) already answered."""
    rank = {oid: i for i, oid in enumerate(order)}
    mine = rank.get(objective_id, len(order))
    keys = list(answers.keys())
    position = 0
    for index, key in enumerate(keys):
        if rank.get(str(key), len(order)) < mine:
            position = index + 1
    return position


def _last_leaf(mapping: CommentedMap, key: Any) -> tuple[CommentedMap, Any]:
    """The mapping and key whose comment slot holds what follows ``key``'s value in the file."""
    value = mapping[key]
    if isinstance(value, CommentedMap) and len(value):
        return _last_leaf(value, list(value.keys())[-1])
    return mapping, key


def _move_trailing_comment(answers: CommentedMap, previous: Any, new: Any) -> None:
    """Keep the comment lines that followed ``previous`` (e.g. the next category's banner) after ``new``.

    ruamel attaches the lines after an entry to that entry; inserting after it would otherwise put
    the new answer under the next section's heading. The end-of-line comment stays where it was.
    """
    mapping, key = _last_leaf(answers, previous)
    item = mapping.ca.items.get(key)
    if not item or len(item) < 3 or item[2] is None:
        return
    token = item[2]
    cut = token.value.find("\n")
    if cut < 0 or cut == len(token.value) - 1:
        return
    head, rest = token.value[: cut + 1], token.value[cut + 1 :]
    if head.strip():
        token.value = head
    else:
        item[2] = None
    target, target_key = _last_leaf(answers, new)
    target.ca.items[target_key] = [None, None, CommentToken("\n" + rest, token.start_mark, None), None]


def merged_text(
    text: str,
    changes: Sequence[AnswerChange],
    incoming: Sequence[WorkbookAnswer] | Mapping[str, WorkbookAnswer],
    model: MaturityModel,
    today: date,
) -> str:
    """answers.yaml's text with the changed answers written in; everything else left as it was."""
    yaml = _yaml()
    doc = yaml.load(text) if text.strip() else None
    if doc is None:
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise AismaError(f"{ANSWERS_FILE}: expected a mapping with one key, answers")
    if doc.get("answers") is None:
        doc["answers"] = CommentedMap()
    answers = doc["answers"]
    if not isinstance(answers, CommentedMap):
        raise AismaError(f"{ANSWERS_FILE}: answers must be a mapping of objective id to answer")
    if answers.fa.flow_style():
        answers.fa.set_block_style()  # `answers: {}` from aisma init grows as a block, one answer a line
    by_id = dict(incoming) if isinstance(incoming, Mapping) else {a.objective_id: a for a in incoming}
    order = [o.id for o in model.objectives()]
    for change in changes:
        new = by_id[change.objective_id]
        if change.objective_id in answers:
            answers[change.objective_id] = _entry(answers[change.objective_id], new, today)
        else:
            position = _insert_position(answers, change.objective_id, order)
            answers.insert(position, change.objective_id, _entry(None, new, today))
            if position > 0:
                _move_trailing_comment(answers, list(answers.keys())[position - 1], change.objective_id)
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def import_workbook(
    workbook: str | Path, directory: str | Path, today: date, dry_run: bool = False, force: bool = False
) -> list[AnswerChange]:
    """Merge a workbook's answers into the workspace's answers.yaml; returns every change.

    An edit of an answer that changed in answers.yaml after the workbook was exported is a
    conflict (``aisma.workbook.changes``): ``WorkbookConflicts`` names every one by sheet and cell
    and nothing is written, unless ``force``. Nothing is written when ``dry_run`` is set or nothing
    changed. The merged file is checked like ``aisma assess`` would check it before it replaces the
    old one.
    """
    workspace = open_workspace(directory)
    incoming = read_answers(workbook, workspace.model)
    plan = plan_import(workspace.answers, incoming, versions_of(workspace.answers), str(workbook), force)
    changes = list(plan.changes)
    if dry_run or not changes:
        return changes
    path = workspace.root / ANSWERS_FILE
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as exc:
        raise AismaError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        new_text = merged_text(text, changes, plan.rows, workspace.model, today)
    except AismaError:
        raise
    except Exception as exc:  # ruamel raises many types; the line-aware reader reports positions
        raise InputError(path, None, f"cannot be edited: {str(exc).splitlines()[0]}") from None
    parse_answers(load_yaml_text(new_text, path), path, workspace.model, workspace.root, [])
    write_atomic(path, new_text)
    return changes
