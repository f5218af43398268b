"""`cdp-gap`: validate, template and report, as a national point of contact runs them."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from pipelines.cli import main
from tests.support import CAPABILITIES, INVENTORY_COLUMNS, inv, line, scenario

OFFER_COLUMNS = [
    "scenario_id",
    "member_state",
    "capability_code",
    "quantity",
    "available_in_days",
    "caveats",
]


def run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def data(data_dir):
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", "BS.SURV.UAS", 2, 10)]))
    return data_dir


def test_help_names_every_command(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for command in ("validate", "template", "refresh", "report"):
        assert command in out


def test_a_good_inventory_validates_clean(capsys, data):
    path = data.inventory("FI", [inv("FI", "BS.SURV.UAS", 3, 5), inv("FI", "DS.CYBER.RRT", 2, 1)])
    code, out = run(capsys, "validate", path, "--data-dir", data.root)
    assert code == 0, out
    assert "inventory, 2 rows read, 2 accepted, 0 rejected" in out
    assert "No problems in 1 file." in out


def test_a_bad_inventory_lists_every_problem_and_fails(capsys, data):
    path = data.inventory(
        "FI",
        [
            inv("FI", "BS.SURV.UAS", 3, 5),
            inv("FI", "BS.SURV.UAS", 3, "2 weeks"),
            inv("UK", "BS.NOPE", 1, 5),
        ],
    )
    code, out = run(capsys, "validate", path, "--data-dir", data.root)
    assert code == 1
    lines = out.splitlines()
    header = next(text for text in lines if text.startswith("file"))
    assert header.split() == ["file", "sheet", "row", "column", "value", "reason"]
    problems = [text for text in lines if text.startswith("inbox/inventory/FI.csv")]
    assert len(problems) == 3
    assert any(
        "3" in p.split()
        and "readiness_days" in p
        and "2 weeks" in p
        and "whole number of days between 0 and 365" in p
        for p in problems
    )
    assert any("'UK' is not an EU member state" in p for p in problems)
    assert any("'BS.NOPE' is not in the capability taxonomy" in p for p in problems)
    assert "3 problems." in out


def test_an_unreadable_file_is_one_file_level_problem(capsys, data):
    path = data.root / "inbox" / "inventory" / "FI.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 password protected")
    code, out = run(capsys, "validate", path, "--data-dir", data.root)
    assert code == 1
    assert "the file cannot be used" in out and "encrypted (password-protected)" in out


@pytest.mark.parametrize("kind", ["inventory", "offers"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_header_without_data_rows_says_nothing_would_be_loaded(capsys, data, kind, fmt):
    header = INVENTORY_COLUMNS if kind == "inventory" else OFFER_COLUMNS
    relative = f"inbox/{kind}/{kind}_FI.{fmt}"
    if fmt == "csv":
        path = data.write_csv(relative, header, [])
        where = "the file"
    else:
        path = data.write_xlsx(relative, kind, header, [])
        where = f"the sheet '{kind}'"
    code, out = run(capsys, "validate", path, "--data-dir", data.root)
    assert code == 1, out
    said = f"{where} has a header but no data rows; nothing would be loaded"
    assert f"{path}: {kind}, the file cannot be used: {said}" in out
    assert any(text.startswith(relative) and text.endswith(said) for text in out.splitlines())
    assert "1 problem." in out and "No problems" not in out


def test_scenarios_and_cases_are_checked_whole(capsys, data, tmp_path):
    good = data.scenario("se", scenario("SE-A", "SE", [line("L1", "BS.SURV.UAS", 1, 10)]))
    bad = tmp_path / "draft.yaml"
    bad.write_text(
        "id: SE-B\nname: Draft\ninvoking_state: SE\nrequirements:\n"
        "  - {id: L1, role: border_security, capability: BS.SURV.UAS, quantity: 1,"
        " max_readiness_days: 10, rotaton: 2, criticality: essential}\n"
    )
    reused = tmp_path / "copy.yaml"
    reused.write_text(good.read_text().replace("name: Test scenario SE-A", "name: Copy"))
    case = data.case("baltic", {"id": "CASE-A", "name": "Both", "scenarios": ["FI-A", "SE-A"]})

    code, out = run(capsys, "validate", good, case, "--data-dir", data.root)
    assert code == 0, out
    assert "scenario, accepted" in out and "case, accepted" in out

    code, out = run(capsys, "validate", bad, "--data-dir", data.root)
    assert code == 1 and "draft.yaml: scenario, rejected whole" in out
    assert "unknown key 'rotaton' (did you mean 'rotation'?)" in out

    # Whichever of two files with one id comes second in name order is not used.
    code, out = run(capsys, "validate", reused, "--data-dir", data.root)
    assert code == 1
    assert "scenario id 'SE-A' is already used by copy.yaml" in out
    assert any(text.startswith("scenarios/se.yaml") for text in out.splitlines())


def test_offers_are_checked_against_the_scenarios_of_the_data_folder(capsys, data, tmp_path):
    path = data.write_csv(
        "inbox/offers/offers.csv",
        OFFER_COLUMNS,
        [
            ["FI-A", "SE", "BS.SURV.UAS", 2, 5, "with caveats"],
            ["FI-A", "FI", "BS.SURV.UAS", 2, 5, ""],
            ["XX-NONE", "SE", "BS.SURV.UAS", 2, 5, ""],
        ],
    )
    code, out = run(capsys, "validate", path, "--data-dir", data.root)
    assert code == 1
    assert "offers, 3 rows read, 1 accepted, 2 rejected" in out
    assert "the invoking state cannot offer aid to itself" in out
    assert "scenario_id 'XX-NONE' is not a known scenario" in out


def test_the_kind_is_told_by_folder_sheet_columns_or_keys_and_can_be_forced(capsys, data, tmp_path):
    offers = tmp_path / "from_sweden.csv"
    offers.write_text(",".join(OFFER_COLUMNS) + "\nFI-A,SE,BS.SURV.UAS,2,5,\n")
    inventory = tmp_path / "fi_submission.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "cover"
    sheet = workbook.create_sheet("inventory")
    sheet.append(INVENTORY_COLUMNS)
    sheet.append(["FI", "BS.SURV.UAS", 3, 5])
    workbook.save(inventory)
    draft = tmp_path / "draft.yml"
    draft.write_text((data.root / "scenarios" / "fi.yaml").read_text())

    code, out = run(capsys, "validate", offers, inventory, draft, "--data-dir", data.root)
    assert code == 1  # the draft reuses FI-A's id
    assert f"{offers}: offers" in out and f"{inventory}: inventory" in out
    assert f"{draft}: scenario" in out

    puzzle = tmp_path / "notes.csv"
    puzzle.write_text("member_state,comment\nFI,hello\n")
    code, out = run(capsys, "validate", puzzle, "--data-dir", data.root)
    assert code == 1 and "--kind" in out
    code, out = run(capsys, "validate", puzzle, "--kind", "inventory", "--data-dir", data.root)
    assert (
        code == 1 and "lacks the required columns capability_code, quantity, readiness_days" in out
    )


def test_usage_errors_exit_2(capsys, data, tmp_path):
    code, out = run(capsys, "validate", tmp_path / "missing.csv", "--data-dir", data.root)
    assert code == 2 and "no such file" in out
    some_file = data.inventory("FI", [inv("FI", "BS.SURV.UAS", 3, 5)])
    code, out = run(capsys, "validate", some_file, "--data-dir", tmp_path / "nowhere")
    assert code == 2 and "no usable reference data" in out


def test_template_writes_a_workbook_with_its_validation_rules(capsys, data, tmp_path):
    path = tmp_path / "inventory.xlsx"
    code, out = run(capsys, "template", path, "--data-dir", data.root)
    assert code == 0, out
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["instructions", "inventory", "capabilities", "lists"]
    rules = {rule.formula1 for rule in workbook["inventory"].data_validations.dataValidation}
    assert {"=member_states", "=capability_codes", '"true,false"'} <= rules
    codes = [c.value for c in workbook["lists"]["C"][1:] if c.value]
    assert codes == sorted(code for code, *_ in CAPABILITIES)

    code, out = run(capsys, "template", path, "--data-dir", data.root)
    assert code == 2 and "--force" in out
    code, out = run(capsys, "template", tmp_path / "mine.xlsx", "--data-dir", data.root)
    assert code == 2 and "--kind" in out
    code, _ = run(
        capsys, "template", tmp_path / "mine.xlsx", "--kind", "offers", "--data-dir", data.root
    )
    assert code == 0 and openpyxl.load_workbook(tmp_path / "mine.xlsx").sheetnames[1] == "offers"


@pytest.mark.parametrize(
    "kind, rows",
    [
        (
            "inventory",
            [
                ["FI", "BS.SURV.UAS", 3, 5, 0.8, "true", 0, 2026, 2030, dt.date(2026, 3, 31), "ok"],
                ["FI", "DS.CYBER.RRT", 2, 1, None, None, None, None, None, None, None],
            ],
        ),
        ("offers", [["FI-A", "SE", "BS.SURV.UAS", 2, 5, "returns home if needed"]]),
    ],
)
def test_a_filled_template_validates_clean(capsys, data, tmp_path, kind, rows):
    path = tmp_path / f"{kind}.xlsx"
    assert run(capsys, "template", path, "--data-dir", data.root)[0] == 0
    workbook = openpyxl.load_workbook(path)
    for row in rows:
        workbook[kind].append(row)
    workbook.save(path)
    code, out = run(capsys, "validate", path, "--data-dir", data.root)
    assert code == 0, out
    read = f"{len(rows)} row{'s' if len(rows) > 1 else ''} read"
    assert f"{kind}, {read}, {len(rows)} accepted, 0 rejected" in out


def test_report_says_where_the_latest_files_are(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CDP_REPORTS_DIR", str(tmp_path))
    code, out = run(capsys, "report")
    assert code == 1 and "cdp-gap refresh" in out
    latest = tmp_path / "latest"
    latest.mkdir()
    (latest / "cdp_gap_report.xlsx").write_bytes(b"x")
    (latest / "index.html").write_text("x")
    code, out = run(capsys, "report")
    assert code == 0
    assert f"Workbook:   {latest / 'cdp_gap_report.xlsx'}" in out
    assert f"Web report: {latest / 'index.html'}" in out
    assert f"Not yet:    {tmp_path / 'warehouse_snapshot.duckdb'}" in out


def test_a_participation_file_is_told_by_name_or_columns_and_checked(capsys, data, tmp_path):
    header = ["member_state", "role", "probability", "source"]
    bad = data.write_csv("reference/participation.csv", header, [
        ["AT", "border_security", 0.3, "invented"],
        ["IE", "*", "1.2", ""],
        ["XX", "*", 0.5, ""],
        ["AT", "border_security", 0.6, ""],
    ])
    code, out = run(capsys, "validate", bad, "--data-dir", data.root)
    assert code == 1
    assert "participation, 4 rows read, 1 accepted, 3 rejected" in out
    assert "probability must be a share between 0 and 1, got '1.2'" in out
    assert "member_state 'XX' is not an EU member state" in out
    assert "duplicate row for (AT, border_security): the first one, row 2, is used" in out

    estimates = tmp_path / "estimates_2026.csv"  # no telling name: its columns say it
    estimates.write_text("member_state,role,probability\nDE,border_security,0.7\nAT,*,0.5\n")
    code, out = run(capsys, "validate", estimates, "--data-dir", data.root)
    assert code == 0, out
    assert f"{estimates}: participation, 2 rows read, 2 accepted, 0 rejected" in out

    odd = tmp_path / "odd.csv"
    odd.write_text("member_state,role,probability\nDE,all,0.7\n")
    code, out = run(capsys, "validate", odd, "--kind", "participation", "--data-dir", data.root)
    assert code == 1 and "role must be border_security, domestic_support or * (both roles)" in out


OPTIONS_YAML = """\
budget_meur: 200
budgets_meur: [0, 100, 200]
options:
  - id: OPT-A
    title: Four UAS for Poland
    capability: BS.SURV.UAS
    member_state: PL
    quantity: 4
    readiness_days: 10
    cost_meur: 120
    excludes: [OPT-B]
  - id: OPT-B
    title: Two UAS for Poland
    capability: bs.surv.uas
    member_state: PL
    quantity: 0
    readiness_days: 10
    cost_meur: 60
  - id: OPT-C
    title: Needs B
    capability: DS.CYBER.RRT
    member_state: EE
    quantity: 1
    readiness_days: 2
    cost_meur: 10
    requires: [OPT-B]
