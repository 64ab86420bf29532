"""Invitations: what an owner sends, lists and revokes, and what the invitee sees."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from aisma.web.schemas import Input, Output, Role

Status = Literal["pending", "accepted", "revoked", "expired"]


class InvitationOut(Output):
    id: int
    email: str
    role: Role
    status: Status
    invited_by: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    accepted_by: str
    revoked_at: datetime | None
    delivery: Literal["email", "shown"] = Field(
        description="How the link reached the invitee: emailed through SMTP, or shown once to the owner."
    )


class InvitationCreate(Input):
    email: Annotated[str, StringConstraints(min_length=3, max_length=320)]
    role: Role


class InvitationCreated(InvitationOut):
    sent: bool = Field(description="The link was emailed to the invitee (AISMA_SMTP_* set and the send worked).")
    url: str | None = Field(
        default=None, description="The invitation link, only when it was not emailed: shown once, pass it on now."
    )
    send_error: str | None = Field(default=None, description="Why the email could not be sent, when it was tried.")


class InvitationView(BaseModel):
    """What the invitation page shows the person holding the link."""

    organization: str
    organization_slug: str
    email: str
    role: Role
    status: Status
    invited_by: str
    expires_at: datetime
    account_exists: bool
