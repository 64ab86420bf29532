"""Organizations, members, models and the caller: what the API reads and accepts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from aisma.web.schemas import SLUG_PATTERN, Input, Output, Role


class ModelInfo(Output):
    id: str
    origin: str


class MeOut(BaseModel):
    email: str
    via: Literal["session", "token"]
    organization: str | None = Field(default=None, description="A token's organization.")
    scopes: list[str] = Field(default_factory=list)
    csrf_token: str | None = Field(
        default=None, description="Send as X-CSRF-Token on state-changing calls made with the session cookie."
    )


class OrganizationOut(Output):
    slug: str
    name: str
    model_id: str
    role: Role


class OrganizationDetail(OrganizationOut):
    settings: dict[str, Any] = Field(description="The aisma.yaml content: model, targets, collectors.")
    review_required: bool = Field(
        default=False, description="Only answers an assessor accepted count as evidenced (the answer life cycle)."
    )


class OrganizationCreate(Input):
    slug: Annotated[str, StringConstraints(pattern=SLUG_PATTERN)] = Field(
        description="The organization's id in URLs: 1-63 lowercase letters, digits and dashes."
    )
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    model_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] = "aisma-core"


class OrganizationUpdate(Input):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    settings: dict[str, Any] | None = Field(default=None, description="Replaces the aisma.yaml content.")
    review_required: bool | None = Field(
        default=None, description="Turn review on (only accepted answers count as evidenced) or off."
    )


class MemberOut(Output):
    user_id: int
    email: str
    display_name: str
    role: Role


class MemberAdd(Input):
    email: Annotated[str, StringConstraints(min_length=3, max_length=320)]
    role: Role


class MemberRole(Input):
    role: Role