"""


def test_options_files_are_told_by_folder_or_keys_and_checked(capsys, data, tmp_path):
    loose = tmp_path / "my_catalogue.yaml"
    loose.write_text(OPTIONS_YAML, encoding="utf-8")
    code, out = run(capsys, "validate", loose, "--data-dir", data.root)
    assert code == 1
    assert "options, 3 options, 1 accepted, 2 rejected" in out
    assert "quantity must be a number greater than 0, got '0'" in out
    assert "requires OPT-B, which is rejected" in out

    (data.root / "options").mkdir()
    good = data.root / "options" / "cdp.yaml"
    good.write_text(OPTIONS_YAML.replace("quantity: 0", "quantity: 2"), encoding="utf-8")
    code, out = run(capsys, "validate", good, "--data-dir", data.root)
    assert code == 0, out
    assert "options, 3 options, 3 accepted, 0 rejected" in out

    odd = tmp_path / "odd.txt"
    odd.write_text("budget_meur: 0\noptions: []\n", encoding="utf-8")
    code, out = run(capsys, "validate", odd, "--kind", "options", "--data-dir", data.root)
    assert code == 1 and "rejected whole" in out and "budget_meur" in out


def test_an_options_file_is_checked_against_the_others_of_the_folder(capsys, data, tmp_path):
    (data.root / "options").mkdir()
    (data.root / "options" / "cdp.yaml").write_text(
        OPTIONS_YAML.replace("quantity: 0", "quantity: 2"), encoding="utf-8")
    mine = tmp_path / "more_options.yaml"
    mine.write_text(
        "budget_meur: 100\noptions:\n"
        "  - {id: OPT-A, title: Again, capability: BS.SURV.UAS, member_state: PL, quantity: 1,"
        " readiness_days: 1, cost_meur: 1}\n"
        "  - {id: OPT-D, title: D, capability: BS.SURV.UAS, member_state: PL, quantity: 1,"
        " readiness_days: 1, cost_meur: 1, requires: [OPT-C]}\n", encoding="utf-8")
    code, out = run(capsys, "validate", mine, "--data-dir", data.root)
    assert code == 1
    assert "options, 2 options, 1 accepted, 1 rejected" in out
    assert "option id 'OPT-A' is already used by" in out


def test_template_writes_an_options_file_that_validates(capsys, data, tmp_path):
    path = tmp_path / "options.yaml"
    code, out = run(capsys, "template", path, "--data-dir", data.root)
    assert code == 0, out
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Options:") and "budgets_meur:" in text and "excludes:" in text
    code, out = run(capsys, "validate", path, "--data-dir", data.root)
    assert code == 0, out
    assert "options, 2 options, 2 accepted, 0 rejected" in out

    code, out = run(capsys, "template", path, "--data-dir", data.root)
    assert code == 2 and "--force" in out
    code, out = run(capsys, "template", tmp_path / "options.xlsx", "--data-dir", data.root)
    assert code == 2 and "options.yaml" in out
    forced = tmp_path / "catalogue.yml"
    code, out = run(capsys, "template", forced, "--kind", "options", "--data-dir", data.root)
    assert code == 0 and forced.exists()


def test_the_options_template_validates_against_the_bundled_data(capsys, tmp_path):
    from tests.support import REPO

    path = tmp_path / "options.yaml"
    assert run(capsys, "template", path, "--data-dir", REPO / "data")[0] == 0
    code, out = run(capsys, "validate", path, "--data-dir", REPO / "data")
    assert code == 0, out


LEVER_YAML = """\
id: LIFT-CAVEATS
name: Neutral states lift their caveats
changes:
  - lift_caveats: {member_states: [AT, IE]}
  - readiness: {days: 400, capabilities: [BS.SURV.UAS]}
