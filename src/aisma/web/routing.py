"""Pieces every API router shares: path parameters, error responses for the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel

from aisma.server.errors import StaleWrite
from aisma.web.schemas import ID_PATTERN, MAX_INT, ErrorOut, InvalidOut

API_PREFIX = "/api/v1"  # where create_app mounts every feature's router.py
ObjectId = Annotated[str, Path(pattern=ID_PATTERN, description="An objective or system id.")]
RowId = Annotated[int, Path(ge=1, le=MAX_INT)]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid session or token."},
    403: {"model": ErrorOut, "description": "Your role or token scopes do not allow this."},
    404: {"model": ErrorOut, "description": "No such object in this organization (or no such organization)."},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    422: {"model": InvalidOut, "description": "A field is invalid."},
}
# A route that starts a background job answers 202 with the job, and its URL in Location.
JOB_ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {"headers": {"Location": {"description": "The job's URL.", "schema": {"type": "string"}}}}
}


def job_url(org_slug: str, job_id: int) -> str:
    return f"{API_PREFIX}/orgs/{org_slug}/jobs/{job_id}"


@contextmanager
def stale_as(model: type[BaseModel]) -> Iterator[None]:
    """Turn the stored row a ``StaleWrite`` carries into ``model`` while the transaction still holds it."""
    try:
        yield
    except StaleWrite as exc:
        current = exc.current
        if current is not None and not isinstance(current, BaseModel):
            current = model.model_validate(current)
        raise StaleWrite(current, str(exc)) from None
