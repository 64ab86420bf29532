"""The frameworks and mapping sets aisma ships, and how a name on the command line finds one.

The built-in frameworks are the packaged reference catalogs (aisma.maturity.references) that a
shipped mapping set points at. The shipped mapping sets were derived from the ``references:`` the
aisma-core objectives cite (``derive_mapping_set``), then kept as files so they can be refined by
hand; tests check that every citation in the model is still in its mapping set.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aisma.errors import AismaError
from aisma.frameworks.mapping import MappingEntry, MappingSet, check_mapping_set, parse_mapping_set
from aisma.frameworks.model import Framework, Requirement
from aisma.maturity.catalogs import ReferenceCatalog, reference_catalogs
from aisma.maturity.schema import MaturityModel

SHIPPED = (
    "nist-ai-rmf",
    "nist-csf-2.0",
    "iso-iec-42001-2023",
    "eu-ai-act",
    "owasp-llm-top10-2025",
    "owasp-agentic-top10-2026",
)
MODEL_LICENSE = "Apache-2.0 (the aisma project's mapping; the requirement ids belong to the framework's owner)"


def catalog_framework(catalog: ReferenceCatalog) -> Framework:
    return Framework(
        id=catalog.framework,
        title=catalog.title,
        source=catalog.source,
        license=catalog.license,
        requirements=tuple(
            Requirement(id=i.id, title=i.title, text=i.text, parent=i.parent, kind=i.kind) for i in catalog.items
        ),
    )


def builtin_frameworks() -> dict[str, Framework]:
    catalogs = reference_catalogs()
    return {fid: catalog_framework(catalogs[fid]) for fid in SHIPPED if fid in catalogs}


def shipped_mapping_path(model_id: str, framework_id: str) -> Path | None:
    entry = resources.files("aisma.frameworks").joinpath("mappings", f"{model_id}--{framework_id}.yaml")
    return Path(str(entry)) if entry.is_file() else None


def shipped_mapping(model: MaturityModel, framework: Framework) -> MappingSet | None:
    """The packaged mapping set from ``model`` to ``framework``, checked against both; None if none ships."""
    path = shipped_mapping_path(model.id, framework.id)
    if path is None:
        return None
    mapping, raw = parse_mapping_set(path, origin="built-in")
    return check_mapping_set(mapping, raw, path, model, framework)


def derive_mapping_set(model: MaturityModel, framework: Framework) -> MappingSet:
    """A mapping set from the citations in the model: each cited id becomes ``objective subset requirement``.

    A citation says the objective addresses the requirement; an aisma objective is narrower than a
    framework subcategory or article, so ``subset`` is the honest default (refine by hand where an
    objective asks for all of a requirement: ``equal`` or ``superset``).
    """
    entries = []
    for objective in model.objectives():
        for requirement_id in objective.references.get(framework.id, ()):
            if framework.get(requirement_id) is not None:
                entries.append(MappingEntry(objective=objective.id, requirement=requirement_id, relationship="subset"))
    if not entries:
        raise AismaError(f"model {model.id} cites no requirement of {framework.id}; nothing to derive")
    return MappingSet(
        id=f"{model.id}--{framework.id}",
        title=f"{model.title} to {framework.title}",
        model=model.id,
        framework=framework.id,
        source=f"derived from the references of {model.id} {model.version}",
        license=MODEL_LICENSE,
        mappings=tuple(entries),
        origin="derived",
    )
