"""Finding a framework and a mapping set from what the user typed: a built-in id or a file."""

from __future__ import annotations

from pathlib import Path

from aisma.errors import AismaError
from aisma.frameworks.builtin import builtin_frameworks, shipped_mapping
from aisma.frameworks.ciso import load_ciso_library
from aisma.frameworks.mapping import MappingSet, check_mapping_set, parse_mapping_set
from aisma.frameworks.model import Framework
from aisma.frameworks.oscal import load_oscal
from aisma.maturity.schema import MaturityModel


def load_framework_file(path: Path, framework_id: str | None = None) -> Framework:
    """OSCAL catalog or profile (``.json``/``.xml``) or CISO Assistant library (``.yaml``/``.yml``)."""
    suffix = path.suffix.lower()
    if suffix in (".json", ".xml"):
        return load_oscal(path, framework_id)
    if suffix in (".yaml", ".yml"):
        return load_ciso_library(path, framework_id)
    raise AismaError(f"{path}: expected an OSCAL catalog or profile (.json, .xml) or a CISO Assistant library (.yaml)")


def resolve_framework(value: str, framework_id: str | None = None) -> Framework:
    frameworks = builtin_frameworks()
    if value in frameworks:
        return frameworks[value]
    path = Path(value)
    if path.suffix:
        if not path.is_file():
            raise AismaError(f"--framework {value}: no such file")
        return load_framework_file(path, framework_id)
    raise AismaError(f"--framework {value}: not a built-in framework ({', '.join(frameworks)}) or a file")


def resolve_mapping(value: str | None, model: MaturityModel, framework: Framework) -> MappingSet:
    """The mapping set in file ``value``, or the shipped one from the model to the framework."""
    if value is None:
        shipped = shipped_mapping(model, framework)
        if shipped is None:
            raise AismaError(
                f"no mapping set ships from {model.id} to {framework.id}; give one with --mapping FILE "
                "(docs/frameworks.md shows the format)"
            )
        return shipped
    path = Path(value)
    if not path.is_file():
        raise AismaError(f"--mapping {value}: no such file")
    mapping, raw = parse_mapping_set(path)
    return check_mapping_set(mapping, raw, path, model, framework)
