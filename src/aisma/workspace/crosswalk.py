"""Crosswalks between maturity models, so an answer given once counts in both.

A crosswalk file names two models and pairs of their objectives with a relation that reads
"source objective RELATION target objective" (the set-theory relations of NIST's OLIR):

- ``equal``: the two ask for the same thing;
- ``subset``: the source asks for part of what the target asks;
- ``superset``: the source asks for everything the target asks, and more;
- ``intersect``: they overlap, neither contains the other.

The same file works in both directions (read backwards, subset and superset swap). When answers
given against one model are carried to the other (the ``from`` and ``to`` sides):

| relation (from -> to) | fully     | largely   | partially | not | na  |
|-----------------------|-----------|-----------|-----------|-----|-----|
| equal                 | fully     | largely   | partially | not | na  |
| superset              | fully     | largely   | -         | -   | -   |
| subset, intersect     | partially | partially | partially | -   | -   |

Meeting a superset meets its subset, so positive answers carry whole; meeting a subset or an overlap
shows progress on the other, never more than ``partially``; a ``not`` or ``partially`` on a superset
says nothing certain about the smaller requirement, so it does not carry (the objective stays
unanswered rather than being marked down). ``unknown`` never carries. When several answers reach one
objective the highest wins (ties: the first source id); an answer given directly always wins.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from aisma.errors import InputError
from aisma.maturity.schema import MaturityModel
from aisma.records import ANSWER_VALUES, Answer, AnswerWord, EvidenceRef
from aisma.yamlfile import LineDict, load_yaml, validated

Relation = Literal["equal", "subset", "superset", "intersect"]
INVERSE: dict[str, Relation] = {"equal": "equal", "subset": "superset", "superset": "subset", "intersect": "intersect"}
CARRY: dict[str, dict[str, AnswerWord]] = {
    "equal": {"fully": "fully", "largely": "largely", "partially": "partially", "not": "not", "na": "na"},
    "superset": {"fully": "fully", "largely": "largely"},
    "subset": {"fully": "partially", "largely": "partially", "partially": "partially"},
    "intersect": {"fully": "partially", "largely": "partially", "partially": "partially"},
}


class Pair(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1)
    target: str = Field(min_length=1)
    relation: Relation
    note: str = ""


class Crosswalk(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1, description="id of the model on the left of each relation")
    target: str = Field(min_length=1, description="id of the model on the right")
    title: str = ""
    mappings: tuple[Pair, ...] = Field(min_length=1)


def carry_word(answer: str, relation: str) -> AnswerWord | None:
    """What an answer on the ``from`` side becomes on the ``to`` side, or None when it does not carry."""
    return CARRY[relation].get(answer)


def load_crosswalk(path: Path, source: MaturityModel, target: MaturityModel) -> Crosswalk:
    """Parse a crosswalk and check every objective id against the two models."""
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise InputError(path, 1, "a crosswalk must be a mapping with source, target and mappings")
    crosswalk = validated(Crosswalk, raw, path, "mappings", "mapping")
    for side, model in (("source", source), ("target", target)):
        if getattr(crosswalk, side) != model.id:
            line = raw.key_lines.get(side) if isinstance(raw, LineDict) else None
            raise InputError(path, line, f"{side} is {getattr(crosswalk, side)!r} but the model is {model.id!r}")
    known = {"source": {o.id for o in source.objectives()}, "target": {o.id for o in target.objectives()}}
    seen: set[tuple[str, str]] = set()
    items = raw.get("mappings")
    for index, pair in enumerate(crosswalk.mappings):
        line = items.item_lines[index] if items is not None and hasattr(items, "item_lines") else None
        for side in ("source", "target"):
            value = getattr(pair, side)
            if value not in known[side]:
                model_id = getattr(crosswalk, side)
                raise InputError(path, line, f"mapping {side} {value} is not an objective of model {model_id}")
        if (pair.source, pair.target) in seen:
            raise InputError(path, line, f"mapping {pair.source} -> {pair.target} is listed twice")
        seen.add((pair.source, pair.target))
    return crosswalk


@dataclass(frozen=True)
class Carried:
    answer: Answer
    origin: str  # "aisma-core GOV-1.1 (superset)"


def carry_answers(
    crosswalk: Crosswalk,
    given: tuple[Answer, ...],
    from_model: str,
    label: str,
    given_root: Path,
    root: Path,
) -> dict[str, Carried]:
    """Answers given against ``from_model`` carried across the crosswalk, keyed by the other side's id."""
    forward = crosswalk.source == from_model
    by_id = {a.objective_id: a for a in given}
    best: dict[str, Carried] = {}
    pairs = sorted(crosswalk.mappings, key=lambda p: (p.source, p.target) if forward else (p.target, p.source))
    for pair in pairs:
        origin_id, to_id = (pair.source, pair.target) if forward else (pair.target, pair.source)
        relation = pair.relation if forward else INVERSE[pair.relation]
        original = by_id.get(origin_id)
        if original is None:
            continue
        word = carry_word(original.answer, relation)
        if word is None:
            continue
        note = f"Carried from {from_model} {origin_id} ({original.answer}, {relation}) via {label}."
        candidate = Carried(
            answer=Answer(
                objective_id=to_id,
                answer=word,
                note=f"{note} {original.note}".strip(),
                justification=original.justification,
                evidence=tuple(_rebased(e, given_root, root) for e in original.evidence),
                by=original.by,
                at=original.at,
                expires=original.expires,
                review=original.review,
            ),
            origin=f"{from_model} {origin_id} ({relation})",
        )
        current = best.get(to_id)
        if current is None or answer_rank(candidate.answer) > answer_rank(current.answer):
            best[to_id] = candidate
    return best


def answer_rank(answer: Answer) -> tuple[int, float]:
    """Any answer beats N/A; otherwise the higher value wins."""
    return (0, 0.0) if answer.answer == "na" else (1, ANSWER_VALUES.get(answer.answer, 0.0))


def _rebased(ref: EvidenceRef, given_root: Path, root: Path) -> EvidenceRef:
    """Evidence paths are relative to the workspace that gave the answer; make them relative to ours."""
    if ref.ref.startswith(("https://", "http://")) or given_root.resolve() == root.resolve():
        return ref
    moved = os.path.relpath((given_root / ref.ref).resolve(), root.resolve())
    return EvidenceRef(ref=Path(moved).as_posix(), exists=ref.exists, sha256=ref.sha256)
