"""Evidence that proves something: a link or a missing file is "cited, unverified" until an assessor accepts it.

On the mini workspace (tests/data/mini): DAT-1.1 cites a file that exists, so it is evidenced; a URL
or a file that does not exist is not, until ``accepted_by``/``accepted_at`` say someone else
checked it. Reports say "cited, unverified"; a workbook import that changes an answer drops the
acceptance.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisma.errors import InputError
from aisma.reports.registry import ReportContext, render
from aisma.scoring.inputs import Answer, EvidenceRef, EvidenceReview
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_opened, assess_workspace

AT = datetime(2026, 11, 16, tzinfo=UTC)
URL = "https://wiki.example/app/prompt-injection-tests"


def answers(ws: Path, app11: str) -> None:
    """Rewrite APP-1.1's entry (attested fully, level 1 of APP) in answers.yaml."""
    path = ws / "answers.yaml"
    text = path.read_text()
    assert "  APP-1.1: fully\n" in text
    path.write_text(text.replace("  APP-1.1: fully\n", app11))


def test_a_link_alone_is_cited_unverified_and_not_evidenced(mini: Path) -> None:
    answers(
        mini, f"  APP-1.1:\n    answer: fully\n    evidence: [{URL}]\n    by: ana@example.com\n    at: 2026-11-01\n"
    )
    result = assess_workspace(mini, AT)
    app11 = result.objective("APP-1.1")
    assert (app11.status, app11.source, app11.evidenced_status) == ("met", "attested", "unknown")
    assert app11.evidence_status == "unverified" and app11.evidence_review is None
    # claimed APP reaches 2 (APP-3.1 is N/A: nothing applicable at 3, so no vacuous 3)
    assert result.category("APP").evidenced_level == 0 and result.category("APP").uncapped_level == 2
    assert result.objective("DAT-1.1").evidence_status == "verified"  # an existing file verifies itself
    assert result.objective("APP-2.1").evidence_status == "none"


def test_a_missing_file_is_cited_unverified(mini: Path) -> None:
    answers(mini, "  APP-1.1:\n    answer: fully\n    evidence: [evidence/not-there.md]\n")
    ws = open_workspace(mini)
    result = assess_opened(ws, AT)
    assert result.objective("APP-1.1").evidence_status == "unverified"
    assert result.objective("APP-1.1").evidenced_status == "unknown"
    assert any("evidence evidence/not-there.md does not exist; not counted" in w for w in ws.warnings)


def test_an_assessors_acceptance_makes_it_evidence(mini: Path) -> None:
    answers(
        mini,
        f"  APP-1.1:\n    answer: fully\n    evidence: [{URL}]\n    by: ana@example.com\n    at: 2026-11-01\n"
        "    accepted_by: lee@example.com\n    accepted_at: 2026-11-03\n",
    )
    result = assess_workspace(mini, AT)
    app11 = result.objective("APP-1.1")
    assert (app11.source, app11.evidenced_status, app11.evidence_status) == (
        "attested_with_evidence",
        "met",
        "accepted",
    )
    assert app11.evidence_review == {"decision": "accepted", "by": "lee@example.com", "at": "2026-11-03", "note": ""}
    assert app11.to_dict()["evidence_review"]["by"] == "lee@example.com"
    assert result.category("APP").evidenced_level >= 1


