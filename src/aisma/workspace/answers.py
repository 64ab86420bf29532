"""``answers.yaml``: the manual answers, each either a bare word or a mapping with its evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from aisma.errors import InputError
from aisma.fileio import sha256_of
from aisma.maturity.releases import dropped_objectives, moved_objectives
from aisma.maturity.schema import MaturityModel
from aisma.scoring.inputs import ANSWER_WORDS, Answer, AnswerWord, EvidenceRef, EvidenceReview
from aisma.yamlfile import LineDict, dotted, first_error, plain_message

WORDS = ", ".join(ANSWER_WORDS)


class AnswerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    answer: AnswerWord
    note: str = ""
    justification: str = ""
    evidence: tuple[str, ...] = ()
    by: str = ""
    at: date | None = None
    expires: date | None = None
    # An assessor's acceptance of the cited evidence (e.g. after opening the linked page); both or neither.
    accepted_by: str = ""
    accepted_at: date | None = None


def _unknown(objective_id: str, model: MaturityModel, root: Path) -> str:
    """Why an answer's id is not in the model, and, for an objective a release moved, how to carry the answer."""
    message = f"{objective_id} is not an objective of model {model.id} {model.version}"
    moved = moved_objectives(model.id, model.version).get(objective_id)
    if moved is None or not moved.moved_to:
        dropped = dropped_objectives(model.id, model.version).get(objective_id)
        if dropped is None:
            return message
        return (
            f"{message}: a release dropped it ({dropped.why}); `aisma model migrate {root} --from "
            f"{model.id}@VERSION` moves the answer to the migration record, VERSION being the release the answers "
            "were written for"
        )
    return (
        f"{message}: it moved to {moved.moved_to}; carry the answer with `aisma model migrate {root} "
        f"--from {model.id}@VERSION`, VERSION being the release the answers were written for"
    )


def parse_answers(raw: Any, path: Path, model: MaturityModel, root: Path, warnings: list[str]) -> tuple[Answer, ...]:
    """Check every answer against the model; evidence paths that do not exist become warnings."""
    if raw is None:
        return ()
    if not isinstance(raw, LineDict) or set(raw) - {"answers"}:
        extra = sorted(set(raw) - {"answers"}) if isinstance(raw, dict) else []
        what = f"unknown key {extra[0]!r}; " if extra else ""
        raise InputError(path, getattr(raw, "line", 1), f"{what}expected a mapping with one key, answers")
    entries = raw.get("answers") or LineDict()
    if not isinstance(entries, LineDict):
        raise InputError(path, raw.key_lines.get("answers"), "answers must be a mapping of objective id to answer")
    known = {o.id for o in model.objectives()}
    out: list[Answer] = []
    for objective_id, value in entries.items():
        line = entries.key_lines[objective_id]
        if objective_id not in known:
            raise InputError(path, line, _unknown(str(objective_id), model, root))
        if isinstance(value, str):
            if value not in ANSWER_WORDS:
                raise InputError(path, line, f"{objective_id}: answer {value!r} must be one of {WORDS}")
            value = {"answer": value}
        if not isinstance(value, dict):
            raise InputError(path, line, f"{objective_id}: expected an answer word ({WORDS}) or a mapping with answer")
        try:
            entry = AnswerEntry.model_validate(value)
        except ValidationError as exc:
            error = first_error(exc)
            loc = tuple(error["loc"])
            field_line = value.key_lines.get(loc[0], line) if isinstance(value, LineDict) and loc else line
            message = plain_message(error)
            if loc and loc[0] == "answer" and error["type"] == "literal_error":
                message = f"must be one of {WORDS}"
            raise InputError(path, field_line, f"{objective_id}: {dotted(loc)} {message}") from None
        if entry.answer == "na" and not entry.justification.strip():
            raise InputError(path, line, f"{objective_id}: answer na needs a justification")
        evidence = tuple(_evidence(ref, root, path, line, objective_id, warnings) for ref in entry.evidence)
        review = _acceptance(entry, value, path, line, str(objective_id), warnings)
        out.append(
            Answer(
                objective_id=str(objective_id),
                answer=entry.answer,
                note=entry.note.strip(),
                justification=entry.justification.strip(),
                evidence=evidence,
                by=entry.by,
                at=entry.at,
                expires=entry.expires,
                review=review,
            )
        )
    return tuple(out)


def _acceptance(
    entry: AnswerEntry, value: Any, path: Path, line: int, objective_id: str, warnings: list[str]
) -> EvidenceReview | None:
    """``accepted_by``/``accepted_at`` as a review; an acceptance older than the answer does not count.

    An acceptance is of the answer as it was: if the answer's ``at`` is later, the evidence may have
    changed since, so it is reported and not counted (accept it again). Nobody accepts their own
    evidence: an acceptance by the answer's ``by`` is reported and not counted either.
    """
    if not entry.accepted_by.strip() and entry.accepted_at is None:
        return None
    missing = "accepted_at" if entry.accepted_at is None else "accepted_by" if not entry.accepted_by.strip() else ""
    if missing:
        other = "accepted_by" if missing == "accepted_at" else "accepted_at"
        field_line = value.key_lines.get(other, line) if isinstance(value, LineDict) else line
        message = f"{objective_id}: {other} needs {missing} (who accepted the evidence, and when)"
        raise InputError(path, field_line, message)
    if not entry.evidence:
        raise InputError(path, line, f"{objective_id}: accepted_by is set but the answer cites no evidence to accept")
    assert entry.accepted_at is not None
    if entry.at is not None and entry.accepted_at < entry.at:
        warnings.append(
            f"{path.name}:{line}: {objective_id}: evidence accepted on {entry.accepted_at.isoformat()}, before the "
            f"answer of {entry.at.isoformat()}; the acceptance is not counted"
        )
        return None
    by = entry.accepted_by.strip()
    if by == entry.by.strip():
        warnings.append(
            f"{path.name}:{line}: {objective_id}: evidence accepted by {by}, who gave the answer; "
            "someone else must accept it, so the acceptance is not counted"
        )
        return None
    return EvidenceReview(decision="accepted", by=by, at=entry.accepted_at)


def _evidence(ref: str, root: Path, path: Path, line: int, objective_id: str, warnings: list[str]) -> EvidenceRef:
    if ref.startswith(("https://", "http://")):
        return EvidenceRef(ref=ref, exists=None)
    target = (root / ref).resolve()
    if not target.is_relative_to(root.resolve()):
        warnings.append(f"{path.name}:{line}: {objective_id}: evidence {ref} is outside the workspace; not counted")
        return EvidenceRef(ref=ref, exists=False)
    if not target.is_file():
        warnings.append(f"{path.name}:{line}: {objective_id}: evidence {ref} does not exist; not counted")
        return EvidenceRef(ref=ref, exists=False)
    return EvidenceRef(ref=ref, exists=True, sha256=sha256_of(target))
