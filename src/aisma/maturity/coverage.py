"""Crosswalk coverage of a model: which framework items its objectives address.

The built-in model promises (MODEL-GUIDE.md) that every objective maps to NIST AI RMF and NIST CSF 2.0,
and that the listed EU AI Act articles, ISO/IEC 42001 areas, OWASP entries and CSA AICM domains are
each addressed by some objective. This module computes that, for a test and for ``aisma model coverage``.
"""

from __future__ import annotations

from dataclasses import dataclass

from aisma.maturity.catalogs import reference_catalogs
from aisma.maturity.schema import MaturityModel

REQUIRED_EU_ARTICLES = (
    "Art. 9",
    "Art. 10",
    "Art. 11",
    "Art. 12",
    "Art. 13",
    "Art. 14",
    "Art. 15",
    "Art. 17",
    "Art. 26",
    "Art. 72",
    "Art. 73",
)
REQUIRED_ISO_AREAS = ("A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9", "A.10")


@dataclass(frozen=True)
class CoverageRow:
    framework: str
    item: str
    title: str
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class CoverageReport:
    rows: tuple[CoverageRow, ...]
    objectives_without: tuple[tuple[str, str], ...]  # (objective id, framework) missing a mapping
    measured: int
    total: int

    def missing(self) -> list[CoverageRow]:
        return [row for row in self.rows if not row.objectives]


def _iso_area(item: str) -> str:
    parts = item.split(".")
    return ".".join(parts[:2])


def coverage(model: MaturityModel) -> CoverageReport:
    catalogs = reference_catalogs()
    cited: dict[tuple[str, str], list[str]] = {}
    for objective in model.objectives():
        for framework, ids in objective.references.items():
            for item in ids:
                key = (framework, _iso_area(item) if framework == "iso-iec-42001-2023" else item)
                cited.setdefault(key, []).append(objective.id)
    required: list[tuple[str, str, str]] = []
    eu = catalogs["eu-ai-act"]
    required += [("eu-ai-act", a, (eu.get(a).title if eu.get(a) else a)) for a in REQUIRED_EU_ARTICLES]  # type: ignore[union-attr]
    iso = catalogs["iso-iec-42001-2023"]
    required += [("iso-iec-42001-2023", a, (iso.get(a).title if iso.get(a) else a)) for a in REQUIRED_ISO_AREAS]  # type: ignore[union-attr]
    for framework in ("owasp-llm-top10-2025", "owasp-agentic-top10-2026", "csa-aicm"):
        required += [(framework, item.id, item.title) for item in catalogs[framework].items]
    rows = tuple(
        CoverageRow(framework=f, item=i, title=t, objectives=tuple(sorted(set(cited.get((f, i), [])))))
        for f, i, t in required
    )
    without = tuple(
        (o.id, fw) for o in model.objectives() for fw in ("nist-ai-rmf", "nist-csf-2.0") if not o.references.get(fw)
    )
    measured = sum(1 for o in model.objectives() if o.measurement.mode != "manual")
    return CoverageReport(rows=rows, objectives_without=without, measured=measured, total=len(model.objectives()))
