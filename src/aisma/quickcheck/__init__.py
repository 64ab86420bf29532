"""The five-question quick check: a first, honest estimate before the full assessment.

Scoring per DESIGN.md: 0-1 yes is level 0-1, 2-3 yes is level 2, 4-5 yes is level 3-4.
"""

from __future__ import annotations

from dataclasses import dataclass

from aisma.errors import AismaError

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("inventory", "Do you have a complete inventory of your models, agents and MCP connections?"),
    ("a2a_logging", "Are agent-to-agent interactions logged?"),
    ("multiturn", "Is resilience to multi-turn attacks tested?"),
    ("least_privilege", "Does each agent identity have least privilege?"),
    ("eu_evidence", "Is EU AI Act evidence generated automatically?"),
)

NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "0-1": (
        "Build the AI inventory first: every model, application, agent, copilot, coding tool and MCP server, "
        "with an owner.",
        "Publish an AI security policy and acceptable-use standard, and name who owns AI risk.",
        "Turn on logging of prompts, outputs and tool calls for the systems in production.",
    ),
    "2": (
        "Run the Autonomy Test on every system and give each agent its own identity with least privilege.",
        "Red-team the production systems, including multi-turn attacks, and track the attack success rate.",
        "Classify the data each system may use and gate data management before adding agents.",
    ),
    "3-4": (
        "Feed tool output into aisma so KPIs are measured, not attested; compare claimed with evidenced maturity.",
        "Set thresholds on the KPIs that trigger action, and gate new agentic deployments on maturity.",
        "Generate the regulatory evidence (EU AI Act, NIST AI RMF, ISO/IEC 42001) from the same data.",
    ),
}


@dataclass(frozen=True)
class QuickCheckResult:
    yes_count: int
    band: str
    level_low: int
    level_high: int
    next_steps: tuple[str, ...]


def score(answers: tuple[bool, ...]) -> QuickCheckResult:
    if len(answers) != len(QUESTIONS):
        raise AismaError(f"expected {len(QUESTIONS)} answers, got {len(answers)}")
    yes = sum(answers)
    band, low, high = ("0-1", 0, 1) if yes <= 1 else ("2", 2, 2) if yes <= 3 else ("3-4", 3, 4)
    return QuickCheckResult(yes_count=yes, band=band, level_low=low, level_high=high, next_steps=NEXT_STEPS[band])


def parse_answers(text: str) -> tuple[bool, ...]:
    """``yes,no,yes,yes,no`` -> booleans; y/n and true/false are accepted too."""
    words = [w.strip().lower() for w in text.split(",")]
    if len(words) != len(QUESTIONS):
        raise AismaError(f"--answers: expected {len(QUESTIONS)} comma-separated yes/no values, got {len(words)}")
    out = []
    for i, word in enumerate(words, start=1):
        if word in ("yes", "y", "true"):
            out.append(True)
        elif word in ("no", "n", "false"):
            out.append(False)
        else:
            raise AismaError(f"--answers: value {i} is {word!r}; expected yes or no")
    return tuple(out)
