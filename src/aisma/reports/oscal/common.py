"""Shared pieces of the OSCAL documents: deterministic UUIDs, props, metadata, evidence resources.

OSCAL wants a UUID on almost every object. Random ones would make two runs over the same inputs
differ, so every UUID is a uuid5 of the organization, the assessment time and the object's own
ids: the same inputs give the same bytes, and the same objective keeps its UUID across re-renders.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aisma.scoring.results import AssessmentResult

OSCAL_VERSION = "1.2.1"  # the version trestle's models load; NIST's 1.2.x schemas accept it
PROP_NS = "urn:aisma:oscal"  # aisma's own prop names live in this namespace, as OSCAL requires
MEDIA_AR = "application/oscal.ar+json"
MEDIA_AP = "application/oscal.ap+json"


@dataclass
class Ids:
    """UUIDs derived from (organization, assessment time, kind, ids)."""

    organization: str
    assessed_at: str
    _namespace: uuid.UUID = field(init=False)

    def __post_init__(self) -> None:
        self._namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:aisma:{self.organization}:{self.assessed_at}")

    def __call__(self, *parts: str) -> str:
        return str(uuid.uuid5(self._namespace, "\x1f".join(parts)))


def ids_for(result: AssessmentResult) -> Ids:
    return Ids(result.organization, result.assessed_at)


def prop(name: str, value: object, *, aisma: bool = True) -> dict[str, str] | None:
    """One OSCAL prop; None when there is no value (OSCAL forbids empty strings)."""
    text = "" if value is None else " ".join(str(value).split())
    if not text:
        return None
    out = {"name": name, "value": text}
    if aisma:
        out["ns"] = PROP_NS
    return out


def props(*items: dict[str, str] | None) -> list[dict[str, str]]:
    return [item for item in items if item is not None]


def put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set a key only when the value is non-empty: OSCAL arrays need at least one item."""
    if value:
        target[key] = value


def href_of(ref: str) -> str:
    """A workspace path or URL as a URI reference (spaces and the like percent-encoded)."""
    if ref.startswith(("https://", "http://")):
        return ref
    return quote(ref, safe="/._-~")


def metadata(result: AssessmentResult, ids: Ids, title: str) -> dict[str, Any]:
    party = ids("party", result.organization)
    return {
        "title": title,
        "last-modified": result.assessed_at,
        "version": f"{result.model_id} {result.model_version} @ {result.assessed_at}",
        "oscal-version": OSCAL_VERSION,
        "props": props(
            prop("maturity-model", result.model_id),
            prop("maturity-model-version", result.model_version),
        ),
        "roles": [{"id": "assessor", "title": "AI security maturity assessor"}],
        "parties": [{"uuid": party, "type": "organization", "name": result.organization}],
        "responsible-parties": [{"role-id": "assessor", "party-uuids": [party]}],
    }


class Resources:
    """Back-matter resources for evidence files and URLs, one per (ref, sha256), in first-seen order.

    The resource carries the file's sha256 as an OSCAL hash, so an auditor can check that the file
    they hold is the one that was assessed; observations point at it with ``#uuid``.
    """

    def __init__(self, ids: Ids) -> None:
        self._ids = ids
        self._items: dict[tuple[str, str], dict[str, Any]] = {}

    def ref(self, path: str, sha256: str, title: str, extra: list[dict[str, str]] | None = None) -> str:
        key = (path, sha256)
        if key not in self._items:
            link: dict[str, Any] = {"href": href_of(path)}
            if sha256:
                link["hashes"] = [{"algorithm": "SHA-256", "value": sha256}]
            resource: dict[str, Any] = {"uuid": self._ids("resource", path, sha256), "title": title}
            put(resource, "props", extra or [])
            resource["rlinks"] = [link]
            self._items[key] = resource
        return f"#{self._items[key]['uuid']}"

    def add(self, resource: dict[str, Any]) -> None:
        self._items[("", resource["uuid"])] = resource

    def back_matter(self) -> dict[str, Any]:
        return {"resources": list(self._items.values())}
