"""The assessment result (``aisma.result/v1``, a public contract), defined once as frozen pydantic models.

These models are the result the engine builds, the JSON every report and the server store
(``to_dict``), the reader of that JSON (``from_dict``: stored results and workspace history load
back through the same definition) and the published JSON Schema (``result_json_schema``; the
committed copy ``result.schema.json`` is regenerated with ``make schema`` and a test compares the
two). Field order is the JSON's key order, so the bytes stay what they were.

Numbers are rounded on the way out, once, so every report and every run shows the same digits;
in memory they keep full precision for the roll-ups and projections computed from them.
Every field that was added after the first ``aisma.result/v1`` has a default, so older results load.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue, PlainSerializer, model_validator
from pydantic.json_schema import GenerateJsonSchema

from aisma.inventory.autonomy import TierSource
from aisma.maturity.schema import AutonomyTier
from aisma.records import AnswerWord, EvidenceStatus

RESULT_SCHEMA: Literal["aisma.result/v1"] = "aisma.result/v1"
Status = Literal["met", "unmet", "na", "unknown"]
SourceKind = Literal["measured", "attested_with_evidence", "attested", "none"]
Verdict = Literal["appropriate", "marginal", "do_not_proceed"]
TargetSource = Literal["category", "domain", "default", "preset", "inventory", "none"]
# ints stay ints and floats floats (a measurement's numerator of 12 is written 12, not 12.0)
Number = int | float


def r2(value: float | None) -> float | None:
    """Scores are floored, never rounded up: 2.996 must not read as level 3."""
    return None if value is None else math.floor(value * 100 + 1e-6) / 100


def r3(value: float | None) -> float | None:
    return None if value is None else round(value + 0.0, 3)


_SCORE: dict[str, JsonValue] = {"minimum": 0}
_RATIO: dict[str, JsonValue] = {"minimum": 0, "maximum": 1}
_LEVEL: dict[str, JsonValue] = {"minimum": 0}
Score = Annotated[float | None, PlainSerializer(r2, return_type=float | None), Field(json_schema_extra=_SCORE)]
Ratio = Annotated[float | None, PlainSerializer(r3, return_type=float | None), Field(json_schema_extra=_RATIO)]
Level = Annotated[int | None, Field(json_schema_extra=_LEVEL)]
AssetKind = Literal["model", "agent", "endpoint", "mcp_server"]


def _kind_pairs(value: Any) -> Any:
    """Counts per kind arrive as a JSON object; in memory they are (kind, count) pairs sorted by kind."""
    return tuple(sorted(value.items())) if isinstance(value, dict) else value


def _kind_object(pairs: tuple[tuple[str, int], ...]) -> dict[str, int]:
    return dict(pairs)


KindCounts = Annotated[
    tuple[tuple[str, int], ...],
    BeforeValidator(_kind_pairs),
    PlainSerializer(_kind_object, return_type=dict[str, int]),
    Field(
        json_schema_extra={
            "propertyNames": {"enum": ["model", "agent", "endpoint", "mcp_server"]},
            "additionalProperties": {"type": "integer", "minimum": 1},
        }
    ),
]


class Frozen(BaseModel):
    """Immutable, and tolerant of keys it does not know (a result written by a newer aisma still loads)."""

    model_config = ConfigDict(
        frozen=True, extra="ignore", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    def to_dict(self) -> dict[str, Any]:
        """This part's JSON form, as it appears in the result."""
        return self.model_dump(mode="json")


class MeasurementUsed(Frozen):
    """The measurement that decided an objective (merged over its sources)."""

    metric: str
    value: Annotated[float, PlainSerializer(r3, return_type=float)]
    numerator: Number | None
    denominator: Number | None
    observed_at: str
    fresh: bool
    stale_sources: int = Field(
        0,
        json_schema_extra={"minimum": 0},
        description="Sources that went stale and count as unmeasured (all of them when fresh is false).",
    )
    answer: str
    sources: tuple[dict[str, str], ...] = Field(
        json_schema_extra={"items": {"required": ["tool", "version", "file", "sha256"]}}
    )
    details: tuple[str, ...]


class Conflict(Frozen):
    """An attestation the measurement contradicts by more than one step."""

    attested: str
    measured: str
    used: Literal["measured", "neither"] = Field(
        description="measured: a fresh measurement decides; neither: the measurement is stale, the objective unknown."
    )
    message: str
    stale: bool = Field(False, description="The measurement that contradicts the attestation has gone stale.")


