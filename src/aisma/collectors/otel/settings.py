"""The otel collector's settings (``collectors.otel`` in aisma.yaml), checked before any file is read.

Every setting is optional: without an approved-provider list or a secure-SDK scope the metrics that
need them are simply not produced, because a measurement against an empty list would be invented.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aisma.errors import AismaError

# Keys the collector framework reads for every collector (aisma.collectors.run).
FRAMEWORK_KEYS = frozenset({"enabled", "paths"})


class SdkException(BaseModel):
    """A system allowed to call models outside the secure SDK until ``expires``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str = Field(min_length=1)
    expires: date
    reason: str = ""


class OtelSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    window_days: int = Field(default=30, ge=1, le=3660)
    approved_providers: tuple[str, ...] | None = None
    sdk_name: tuple[str, ...] = ()
    min_version: str | None = None
    sdk_exceptions: tuple[SdkException, ...] = ()
    # Processes reading one big JSON Lines file (collectors/otel/parallel.py); None: 2 on 2+ cores.
    workers: int | None = Field(default=None, ge=1, le=64)

    @field_validator("approved_providers", mode="before")
    @classmethod
    def _provider_names(cls, value: Any) -> Any:
        """Bare names, or ``{name: ...}`` entries as in ``collectors.inventory.approved_providers``."""
        if isinstance(value, list):
            return [item.get("name") if isinstance(item, Mapping) else item for item in value]
        return value

    @field_validator("sdk_name", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


def parse_settings(raw: Mapping[str, Any]) -> OtelSettings:
    """``collectors.otel`` as OtelSettings; a wrong value is one line naming the setting."""
    own = {key: value for key, value in raw.items() if key not in FRAMEWORK_KEYS}
    try:
        return OtelSettings.model_validate(own)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise AismaError(f"aisma.yaml: collectors.otel.{where}: {error['msg']}") from None
