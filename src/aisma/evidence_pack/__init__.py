"""The regulatory evidence pack: per article, subcategory or control, the objectives, their status,
the measurements and evidence files (copied, hashed) and the gaps, in one reproducible zip."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from aisma.evidence_pack.pack import PackSummary, write_pack
from aisma.evidence_pack.rows import REGULATIONS, PackContent, catalog_for, pack_content

__all__ = ["REGULATIONS", "PackContent", "PackSummary", "build_evidence_pack", "pack_content", "write_pack"]


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
