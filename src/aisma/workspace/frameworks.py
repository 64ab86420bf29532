"""The frameworks a report shows the posture against: ``report.frameworks`` in aisma.yaml, or the
ones named on the command line (``aisma assess --framework``).

An entry is a built-in framework id (seen through the mapping set shipped from the model), or an
OSCAL catalog or profile or CISO Assistant library in the workspace with the mapping set written for
it; paths are relative to the workspace. A name on the command line is a built-in id, or the id or
file of an entry of ``report.frameworks`` (so an imported framework is configured once). The posture
is the one ``aisma framework assess`` shows for the same result (aisma.frameworks).
"""

from __future__ import annotations

from collections.abc import Sequence

from aisma.errors import AismaError, InputError
from aisma.frameworks.builtin import builtin_frameworks
from aisma.frameworks.posture import FrameworkPosture, framework_posture
from aisma.frameworks.resolve import load_framework_file, resolve_mapping
from aisma.layout import CONFIG_FILE
from aisma.scoring.results import AssessmentResult
from aisma.workspace.config import ReportFramework
from aisma.workspace.loader import Workspace


def chosen_frameworks(workspace: Workspace, names: Sequence[str] | None) -> tuple[ReportFramework, ...]:
    """The entries of ``report.frameworks``, or those ``names`` pick (``none`` alone picks none)."""
    configured = workspace.config.report.frameworks
    if names is None:
        return configured
    if list(names) == ["none"]:
        return ()
    picked: list[ReportFramework] = []
    for name in dict.fromkeys(names):
        entry = next((e for e in configured if name in (e.id, e.framework)), None)
        if entry is None and name in builtin_frameworks():
            entry = ReportFramework(framework=name)
        if entry is None:
            raise AismaError(
                f"--framework {name}: not a built-in framework ({', '.join(builtin_frameworks())}) "
                f"nor one listed in {CONFIG_FILE} under report.frameworks"
            )
        picked.append(entry)
    return tuple(picked)


def report_postures(
    workspace: Workspace, result: AssessmentResult, entries: Sequence[ReportFramework]
) -> tuple[FrameworkPosture, ...]:
    """The posture of ``result`` against each entry, in order; a bad entry is one line naming aisma.yaml."""
    config_path = workspace.root / CONFIG_FILE
    postures = []
    for index, entry in enumerate(entries):
        where = f"report.frameworks[{index}]"
        framework = builtin_frameworks().get(entry.framework)
        if framework is None:
            path = workspace.root / entry.framework
            if not path.is_file():
                raise InputError(
                    config_path, None, f"{where}.framework {entry.framework}: not a built-in framework or a file"
                )
            framework = load_framework_file(path, entry.id)
        mapping = None
        if entry.mapping is not None:
            mapping_path = workspace.root / entry.mapping
            if not mapping_path.is_file():
                raise InputError(config_path, None, f"{where}.mapping {entry.mapping}: no such file")
            mapping = str(mapping_path)
        postures.append(framework_posture(framework, resolve_mapping(mapping, workspace.model, framework), result))
    return tuple(postures)
