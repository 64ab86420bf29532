"""The workbook's layout: sheet names, the objectives sheet's columns, the format version.

Export and import both read this module, so a column moved here moves in both. The import finds
columns by their header text, not their position, so a system owner may hide or reorder columns.
"""

from __future__ import annotations

from dataclasses import dataclass

# Bump the major version when a workbook of the old layout can no longer be imported.
WORKBOOK_FORMAT = "aisma.workbook/v1"
SUPPORTED_FORMATS = (WORKBOOK_FORMAT,)

SCORECARD = "scorecard"
OBJECTIVES = "objectives"
INVENTORY = "inventory"
ROADMAP = "roadmap"
CROSSWALKS = "crosswalks"
METADATA = "metadata"
VERSIONS = "versions"
SHEETS = (SCORECARD, OBJECTIVES, INVENTORY, ROADMAP, CROSSWALKS, METADATA, VERSIONS)

# metadata sheet keys (column A) whose values (column B) the import checks
META_FORMAT = "workbook_format"
META_MODEL_ID = "model_id"
META_MODEL_VERSION = "model_version"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    editable: bool = False


OBJECTIVE_COLUMNS: tuple[Column, ...] = (
    Column("id", "Objective", 11),
    Column("category", "Category", 10),
    Column("level", "Level", 7),
    Column("title", "Title", 34),
    Column("statement", "Statement", 60),
    Column("answer", "Answer", 12, editable=True),
    Column("note", "Note", 48, editable=True),
    Column("justification", "N/A justification", 30, editable=True),
    Column("evidence", "Evidence (one per line)", 40, editable=True),
    Column("by", "Answered by", 26, editable=True),
    Column("status", "Status", 10),
    Column("evidenced_status", "Evidenced status", 12),
    Column("source", "Source", 22),
    Column("measurement", "Measurement", 40),
    Column("measurement_source", "Measurement source", 40),
    Column("conflict", "Conflict", 40),
    Column("level_name", "Level name", 16),
    Column("kpi", "KPI", 40),
    Column("kpi_target", "KPI target", 24),
    Column("measured_by", "Measured by", 28),
    Column("thresholds", "Thresholds", 30),
    Column("evidence_expected", "Evidence expected", 50),
    Column("scope_notes", "Scope notes", 40),
)
EDITABLE = tuple(c for c in OBJECTIVE_COLUMNS if c.editable)
HEADER = {c.key: c.header for c in OBJECTIVE_COLUMNS}
# The editable fields of an answer, in column order: what an import compares and merges.
ANSWER_FIELDS = ("answer", "note", "justification", "evidence", "by")

# The versions sheet (very hidden, protected): per objective, the answer's version when the workbook
# was exported and the editable cells as exported, so an import can tell what the owner changed.
VERSION_KEYS = ("objective", "version", *ANSWER_FIELDS)
