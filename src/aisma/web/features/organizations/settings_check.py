"""Check an organization's settings (the ``aisma.yaml`` content) as the workspace loader would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aisma.errors import InputError
from aisma.inventory.providers import parse_settings
from aisma.layout import CONFIG_FILE
from aisma.server.errors import Invalid
from aisma.server.models import model_by_id
from aisma.workspace.config import WorkspaceConfig
from aisma.yamlfile import dotted, first_error, plain_message


def checked_settings(settings: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The settings as JSON data and the model id; ``Invalid`` naming the first wrong field."""
    try:
        data = json.loads(json.dumps(settings))
    except (TypeError, ValueError):
        raise Invalid("settings", "must be JSON data") from None
    try:
        config = WorkspaceConfig.model_validate(data)
    except ValidationError as exc:
        error = first_error(exc)
        raise Invalid(f"settings.{dotted(tuple(error['loc']))}", plain_message(error)) from None
    model = model_by_id(config.model)
    known = {"categories": {c.id for c in model.categories()}, "domains": {d.id for d in model.domains}}
    for key, values in (("categories", config.targets.categories), ("domains", config.targets.domains)):
        for name, level in values.items():
            if name not in known[key]:
                raise Invalid(f"settings.targets.{key}.{name}", f"not a {key[:-1]} of model {model.id}")
            if not 0 <= level <= model.max_level:
                raise Invalid(f"settings.targets.{key}.{name}", f"must be a level from 0 to {model.max_level}")
    try:
        parse_settings(config.collectors.get("inventory"), Path(CONFIG_FILE))
    except InputError as exc:
        raise Invalid("settings.collectors.inventory", exc.detail) from None
    return data, config.model
