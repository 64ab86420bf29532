"""The regulatory evidence pack: per article, subcategory or control (or per requirement of a framework
through a mapping set), the objectives, their status, the measurements and evidence files (copied,
hashed) and the gaps, in one reproducible zip."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from aisma.evidence_pack.pack import PackSummary, write_pack
from aisma.evidence_pack.rows import REGULATIONS, PackContent, catalog_for, framework_pack_content, pack_content

__all__ = [
    "REGULATIONS",
    "PackContent",
    "PackSummary",
    "build_evidence_pack",
    "build_framework_pack",
    "framework_pack_content",
    "pack_content",
    "write_pack",
]


def build_evidence_pack(
    directory: str | Path, regulation: str, assessed_at: datetime | None, out: str | Path
) -> PackSummary:
    """Assess the workspace (as of ``assessed_at``, else its ``as_of``, else now) and write its evidence pack."""
    from aisma.workspace.loader import open_workspace
    from aisma.workspace.run import assess_opened

    catalog_for(regulation)  # an unknown regulation fails before the (slower) assessment
    workspace = open_workspace(directory)
    result = assess_opened(workspace, assessed_at)
    content = pack_content(result, workspace.model, regulation, workspace.root)
    return write_pack(content, result, workspace.root, Path(out))


def build_framework_pack(
    directory: str | Path,
    framework: str,
    mapping: str | None,
    framework_id: str | None,
    assessed_at: datetime | None,
    out: str | Path,
) -> PackSummary:
    """The pack organised by a framework's requirements (built-in id or OSCAL/CISO file) through a
    mapping set (default: the one shipped), as ``aisma framework assess`` resolves them."""
    from aisma.frameworks.posture import framework_posture
    from aisma.frameworks.resolve import resolve_framework, resolve_mapping
    from aisma.workspace.loader import open_workspace
    from aisma.workspace.run import assess_opened

    chosen = resolve_framework(framework, framework_id)
    workspace = open_workspace(directory)
    mapping_set = resolve_mapping(mapping, workspace.model, chosen)
    result = assess_opened(workspace, assessed_at)
    content = framework_pack_content(framework_posture(chosen, mapping_set, result), result, workspace.root)
    return write_pack(content, result, workspace.root, Path(out))
