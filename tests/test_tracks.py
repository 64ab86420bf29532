"""Per-track maturity: each track is scored on the objectives specific to it, so tracks can diverge."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from aisma.inventory.schema import AISystem, Inventory
from aisma.maturity.loader import resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.scoring.engine import score
from aisma.scoring.inputs import Answer, AssessmentInput
from aisma.scoring.views import in_track
from aisma.workspace.clock import parse_pin

AT = parse_pin("2026-11-16T09:00:00Z")
SYSTEMS = (
    AISystem(id="agent", name="Agent", track="build", deployment_type="paas", agentic=True, mcp_servers=("git",)),
    AISystem(id="m365", name="M365 Copilot", track="copilot", deployment_type="api_saas"),
    AISystem(id="ide", name="IDE assistant", track="coding_tool", deployment_type="api_saas"),
)


@cache
def model() -> MaturityModel:
    return resolve_model("aisma-core")


def tracks(answers: dict[str, str]) -> dict[str, int | None]:
    inputs = AssessmentInput(
        organization="T",
        model=model(),
        assessed_at=AT,
        inventory=Inventory(systems=SYSTEMS),
        answers=tuple(Answer(objective_id=oid, answer=word) for oid, word in answers.items()),  # type: ignore[arg-type]
    )
    return {t.id: t.level for t in score(inputs).tracks}


def members(track: str) -> set[str]:
    own = [s for s in SYSTEMS if s.track == track]
    return {o.id for o in model().objectives() if in_track(o, track, own)}


def test_program_wide_objectives_belong_to_no_track() -> None:
    program_wide = {o.id for o in model().objectives() if o.applies_to.program_wide}
    assert "GOV-1.1" in program_wide and "INV-1.1" in program_wide
    for track in ("build", "copilot", "coding_tool"):
        assert not members(track) & program_wide
    assert "AGT-1.1" in members("build") and "AGT-1.1" not in members("copilot")
    assert "INV-3.2" in members("copilot") and "DEV-1.1" in members("coding_tool")


def test_copilots_can_be_far_ahead_of_the_ai_the_organization_builds() -> None:
    copilot_only = members("copilot") - members("build")
    shared = members("copilot") & members("build")
    levels = tracks({oid: "fully" for oid in copilot_only | shared})
    assert levels["copilot"] is not None and levels["copilot"] >= 4
    assert levels["build"] is not None and levels["build"] <= 1
    assert levels["copilot"] - levels["build"] >= 3


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(sorted(o.id for o in resolve_model("aisma-core").objectives())), st.sampled_from(["fully", "not"])
)
def test_a_track_moves_only_with_its_own_objectives(objective_id: str, word: str) -> None:
    before = tracks({})
    after = tracks({objective_id: word})
    for track, level in after.items():
        if objective_id not in members(track):
            assert level == before[track], (track, objective_id)
