"""Import a system owner's filled-in workbook into the organization's answers.

The same reader and hostile-file checks as ``aisma workbook import`` (``aisma.workbook.reader``,
``aisma.formats.xlsx_safety``): a workbook of another model id or version, an unknown objective id or
an invalid answer is refused with one message naming the sheet and the cell. The changes are
planned with the CLI's ``plan_import``: the workbook records each answer's version (the row's
``version``) when it was exported, so a cell nobody edited never overwrites a newer answer, and an
edited answer whose version moved since is a conflict (409, every one named by sheet and cell,
nothing saved) unless the import is forced; a forced import is recorded in the audit log with each
conflict it overrode. Each change is saved through ``answers.save_answer`` so the versions, the
contributor limits and the audit entries are those of any other answer. Either every change is
saved or none (the caller's transaction): a contributor's workbook that changes an objective it may
not answer is refused as a whole.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from aisma.errors import AismaError
from aisma.server.auth import Actor, Permission
from aisma.server.errors import EditConflicts, Forbidden, Invalid
from aisma.server.models import model_for
from aisma.store.repositories import answers as answers_repo
from aisma.web.features.answers import service as answers
from aisma.web.features.assessments.service import stored_answers
from aisma.web.features.audit import service as audit
from aisma.web.features.workbook.schemas import WorkbookChangeOut, WorkbookConflictOut, WorkbookImportOut
from aisma.workbook.changes import AnswerChange, WorkbookConflicts, plan_import
from aisma.workbook.reader import read_answers_data


def _out(changes: list[AnswerChange], applied: bool) -> WorkbookImportOut:
    return WorkbookImportOut(
        applied=applied,
        changes=[
            WorkbookChangeOut(
                objective_id=c.objective_id,
                row=c.row,
                fields=[list(f) for f in c.fields],
                summary=c.describe(),
                forced=WorkbookConflictOut.model_validate(c.forced.to_dict()) if c.forced else None,
            )
            for c in changes
        ],
    )


def _server_changes(changes: list[AnswerChange]) -> list[AnswerChange]:
    """An empty "Answered by" cell means the importing user (who is recorded), not "nobody"."""
    out = []
    for change in changes:
        fields = tuple(f for f in change.fields if not (f[0] == "by" and not f[2]))
        if fields:
            out.append(AnswerChange(change.objective_id, change.row, fields, change.forced))
    return out


def import_workbook(
    session: Session, actor: Actor, data: bytes, name: str, dry_run: bool, force: bool = False
) -> WorkbookImportOut:
    """Read ``data`` (an uploaded XLSX named ``name``), list its changes and, unless ``dry_run``, save them.

    Raises ``EditConflicts`` (409) when the workbook edits answers changed since it was exported,
    unless ``force``.
    """
    actor.require(Permission.ANSWER)
    model = model_for(session, actor)
    safe_name = name.replace("/", "_").replace("\\", "_")[:200] or "workbook.xlsx"
    try:
        incoming = read_answers_data(data, safe_name, model)
    except AismaError as exc:
        raise Invalid("file", str(exc)) from None
    versions = answers.answer_versions(session, actor.org_id)
    try:
        plan = plan_import(stored_answers(session, actor.org_id), incoming, versions, safe_name, force)
    except WorkbookConflicts as exc:
        raise EditConflicts(str(exc), [c.to_dict() for c in exc.conflicts]) from None
    changes = _server_changes(list(plan.changes))
    objectives = {o.id: o for o in model.objectives()}
    refused = [c for c in changes if not answers.may_answer(session, actor, objectives[c.objective_id])]
    if refused:
        listed = ", ".join(f"{c.objective_id} (row {c.row})" for c in refused)
        raise Forbidden(f"{safe_name}: {actor.email or 'this user'} may not answer {listed}; nothing was imported")
    if dry_run or not changes:
        return _out(changes, applied=False)
    for change in changes:
        new = plan.rows[change.objective_id]
        current = answers_repo.get(session, actor.org_id, change.objective_id)
        answers.save_answer(
            session,
            actor,
            change.objective_id,
            new.answer,
            note=new.note,
            evidence=new.evidence,
            expires=current.expires if current is not None else None,
            # the version the plan compared: a write that slipped in since is a stale write, not lost
            expected_version=int(versions[change.objective_id]) if change.objective_id in versions else None,
            justification=new.justification,
            answered_by=new.by or actor.email,
        )
    forced = [c.forced.to_dict() for c in changes if c.forced is not None]
    if forced:  # who overrode which newer answers, beside each answer's own save entry
        audit.append(session, actor, "workbook.force", "workbook", safe_name, None, {"overridden": forced})
    return _out(changes, applied=True)
