"""The pack's index: HTML for people, CSV for spreadsheets and GRC tools, from the same rows.

CSV cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with a
quote, because objective notes and titles come from user-edited YAML.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

from aisma.evidence_pack.rows import EvidenceFile, PackContent
from aisma.formats.tabular import csv_text, safe_text
from aisma.scoring.as_of import as_of_line
from aisma.scoring.results import AssessmentResult


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Every cell as guarded text (``aisma.formats.tabular``), as the pack always wrote it."""
    return csv_text(header, ([safe_text(v) for v in row] for row in rows))


def index_csv(content: PackContent) -> str:
    header = ("item", "title", "kind", "parent", "status", "objectives", "met", "applicable", "evidence_files", "gaps")
    rows = []
    for row in content.rows:
        applicable = [r for r in row.objectives if r.objective.status != "na"]
        files = {f.ref for r in row.objectives for f in r.files}
        rows.append(
            (
                row.id,
                row.title,
                row.kind,
                row.parent or "",
                row.status,
                "; ".join(r.objective.id for r in row.objectives),
                sum(1 for r in applicable if r.objective.status == "met"),
                len(applicable),
                len(files),
                len(row.gaps),
            )
        )
    return _csv(header, rows)


def objectives_csv(content: PackContent, copied: dict[str, str]) -> str:
    """One row per (item, objective); evidence names the copy in the pack, or the original reference."""
    header = (
        "item",
        "objective",
        "category",
        "title",
        "level",
        "status",
        "evidenced_status",
        "answer",
        "source",
        "metric",
        "value",
        "observed_at",
        "evidence",
        "relationship",
    )
    rows = []
    for row in content.rows:
        for r in row.objectives:
            o, m = r.objective, r.objective.measurement
            rows.append(
                (
                    row.id,
                    o.id,
                    r.category,
                    o.title,
                    o.level,
                    o.status,
                    o.evidenced_status,
                    o.answer or "",
                    o.source,
                    m.metric if m else "",
                    f"{m.value:.3f}" if m else "",
                    m.observed_at if m else "",
                    "; ".join(copied.get(f.ref, f.ref) for f in r.files),
                    r.relationship,
                )
            )
    return _csv(header, rows)


def gaps_csv(content: PackContent) -> str:
    return _csv(("item", "objective", "reason"), ((g.item, g.objective, g.reason) for g in content.gaps()))


def manifest_csv(entries: Sequence[tuple[str, str, int, str]]) -> str:
    """(path in the pack, sha256, bytes, original path in the workspace) per copied file."""
    return _csv(("path", "sha256", "bytes", "original"), entries)


def index_html(
    content: PackContent, result: AssessmentResult, copied: dict[str, str], not_copied: dict[str, str]
) -> str:
    env = Environment(
        loader=PackageLoader("aisma.evidence_pack", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["anchor"] = lambda text: "item-" + re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-").lower()
    counts = Counter(row.status for row in content.rows)

    def link(f: EvidenceFile) -> str:
        return copied.get(f.ref, "")

    return env.get_template("index.html.j2").render(
        c=content,
        r=result,
        as_of=as_of_line(result.assessed_at, result.time_basis),
        counts=[(s, counts.get(s, 0)) for s in content.statuses],
        link=link,
        not_copied=not_copied,
    )
