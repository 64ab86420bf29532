"""The plugin API: everything a third-party model, collector or report format may import.

A plugin imports from here and nowhere else in aisma; the names in ``__all__`` are kept stable, and
the modules behind them may move (docs/dev/architecture.md). The built-in collectors and reporters
are made of exactly these types and register through the same entry-point groups, so a plugin
stands where a built-in stands: ``aisma collectors list``, ``--format`` and the server's report
list show it the same way.

- ``aisma.models``: a callable returning the path of a maturity model YAML file.
- ``aisma.collectors``: a callable returning a ``Collector`` (``meta`` from its ``collector.yaml``
  via ``read_meta``, and ``collect(paths, context)`` returning a ``CollectionResult``).
- ``aisma.reporters``: a ``Reporter`` or a callable returning one; ``label``, ``order`` and
  ``needs`` say how lists show it and what it needs installed.
"""

from __future__ import annotations

from aisma.collectors.base import (
    CollectContext,
    CollectionResult,
    Collector,
    CollectorMeta,
    FileReads,
    file_source,
    file_time,
    parse_time,
)
from aisma.collectors.registry import GROUP as COLLECTORS_GROUP
from aisma.collectors.registry import read_meta
from aisma.errors import AismaError, InputError
from aisma.inventory.schema import AISystem, Inventory
from aisma.maturity.loader import ENTRY_POINT_GROUP as MODELS_GROUP
from aisma.records import Answer, EvidenceRef, Measurement, ObservedAsset, Source, entity_ratio, ratio
from aisma.reports.registry import GROUP as REPORTERS_GROUP
from aisma.reports.registry import Need, ReportContext, Reporter
from aisma.scoring.results import AssessmentResult

__all__ = [
    "COLLECTORS_GROUP",
    "MODELS_GROUP",
    "REPORTERS_GROUP",
    "AISystem",
    "AismaError",
    "Answer",
    "AssessmentResult",
    "CollectContext",
    "CollectionResult",
    "Collector",
    "CollectorMeta",
    "EvidenceRef",
    "FileReads",
    "InputError",
    "Inventory",
    "Measurement",
    "Need",
    "ObservedAsset",
    "ReportContext",
    "Reporter",
    "Source",
    "entity_ratio",
    "file_source",
    "file_time",
    "parse_time",
    "ratio",
    "read_meta",
]
