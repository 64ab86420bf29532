"""What a workbook changes, and which of its edits would overwrite a newer answer (a conflict).

The CLI (``merge.import_workbook``) and the server (``web.features.workbook.service``) both plan an
import here, so they agree on every rule (see ``aisma.workbook.versions`` for where the versions
come from):

1. A cell equal to what the workbook held when exported is not an edit: a stale cell never
   overwrites an answer changed since.
2. An answer whose edited cells already hold what the answer holds now is no change (importing the
   same workbook twice changes nothing the second time).
3. An edited answer is applied when its version is still the one exported; otherwise (edited,
   answered, or deleted meanwhile) it is a conflict, named by sheet and cell, and nothing at all
   is written, unless the import is forced. A workbook that records no versions (exported by an
   older aisma) cannot tell, so each answer it changes that exists now is a conflict.
4. A forced import lets the owner's edited cells win; the fields the owner did not touch keep
   their current value (a forced import never reverts a field nobody edited in the workbook).
The conflict is per answer, not per field: an answer's note and evidence justify its word, so a
workbook that edits one field of an answer someone else changed meanwhile is stopped as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from aisma.errors import AismaError
from aisma.scoring.inputs import Answer
from aisma.workbook import layout
from aisma.workbook.reader import WorkbookAnswer, split_evidence
from aisma.workbook.versions import NO_ANSWER

FIELDS = layout.ANSWER_FIELDS
MAX_LISTED = 5  # conflicts spelled out in the one-line error; the rest are counted


@dataclass(frozen=True)
class EditConflict:
    """An answer the workbook edits that changed after the workbook was exported."""

    objective_id: str
    row: int
    cells: tuple[str, ...]  # the edited cells, e.g. ("F12", "G12")
    base_version: str | None  # None: the workbook records no version
    current_version: str  # NO_ANSWER: there is no answer now

    def describe(self) -> str:
        noun = "cell" if len(self.cells) == 1 else "cells"
        if self.base_version is None:
            why = "the workbook records no answer version (exported by an older aisma), and the answer exists now"
        else:
            then = f"version {self.base_version}" if self.base_version else "no answer"
            now = f"version {self.current_version}" if self.current_version else "no answer"
            why = f"the answer changed after the workbook was exported ({then} then, {now} now)"
        return f"sheet {layout.OBJECTIVES}, {noun} {', '.join(self.cells)}: {self.objective_id} edited, but {why}"

    def to_dict(self) -> dict[str, object]:
        return {
            "objective_id": self.objective_id,
            "sheet": layout.OBJECTIVES,
            "row": self.row,
            "cells": list(self.cells),
            "base_version": self.base_version,
            "current_version": self.current_version,
            "message": self.describe(),
        }


class WorkbookConflicts(AismaError):
    """The workbook edits answers changed since it was exported; nothing was written."""

    def __init__(self, name: str, conflicts: Sequence[EditConflict]) -> None:
        self.conflicts = tuple(conflicts)
        listed = "; ".join(c.describe() for c in self.conflicts[:MAX_LISTED])
        more = len(self.conflicts) - MAX_LISTED
        rest = f"; and {more} more" if more > 0 else ""
        count = len(self.conflicts)
        super().__init__(
            f"{name}: {count} {'answer' if count == 1 else 'answers'} edited in the workbook changed after it was "
            f"exported; nothing was written: {listed}{rest}. Export a fresh workbook and enter the edits again, "
            "or force the import to let the workbook's edited cells win"
        )


@dataclass(frozen=True)
class AnswerChange:
    """One objective whose answer the workbook changes: every field that differs, old and new.

    ``forced`` holds the conflict a forced import overrode for this answer, if any.
    """

    objective_id: str
    row: int
    fields: tuple[tuple[str, str, str], ...]  # (field, old, new)
    forced: EditConflict | None = None

    def describe(self) -> str:
        parts = []
        for name, old, new in self.fields:
            if name == "answer":
                parts.append(f"answer {old or '(none)'} -> {new}")
            else:
                parts.append(f"{name} {'set' if not old else 'cleared' if not new else 'changed'}")
        forced = " [forced over a newer answer]" if self.forced is not None else ""
        return f"{self.objective_id} (row {self.row}): {'; '.join(parts)}{forced}"


@dataclass(frozen=True)
class ImportPlan:
    """What an import writes: the changes, and each changed answer's values to write (by objective id)."""

    changes: tuple[AnswerChange, ...]
    rows: Mapping[str, WorkbookAnswer]

    @property
    def forced(self) -> tuple[EditConflict, ...]:
        return tuple(c.forced for c in self.changes if c.forced is not None)


