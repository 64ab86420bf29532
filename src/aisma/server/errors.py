"""Errors a service raises; the web layer maps them to 404/403/409/422, the CLI prints one line.

They are ``AismaError`` subclasses because every one of them is about what the caller asked for,
never a bug in aisma.
"""

from __future__ import annotations

from typing import Any

from aisma.errors import AismaError


class ServiceError(AismaError):
    """Base class of the errors a service raises on purpose."""


class NotFound(ServiceError):
    """No such object, or it belongs to another organization: the caller cannot tell which."""


class Forbidden(ServiceError):
    """The actor may see the object but its role or token scopes do not allow this action."""


class Conflict(ServiceError):
    """The object already exists (a unique name or id is taken)."""


class EditConflicts(Conflict):
    """Edits made on an old copy (a workbook) of records changed since; ``conflicts`` lists each one."""

    def __init__(self, message: str, conflicts: list[dict[str, Any]]) -> None:
        self.conflicts = conflicts
        super().__init__(message)


class StaleWrite(ServiceError):
    """Optimistic concurrency: the caller's version is not the stored one; ``current`` is what is stored."""

    def __init__(self, current: Any, message: str = "") -> None:
        self.current = current
        version = getattr(current, "version", None)
        super().__init__(message or f"stale write: the stored version is {version}; reload and try again")


class Invalid(ServiceError):
    """One field of the input is wrong: ``field`` names it, ``detail`` says what was expected."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.detail = message
        super().__init__(f"{field}: {message}")


class TooLarge(Invalid):
    """An upload went over the size limit (the web layer answers 413); nothing of it was kept."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__("file", f"larger than the upload limit of {limit} bytes")
