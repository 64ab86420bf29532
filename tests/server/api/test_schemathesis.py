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

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from ..factories import OrgWithMembers

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
                    headers=token_for(org_a), checks=[not_a_server_error, response_schema_conformance]
                )

            try:
                run()
            except Exception as exc:  # collect every operation's failure, not only the first
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}")
    assert failures == [], "\n\n".join(failures)
