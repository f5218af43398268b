"""The data contract's input rules: field parsers, table files, scenario and case files."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.lib import validation as v
from pipelines.lib.validation import FieldError, Reject

STATES = {"FI", "EE", "LT", "GR", "DE", "FR"}
CAPS = {"BS.SURV.UAS", "DS.MED.FH", "BS.PATROL.COY"}
AS_OF = dt.date(2025, 6, 30)
INVOKING = {"FI-HYBRID-2026": "FI", "LT-BORDER-2026": "LT"}


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def assert_reconciles(report: v.FileReport) -> None:
    """rows read = rows accepted + distinct rejected rows; reject keys unique."""
    assert report.rows_read == len(report.rows) + report.rows_rejected
    keys = Counter((r.source_file, r.row_number, r.column) for r in report.rejects)
    assert max(keys.values(), default=1) == 1
    accepted = {row["row_number"] for row in report.rows}
    assert not accepted & {r.row_number for r in report.rejects}


def inventory(tmp_path, text: str, name="inv.csv") -> v.FileReport:
    path = write_csv(tmp_path / name, text)
    report = v.validate_inventory(path, f"inbox/inventory/{name}", STATES, CAPS, AS_OF)
    assert_reconciles(report)
    return report


def reasons(report) -> dict:
    return {(r.row_number, r.column): r.reason for r in report.rejects}


# --- field parsers ------------------------------------------------------------


def test_contract_example_messages():
    with pytest.raises(FieldError) as days:
        v.parse_days("2 weeks", "readiness_days")
    assert days.value.reason == (
        "readiness_days must be a whole number of days between 0 and 365, got '2 weeks'")
    with pytest.raises(FieldError) as quantity:
        v.parse_number("-2", "quantity", at_least=0)
    assert quantity.value.reason == "quantity must be a number of 0 or more, got '-2'"
    with pytest.raises(FieldError) as share:
        v.parse_share("1.5", "availability")
    assert share.value.reason == "availability must be a share between 0 and 1, got '1.5'"
    with pytest.raises(FieldError) as state:
        v.parse_member_state("UK", STATES)
    assert state.value.reason == (
        "member_state 'UK' is not an EU member state in reference/member_states.csv")
    with pytest.raises(FieldError) as capability:
        v.parse_capability_code("BS.SURV.SATX", CAPS)
    assert capability.value.reason == (
        "capability_code 'BS.SURV.SATX' is not in the capability taxonomy "
        "(reference/capabilities.csv)")


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("FALSE", False), ("Yes", True), ("no", False), ("Y", True), ("n", False),
    ("1", True), ("0", False), (" yes ", True), (True, True), (False, False), (1, True),
    (0.0, False),
])
def test_booleans_accepted(value, expected):
    assert v.parse_bool(value, "deployable_abroad") is expected


@pytest.mark.parametrize("value", ["maybe", "", None, "2", 2, "oui", "t"])
def test_booleans_refused(value):
    with pytest.raises(FieldError, match="deployable_abroad must be true or false"):
        v.parse_bool(value, "deployable_abroad")


@pytest.mark.parametrize("value", ["10", 10, 10.0, " 10 ", "+10"])
def test_integers_accepted(value):
    assert v.parse_int(value, "n") == 10


@pytest.mark.parametrize("value", [10.5, "10.5", "10.0", "1.000", "ten", "", None, True,
                                   float("nan"), float("inf"), "1e1"])
def test_integers_refused(value):
    with pytest.raises(FieldError, match="n must be a whole number"):
        v.parse_int(value, "n")


@pytest.mark.parametrize("value, expected", [("6", 6.0), (6, 6.0), ("2.5", 2.5), (".5", 0.5),
                                             ("1e3", 1000.0), (" 7 ", 7.0), (0, 0.0)])
def test_numbers_accepted(value, expected):
    assert v.parse_number(value, "quantity", at_least=0) == expected


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity", float("nan"),
                                   float("inf"), "1e400", 10**400, "six", "", None, True])
def test_numbers_must_be_finite_numbers(value):
    with pytest.raises(FieldError, match="quantity must be a number"):
        v.parse_number(value, "quantity", at_least=0)


def test_decimal_comma_is_refused_with_a_hint():
    with pytest.raises(FieldError, match="decimal point"):
        v.parse_share("0,8", "availability")


def test_number_bounds():
    assert v.parse_number("0.1", "quantity", greater_than=0) == 0.1
    with pytest.raises(FieldError, match="quantity must be a number greater than 0, got '0'"):
        v.parse_number("0", "quantity", greater_than=0)
    assert v.parse_share(0, "x") == 0 and v.parse_share(1, "x") == 1


def test_days_bounds():
    assert v.parse_days("0", "d") == 0 and v.parse_days(365, "d") == 365
    for bad in ("-1", "366"):
        with pytest.raises(FieldError):
            v.parse_days(bad, "d")


@pytest.mark.parametrize("value, ok", [("1900", True), (2200, True), (2030.0, True),
                                       ("1899", False), ("2201", False), ("2030.5", False),
                                       ("FY2030", False)])
def test_years(value, ok):
    if ok:
        assert v.parse_year(value, "available_from") == int(float(value))
    else:
        with pytest.raises(FieldError, match="a whole year between 1900 and 2200"):
            v.parse_year(value, "available_from")


@pytest.mark.parametrize("value, expected", [
    ("2025-03-01", dt.date(2025, 3, 1)),
    (" 2025-03-01 ", dt.date(2025, 3, 1)),
    (dt.datetime(2025, 3, 1, 14, 30), dt.date(2025, 3, 1)),
    (dt.date(2025, 3, 1), dt.date(2025, 3, 1)),
])
def test_dates_accepted(value, expected):
    assert v.parse_date(value, "as_of") == expected


@pytest.mark.parametrize("value", ["01/03/2025", "2025-02-30", "20250301", "2025-W01-1",
                                   45000, "2025-03-01T00:00"])
def test_dates_refused(value):
    with pytest.raises(FieldError, match="as_of must be a date written YYYY-MM-DD"):
        v.parse_date(value, "as_of")


def test_member_state_is_normalised_and_el_means_greece():
    assert v.parse_member_state(" fi ", STATES) == "FI"
    assert v.parse_member_state("EL", STATES) == "GR"
    assert v.parse_member_state("el", STATES) == "GR"
    assert v.parse_member_state("GR", STATES) == "GR"
    with pytest.raises(FieldError, match="'NO' is not an EU member state"):
        v.parse_member_state("NO", STATES)


def test_capability_reference_ignores_case_and_spaces():
    assert v.parse_capability_code(" bs.surv.uas ", CAPS) == "BS.SURV.UAS"


def test_roles_are_normalised():
    assert v.parse_roles(" Domestic_Support ; border_security;") == (
        "border_security;domestic_support")
    assert v.parse_roles("border_security;border_security") == "border_security"
    for bad in ("", ";", "border_security;offence", None):
        with pytest.raises(FieldError, match="roles must be one or more of"):
            v.parse_roles(bad)


def test_long_values_are_shortened_in_the_reason_only():
    with pytest.raises(FieldError) as caught:
        v.parse_days("x" * 500, "readiness_days")
    assert len(caught.value.reason) < 200


# --- reference data -----------------------------------------------------------

STATES_CSV = (
    "code,name,nato_member,gdp_meur,population,external_land_border_km\n"
    "FI,Finland,true,277000,5600000,1340\n"
    "el,Greece,TRUE,220000,10400000,n/a\n"
    "AT,Austria,false,473000,9160000,\n"
)


def test_member_states_accepted_and_typed(tmp_path):
    report = v.validate_member_states(write_csv(tmp_path / "ms.csv", STATES_CSV),
                                      "reference/member_states.csv")
    assert_reconciles(report)
    assert report.kind == "member_states" and report.rejects == []
    assert report.rows[0] == {
        "source_file": "reference/member_states.csv", "sheet": None, "row_number": 2,
        "code": "FI", "name": "Finland", "nato_member": True, "gdp_meur": 277000.0,
        "population": 5600000, "external_land_border_km": 1340,
    }
    assert report.rows[1]["code"] == "GR"
    assert report.rows[1]["external_land_border_km"] == "n/a"
    assert report.rows[2]["external_land_border_km"] is None
    assert len(report.sha256) == 64


def test_member_state_rules(tmp_path):
    text = (
        "code,name,nato_member,gdp_meur,population\n"
        "FI,Finland,true,277000,5600000\n"
        "FI,Finland again,true,1,1\n"
        "GRC,Greece,true,220000,10400000\n"
        "DE,,maybe,0,-5\n"
        "FR,France,no,2800000,68.5\n"
    )
    report = v.validate_member_states(write_csv(tmp_path / "ms.csv", text), "ms.csv")
    assert_reconciles(report)
    assert [row["code"] for row in report.rows] == ["FI"]
    got = reasons(report)
    assert "first is on row 2" in got[(3, "code")]
    assert "two-letter country code" in got[(4, "code")]
    assert set(got) >= {(5, "name"), (5, "nato_member"), (5, "gdp_meur"), (5, "population")}
    assert got[(5, "gdp_meur")] == "gdp_meur must be a number greater than 0, got '0'"
    assert got[(6, "population")] == "population must be a whole number greater than 0, got '68.5'"


def test_duplicate_of_a_rejected_row_is_accepted(tmp_path):
    text = ("code,name,nato_member,gdp_meur,population\n"
            "FI,Finland,true,-1,5600000\nFI,Finland,true,277000,5600000\n")
    report = v.validate_member_states(write_csv(tmp_path / "ms.csv", text), "ms.csv")
    assert [row["row_number"] for row in report.rows] == [3]


CAPS_CSV = (
    "capability_code,name,domain,unit,roles\n"
    "BS.SURV.UAS,Surveillance UAS,ISR,system,border_security\n"
    "DS.MED.FH,Field hospital,medical,company,domestic_support; border_security\n"
)


def test_capabilities_accepted(tmp_path):
    report = v.validate_capabilities(write_csv(tmp_path / "c.csv", CAPS_CSV),
                                     "reference/capabilities.csv")
    assert report.rejects == [] and report.kind == "capabilities"
    assert report.rows[0]["domain"] == "isr"
    assert report.rows[1]["roles"] == "border_security;domestic_support"


@pytest.mark.parametrize("code", ["bs.surv.uas", "BS", "BS.", "1B.SURV", "BS.SURV.A.B.C.D",
                                  "BS-SURV", "BS.SU RV"])
def test_capability_code_pattern(tmp_path, code):
    text = f"capability_code,name,domain,unit,roles\n{code},x,land,team,border_security\n"
    report = v.validate_capabilities(write_csv(tmp_path / "c.csv", text), "c.csv")
    assert report.rows == []
    assert report.rejects[0].column == "capability_code"


def test_capability_rules(tmp_path):
    text = (
        "capability_code,name,domain,unit,roles\n"
        "BS.A.B.C.D,ok,land,team,border_security\n"
        "BS.A.B.C.D,dup,land,team,border_security\n"
        "BS.X,,sea,,attack\n"
    )
    report = v.validate_capabilities(write_csv(tmp_path / "c.csv", text), "c.csv")
    assert_reconciles(report)
    assert len(report.rows) == 1
    got = reasons(report)
    assert "appears again" in got[(3, "capability_code")]
    assert set(got) == {(3, "capability_code"), (4, "name"), (4, "domain"), (4, "unit"),
                        (4, "roles")}
    assert got[(4, "domain")].startswith("domain must be one of land, maritime, air")


# --- inventory ----------------------------------------------------------------

INVENTORY_HEADER = "member_state,capability_code,quantity,readiness_days"


def test_inventory_row_with_defaults(tmp_path):
    report = inventory(tmp_path, f"{INVENTORY_HEADER}\nFI,BS.SURV.UAS,6,10\n")
    assert report.kind == "inventory" and report.sheet is None and report.rows_read == 1
    assert report.rows == [{
        "source_file": "inbox/inventory/inv.csv", "sheet": None, "row_number": 2,
        "member_state": "FI", "capability_code": "BS.SURV.UAS", "quantity": 6.0,
        "readiness_days": 10, "availability": 1.0, "deployable_abroad": True,
        "nato_committed": 0.0, "available_from": None, "available_until": None,
        "as_of": AS_OF, "notes": None,
    }]


def test_inventory_all_columns(tmp_path):
    text = (
        f"{INVENTORY_HEADER},availability,deployable_abroad,nato_committed,available_from,"
        "available_until,as_of,notes,unknown_column\n"
        "EL,ds.med.fh,2.5,0,0.8,no,0.5,2026,2030,2025-01-15,  keep  this ,whatever\n"
    )
    row = inventory(tmp_path, text).rows[0]
    assert row["member_state"] == "GR"
    assert row["capability_code"] == "DS.MED.FH"
    assert (row["quantity"], row["readiness_days"], row["availability"]) == (2.5, 0, 0.8)
    assert row["deployable_abroad"] is False and row["nato_committed"] == 0.5
    assert (row["available_from"], row["available_until"]) == (2026, 2030)
    assert row["as_of"] == dt.date(2025, 1, 15)
    assert row["notes"] == "  keep  this "
    assert "unknown_column" not in row


def test_inventory_bom_semicolons_and_spaced_upper_case_headers(tmp_path):
    path = tmp_path / "fi.csv"
    path.write_bytes("\ufeff MEMBER_STATE ; Capability_Code;QUANTITY ; Readiness_Days \r\n"
                     "FI;BS.SURV.UAS;6;10\r\nEE;BS.SURV.UAS;1.5;3\r\n".encode("utf-8"))
    report = v.validate_inventory(path, "fi.csv", STATES, CAPS, AS_OF)
    assert report.rejects == []
    assert [(r["member_state"], r["quantity"]) for r in report.rows] == [("FI", 6.0), ("EE", 1.5)]


def test_several_bad_columns_in_one_row(tmp_path):
    text = (f"{INVENTORY_HEADER},availability\n"
            "FI,BS.SURV.UAS,6,10,1\n"
            "UK,BS.SURV.SATX,-2,2 weeks,1.5\n"
            "EE,BS.SURV.UAS,1,1,\n")
    report = inventory(tmp_path, text)
    assert report.rows_read == 3 and len(report.rows) == 2 and report.rows_rejected == 1
    assert {r.column for r in report.rejects} == {
        "member_state", "capability_code", "quantity", "readiness_days", "availability"}
    assert all(r.row_number == 3 and r.sheet is None for r in report.rejects)
    values = {r.column: r.value for r in report.rejects}
    assert values["readiness_days"] == "2 weeks" and values["quantity"] == "-2"


def test_required_value_missing_in_a_row(tmp_path):
    report = inventory(tmp_path, f"{INVENTORY_HEADER}\nFI,BS.SURV.UAS,,10\n")
    assert report.rejects == [Reject(
        "inbox/inventory/inv.csv", None, 2, "quantity", "",
        "quantity must be a number of 0 or more, got nothing (the value is empty)")]


def test_available_until_before_available_from(tmp_path):
    text = (f"{INVENTORY_HEADER},available_from,available_until\n"
            "FI,BS.SURV.UAS,1,1,2030,2027\nFI,BS.SURV.UAS,1,1,2027,2027\n"
            "FI,BS.SURV.UAS,1,1,,2027\n")
    report = inventory(tmp_path, text)
    assert [r["row_number"] for r in report.rows] == [3, 4]
    assert report.rejects == [Reject(
        "inbox/inventory/inv.csv", None, 2, "available_until", "2027",
        "available_until (2027) must not be before available_from (2030)")]


def test_missing_required_columns_give_one_file_reject(tmp_path):
    report = inventory(tmp_path, "member_state,capability_code\nFI,BS.SURV.UAS\nEE,X\n")
    assert report.rows_read == 0 and report.rows == []
    assert len(report.rejects) == 1
    reject = report.rejects[0]
    assert reject.row_number is None
    assert reject.column == "quantity, readiness_days"
    assert "lacks the required columns quantity, readiness_days" in reject.reason


def test_unreadable_file_gives_one_file_reject(tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    report = v.validate_inventory(path, "inbox/inventory/secret.xlsx", STATES, CAPS, AS_OF)
    assert report.rows_read == 0 and report.rows == []
    assert report.sha256 is not None
    assert [(r.row_number, r.column) for r in report.rejects] == [(None, None)]
    assert "encrypted (password-protected)" in report.rejects[0].reason


def test_missing_file_gives_one_file_reject(tmp_path):
    report = v.validate_inventory(tmp_path / "gone.csv", "gone.csv", STATES, CAPS, AS_OF)
    assert report.sha256 is None and len(report.rejects) == 1
    assert report.rejects[0].row_number is None


def test_empty_rows_are_not_rows(tmp_path):
    report = inventory(tmp_path, f"{INVENTORY_HEADER}\n\nFI,BS.SURV.UAS,1,1\n,,,\n")
    assert report.rows_read == 1 and report.rows[0]["row_number"] == 3


@pytest.mark.parametrize("text", [f"{INVENTORY_HEADER}\n", f"{INVENTORY_HEADER}\n\n,,,\n"])
def test_a_header_without_data_rows_is_one_file_reject(tmp_path, text):
    report = inventory(tmp_path, text)
    assert report.rows_read == 0 and report.rows == []
    assert report.rejects == [Reject(
        "inbox/inventory/inv.csv", None, None, None, None,
        "the file has a header but no data rows; nothing would be loaded")]


def test_a_sheet_with_only_its_header_names_the_sheet(tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", {"offers": [OFFER_HEADER.split(",")]})
    report = v.validate_offers(path, "o.xlsx", STATES, CAPS, INVOKING)
    assert_reconciles(report)
    assert [(r.sheet, r.row_number, r.reason) for r in report.rejects] == [
        ("offers", None,
         "the sheet 'offers' has a header but no data rows; nothing would be loaded")]


def test_stray_value_rejects_its_row_once(tmp_path):
    report = inventory(tmp_path, f"{INVENTORY_HEADER},notes\n"
                                 "FI,BS.SURV.UAS,1,1,late, see letter\nEE,BS.SURV.UAS,1,1,ok\n")
    assert [r["member_state"] for r in report.rows] == ["EE"]
    assert [(r.row_number, r.column) for r in report.rejects] == [(2, None)]


def test_inventory_xlsx_sheet_second_and_excel_types(tmp_path):
    path = write_xlsx(tmp_path / "fi.xlsx", {
        "Instructions": [["Fill in the inventory sheet"]],
        "Inventory": [
            ["Member_State", "Capability_Code", "Quantity", "Readiness_Days",
             "deployable_abroad", "as_of", "available_from", "notes"],
            ["FI", "BS.SURV.UAS", 6, 10.0, False, dt.datetime(2025, 2, 1), 2026.0, 42],
            ["FI", "BS.SURV.UAS", 6, 10.5, "yes", "2025-02-01", None, None],
        ],
    })
    report = v.validate_inventory(path, "inbox/inventory/fi.xlsx", STATES, CAPS, AS_OF)
    assert_reconciles(report)
    assert report.sheet == "Inventory"
    row = report.rows[0]
    assert (row["sheet"], row["row_number"], row["readiness_days"]) == ("Inventory", 2, 10)
    assert row["deployable_abroad"] is False and row["as_of"] == dt.date(2025, 2, 1)
    assert row["available_from"] == 2026 and row["notes"] == "42"
    assert report.rejects == [Reject(
        "inbox/inventory/fi.xlsx", "Inventory", 3, "readiness_days", "10.5",
        "readiness_days must be a whole number of days between 0 and 365, got '10.5'")]


def test_inventory_xlsx_without_inventory_sheet_uses_the_first(tmp_path):
    path = write_xlsx(tmp_path / "fi.xlsx", {
        "Sheet1": [INVENTORY_HEADER.split(","), ["FI", "BS.SURV.UAS", 1, 1]],
        "Sheet2": [["nothing"]],
    })
    report = v.validate_inventory(path, "fi.xlsx", STATES, CAPS, AS_OF)
    assert report.sheet == "Sheet1" and len(report.rows) == 1


def test_missing_column_in_xlsx_names_the_sheet(tmp_path):
    path = write_xlsx(tmp_path / "fi.xlsx", {"inventory": [["member_state"], ["FI"]]})
    report = v.validate_inventory(path, "fi.xlsx", STATES, CAPS, AS_OF)
    assert report.rejects[0].sheet == "inventory"
    assert report.rejects[0].reason.startswith("the sheet 'inventory' lacks the required columns")


def test_xlsx_content_with_csv_extension(tmp_path):
    real = write_xlsx(tmp_path / "real.xlsx", {
        "inventory": [INVENTORY_HEADER.split(","), ["FI", "BS.SURV.UAS", 1, 1]]})
    disguised = tmp_path / "fi.csv"
    disguised.write_bytes(real.read_bytes())
    report = v.validate_inventory(disguised, "fi.csv", STATES, CAPS, AS_OF)
    assert report.rejects == [] and report.sheet == "inventory" and len(report.rows) == 1


_cell = st.one_of(
    st.sampled_from(["FI", "EL", "UK", "", "BS.SURV.UAS", "X.Y", "1", "0", "-1", "2.5", "400",
                     "nan", "yes", "maybe", "2026", "2025-01-01", "1,5", " "]),
    st.text(alphabet="abc019.-; ", max_size=6),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_cell, min_size=8, max_size=8), max_size=12))
def test_rows_read_always_reconcile(tmp_path, rows):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["member_state", "capability_code", "quantity", "readiness_days",
                     "availability", "deployable_abroad", "available_from", "as_of"])
    writer.writerows(rows)
    path = tmp_path / "prop.csv"
    path.write_text(out.getvalue())
    report = v.validate_inventory(path, "prop.csv", STATES, CAPS, AS_OF)
    assert_reconciles(report)
    non_empty = sum(1 for row in rows if any(cell.strip() for cell in row))
    assert report.rows_read == non_empty
    for row in report.rows:
        assert math.isfinite(row["quantity"]) and row["quantity"] >= 0
        assert 0 <= row["availability"] <= 1


# --- offers -------------------------------------------------------------------

OFFER_HEADER = "scenario_id,member_state,capability_code,quantity,available_in_days,caveats"


def test_offers(tmp_path):
    text = (f"{OFFER_HEADER}\n"
            "FI-HYBRID-2026,EE,BS.SURV.UAS,2,5,only within the Baltic region\n"
            "fi-hybrid-2026,FI,BS.SURV.UAS,2,5,\n"
            "XX-UNKNOWN,EE,BS.SURV.UAS,0,400,\n"
            "LT-BORDER-2026,FI,DS.MED.FH,1.5,0,\n")
    path = write_csv(tmp_path / "offers.csv", text)
    report = v.validate_offers(path, "inbox/offers/offers.csv", STATES, CAPS, INVOKING)
    assert_reconciles(report)
    assert report.kind == "offers"
    assert report.rows[0] == {
        "source_file": "inbox/offers/offers.csv", "sheet": None, "row_number": 2,
        "scenario_id": "FI-HYBRID-2026", "member_state": "EE", "capability_code": "BS.SURV.UAS",
        "quantity": 2.0, "available_in_days": 5, "caveats": "only within the Baltic region",
    }
    assert report.rows[1]["row_number"] == 5 and report.rows[1]["caveats"] is None
    got = reasons(report)
    assert set(got) == {(3, "member_state"), (4, "scenario_id"), (4, "quantity"),
                        (4, "available_in_days")}
    assert "cannot offer aid to itself" in got[(3, "member_state")]
    assert got[(4, "scenario_id")] == "scenario_id 'XX-UNKNOWN' is not a known scenario"
    assert got[(4, "quantity")] == "quantity must be a number greater than 0, got '0'"


def test_offers_sheet_is_found_by_name(tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", {
        "notes": [["x"]],
        "OFFERS": [OFFER_HEADER.split(",")[:5], ["LT-BORDER-2026", "EE", "DS.MED.FH", 1, 2]],
    })
    report = v.validate_offers(path, "o.xlsx", STATES, CAPS, INVOKING)
    assert report.sheet == "OFFERS" and len(report.rows) == 1


def test_offers_missing_column(tmp_path):
    path = write_csv(tmp_path / "o.csv", "scenario_id,member_state\nFI-HYBRID-2026,EE\n")
    report = v.validate_offers(path, "o.csv", STATES, CAPS, INVOKING)
    assert [(r.row_number, r.column) for r in report.rejects] == [
        (None, "capability_code, quantity, available_in_days")]


# --- scenarios ----------------------------------------------------------------

SCENARIO = """\
id: FI-HYBRID-2026          # unique
name: Hybrid aggression against Finland
invoking_state: FI
nato_article5_concurrent: true
likelihood: 3
duration_days: 180
description: >
  'Little green men' at the eastern border.
