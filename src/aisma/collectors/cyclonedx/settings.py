"""The cyclonedx collector's settings (``collectors.cyclonedx`` in aisma.yaml).

``approved_model_sources`` has no default: without it ``aibom.models.approved_source_ratio`` is not
produced, since an empty list would fail every model for a policy nobody wrote down.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aisma.errors import AismaError

FRAMEWORK_KEYS = frozenset({"enabled", "paths"})
DEFAULT_SAFE_FORMATS = (".safetensors", ".gguf")


class CycloneDxSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    approved_model_sources: tuple[str, ...] | None = None
    safe_formats: tuple[str, ...] = Field(default=DEFAULT_SAFE_FORMATS, min_length=1)

    @field_validator("safe_formats", mode="after")
    @classmethod
    def _suffixes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """``safetensors`` and ``.SafeTensors`` both mean the file suffix ``.safetensors``."""
        suffixes = tuple(f".{v.strip().lstrip('.').lower()}" for v in value if v.strip().lstrip("."))
        if not suffixes:
            raise ValueError("needs at least one file suffix, such as .safetensors")
        return suffixes


def parse_settings(raw: Mapping[str, Any]) -> CycloneDxSettings:
    own = {key: value for key, value in raw.items() if key not in FRAMEWORK_KEYS}
    try:
        return CycloneDxSettings.model_validate(own)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise AismaError(f"aisma.yaml: collectors.cyclonedx.{where}: {error['msg']}") from None
