"""Excel submission templates: the contract's columns, the sheet the pipeline reads, and
Excel's own data validation with the drop-down lists on a hidden sheet."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from pipelines.lib import loading, templates, validation

STATES = [("FI", "Finland"), ("SE", "Sweden"), ("EE", "Estonia")]
# More than Excel's 255-character limit for a list written into the rule itself.
CAPABILITIES = [(f"BS.CAP{i:02d}.TEAM", f"Capability {i}") for i in range(60)]
SCENARIOS = [("FI-A", "Test scenario")]
BOOKKEEPING = {"source_file", "sheet", "row_number"}


def _written(tmp_path, kind: str, **lists) -> openpyxl.Workbook:
    path = tmp_path / f"{kind}.xlsx"
    templates.write_template(
        path,
        kind,
        templates.Lists(
            member_states=lists.get("member_states", STATES),
            capabilities=lists.get("capabilities", CAPABILITIES),
            scenarios=lists.get("scenarios", SCENARIOS),
        ),
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing half-written left
    return openpyxl.load_workbook(path)


def _rules(sheet) -> dict[str, object]:
    """Header name -> the validation rule on its column."""
    header = {cell.column_letter: cell.value for cell in sheet[1]}
    rules = {}
    for rule in sheet.data_validations.dataValidation:
        (cells,) = str(rule.sqref).split()
        assert cells.endswith(str(templates.LAST_ROW)) and cells[1:3] == "2:"
        rules[header[cells[0]]] = rule
    return rules


@pytest.mark.parametrize("kind, table", [("inventory", "raw_inventory"), ("offers", "raw_offers")])
def test_the_data_sheet_has_the_contract_columns_under_the_name_the_pipeline_reads(
    tmp_path, kind, table
):
    workbook = _written(tmp_path, kind)
    assert workbook.sheetnames == ["instructions", kind, "capabilities", "lists"]
    header = [cell.value for cell in workbook[kind][1]]
    assert header == [c for c in loading.RAW_SCHEMAS[table] if c not in BOOKKEEPING]
    required = {c.name for c in templates.COLUMNS[kind] if c.required}
    assert required == set(
        validation.INVENTORY_REQUIRED if kind == "inventory" else validation.OFFER_REQUIRED
    )
    assert workbook[kind].freeze_panes == "A2"


def test_drop_down_lists_sit_on_a_hidden_sheet_and_are_referenced_by_name(tmp_path):
    workbook = _written(tmp_path, "inventory")
    assert workbook["lists"].sheet_state == "hidden"
    names = {name: d.attr_text for name, d in workbook.defined_names.items()}
    assert names["member_states"] == "'lists'!$A$2:$A$4"
    assert names["capability_codes"] == "'lists'!$C$2:$C$61"
    assert [workbook["lists"].cell(row, 3).value for row in range(2, 62)] == [
        c for c, _ in CAPABILITIES
    ]
    rules = _rules(workbook["inventory"])
    assert (
        rules["member_state"].type == "list" and rules["member_state"].formula1 == "=member_states"
    )
    assert rules["capability_code"].formula1 == "=capability_codes"
    assert len(",".join(c for c, _ in CAPABILITIES)) > 255  # why the names


@pytest.mark.parametrize("kind", templates.KINDS)
def test_capability_names_stand_beside_the_codes_on_a_visible_sheet(tmp_path, kind):
    workbook = _written(tmp_path, kind)
    sheet = workbook["capabilities"]
    assert sheet.sheet_state == "visible"
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows == [("capability_code", "name"), *CAPABILITIES]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B61"
    assert sheet.protection.sheet and not sheet.protection.autoFilter  # read, filter, not edit
    # The drop-down still offers the codes alone, the values the pipeline reads...
    rule = _rules(workbook[kind])["capability_code"]
    assert rule.type == "list" and rule.formula1 == "=capability_codes"
    codes = workbook["lists"]
    assert [codes.cell(r, 3).value for r in range(2, 62)] == [c for c, _ in CAPABILITIES]
    # ...and where a planner picks one, the input message and the error box say where the
    # names are.
    for text in (rule.prompt, rule.error):
        assert "the sheet 'capabilities' gives the name of each code" in text
    assert rule.showInputMessage and len(rule.prompt) <= 255
    instructions = "\n".join(
        str(c.value) for row in workbook["instructions"].iter_rows() for c in row if c.value
    )
    assert "The sheet 'capabilities' lists every capability code with its name" in instructions


def test_a_code_picked_from_the_list_is_read_back_as_the_code(tmp_path):
    """Filled in as a planner would, the template passes the pipeline's own validation."""
    path = tmp_path / "inventory.xlsx"
    templates.write_template(path, "inventory", templates.Lists(STATES, CAPABILITIES))
    workbook = openpyxl.load_workbook(path)
    workbook["inventory"].append(["FI", CAPABILITIES[7][0], 3, 5])
    workbook.save(path)
    codes = {c for c, _ in CAPABILITIES}
    report = validation.validate_inventory(
        path, "inventory.xlsx", {c for c, _ in STATES}, codes, dt.date(2026, 3, 31)
    )
    assert report.rejects == [] and report.sheet == "inventory"
    assert [row["capability_code"] for row in report.rows] == [CAPABILITIES[7][0]]