requirements:
  - id: BS-01
    role: border_security
    capability: BS.SURV.UAS
    quantity: 6
    max_readiness_days: 10
    rotation: 3
    criticality: essential
  - id: 2
    role: domestic_support
    capability: ds.med.fh
    quantity: 1.5
    max_readiness_days: 0
    criticality: desirable
"""


def scenario(tmp_path, text: str, name="s.yaml") -> v.ScenarioReport:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = v.validate_scenario(path, f"scenarios/{name}", STATES, CAPS)
    if report.rejects:
        assert report.scenario is None and report.requirements == []
        assert all(r.row_number is None and r.sheet is None for r in report.rejects)
        assert len({r.column for r in report.rejects}) == len(report.rejects)
    return report


def test_contract_example_scenario(tmp_path):
    report = scenario(tmp_path, SCENARIO)
    assert report.rejects == [] and len(report.sha256) == 64
    assert report.scenario == {
        "scenario_id": "FI-HYBRID-2026", "name": "Hybrid aggression against Finland",
        "invoking_state": "FI", "nato_article5_concurrent": True, "likelihood": 3,
        "duration_days": 180, "description": "'Little green men' at the eastern border.",
        "source_file": "scenarios/s.yaml",
    }
    assert report.requirements == [
        {"scenario_id": "FI-HYBRID-2026", "line_id": "BS-01", "role": "border_security",
         "capability_code": "BS.SURV.UAS", "quantity": 6.0, "max_readiness_days": 10,
         "rotation": 3.0, "criticality": "essential", "required": 18.0,
         "source_file": "scenarios/s.yaml", "line_order": 0},
        {"scenario_id": "FI-HYBRID-2026", "line_id": "2", "role": "domestic_support",
         "capability_code": "DS.MED.FH", "quantity": 1.5, "max_readiness_days": 0,
         "rotation": 1.0, "criticality": "desirable", "required": 1.5,
         "source_file": "scenarios/s.yaml", "line_order": 1},
    ]


def test_scenario_defaults_and_greece_as_el(tmp_path):
    text = ("id: GR-FIRES-2026\nname: Wildfires\ninvoking_state: EL\nrequirements:\n"
            "  - {id: A, role: domestic_support, capability: DS.MED.FH, quantity: 1,"
            " max_readiness_days: 2, criticality: important}\n")
    report = scenario(tmp_path, text)
    assert report.scenario["invoking_state"] == "GR"
    assert report.scenario["nato_article5_concurrent"] is False
    assert report.scenario["likelihood"] == 3
    assert report.scenario["duration_days"] is None and report.scenario["description"] is None


def test_norway_stays_a_code_and_is_not_a_member_state(tmp_path):
    report = scenario(tmp_path, SCENARIO.replace("invoking_state: FI", "invoking_state: NO"))
    assert [(r.column, r.value) for r in report.rejects] == [("invoking_state", "NO")]
    assert report.rejects[0].reason == (
        "invoking_state 'NO' is not an EU member state in reference/member_states.csv (line 3)")


def test_misspelt_key_is_rejected_with_a_suggestion(tmp_path):
    report = scenario(tmp_path, SCENARIO.replace("    rotation: 3", "    rotaton: 3"))
    assert [r.column for r in report.rejects] == ["requirements[0].rotaton"]
    assert "unknown key 'rotaton' (did you mean 'rotation'?)" in report.rejects[0].reason
    assert "line 15" in report.rejects[0].reason
    assert "the allowed keys are id, role, capability" in report.rejects[0].reason


def test_unknown_top_level_key(tmp_path):
    report = scenario(tmp_path, SCENARIO + "owner: J5\n")
    assert [r.column for r in report.rejects] == ["owner"]


def test_every_problem_is_listed(tmp_path):
    text = """\
