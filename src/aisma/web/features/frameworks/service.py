"""Frameworks on the server: the built-in ones, those an organization imported, and the posture of the
latest assessment through either.

A built-in framework is seen through the mapping set shipped from the model to it. An imported one
(an OSCAL catalog or profile, JSON or XML, or a CISO Assistant library) is read once, at upload, by the
same bounded readers as ``aisma framework`` (aisma.frameworks), and kept as what was read, with the
mapping set uploaded for it; the pages then compute its posture exactly as ``aisma framework assess
--mapping`` would. Importing, replacing the mapping set and deleting are for owners (tokens: the admin
scope), audited, and every query is the actor's organization's. A refused upload is one line naming
the uploaded file (and line) and what was expected; nothing of it is kept.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from aisma.errors import AismaError, InputError
from aisma.frameworks.builtin import builtin_frameworks, shipped_mapping
from aisma.frameworks.ciso import load_ciso_library
from aisma.frameworks.mapping import (
    MappingSet,
    check_mapping_set,
    mapping_set_data,
    mapping_set_from_data,
    parse_mapping_set,
)
from aisma.frameworks.model import Framework, Requirement
from aisma.frameworks.oscal import MAX_OSCAL_BYTES, load_oscal
from aisma.frameworks.posture import FrameworkPosture, framework_posture
from aisma.maturity.schema import MaturityModel
from aisma.scoring.results import AssessmentResult
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Conflict, Invalid, NotFound, TooLarge
from aisma.server.models import model_by_id, model_for
from aisma.store.repositories import frameworks as repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.tables import FrameworkRow
from aisma.store.types import utcnow
from aisma.web.features.assessments.service import latest_assessment
from aisma.web.features.audit import service as audit
from aisma.web.features.frameworks.schemas import FrameworkOut
from aisma.yamlfile import MAX_YAML_BYTES

FRAMEWORK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
OSCAL_SUFFIXES = (".json", ".xml")
CISO_SUFFIXES = (".yaml", ".yml")
MAX_NAME = 200


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the client gave and its bytes (already read within the size limit)."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class FrameworkChoice:
    id: str
    title: str
    imported: bool = False


def _display_name(filename: str) -> str:
    """The uploaded file's own name (no folders, no control characters), as errors and records show it."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ord(ch) >= 32)
    while len(name.encode("utf-8")) > MAX_NAME:  # a file system takes 255 bytes per name, not characters
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[:-1]}{dot}{suffix}" if dot and len(suffix) < 16 and stem else name[:-1]
    return name if name not in ("", ".", "..") else "upload"


def _size_limit(suffix: str, server_limit: int) -> int:
    return min(server_limit, MAX_OSCAL_BYTES if suffix in OSCAL_SUFFIXES else MAX_YAML_BYTES)


def check_size(upload: Upload, server_limit: int) -> None:
    limit = _size_limit(Path(_display_name(upload.filename)).suffix.lower(), server_limit)
    if len(upload.data) > limit:
        raise TooLarge(limit)


@contextmanager
def _on_disk(field: str, *uploads: Upload | None) -> Iterator[list[Path | None]]:
    """The uploads as files in a private temporary folder, each under its own name (the readers take
    paths and decide the format by suffix); an error naming a temporary path names the upload instead."""
    with tempfile.TemporaryDirectory(prefix="aisma-framework-") as tmp:
        paths: list[Path | None] = []
        for index, upload in enumerate(uploads):
            if upload is None:
                paths.append(None)
                continue
            folder = Path(tmp) / str(index)
            folder.mkdir()
            path = folder / _display_name(upload.filename)
            path.write_bytes(upload.data)
            paths.append(path)
        shown = {str(p): p.name for p in paths if p is not None}
        try:
            yield paths
        except Invalid:
            raise
        except InputError as exc:
            where = shown.get(exc.path, Path(exc.path).name) + (f":{exc.line}" if exc.line else "")
            raise Invalid(field, f"{where}: {exc.detail}") from None
        except AismaError as exc:
            message = exc.message
            for long, short in shown.items():
                message = message.replace(long, short)
            raise Invalid(field, message) from None


