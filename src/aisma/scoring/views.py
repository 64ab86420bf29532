"""Views: the same objective results regrouped by an external lens (NIST CSF 2.0 functions,
NIST AI RMF functions, EU AI Act articles, MASO control domains for agentic systems) or by track.
A view adds no judgement of its own: it applies the category rules (cumulative level, score,
coverage) to the objectives tagged for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aisma.inventory.schema import AISystem
from aisma.maturity.catalogs import reference_catalogs
from aisma.maturity.schema import MaturityModel, Objective
from aisma.scoring.levels import raw_score
from aisma.scoring.objectives import applies
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
        counts=counts,
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
    placed: dict[str, set[str]] = {gid: set() for gid, _ in groups}  # by id: comparing results is slow
    for objective in model.objectives():
        for ref in objective.references.get(framework, ()):
            gid = group_of(ref)
            if gid in members and objective.id not in placed[gid]:
                placed[gid].add(objective.id)
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
    model: MaturityModel, results: dict[str, ObjectiveResult], systems: Sequence[AISystem]
) -> tuple[ViewBucket, ...]:
    """Per track, the objectives that concern that kind of AI, so tracks can stand at different levels.

    The sources describe an organization at level 4 on copilots and level 1 on the AI it builds. That
    is only possible if a track is judged on what is specific to it: an objective belongs to a track
    when it applies to the track's own systems because of a condition (its tracks, deployment types,
    agentic, MCP, EU AI Act provider role). Program-wide objectives (no condition: policy, inventory,
    risk process) belong to no track; they are the foundations every track stands on and are scored in
    their categories and domains. With no inventory, a conditional objective counts for the tracks it
    names, or for every track when it names none.
    """
    levels = [lv.level for lv in model.levels]
    out: list[ViewBucket] = []
    in_use = {str(s.track) for s in systems}
    for track, title in TRACK_TITLES:
        if systems and track not in in_use:
            continue
        members = [s for s in systems if s.track == track]
        chosen = [results[o.id] for o in model.objectives() if in_track(o, track, members)]
        out.append(bucket(track, title, chosen, levels))
    return tuple(out)


def in_track(objective: Objective, track: str, members: Sequence[AISystem]) -> bool:
    """Whether ``objective`` counts for ``track`` whose active systems are ``members`` (none: no inventory)."""
    condition = objective.applies_to
    if condition.program_wide:
        return False
    if not members:
        return not condition.tracks or track in condition.tracks
    return applies(condition, members)