@pytest.mark.parametrize(
    ("review", "warning"),
    [
        (
            "    accepted_by: lee@example.com\n    accepted_at: 2026-10-30\n",
            "APP-1.1: evidence accepted on 2026-10-30, before the answer of 2026-11-01; the acceptance is not counted",
        ),
        (
            "    accepted_by: ana@example.com\n    accepted_at: 2026-11-03\n",
            "APP-1.1: evidence accepted by ana@example.com, who gave the answer; someone else must accept it",
        ),
    ],
)
def test_an_acceptance_that_proves_nothing_is_not_counted(mini: Path, review: str, warning: str) -> None:
    answers(
        mini,
        f"  APP-1.1:\n    answer: fully\n    evidence: [{URL}]\n    by: ana@example.com\n    at: 2026-11-01\n{review}",
    )
    ws = open_workspace(mini)
    assert any(warning in w for w in ws.warnings), ws.warnings
    assert assess_opened(ws, AT).objective("APP-1.1").evidence_status == "unverified"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            f"  APP-1.1:\n    answer: fully\n    evidence: [{URL}]\n    accepted_by: lee@example.com\n",
            "answers.yaml:9: APP-1.1: accepted_by needs accepted_at (who accepted the evidence, and when)",
        ),
        (
            f"  APP-1.1:\n    answer: fully\n    evidence: [{URL}]\n    accepted_at: 2026-11-03\n",
            "answers.yaml:9: APP-1.1: accepted_at needs accepted_by (who accepted the evidence, and when)",
        ),
        (
            "  APP-1.1:\n    answer: fully\n    accepted_by: lee@example.com\n    accepted_at: 2026-11-03\n",
            "answers.yaml:6: APP-1.1: accepted_by is set but the answer cites no evidence to accept",
        ),
    ],
)
def test_half_an_acceptance_is_an_error_naming_the_line(mini: Path, entry: str, message: str) -> None:
    answers(mini, entry)
    with pytest.raises(InputError) as info:
        open_workspace(mini)
    assert str(info.value).endswith(message), str(info.value)


def test_reports_say_cited_unverified(mini: Path) -> None:
    answers(mini, f"  APP-1.1:\n    answer: fully\n    evidence: [{URL}]\n")
    ws = open_workspace(mini)
    result = assess_opened(ws, AT)
    context = ReportContext(model=ws.model, inventory=ws.inventory, answers=ws.answers, root=ws.root)
    markdown = render(result, "md", context)
    assert isinstance(markdown, str)
    row = next(line for line in markdown.splitlines() if line.startswith("| APP-1.1 "))
    assert "| Attested, cited, unverified |" in row
    page = render(result, "html", context)
    assert isinstance(page, str)
    assert '<div class="src unverified">Attested, cited, unverified' in page
    assert f"<code>{URL}</code> (cited, unverified)" in page


def test_a_workbook_import_that_changes_the_answer_drops_the_acceptance(mini: Path, tmp_path: Path) -> None:
    import openpyxl

    from aisma.workbook.merge import import_workbook

    answers(
        mini,
        f"  APP-1.1:\n    answer: fully\n    evidence: [{URL}]\n    by: ana@example.com\n    at: 2026-11-01\n"
        "    accepted_by: lee@example.com\n    accepted_at: 2026-11-03\n",
    )
    ws = open_workspace(mini)
    context = ReportContext(model=ws.model, inventory=ws.inventory, answers=ws.answers)
    book = tmp_path / "wb.xlsx"
    data = render(assess_opened(ws, AT), "xlsx", context)
    assert isinstance(data, bytes)
    book.write_bytes(data)
    wb = openpyxl.load_workbook(book)
    sheet = wb["objectives"]
    row = next(c.row for c in sheet["A"] if c.value == "APP-1.1")
    sheet.cell(row=row, column=9).value = "https://wiki.example/another-page"
    wb.save(book)
    import_workbook(book, mini, date(2026, 11, 20))
    text = (mini / "answers.yaml").read_text()
    assert "another-page" in text and "accepted_by" not in text and "accepted_at" not in text
    assert assess_workspace(mini, AT).objective("APP-1.1").evidence_status == "unverified"


ref = st.builds(EvidenceRef, ref=st.sampled_from(["evidence/a.md", URL]), exists=st.sampled_from([True, False, None]))


@given(
    evidence=st.lists(ref, max_size=3).map(tuple),
    review=st.none() | st.sampled_from(["accepted", "rejected"]),
)
def test_only_a_file_on_hand_or_an_acceptance_is_evidence(
    evidence: tuple[EvidenceRef, ...], review: str | None
) -> None:
    reviewed = EvidenceReview(decision=review, by="lee") if review else None  # type: ignore[arg-type]
    answer = Answer(objective_id="APP-1.1", answer="fully", evidence=evidence, review=reviewed)
    expected = bool(evidence) and (review == "accepted" or (review is None and any(e.exists for e in evidence)))
    assert answer.has_evidence is expected
    # dropping a cited item never turns an unevidenced answer into an evidenced one
    for index in range(len(evidence)):
        fewer = dataclasses.replace(answer, evidence=evidence[:index] + evidence[index + 1 :])
        assert not (fewer.has_evidence and not answer.has_evidence)