def _requirements_data(framework: Framework) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "title": r.title, "text": r.text, "parent": r.parent, "kind": r.kind, "assessable": r.assessable}
        for r in framework.requirements
    ]


def _framework_of(row: FrameworkRow) -> Framework:
    return Framework(
        id=row.framework_id,
        title=row.title,
        source=row.source,
        license=row.license,
        version=row.version,
        requirements=tuple(Requirement(**r) for r in row.requirements),
        origin=f"imported {row.filename}",
    )


def _mapping_of(row: FrameworkRow) -> MappingSet | None:
    return mapping_set_from_data(row.mapping, f"uploaded {row.mapping_filename}") if row.mapping else None


def _out(row: FrameworkRow) -> FrameworkOut:
    mapping = row.mapping or {}
    return FrameworkOut(
        id=row.framework_id,
        title=row.title,
        origin="imported",
        kind=row.kind,
        version=row.version,
        source=row.source,
        license=row.license,
        requirements=len(row.requirements),
        mapping_set=mapping.get("id"),
        mappings=len(mapping.get("mappings", ())),
        filename=row.filename,
        sha256=row.sha256,
        mapping_filename=row.mapping_filename,
        mapping_sha256=row.mapping_sha256,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
    )


def _builtin_out(framework: Framework, model: MaturityModel) -> FrameworkOut:
    mapping = shipped_mapping(model, framework)
    return FrameworkOut(
        id=framework.id,
        title=framework.title,
        origin="built-in",
        kind="built-in",
        version=framework.version,
        source=framework.source,
        license=framework.license,
        requirements=len(framework.requirements),
        mapping_set=mapping.id if mapping is not None else None,
        mappings=len(mapping.mappings) if mapping is not None else 0,
    )


def list_frameworks(session: Session, actor: Actor) -> list[FrameworkOut]:
    """The built-in frameworks (with the mapping set shipped from the organization's model), then the
    organization's imported ones by id."""
    model = model_for(session, actor)
    built = [_builtin_out(f, model) for f in builtin_frameworks().values()]
    return built + imported_frameworks(session, actor)


def imported_frameworks(session: Session, actor: Actor) -> list[FrameworkOut]:
    """The organization's imported frameworks, by id."""
    actor.require(Permission.READ)
    return [_out(row) for row in repo.list_for_org(session, actor.org_id)]


def get_framework(session: Session, actor: Actor, framework_id: str) -> FrameworkOut:
    actor.require(Permission.READ)
    builtin = builtin_frameworks().get(framework_id)
    if builtin is not None:
        return _builtin_out(builtin, model_for(session, actor))
    return _out(_row(session, actor, framework_id))


def choices(session: Session, actor: Actor) -> list[FrameworkChoice]:
    actor.require(Permission.READ)
    built = [FrameworkChoice(f.id, f.title) for f in builtin_frameworks().values()]
    return built + [FrameworkChoice(r.framework_id, r.title, True) for r in repo.list_for_org(session, actor.org_id)]


def _row(session: Session, actor: Actor, framework_id: str) -> FrameworkRow:
    row = repo.get(session, actor.org_id, framework_id)
    if row is None:
        builtins = ", ".join(builtin_frameworks())
        raise NotFound(f"no framework {framework_id!r}; expected a built-in one ({builtins}) or an imported one")
    return row


