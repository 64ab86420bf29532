"""Freeze an organization's parts into the inputs of one assessment.

Shared by the files-first workspace (``aisma.workspace.loader``) and the team server
(``aisma.web.features.assessments.service``), so both derive the inventory and discovery measurements
the same way and score alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aisma.inventory.discovery import discovery_measurements
from aisma.inventory.metrics import inventory_measurements
from aisma.inventory.providers import InventorySettings, data_use_measurements, provider_measurements
from aisma.inventory.schema import Inventory
from aisma.inventory.shadow import observed_order
from aisma.layout import EVIDENCE_DIR
from aisma.maturity.schema import MaturityModel
from aisma.scoring.inputs import Answer, AssessmentInput, Measurement, ObservedAsset, Source, Targets
from aisma.workspace.config import TargetsConfig


def freeze_inputs(
    *,
    organization: str,
    model: MaturityModel,
    assessed_at: datetime,
    inventory: Inventory,
    inventory_source: Source,
    inventory_settings: InventorySettings,
    answers: tuple[Answer, ...],
    targets: TargetsConfig,
    observed: tuple[ObservedAsset, ...] = (),
    measurements: Sequence[Measurement] = (),
    warnings: tuple[str, ...] = (),
    time_basis: str = "at",
) -> AssessmentInput:
    """The inventory's own measurements, discovery's, then ``measurements`` (from collectors)."""
    active = inventory.active_systems()
    derived = (
        inventory_measurements(inventory, assessed_at, inventory_source)
        + provider_measurements(active, inventory_settings, assessed_at, inventory_source)
        + data_use_measurements(active, inventory_settings, assessed_at, inventory_source)
    )
    # Assets the collectors saw (traces, cloud findings, MCP configurations, AI-BOMs): one picture of
    # the AI in use, in a stable order so the result's bytes do not depend on the order files were read.
    observed = tuple(sorted(observed, key=observed_order))
    derived += discovery_measurements(
        inventory.systems, observed, assessed_at, Source(tool="discovery", file=EVIDENCE_DIR)
    )
    return AssessmentInput(
        organization=organization,
        model=model,
        assessed_at=assessed_at,
        inventory=inventory,
        answers=answers,
        measurements=derived + tuple(measurements),
        observed=observed,
        targets=Targets(
            default=targets.effective_default(),
            categories=tuple(sorted(targets.categories.items())),
            domains=tuple(sorted(targets.domains.items())),
            preset=targets.preset,
            from_inventory=targets.from_inventory,
        ),
        warnings=warnings,
        time_basis=time_basis,
    )
