"""Validate a parsed workspace file against a Pydantic model with errors that name file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from aisma.errors import InputError
from aisma.yamlfile import dotted, first_error, line_of, plain_message

M = TypeVar("M", bound=BaseModel)


def validated(model_class: type[M], raw: Any, path: str | Path, list_key: str = "", item_name: str = "") -> M:
    """``model_class.model_validate(raw)``; on failure, name the list item (``system crm-bot``) if any."""
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
