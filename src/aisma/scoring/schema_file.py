"""The committed JSON Schema of the result, ``result.schema.json``, written from the models.

``make schema`` (``python -m aisma.scoring.schema_file``) rewrites it after a change to
``aisma.scoring.results``; ``tests/test_result_contract.py`` fails while the committed copy and the
models disagree, so the published schema cannot drift from what aisma writes and reads.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from aisma.fileio import write_atomic
from aisma.scoring.results import result_json_schema

SCHEMA_FILE = "result.schema.json"


def schema_text() -> str:
    """The schema as committed: two-space indent, keys in the models' order, one trailing newline."""
    return json.dumps(result_json_schema(), indent=2, ensure_ascii=False) + "\n"


def committed_text() -> str:
    return resources.files("aisma.scoring").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def main() -> None:
    target = write_atomic(Path(__file__).with_name(SCHEMA_FILE), schema_text())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
