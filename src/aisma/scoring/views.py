"""Views: the same objective results regrouped by an external lens (NIST CSF 2.0 functions,
NIST AI RMF functions, EU AI Act articles, MASO control domains for agentic systems) or by track.
A view adds no judgement of its own: it applies the category rules (cumulative level, score,
coverage) to the objectives tagged for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aisma.maturity.catalogs import reference_catalogs
from aisma.maturity.schema import MaturityModel, Objective
from aisma.scoring.levels import raw_score
from aisma.scoring.results import ObjectiveResult, ViewBucket

CSF_FUNCTIONS = (
    ("GV", "Govern"),
    ("ID", "Identify"),
    ("PR", "Protect"),
    ("DE", "Detect"),
    ("RS", "Respond"),
    ("RC", "Recover"),
)
AI_RMF_FUNCTIONS = (("GOVERN", "Govern"), ("MAP", "Map"), ("MEASURE", "Measure"), ("MANAGE", "Manage"))
TRACK_TITLES = (
    ("build", "AI you build and operate"),
    ("platform", "AI platforms you build on"),
    ("copilot", "Copilots and productivity AI"),
    ("coding_tool", "AI coding tools"),
)


def bucket(bucket_id: str, title: str, results: Sequence[ObjectiveResult], levels: Sequence[int]) -> ViewBucket:
    counts = {status: 0 for status in ("met", "unmet", "unknown", "na")}
    for o in results:
        counts[o.status] += 1
    claimed = raw_score(results, levels, evidenced=False)
    evidenced = raw_score(results, levels, evidenced=True)
    return ViewBucket(
        id=bucket_id,
        title=title,
        objectives=tuple(o.id for o in results),
        counts=tuple(counts.items()),
        coverage=claimed.coverage if claimed else None,
        level=claimed.level if claimed else None,
        score=claimed.score if claimed else None,
        evidenced_level=evidenced.level if evidenced else None,
    )


def _framework_view(
    model: MaturityModel,
    results: dict[str, ObjectiveResult],
    framework: str,
    groups: Sequence[tuple[str, str]],
    group_of: Callable[[str], str],
) -> tuple[ViewBucket, ...]:
    levels = [lv.level for lv in model.levels]
    members: dict[str, list[ObjectiveResult]] = {gid: [] for gid, _ in groups}
    for objective in model.objectives():
        for ref in objective.references.get(framework, ()):
            gid = group_of(ref)
            if gid in members and results[objective.id] not in members[gid]:
                members[gid].append(results[objective.id])
    return tuple(bucket(gid, title, members[gid], levels) for gid, title in groups)


def framework_views(
    model: MaturityModel, results: dict[str, ObjectiveResult]
) -> tuple[tuple[str, tuple[ViewBucket, ...]], ...]:
    """Every lens the model's references support, in a fixed order."""
    used = {fw for o in model.objectives() for fw in o.references}
    views: list[tuple[str, tuple[ViewBucket, ...]]] = []
    if "nist-csf-2.0" in used:
        views.append(
            ("nist-csf-2.0", _framework_view(model, results, "nist-csf-2.0", CSF_FUNCTIONS, lambda r: r.split(".")[0]))
        )
    if "nist-ai-rmf" in used:
        views.append(
            ("nist-ai-rmf", _framework_view(model, results, "nist-ai-rmf", AI_RMF_FUNCTIONS, lambda r: r.split(" ")[0]))
        )
    if "eu-ai-act" in used:
        catalog = reference_catalogs()["eu-ai-act"]
        cited = {r for o in model.objectives() for r in o.references.get("eu-ai-act", ())}
        articles = tuple((item.id, item.title) for item in catalog.items if item.id in cited)
        views.append(("eu-ai-act", _framework_view(model, results, "eu-ai-act", articles, lambda r: r)))
    if "maso" in used:
        # MASO's seven control domains (the catalog cites where they come from), in MASO's order.
        domains = tuple((item.id, item.title) for item in reference_catalogs()["maso"].items)
        views.append(("maso", _framework_view(model, results, "maso", domains, lambda r: r)))
    return tuple(views)


def track_views(
    model: MaturityModel, results: dict[str, ObjectiveResult], tracks_in_use: set[str] | None
) -> tuple[ViewBucket, ...]:
    """Per track, the objectives that apply to it (untagged objectives apply to every track)."""
    levels = [lv.level for lv in model.levels]
    out: list[ViewBucket] = []
    for track, title in TRACK_TITLES:
        if tracks_in_use is not None and track not in tracks_in_use:
            continue
        chosen = [results[o.id] for o in model.objectives() if _tagged(o, track)]
        out.append(bucket(track, title, chosen, levels))
    return tuple(out)


def _tagged(objective: Objective, track: str) -> bool:
    return not objective.applies_to.tracks or track in objective.applies_to.tracks
