"""Crosswalk coverage of a model, per control: which items of each framework its objectives address.

Coverage is counted per control, never per area: ISO/IEC 42001 per Annex A control (A.6.1.2, not
A.6), NIST AI RMF and CSF 2.0 per subcategory, the EU AI Act per article, OWASP and CSA AICM per entry.
Every item of a catalog gets a row, so ``aisma model coverage`` shows what is missing, not only that
something is.

Some items are *promised*: MODEL-GUIDE.md says the built-in model addresses every OWASP LLM 2025 and
Agentic 2026 entry, every CSA AICM domain, every ISO/IEC 42001 Annex A control, the EU AI Act articles
an AI-security program owns, and every AI RMF subcategory except those outside security (listed in
``OUT_OF_SCOPE`` with the reason). A promised item without an objective is a defect (a test checks);
the other items are reported so a reader sees the gaps. MITRE ATLAS is a catalog of attacks, cited
for context, and is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aisma.maturity.catalogs import ReferenceCatalog, reference_catalogs
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
# Items a security maturity model does not own, with the reason the report prints.
OUT_OF_SCOPE: dict[tuple[str, str], str] = {
    ("nist-ai-rmf", "MEASURE 2.2"): "human-subject evaluation protocols belong to research and product ethics",
    ("nist-ai-rmf", "MEASURE 2.11"): "fairness and bias evaluation is a responsible-AI program, not security",
    ("nist-ai-rmf", "MEASURE 2.12"): "environmental impact of training is a sustainability program",
    ("nist-csf-2.0", "PR.AA-06"): "physical access to facilities is general security, not AI-specific",
    ("nist-csf-2.0", "PR.IR-02"): "environmental threats to facilities are general resilience, not AI-specific",
    ("nist-csf-2.0", "DE.CM-02"): "monitoring of the physical environment is general security",
}
# Framework -> the catalog item kinds counted, and whether every counted item is promised.
FRAMEWORKS: dict[str, tuple[frozenset[str] | None, bool]] = {
    "nist-ai-rmf": (frozenset({"subcategory"}), True),
    "nist-csf-2.0": (frozenset({"subcategory"}), False),
    "eu-ai-act": (None, False),  # the promised articles are REQUIRED_EU_ARTICLES
    "iso-iec-42001-2023": (frozenset({"control"}), True),
    "owasp-llm-top10-2025": (None, True),
    "owasp-agentic-top10-2026": (None, True),
    "csa-aicm": (None, True),
    "maso": (None, True),
}


@dataclass(frozen=True)
class CoverageRow:
    framework: str
    item: str
    title: str
    objectives: tuple[str, ...]
    required: bool = True  # promised by the model guide: missing is a defect
    out_of_scope: str = ""  # why the model does not address it, when declared out of scope


@dataclass(frozen=True)
class FrameworkSummary:
    framework: str
    title: str
    items: int
    addressed: int
    out_of_scope: int


@dataclass(frozen=True)
class CoverageReport:
    rows: tuple[CoverageRow, ...]
    objectives_without: tuple[tuple[str, str], ...]  # (objective id, framework) missing a mapping
    measured: int
    total: int

    def missing(self) -> list[CoverageRow]:
        """Promised items no objective addresses (should be empty for the built-in model)."""
        return [row for row in self.rows if row.required and not row.objectives and not row.out_of_scope]

    def gaps(self) -> list[CoverageRow]:
        """Every item no objective addresses and that is not declared out of scope, promised or not."""
        return [row for row in self.rows if not row.objectives and not row.out_of_scope]

    def summaries(self) -> list[FrameworkSummary]:
        titles = {name: catalog.title for name, catalog in reference_catalogs().items()}
        out = []
        for framework in dict.fromkeys(row.framework for row in self.rows):
            rows = [row for row in self.rows if row.framework == framework]
            out.append(
                FrameworkSummary(
                    framework=framework,
                    title=titles.get(framework, framework),
                    items=len(rows),
                    addressed=sum(1 for row in rows if row.objectives),
                    out_of_scope=sum(1 for row in rows if row.out_of_scope and not row.objectives),
                )
            )
        return out


def _items(catalog: ReferenceCatalog, kinds: frozenset[str] | None) -> Iterable[tuple[str, str]]:
    for item in catalog.items:
        if kinds is None or item.kind in kinds:
            yield item.id, item.title


def coverage(model: MaturityModel) -> CoverageReport:
    catalogs = reference_catalogs()
    cited: dict[tuple[str, str], set[str]] = {}
    for objective in model.objectives():
        for framework, ids in objective.references.items():
            for item in ids:
                cited.setdefault((framework, item), set()).add(objective.id)
    rows: list[CoverageRow] = []
    for framework, (kinds, promised) in FRAMEWORKS.items():
        catalog = catalogs.get(framework)
        if catalog is None:
            continue
        for item, title in _items(catalog, kinds):
            required = item in REQUIRED_EU_ARTICLES if framework == "eu-ai-act" else promised
            rows.append(
                CoverageRow(
                    framework=framework,
                    item=item,
                    title=title,
                    objectives=tuple(sorted(cited.get((framework, item), ()))),
                    required=required,
                    out_of_scope=OUT_OF_SCOPE.get((framework, item), ""),
                )
            )
    without = tuple(
        (o.id, fw) for o in model.objectives() for fw in ("nist-ai-rmf", "nist-csf-2.0") if not o.references.get(fw)
    )
    measured = sum(1 for o in model.objectives() if o.measurement.mode != "manual")
    return CoverageReport(
        rows=tuple(rows), objectives_without=without, measured=measured, total=len(model.objectives())
    )
