"""Frameworks as the API shows them: built-in and imported, with the mapping set each is seen through."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from aisma.web.schemas import Output


class FrameworkOut(Output):
    id: str = Field(description="The framework id (a built-in one, or the id given at import).")
    title: str
    origin: Literal["built-in", "imported"]
    kind: str = Field(description="built-in, oscal-catalog, oscal-profile or ciso-library.")
    version: str = ""
    source: str = Field(description="Where the requirements come from.")
    license: str = Field(description="The license the requirement texts are under, as the source states it.")
    requirements: int = Field(description="How many requirements (headings included).")
    mapping_set: str | None = Field(
        default=None, description="The id of the mapping set the posture goes through (None: none yet)."
    )
    mappings: int = 0
    filename: str = Field(default="", description="Imported: the uploaded file's name.")
    sha256: str = Field(default="", description="Imported: the uploaded file's SHA-256.")
    mapping_filename: str = ""
    mapping_sha256: str = ""
    uploaded_by: str = ""
    uploaded_at: datetime | None = None
