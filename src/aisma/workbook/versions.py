"""Answer versions written into the workbook, so an import can tell a system owner's edit from a stale cell.

A workbook travels for days. If an answer is edited in answers.yaml (or on the server) after the
workbook was exported, the workbook's cell for it is stale; importing it as it is would silently
undo that edit. So the export records, per objective, the answer's *version* and the editable cells
exactly as exported, in the ``versions`` sheet (very hidden: a spreadsheet's "unhide" does not list
it; and protected). The import compares (``aisma.workbook.changes.plan_import``):

- a cell equal to what was exported is not an edit, whatever the current answer says;
- an edited cell of an answer whose version is still the exported one is applied;
- an edited cell of an answer that changed since the export is a *conflict* (unless forced).

A version is an opaque token. The server uses its answer row's version number. A workspace has no
counter, so its version is a fingerprint of the answer's content in answers.yaml (answer, note,
justification, evidence, by, at, expires): any edit of the entry changes it, and it survives any
number of exports, imports and commits because it is computed, not stored. An evidence review
(``accepted_by``/``accepted_at``) is not part of it: accepting evidence is not an edit of the answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping

from aisma.scoring.inputs import Answer

NO_ANSWER = ""  # the version of an objective without an answer


def fingerprint(answer: Answer) -> str:
    """A workspace answer's version: a short hash of its content as answers.yaml holds it."""
    content = [
        answer.answer,
        answer.note,
        answer.justification,
        [e.ref for e in answer.evidence],
        answer.by,
        answer.at.isoformat() if answer.at else None,
        answer.expires.isoformat() if answer.expires else None,
    ]
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    return f"sha256:{digest[:16]}"


def versions_of(answers: Iterable[Answer], given: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each answer's version: ``given`` (the server's row versions) where it names one, else the fingerprint."""
    return {a.objective_id: (given or {}).get(a.objective_id) or fingerprint(a) for a in answers}
