"""The Autonomy Test: which AI systems are agentic, and how autonomous they are.

The rule is deliberately simple enough to write on one line, so owners can predict the outcome:
a system is agentic when it chooses its own actions or tools AND either acts with side effects or
runs several steps without approval of each. The level then depends on how much a human sees.

An agentic system also has a MASO implementation tier, which gating uses (a supervised agent needs
less program maturity than an autonomous one). Tier 1 *supervised*: a person approves every step.
Tier 2 *managed*: the agent runs steps, reads or low-consequence writes, without approval of each,
and escalates high-consequence actions. Tier 3 *autonomous*: it acts with side effects over several
unapproved steps under its own identity or on other agents' output. (The Autonomy Test's level
"supervised" is wider than Tier 1: it includes agents that run unapproved steps.)

The tier is the stricter of what the inventory records (``autonomy_tier``) and what its facts show
(the Autonomy Test answers and ``autonomy_level``), so recording a tier can only tighten a gate the
facts imply, never loosen it. With neither, the default is the requirement that held before tiers
existed: Tier 2 for an agent (level 4), Tier 3 for a multi-agent system (level 5). An unknown tier
therefore never relaxes a gate; only a record or an answered test ("a person approves each step")
brings an agent down to Tier 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from aisma.inventory.schema import AutonomyAnswers, AutonomyLevel
from aisma.maturity.schema import AUTONOMY_TIERS, AutonomyTier

if TYPE_CHECKING:
    from aisma.inventory.schema import AISystem

# The six questions in the order they are asked (CLI prompts and the web wizard share the wording).
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("chooses_actions", "Does it choose its own actions or tools?"),
    ("side_effects", "Does it take actions with side effects (writes, payments, messages, changes)?"),
    ("multi_step_unapproved", "Does it run several steps without a person approving each one?"),
    ("own_identity", "Does it act under its own non-human identity or credentials?"),
    ("untrusted_input", "Does it take in untrusted external content (web, email, documents, users)?"),
    ("acts_on_agent_output", "Does it act on other agents' output?"),
)


@dataclass(frozen=True)
class AutonomyResult:
    agentic: bool
    level: AutonomyLevel
    complete: bool
    reason: str


@lru_cache(maxsize=1024)  # at most 3**6 distinct answer sets; gating, scoring and the roadmap ask per system
def autonomy_result(answers: AutonomyAnswers) -> AutonomyResult:
    """Decide agentic yes/no and the autonomy level; unanswered questions count as 'no'.

    Kept per distinct set of answers (they are frozen): at 10,000 systems the question is asked
    hundreds of thousands of times in one assessment."""
    chooses = bool(answers.chooses_actions)
    side_effects = bool(answers.side_effects)
    unapproved = bool(answers.multi_step_unapproved)
    agentic = chooses and (side_effects or unapproved)
    if not chooses:
        level: AutonomyLevel = "assisted"
        reason = "does not choose its own actions or tools"
    elif not agentic:
        level = "supported"
        reason = "chooses actions, but each step is approved and nothing changes without a person"
    elif unapproved and side_effects and (answers.own_identity or answers.acts_on_agent_output):
        level = "autonomous"
        reason = (
            "acts with side effects over several unapproved steps under its own identity or on other agents' output"
        )
    else:
        level = "supervised"
        reason = "chooses actions with side effects or unapproved steps, within a person's supervision"
    return AutonomyResult(agentic=agentic, level=level, complete=answers.complete(), reason=reason)


TierSource = Literal["recorded", "derived", "default"]


def tier_number(tier: AutonomyTier) -> int:
    return AUTONOMY_TIERS.index(tier) + 1


def tier_label(tier: AutonomyTier | None) -> str:
    """``Tier 2 (managed)``, the way MASO names its tiers; ``no tier`` for None."""
    return "no tier" if tier is None else f"Tier {tier_number(tier)} ({tier})"


@dataclass(frozen=True)
class TierDecision:
    tier: AutonomyTier
    source: TierSource
    reason: str
    # A recorded tier that the facts contradict (laxer than they show); the stricter tier is used.
    overridden: AutonomyTier | None = None


def observed_tier(system: AISystem) -> tuple[AutonomyTier, str] | None:
    """The tier the recorded facts show, or None when they do not say whether a person approves each step."""
    answers = system.autonomy_test
    if system.autonomy_level == "autonomous" or (
        answers.chooses_actions and autonomy_result(answers).level == "autonomous"
    ):
        return "autonomous", "autonomy level autonomous: acts over several unapproved steps with side effects"
    if answers.multi_step_unapproved:
        return "managed", "Autonomy Test: runs several steps without a person approving each one"
    if answers.multi_step_unapproved is False and answers.chooses_actions:
        return "supervised", "Autonomy Test: a person approves every step"
    return None


def autonomy_tier(system: AISystem) -> TierDecision | None:
    """The MASO tier gating uses for an agentic system (None for a system that is not agentic)."""
    if not system.is_agentic:
        return None
    observed = observed_tier(system)
    recorded = system.autonomy_tier
    if recorded is not None:
        if observed is not None and tier_number(observed[0]) > tier_number(recorded):
            return TierDecision(
                observed[0],
                "derived",
                f"recorded {tier_label(recorded)}, but {observed[1]}",
                overridden=recorded,
            )
        return TierDecision(recorded, "recorded", "autonomy_tier recorded in the inventory")
    if observed is not None:
        return TierDecision(observed[0], "derived", observed[1])
    if system.multi_agent:
        return TierDecision("autonomous", "default", "no tier recorded or derivable: a multi-agent system is Tier 3")
    return TierDecision("managed", "default", "no tier recorded or derivable: an agent is Tier 2")
