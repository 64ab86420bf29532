"""Property-based tests of the REST API from its own OpenAPI document: no input makes it fail (5xx),
and every documented answer matches its documented schema.

Schemathesis generates requests for every operation in /api/v1/openapi.json, valid ones and
invalid ones, and sends them in-process to the real app on SQLite and PostgreSQL as org-a's owner
with a token of every scope (a fresh token per request: a generated DELETE may revoke the last
one). The organization is pinned to org-a so requests reach the services instead of stopping at
the membership check. (Schemathesis' own pytest plugin does not run under pytest 9, so the
strategies are driven with Hypothesis directly.)
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from ..factories import OrgWithMembers

pytestmark = pytest.mark.slow  # generated requests for every API operation

EXAMPLES_PER_OPERATION = 10


def test_no_input_makes_the_api_fail(app: FastAPI, org_a: OrgWithMembers, token_for) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    failures: list[str] = []
    for operation in operations:
        modes = [GenerationMode.POSITIVE]
        if operation.method.upper() != "GET" or "{" in operation.path.replace("{org}", ""):
            modes.append(GenerationMode.NEGATIVE)  # a GET with only {org} has nothing to make invalid
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],  # report the first failure, do not shrink it
            )
            def run(case: Any) -> None:
                if case.path_parameters and "org" in case.path_parameters:
                    case.path_parameters["org"] = org_a.slug
                case.call_and_validate(
                    headers=token_for(org_a),
                    checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
                )

            try:
                run()
            except Exception as exc:  # collect every operation's failure, not only the first
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}")
    assert failures == [], "\n\n".join(failures)


HOSTILE_NUMBERS = ("NaN", "Infinity", "-Infinity", "1e400", "-1e400")
HOSTILE_STRINGS = ('"\\ud800"', '"\\udfff tail"', '"nul\\u0000"', '"\\ud83d"')
NUMBER = re.compile(r"(?<=[:\[,] )-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|(?<=[:\[,])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"(?!\s*:)')


def test_non_finite_numbers_and_surrogates_never_make_the_api_fail(
    app: FastAPI, org_a: OrgWithMembers, token_for
) -> None:
    """Valid generated bodies with one number made NaN/Infinity/1e400, or one string a lone surrogate or NUL."""
    from fastapi.testclient import TestClient

    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]
    with_json = [op for op in operations if "application/json" in str(op.definition.raw.get("requestBody", ""))]
    assert len(with_json) >= 8
    client = TestClient(app)
    failures: list[str] = []
    sent: list[str] = []
    for operation in with_json:

        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE), data=st.data())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
        )
        def run(case: Any, data: Any) -> None:
            if case.path_parameters and "org" in case.path_parameters:
                case.path_parameters["org"] = org_a.slug
            if not isinstance(case.body, dict | list):
                return  # no body was generated (an optional one)
            text = json.dumps(case.body, ensure_ascii=True)
            spots = [(m, data.draw(st.sampled_from(HOSTILE_NUMBERS))) for m in NUMBER.finditer(text)]
            spots += [(m, data.draw(st.sampled_from(HOSTILE_STRINGS))) for m in STRING.finditer(text)]
            if not spots:
                return
            match, hostile = data.draw(st.sampled_from(spots))
            body = text[: match.start()] + hostile + text[match.end() :]
            path = case.formatted_path
            response = client.request(
                case.method,
                f"/api/v1{path}",
                params=case.query,
                content=body.encode(),
                headers={**token_for(org_a), "content-type": "application/json"},
            )
            sent.append(body)
            assert response.status_code < 500, f"{case.method} {path} {body[:300]}: {response.status_code}"
            if response.status_code == 422:
                response.json()  # the refusal renders

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert failures == [], "\n\n".join(failures)
    assert len(sent) >= 3 * len(with_json), "too few hostile bodies were sent"
    assert any("NaN" in b or "Infinity" in b or "1e400" in b for b in sent)
    assert any("\\ud8" in b or "\\udf" in b for b in sent)
