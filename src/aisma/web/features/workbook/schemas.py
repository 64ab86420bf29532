"""What a workbook import changes (or would change, on a dry run)."""

from __future__ import annotations

from pydantic import Field

from aisma.web.schemas import Output


class WorkbookConflictOut(Output):
    """An answer the workbook edits that changed after the workbook was exported."""

    objective_id: str
    sheet: str = Field(description="The sheet of the edited cells (objectives).")
    row: int
    cells: list[str] = Field(description="The edited cells, e.g. F12.")
    base_version: str | None = Field(
        description="The answer's version when the workbook was exported ('' for no answer; null: not recorded)."
    )
    current_version: str = Field(description="The answer's version now ('' for no answer).")
    message: str


class WorkbookChangeOut(Output):
    objective_id: str
    row: int = Field(description="The workbook row (sheet objectives) the change comes from.")
    fields: list[list[str]] = Field(description="[field, old value, new value] for every field that differs.")
    summary: str
    forced: WorkbookConflictOut | None = Field(
        default=None, description="The conflict a forced import overrode for this answer, if any."
    )


class WorkbookConflictsOut(Output):
    """409: the workbook edits answers changed since it was exported; nothing was saved."""

    detail: str
    conflicts: list[WorkbookConflictOut]


class WorkbookImportOut(Output):
    applied: bool = Field(description="False on a dry run (or when nothing changed): nothing was saved.")
    changes: list[WorkbookChangeOut]
