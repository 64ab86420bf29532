"""One error type for everything a user can get wrong, so the CLI can print one line and exit."""

from __future__ import annotations

from pathlib import Path


class AismaError(Exception):
    """A problem with the user's input or setup, explained in one line; never a bug in aisma."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(AismaError):
    """An input file is wrong at a known place: rendered as ``file:line: message``."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.detail = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")
