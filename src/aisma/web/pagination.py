"""Cursor pagination, ``Link`` headers and ``ETag``/``If-None-Match`` for every list of the API.

A list answers at most ``limit`` items (default ``DEFAULT_LIMIT``) as a JSON array. When more follow,
``Link: <...?cursor=...>; rel="next"`` names the next page; the cursor is opaque to clients (the sort
key of the last item, or an offset for the short lists, as URL-safe base64 JSON) and a damaged one
is a 422. ``X-Total-Count`` says how many items the whole list (with its filters) has. Every list
carries a weak ``ETag`` of its body: a client that sends it back in
``If-None-Match`` gets ``304 Not Modified`` and no body. The big lists (inventory, measurements,
observed assets, evidence, audit) page in the database by keyset; the short ones (answers, members,
tokens, assessments, trend, models, organizations) are sliced after the query.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, TypeAdapter

from aisma.server.errors import Invalid

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
TOTAL_HEADER = "X-Total-Count"  # how many items the whole list has, with the request's filters
T = TypeVar("T")

LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the list is the one whose ETag you sent in If-None-Match."},
    200: {
        "description": f'A JSON array of at most `limit` (at most {MAX_LIMIT}) items; `Link: <...>; rel="next"` '
        f"names the next page; `{TOTAL_HEADER}` says how many items the whole list has.",
        "headers": {
            TOTAL_HEADER: {"description": "Items in the whole list, with the filters.", "schema": {"type": "integer"}},
            "Link": {"description": "The next page, when there is one.", "schema": {"type": "string"}},
        },
    },
}


@dataclass(frozen=True)
class PageRequest:
    key: tuple[Any, ...] | None  # the sort key (or offset) the page starts after
    limit: int


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_key: tuple[Any, ...] | None  # where the next page starts; None on the last page
    total: int | None = None  # how many items the whole list (with its filters) has, when counted


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[Any, ...]:
    try:
        padded = text + "=" * (-len(text) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Invalid("cursor", "not a cursor this server handed out; start again without it") from None
    if not isinstance(value, list) or not value or len(value) > 8:
        raise Invalid("cursor", "not a cursor this server handed out; start again without it")
    return tuple(value)


def page_request(
    cursor: Annotated[
        str | None, Query(max_length=1000, pattern=r"^[A-Za-z0-9_-]+$", description="From the Link header.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = DEFAULT_LIMIT,
) -> PageRequest:
    return PageRequest(decode_cursor(cursor) if cursor else None, limit)


PageParams = Annotated[PageRequest, Depends(page_request)]


def from_rows(rows: Sequence[T], limit: int, key: Callable[[T], tuple[Any, ...]]) -> Page[T]:
    """A page from a query that fetched ``limit + 1`` rows: the extra one only says that more follow."""
    items = list(rows[:limit])
    return Page(items, key(items[-1]) if len(rows) > limit and items else None)


def slice_page(items: Sequence[T], page: PageRequest) -> Page[T]:
    """A page of a short list held in memory (the cursor is an offset)."""
    start = page.key[0] if page.key else 0
    if not isinstance(start, int) or start < 0:
        raise Invalid("cursor", "not a cursor this server handed out; start again without it")
    end = start + page.limit
    return Page(list(items[start:end]), (end,) if end < len(items) else None, len(items))


def checked_key(page: PageRequest, *types: type) -> tuple[Any, ...] | None:
    """The cursor's key for a keyset list, checked to hold one value of each of ``types`` (else 422)."""
    if page.key is None:
        return None
    if len(page.key) != len(types) or not all(
        isinstance(value, kind) and not isinstance(value, bool) for value, kind in zip(page.key, types, strict=True)
    ):
        raise Invalid("cursor", "not a cursor this server handed out; start again without it")
    return page.key


def list_response(request: Request, page: Page[Any], item_type: type[BaseModel]) -> Response:
    """The page as a JSON array with ``Link`` (next page) and ``ETag``; 304 when the client has it."""
    body = TypeAdapter(list[item_type]).dump_json(page.items)  # type: ignore[valid-type]
    etag = f'W/"{hashlib.sha256(body).hexdigest()[:40]}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if page.total is not None:
        headers[TOTAL_HEADER] = str(page.total)
    if page.next_key is not None:
        url = request.url.include_query_params(cursor=encode_cursor(page.next_key))
        headers["Link"] = f'<{url}>; rel="next"'
    if client_has(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def client_has(request: Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (or ``*``): the client's copy is current, answer 304."""
    sent = request.headers.get("if-none-match", "")
    return etag in {tag.strip() for tag in sent.split(",")} or sent.strip() == "*"
