"""``aisma-docs``: regenerate docs/cli.md and docs/model.md (used by ``make docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

from aisma.cli.main import build_app
from aisma.cli.reference import cli_reference
from aisma.fileio import write_atomic
from aisma.maturity.docs import model_reference
from aisma.maturity.loader import BUILTIN_MODEL_ID, resolve_model


def main() -> int:
    docs = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    write_atomic(docs / "cli.md", cli_reference(build_app()))
    write_atomic(docs / "model.md", model_reference(resolve_model(BUILTIN_MODEL_ID)))
    print(f"wrote {docs / 'cli.md'} and {docs / 'model.md'}")
    return 0
