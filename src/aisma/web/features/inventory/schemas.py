"""AI systems: one inventory.yaml document per system, with a version for safe concurrent edits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from aisma.inventory.schema import AISystem
from aisma.web.schemas import Input, Output, Version


class SystemOut(Output):
    system_id: str
    document: dict[str, Any] = Field(description="One AI system as in inventory.yaml.")
    version: int
    updated_by: str
    updated_at: datetime

    @property
    def system(self) -> AISystem:
        """The document as the typed AI system (validated again)."""
        return AISystem.model_validate(self.document)


class SystemCreate(Input):
    document: dict[str, Any] = Field(description="One AI system as in inventory.yaml (its id included).")


class SystemUpdate(Input):
    document: dict[str, Any]
    version: Version


class StaleSystem(BaseModel):
    detail: str
    current: SystemOut | None = Field(description="What is stored now (null if it was deleted).")
