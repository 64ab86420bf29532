"""The OpenAPI document, completed so that it lists every status an operation can answer.

FastAPI documents what each route declares; the answers that come from the layers around the routes
are added here, once, for every operation: 400 (a body that cannot be parsed), 413 (a body over the
limit), 422 (validation or a service's ``Invalid``, always ``InvalidOut``), 503 (the database is busy;
``Retry-After``), and for operations that take an organization 401/403/404. A test checks every
answer against the document (schemathesis' status-code conformance). A report download (marked
``x-aisma-report-download``) documents the media type of every installed reporter, read from the
registry when the document is first built, so a plugin's format is documented like a built-in.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}
METHODS = ("get", "put", "post", "delete", "patch")


def _error(description: str, schema: str = "ErrorOut") -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Add the statuses every operation can answer to ``document`` (in place) and return it."""
    for operation in (op for item in document.get("paths", {}).values() for m, op in item.items() if m in METHODS):
        responses = operation.setdefault("responses", {})
        has_body = "requestBody" in operation
        if has_body or operation.get("parameters"):
            responses["422"] = _error("A field is invalid (see detail and field).", "InvalidOut")
        if has_body:
            responses.setdefault("400", _error("The request body could not be parsed."))
            responses.setdefault("413", _error("The request body is over the server's limit."))
        responses["503"] = {**_error("The database is busy or unreachable; try again."), "headers": RETRY_AFTER}
        if operation.pop("x-aisma-report-download", False):
            from aisma.reports.registry import listed

            ok = responses.setdefault("200", {"description": "The report."})
            ok["content"] = {reporter.media_type: {} for reporter in listed()}
    return document


def install(app: FastAPI) -> None:
    """Replace ``app.openapi`` with one that returns the completed document (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = complete(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
