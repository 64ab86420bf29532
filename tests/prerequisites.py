"""What a test needs from the machine (a database, a browser, a system package) and may not find.

Locally a missing prerequisite skips the test with the reason; under ``CI=true`` it fails, because
CI installs everything (.ci/run) and a silently skipped database or browser test proves nothing.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(reason: str) -> NoReturn:
    """Skip (locally) or fail (CI=true) the test, or the whole module when called at import time."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and a test prerequisite is missing: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)
