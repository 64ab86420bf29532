"""Bring your own model: import a maturity model or controls matrix from a workbook."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from aisma.errors import AismaError
from aisma.maturity.importer.mapping import Mapping, load_mapping
from aisma.maturity.importer.xlsx_import import import_xlsx

__all__ = ["Mapping", "import_xlsx", "load_mapping", "model_yaml", "packaged_mappings", "resolve_mapping"]


def packaged_mappings() -> dict[str, Path]:
    """The example mappings shipped with aisma (``owasp-aima``, ``owasp-samm``), by name."""
    folder = resources.files("aisma.maturity").joinpath("mappings")
    return {
        entry.name.removesuffix(".yaml"): Path(str(entry))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    }


def resolve_mapping(reference: str | Path) -> Path:
    """A mapping file path, or the name of a packaged mapping."""
    path = Path(reference)
    if path.is_file():
        return path
    shipped = packaged_mappings()
    if str(reference) in shipped:
        return shipped[str(reference)]
    raise AismaError(f"--map {reference}: no such file, and not a packaged mapping ({', '.join(shipped)})")


def model_yaml(data: dict[str, Any], workbook: str, mapping: str) -> str:
    """The imported model as YAML, with a header saying where it came from."""
    header = (
        f"# Imported by `aisma model import-xlsx {workbook} --map {mapping}`.\n"
        "# Change the mapping and import again rather than editing by hand; the license below is the source's.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return header + body
