"""Hypothesis strategies shared by the property tests (imported as ``strategies``, like ``prerequisites``)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from aisma.inventory.schema import AISystem, AutonomyAnswers


def ai_systems(max_size: int, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[AISystem, ...]]:
    """Inventories of up to ``max_size`` AI systems (distinct ids) of every track, deployment type and
    autonomy; ``fields`` adds or overrides strategies for other ``AISystem`` fields (owner, risk tier)."""
    base: dict[str, st.SearchStrategy[Any]] = {
        "id": st.sampled_from([chr(ord("a") + n) for n in range(max_size)]),
        "name": st.just("x"),
        "track": st.sampled_from(["build", "platform", "copilot", "coding_tool"]),
        "deployment_type": st.sampled_from(["self_hosted", "paas", "api_saas"]),
        "autonomy_test": st.builds(
            AutonomyAnswers,
            chooses_actions=st.booleans(),
            side_effects=st.booleans(),
            multi_step_unapproved=st.booleans(),
        ),
        "mcp_servers": st.sampled_from([(), ("github",)]),
    }
    system = st.builds(AISystem, **(base | fields))
    return st.lists(system, max_size=max_size, unique_by=lambda s: s.id).map(tuple)
