"""YAML reading that remembers where each value came from, so errors can name file and line.

PyYAML drops positions once it builds Python objects; we keep them by building dict and list
subclasses that carry the line of each key and item. Duplicate keys are rejected because a
silently overwritten answer or objective is exactly the kind of mistake users cannot see.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from aisma.errors import InputError

try:  # the C loader is much faster on large models; it keeps node marks all the same
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader

MAX_YAML_BYTES = 20 * 1024 * 1024


class LineDict(dict[Any, Any]):
    """A mapping that knows the line of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A sequence that knows the line of each of its items."""

    line: int = 0
    item_lines: list[int]


def _loader_class(path: str) -> type[yaml.SafeLoader]:
    class Loader(_BaseLoader):  # type: ignore[misc, valid-type]
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise InputError(path, key_node.start_mark.line + 1, "mapping keys must be plain values")
            if key in result:
                raise InputError(path, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
        result = LineList(loader.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result

    def construct_timestamp_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
        # Dates stay text: our schemas parse them, and a bare date must not become a datetime
        # in one place and a string in another.
        return str(loader.construct_scalar(node))

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp_as_text)
    return Loader


def load_yaml_text(text: str, path: str | Path) -> Any:
    """Parse YAML text, turning syntax errors into one-line errors that name the line."""
    name = str(path)
    try:
        return yaml.load(text, Loader=_loader_class(name))  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(name, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(name, None, f"invalid YAML: {exc}") from None


def load_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file; missing, oversized or undecodable files are one-line errors."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_YAML_BYTES:
            raise InputError(file, None, f"file is {size} bytes; at most {MAX_YAML_BYTES} are read")
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(file, None, "no such file") from None
    except IsADirectoryError:
        raise InputError(file, None, "is a folder, expected a YAML file") from None
    except UnicodeDecodeError:
        raise InputError(file, None, "is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(file, None, f"cannot be read ({exc.strerror})") from None
    return load_yaml_text(text, file)


def line_of(data: Any, loc: Sequence[str | int]) -> int | None:
    """The line of the deepest value along ``loc`` that the YAML file still has."""
    line = getattr(data, "line", None) or None
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
        inner = getattr(node, "line", None)
        if inner and isinstance(node, LineDict) and not isinstance(part, str):
            line = inner
    return line


_PLAIN = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_type": "must be a date (YYYY-MM-DD)",
    "datetime_parsing": "must be a date and time (ISO 8601)",
    "datetime_from_date_parsing": "must be a date and time (ISO 8601)",
    "datetime_type": "must be a date and time (ISO 8601)",
}


def plain_message(error: Any) -> str:
    """Say what pydantic found wrong in words a model or workspace author understands."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx.get('expected', '')}".replace("'", "")
    if kind == "string_pattern_mismatch":
        return f"must match the pattern {ctx.get('pattern')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "greater_than":
        return f"must be greater than {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind == "less_than":
        return f"must be less than {ctx.get('lt')}"
    message = str(error.get("msg", "is invalid"))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message


def dotted(loc: Sequence[str | int]) -> str:
    """``('measurement', 'thresholds', 'fully')`` -> ``measurement.thresholds.fully``; list items as [i]."""
    text = ""
    for part in loc:
        if part == "[key]":  # pydantic marks errors in a mapping's keys this way
            continue
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def first_error(exc: ValidationError) -> dict[str, Any]:
    """Pydantic reports every error; users fix them one line at a time, so we report the first."""
    return dict(exc.errors(include_url=False)[0])


M = TypeVar("M", bound=BaseModel)


def validated(model_class: type[M], raw: Any, path: str | Path, list_key: str = "", item_name: str = "") -> M:
    """``model_class.model_validate(raw)``; on failure one ``InputError`` naming file, line and field, and the
    list item (``system crm-bot``) if any: every YAML file aisma reads is validated through here."""
    try:
        return model_class.model_validate(raw)
    except ValidationError as exc:
        error = first_error(exc)
        loc = tuple(error["loc"])
        subject = ""
        rest = loc
        if list_key and len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
            items = raw.get(list_key) if isinstance(raw, dict) else None
            item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            subject = f"{item_name} {item_id}" if isinstance(item_id, str) else f"{item_name} #{loc[1] + 1}"
            rest = loc[2:]
        field = dotted(rest)
        message = plain_message(error)
        text = f"{field} {message}" if field else message
        raise InputError(path, line_of(raw, loc), f"{subject}: {text}" if subject else text) from None
