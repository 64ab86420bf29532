"""The Autonomy Test: which AI systems are agentic, and how autonomous they are.

The rule is deliberately simple enough to write on one line, so owners can predict the outcome:
a system is agentic when it chooses its own actions or tools AND either acts with side effects or
runs several steps without approval of each. The level then depends on how much a human sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from aisma.inventory.schema import AutonomyAnswers, AutonomyLevel

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