def test_whole_number_range_and_date_rules_follow_the_contract(tmp_path):
    rules = _rules(_written(tmp_path, "inventory")["inventory"])
    readiness = rules["readiness_days"]
    assert (readiness.type, readiness.operator, readiness.formula1, readiness.formula2) == (
        "whole",
        "between",
        "0",
        str(validation.MAX_DAYS),
    )
    assert (rules["quantity"].type, rules["quantity"].operator, rules["quantity"].formula1) == (
        "decimal",
        "greaterThanOrEqual",
        "0",
    )
    for share in ("availability", "nato_committed"):
        assert (rules[share].type, rules[share].formula1, rules[share].formula2) == (
            "decimal",
            "0",
            "1",
        )
    assert rules["available_from"].type == "whole" and rules["as_of"].type == "date"
    assert rules["deployable_abroad"].formula1 == '"true,false"'
    assert "notes" not in rules
    for rule in rules.values():
        assert rule.showErrorMessage and rule.allow_blank and len(rule.error) <= 255


def test_offers_pick_a_scenario_and_offer_more_than_nothing(tmp_path):
    rules = _rules(_written(tmp_path, "offers")["offers"])
    assert rules["scenario_id"].formula1 == "=scenario_ids"
    assert (rules["quantity"].operator, rules["quantity"].formula1) == ("greaterThan", "0")
    assert (rules["available_in_days"].type, rules["available_in_days"].formula2) == (
        "whole",
        str(validation.MAX_DAYS),
    )


def test_instructions_explain_every_column(tmp_path):
    sheet = _written(tmp_path, "inventory")["instructions"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    for column in templates.COLUMNS["inventory"]:
        assert column.name in text and column.meaning in text
    assert "cdp-gap validate" in text


def test_a_name_that_looks_like_a_formula_stays_text(tmp_path):
    hostile = [("FI", '=HYPERLINK("http://example.invalid","Finland")')]
    lists = _written(tmp_path, "inventory", member_states=hostile)["lists"]
    assert lists["B2"].value == hostile[0][1] and lists["B2"].data_type == "s"


def test_an_empty_scenario_list_still_makes_a_valid_workbook(tmp_path):
    workbook = _written(tmp_path, "offers", scenarios=[])
    assert workbook.defined_names["scenario_ids"].attr_text == "'lists'!$E$2:$E$2"


def test_unknown_kind_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no template"):
        templates.write_template(tmp_path / "x.xlsx", "scenario", templates.Lists([], []))