def current_fields(answer: Answer | None) -> dict[str, str]:
    if answer is None:
        return dict.fromkeys(FIELDS, "")
    return {
        "answer": answer.answer,
        "note": answer.note,
        "justification": answer.justification,
        "evidence": "\n".join(e.ref for e in answer.evidence),
        "by": answer.by,
    }


def _differ(old: Mapping[str, str], new: Mapping[str, str]) -> tuple[tuple[str, str, str], ...]:
    return tuple((k, old[k], new[k]) for k in FIELDS if old[k].strip() != new[k])


def answer_changes(current: Iterable[Answer], incoming: Sequence[WorkbookAnswer]) -> list[AnswerChange]:
    """What the workbook's rows change relative to the current answers, ignoring versions."""
    by_id = {a.objective_id: a for a in current}
    changes = []
    for new in incoming:
        diff = _differ(current_fields(by_id.get(new.objective_id)), new.fields())
        if diff:
            changes.append(AnswerChange(objective_id=new.objective_id, row=new.row, fields=diff))
    return changes


def _merged(new: WorkbookAnswer, now: Mapping[str, str], edited: Sequence[str]) -> WorkbookAnswer:
    """The owner's edited fields over the current answer's other fields."""
    fields = {k: (new.fields()[k] if k in edited else now[k].strip()) for k in FIELDS}
    return replace(
        new,
        answer=fields["answer"],
        note=fields["note"],
        justification=fields["justification"],
        evidence=split_evidence(fields["evidence"]),
        by=fields["by"],
    )


def plan_import(
    current: Iterable[Answer],
    incoming: Sequence[WorkbookAnswer],
    versions: Mapping[str, str],
    name: str,
    force: bool = False,
) -> ImportPlan:
    """Plan the import of ``incoming`` over ``current`` whose versions are ``versions`` (see the module rules).

    Raises ``WorkbookConflicts`` listing every conflict unless ``force``.
    """
    by_id = {a.objective_id: a for a in current}
    changes: list[AnswerChange] = []
    rows: dict[str, WorkbookAnswer] = {}
    conflicts: list[EditConflict] = []
    for new in incoming:
        answer = by_id.get(new.objective_id)
        now = current_fields(answer)
        theirs = new.fields()
        if new.base is None:
            edited = [k for k in FIELDS if now[k].strip() != theirs[k]]
            effective = new
        else:
            base = dict(new.base)
            edited = [k for k in FIELDS if theirs[k] != base.get(k, "")]
            effective = new if answer is None else _merged(new, now, edited)
        diff = _differ(now, effective.fields())
        if not edited or not diff:
            continue
        version = versions.get(new.objective_id, NO_ANSWER) if answer is not None else NO_ANSWER
        stale = answer is not None if new.base is None else version != new.base_version
        conflict = None
        if stale:
            cells = dict(new.cells)
            touched = [k for k in edited if k in {d[0] for d in diff}] or list(edited)
            conflict = EditConflict(
                objective_id=new.objective_id,
                row=new.row,
                cells=tuple(cells.get(k, f"row {new.row}") for k in touched),
                base_version=new.base_version if new.base is not None else None,
                current_version=version,
            )
            conflicts.append(conflict)
        changes.append(AnswerChange(new.objective_id, new.row, diff, forced=conflict))
        rows[new.objective_id] = effective
    if conflicts and not force:
        raise WorkbookConflicts(name, conflicts)
    return ImportPlan(changes=tuple(changes), rows=rows)
