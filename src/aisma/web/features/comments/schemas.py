"""Comments as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from aisma.web.schemas import Input, Output, Version

CommentSubject = Literal["objective", "system", "roadmap"]
SUBJECTS: tuple[str, ...] = ("objective", "system", "roadmap")
MAX_BODY = 10_000
Body = Annotated[str, StringConstraints(min_length=1, max_length=MAX_BODY, strip_whitespace=True)]


class CommentOut(Output):
    id: int
    subject: CommentSubject
    item_id: str
    author: str = Field(description="The author's email.")
    body: str = Field(description="The Markdown as written.")
    html: str = Field(description="The body rendered: raw HTML off, sanitized, links rel=noopener nofollow.")
    mentions: list[str] = Field(description="The members its @mentions name (emails).")
    created_at: datetime
    edited_at: datetime | None
    version: int


class StaleComment(BaseModel):
    detail: str
    current: CommentOut | None = Field(description="What is stored now.")


class CommentIn(Input):
    body: Body = Field(description="Markdown (no raw HTML); @email or @name mentions a member and emails them.")


class CommentEdit(Input):
    body: Body
    version: Version = Field(description="The comment version you read: a newer one is a 409.")
