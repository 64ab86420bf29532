"""GitHub's REST API for the ``github-copilot-api`` collector: httpx, pagination, one-line errors.

httpx is imported when the collector runs (``pip install 'aisma[github]'``), never at import time.
Every response body is kept in canonical JSON (sorted keys) so its sha256 is the provenance, the
live equivalent of a saved file's digest. Throttling (429, or 403 with ``Retry-After`` or an
exhausted rate limit) and server errors are retried a few times before they become an error line.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from aisma.collectors.live import json_body, send_retrying
from aisma.errors import AismaError

EXTRA_HINT = "the github-copilot-api collector needs the optional extra: pip install 'aisma[github]'"
API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_PAGES = 1000  # 100,000 seats or events: a loop that never ends is a server's bug, not an organization
RETRIES = 3
MAX_WAIT = 60.0
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
FORBIDDEN_HINT = (
    "the token needs the manage_billing:copilot or read:org scope (classic token), or the organization "
    "permission 'GitHub Copilot Business' (read) (fine-grained token or GitHub App)"
)


def load_httpx() -> ModuleType:
    try:
        return importlib.import_module("httpx")
    except ImportError:
        raise AismaError(EXTRA_HINT) from None


def canonical(body: Any) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Page:
    status: int
    body: Any


class GithubApi:
    """Read-only GETs against ``api_url`` with the token; ``get`` and ``pages`` return bodies or raise."""

    def __init__(
        self, httpx: ModuleType, api_url: str, token: str, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._httpx = httpx
        self._base = api_url.rstrip("/")
        self._sleep = sleep
        self._client = httpx.Client(
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {token}",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "aisma",
            },
            timeout=httpx.Timeout(30.0, connect=10.0),
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def get(self, where: str, path: str, absent: tuple[int, ...] = (), **params: Any) -> Page:
        """One GET; a status in ``absent`` comes back as a Page with no body instead of an error."""
        return self._get(where, f"{self._base}{path}", path, absent, params)

    def pages(self, where: str, path: str, key: str | None, absent: tuple[int, ...] = (), **params: Any) -> Page:
        """Every item of a paginated list (under ``key`` of each page, or each page itself when None)."""
        url: str | None = f"{self._base}{path}"
        query: dict[str, Any] = {"per_page": PER_PAGE, **params}
        items: list[Any] = []
        status = 200
        for _ in range(MAX_PAGES):
            if url is None:
                break
            page = self._get(where, url, path, absent, query, keep_link=True)
            if page.body is None:
                return Page(page.status, None)
            body, url = page.body
            chunk = body.get(key) if key is not None and isinstance(body, dict) else body
            if not isinstance(chunk, list):
                raise AismaError(f"{where}: GET {path}: the response is not a list{f' under {key}' if key else ''}")
            items.extend(chunk)
            query = {}  # the next link carries the query
            status = page.status
        else:
            raise AismaError(f"{where}: GET {path}: more than {MAX_PAGES} pages; stopped")
        return Page(status, items)

    def _get(
        self, where: str, url: str, path: str, absent: tuple[int, ...], params: dict[str, Any], keep_link: bool = False
    ) -> Page:
        response = send_retrying(
            lambda: self._client.get(url, params=params or None),
            self._httpx.HTTPError,
            self._retry_after,
            self._sleep,
            lambda exc: (
                f"{where}: GET {path}: cannot reach {self._base} ({type(exc).__name__}: {_line(exc)}); "
                "check api_url and the network"
            ),
            RETRIES,
            MAX_WAIT,
        )
        if response.status_code in absent:
            return Page(response.status_code, None)
        if response.status_code != 200:
            raise AismaError(f"{where}: GET {path}: {self._explain(response)}")
        body = json_body(response.content, f"{where}: GET {path}")
        if keep_link:
            found = _NEXT.search(response.headers.get("link", ""))
            return Page(200, (body, found.group(1) if found else None))
        return Page(200, body)

    @staticmethod
    def _retry_after(response: Any, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when the response is final."""
        status = response.status_code
        headers = response.headers
        limited = status == 403 and (headers.get("retry-after") or headers.get("x-ratelimit-remaining") == "0")
        if status not in (429, 500, 502, 503, 504) and not limited:
            return None
        try:
            return min(float(headers.get("retry-after", "")), MAX_WAIT)
        except ValueError:
            return min(2.0**attempt, MAX_WAIT)

    @staticmethod
    def _explain(response: Any) -> str:
        message = ""
        try:
            body = response.json()
            message = _line(body.get("message", "")) if isinstance(body, dict) else ""
        except ValueError:
            pass
        detail = f" ({message})" if message else ""
        status = response.status_code
        if status == 401:
            return f"401, the token was rejected{detail}; refresh it or check token_env"
        if status == 403 and response.headers.get("x-ratelimit-remaining") == "0":
            return f"403, the API rate limit is used up{detail}, still after {RETRIES} retries; run again later"
        if status == 403:
            return f"403, access denied{detail}; {FORBIDDEN_HINT}"
        if status == 404:
            return f"404, not found{detail}: no such organization, no Copilot subscription, or the token cannot see it"
        if status == 429 or status >= 500:
            return f"HTTP {status}{detail}, still after {RETRIES} retries; run again later"
        return f"HTTP {status}{detail}"


def _line(text: object) -> str:
    return " ".join(str(text).split())[:300]


def digest(body: Any) -> str:
    return hashlib.sha256(canonical(body)).hexdigest()
