"""Earlier releases of the built-in model, frozen, and the reasons its objectives changed.

A workspace answered to aisma-core 1.0.0 must be comparable with the model installed today, so every
release of the built-in model ships as a frozen copy (``builtin/releases/<id>-<version>.yaml``) and a
reference ``aisma-core@1.0.0`` loads it. Comparing fields says *that* an objective changed, not whether
an answer given to the old text still holds; ``<id>-changes.yaml`` records that judgement, per release,
so ``aisma model migrate`` keeps the answers that still mean the same thing and lists the rest with why.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from aisma.errors import InputError
from aisma.yamlfile import load_yaml

RELEASES_DIR = ("builtin", "releases")


@dataclass(frozen=True)
class Change:
    keep: bool  # an answer to the old objective still answers the new one
    why: str
    # The objective moved to a new id (a new level needs a new id; ids are never reused): a kept
    # answer is carried to it.
    moved_to: str | None = None


def _releases_dir() -> Path:
    return Path(str(resources.files("aisma.maturity").joinpath(*RELEASES_DIR)))


def frozen_release(model_id: str, version: str) -> Path | None:
    """The frozen copy of release ``version`` of a built-in model, if one ships."""
    path = _releases_dir() / f"{model_id}-{version}.yaml"
    return path if path.is_file() else None


def release_changes(model_id: str, old: str, new: str) -> dict[str, Change]:
    """Per objective, the recorded judgement for moving answers from release ``old`` to ``new``.

    Releases chain through ``follows``; over several releases an answer is kept only if every step
    kept it, and the reasons are joined. Unknown versions give no entries (fields still get compared).
    """
    path = _releases_dir() / f"{model_id}-changes.yaml"
    if old == new or not path.is_file():
        return {}
    raw = load_yaml(path)
    releases = raw.get("releases") if isinstance(raw, dict) else None
    if not isinstance(releases, dict):
        raise InputError(path, 1, "expected a mapping with one key, releases")
    steps: list[dict[str, object]] = []
    version = new
    while version != old:
        entry = releases.get(version)
        if not isinstance(entry, dict):
            return {}  # no recorded path from old to new
        steps.append(entry)
        version = str(entry.get("follows", ""))
        if len(steps) > len(releases):
            raise InputError(path, 1, f"releases form a loop through {version}")
    out: dict[str, Change] = {}  # keyed by the id in release ``old``
    for entry in reversed(steps):  # oldest step first
        changes = entry.get("changes") or {}
        if not isinstance(changes, dict):
            raise InputError(path, 1, "expected changes to map objective ids to keep and why")
        # An id changed in this step may be where an earlier step moved an objective.
        origin = {change.moved_to: first for first, change in out.items() if change.moved_to}
        for oid, item in changes.items():
            line = getattr(item, "line", 1) or 1
            if not isinstance(item, dict) or not isinstance(item.get("keep"), bool) or not item.get("why"):
                raise InputError(path, line, f"{oid}: expected keep (true/false) and why")
            moved = item.get("moved_to")
            if moved is not None and not isinstance(moved, str):
                raise InputError(path, line, f"{oid}: moved_to must be an objective id")
            first = origin.get(str(oid), str(oid))
            before = out.get(first)
            why = str(item["why"]) if before is None else f"{before.why}; then {item['why']}"
            out[first] = Change(
                keep=bool(item["keep"]) and (before is None or before.keep),
                why=why,
                moved_to=moved or (before.moved_to if before else None),
            )
    return out


def _notes_up_to(model_id: str, version: str) -> dict[str, Change]:
    """Every objective id some release up to ``version`` recorded a judgement for, as seen from ``version``."""
    path = _releases_dir() / f"{model_id}-changes.yaml"
    if not path.is_file():
        return {}
    raw = load_yaml(path)
    releases = raw.get("releases") if isinstance(raw, dict) else None
    if not isinstance(releases, dict):
        return {}
    versions = {str(v) for v in releases} | {str(e.get("follows")) for e in releases.values() if isinstance(e, dict)}
    out: dict[str, Change] = {}
    for older in sorted(versions):
        for oid, change in release_changes(model_id, older, version).items():
            out.setdefault(oid, change)
    return out


def moved_objectives(model_id: str, version: str) -> dict[str, Change]:
    """Every objective id that some release up to ``version`` moved, and where it is in ``version``.

    A workspace that never pinned a version, or the team server, may still hold answers to an id that
    moved; this says which id each one belongs to now (releases chained, so a move of a move is followed).
    """
    return {oid: change for oid, change in _notes_up_to(model_id, version).items() if change.moved_to}


def dropped_objectives(model_id: str, version: str) -> dict[str, Change]:
    """Every objective id whose answers some release up to ``version`` dropped (retired, or its meaning changed).

    For an id no longer in the model, this is why an answer to it is refused: the release retired it.
    """
    return {
        oid: change
        for oid, change in _notes_up_to(model_id, version).items()
        if not change.keep and not change.moved_to
    }
