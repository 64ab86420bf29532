"""What the live cloud collectors share: the read time, provenance digests, settings and error lines.

A live collector reads a cloud API through the vendor's SDK instead of saved files. Its provenance
cannot name a file, so it names the account read (``azure-arm:subscriptions/S``, ``gcp:projects/P``)
and the sha256 of the bodies read as canonical JSON: an unchanged account hashes the same on the next
run, and a changed one does not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from aisma.collectors.base import CollectorMeta
from aisma.collectors.registry import read_meta
from aisma.errors import AismaError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
S = TypeVar("S")  # a collector's bundle of SDK parts
R = TypeVar("R")  # an HTTP response
MAX_BODY = 32 << 20  # bytes of one response a REST collector parses; real pages are far below


def now() -> datetime:
    """The time of a live read (UTC, whole seconds): what the measurements are observed at."""
    return datetime.now(UTC).replace(microsecond=0)


def canonical_sha256(bodies: Iterable[Any]) -> str:
    """The digest of the bodies read, each as canonical JSON (sorted keys, no spaces), one per line."""
    digest = hashlib.sha256()
    for body in bodies:
        digest.update(json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def files_ignored(paths: Sequence[Path], collector_id: str, what: str) -> list[str]:
    """The warning for files handed to a collector that reads an API, not files."""
    return [f"the {collector_id} collector reads {what} itself; the files given were not read"] if paths else []


def checked_url(value: object, setting: str, example: str) -> str:
    """An API base URL from aisma.yaml: https, or plain http on loopback only (a local test double)."""
    url = str(value).rstrip("/")
    parts = urlsplit(url)
    local = parts.scheme == "http" and parts.hostname in LOOPBACK
    if not parts.hostname or not (parts.scheme == "https" or local):
        raise AismaError(f"aisma.yaml: {setting} must be an https URL such as {example} (got {url})")
    return url


def first_line(exc: BaseException) -> str:
    """An SDK error's message, one line of at most 200 characters (never the request's headers)."""
    text = str(getattr(exc, "message", None) or exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def only_settings(raw: Mapping[str, Any], collector_id: str, takes: Sequence[str]) -> None:
    """Refuse a setting the collector does not take (``enabled`` and ``paths`` every collector takes)."""
    unknown = sorted(set(raw) - {"enabled", "paths", *takes})
    if unknown:
        raise AismaError(
            f"aisma.yaml: collectors.{collector_id}.{unknown[0]} is not a setting (it takes {', '.join(takes)})"
        )


def names(raw: Mapping[str, Any], collector_id: str, key: str, example: str) -> tuple[str, ...]:
    """A required, non-empty list of names (subscription ids, projects, regions) from aisma.yaml."""
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise AismaError(f"aisma.yaml: collectors.{collector_id}.{key} must list {example}")
    return tuple(v.strip() for v in value)


class LiveCollector(Generic[S]):
    """The shell of a collector that reads an API through a vendor SDK loaded when it runs.

    ``sdk`` and ``clock`` replace the SDK loader and the read time (tests hand in a stand-in credential
    and a fixed time); the real ones load the optional extra and read the clock.
    """

    def __init__(
        self,
        package: str,
        load: Callable[[], S],
        sdk: Callable[[], S] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.meta: CollectorMeta = read_meta(package)
        self._sdk = sdk or load
        self._clock = clock or now

    def start(self, paths: Sequence[Path], what: str) -> tuple[S, datetime, list[str]]:
        """The SDK, the time of this read and the warning for files handed in (an API is read, not files)."""
        return self._sdk(), self._clock(), files_ignored(paths, self.meta.id, what)


def send_retrying(
    send: Callable[[], R],
    transport: type[Exception],
    wait: Callable[[R, int], float | None],
    sleep: Callable[[float], None],
    unreachable: Callable[[Exception], str],
    retries: int = 3,
    max_wait: float = 60.0,
) -> R:
    """One REST call as the plain-HTTP collectors make it: a dropped connection is retried after 1, 2, 4 s;
    a response that ``wait`` says to retry (throttling, a server error) after the seconds it gives; after
    ``retries`` the last response is returned, or ``unreachable`` says in one line why there is none."""
    for attempt in range(retries + 1):
        try:
            response = send()
        except transport as exc:
            if attempt < retries:
                sleep(min(2.0**attempt, max_wait))
                continue
            raise AismaError(unreachable(exc)) from None
        pause = wait(response, attempt)
        if pause is not None and attempt < retries:
            sleep(pause)
            continue
        return response
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def json_body(content: bytes, where: str) -> Any:
    """A response body as JSON: at most MAX_BODY bytes, no NaN or Infinity; else one line naming ``where``."""
    if len(content) > MAX_BODY:
        raise AismaError(f"{where}: a response larger than {MAX_BODY >> 20} MB; refused")
    try:
        return json.loads(content, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise AismaError(f"{where}: the response is not JSON") from None


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")
