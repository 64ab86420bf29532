"""Crosswalks between models: answers given once count in both, never claiming more than they show."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.errors import InputError
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.maturity.loader import load_model_file, resolve_model
from aisma.scoring.inputs import ANSWER_VALUES
from aisma.workspace.crosswalk import INVERSE, carry_word, load_crosswalk
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_workspace

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "crosswalks" / "aisma-core-to-owasp-aima.yaml"
AIMA = Path(__file__).parent / "data" / "aima" / "OWASP-AIMA-Toolkit_V1.0.1.xlsx"
AT = parse_at(DEMO_ASSESSED_AT)
RELATIONS = ("equal", "subset", "superset", "intersect")
WORDS = ("fully", "largely", "partially", "not", "na", "unknown")


def test_carry_rules() -> None:
    expected = {
        "equal": ["fully", "largely", "partially", "not", "na", None],
        "superset": ["fully", "largely", None, None, None, None],
        "subset": ["partially", "partially", "partially", None, None, None],
        "intersect": ["partially", "partially", "partially", None, None, None],
    }
    for relation, words in expected.items():
        assert [carry_word(w, relation) for w in WORDS] == words, relation
    assert {r: INVERSE[INVERSE[r]] for r in RELATIONS} == {r: r for r in RELATIONS}
    assert (INVERSE["subset"], INVERSE["superset"]) == ("superset", "subset")


@given(st.sampled_from(RELATIONS), st.sampled_from(WORDS))
def test_a_carried_answer_never_claims_more_than_the_original(relation: str, word: str) -> None:
    carried = carry_word(word, relation)
    if carried is None or word == "na":
        return
    assert ANSWER_VALUES[carried] <= ANSWER_VALUES[word]
    if relation in ("subset", "intersect"):
        assert ANSWER_VALUES[carried] <= ANSWER_VALUES["partially"]


RANKED = ("not", "partially", "largely", "fully")


@given(st.sampled_from(RELATIONS), st.sampled_from(RANKED), st.sampled_from(RANKED))
def test_a_better_original_never_carries_a_worse_answer(relation: str, worse: str, better: str) -> None:
    if RANKED.index(better) < RANKED.index(worse):
        worse, better = better, worse
    low, high = carry_word(worse, relation), carry_word(better, relation)
    if low is not None:
        assert high is not None and ANSWER_VALUES[high] >= ANSWER_VALUES[low]


@pytest.fixture(scope="module")
def aima_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("aima") / "aima.yaml"
    assert run(["model", "import-xlsx", str(AIMA), "--map", "owasp-aima", "--out", str(out)]) == 0
    return out


def test_the_shipped_example_crosswalk_is_valid(aima_model: Path) -> None:
    crosswalk = load_crosswalk(EXAMPLE, resolve_model("aisma-core"), load_model_file(aima_model))
    assert len(crosswalk.mappings) >= 10
    assert {p.relation for p in crosswalk.mappings} == set(RELATIONS) - {"equal"}


def _aima_workspace(tmp_path: Path, aima_model: Path, own: dict[str, str]) -> Path:
    core = tmp_path / "core"
    write_example(core, overwrite_demo=True)  # the demo's answers are given against aisma-core
    ws = tmp_path / "aima-ws"
    ws.mkdir()
    (ws / "crosswalk.yaml").write_text(EXAMPLE.read_text())
    config = {
        "organization": "Northbridge Bank",
        "model": str(aima_model),
        "crosswalks": [{"file": "crosswalk.yaml", "answers": "../core/answers.yaml"}],
    }
    (ws / "aisma.yaml").write_text(yaml.safe_dump(config))
    (ws / "answers.yaml").write_text(yaml.safe_dump({"answers": own}))
    return ws


def test_answers_given_against_aisma_core_count_in_the_imported_model(tmp_path: Path, aima_model: Path) -> None:
    ws = _aima_workspace(tmp_path, aima_model, {"PC-1.1": "not"})
    core_answers = yaml.safe_load((tmp_path / "core" / "answers.yaml").read_text())["answers"]
    assert core_answers["RSK-1.3"]["answer"] == "fully" and core_answers["GOV-4.1"]["answer"] == "partially"
    result = assess_workspace(ws, AT)
    pc12, pc22, pc11 = (result.objective(i) for i in ("PC-1.2", "PC-2.2", "PC-1.1"))
    assert (pc12.answer, pc22.answer) == ("fully", "partially")  # superset carries whole, subset at most partially
    assert "Carried from aisma-core RSK-1.3 (fully, superset) via crosswalk.yaml." in pc12.note
    assert pc11.answer == "not"  # the workspace's own answer wins over the carried "fully" of GOV-1.1
    assert result.objective("SM-1.2").answer is None  # GOV-4.1 is only partially met: says nothing certain
    assert result.objective("SM-2.2").answer == "partially"  # ... but an overlap still shows partial progress
    # Carried evidence points into the other workspace and still counts as evidence.
    assert pc12.source == "attested_with_evidence"
    assert all(e["ref"].startswith("../core/evidence/") and e["exists"] for e in pc12.evidence)
    assert any(w.startswith("13 answers carried from aisma-core") for w in result.warnings)


def test_carried_answers_never_lower_a_score(tmp_path: Path, aima_model: Path) -> None:
    ws = _aima_workspace(tmp_path, aima_model, {"PC-1.1": "fully", "SM-1.1": "largely"})
    with_crosswalk = assess_workspace(ws, AT)
    config = yaml.safe_load((ws / "aisma.yaml").read_text())
    del config["crosswalks"]
    (ws / "aisma.yaml").write_text(yaml.safe_dump(config))
    without = assess_workspace(ws, AT)
    before = {c.id: (c.level, c.score, c.coverage) for c in without.categories}
    after = {c.id: (c.level, c.score, c.coverage) for c in with_crosswalk.categories}
    for key, old in before.items():
        assert all((new or 0) >= (was or 0) for new, was in zip(after[key], old, strict=True)), key
    assert sum(c[2] or 0 for c in after.values()) > sum(c[2] or 0 for c in before.values())


def test_the_same_crosswalk_carries_backwards(tmp_path: Path, aima_model: Path) -> None:
    ws = tmp_path / "core-ws"
    assert run(["init", str(ws)]) == 0
    (ws / "crosswalk.yaml").write_text(EXAMPLE.read_text())
    (ws / "aima-answers.yaml").write_text(
        yaml.safe_dump({"answers": {"IM-1.1": "fully", "PC-2.1": "fully", "EA-3.1": "largely", "IM-2.2": "not"}})
    )
    config = yaml.safe_load((ws / "aisma.yaml").read_text())
    config["crosswalks"] = [{"file": "crosswalk.yaml", "answers": "aima-answers.yaml", "model": str(aima_model)}]
    (ws / "aisma.yaml").write_text(yaml.safe_dump(config))
    answers = {a.objective_id: a.answer for a in open_workspace(ws).answers}
    # IRR-1.1 superset IM-1.1 reads IM-1.1 subset IRR-1.1: at most partially;
    # DEV-3.3 subset EA-3.1 reads EA-3.1 superset DEV-3.3: carries whole; "not" on IM-2.2 says nothing.
    assert answers == {"IRR-1.1": "partially", "GOV-1.1": "partially", "DEV-3.3": "largely"}


def test_crosswalk_errors_name_file_and_line(tmp_path: Path, aima_model: Path) -> None:
    ws = _aima_workspace(tmp_path, aima_model, {})
    crosswalk = ws / "crosswalk.yaml"
    crosswalk.write_text(EXAMPLE.read_text().replace("target: PC-1.2,", "target: PC-9.9,"))
    with pytest.raises(
        InputError, match=r"crosswalk.yaml:\d+: mapping target PC-9.9 is not an objective of model owasp-aima"
    ):
        open_workspace(ws)
    crosswalk.write_text(EXAMPLE.read_text().replace("relation: superset", "relation: sameish", 1))
    with pytest.raises(InputError, match=r"crosswalk.yaml:\d+: mapping #1: relation must be one of"):
        open_workspace(ws)
    crosswalk.write_text(EXAMPLE.read_text().replace("source: aisma-core", "source: other-model"))
    with pytest.raises(InputError, match=r"aisma.yaml: crosswalks\[0\].model: no model 'other-model'"):
        open_workspace(ws)
    crosswalk.write_text(EXAMPLE.read_text().replace("target: owasp-aima", "target: owasp-samm"))
    with pytest.raises(
        InputError, match=r"maps aisma-core to owasp-samm; neither is this workspace's model owasp-aima"
    ):
        open_workspace(ws)
