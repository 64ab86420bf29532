"""Read Google Cloud JSON saved from gcloud or the REST APIs into typed resources.

``gcloud ... list --format=json`` prints a JSON array, ``... describe`` one resource, and the REST
APIs a page (``{"endpoints": [...], "nextPageToken": ...}``, one page after another when saved page by
page). Every resource but an IAM policy names itself (``projects/P/locations/L/endpoints/E``), so the
files may be laid out in any way; an IAM policy (``gcloud projects get-iam-policy P``) does not, so
its project is the folder it is saved in (``evidence/gcp-vertex-ai/PROJECT/iam-policy.json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

from aisma.collectors.snapshots import read_classified
from aisma.errors import AismaError

Kind = Literal["endpoint", "template", "floor_setting", "iam_policy", "perimeter", "project"]
EXPECTED = (
    "Google Cloud JSON from gcloud or the REST API: Vertex AI endpoints (gcloud ai endpoints list), Model "
    "Armor templates and floor settings (gcloud model-armor templates list, floorsettings describe), a "
    "project's IAM policy (gcloud projects get-iam-policy), VPC Service Controls perimeters (gcloud "
    "access-context-manager perimeters list) or projects (gcloud projects list)"
)
LIST_KEYS = ("endpoints", "templates", "servicePerimeters", "projects")
_ENDPOINT = re.compile(r"^projects/([^/]+)/locations/([^/]+)/endpoints/([^/]+)$")
_TEMPLATE = re.compile(r"^projects/([^/]+)/locations/([^/]+)/templates/([^/]+)$")
_FLOOR = re.compile(r"^(projects|folders|organizations)/([^/]+)/locations/([^/]+)/floorSetting$")
_PERIMETER = re.compile(r"^accessPolicies/([^/]+)/servicePerimeters/([^/]+)$")


@dataclass(frozen=True)
class Resource:
    kind: Kind
    scope: str  # the project as its name spells it (id or number); "folders/F" or "organizations/O" for those floors
    name: str  # the resource name (an IAM policy: "projects/P/iamPolicy")
    body: dict[str, Any]


def _project_record(item: dict[str, Any]) -> Resource | None:
    """A Resource Manager project: v1 (``projectId``, ``projectNumber``) or v3 (``name: projects/N``)."""
    project_id = item.get("projectId")
    if not isinstance(project_id, str):
        return None
    number = item.get("projectNumber")
    name = item.get("name")
    if not isinstance(number, str | int) and isinstance(name, str) and name.startswith("projects/"):
        number = name.removeprefix("projects/")
    if not isinstance(number, str | int):
        return None
    return Resource("project", str(number), f"projects/{number}", item)


def classify(item: Any, folder_project: str | None) -> Resource | None:
    """One resource, or None for anything that is not one of the six kinds."""
    if not isinstance(item, dict):
        return None
    name = item.get("name")
    if isinstance(name, str):
        if m := _ENDPOINT.match(name):
            return Resource("endpoint", m.group(1), name, item)
        if (m := _TEMPLATE.match(name)) and isinstance(item.get("filterConfig"), dict):
            return Resource("template", m.group(1), name, item)
        if (m := _FLOOR.match(name)) and isinstance(item.get("filterConfig"), dict):
            scope = m.group(2) if m.group(1) == "projects" else f"{m.group(1)}/{m.group(2)}"
            return Resource("floor_setting", scope, name, item)
        if m := _PERIMETER.match(name):
            return Resource("perimeter", "", name, item)
    if (project := _project_record(item)) is not None:
        return project
    if "name" not in item and ("bindings" in item or "auditConfigs" in item) and "etag" in item:
        if folder_project is None:
            raise AismaError(
                "an IAM policy does not name its project; save it as "
                "evidence/gcp-vertex-ai/PROJECT/iam-policy.json (gcloud projects get-iam-policy PROJECT)"
            )
        return Resource("iam_policy", folder_project, f"projects/{folder_project}/iamPolicy", item)
    return None


def _items(document: Any) -> Iterator[Any]:
    if isinstance(document, list):
        yield from document
        return
    if isinstance(document, dict) and "name" not in document:
        for key in LIST_KEYS:
            if isinstance(document.get(key), list):
                yield from document[key]
                return
        if set(document) <= {"nextPageToken", "unreachable"}:  # an empty page: nothing in it
            return
    yield document


def read_resources(path: Path, evidence_dir: str = "gcp-vertex-ai") -> list[Resource]:
    """Every resource in the file; one AismaError line naming the file when it holds something else."""
    folder = path.parent.name
    folder_project = folder if folder and folder != evidence_dir else None
    what = "Vertex AI, Model Armor, IAM policy, perimeter or project resource"
    return read_classified(path, EXPECTED, _items, partial(classify, folder_project=folder_project), what)