class ObjectiveResult(Frozen):
    # The pattern and minimum are documented, not enforced: a custom model's ids are its own business.
    id: str = Field(json_schema_extra={"pattern": r"^[A-Z][A-Z0-9]*-[0-9]+\.[0-9]+$"})
    title: str
    level: int = Field(json_schema_extra={"minimum": 1})
    applicable: bool
    status: Status
    answer: AnswerWord | None
    value: Number
    source: SourceKind
    evidenced_status: Status
    measurement: MeasurementUsed | None
    conflict: Conflict | None
    note: str
    justification: str
    evidence: tuple[dict[str, Any], ...]
    by: str
    evidence_status: EvidenceStatus = Field(
        "none",
        description=(
            "What the cited evidence proves: verified (a cited file exists), accepted (an assessor accepted it), "
            "unverified (cited, unverified: only URLs or missing files, not counted as evidence), rejected (an "
            "assessor rejected it), none (nothing cited)."
        ),
    )
    evidence_review: dict[str, Any] | None = Field(
        None, description="The assessor's decision on the cited evidence: decision, by, at, note."
    )
    stale: dict[str, Any] | None = Field(
        None,
        description='Evidence that lapsed: {"what": "measurement" or "attestation", "since": time, "was": answer}.',
    )
    valid_until: str | None = Field(
        None, description="When the evidence that decides this objective goes stale (after it, time can only lower it)."
    )


class CapApplied(Frozen):
    """A gate that holds a category below a level while another category is too low."""

    gate: str
    condition_category: str = Field(alias="category")
    condition_level: int = Field(alias="category_level")
    below: int
    cap: int
    reason: str


class CategoryResult(Frozen):
    id: str
    title: str
    domain: str
    applicable: bool
    level: Level
    score: Score
    coverage: Ratio
    evidenced_level: Level
    evidenced_score: Score
    uncapped_level: Level
    target_level: Level
    capped_by: CapApplied | None
    evidenced_capped_by: CapApplied | None
    objectives: tuple[ObjectiveResult, ...]
    # The model's weight of the category: used by the roll-ups, not part of the JSON (reports that
    # re-roll a stored result are handed the model's weights, see ``AssessmentResult.from_dict``).
    weight: float = Field(1.0, exclude=True)


class Rollup(Frozen):
    """A weighted roll-up of category scores: a domain, or the whole program."""

    id: str
    title: str
    level: Level
    score: Score
    coverage: Ratio
    evidenced_level: Level
    evidenced_score: Score
    target_level: Level
    weakest_category: str | None


class Overall(Rollup):
    """The whole program's roll-up; the JSON names it by its place (``overall``), not by id and title."""

    id: str = Field("overall", exclude=True)
    title: str = Field("", exclude=True)


class ViewBucket(Frozen):
    """Objectives grouped under one framework function, article or track."""

    id: str
    title: str
    level: Level
    score: Score
    coverage: Ratio
    evidenced_level: Level
    counts: dict[str, int] = Field(json_schema_extra={"required": ["met", "unmet", "unknown", "na"]})
    objectives: tuple[str, ...]


class GatingEntry(Frozen):
    """Whether the program is mature enough to run one system of the inventory (``aisma.scoring.gating``)."""

    system: str
    name: str
    deployment_class: str
    required_level: int
    program_level: int | None
    evidenced_program_level: int | None
    verdict: Verdict
    evidenced_verdict: Verdict
    limiting_categories: tuple[str, ...]
    levels: dict[str, int | None]
    autonomy_tier: AutonomyTier | None = Field(
        None, description="MASO implementation tier gating used (null: not agentic)."
    )
    autonomy_tier_source: TierSource | None = None
    autonomy_tier_reason: str | None = None
    recorded_autonomy_tier: AutonomyTier | None = Field(
        None, description="The tier the inventory records; a laxer one than the facts show is overridden."
    )
    governable_tier: AutonomyTier | None = Field(
        None,
        description="The most autonomous tier the program can govern for this class (null: none, or not agentic).",
    )
    evidenced_governable_tier: AutonomyTier | None = None
    tier_above_governable: bool = False


class CategoryTarget(Frozen):
    """One category's target and where it came from (``aisma.scoring.targets.resolve_targets``)."""

    id: str
    target_level: Level = Field(description="The target that counts: the requested one, capped at highest_applicable.")
    source: TargetSource
    inventory_requires: Level
    required_by: tuple[str, ...] = Field((), description="The deployment classes that need inventory_requires.")
    requested_level: Level = Field(
        None, description="The target the profile, overrides and inventory ask for, before the cap."
    )
    highest_applicable: Level = Field(
        None,
        description=(
            "The highest level of the category with applicable objectives; no target above it can be met "
            "(null: nothing applies)."
        ),
    )


