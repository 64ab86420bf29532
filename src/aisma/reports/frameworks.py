"""The per-framework sections of the HTML and PDF reports, from framework postures alone.

Each chosen framework (aisma.workspace.frameworks) gets a section: the summary every posture
rendering opens with, the source and license of the requirement texts, and a table of every
requirement with its posture and, for each mapped objective, the relationship, status and answer,
the measurement it used and the evidence it cites. The figures are those of ``aisma framework
assess`` for the same result.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aisma.frameworks.posture import FrameworkPosture, ObjectiveLink
from aisma.frameworks.render import POSTURE_PILL, depths, summary_line
from aisma.scoring.as_of import as_of_line

OBJECTIVE_PILL = {"met": "met", "unmet": "unmet", "na": "na", "unknown": "unknown"}
MAX_DEPTH_SHOWN = 4


def _objective(link: ObjectiveLink) -> dict[str, Any]:
    measurement = None
    if link.measurement is not None:
        m = link.measurement
        measurement = f"{m['metric']} = {m['value']:.2f}" + ("" if m.get("fresh", True) else " (stale)")
    return {
        "id": link.id,
        "relationship": link.relationship,
        "status": link.status,
        "pill": OBJECTIVE_PILL.get(link.status, "unknown"),
        "answer": link.answer or "unanswered",
        "source": link.source.replace("_", " "),
        "measurement": measurement,
        "evidence": [str(e["ref"]) for e in link.evidence if e.get("ref")],
    }


def framework_sections(postures: Iterable[FrameworkPosture]) -> list[dict[str, Any]]:
    sections = []
    for index, posture in enumerate(postures, start=1):
        depth = depths(posture)
        sections.append(
            {
                "anchor": f"s-framework-{index}",
                "id": posture.framework,
                "title": posture.framework_title,
                "mapping_set": posture.mapping_set,
                "as_of": as_of_line(posture.assessed_at, posture.time_basis),
                "summary": summary_line(posture),
                "source": posture.source,
                "license": posture.license,
                "rows": [
                    {
                        "id": r.id,
                        "title": r.title,
                        "depth": min(depth[r.id], MAX_DEPTH_SHOWN),
                        "status": r.status,
                        "pill": POSTURE_PILL[r.status],
                        "derived": r.derived,
                        "objectives": [_objective(o) for o in r.objectives],
                    }
                    for r in posture.requirements
                ],
            }
        )
    return sections
