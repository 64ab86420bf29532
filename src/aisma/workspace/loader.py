"""Read a files-first workspace folder into frozen assessment inputs.

Every file is optional except ``aisma.yaml``. Problems in the files are errors naming file and
line; evidence that cannot be found is a warning in the result, because the assessment is still
meaningful without it (those answers just do not count as evidenced).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aisma.collectors.base import CollectionResult
from aisma.errors import AismaError, InputError
from aisma.fileio import sha256_of
from aisma.inventory.providers import InventorySettings, parse_settings
from aisma.inventory.schema import Inventory
from aisma.layout import ANSWERS_FILE, CONFIG_FILE, EVIDENCE_DIR, INVENTORY_FILE
from aisma.maturity.loader import UnknownModelError, resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.scoring.inputs import Answer, AssessmentInput, ObservedAsset, Source
from aisma.scoring.targets import PRESETS
from aisma.workspace.answers import parse_answers
from aisma.workspace.config import WorkspaceConfig
from aisma.workspace.inputs import freeze_inputs
from aisma.yamlfile import LineDict, load_yaml, validated

__all__ = [
    "ANSWERS_FILE",
    "CONFIG_FILE",
    "EVIDENCE_DIR",
    "INVENTORY_FILE",
    "Workspace",
    "assessment_input",
    "open_workspace",
]


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: WorkspaceConfig
    model: MaturityModel
    inventory: Inventory
    inventory_sha256: str
    inventory_settings: InventorySettings
    answers: tuple[Answer, ...]
    warnings: tuple[str, ...]
    observed: tuple[ObservedAsset, ...] = ()


def _sha256(path: Path) -> str:
    return sha256_of(path) if path.is_file() else ""


def open_workspace(directory: str | Path) -> Workspace:
    root = Path(directory)
    if not root.is_dir():
        raise AismaError(f"{root}: no such workspace folder (create one with: aisma init {root})")
    config_path = root / CONFIG_FILE
    if not config_path.is_file():
        raise AismaError(f"{root}: not a workspace, {CONFIG_FILE} is missing (create one with: aisma init {root})")
    raw_config = load_yaml(config_path)
    if not isinstance(raw_config, dict):
        raise InputError(config_path, 1, "expected a mapping with organization, model and targets")
    config = validated(WorkspaceConfig, raw_config, config_path)
    try:
        model = resolve_model(config.model, base=root)
    except UnknownModelError as exc:
        raise InputError(
            config_path,
            raw_config.key_lines.get("model") if isinstance(raw_config, LineDict) else None,
            f"model: {exc.message}",
        ) from None
    _check_targets(config, model, raw_config, config_path)

    inventory_path = root / INVENTORY_FILE
    inventory = Inventory()
    if inventory_path.is_file():
        raw_inventory = load_yaml(inventory_path)
        if raw_inventory is not None:
            if not isinstance(raw_inventory, dict):
                raise InputError(inventory_path, 1, "expected a mapping with one key, systems")
            inventory = validated(Inventory, raw_inventory, inventory_path, "systems", "system")
            _check_unique_systems(inventory, raw_inventory, inventory_path)

    settings_raw = raw_config.get("collectors", {}).get("inventory") if isinstance(raw_config, dict) else None
    inventory_settings = parse_settings(settings_raw, config_path)

    warnings: list[str] = []
    pinned = config.model_version
    moved = pinned is not None and pinned != model.version
    if moved:
        warnings.append(
            f"{CONFIG_FILE}: the answers were written for {model.id} {pinned}; the model is now {model.version} "
            f"(run: aisma model migrate {root} --to {config.model})"
        )
    answers_path = root / ANSWERS_FILE
    answers: tuple[Answer, ...] = ()
    if answers_path.is_file():
        try:
            answers = parse_answers(load_yaml(answers_path), answers_path, model, root, warnings)
        except InputError as exc:
            if not moved:
                raise
            hint = f"answers were written for {model.id} {pinned}; run: aisma model migrate {root} --to {config.model}"
            raise InputError(exc.path, exc.line, f"{exc.detail} ({hint})") from None
    if config.crosswalks:
        from aisma.workspace.crosswalks import apply_crosswalks

        answers = apply_crosswalks(config, config_path, root, model, answers, warnings)
    return Workspace(
        root=root,
        config=config,
        model=model,
        inventory=inventory,
        inventory_sha256=_sha256(inventory_path),
        inventory_settings=inventory_settings,
        answers=answers,
        warnings=tuple(warnings),
    )


def _check_targets(config: WorkspaceConfig, model: MaturityModel, raw: object, path: Path) -> None:
    categories = {c.id for c in model.categories()}
    domains = {d.id for d in model.domains}
    targets = raw.get("targets") if isinstance(raw, LineDict) else None
    for key, known, values in (
        ("categories", categories, config.targets.categories),
        ("domains", domains, config.targets.domains),
    ):
        section = targets.get(key) if isinstance(targets, LineDict) else None
        for name, level in values.items():
            line = section.key_lines.get(name) if isinstance(section, LineDict) else None
            kind = "category" if key == "categories" else "domain"
            if name not in known:
                raise InputError(
                    path,
                    line,
                    f"targets.{key}.{name} is not a {kind} of model {model.id}",
                )
            if not 0 <= level <= model.max_level:
                raise InputError(path, line, f"targets.{key}.{name} must be a level from 0 to {model.max_level}")
    if config.targets.default is not None and config.targets.default > model.max_level:
        raise InputError(path, None, f"targets.default must be a level from 0 to {model.max_level}")
    if config.targets.preset is not None and config.targets.preset not in {p.id for p in PRESETS}:
        line = targets.key_lines.get("preset") if isinstance(targets, LineDict) else None
        names = ", ".join(p.id for p in PRESETS)
        raise InputError(
            path, line, f"targets.preset {config.targets.preset!r} is not a preset; expected one of {names}"
        )


def _check_unique_systems(inventory: Inventory, raw: object, path: Path) -> None:
    seen: set[str] = set()
    items = raw.get("systems") if isinstance(raw, dict) else None
    for index, system in enumerate(inventory.systems):
        if system.id in seen:
            line = items.item_lines[index] if items is not None and hasattr(items, "item_lines") else None
            raise InputError(path, line, f"system {system.id}: id is used twice")
        seen.add(system.id)


def assessment_input(
    workspace: Workspace, assessed_at: datetime, collected: CollectionResult | None = None, time_basis: str = "at"
) -> AssessmentInput:
    """Freeze a workspace (and what its collectors measured) into the inputs of one assessment."""
    return freeze_inputs(
        organization=workspace.config.organization,
        model=workspace.model,
        assessed_at=assessed_at,
        inventory=workspace.inventory,
        inventory_source=Source(tool="inventory", version="", file=INVENTORY_FILE, sha256=workspace.inventory_sha256),
        inventory_settings=workspace.inventory_settings,
        answers=workspace.answers,
        targets=workspace.config.targets,
        observed=workspace.observed + (collected.observed if collected else ()),
        measurements=collected.measurements if collected else (),
        warnings=workspace.warnings + (collected.warnings if collected else ()),
        time_basis=time_basis,
    )