class ResolvedTargets(Frozen):
    """Every category's target, the preset they started from, and whether the inventory raised them."""

    preset: str | None
    from_inventory: bool
    categories: tuple[CategoryTarget, ...]

    def level(self, category_id: str) -> int | None:
        return next((c.target_level for c in self.categories if c.id == category_id), None)

    def entry(self, category_id: str) -> CategoryTarget | None:
        return next((c for c in self.categories if c.id == category_id), None)


class UnregisteredAsset(Frozen):
    """An AI asset seen in tool output that matches no active system (``aisma.inventory.shadow``)."""

    kind: AssetKind
    identifier: str
    seen: int = Field(json_schema_extra={"minimum": 0})
    tools: tuple[str, ...]
    files: tuple[str, ...] = Field(json_schema_extra={"maxItems": 10})
    matches_retired_system: str | None = None


class Unlock(Frozen):
    category: str
    level: int


class RoadmapItem(Frozen):
    """One objective to do, and what doing it (and everything before it) changes."""

    objective: str
    category: str
    level: int
    title: str
    statement: str
    unlocks_level: int | None = Field(description="The level of its own category this item completes, if any.")
    unlocks: tuple[Unlock, ...]
    gating_changes: tuple[str, ...]
    lifts_gates: tuple[str, ...]
    regulations: tuple[str, ...]
    reason: Literal["target", "gate", "dependency"]
    status: Status
    action: Literal["evidence", "implement"] = Field(
        "implement", description="evidence: met by an attestation without evidence, the work is to evidence it."
    )
    depends_on: tuple[str, ...]
    effort: Literal["S", "M", "L"]
    impact: int
    risk_tier: str | None

    @model_validator(mode="before")
    @classmethod
    def _action_from_status(cls, data: Any) -> Any:
        """Results planned before items had an action: an item already met needed evidence, not work."""
        if isinstance(data, dict) and "action" not in data and data.get("status") == "met":
            return {**data, "action": "evidence"}
        return data


class Projection(Frozen):
    """The figures a projection compares (``aisma.roadmap.whatif.snapshot``): overall, per category, per system."""

    overall_level: int | None
    overall_score: float | None
    evidenced_level: int | None
    categories: dict[str, int | None]
    evidenced_categories: dict[str, int | None]
    gating: dict[str, str]
    evidenced_gating: dict[str, str] = Field(default_factory=dict)


class RoadmapPhase(Frozen):
    """One roadmap phase: the items of one level band, in order, with the reference transition time."""

    phase: int = Field(json_schema_extra={"minimum": 1})
    title: str
    level: int
    months_min: int
    months_max: int
    categories: tuple[str, ...] = ()
    items: tuple[RoadmapItem, ...]
    projected: Projection = Field(description="Rescored with every item up to the end of this phase done.")


class LevelName(Frozen):
    level: int
    name: str


class ModelRef(Frozen):
    """The maturity model the result was scored against."""

    id: str
    version: str
    title: str = ""
    levels: tuple[LevelName, ...] = ()