def _read_framework(upload: Upload, catalog: Upload | None, framework_id: str | None) -> tuple[Framework, str]:
    suffix = Path(_display_name(upload.filename)).suffix.lower()
    if suffix not in OSCAL_SUFFIXES + CISO_SUFFIXES:
        raise Invalid(
            "file",
            f"{_display_name(upload.filename)}: expected an OSCAL catalog or profile (.json, .xml) "
            "or a CISO Assistant library (.yaml)",
        )
    if catalog is not None and suffix not in OSCAL_SUFFIXES:
        raise Invalid("catalog", "a catalog goes with an OSCAL profile only")
    with _on_disk("file", upload, catalog) as (path, catalog_path):
        assert path is not None
        if suffix in CISO_SUFFIXES:
            return load_ciso_library(path, framework_id), "ciso-library"
        framework = load_oscal(path, framework_id, catalog=catalog_path, follow_imports=False)
    kind = "oscal-profile" if framework.source.startswith("OSCAL profile") else "oscal-catalog"
    if catalog is not None and kind != "oscal-profile":
        raise Invalid("catalog", f"{_display_name(upload.filename)} is a catalog itself; upload no second catalog")
    return framework, kind


def _read_mapping(upload: Upload, model: MaturityModel, framework: Framework) -> MappingSet:
    if Path(_display_name(upload.filename)).suffix.lower() not in CISO_SUFFIXES:
        raise Invalid("mapping", f"{_display_name(upload.filename)}: expected an aisma mapping set (.yaml)")
    with _on_disk("mapping", upload) as (path,):
        assert path is not None
        mapping, raw = parse_mapping_set(path, origin="uploaded")
        return check_mapping_set(mapping, raw, path, model, framework)


def _check_id(framework_id: str) -> None:
    if not FRAMEWORK_ID.fullmatch(framework_id):
        raise Invalid(
            "framework_id",
            f"{framework_id[:120]!r} is not a usable framework id (a letter or digit, then letters, digits, "
            "'.', '-' or '_'; at most 100); give one with framework_id",
        )
    if framework_id in builtin_frameworks():
        raise Invalid("framework_id", f"{framework_id} is a built-in framework; give the import another id")


def import_framework(
    session: Session,
    actor: Actor,
    upload: Upload,
    *,
    catalog: Upload | None = None,
    mapping: Upload | None = None,
    framework_id: str | None = None,
) -> FrameworkOut:
    """Read and keep a framework (with the catalog a profile imports, and optionally its mapping set)."""
    actor.require(Permission.MANAGE_FRAMEWORKS)
    if framework_id is not None:
        _check_id(framework_id)
    framework, kind = _read_framework(upload, catalog, framework_id or None)
    _check_id(framework.id)
    model = model_for(session, actor)
    mapping_set = _read_mapping(mapping, model, framework) if mapping is not None else None
    row = FrameworkRow(
        organization_id=actor.org_id,
        framework_id=framework.id,
        title=framework.title[:500],
        kind=kind,
        version=framework.version[:200],
        source=framework.source,
        license=framework.license,
        filename=_display_name(upload.filename),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        size=len(upload.data),
        requirements=_requirements_data(framework),
        mapping=mapping_set_data(mapping_set) if mapping_set is not None else None,
        mapping_filename=_display_name(mapping.filename) if mapping is not None else "",
        mapping_sha256=hashlib.sha256(mapping.data).hexdigest() if mapping is not None else "",
        uploaded_by=actor.label,
        uploaded_at=utcnow(),
    )
    if not repo.add(session, row):
        raise Conflict(f"framework {framework.id} is already imported; delete it first to import it again")
    audit.append(session, actor, "framework.import", "framework", framework.id, None, _summary(row))
    return _out(row)


def set_mapping(session: Session, actor: Actor, framework_id: str, upload: Upload) -> FrameworkOut:
    """Replace the mapping set of an imported framework (checked against the model and its requirements)."""
    actor.require(Permission.MANAGE_FRAMEWORKS)
    row = _row(session, actor, framework_id)
    before = _summary(row)
    mapping_set = _read_mapping(upload, model_for(session, actor), _framework_of(row))
    row.mapping = mapping_set_data(mapping_set)
    row.mapping_filename = _display_name(upload.filename)
    row.mapping_sha256 = hashlib.sha256(upload.data).hexdigest()
    session.flush()
    audit.append(session, actor, "framework.mapping", "framework", framework_id, before, _summary(row))
    return _out(row)


