"""Inventory importers (CSV, CycloneDX ML-BOM, MCP client configs) on real sample files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aisma.cli.main import run
from aisma.collectors.cyclonedx import importer as cyclonedx
from aisma.collectors.cyclonedx.importer import MODEL_CARD_SECTIONS, analyse_bom, read_bom
from aisma.collectors.mcp_config.importer import parse_mcp_config, strip_jsonc
from aisma.errors import AismaError, InputError
from aisma.inventory.edit import InventoryDocument
from aisma.inventory.importers import csv_import
from aisma.inventory.importers.csv_import import CsvRowsError, columns, import_csv
from aisma.inventory.schema import AISystem

DATA = Path(__file__).parent / "data"
BOMS = DATA / "cyclonedx"
MCP = DATA / "mcp"
DOCS = Path(__file__).parent.parent / "docs" / "workspace.md"
FULL_BOM = BOMS / "valid-machine-learning-1.6.json"
ENV_BOM = BOMS / "valid-machine-learning-considerations-env-1.6.json"


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def ws(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    directory = tmp_path / "ws"
    assert run(["init", str(directory)]) == 0
    capsys.readouterr()
    return directory


def systems(directory: Path) -> dict[str, AISystem]:
    inventory = InventoryDocument.open(directory / "inventory.yaml").validated()
    return {s.id: s for s in inventory.systems}


def add_systems(directory: Path, *entries: dict[str, object]) -> None:
    document = InventoryDocument.open(directory / "inventory.yaml")
    for entry in entries:
        document.upsert({"name": str(entry["id"]).title(), "track": "build", "deployment_type": "paas", **entry})
    document.save()


def one_line_error(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("aisma: error: "), err
    assert "Traceback" not in err
    return err


# --- CSV ---------------------------------------------------------------------------------------

HEADER = (
    "id,name,track,deployment_type,owner,agentic,mcp_servers,match,approved_at,"
    "autonomy_test.chooses_actions,autonomy_test.side_effects,risk_factors.personal_data,eu_ai_act.role\n"
)


def write_csv(tmp_path: Path, text: str, name: str = "systems.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_happy_path_adds_then_updates(ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "systems.csv"
    path.write_text(  # spreadsheet programs write a byte-order mark
        HEADER
        + "fraud-agent,Fraud triage agent,build,paas,jane@bank.example,,github; jira,arn:aws:bedrock:*:agent/FRAUD*,"
        "2026-03-02,yes,TRUE,yes,deployer\n"
        "copilot,M365 Copilot,copilot,api_saas,,no,,,,,,,\n"
        ",,,,,,,,,,,,\n",
        encoding="utf-8-sig",
    )
    code, out, err = call(capsys, "inventory", "import-csv", str(path), str(ws))
    assert code == 0, err
    assert out.splitlines()[0] == f"{ws / 'inventory.yaml'}: 2 added, 0 updated, 0 unchanged"
    found = systems(ws)
    fraud = found["fraud-agent"]
    assert fraud.mcp_servers == ("github", "jira")
    assert fraud.match == ("arn:aws:bedrock:*:agent/FRAUD*",)
    assert fraud.approved_at is not None and fraud.approved_at.isoformat() == "2026-03-02"
    assert fraud.autonomy_test.chooses_actions is True and fraud.autonomy_test.side_effects is True
    assert fraud.autonomy_test.own_identity is None
    assert fraud.risk_factors.personal_data is True
    assert fraud.eu_ai_act.role == "deployer"
    assert fraud.is_agentic
    assert found["copilot"].agentic is False and found["copilot"].owner is None
    text = (ws / "inventory.yaml").read_text()
    assert "approved_at: 2026-03-02\n" in text  # a date, not a quoted string
    assert text.startswith("# AI systems")  # the file's comment is kept

    update = write_csv(
        tmp_path,
        "id,owner,autonomy_test.own_identity,name\nfraud-agent,risk@bank.example,no,\ncopilot,,,M365 Copilot\n",
        "update.csv",
    )
    code, out, err = call(capsys, "inventory", "import-csv", str(update), str(ws))
    assert code == 0, err
    assert out.splitlines() == [f"{ws / 'inventory.yaml'}: 0 added, 1 updated, 1 unchanged", "  updated: fraud-agent"]
    fraud = systems(ws)["fraud-agent"]
    assert fraud.owner == "risk@bank.example"
    assert fraud.name == "Fraud triage agent"  # empty cell: unchanged
    assert fraud.autonomy_test.chooses_actions is True and fraud.autonomy_test.own_identity is False


def test_csv_three_bad_rows_are_all_reported_and_nothing_is_written(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_systems(ws, {"id": "existing"})
    before = (ws / "inventory.yaml").read_bytes()
    path = write_csv(
        tmp_path,
        "id,name,track,deployment_type,agentic,description\n"
        "good-one,Good,build,paas,,\n"  # line 2
        "bad-track,Bad track,spaceship,paas,,\n"  # line 3
        'good-two,Good two,build,paas,,"two\nlines"\n'  # lines 4-5
        "bad-bool,Bad bool,build,paas,maybe,\n"  # line 6
        "existing,,,,,fine\n"  # line 7: an update of a known system is valid
        ",No id,build,paas,,\n",  # line 8
    )
    with pytest.raises(CsvRowsError) as caught:
        import_csv(path, ws)
    assert caught.value.problems == (
        f"{path}:3: system bad-track: track must be one of build, platform, copilot or coding_tool",
        f"{path}:6: system bad-bool: agentic must be yes, no, true or false (got 'maybe')",
        f"{path}:8: system (no id): id is required",
    )
    code, out, err = call(capsys, "inventory", "import-csv", str(path), str(ws))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"aisma: error: {path}: 3 of 6 rows are invalid; nothing was imported"
    assert lines[1:] == list(caught.value.problems)
    assert (ws / "inventory.yaml").read_bytes() == before


def test_csv_autonomy_tier_is_validated(ws: Path, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "id,name,track,deployment_type,agentic,autonomy_tier\n"
        "agent,Agent,build,paas,yes,supervised\n"
        "typo,Typo,build,paas,yes,tier-2\n"
        "bot,Bot,build,paas,no,managed\n",
    )
    with pytest.raises(CsvRowsError) as caught:
        import_csv(path, ws)
    assert caught.value.problems == (
        f"{path}:3: system typo: autonomy_tier must be one of supervised, managed or autonomous",
        f"{path}:4: system bot: autonomy_tier applies only to agentic systems; this one is not agentic "
        "(set agentic: true, or answer its Autonomy Test)",
    )
    path.write_text("id,name,track,deployment_type,agentic,autonomy_tier\nagent,Agent,build,paas,yes,supervised\n")
    import_csv(path, ws)
    assert systems(ws)["agent"].autonomy_tier == "supervised"


def test_csv_unknown_column_is_named(ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path, "id,name,track,deployment_type,ownr\na,A,build,paas,x\n")
    code, _, err = call(capsys, "inventory", "import-csv", str(path), str(ws))
    assert code == 1
    assert one_line_error(err) == f"aisma: error: {path}:1: unknown column 'ownr' (did you mean 'owner'?)\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", ":1: is empty; expected a header row of column names"),
        ("name,track\nA,build\n", ":1: has no id column; every row needs the system id"),
        ("id,name,id\n", ":1: column 'id' appears twice"),
        ("id;name;track\n", ":1: the header is one column with ';' in it; columns must be separated by commas"),
        (
            "id,autonomy_test\n",
            ":1: unknown column 'autonomy_test' (use dotted columns such as 'autonomy_test.chooses_actions')",
        ),
    ],
)
def test_csv_bad_header(ws: Path, tmp_path: Path, text: str, message: str) -> None:
    path = write_csv(tmp_path, text)
    with pytest.raises(InputError) as caught:
        import_csv(path, ws)
    assert str(caught.value) == f"{path}{message}"


def test_csv_duplicate_ids_and_extra_cells(ws: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "id,name,track,deployment_type\na,A,build,paas\na,A2,build,paas\nb,B,build,paas,x\n")
    with pytest.raises(CsvRowsError) as caught:
        import_csv(path, ws)
    assert caught.value.problems == (
        f"{path}:3: system a: id is already used on line 2",
        f"{path}:4: system b: has 5 cells but the header has 4 columns",
    )


def test_csv_refuses_large_files_and_non_utf8(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, "id,name,track,deployment_type\n" + "x,X,build,paas\n" * 10)
    monkeypatch.setattr(csv_import, "MAX_CSV_BYTES", 100)
    code, _, err = call(capsys, "inventory", "import-csv", str(path), str(ws))
    assert code == 1 and f"{path}: file is {path.stat().st_size} bytes; at most" in one_line_error(err)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name\ncaf\xe9,x\n".encode("latin-1"))
    code, _, err = call(capsys, "inventory", "import-csv", str(latin), str(ws))
    assert code == 1 and one_line_error(err) == f"aisma: error: {latin}:2: is not UTF-8 text\n"


def test_csv_missing_file_and_workspace(ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "inventory", "import-csv", str(tmp_path / "none.csv"), str(ws))
    assert code == 1 and one_line_error(err) == f"aisma: error: {tmp_path / 'none.csv'}: no such file\n"
    path = write_csv(tmp_path, "id\n")
    code, _, err = call(capsys, "inventory", "import-csv", str(path), str(tmp_path / "nope"))
    assert code == 1 and "no such workspace folder" in one_line_error(err)


def test_every_csv_column_is_documented() -> None:
    text = DOCS.read_text()
    section = text[text.index("## Importing") :]
    section = section[: section.index("\n## ", 1)]
    for column in columns():
        assert f"`{column.name}`" in section, column.name
    assert {c.field for c in columns()} == set(AISystem.model_fields)


# --- CycloneDX ML-BOM ----------------------------------------------------------------------------


def test_bom_full_model_card_is_complete() -> None:
    report = read_bom(FULL_BOM)
    assert report.spec_version == "1.6"
    assert report.serial_number == "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
    (model,) = report.models
    assert (model.name, model.group, model.version, model.bom_ref, model.purl) == (
        "stable-diffusion",
        "CompVis",
        "1.4",
        "component-a",
        None,
    )
    # the fixture's modelCard fills all 13 expected sections (graphics, performanceTradeoffs and
    # properties are extras and do not count)
    assert model.model_card is True
    assert model.filled == MODEL_CARD_SECTIONS and model.missing == ()
    assert len(MODEL_CARD_SECTIONS) == 13
    assert model.completeness == 1.0
    assert report.mean_completeness == 1.0


def test_bom_card_with_only_environmental_considerations_scores_zero() -> None:
    report = read_bom(ENV_BOM)
    (model,) = report.models
    assert (model.name, model.group, model.bom_ref) == (
        "Llama-2-7b",
        "meta-llama",
        "huggingface.co-meta-llama-Llama-2-7b",
    )
    # the card exists but holds only considerations.environmentalConsiderations, which is not expected
    assert model.model_card is True
    assert model.filled == ()
    assert model.completeness == 0.0
    assert report.mean_completeness == 0.0
    assert model.identifiers == ("Llama-2-7b", "meta-llama/Llama-2-7b", "huggingface.co-meta-llama-Llama-2-7b")


def test_bom_partial_card_nested_components_and_mean() -> None:
    data = json.loads(FULL_BOM.read_text())
    card = data["components"][0]["modelCard"]
    del card["considerations"]  # 5 sections
    card["quantitativeAnalysis"]["performanceMetrics"] = []  # empty counts as missing
    card["modelParameters"]["task"] = "  "
    data["components"][0]["components"] = [{"type": "machine-learning-model", "name": "no-card", "bom-ref": "n"}]
    data["metadata"] = {"component": {"type": "application", "name": "app", "components": [{"type": "library"}]}}
    report = analyse_bom(data, Path("x.json"))
    partial, nested = report.models
    assert partial.completeness == 6 / 13
    assert partial.missing[0] == "modelParameters.task"
    assert (nested.name, nested.model_card, nested.completeness) == ("no-card", False, 0.0)
    assert nested.location == "components[0].components[0]"
    assert report.mean_completeness == pytest.approx((6 / 13 + 0) / 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"spdxVersion": "SPDX-2.3"}', "not a CycloneDX BOM (no bomFormat)"),
        ('{"bomFormat": "SPDX", "specVersion": "1.6"}', "not a CycloneDX BOM (bomFormat is 'SPDX')"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.3"}', "CycloneDX specVersion '1.3' is not supported"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": {}}', "components must be a list"),
        ("[1, 2]", "not a CycloneDX BOM (no bomFormat)"),
    ],
)
def test_bom_that_is_not_cyclonedx(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bom.json"
    path.write_text(content)
    code, out, err = call(capsys, "inventory", "import-bom", str(path), str(ws))
    assert code == 1 and out == ""
    assert one_line_error(err).startswith(f"aisma: error: {path}: {message}")


def test_bom_truncated_json_names_the_line(ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = FULL_BOM.read_text()
    path = tmp_path / "truncated.json"
    path.write_text(text[: len(text) // 2])
    code, _, err = call(capsys, "inventory", "import-bom", str(path), str(ws))
    assert code == 1
    match = re.fullmatch(rf"aisma: error: {re.escape(str(path))}:(\d+): invalid JSON: .+\n", one_line_error(err))
    assert match and int(match.group(1)) > 1


def test_bom_size_limit(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cyclonedx, "MAX_BOM_BYTES", 1000)
    code, _, err = call(capsys, "inventory", "import-bom", str(FULL_BOM), str(ws))
    assert code == 1 and "file is 99170 bytes" in one_line_error(err)


def test_bom_with_system_is_copied_into_the_workspace(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_systems(ws, {"id": "image-gen"})
    code, out, err = call(capsys, "inventory", "import-bom", str(FULL_BOM), str(ws), "--system", "image-gen")
    assert code == 0, err
    copy = ws / "evidence" / "aibom" / FULL_BOM.name
    assert copy.read_bytes() == FULL_BOM.read_bytes()
    assert systems(ws)["image-gen"].aibom == f"evidence/aibom/{FULL_BOM.name}"
    assert "mean model card completeness 100%" in out
    assert "stable-diffusion 1.4  [component-a]  model card 13/13 sections (100%)  -> image-gen" in out
    # a BOM already inside the workspace is referenced where it is
    code, out, err = call(capsys, "inventory", "import-bom", str(copy), str(ws), "--system", "image-gen")
    assert code == 0, err
    assert "System image-gen: aibom evidence/aibom/valid-machine-learning-1.6.json (unchanged)" in out
    code, _, err = call(capsys, "inventory", "import-bom", str(FULL_BOM), str(ws), "--system", "nope")
    assert code == 1 and "no system 'nope'" in one_line_error(err)


def test_bom_copy_never_overwrites_other_evidence(ws: Path, tmp_path: Path) -> None:
    add_systems(ws, {"id": "one"}, {"id": "two"})
    first, second = tmp_path / "a" / "bom.json", tmp_path / "b" / "bom.json"
    for path, source in ((first, FULL_BOM), (second, ENV_BOM)):
        path.parent.mkdir()
        path.write_bytes(source.read_bytes())
    assert cyclonedx.import_bom(first, ws, "one").aibom == "evidence/aibom/bom.json"
    result = cyclonedx.import_bom(second, ws, "two")
    assert result.aibom is not None and re.fullmatch(r"evidence/aibom/bom-[0-9a-f]{12}\.json", result.aibom)
    assert (ws / "evidence" / "aibom" / "bom.json").read_bytes() == FULL_BOM.read_bytes()
    assert (ws / result.aibom).read_bytes() == ENV_BOM.read_bytes()
    assert systems(ws)["one"].aibom == "evidence/aibom/bom.json" and systems(ws)["two"].aibom == result.aibom


def test_bom_deeply_nested_components() -> None:
    model: dict[str, object] = {"type": "machine-learning-model", "name": "deep"}
    for _ in range(300):
        model = {"type": "application", "name": "wrapper", "components": [model]}
    data = {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [model]}
    (found,) = analyse_bom(data, Path("deep.json")).models
    assert found.name == "deep" and found.location.count(".components[0]") == 300


def test_bom_attaches_by_match_patterns_and_lists_unassigned(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_systems(ws, {"id": "chat", "match": ["meta-llama/*"]}, {"id": "other", "match": ["gpt-*"]})
    code, out, err = call(capsys, "inventory", "import-bom", str(ENV_BOM), str(ws))
    assert code == 0, err
    assert systems(ws)["chat"].aibom == f"evidence/aibom/{ENV_BOM.name}"
    assert systems(ws)["other"].aibom is None
    assert "-> chat" in out and "missing: modelParameters.approach" in out
    code, out, err = call(capsys, "inventory", "import-bom", str(FULL_BOM), str(ws))
    assert code == 0, err
    assert "-> unassigned" in out and "1 unassigned" in out
    assert not (ws / "evidence" / "aibom" / FULL_BOM.name).exists()  # nothing to attach, nothing copied


# --- MCP client configurations -------------------------------------------------------------------

SERVER_COUNTS = {
    "all_config.json": 2,
    "math_config.json": 1,
    "multiple_transport.json": 2,
    "sbb_config.json": 1,
    "weather_config.json": 1,
    "vs_code_settings_file_with_empty_mcp.json": 0,
    "vs_code_settings_file_without_mcp.json": 0,
}


def test_every_mcp_fixture_is_counted() -> None:
    assert {p.name for p in MCP.glob("*.json")} == set(SERVER_COUNTS)


@pytest.mark.parametrize(("name", "count"), sorted(SERVER_COUNTS.items()))
def test_mcp_fixture_server_count(name: str, count: int) -> None:
    config = parse_mcp_config(MCP / name)
    assert len(config.servers) == count
    assert config.file == str(MCP / name)


def test_mcp_servers_details() -> None:
    config = parse_mcp_config(MCP / "all_config.json")
    assert config.layout == "mcpServers"
    weather, math = config.servers
    assert (weather.name, weather.transport, weather.command, weather.args) == (
        "Weather",
        "stdio",
        "uv run python",
        ("tests/mcp_servers/weather_server.py",),
    )
    assert math.target == "uv run python tests/mcp_servers/math_server.py"
    remote = parse_mcp_config(MCP / "multiple_transport.json")
    assert (remote.layout, remote.client) == ("mcp.servers", "vscode")
    assert [(s.name, s.transport, s.url, s.command) for s in remote.servers] == [
        ("http_server", "http", "http://localhost:8124/mcp", None),
        ("sse_server", "sse", "http://localhost:8123/sse", None),
    ]
    assert parse_mcp_config(MCP / "vs_code_settings_file_with_empty_mcp.json").layout is None


def test_mcp_other_layouts_and_clients(tmp_path: Path) -> None:
    vscode = tmp_path / ".vscode" / "mcp.json"
    vscode.parent.mkdir()
    vscode.write_text('{"servers": {"gh": {"type": "http", "url": "https://api.example/mcp/"}}, "inputs": []}')
    config = parse_mcp_config(vscode)
    assert (config.client, config.layout, config.servers[0].transport) == ("vscode", "servers", "http")
    windsurf = tmp_path / "mcp_config.json"
    windsurf.write_text(
        '{"mcpServers": {"remote": {"serverUrl": "https://x.example/sse", "headers": {"Authorization": "Bearer s3cret"}},'
        ' "local": {"command": "npx", "args": ["-y", "pkg"], "env": {"TOKEN": "s3cret"}, "disabled": true}}}'
    )
    remote, local = parse_mcp_config(windsurf).servers
    assert (remote.transport, remote.url, remote.header_keys) == ("sse", "https://x.example/sse", ("Authorization",))
    assert (local.env_keys, local.disabled) == (("TOKEN",), True)
    assert "s3cret" not in repr(parse_mcp_config(windsurf))  # secret values are not kept
    flat = tmp_path / "settings.json"
    flat.write_text('{"mcp.servers": {"a": {"command": "a"}}, "servers": ["not", "mcp"]}')
    assert [s.name for s in parse_mcp_config(flat).servers] == ["a"]
    listed = tmp_path / "list.json"
    listed.write_text('{"servers": ["not", "mcp"]}')
    assert parse_mcp_config(listed).servers == ()


def test_vscode_settings_with_comments_and_trailing_commas(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        "{\n"
        "  // editor settings\n"
        '  "editor.fontSize": 14, /* block\n   comment */\n'
        '  "mcp": {"servers": {"docs": {"url": "https://docs.example//path/* not a comment */", }, }, },\n'
        "}\n"
    )
    (server,) = parse_mcp_config(path).servers
    assert server.url == "https://docs.example//path/* not a comment */"
    assert strip_jsonc('{"a": "//x"} // c').rstrip() == '{"a": "//x"}'
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  // comment\n  "mcp": {"servers": {\n    "x": {"command": }\n  }}\n}\n')
    with pytest.raises(InputError) as caught:
        parse_mcp_config(bad)
    assert caught.value.line == 4  # comments are blanked, not removed, so lines stay right


def test_mcp_truncated_json_is_one_line_error(ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "claude_desktop_config.json"
    path.write_text((MCP / "all_config.json").read_text()[:120])
    code, out, err = call(capsys, "inventory", "import-mcp", str(MCP / "math_config.json"), str(path), str(ws))
    assert code == 1 and out == ""
    assert re.fullmatch(rf"aisma: error: {re.escape(str(path))}:\d+: invalid JSON: .+\n", one_line_error(err))
    assert "Math" not in (ws / "inventory.yaml").read_text()  # nothing written
    bad = tmp_path / "servers.json"
    bad.write_text('{"mcpServers": ["a"]}')
    with pytest.raises(AismaError, match="mcpServers must be an object"):
        parse_mcp_config(bad)


def test_mcp_import_with_system_adds_names_once(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_systems(ws, {"id": "assistant", "mcp_servers": ["Math"]})
    files = [str(MCP / name) for name in sorted(SERVER_COUNTS)]
    code, out, err = call(capsys, "inventory", "import-mcp", *files, str(ws), "--system", "assistant")
    assert code == 0, err
    assert systems(ws)["assistant"].mcp_servers == ("Math", "Weather", "http_server", "sse_server", "SBB")
    assert f"{MCP / 'multiple_transport.json'}: vscode, 2 MCP servers" in out
    assert "  sse_server  sse  http://localhost:8123/sse  -> assistant" in out
    assert "System assistant: mcp_servers updated" in out
    before = (ws / "inventory.yaml").read_bytes()
    code, out, err = call(capsys, "inventory", "import-mcp", *files, str(ws), "--system", "assistant")
    assert code == 0, err
    assert (ws / "inventory.yaml").read_bytes() == before


def test_mcp_import_by_listing_and_match_patterns(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_systems(
        ws,
        {"id": "calc", "mcp_servers": ["math"]},
        {"id": "forecaster", "match": ["weather*"]},
    )
    code, out, err = call(
        capsys, "inventory", "import-mcp", str(MCP / "all_config.json"), str(MCP / "sbb_config.json"), str(ws)
    )
    assert code == 0, err
    found = systems(ws)
    assert found["calc"].mcp_servers == ("math",)  # already listed (names compare case-insensitively)
    assert found["forecaster"].mcp_servers == ("Weather",)
    assert "  Math  stdio  uv run python tests/mcp_servers/math_server.py  -> calc" in out
    assert "  SBB  stdio  uv run python tests/mcp_servers/full_feature_server.py  -> unassigned" in out
    assert out.splitlines()[-1].startswith("Unassigned: SBB ")


def test_mcp_import_of_files_without_servers(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (ws / "inventory.yaml").read_bytes()
    code, out, err = call(
        capsys, "inventory", "import-mcp", str(MCP / "vs_code_settings_file_without_mcp.json"), str(ws)
    )
    assert code == 0, err
    assert "0 MCP servers" in out
    assert (ws / "inventory.yaml").read_bytes() == before
