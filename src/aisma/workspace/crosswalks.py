"""Answers carried into a workspace from answers given against another model (``crosswalks:`` in aisma.yaml).

Each entry names a crosswalk file and the answers file given against the other model; the carried
answers fill only objectives this workspace's own answers.yaml leaves open. The rules of what carries
are in ``aisma.workspace.crosswalk``. Carried answers are not carried again (no chains).
"""

from __future__ import annotations

from pathlib import Path

from aisma.errors import InputError
from aisma.maturity.loader import UnknownModelError, resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.scoring.inputs import Answer
from aisma.workspace.answers import parse_answers
from aisma.workspace.config import WorkspaceConfig
from aisma.workspace.crosswalk import Carried, answer_rank, carry_answers, load_crosswalk
from aisma.yamlfile import load_yaml


def apply_crosswalks(
    config: WorkspaceConfig,
    config_path: Path,
    root: Path,
    model: MaturityModel,
    answers: tuple[Answer, ...],
    warnings: list[str],
) -> tuple[Answer, ...]:
    own = {a.objective_id for a in answers}
    carried: dict[str, Carried] = {}
    for index, use in enumerate(config.crosswalks):
        where = f"crosswalks[{index}]"
        crosswalk_path = root / use.file
        if not crosswalk_path.is_file():
            raise InputError(config_path, None, f"{where}.file {use.file}: no such file")
        head = load_yaml(crosswalk_path)
        source_id = head.get("source") if isinstance(head, dict) else None
        target_id = head.get("target") if isinstance(head, dict) else None
        if model.id not in (source_id, target_id):
            raise InputError(
                crosswalk_path, 1, f"maps {source_id} to {target_id}; neither is this workspace's model {model.id}"
            )
        other_id = str(source_id if model.id == target_id else target_id)
        try:
            other = resolve_model(use.model or other_id, base=root)
        except UnknownModelError as exc:
            raise InputError(config_path, None, f"{where}.model: {exc.message}") from None
        source, target = (other, model) if model.id == target_id else (model, other)
        crosswalk = load_crosswalk(crosswalk_path, source, target)
        answers_path = root / use.answers
        if not answers_path.is_file():
            raise InputError(config_path, None, f"{where}.answers {use.answers}: no such file")
        given = parse_answers(load_yaml(answers_path), answers_path, other, answers_path.parent, warnings)
        found = carry_answers(crosswalk, given, other.id, use.file, answers_path.parent, root)
        count = 0
        for objective_id, item in sorted(found.items()):
            if objective_id in own:
                continue
            current = carried.get(objective_id)
            if current is None or answer_rank(item.answer) > answer_rank(current.answer):
                carried[objective_id] = item
                count += 1
        warnings.append(f"{count} answers carried from {other.id} ({use.answers}) via crosswalk {use.file}")
    return answers + tuple(carried[k].answer for k in sorted(carried))
