"""API tokens (members are in the organizations feature)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from aisma.web.schemas import Input, Output, Scope, Timestamp


class TokenOut(Output):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool


class TokenCreate(Input):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    scopes: list[Scope] = Field(min_length=1, max_length=4)
    expires_at: Timestamp | None = None


class TokenCreated(TokenOut):
    token: str = Field(description="The token itself: shown once, store it now.")
