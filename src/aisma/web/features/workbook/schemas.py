"""What a workbook import changes (or would change, on a dry run)."""

from __future__ import annotations

from pydantic import Field

from aisma.web.schemas import Output


class WorkbookChangeOut(Output):
    objective_id: str
    row: int = Field(description="The workbook row (sheet objectives) the change comes from.")
    fields: list[list[str]] = Field(description="[field, old value, new value] for every field that differs.")
    summary: str


class WorkbookImportOut(Output):
    applied: bool = Field(description="False on a dry run (or when nothing changed): nothing was saved.")
    changes: list[WorkbookChangeOut]
