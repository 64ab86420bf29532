"""What the framework pages show, from a posture alone (tests call these without a server)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aisma.frameworks.posture import FrameworkPosture, RequirementPosture
from aisma.frameworks.render import POSTURE_PILL as PILL
from aisma.frameworks.render import depths, framework_fields
from aisma.scoring.as_of import as_of_line


def requirement_url(base: str, framework_id: str, requirement_id: str) -> str:
    return f"{base}/frameworks/{quote(framework_id, safe='')}/requirement?id={quote(requirement_id, safe='')}"


def overview(posture: FrameworkPosture, base: str) -> dict[str, Any]:
    coverage = posture.coverage()
    depth = depths(posture)
    return {
        "framework": framework_fields(posture),
        "mapping_set": posture.mapping_set,
        "assessed_at": posture.assessed_at,
        "as_of": as_of_line(posture.assessed_at, posture.time_basis),
        "coverage": None if coverage is None else round(coverage * 100),
        "counts": list(posture.counts().items()),
        "rows": [
            {
                "id": r.id,
                "title": r.title,
                "status": r.status,
                "pill": PILL[r.status],
                "derived": r.derived,
                "depth": min(depth[r.id], 6),
                "objectives": len(r.objectives),
                "url": requirement_url(base, posture.framework, r.id),
            }
            for r in posture.requirements
        ],
    }


def requirement_detail(posture: FrameworkPosture, requirement: RequirementPosture, base: str) -> dict[str, Any]:
    children = [r for r in posture.requirements if r.parent == requirement.id]
    return {
        "framework": {"id": posture.framework, "title": posture.framework_title, "license": posture.license},
        "requirement": {
            "id": requirement.id,
            "title": requirement.title,
            "text": requirement.text,
            "status": requirement.status,
            "pill": PILL[requirement.status],
            "derived": requirement.derived,
        },
        "parent_url": requirement_url(base, posture.framework, requirement.parent) if requirement.parent else None,
        "children": [
            {
                "id": c.id,
                "title": c.title,
                "status": c.status,
                "pill": PILL[c.status],
                "url": requirement_url(base, posture.framework, c.id),
            }
            for c in children
        ],
        "objectives": [
            {
                "id": o.id,
                "title": o.title,
                "relationship": o.relationship,
                "rationale": o.rationale,
                "status": o.status,
                "pill": o.status if o.status in ("met", "unmet", "na", "unknown") else "unknown",
                "answer": o.answer or "unanswered",
                "source": o.source.replace("_", " "),
                "measurement": o.measurement,
                "evidence": [str(e.get("ref", "")) for e in o.evidence if e.get("ref")],
                "url": f"{base}/questionnaire/{quote(o.category, safe='')}#obj-{quote(o.id, safe='')}",
            }
            for o in requirement.objectives
        ],
        "overview_url": f"{base}/frameworks?framework={quote(posture.framework, safe='')}",
    }


def imported_rows(imported: list[Any], base: str) -> list[dict[str, Any]]:
    """The organization's imported frameworks as the management table lists them."""
    return [
        {
            "id": f.id,
            "title": f.title,
            "kind": KINDS.get(f.kind, f.kind),
            "filename": f.filename,
            "requirements": f.requirements,
            "mapping_set": f.mapping_set,
            "mappings": f.mappings,
            "mapping_filename": f.mapping_filename,
            "uploaded_by": f.uploaded_by,
            "url": f"{base}/frameworks?framework={quote(f.id, safe='')}",
            "mapping_url": f"{base}/frameworks/{quote(f.id, safe='')}/mapping",
            "delete_url": f"{base}/frameworks/{quote(f.id, safe='')}/delete",
        }
        for f in imported
    ]


KINDS = {"oscal-catalog": "OSCAL catalog", "oscal-profile": "OSCAL profile", "ciso-library": "CISO Assistant library"}
