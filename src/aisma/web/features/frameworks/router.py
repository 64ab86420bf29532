"""Frameworks in the API: the built-in and imported frameworks, importing one (an OSCAL catalog or
profile, JSON or XML, or a CISO Assistant library) with its mapping set, replacing the mapping set,
deleting an import, and the posture of the latest assessment through any of them."""

from __future__ import annotations

from typing import IO, Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from fastapi.responses import JSONResponse, Response

from aisma.frameworks.render import posture_data
from aisma.server.errors import Invalid, NotFound, TooLarge
from aisma.web.features.frameworks import service as frameworks
from aisma.web.features.frameworks.schemas import FrameworkOut
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import WRITE_ERRORS
from aisma.web.schemas import ErrorOut
from aisma.web.security import CurrentActor, DbSession, app_settings

router = APIRouter(prefix="/orgs/{org}/frameworks", tags=["frameworks"], responses=WRITE_ERRORS)
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorOut, "description": "A file is over the upload limit (or the reader's own bound)."}
}


def read_upload(handle: IO[bytes], filename: str, limit: int) -> frameworks.Upload:
    """At most ``limit`` bytes; one more is refused (413) before anything is parsed."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(limit)
    upload = frameworks.Upload(filename, data)
    frameworks.check_size(upload, limit)
    return upload


def uploads(request: Request, *files: UploadFile | None) -> list[frameworks.Upload | None]:
    limit = app_settings(request).max_upload_bytes
    return [read_upload(f.file, f.filename or "", limit) if f is not None and f.filename else None for f in files]


@router.get("", response_model=list[FrameworkOut], summary="Built-in and imported frameworks", responses=LIST_RESPONSES)
def list_frameworks(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, slice_page(frameworks.list_frameworks(session, actor), page), FrameworkOut)


@router.post(
    "",
    response_model=FrameworkOut,
    status_code=status.HTTP_201_CREATED,
    responses=TOO_LARGE,
    summary="Import a framework: an OSCAL catalog or profile (JSON or XML) or a CISO Assistant library (owners)",
)
def import_framework(
    request: Request,
    file: Annotated[UploadFile, File(description="OSCAL catalog or profile (.json, .xml) or CISO library (.yaml).")],
    session: DbSession,
    actor: CurrentActor,
    catalog: Annotated[
        UploadFile | None, File(description="For a profile: the catalog its imports resolve to.")
    ] = None,
    mapping: Annotated[
        UploadFile | None, File(description="An aisma mapping set (aisma.mapping/v1) from the model to it.")
    ] = None,
    framework_id: Annotated[
        str, Form(max_length=100, description="The id to give it (default: from the file); mapping sets name it.")
    ] = "",
) -> FrameworkOut:
    main, catalog_upload, mapping_upload = uploads(request, file, catalog, mapping)
    if main is None:
        raise Invalid("file", "expected a framework file")
    return frameworks.import_framework(
        session, actor, main, catalog=catalog_upload, mapping=mapping_upload, framework_id=framework_id or None
    )


@router.get("/{framework_id}", response_model=FrameworkOut, summary="One framework")
def get_framework(framework_id: str, session: DbSession, actor: CurrentActor) -> FrameworkOut:
    return frameworks.get_framework(session, actor, framework_id)


@router.get(
    "/{framework_id}/posture",
    summary="The latest assessment through the framework (aisma.framework-posture/v1)",
    responses={200: {"content": {"application/json": {}}}},
)
def posture(framework_id: str, session: DbSession, actor: CurrentActor) -> JSONResponse:
    found, reason = frameworks.posture_and_reason(session, actor, framework_id)
    if found is None:
        raise NotFound(reason)
    return JSONResponse(posture_data(found))


@router.put(
    "/{framework_id}/mapping",
    response_model=FrameworkOut,
    responses=TOO_LARGE,
    summary="Replace the mapping set of an imported framework (owners)",
)
def set_mapping(
    request: Request,
    framework_id: str,
    file: Annotated[UploadFile, File(description="An aisma mapping set (aisma.mapping/v1) from the model to it.")],
    session: DbSession,
    actor: CurrentActor,
) -> FrameworkOut:
    (upload,) = uploads(request, file)
    if upload is None:
        raise Invalid("file", "expected a mapping set file")
    return frameworks.set_mapping(session, actor, framework_id, upload)


@router.delete("/{framework_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an imported framework")
def delete_framework(framework_id: str, session: DbSession, actor: CurrentActor) -> Response:
    frameworks.delete_framework(session, actor, framework_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
