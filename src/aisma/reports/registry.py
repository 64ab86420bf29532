"""Find report formats through the ``aisma.reporters`` entry-point group.

Every format, the built-in ones included, is a ``Reporter`` registered under its format id, so a
package can add a format (OSCAL, a house style PDF, ...) without touching aisma: the CLI's
``--format`` and the server both ask this registry. An entry point names either a ``Reporter`` or a
callable returning one; the entry point's name must equal ``Reporter.format``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module, metadata
from pathlib import Path
from typing import Any

from aisma.errors import AismaError
from aisma.scoring.results import AssessmentResult

GROUP = "aisma.reporters"


@dataclass(frozen=True)
class ReportContext:
    """What a report may need beyond the frozen result; every field is optional.

    ``model`` (a ``MaturityModel``) gives objective texts and criteria, ``inventory`` (an
    ``Inventory``) the AI systems, ``answers`` (a tuple of ``aisma.scoring.inputs.Answer``) the
    manual answers as given, ``root`` the workspace folder (for evidence files), ``frameworks`` the
    postures (``aisma.frameworks.posture.FrameworkPosture``) the HTML and PDF reports add a section
    for, in order (aisma.workspace.frameworks chooses them). A reporter
    must still render something sensible when a field is None (e.g. a result read back from JSON).
    Typed ``Any`` here so this module imports nothing heavy.
    """

    model: Any = None
    inventory: Any = None
    answers: Any = None
    root: Path | None = None
    frameworks: Any = ()
    extra: dict[str, Any] = field(default_factory=dict)


Render = Callable[[AssessmentResult, ReportContext], "bytes | str"]


@dataclass(frozen=True)
class Need:
    """An optional module a format imports when it renders, and how a user gets it."""

    module: str  # what is imported, e.g. "weasyprint"
    hint: str  # what to install, e.g. "WeasyPrint: pip install 'aisma[pdf]' (and Pango)"


@dataclass(frozen=True)
class Reporter:
    """One output format.

    ``format`` is the id used by ``--format``; ``suffix`` the usual file suffix (with the dot);
    ``binary`` formats return bytes and need a file (``--out``); text formats return str.
    ``render`` must be deterministic: the same result and context give the same output.

    What a list of formats shows (the server's report page and API) comes from here too: ``label``
    (default: the id in capitals), ``order`` (lowest first, then by id) and ``needs``, the optional
    modules without which the format is listed as unavailable with their hint instead of failing.
    """

    format: str
    media_type: str
    suffix: str
    binary: bool
    description: str
    render: Render
    label: str = ""
    needs: tuple[Need, ...] = ()
    order: int = 100

    @property
    def title(self) -> str:
        return self.label or self.format.upper()

    def unavailable(self) -> str:
        """Why the format cannot render here (the first missing need's hint), or "" when it can."""
        for need in self.needs:
            if not _importable(need.module):
                return f"needs {need.hint}"
        return ""


@cache
def _importable(module: str) -> bool:
    try:
        import_module(module)
    except (ImportError, OSError):  # WeasyPrint raises OSError when Pango is missing
        return False
    return True


@cache
def installed() -> dict[str, Reporter]:
    """Every reporter registered in the entry-point group, by format id."""
    found: dict[str, Reporter] = {}
    for entry in sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name):
        try:
            target = entry.load()
            reporter = target if isinstance(target, Reporter) else target()
        except Exception as exc:  # a broken plugin must not take the CLI down
            raise AismaError(f"reporter {entry.name}: cannot be loaded ({type(exc).__name__}: {exc})") from None
        if not isinstance(reporter, Reporter):
            raise AismaError(f"reporter {entry.name}: entry point does not give an aisma.reports.registry.Reporter")
        if reporter.format != entry.name:
            raise AismaError(f"reporter {entry.name}: entry point name and format {reporter.format!r} differ")
        found[entry.name] = reporter
    return found


def listed() -> list[Reporter]:
    """Every installed reporter in the order a list shows them (``order``, then format id)."""
    return sorted(installed().values(), key=lambda r: (r.order, r.format))


def get(fmt: str) -> Reporter:
    reporters = installed()
    if fmt not in reporters:
        raise AismaError(f"unknown report format {fmt!r}; expected one of {', '.join(sorted(reporters))}")
    return reporters[fmt]


def render(result: AssessmentResult, fmt: str, context: ReportContext | None = None) -> bytes | str:
    """Render ``result`` in any registered format."""
    return get(fmt).render(result, context or ReportContext())
