"""Imported frameworks in the API, on SQLite and PostgreSQL: real OSCAL catalogs and profiles (JSON and
XML) and a real CISO Assistant library are imported with their mapping sets, the posture is the one
``aisma.frameworks`` computes from the same result, a refused upload is one line naming the uploaded
file and keeps nothing, only owners (tokens: admin scope) change anything, and everything is audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aisma.frameworks.mapping import check_mapping_set, parse_mapping_set
from aisma.frameworks.oscal import load_oscal
from aisma.frameworks.posture import framework_posture
from aisma.frameworks.render import posture_data
from aisma.maturity.loader import resolve_model
from aisma.scoring.results import AssessmentResult
from aisma.server.auth import Role
from aisma.server.settings import ServerSettings

from ..factories import OrgWithMembers
from .conftest import finished_job, sign_in

API = "/api/v1/orgs"
DATA = Path(__file__).parents[2] / "data"
CATALOG_XML = DATA / "oscal-catalog" / "NIST_SP-800-53_rev5_LOW-catalog_ac-ir.xml"
CATALOG_JSON = DATA / "oscal-catalog" / "NIST_SP-800-53_rev5_LOW-catalog_ac-ir.json"
PROFILE_JSON = DATA / "oscal-catalog" / "NIST_SP-800-53_rev5_LOW-baseline_profile_ac-ir.json"
MAPPING_53 = DATA / "oscal-catalog" / "aisma-core--sp800-53-low-ac-ir.yaml"
CISO_AI_RMF = DATA / "ciso-assistant" / "nist-ai-rmf-1.0.yaml"
SHIPPED_AI_RMF = (
    Path(__file__).parents[3] / "src" / "aisma" / "frameworks" / "mappings" / "aisma-core--nist-ai-rmf.yaml"
)
LIMIT = 1024 * 1024


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> ServerSettings:
    """Room for the real 200-360 KB catalogs (the shared API fixtures allow 64 KiB)."""
    return ServerSettings(
        data_dir=tmp_path / "data", database_url=database_url, secret_key="test-secret-key", max_upload_bytes=LIMIT
    )


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def files(**named: tuple[str, bytes]) -> dict[str, tuple[str, bytes]]:
    return dict(named)


def assess(client: TestClient, auth: dict[str, str], slug: str) -> dict[str, Any]:
    """A few answers that the SP 800-53 test mapping reads, then an assessment; returns the result."""
    for objective, answer in (("INF-1.1", "fully"), ("INF-2.1", "fully"), ("IRR-1.1", "partially")):
        ok(client.put(f"{API}/{slug}/answers/{objective}", headers=auth, json={"answer": answer}))
    finished_job(client, client.post(f"{API}/{slug}/assessments", headers=auth, json={}), auth)
    result: dict[str, Any] = ok(client.get(f"{API}/{slug}/results/latest", headers=auth))
    return result


def ciso_mapping() -> bytes:
    """The shipped aisma-core -> NIST AI RMF mapping set, for the same framework imported from CISO Assistant."""
    return SHIPPED_AI_RMF.read_bytes().replace(b"\nframework: nist-ai-rmf\n", b"\nframework: ciso-ai-rmf\n")


def test_an_oscal_xml_catalog_with_its_mapping_set_gives_the_cli_posture(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    auth = token_for(org_a)
    base = f"{API}/{org_a.slug}/frameworks"
    created = ok(
        client.post(
            base,
            headers=auth,
            files={
                "file": (CATALOG_XML.name, CATALOG_XML.read_bytes()),
                "mapping": (MAPPING_53.name, MAPPING_53.read_bytes()),
            },
            data={"framework_id": "sp800-53-low"},
        )
    )
    assert created["origin"] == "imported" and created["kind"] == "oscal-catalog"
    assert created["filename"] == CATALOG_XML.name and created["mapping_set"] == "aisma-core--sp800-53-low-ac-ir"
    assert created["requirements"] == len(load_oscal(CATALOG_XML).requirements) and created["mappings"] == 9
    result = assess(client, auth, org_a.slug)
    got = ok(client.get(f"{base}/sp800-53-low/posture", headers=auth))
    framework = load_oscal(CATALOG_XML, "sp800-53-low")
    model = resolve_model("aisma-core")
    mapping, raw = parse_mapping_set(MAPPING_53)
    weights = {c.id: c.weight for c in model.categories()}
    expected = framework_posture(
        framework,
        check_mapping_set(mapping, raw, MAPPING_53, model, framework),
        AssessmentResult.from_dict(result, weights),
    )
    assert got == posture_data(expected)
    assert got["counts"]["met"] >= 1 and got["framework"]["id"] == "sp800-53-low"
    listed = ok(client.get(base, headers=auth))
    assert [f["id"] for f in listed if f["origin"] == "imported"] == ["sp800-53-low"]
    assert {"nist-ai-rmf", "eu-ai-act"} <= {f["id"] for f in listed if f["origin"] == "built-in"}


def test_a_ciso_library_then_its_mapping_set(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    base = f"{API}/{org_a.slug}/frameworks"
    data = CISO_AI_RMF.read_bytes()
    created = ok(
        client.post(base, headers=auth, files={"file": (CISO_AI_RMF.name, data)}, data={"framework_id": "ciso-ai-rmf"})
    )
    assert created["kind"] == "ciso-library" and created["mapping_set"] is None
    assert "CISO Assistant library" in created["source"] and created["license"]
    assess(client, auth, org_a.slug)
    before = client.get(f"{base}/ciso-ai-rmf/posture", headers=auth)
    assert before.status_code == 404 and "no mapping set uploaded for ciso-ai-rmf yet" in before.json()["detail"]
    updated = ok(
        client.put(f"{base}/ciso-ai-rmf/mapping", headers=auth, files={"file": ("ai-rmf.yaml", ciso_mapping())})
    )
    assert updated["mapping_set"] == "aisma-core--nist-ai-rmf" and updated["mappings"] > 300
    imported = ok(client.get(f"{base}/ciso-ai-rmf/posture", headers=auth))
    builtin = ok(client.get(f"{base}/nist-ai-rmf/posture", headers=auth))
    assert imported["counts"] == builtin["counts"]  # the same framework, from CISO Assistant's file


def test_a_profile_with_its_catalog(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    base = f"{API}/{org_a.slug}/frameworks"
    alone = client.post(base, headers=auth, files={"file": ("low.json", PROFILE_JSON.read_bytes())})
    assert alone.status_code == 422
    detail = alone.json()["detail"]
    assert detail == "file: low.json: a profile needs the catalog it imports: give it as the catalog file too"
    # an href naming a catalog that is on the server's disk is never followed
    hostile = PROFILE_JSON.read_text().replace("NIST_SP-800-53_rev5_LOW-catalog_ac-ir.json", str(CATALOG_JSON))
    assert str(CATALOG_JSON) in hostile
    refused = client.post(base, headers=auth, files={"file": ("evil.json", hostile.encode())})
    assert refused.status_code == 422 and "a profile needs the catalog it imports" in refused.json()["detail"]
    created = ok(
        client.post(
            base,
            headers=auth,
            files={
                "file": ("low.json", PROFILE_JSON.read_bytes()),
                "catalog": ("any name.json", CATALOG_JSON.read_bytes()),
            },
        )
    )
    expected = load_oscal(PROFILE_JSON)
    assert created["id"] == "low" and created["kind"] == "oscal-profile"
    assert created["requirements"] == len(expected.requirements)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            ("broken.xml", b"<catalog xmlns='http://csrc.nist.gov/ns/oscal/1.0'>\n<group>\n</catalog>\n"),
            "file: broken.xml:3: not well-formed XML",
        ),
        (("notes.txt", b"hello"), "file: notes.txt: expected an OSCAL catalog or profile (.json, .xml) or a CISO"),
        (
            ("c.json", b'{"catalog": {"uuid": "x", "groups": [{"id": "g", "title": "G"}]}}'),
            "file: c.json: the catalog holds no controls",
        ),
        (
            ("lib.yaml", b"objects:\n  framework:\n    name: x\n"),
            "file: lib.yaml:3: objects.framework.requirement_nodes: expected a list",
        ),
        (
            ("bomb.xml", b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<catalog>&a;</catalog>'),
            "file: bomb.xml: refused XML construct",
        ),
    ],
)
def test_a_bad_framework_file_is_one_line_and_nothing_is_kept(
    client: TestClient, org_a: OrgWithMembers, token_for, upload: tuple[str, bytes], message: str
) -> None:
    auth = token_for(org_a)
    base = f"{API}/{org_a.slug}/frameworks"
    refused = client.post(base, headers=auth, files={"file": upload}, data={"framework_id": "x"})
    assert refused.status_code == 422, refused.text
    detail = refused.json()["detail"]
    assert detail.startswith(message), detail
    assert "\n" not in detail and "/tmp" not in detail and "Traceback" not in detail
    assert [f for f in ok(client.get(base, headers=auth)) if f["origin"] == "imported"] == []


def test_bad_mapping_ids_sizes_and_duplicates(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    base = f"{API}/{org_a.slug}/frameworks"
    catalog = ("low.xml", CATALOG_XML.read_bytes())
    wrong = MAPPING_53.read_bytes().replace(b"requirement: ir-6,", b"requirement: ir-99,")
    refused = client.post(
        base, headers=auth, files={"file": catalog, "mapping": ("m.yaml", wrong)}, data={"framework_id": "sp800-53-low"}
    )
    assert refused.status_code == 422
    assert (
        refused.json()["detail"]
        == "mapping: m.yaml:16: mappings[6].requirement: ir-99 is not a requirement of sp800-53-low"
    )
    other = client.post(base, headers=auth, files={"file": catalog, "mapping": ("m.yaml", MAPPING_53.read_bytes())})
    assert other.json()["detail"] == "mapping: m.yaml:6: framework: is 'sp800-53-low' but the framework given is 'low'"
    builtin = client.post(base, headers=auth, files={"file": catalog}, data={"framework_id": "nist-ai-rmf"})
    assert builtin.status_code == 422 and "nist-ai-rmf is a built-in framework" in builtin.json()["detail"]
    bad_id = client.post(base, headers=auth, files={"file": catalog}, data={"framework_id": "../etc"})
    assert bad_id.status_code == 422 and "is not a usable framework id" in bad_id.json()["detail"]
    too_big = client.post(base, headers=auth, files={"file": ("big.json", b" " * (LIMIT + 1))})
    assert too_big.status_code == 413
    assert [f for f in ok(client.get(base, headers=auth)) if f["origin"] == "imported"] == []
    ok(client.post(base, headers=auth, files={"file": catalog}))
    again = client.post(base, headers=auth, files={"file": catalog})
    assert again.status_code == 409 and "framework low is already imported" in again.json()["detail"]
    bad_mapping = client.put(f"{base}/low/mapping", headers=auth, files={"file": ("m.yaml", b"schema: nope\n")})
    assert bad_mapping.status_code == 422 and bad_mapping.json()["detail"].startswith("mapping: m.yaml:1: ")
    assert ok(client.get(f"{base}/low", headers=auth))["mapping_set"] is None


def test_only_owners_change_frameworks_and_every_change_is_audited(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    owner = token_for(org_a)
    base = f"{API}/{org_a.slug}/frameworks"
    catalog = {"file": ("low.xml", CATALOG_XML.read_bytes())}
    mapping = {"file": ("m.yaml", MAPPING_53.read_bytes().replace(b"sp800-53-low\n", b"low\n"))}
    for role in (Role.ASSESSOR, Role.CONTRIBUTOR, Role.VIEWER):
        auth = token_for(org_a, role)
        assert client.post(base, headers=auth, files=catalog).status_code == 403, role
    no_admin = token_for(org_a, Role.OWNER, ("read", "write"))
    assert client.post(base, headers=no_admin, files=catalog).status_code == 403
    ok(client.post(base, headers=owner, files=catalog))
    viewer = token_for(org_a, Role.VIEWER, ("read",))
    assert ok(client.get(f"{base}/low", headers=viewer))["id"] == "low"
    assert client.put(f"{base}/low/mapping", headers=viewer, files=mapping).status_code == 403
    assert client.delete(f"{base}/low", headers=viewer).status_code == 403
    ok(client.put(f"{base}/low/mapping", headers=owner, files=mapping))
    assert client.delete(f"{base}/low", headers=owner).status_code == 204
    assert client.get(f"{base}/low", headers=owner).status_code == 404
    assert client.delete(f"{base}/nist-ai-rmf", headers=owner).status_code == 404  # built-ins stay
    rows = ok(client.get(f"{API}/{org_a.slug}/audit", headers=owner))
    actions = [r["action"] for r in rows if r["action"].startswith("framework.")]
    assert sorted(actions) == ["framework.delete", "framework.import", "framework.mapping"]
    imported = next(r for r in rows if r["action"] == "framework.import")
    assert imported["after"]["sha256"] and imported["after"]["filename"] == "low.xml"


def test_a_session_needs_the_csrf_token(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.OWNER])
    base = f"{API}/{org_a.slug}/frameworks"
    catalog = {"file": ("low.xml", CATALOG_XML.read_bytes())}
    assert client.post(base, files=catalog).status_code == 403
    assert client.post(base, files=catalog, headers={"X-CSRF-Token": csrf}).status_code == 201


def test_another_organizations_frameworks_are_not_found(
    client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers, token_for
) -> None:
    b_auth = token_for(org_b)
    ok(
        client.post(
            f"{API}/{org_b.slug}/frameworks", headers=b_auth, files={"file": ("b-only.xml", CATALOG_XML.read_bytes())}
        )
    )
    a_auth = token_for(org_a)
    assert client.get(f"{API}/{org_a.slug}/frameworks/b-only", headers=a_auth).status_code == 404
    assert client.get(f"{API}/{org_b.slug}/frameworks/b-only", headers=a_auth).status_code == 404
    assert "b-only" not in {f["id"] for f in ok(client.get(f"{API}/{org_a.slug}/frameworks", headers=a_auth))}
    # the same id in A is A's own
    ok(
        client.post(
            f"{API}/{org_a.slug}/frameworks", headers=a_auth, files={"file": ("b-only.xml", CATALOG_XML.read_bytes())}
        )
    )
    assert client.delete(f"{API}/{org_a.slug}/frameworks/b-only", headers=a_auth).status_code == 204
    assert ok(client.get(f"{API}/{org_b.slug}/frameworks/b-only", headers=b_auth))["id"] == "b-only"


def test_the_settings_choose_the_frameworks_of_the_html_report(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    """``report.frameworks`` in the organization's settings: built-in and imported ids, in that order."""
    auth = token_for(org_a)
    base = f"{API}/{org_a.slug}"
    ok(
        client.post(
            f"{base}/frameworks",
            headers=auth,
            files={
                "file": ("sp800-53-low.xml", CATALOG_XML.read_bytes()),
                "mapping": ("m.yaml", MAPPING_53.read_bytes()),
            },
        )
    )
    assess(client, auth, org_a.slug)
    run = ok(client.get(f"{base}/assessments", headers=auth))[0]["id"]
    plain = client.get(f"{base}/assessments/{run}/report", headers=auth, params={"format": "html"})
    assert plain.status_code == 200 and 'class="framework-posture"' not in plain.text
    settings = {"organization": "Org A", "report": {"frameworks": ["eu-ai-act", "sp800-53-low"]}}
    ok(client.put(base, headers=auth, json={"settings": settings}))
    html = client.get(f"{base}/assessments/{run}/report", headers=auth, params={"format": "html"}).text
    assert html.index('data-framework="eu-ai-act"') < html.index('data-framework="sp800-53-low"')
    assert "AC-02 Account Management" in html and "aisma-core--sp800-53-low-ac-ir" in html
    ok(client.put(base, headers=auth, json={"settings": {**settings, "report": {"frameworks": ["gone"]}}}))
    refused = client.get(f"{base}/assessments/{run}/report", headers=auth, params={"format": "html"})
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "settings.report.frameworks[0]: gone is neither a built-in framework nor one imported by this organization"
    )


def test_a_very_long_file_name_is_shortened_not_a_500(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    name = "ü" * 300 + ".xml"  # 600 bytes: more than a file system takes for one name
    created = client.post(
        f"{API}/{org_a.slug}/frameworks",
        headers=auth,
        files={"file": (name, CATALOG_XML.read_bytes())},
        data={"framework_id": "long"},
    )
    assert created.status_code == 201, created.text
    kept = created.json()["filename"]
    assert kept.endswith(".xml") and len(kept.encode("utf-8")) <= 200 and kept.startswith("üü")
