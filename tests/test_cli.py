"""The command line: exit codes, one-line errors on stderr, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aisma.cli.main import run

AT = "2026-11-16"


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_assess_json_to_stdout(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "assess", str(mini), "--at", AT)
    assert code == 0, err
    result = json.loads(out)
    assert result["schema"] == "aisma.result/v1"
    assert result["organization"] == "Mini Corp"
    assert {c["id"] for c in result["categories"]} == {"DAT", "APP", "AGT"}


def test_assess_writes_each_format(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt, marker in (("json", '"schema"'), ("md", "# AI security maturity"), ("html", "<svg")):
        out = tmp_path / f"report.{fmt}"
        code, _, err = call(capsys, "assess", str(mini), "--format", fmt, "--out", str(out), "--at", AT)
        assert code == 0, err
        assert marker in out.read_text()
        assert f"Wrote {out}" in err


def test_bad_workspace_is_one_line_exit_1(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (mini / "answers.yaml").write_text("answers:\n  APP-1.1: mostly\n")
    code, out, err = call(capsys, "assess", str(mini), "--at", AT)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("aisma: error: ") and "answers.yaml:2: APP-1.1: answer 'mostly' must be one of" in err


def test_missing_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "assess", str(tmp_path / "nope"))
    assert code == 1
    assert (
        err
        == f"aisma: error: {tmp_path / 'nope'}: no such workspace folder (create one with: aisma init {tmp_path / 'nope'})\n"
    )


def test_bad_at_option(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "assess", str(mini), "--at", "yesterday")
    assert code == 1 and "--at 'yesterday': expected an ISO date" in err


def test_unknown_format_is_a_usage_error(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "assess", str(mini), "--format", "docx")
    assert code == 2
    assert "Traceback" not in err


def test_init_then_assess_empty_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = tmp_path / "ws"
    code, out, err = call(capsys, "init", str(ws), "--organization", "Acme")
    assert code == 0, err
    assert (ws / "aisma.yaml").is_file() and (ws / "evidence").is_dir()
    code, out, err = call(capsys, "assess", str(ws), "--at", AT)
    assert code == 0, err
    result = json.loads(out)
    assert result["organization"] == "Acme"
    assert result["overall"]["level"] == 0
    code, _, err = call(capsys, "init", str(ws))
    assert code == 1 and "already a workspace" in err


@pytest.mark.parametrize("name", ['Acme "AI" Labs', "O'Neil & Sons: R&D #2", "Back\\slash Ltd", "Zürich Bank"])
def test_init_keeps_the_organization_name_as_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    ws = tmp_path / "ws"
    code, _, err = call(capsys, "init", str(ws), "--organization", name)
    assert code == 0, err
    code, out, err = call(capsys, "assess", str(ws), "--at", AT)
    assert code == 0, err
    assert json.loads(out)["organization"] == name


def test_model_validate_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    model = Path(__file__).parent / "data" / "mini" / "model.yaml"
    code, out, _ = call(capsys, "model", "validate", str(model))
    assert code == 0 and "valid model mini 0.1 (3 categories, 7 objectives)" in out
    code, out, _ = call(capsys, "model", "schema")
    schema = json.loads(out)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) >= {"id", "version", "title", "levels", "domains"}


def test_model_validate_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\ntitle: t\nlevels: []\ndomains: []\n")
    code, _, err = call(capsys, "model", "validate", str(bad))
    assert code == 1
    assert err == f"aisma: error: {bad}:4: levels must have at least 1 item(s)\n"


def test_quickcheck_scripted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "quickcheck", "--answers", "yes,no,yes,yes,no")
    assert code == 0
    assert "3 of 5 yes: maturity level 2." in out
    assert "aisma init" in out
    code, out, _ = call(capsys, "quickcheck", "--answers", "yes,yes,yes,yes,yes")
    assert "maturity level 3-4" in out
    code, out, _ = call(capsys, "quickcheck", "--answers", "no,no,no,no,no")
    assert "maturity level 0-1" in out
    code, _, err = call(capsys, "quickcheck", "--answers", "yes,no")
    assert code == 1 and "expected 5 comma-separated yes/no values, got 2" in err


@pytest.mark.slow
def test_console_script_has_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, run as a user would, on a broken YAML file."""
    bad = tmp_path / "m.yaml"
    bad.write_text("id: [unclosed\n")
    exe = Path(sys.executable).parent / "aisma"
    proc = subprocess.run(
        [str(exe), "model", "validate", str(bad)], capture_output=True, text=True, env={**os.environ, "AISMA_DEBUG": ""}
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"aisma: error: {bad}:2: invalid YAML")


@pytest.mark.slow
def test_quickcheck_interactive() -> None:
    exe = Path(sys.executable).parent / "aisma"
    proc = subprocess.run([str(exe), "quickcheck"], input="y\ny\nn\ny\ny\n", capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "1. Do you have a complete inventory" in proc.stdout
    assert "4 of 5 yes: maturity level 3-4." in proc.stdout