id: fi hybrid
name: ""
invoking_state: UK
nato_article5_concurrent: perhaps
likelihood: 7
duration_days: 0
requirements:
  - id: BS-01
    role: offence
    capability: BS.SURV.SATX
    quantity: 0
    max_readiness_days: 2 weeks
    rotation: 0.5
    criticality: vital
  - id: BS-01
    role: border_security
    capability: BS.SURV.UAS
    quantity: 1
    max_readiness_days: 1
    criticality: essential
  - role: border_security
  - just text
"""
    report = scenario(tmp_path, text)
    by_column = {r.column: r for r in report.rejects}
    assert set(by_column) == {
        "id", "name", "invoking_state", "nato_article5_concurrent", "likelihood",
        "duration_days", "requirements[0].role", "requirements[0].capability",
        "requirements[0].quantity", "requirements[0].max_readiness_days",
        "requirements[0].rotation", "requirements[0].criticality", "requirements[1].id",
        "requirements[2].id", "requirements[2].capability", "requirements[2].quantity",
        "requirements[2].max_readiness_days", "requirements[2].criticality", "requirements[3]",
    }
    assert by_column["requirements[0].quantity"].reason == (
        "requirement 'BS-01': quantity must be a number greater than 0, got '0' (line 11)")
    assert by_column["requirements[0].quantity"].value == "0"
    assert "used twice" in by_column["requirements[1].id"].reason
    assert by_column["requirements[2].id"].reason == "requirement 3: id is required (line 21)"
    assert by_column["likelihood"].reason.startswith(
        "likelihood must be a whole number between 1 and 5, got '7'")


@pytest.mark.parametrize("replacement, column", [
    ("requirements: []\n", "requirements"),
    ("requirements: none\n", "requirements"),
    ("", "requirements"),
])
def test_scenario_needs_requirement_lines(tmp_path, replacement, column):
    head = SCENARIO[:SCENARIO.index("requirements:")]
    report = scenario(tmp_path, head + replacement)
    assert [r.column for r in report.rejects] == [column]


def test_duplicate_yaml_key_rejects_the_whole_scenario(tmp_path):
    report = scenario(tmp_path, SCENARIO.replace("    quantity: 6\n",
                                                 "    quantity: 6\n    quantity: 60\n"))
    assert len(report.rejects) == 1
    assert report.rejects[0].column is None
    assert "the key 'quantity' appears twice (first on line 13)" in report.rejects[0].reason


@pytest.mark.parametrize("text, fragment", [
    ("", "must be a YAML mapping"),
    ("- a\n- b\n", "must be a YAML mapping"),
    ("a: [1,\n", "not valid"),
    ("!!python/object/apply:os.system ['true']\n", "could not determine a constructor"),
])
def test_unusable_scenario_file(tmp_path, text, fragment):
    report = scenario(tmp_path, text)
    assert len(report.rejects) == 1 and fragment in report.rejects[0].reason


def test_binary_or_oversized_scenario_file(tmp_path, monkeypatch):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"\x00\x01binary")
    assert "binary" in v.validate_scenario(path, "s.yaml", STATES, CAPS).rejects[0].reason
    from pipelines.lib import inputs
    monkeypatch.setattr(inputs, "MAX_YAML_BYTES", 100)
    path.write_text(SCENARIO)
    report = v.validate_scenario(path, "s.yaml", STATES, CAPS)
    assert "larger than the limit" in report.rejects[0].reason


@pytest.mark.parametrize("scenario_id, ok", [("FI-HYBRID-2026", True), ("ABC", True),
                                             ("1-A", True), ("AB", False), ("-AB", False),
                                             ("fi-hybrid", False), ("A" * 48, True),
                                             ("A" * 49, False), ("FI_HYBRID", False)])
def test_scenario_id_pattern(scenario_id, ok):
    if ok:
        assert v.parse_scenario_id(scenario_id) == scenario_id
    else:
        with pytest.raises(FieldError, match="id must be 3 to 48 capital letters"):
            v.parse_scenario_id(scenario_id)


def test_dedupe_scenarios_rejects_the_later_file(tmp_path):
    first = scenario(tmp_path, SCENARIO, "b.yaml")
    second = scenario(tmp_path, SCENARIO, "a.yaml")
    other = scenario(tmp_path, SCENARIO.replace("FI-HYBRID-2026", "FI-OTHER-2026"), "c.yaml")
    broken = scenario(tmp_path, "x: [", "d.yaml")
    result = v.dedupe_scenarios([first, other, broken, second])
    assert [r.source_file for r in result] == ["scenarios/a.yaml", "scenarios/b.yaml",
                                               "scenarios/c.yaml", "scenarios/d.yaml"]
    assert result[0] is second and result[2] is other and result[3] is broken
    rejected = result[1]
    assert rejected.scenario is None and rejected.requirements == []
    assert rejected.sha256 == first.sha256
    assert rejected.rejects == [Reject(
        "scenarios/b.yaml", None, None, "id", "FI-HYBRID-2026",
        "scenario id 'FI-HYBRID-2026' is already used by scenarios/a.yaml; each scenario "
        "needs its own id, so this file is not used")]


# --- concurrency cases ----------------------------------------------------------


def case(tmp_path, text: str) -> v.CaseReport:
    path = tmp_path / "case.yaml"
    path.write_text(text)
    report = v.validate_case(path, "scenarios/concurrency/case.yaml", set(INVOKING))
    if report.rejects:
        assert report.case is None and report.scenario_ids == []
        assert all(r.row_number is None for r in report.rejects)
    return report


def test_case_accepted(tmp_path):
    report = case(tmp_path, "id: BALTIC-NORDIC-2026\nname: Both at once\n"
                            "scenarios: [FI-HYBRID-2026, lt-border-2026]\n")
    assert report.rejects == []
    assert report.case == {"case_id": "BALTIC-NORDIC-2026", "name": "Both at once",
                           "source_file": "scenarios/concurrency/case.yaml"}
    assert report.scenario_ids == ["FI-HYBRID-2026", "LT-BORDER-2026"]


@pytest.mark.parametrize("scenarios, column, fragment", [
    ("[FI-HYBRID-2026]", "scenarios", "at least 2 different scenarios, got 1"),
    ("[FI-HYBRID-2026, FI-HYBRID-2026]", "scenarios[1]", "listed twice"),
    ("[FI-HYBRID-2026, XX-NONE]", "scenarios[1]", "'XX-NONE' is not a known scenario"),
    ("FI-HYBRID-2026", "scenarios", "must be a list"),
])
def test_case_rules(tmp_path, scenarios, column, fragment):
    report = case(tmp_path, f"id: CASE-1\nname: x\nscenarios: {scenarios}\n")
    by_column = {r.column: r.reason for r in report.rejects}
    assert fragment in by_column[column]


def test_case_id_name_and_keys(tmp_path):
    report = case(tmp_path, "id: c\nscenarios: [FI-HYBRID-2026, LT-BORDER-2026]\nnotes: x\n")
    assert {r.column for r in report.rejects} == {"id", "name", "notes"}


def test_missing_scenario_file(tmp_path):
    report = v.validate_scenario(tmp_path / "gone.yaml", "scenarios/gone.yaml", STATES, CAPS)
    assert report.sha256 is None and report.scenario is None
    assert [(r.row_number, r.column) for r in report.rejects] == [(None, None)]
    assert "could not be opened" in report.rejects[0].reason
