"""Read Vertex AI, Model Armor, IAM and VPC Service Controls live through Google's client libraries.

The optional extra ``aisma[gcp]`` brings ``google-auth`` (Application Default Credentials), the Google
API client (``google-api-python-client``: Vertex AI endpoints, Resource Manager projects and IAM
policies, Access Context Manager perimeters, from the discovery documents it ships) and
``google-cloud-modelarmor`` (templates and floor settings, which that client does not cover). Every
response is the REST body the saved-file collector reads, so the same rules judge it. Vertex AI and
Model Armor templates are regional: each configured region is read at its own endpoint.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module, metadata
from typing import Any
from urllib.parse import urlsplit

from aisma.collectors.live import checked_url, first_line, names, only_settings
from aisma.errors import AismaError

EXTRA = "the gcp-vertex-ai-api collector needs the optional extra: pip install 'aisma[gcp]'"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
RETRIES = 3  # the API client retries 429 and 5xx answers this many times, with exponential backoff
ROLES = (
    "roles/aiplatform.viewer, roles/modelarmor.viewer, roles/modelarmor.floorSettingsViewer, "
    "roles/iam.securityReviewer (and roles/accesscontextmanager.policyReader for perimeters)"
)


@dataclass(frozen=True)
class Settings:
    projects: tuple[str, ...]
    regions: tuple[str, ...]
    access_policy: str | None
    api_url: str | None  # one endpoint for every service (a local test double or a private endpoint)


def parse_settings(raw: Mapping[str, Any]) -> Settings:
    only_settings(raw, "gcp-vertex-ai-api", ("projects", "regions", "access_policy", "api_url"))
    projects = names(
        raw, "gcp-vertex-ai-api", "projects", "the project ids that run Vertex AI (for example [my-project])"
    )
    example = "the regions of their endpoints and Model Armor templates (for example [us-central1])"
    regions = names(raw, "gcp-vertex-ai-api", "regions", example)
    policy = raw.get("access_policy")
    if policy is not None and not (isinstance(policy, str | int) and str(policy).strip()):
        raise AismaError("aisma.yaml: collectors.gcp-vertex-ai-api.access_policy must be an access policy number")
    url = raw.get("api_url")
    if url is not None:
        url = checked_url(url, "collectors.gcp-vertex-ai-api.api_url", "https://private.googleapis.com")
    return Settings(projects, regions, None if policy is None else str(policy).strip(), url)


@dataclass(frozen=True)
class Sdk:
    """The client libraries' parts, loaded when the collector runs (nothing happens at import time)."""

    build: Callable[..., Any]  # googleapiclient.discovery.build
    modelarmor: Any  # google.cloud.modelarmor_v1
    credentials: Callable[[], Any]
    http_error: type[Exception]
    api_error: type[Exception]
    auth_error: type[Exception]
    version: str


def load_sdk() -> Sdk:
    try:
        discovery = import_module("googleapiclient.discovery")
        errors = import_module("googleapiclient.errors")
        modelarmor = import_module("google.cloud.modelarmor_v1")
        auth = import_module("google.auth")
        auth_errors = import_module("google.auth.exceptions")
        core = import_module("google.api_core.exceptions")
    except ImportError:
        raise AismaError(EXTRA) from None

    def credentials() -> Any:
        return auth.default(scopes=[SCOPE])[0]

    version = f"google-api-python-client {metadata.version('google-api-python-client')}"
    return Sdk(
        discovery.build,
        modelarmor,
        credentials,
        errors.HttpError,
        core.GoogleAPICallError,
        auth_errors.GoogleAuthError,
        version,
    )


