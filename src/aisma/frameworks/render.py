"""A framework posture as JSON (``aisma.framework-posture/v1``), Markdown or plain text."""

from __future__ import annotations

import json
from typing import Any

from aisma.frameworks.posture import FrameworkPosture, ObjectiveLink
from aisma.scoring.as_of import as_of_line

POSTURE_SCHEMA = "aisma.framework-posture/v1"
# posture -> the pill class every stylesheet colours (met green, gap red, partial amber, n-a grey)
POSTURE_PILL = {"met": "met", "partial": "unknown", "gap": "unmet", "n-a": "na", "unmapped": "na"}


def depths(posture: FrameworkPosture) -> dict[str, int]:
    """How deep each requirement sits in the framework's hierarchy (0 for the top), for indenting."""
    depth: dict[str, int] = {}
    for r in posture.requirements:
        depth[r.id] = depth.get(r.parent, -1) + 1 if r.parent is not None else 0
    return depth


def summary_line(posture: FrameworkPosture) -> str:
    """``coverage 90% of 21 requirements mapped; 6 met, 12 partial, ...``: every rendering's one summary."""
    coverage = posture.coverage()
    counts = ", ".join(f"{n} {s}" for s, n in posture.counts().items())
    shown = "n/a" if coverage is None else f"{coverage:.0%}"
    return f"coverage {shown} of {len(posture.assessable())} requirements mapped; {counts}"


def _objective(link: ObjectiveLink) -> dict[str, Any]:
    return {
        "id": link.id,
        "title": link.title,
        "relationship": link.relationship,
        "status": link.status,
        "answer": link.answer,
        "value": round(link.value, 3),
        "source": link.source,
        "measurement": link.measurement,
        "evidence": [e.get("ref") for e in link.evidence],
        **({"rationale": link.rationale} if link.rationale else {}),
    }


def framework_fields(posture: FrameworkPosture) -> dict[str, str]:
    return {
        "id": posture.framework,
        "title": posture.framework_title,
        "source": posture.source,
        "license": posture.license,
    }


def posture_data(posture: FrameworkPosture) -> dict[str, Any]:
    coverage = posture.coverage()
    return {
        "schema": POSTURE_SCHEMA,
        "framework": framework_fields(posture),
        "mapping_set": posture.mapping_set,
        "organization": posture.organization,
        "model": posture.model_id,
        "assessed_at": posture.assessed_at,
        "time_basis": posture.time_basis or None,
        "coverage": None if coverage is None else round(coverage, 3),
        "counts": posture.counts(),
        "requirements": [
            {
                "id": r.id,
                "title": r.title,
                "parent": r.parent,
                "status": r.status,
                "derived": r.derived,
                "objectives": [_objective(o) for o in r.objectives],
            }
            for r in posture.requirements
        ],
    }


def render_json(posture: FrameworkPosture) -> str:
    return json.dumps(posture_data(posture), indent=2, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_md(posture: FrameworkPosture) -> str:
    lines = [
        f"# {_md(posture.framework_title)}: {_md(posture.organization)}",
        "",
        f"**{as_of_line(posture.assessed_at, posture.time_basis)}.** Assessed with {posture.model_id} through mapping "
        f"set `{posture.mapping_set}`.",
        "",
        summary_line(posture).capitalize() + ".",
        "",
        f"- Source: {_md(posture.source)}",
        f"- License: {_md(posture.license)}",
        "",
        "| Requirement | Title | Status | Objectives |",
        "|---|---|---|---|",
    ]
    for r in posture.requirements:
        objectives = ", ".join(f"{o.id} ({o.relationship}, {o.status})" for o in r.objectives)
        status = f"{r.status} (from parts)" if r.derived else r.status
        lines.append(f"| {_md(r.id)} | {_md(r.title)} | {status} | {objectives} |")
    return "\n".join(lines) + "\n"


def render_text(posture: FrameworkPosture) -> str:
    lines = [
        f"{posture.framework_title} ({posture.framework}) via {posture.mapping_set}: {summary_line(posture)}",
        f"{as_of_line(posture.assessed_at, posture.time_basis)}.",
    ]
    for r in posture.requirements:
        objectives = " ".join(f"{o.id}:{o.status}" for o in r.objectives)
        lines.append(f"{r.status:9} {r.id}  {r.title}" + (f"  [{objectives}]" if objectives else ""))
    return "\n".join(lines) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "md": render_md}
