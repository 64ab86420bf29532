"""Find and load maturity models: from a path, or by id from the ``aisma.models`` entry points.

The built-in model registers through the same entry-point group a third-party package would use,
so there is one way in. An entry point's value is a callable returning the path of a model file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aisma.errors import AismaError, InputError
from aisma.maturity.releases import frozen_release
from aisma.maturity.schema import MaturityModel
from aisma.maturity.validation import check_model
from aisma.yamlfile import dotted, first_error, line_of, load_yaml, plain_message

ENTRY_POINT_GROUP = "aisma.models"


class UnknownModelError(AismaError):
    """A model reference that is neither an installed id nor a file."""


BUILTIN_MODEL_ID = "aisma-core"


def builtin_model_path() -> Path:
    """Entry point target for the built-in model (``aisma-core``)."""
    return Path(str(resources.files("aisma.maturity").joinpath("builtin", "aisma-core.yaml")))


@dataclass(frozen=True)
class ModelSource:
    id: str
    origin: str  # "entry point <dist>" or a path
    path: Path


def available_models() -> list[ModelSource]:
    """Models installed through the entry-point group, sorted by id."""
    found: dict[str, ModelSource] = {}
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        target: Callable[[], Any] | Any = entry.load()
        path = Path(target() if callable(target) else target)
        dist = entry.dist.name if entry.dist else "unknown"
        found[entry.name] = ModelSource(id=entry.name, origin=f"entry point of {dist}", path=path)
    if BUILTIN_MODEL_ID not in found:  # running from a source tree that was never installed
        found[BUILTIN_MODEL_ID] = ModelSource(BUILTIN_MODEL_ID, "built-in", builtin_model_path())
    return [found[key] for key in sorted(found)]


def load_model_file(path: str | Path) -> MaturityModel:
    """Parse, validate and cross-check one model file; errors name file, line and field."""
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise InputError(
            path,
            getattr(raw, "line", None) or 1,
            "a model file must be a mapping with id, version, title, levels and domains",
        )
    try:
        model = MaturityModel.model_validate(raw)
    except ValidationError as exc:
        raise _located(exc, raw, path) from None
    check_model(model, raw, path)
    return model


def resolve_model(reference: str, base: Path | None = None) -> MaturityModel:
    """A model by installed id, ``id@version`` (a frozen earlier release), or path (relative to ``base``)."""
    by_id = {source.id: source for source in available_models()}
    model_id, at, version = reference.partition("@")
    if at and model_id in by_id and not reference.endswith((".yaml", ".yml")):
        current = resolve_model(model_id)
        if version == current.version:
            return current
        frozen = frozen_release(model_id, version)
        if frozen is None:
            raise UnknownModelError(f"no release {version!r} of model {model_id!r} ships with aisma")
        return load_model_file(frozen)
    if reference in by_id:
        source = by_id[reference]
        model = load_model_file(source.path)
        if model.id != source.id:
            raise AismaError(f"{source.path}: model id {model.id!r} does not match its entry point name {source.id!r}")
        return model
    candidate = Path(reference)
    if base is not None and not candidate.is_absolute():
        candidate = Path(os.path.normpath(base / candidate))
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        return load_model_file(candidate)
    known = ", ".join(sorted(by_id))
    raise UnknownModelError(
        f"no model {reference!r}: expected an installed model id ({known}) or a path to a model file"
    )


def _located(exc: ValidationError, raw: Any, path: str | Path) -> InputError:
    error = first_error(exc)
    loc = tuple(error["loc"])
    subject, rest = _subject(raw, loc)
    field = dotted(rest)
    message = plain_message(error)
    text = f"{field} {message}" if field else message
    return InputError(path, line_of(raw, loc), f"{subject}: {text}" if subject else text)


def _subject(raw: Any, loc: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """Name the innermost domain, category, objective or gate the error is in."""

    def ident(node: Any, kind: str, index: int) -> str:
        value = node.get("id") if isinstance(node, dict) else None
        return f"{kind} {value}" if isinstance(value, str) else f"{kind} #{index + 1}"

    subject, rest, node = "", loc, raw
    pairs = {
        "domains": "domain",
        "categories": "category",
        "objectives": "objective",
        "gates": "gate",
        "deployment_classes": "deployment class",
        "levels": "level",
    }
    i = 0
    while i + 1 < len(loc) and loc[i] in pairs and isinstance(loc[i + 1], int):
        container = node.get(loc[i]) if isinstance(node, dict) else None
        if not isinstance(container, list) or loc[i + 1] >= len(container):
            break
        node = container[loc[i + 1]]
        subject = ident(node, pairs[str(loc[i])], loc[i + 1])
        i += 2
        rest = loc[i:]
    return subject, rest