def delete_framework(session: Session, actor: Actor, framework_id: str) -> None:
    actor.require(Permission.MANAGE_FRAMEWORKS)
    row = _row(session, actor, framework_id)
    audit.append(session, actor, "framework.delete", "framework", framework_id, _summary(row), None)
    session.delete(row)


def _summary(row: FrameworkRow) -> dict[str, Any]:
    mapping = row.mapping or {}
    return {
        "framework_id": row.framework_id,
        "title": row.title,
        "kind": row.kind,
        "filename": row.filename,
        "sha256": row.sha256,
        "requirements": len(row.requirements),
        "mapping_set": mapping.get("id"),
        "mappings": len(mapping.get("mappings", ())),
        "mapping_sha256": row.mapping_sha256 or None,
    }


def framework(session: Session, actor: Actor, framework_id: str) -> Framework:
    """A built-in framework, or one this organization imported."""
    actor.require(Permission.READ)
    found = builtin_frameworks().get(framework_id)
    return found if found is not None else _framework_of(_row(session, actor, framework_id))


def posture_and_reason(session: Session, actor: Actor, framework_id: str) -> tuple[FrameworkPosture | None, str]:
    """The latest assessment through the framework, or None and why not (no assessment, no mapping set)."""
    chosen = framework(session, actor, framework_id)
    stored = latest_assessment(session, actor)
    if stored is None:
        return None, "no assessment yet"
    model = model_by_id(stored.model_id)
    if framework_id in builtin_frameworks():
        mapping = shipped_mapping(model, chosen)
        if mapping is None:
            return None, f"no mapping set ships from {model.id} to {chosen.id}"
    else:
        mapping = _mapping_of(_row(session, actor, framework_id))
        if mapping is None:
            return None, f"no mapping set uploaded for {chosen.id} yet"
        if mapping.model != model.id:
            return None, f"the mapping set maps {mapping.model}, but the latest assessment used {model.id}"
    weights = {c.id: c.weight for c in model.categories()}
    return framework_posture(chosen, mapping, AssessmentResult.from_dict(stored.result, weights)), ""


def latest_posture(session: Session, actor: Actor, framework_id: str) -> FrameworkPosture | None:
    """None when there is no posture to show (``posture_and_reason`` says why)."""
    return posture_and_reason(session, actor, framework_id)[0]


def report_postures(session: Session, actor: Actor, result: AssessmentResult) -> tuple[FrameworkPosture, ...]:
    """The postures the organization's settings choose for its HTML and PDF reports (``report.frameworks``
    of its aisma.yaml content): built-in ids or ids of frameworks it imported; files are a workspace's."""
    org = orgs_repo.get(session, actor.org_id)
    report = (org.settings if org is not None else {}).get("report") or {}
    entries = report.get("frameworks") or [] if isinstance(report, dict) else []
    model = model_by_id(result.model_id)
    postures = []
    for index, entry in enumerate(entries):
        where = f"settings.report.frameworks[{index}]"
        name = entry if isinstance(entry, str) else str(entry.get("id") or entry.get("framework") or "")
        builtin = builtin_frameworks().get(name)
        if builtin is not None:
            mapping = shipped_mapping(model, builtin)
            chosen = builtin
        else:
            row = repo.get(session, actor.org_id, name)
            if row is None:
                raise Invalid(where, f"{name} is neither a built-in framework nor one imported by this organization")
            chosen, mapping = _framework_of(row), _mapping_of(row)
        if mapping is None or mapping.model != model.id:
            raise Invalid(where, f"no mapping set from {model.id} to {name}")
        postures.append(framework_posture(chosen, mapping, result))
    return tuple(postures)
