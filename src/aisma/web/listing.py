"""What every list page shares: page links, filters from the query string, and CSV/XLSX export.

A list page reads ``?page=N`` (50 rows a page) and its own filters; the same URL with
``format=csv`` or ``format=xlsx`` downloads every row that matches the filters (up to
``MAX_EXPORT_ROWS``), not just the page shown. Filters are checked against the values each page
offers, so a mistyped one is a 422 that names it, never an empty list that looks like an answer.
Exports guard formula injection (``aisma.formats.tabular``). The pages only ever list the signed-in
member's organization: every list comes from a service that takes the actor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from fastapi import Request
from fastapi.responses import Response

from aisma.formats.tabular import csv_text, xlsx_bytes
from aisma.server.errors import Invalid

PER_PAGE = 50
MAX_PAGE = 1_000_000
MAX_EXPORT_ROWS = 100_000
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
T = TypeVar("T")


def choice(request: Request, name: str, allowed: Iterable[str]) -> str:
    """A filter that must be one of ``allowed`` (empty: no filter)."""
    value = request.query_params.get(name, "").strip()
    options = list(allowed)
    if value and value not in options:
        raise Invalid(name, f"choose one of {', '.join(options)}")
    return value


def text(request: Request, name: str, limit: int = 200) -> str:
    """A free-text filter, trimmed and bounded."""
    return request.query_params.get(name, "").strip()[:limit]


def kept_query(raw: str, allowed: Iterable[str]) -> str:
    """A list's query string carried through a form POST (field ``back``), so the redirect after it
    shows the same filters and page: only the list's own parameters survive, re-encoded."""
    keep = set(allowed)
    return urlencode([(k, v[:400]) for k, v in parse_qsl(raw[:4000]) if k in keep])


def page_number(request: Request, param: str = "page") -> int:
    raw = request.query_params.get(param, "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise Invalid(param, "expected a page number from 1")
    return int(raw)


def export_format(request: Request) -> str:
    """``csv``, ``xlsx`` or empty for the page itself."""
    return choice(request, "format", EXPORT_FORMATS)


@dataclass(frozen=True)
class Pager:
    """Where a page sits in its list; ``links`` are the page links, ``exports`` the download links."""

    base: str
    filters: Mapping[str, str]
    page: int
    total: int
    per_page: int = PER_PAGE
    param: str = "page"  # a page with several lists pages each under a name of its own

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (min(self.page, self.pages) - 1) * self.per_page

    @property
    def first_row(self) -> int:
        return self.offset + 1 if self.total else 0

    @property
    def last_row(self) -> int:
        return min(self.offset + self.per_page, self.total)

    def url(self, **extra: Any) -> str:
        params = {k: v for k, v in {**self.filters, **extra}.items() if v not in ("", None)}
        return f"{self.base}?{urlencode(params)}" if params else self.base

    def page_links(self) -> list[dict[str, Any]]:
        """First, previous, a window of page numbers, next and last (each with its URL)."""
        current, last = min(self.page, self.pages), self.pages
        if last == 1:
            return []
        window = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
        links: list[dict[str, Any]] = []
        if current > 1:
            links.append({"label": "Previous", "url": self.url(**{self.param: current - 1}), "rel": "prev"})
        previous = 0
        for number in window:
            if number - previous > 1:
                links.append({"label": "…", "url": "", "rel": ""})
            links.append(
                {"label": str(number), "url": self.url(**{self.param: number}), "rel": "", "current": number == current}
            )
            previous = number
        if current < last:
            links.append({"label": "Next", "url": self.url(**{self.param: current + 1}), "rel": "next"})
        return links

    def export_url(self, fmt: str) -> str:
        return self.url(format=fmt)

    def filtered(self) -> bool:
        return any(v for k, v in self.filters.items())


def pager(request: Request, base: str, filters: Mapping[str, str], total: int, param: str = "page") -> Pager:
    """The page of a list that ``request`` asks for (``?page=N``, or ``?<param>=N``)."""
    return Pager(base, dict(filters), page_number(request, param), total, param=param)


def slice_rows(rows: Sequence[T], pages: Pager) -> list[T]:
    return list(rows[pages.offset : pages.offset + pages.per_page])


def export(
    fmt: str,
    name: str,
    header: Sequence[str],
    rows: Iterable[Any],
    to_row: Callable[[Any], Sequence[object]],
) -> Response:
    """Every matching row as a download named ``<name>-<UTC date>.<fmt>`` (at most ``MAX_EXPORT_ROWS``)."""
    out: list[Sequence[object]] = []
    for index, row in enumerate(rows):
        if index >= MAX_EXPORT_ROWS:
            break
        out.append(to_row(row))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    filename = f"{name}-{stamp}.{fmt}"
    body = csv_text(header, out).encode("utf-8") if fmt == "csv" else xlsx_bytes(name, header, out)
    return Response(
        body,
        media_type=EXPORT_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