class AssessmentResult(BaseModel):
    """The JSON result of `aisma assess --format json`.

    Fields may be added within v1; none is removed or changes meaning.
    """

    # Top-level keys this version does not know (a newer result, a history snapshot's inventory) are
    # kept and written back after the known ones.
    model_config = ConfigDict(
        frozen=True, extra="allow", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    schema_: Literal["aisma.result/v1"] = Field(RESULT_SCHEMA, alias="schema")
    organization: str
    model: ModelRef
    assessed_at: str = Field(json_schema_extra={"format": "date-time"})
    time_basis: Literal["at", "as_of", "now"] = Field(
        "at",
        description=(
            "Where assessed_at came from: given (--at, the API's assessed_at), pinned by as_of in aisma.yaml, "
            "or the wall clock."
        ),
    )
    evidence_valid_until: str | None = Field(
        None,
        json_schema_extra={"format": "date-time"},
        description=(
            "The first time evidence behind this result goes stale (a measurement past max_age_days, an "
            "attestation past expires); after it the same inputs can only score lower. Reports say so; live "
            "pages warn once it has passed."
        ),
    )
    overall: Overall
    domains: tuple[Rollup, ...]
    categories: tuple[CategoryResult, ...]
    tracks: tuple[ViewBucket, ...]
    views: dict[str, tuple[ViewBucket, ...]]
    gating: tuple[GatingEntry, ...]
    # Shadow AI: at most UNREGISTERED_LISTED (1,000) assets (aisma.inventory.shadow), the most seen first,
    # and the exact number of distinct unregistered assets, in all and per kind (listed or not).
    unregistered_ai: tuple[UnregisteredAsset, ...] = Field(
        (),
        json_schema_extra={"maxItems": 1000},
        description=(
            "AI assets seen in tool output that match no active inventory system: the 1,000 most seen (most "
            "sightings first, then kind and identifier); unregistered_ai_total counts them all. Results written "
            "before the cap list every asset, by kind and identifier."
        ),
    )
    unregistered_ai_total: int = Field(
        0,
        json_schema_extra={"minimum": 0},
        description=(
            "How many distinct (kind, identifier) assets are unregistered, listed or not; absent in older "
            "results (then: the length of unregistered_ai)."
        ),
    )
    unregistered_ai_by_kind: KindCounts = Field(
        (), description="unregistered_ai_total per kind (kinds with none are left out)."
    )
    targets: ResolvedTargets | None = None
    roadmap: tuple[RoadmapPhase, ...]
    warnings: tuple[str, ...]

    @model_validator(mode="before")
    @classmethod
    def _stored_form(cls, data: Any) -> Any:
        """What a stored result leaves out: ``overall`` has no id and title (it is the program, named
        after the model); results from before the shadow-AI cap listed every asset, so the list is the count."""
        if not isinstance(data, dict):
            return data
        overall = data.get("overall")
        if isinstance(overall, dict) and "title" not in overall:
            model = data.get("model")
            title = model.get("title", "") if isinstance(model, dict) else ""
            data = {**data, "overall": {**overall, "id": "overall", "title": title}}
        listed = data.get("unregistered_ai")
        if isinstance(listed, list) and "unregistered_ai_total" not in data:
            data = {**data, "unregistered_ai_total": len(listed)}
        if isinstance(listed, list) and "unregistered_ai_by_kind" not in data:
            kinds = Counter(str(u.get("kind")) for u in listed if isinstance(u, dict))
            data = {**data, "unregistered_ai_by_kind": dict(kinds)}
        return data

    @property
    def unregistered_ai_unlisted(self) -> int:
        """How many unregistered assets the list leaves out (reports say "N more not listed")."""
        return max(self.unregistered_ai_total - len(self.unregistered_ai), 0)

    @property
    def model_id(self) -> str:
        return self.model.id

    @property
    def model_version(self) -> str:
        return self.model.version

    @property
    def model_title(self) -> str:
        return self.model.title

    @property
    def levels(self) -> tuple[tuple[int, str], ...]:
        """The model's level numbers and names, lowest first."""
        return tuple((lv.level, lv.name) for lv in self.model.levels)

    def lapsed_since(self, now: str) -> list[ObjectiveResult]:
        """Objectives whose deciding evidence went stale between this assessment and ``now`` (ISO time)."""
        moment = datetime.fromisoformat(now)
        return [
            o
            for c in self.categories
            for o in c.objectives
            if o.valid_until is not None and datetime.fromisoformat(o.valid_until) <= moment
        ]

    def category(self, category_id: str) -> CategoryResult:
        return next(c for c in self.categories if c.id == category_id)

    def objective(self, objective_id: str) -> ObjectiveResult:
        return next(o for c in self.categories for o in c.objectives if o.id == objective_id)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``aisma.result/v1``), rounded."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any], weights: dict[str, float] | None = None) -> AssessmentResult:
        """The result a stored ``to_dict()`` came from; ``weights`` (category id -> weight) are not in the JSON.

        Numbers come back as rounded in the JSON, which is what every report shows anyway.
        """
        if weights and isinstance(data.get("categories"), list):
            data = {
                **data,
                "categories": [
                    {**c, "weight": weights.get(str(c.get("id")), 1.0)} if isinstance(c, dict) else c
                    for c in data["categories"]
                ],
            }
        return cls.model_validate(data)


class _Schema(GenerateJsonSchema):
    """Property titles repeat the key ("Organization"); the schema is read by people, so leave them out."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def result_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``aisma.result/v1``, generated from the models (the committed copy must match)."""
    generated = AssessmentResult.model_json_schema(mode="serialization", schema_generator=_Schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://aisma.invalid/schemas/aisma.result/v1",
        "title": "aisma assessment result (aisma.result/v1)",
        "description": " ".join(str(generated["description"]).split()),  # the docstring, on one line
        **{k: v for k, v in generated.items() if k not in ("title", "description")},
    }