"""


def test_lever_files_are_told_by_folder_or_keys_and_checked_whole(capsys, data, tmp_path):
    loose = tmp_path / "my_variant.yaml"
    loose.write_text(LEVER_YAML, encoding="utf-8")
    code, out = run(capsys, "validate", loose, "--data-dir", data.root)
    assert code == 1
    assert "my_variant.yaml: levers, rejected whole" in out
    assert "changes[1].readiness.days" in out
    assert "days must be a whole number of days between 0 and 365, got '400' (line 5)" in out

    (data.root / "levers").mkdir()
    good = data.root / "levers" / "caveats.yml"
    good.write_text(LEVER_YAML.replace("days: 400", "days: 10"), encoding="utf-8")
    code, out = run(capsys, "validate", good, "--data-dir", data.root)
    assert code == 0, out
    assert "caveats.yml: levers, accepted" in out

    odd = tmp_path / "odd.txt"
    odd.write_text("id: BASELINE\nname: n\nchanges: []\n", encoding="utf-8")
    code, out = run(capsys, "validate", odd, "--kind", "levers", "--data-dir", data.root)
    assert code == 1 and "rejected whole" in out and "reserved" in out


def test_a_lever_file_is_checked_against_the_options_and_the_other_lever_files(
        capsys, data, tmp_path):
    (data.root / "options").mkdir()
    # OPT-A accepted, OPT-B rejected (quantity 0).
    (data.root / "options" / "cdp.yaml").write_text(OPTIONS_YAML, encoding="utf-8")
    (data.root / "levers").mkdir()
    (data.root / "levers" / "b.yaml").write_text(
        "id: BUY-A\nname: Buy A\nchanges:\n  - add_options: {options: [OPT-A]}\n", encoding="utf-8")
    rejected = tmp_path / "buy_b.yaml"
    rejected.write_text("id: BUY-B\nname: Buy B\nchanges:\n  - add_options: {options: [OPT-B]}\n",
                        encoding="utf-8")
    code, out = run(capsys, "validate", rejected, "--data-dir", data.root)
    assert code == 1 and "OPT-B, an option that is rejected in options/cdp.yaml" in out

    # Copied to levers/ as a.yaml it would come first and push levers/b.yaml out.
    same_id = tmp_path / "a.yaml"
    same_id.write_text("id: BUY-A\nname: Buy A too\nchanges: []\n", encoding="utf-8")
    code, out = run(capsys, "validate", same_id, "--data-dir", data.root)
    assert code == 1
    assert "a.yaml: levers, accepted" in out
    assert "variant id 'BUY-A' is already used by levers/a.yaml" in out
    assert any(text.startswith("levers/b.yaml") for text in out.splitlines())


def test_template_writes_a_lever_file_that_validates(capsys, data, tmp_path):
    path = tmp_path / "levers.yaml"
    code, out = run(capsys, "template", path, "--data-dir", data.root)
    assert code == 0, out
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A lever file:") and "changes:" in text
    assert "# - add_options:" in text  # no options folder: nothing to add yet
    code, out = run(capsys, "validate", path, "--data-dir", data.root)
    assert code == 0, out
    assert "levers.yaml: levers, accepted" in out

    code, out = run(capsys, "template", path, "--data-dir", data.root)
    assert code == 2 and "--force" in out
    code, out = run(capsys, "template", tmp_path / "levers.xlsx", "--data-dir", data.root)
    assert code == 2 and "levers.yaml" in out
    forced = tmp_path / "variant.yml"
    code, out = run(capsys, "template", forced, "--kind", "levers", "--data-dir", data.root)
    assert code == 0 and forced.exists()


def test_the_levers_template_validates_against_the_bundled_data(capsys, tmp_path):
    from tests.support import REPO

    path = tmp_path / "levers.yaml"
    assert run(capsys, "template", path, "--data-dir", REPO / "data")[0] == 0
    text = path.read_text(encoding="utf-8")
    assert "\n  - add_options: {options: [OPT-" in text  # an accepted bundled option
    for kind in ("lift_caveats", "release_nato", "readiness", "availability",
                 "extend_service", "withdraw"):
        assert f"- {kind}:" in text, kind
    code, out = run(capsys, "validate", path, "--data-dir", REPO / "data")
    assert code == 0, out
