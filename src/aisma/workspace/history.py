"""Files-first history: frozen result snapshots in ``DIR/history/`` and the trend they draw.

``aisma assess DIR --save`` writes ``DIR/history/<assessed_at>.json`` (UTC, colons replaced so the
name is valid on every file system, e.g. ``2026-11-16T09-00-00Z.json``). A snapshot is the result
JSON (``aisma.result/v1``) plus an ``inputs`` section with the inventory it was assessed with, so a
diff can say what changed in the inventory too. Snapshots are never overwritten: saving the same
assessment twice is a no-op, saving a different one under an existing time is an error. Commit the
folder to git with the rest of the workspace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aisma.assessment import assess
from aisma.errors import AismaError
from aisma.fileio import write_atomic
from aisma.scoring.inputs import AssessmentInput
from aisma.scoring.results import RESULT_SCHEMA, AssessmentResult
from aisma.workspace.roadmap import workspace_inputs

HISTORY_DIR = "history"


def snapshot_name(assessed_at: str) -> str:
    moment = datetime.fromisoformat(assessed_at).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H-%M-%SZ") + ".json"


def snapshot_document(result: AssessmentResult, inputs: AssessmentInput) -> dict[str, Any]:
    document = result.to_dict()
    document["inputs"] = {
        "inventory": [s.model_dump(mode="json", exclude_defaults=True) for s in inputs.inventory.systems],
        "answers": len(inputs.answers),
        "measurements": len(inputs.measurements),
    }
    return document


def save_snapshot(directory: Path, result: AssessmentResult, inputs: AssessmentInput) -> tuple[Path, bool]:
    """Write the snapshot; returns its path and whether it was new. Never replaces a different one."""
    path = directory / HISTORY_DIR / snapshot_name(result.assessed_at)
    text = json.dumps(snapshot_document(result, inputs), indent=2, ensure_ascii=False) + "\n"
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            return path, False
        raise AismaError(
            f"{path}: a different snapshot of {result.assessed_at} is already saved; history is never overwritten "
            "(assess at another time with --at)"
        )
    write_atomic(path, text)
    return path, True


def assess_and_save(directory: Path, assessed_at: datetime) -> tuple[AssessmentResult, Path, bool]:
    inputs = workspace_inputs(directory, assessed_at)
    result = assess(inputs)
    path, new = save_snapshot(directory, result, inputs)
    return result, path, new


def load_result(path: Path) -> dict[str, Any]:
    """A result or snapshot JSON file, checked to be an aisma result."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AismaError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AismaError(f"{path}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise AismaError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("schema") != RESULT_SCHEMA:
        raise AismaError(f'{path}: not an aisma result (expected "schema": "{RESULT_SCHEMA}")')
    return data


def snapshots(directory: Path) -> list[Path]:
    folder = directory / HISTORY_DIR
    if not directory.is_dir():
        raise AismaError(f"{directory}: no such workspace folder")
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def find_snapshot(directory: Path, ref: str) -> Path:
    """``latest``, ``previous``, or the start of a snapshot's name (``2026-11``)."""
    found = snapshots(directory)
    if not found:
        raise AismaError(
            f"{directory / HISTORY_DIR}: no snapshots yet (save one with: aisma assess {directory} --save)"
        )
    if ref == "latest":
        return found[-1]
    if ref == "previous":
        if len(found) < 2:
            raise AismaError(f"{directory / HISTORY_DIR}: only one snapshot, there is no previous one")
        return found[-2]
    matches = [p for p in found if p.name.startswith(ref)]
    if len(matches) != 1:
        what = "no snapshot" if not matches else f"{len(matches)} snapshots"
        raise AismaError(f"{directory / HISTORY_DIR}: {what} named {ref}*; expected exactly one (or latest, previous)")
    return matches[0]


@dataclass(frozen=True)
class TrendPoint:
    assessed_at: str
    model_version: str
    level: int | None
    score: float | None
    evidenced_level: int | None
    evidenced_score: float | None
    categories: dict[str, tuple[int | None, int | None]]  # id -> (claimed, evidenced)
    roadmap_items: int
    file: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "assessed_at": self.assessed_at,
            "model_version": self.model_version,
            "level": self.level,
            "score": self.score,
            "evidenced_level": self.evidenced_level,
            "evidenced_score": self.evidenced_score,
            "categories": {cid: {"level": c, "evidenced_level": e} for cid, (c, e) in self.categories.items()},
            "roadmap_items": self.roadmap_items,
            "file": self.file,
        }


def trend(directory: Path) -> list[TrendPoint]:
    points = []
    for path in snapshots(directory):
        data = load_result(path)
        overall = data["overall"]
        points.append(
            TrendPoint(
                assessed_at=str(data["assessed_at"]),
                model_version=f"{data['model']['id']} {data['model']['version']}",
                level=overall.get("level"),
                score=overall.get("score"),
                evidenced_level=overall.get("evidenced_level"),
                evidenced_score=overall.get("evidenced_score"),
                categories={c["id"]: (c.get("level"), c.get("evidenced_level")) for c in data["categories"]},
                roadmap_items=sum(len(p.get("items", [])) for p in data.get("roadmap", [])),
                file=path.name,
            )
        )
    return sorted(points, key=lambda p: datetime.fromisoformat(p.assessed_at))