class GoogleReader:
    """One project's resources as REST bodies: (body, the project whose IAM policy it is, or None)."""

    def __init__(self, sdk: Sdk, settings: Settings, credentials: Any) -> None:
        self.sdk = sdk
        self.settings = settings
        self.credentials = credentials
        self._discovery: dict[tuple[str, str], Any] = {}

    def _api(self, name: str, version: str, endpoint: str) -> Any:
        url = self.settings.api_url or endpoint
        key = (name, url)
        if key not in self._discovery:
            options = {"api_endpoint": url}
            self._discovery[key] = self.sdk.build(
                name,
                version,
                credentials=self.credentials,
                client_options=options,
                static_discovery=True,
                cache_discovery=False,
            )
        return self._discovery[key]

    def _armor(self, endpoint: str) -> Any:
        armor = self.sdk.modelarmor
        url = self.settings.api_url
        if url is None:
            return armor.ModelArmorClient(credentials=self.credentials, client_options={"api_endpoint": endpoint})
        parts = urlsplit(url)
        transport = armor.services.model_armor.transports.ModelArmorRestTransport(
            host=parts.netloc, url_scheme=parts.scheme, credentials=self.credentials
        )
        return armor.ModelArmorClient(transport=transport)

    def read(self, project: str) -> list[tuple[dict[str, Any], str | None]]:
        where = f"gcp-vertex-ai-api {project}"
        crm = self._api("cloudresourcemanager", "v1", "https://cloudresourcemanager.googleapis.com")
        out: list[tuple[dict[str, Any], str | None]] = []
        projects = crm.projects()
        out.append((self._call(f"{where}: projects.get", _execute, projects.get(projectId=project)), None))
        version = {"options": {"requestedPolicyVersion": 3}}
        policy = self._call(
            f"{where}: projects.getIamPolicy", _execute, projects.getIamPolicy(resource=project, body=version)
        )
        policy.setdefault("etag", "")  # the saved-file reader knows a policy by its etag
        out.append((policy, project))
        armor_global = self._armor("modelarmor.googleapis.com")
        floor = self._call(
            f"{where}: getFloorSetting",
            lambda: armor_global.get_floor_setting(name=f"projects/{project}/locations/global/floorSetting"),
        )
        out.append((self._rest(floor), None))
        for region in self.settings.regions:
            ai = self._api("aiplatform", "v1", f"https://{region}-aiplatform.googleapis.com")
            endpoints = self._call(f"{where}: {region} endpoints.list", self._pages, ai, region, project)
            armor = self._armor(f"modelarmor.{region}.rep.googleapis.com")
            templates = self._call(f"{where}: {region} templates.list", self._templates, armor, region, project)
            out += [(body, None) for body in (*endpoints, *templates)]
        return out

    def perimeters(self) -> list[dict[str, Any]]:
        if self.settings.access_policy is None:
            return []
        acm = self._api("accesscontextmanager", "v1", "https://accesscontextmanager.googleapis.com")
        parent = f"accessPolicies/{self.settings.access_policy}"
        found: list[dict[str, Any]] = []

        def pages() -> None:
            request = acm.accessPolicies().servicePerimeters().list(parent=parent)
            while request is not None:
                page = _execute(request)
                found.extend(page.get("servicePerimeters") or [])
                request = acm.accessPolicies().servicePerimeters().list_next(request, page)

        self._call(f"gcp-vertex-ai-api {parent}: servicePerimeters.list", pages)
        return found

    @staticmethod
    def _pages(ai: Any, region: str, project: str) -> list[dict[str, Any]]:
        endpoints = ai.projects().locations().endpoints()
        request = endpoints.list(parent=f"projects/{project}/locations/{region}")
        found: list[dict[str, Any]] = []
        while request is not None:
            page = _execute(request)
            found.extend(page.get("endpoints") or [])
            request = endpoints.list_next(request, page)
        return found

    def _templates(self, armor: Any, region: str, project: str) -> list[dict[str, Any]]:
        return [self._rest(t) for t in armor.list_templates(parent=f"projects/{project}/locations/{region}")]

    def _rest(self, message: Any) -> dict[str, Any]:
        """A Model Armor message as its REST body (camelCase fields, enum names)."""
        text = type(message).to_json(message, use_integers_for_enums=False)
        return dict(json.loads(text))

    def _call(self, where: str, call: Callable[..., Any], *args: Any) -> Any:
        sdk = self.sdk
        try:
            return call(*args)
        except sdk.auth_error as exc:
            raise AismaError(
                f"{where}: no usable Google credentials ({first_line(exc)}); run gcloud auth application-default "
                "login, or set GOOGLE_APPLICATION_CREDENTIALS (or use an attached service account)"
            ) from None
        except sdk.http_error as exc:
            status = getattr(getattr(exc, "resp", None), "status", None)
            raise AismaError(_status_line(where, status, first_line(exc))) from None
        except sdk.api_error as exc:
            raise AismaError(_status_line(where, getattr(exc, "code", None), first_line(exc))) from None


def _execute(request: Any) -> Any:
    """Run an API client request, retrying 429 and 5xx answers (the client's exponential backoff)."""
    return request.execute(num_retries=RETRIES)


def _status_line(where: str, status: Any, detail: str) -> str:
    if status in (401, 403):
        return f"{where}: {status}, permission denied; the identity needs {ROLES}"
    if status == 404:
        return f"{where}: 404; check the project id, the region and that the API is enabled ({detail})"
    return f"{where}: {status} ({detail})"
