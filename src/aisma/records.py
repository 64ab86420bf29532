"""The records every layer shares: answers, evidence references, measurements and their sources, observed
AI assets. Plain frozen dataclasses with no dependency on the model, the inventory or scoring, so a
collector, an importer or the server can build them without reaching up the layers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

AnswerWord = Literal["fully", "largely", "partially", "not", "na", "unknown"]
ANSWER_WORDS: tuple[str, ...] = ("fully", "largely", "partially", "not", "na", "unknown")
# C2M2's scale: fully and largely count as met.
ANSWER_VALUES: dict[str, float] = {"fully": 1.0, "largely": 0.75, "partially": 0.25, "not": 0.0, "unknown": 0.0}
ANSWER_STEPS: dict[str, int] = {"not": 0, "partially": 1, "largely": 2, "fully": 3}
MET_ANSWERS = frozenset({"fully", "largely"})


@dataclass(frozen=True)
class EvidenceRef:
    """An evidence item an answer cites: a workspace path or a URL. ``exists`` is None for URLs.

    Only an item that exists (True) verifies an answer by itself; see ``Answer.evidence_status``.
    """

    ref: str
    exists: bool | None = None
    sha256: str | None = None


EvidenceStatus = Literal["verified", "accepted", "unverified", "rejected", "none"]


@dataclass(frozen=True)
class EvidenceReview:
    """An assessor's decision on the evidence an answer cites: who decided, when, and why."""

    decision: Literal["accepted", "rejected"]
    by: str
    at: datetime | date | None = None
    note: str = ""

    def to_dict(self) -> dict[str, str | None]:
        return {
            "decision": self.decision,
            "by": self.by,
            "at": self.at.isoformat() if self.at else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class Answer:
    objective_id: str
    answer: AnswerWord
    note: str = ""
    justification: str = ""
    evidence: tuple[EvidenceRef, ...] = ()
    by: str = ""
    at: date | None = None
    expires: date | None = None
    review: EvidenceReview | None = None

    @property
    def evidence_status(self) -> EvidenceStatus:
        """What the cited evidence proves, the rule for "evidenced":

        - ``verified``: at least one cited file exists (in the workspace, or stored on the server);
        - ``accepted``: an assessor accepted the evidence (``review``), whatever it is;
        - ``unverified`` ("cited, unverified"): only URLs or files that do not exist, not reviewed;
          a link proves nothing by itself (it may be dead, private or say something else);
        - ``rejected``: an assessor rejected it (a file that exists does not outweigh that);
        - ``none``: nothing cited.
        Only ``verified`` and ``accepted`` count as evidence.
        """
        if not self.evidence:
            return "none"
        if self.review is not None:
            return self.review.decision
        return "verified" if any(item.exists for item in self.evidence) else "unverified"

    @property
    def has_evidence(self) -> bool:
        return self.evidence_status in ("verified", "accepted")


@dataclass(frozen=True)
class Source:
    """Where a measurement came from: enough for an auditor to find and re-check the file."""

    tool: str
    version: str = ""
    file: str = ""
    sha256: str = ""


@dataclass(frozen=True)
class Measurement:
    """One value of a metric from one source.

    ``population`` and ``covered``, when set, are the ids of the entities (systems, servers) the
    denominator and the numerator count. Two tools measuring the share of the same systems they
    covered must merge as a union of those ids, not by summing (which averages the two shares and
    counts a system twice): measurements that carry them on every part merge that way
    (``scoring.objectives.merge``); ``entity_ratio`` builds them, leaving the ids out past
    ``MAX_ENTITIES`` so a measurement stays small.
    """

    metric: str
    observed_at: datetime
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    source: Source = Source(tool="unknown")
    details: tuple[str, ...] = ()
    population: tuple[str, ...] | None = None
    covered: tuple[str, ...] | None = None

    @property
    def ratio(self) -> float | None:
        if self.value is not None:
            return self.value
        if self.numerator is not None and self.denominator:
            return self.numerator / self.denominator
        return None


# A measurement names at most this many failing items: enough to act on, small enough to store.
MAX_DETAILS = 20


def ratio(
    metric: str,
    numerator: int,
    denominator: int,
    observed_at: datetime,
    source: Source,
    details: Sequence[str] = (),
) -> Measurement:
    """A ratio measurement; ``details`` (the failing items, capped) say what to fix."""
    return Measurement(
        metric=metric,
        observed_at=observed_at,
        numerator=float(numerator),
        denominator=float(denominator),
        source=source,
        details=tuple(details[:MAX_DETAILS]),
    )


MAX_ENTITIES = 5000  # ids a measurement carries for a union merge; past it, its parts merge by summing


def entity_ratio(
    metric: str,
    covered: Iterable[str],
    population: Iterable[str],
    observed_at: datetime,
    source: Source,
    details: Sequence[str] = (),
) -> Measurement:
    """The share of ``population`` (entity ids) that is ``covered``, carrying the ids for a union merge.

    Details should start with the entity id and ``": "``: a union merge drops the details of entities
    another source covered.
    """
    everyone = sorted(set(population))
    counted = sorted(set(covered) & set(everyone))
    keep = len(everyone) <= MAX_ENTITIES
    return Measurement(
        metric=metric,
        observed_at=observed_at,
        numerator=float(len(counted)),
        denominator=float(len(everyone)),
        source=source,
        details=tuple(details[:MAX_DETAILS]),
        population=tuple(everyone) if keep else None,
        covered=tuple(counted) if keep else None,
    )


@dataclass(frozen=True, slots=True)  # slots: a cloud scan makes 100,000s of them (a third of the memory)
class ObservedAsset:
    """An AI asset seen in tool output (discovery): the raw material for shadow-AI findings.

    ``seen_with`` holds the other identifiers of the same observation (the calling service as
    ``service.name=...``, the agent, the model or endpoint of the same span) that tie the asset to a
    system when its own identifier matches none: a shared endpoint belongs to whoever calls it.
    ``last_seen`` is the latest time it was seen, so discovery from old evidence goes stale.
    """

    kind: Literal["model", "agent", "endpoint", "mcp_server"]
    identifier: str
    tool: str
    file: str
    count: int = 1
    seen_with: tuple[str, ...] = ()
    last_seen: datetime | None = None
