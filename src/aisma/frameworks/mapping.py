"""Mapping sets: which objectives of a model speak to which requirements of a framework, and how.

Each mapping reads "objective RELATIONSHIP requirement", the set-theory relationships of NIST OLIR:
``equal`` (same ask), ``subset`` (the objective asks for part of the requirement), ``superset`` (the
objective asks for all of it and more) and ``intersects`` (they overlap; ``intersect``, CISO
Assistant's spelling, is read as ``intersects``). The file format is documented in docs/frameworks.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from aisma.errors import InputError
from aisma.frameworks.model import Framework
from aisma.maturity.schema import MaturityModel
from aisma.yamlfile import LineDict, load_yaml, validated

Relationship = Literal["equal", "subset", "superset", "intersects"]
RELATIONSHIPS: tuple[Relationship, ...] = ("equal", "subset", "superset", "intersects")
MAPPING_SCHEMA = "aisma.mapping/v1"


class MappingEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    objective: str = Field(min_length=1, description="objective id of the model")
    requirement: str = Field(min_length=1, description="requirement id of the framework")
    relationship: Relationship
    rationale: str = ""

    @field_validator("relationship", mode="before")
    @classmethod
    def _spelling(cls, value: Any) -> Any:
        return "intersects" if value == "intersect" else value


class MappingFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_: Literal["aisma.mapping/v1"] = Field(alias="schema")
    id: str = Field(min_length=1)
    title: str = ""
    model: str = Field(min_length=1, description="id of the maturity model whose objectives are mapped")
    framework: str = Field(min_length=1, description="id of the framework whose requirements are mapped")
    source: str = ""
    license: str = ""
    mappings: tuple[MappingEntry, ...] = Field(min_length=1)


@dataclass(frozen=True)
class MappingSet:
    id: str
    title: str
    model: str
    framework: str
    source: str
    license: str
    mappings: tuple[MappingEntry, ...]
    origin: str = "built-in"

    def for_requirement(self, requirement_id: str) -> tuple[MappingEntry, ...]:
        return tuple(m for m in self.mappings if m.requirement == requirement_id)


def parse_mapping_set(path: Path, origin: str | None = None) -> tuple[MappingSet, Any]:
    """Read and shape-check a mapping set file (no cross-checks yet); also returns the raw tree for lines."""
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise InputError(path, 1, "a mapping set must be a mapping with schema, id, model, framework and mappings")
    parsed = validated(MappingFile, raw, path, "mappings", "mapping")
    mapping = MappingSet(
        id=parsed.id,
        title=parsed.title or parsed.id,
        model=parsed.model,
        framework=parsed.framework,
        source=parsed.source,
        license=parsed.license,
        mappings=parsed.mappings,
        origin=origin if origin is not None else str(path),
    )
    return mapping, raw


def check_mapping_set(
    mapping: MappingSet, raw: Any, path: Path, model: MaturityModel, framework: Framework
) -> MappingSet:
    """Every objective must be in the model, every requirement in the framework, no pair twice."""
    for side, want, have in (("model", mapping.model, model.id), ("framework", mapping.framework, framework.id)):
        if want != have:
            line = raw.key_lines.get(side) if isinstance(raw, LineDict) else None
            raise InputError(path, line, f"{side}: is {want!r} but the {side} given is {have!r}")
    objectives = {o.id for o in model.objectives()}
    requirements = framework.ids()
    items = raw.get("mappings") if isinstance(raw, dict) else None
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(mapping.mappings):
        line = items.item_lines[index] if items is not None and hasattr(items, "item_lines") else None
        where = f"mappings[{index}]"
        if entry.objective not in objectives:
            raise InputError(path, line, f"{where}.objective: {entry.objective} is not an objective of {model.id}")
        if entry.requirement not in requirements:
            raise InputError(
                path, line, f"{where}.requirement: {entry.requirement} is not a requirement of {framework.id}"
            )
        if (entry.objective, entry.requirement) in seen:
            raise InputError(path, line, f"{where}: {entry.objective} -> {entry.requirement} is listed twice")
        seen.add((entry.objective, entry.requirement))
    return mapping


def mapping_set_data(mapping: MappingSet) -> dict[str, Any]:
    """The file form of a mapping set as data (what the server keeps of an uploaded, checked set)."""
    return {
        "schema": MAPPING_SCHEMA,
        "id": mapping.id,
        "title": mapping.title,
        "model": mapping.model,
        "framework": mapping.framework,
        "source": mapping.source,
        "license": mapping.license,
        "mappings": [{k: v for k, v in m.model_dump().items() if k != "rationale" or v} for m in mapping.mappings],
    }


def mapping_set_from_data(data: dict[str, Any], origin: str) -> MappingSet:
    """The set ``mapping_set_data`` gave, read back (it was checked when it was first read)."""
    return MappingSet(
        id=data["id"],
        title=data["title"],
        model=data["model"],
        framework=data["framework"],
        source=data["source"],
        license=data["license"],
        mappings=tuple(MappingEntry(**m) for m in data["mappings"]),
        origin=origin,
    )


def dump_mapping_set(mapping: MappingSet) -> str:
    """The file form of a mapping set; ``parse_mapping_set`` reads it back to the same set."""
    return yaml.safe_dump(mapping_set_data(mapping), sort_keys=False, allow_unicode=True, width=120)
