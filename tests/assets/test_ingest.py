"""Ingestion as the data contract says, on small real CSV/XLSX/YAML files: each rule
with a failing and a passing example, materialised through the real assets."""

from __future__ import annotations

import zipfile

import duckdb
import pytest

from pipelines.lib.warehouse import query_df
from tests.support import inv, line, scenario

UAS = "BS.SURV.UAS"
INGEST = "stg_member_states* stg_capabilities* stg_inventory* ingest_superseded* stg_scenarios* " \
         "stg_requirements* stg_concurrency_cases* stg_offers* ingest_rejects* ingest_files*"


def ingest(run_pipeline, data_dir, **kw):
    run = run_pipeline(data_dir, **kw)
    assert run.result.success
    return run


def rejects(run):
    return run.df('SELECT source_file, sheet, row_number, "column", value, reason FROM ingest_rejects')


def a_scenario(data_dir):
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", UAS, 2, 10)]))


def test_bad_rows_are_explained_and_the_rest_still_loads(data_dir, run_pipeline):
    a_scenario(data_dir)
    data_dir.inventory("SE", [
        inv("SE", UAS, 4, 5),
        inv("SE", UAS, 2, "2 weeks"),
        inv("UK", UAS, -2, 5),
        inv("SE", "BS.SURV.SATX", 1, 5, availability=1.5),
        inv("SE", UAS, 1, 10, available_from=2030, available_until=2028),
    ])
    run = ingest(run_pipeline, data_dir)
    assert run.query("SELECT row_number FROM stg_inventory") == [(2,)]
    got = {(r.row_number, r.column): (r.value, r.reason) for r in rejects(run).itertuples()}
    assert got[(3, "readiness_days")] == (
        "2 weeks", "readiness_days must be a whole number of days between 0 and 365, got '2 weeks'")
    assert got[(4, "member_state")][0] == "UK" and "not an EU member state" in got[(4, "member_state")][1]
    assert got[(4, "quantity")][0] == "-2"
    assert "capability taxonomy" in got[(5, "capability_code")][1]
    assert "availability" in got[(5, "availability")][1]
    assert "available_from" in got[(6, "available_until")][1]
    assert set(rejects(run).source_file) == {"inbox/inventory/SE.csv"}
    files = run.df("SELECT * FROM ingest_files WHERE source_file = 'inbox/inventory/SE.csv'").iloc[0]
    assert (files.rows_read, files.rows_accepted, files.rows_rejected, files.rows_superseded) == (5, 1, 4, 0)
    assert run.check_results()["ingest_reconciliation"] is True


def test_xlsx_inventory_on_its_named_sheet_or_the_first(data_dir, run_pipeline):
    a_scenario(data_dir)
    data_dir.inventory("PL", [inv("PL", UAS, 3, 5)], fmt="xlsx")
    path = data_dir.root / "inbox/inventory/DE.xlsx"
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.title = "instructions"
    wb.active.append(["Fill in the inventory sheet"])
    ws = wb.create_sheet("Inventory")
    ws.append(["member_state", "capability_code", "quantity", "readiness_days", "as_of"])
    ws.append(["DE", UAS, 7, 10, "2026-03-31"])
    wb.save(path)
    run = ingest(run_pipeline, data_dir)
    assert sorted(run.query("SELECT member_state, sheet, quantity FROM stg_inventory")) == [
        ("DE", "Inventory", 7.0), ("PL", "inventory", 3.0)]


def test_headers_any_case_a_bom_and_el_for_greece(data_dir, run_pipeline):
    a_scenario(data_dir)
    data_dir.write_csv("inbox/inventory/gr.csv",
                       [" Member_State ", "CAPABILITY_CODE", "Quantity", "readiness_days ", "as_of"],
                       [["EL", UAS, 2, 5, "2026-03-31"]], encoding="utf-8-sig")
    run = ingest(run_pipeline, data_dir)
    assert run.query("SELECT member_state, quantity FROM stg_inventory") == [("GR", 2.0)]
    assert rejects(run).empty


def test_defaults_of_optional_columns(data_dir, run_pipeline):
    a_scenario(data_dir)
    data_dir.write_csv("inbox/inventory/pl.csv", ["member_state", "capability_code", "quantity", "readiness_days"],
                       [["PL", UAS, 2, 5]])
    run = ingest(run_pipeline, data_dir)
    import datetime as dt
    row = run.query("SELECT availability, deployable_abroad, nato_committed, available_from, "
                    "available_until, as_of FROM stg_inventory")[0]
    modified = dt.datetime.fromtimestamp((data_dir.root / "inbox/inventory/pl.csv").stat().st_mtime,
                                         tz=dt.timezone.utc).date()
    assert row == (1.0, True, 0.0, None, None, modified)


def test_a_file_missing_a_required_column_is_recorded_once(data_dir, run_pipeline):
    a_scenario(data_dir)
    data_dir.write_csv("inbox/inventory/bad.csv", ["member_state", "capability_code", "quantity"],
                       [["PL", UAS, 2]])
    data_dir.inventory("SE", [inv("SE", UAS, 1, 5)])
    run = ingest(run_pipeline, data_dir)
    bad = rejects(run)
    assert len(bad) == 1
    assert bad.row_number.isna().all() and "readiness_days" in bad.reason[0]
    assert run.query("SELECT member_state FROM stg_inventory") == [("SE",)]


@pytest.mark.parametrize("name, content, words", [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted"),
    ("photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0IHDR" + b"\0" * 100, "binary"),
    ("empty.csv", b"", "empty"),
])
def test_unreadable_files_are_recorded_not_fatal(data_dir, run_pipeline, name, content, words):
    a_scenario(data_dir)
    (data_dir.root / "inbox/inventory" / name).write_bytes(content)
    data_dir.inventory("SE", [inv("SE", UAS, 1, 5)])
    run = ingest(run_pipeline, data_dir)
    bad = rejects(run)
    assert list(bad.source_file) == [f"inbox/inventory/{name}"]
    assert bad.row_number.isna().all() and words in bad.reason[0].lower()
    assert run.query("SELECT count(*) FROM stg_inventory") == [(1,)]


def test_a_submission_with_a_header_but_no_rows_is_recorded_not_silently_empty(
        data_dir, run_pipeline):
    a_scenario(data_dir)
    data_dir.inventory("EE", [])
    data_dir.write_xlsx("inbox/offers/SE.xlsx", "offers",
                        ["scenario_id", "member_state", "capability_code", "quantity",
                         "available_in_days"], [])
    data_dir.inventory("SE", [inv("SE", UAS, 1, 5)])
    run = ingest(run_pipeline, data_dir)
    assert run.query('SELECT source_file, sheet, row_number, "column", value, reason '
                     "FROM ingest_rejects ORDER BY source_file") == [
        ("inbox/inventory/EE.csv", None, None, None, None,
         "the file has a header but no data rows; nothing would be loaded"),
        ("inbox/offers/SE.xlsx", "offers", None, None, None,
         "the sheet 'offers' has a header but no data rows; nothing would be loaded"),
    ]
    assert sorted(run.query(
        "SELECT source_file, file_rejected, rows_read, rows_accepted, rows_rejected, "
        "rows_superseded FROM ingest_files WHERE rows_accepted = 0")) == [
        ("inbox/inventory/EE.csv", True, 0, 0, 0, 0),
        ("inbox/offers/SE.xlsx", True, 0, 0, 0, 0),
    ]
    assert run.check_results()["ingest_reconciliation"] is True
    assert run.query("SELECT member_state FROM stg_inventory") == [("SE",)]


def test_an_xlsx_zip_bomb_is_refused_before_parsing(data_dir, run_pipeline, monkeypatch):
    a_scenario(data_dir)
    path = data_dir.root / "inbox/inventory/bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * 30_000_000 + "</a>")
    run = ingest(run_pipeline, data_dir)
    bad = rejects(run)
    assert list(bad.source_file) == ["inbox/inventory/bomb.xlsx"]
    assert "compress" in bad.reason[0].lower() or "size" in bad.reason[0].lower()


def test_supersession_keeps_only_each_states_latest_submission(data_dir, run_pipeline):
    a_scenario(data_dir)
    data_dir.inventory("LV_2025", [inv("LV", UAS, 9, 5, as_of="2025-09-30"), inv("LV", UAS, 1, 5, as_of="2025-09-30")])
    data_dir.inventory("LV_2026a", [inv("LV", UAS, 2, 5)])
    data_dir.inventory("LV_2026b", [inv("LV", UAS, 3, 10)], fmt="xlsx")
    run = ingest(run_pipeline, data_dir)
    assert sorted(run.query("SELECT source_file, quantity FROM stg_inventory")) == [
        ("inbox/inventory/LV_2026a.csv", 2.0), ("inbox/inventory/LV_2026b.xlsx", 3.0)]
    superseded = run.query("SELECT source_file, row_number, superseded_by FROM ingest_superseded ORDER BY 2")
    assert superseded == [
        ("inbox/inventory/LV_2025.csv", r, "inbox/inventory/LV_2026a.csv; inbox/inventory/LV_2026b.xlsx")
        for r in (2, 3)]
    assert run.query("SELECT rows_read, rows_accepted, rows_superseded FROM ingest_files "
                     "WHERE source_file = 'inbox/inventory/LV_2025.csv'") == [(2, 0, 2)]


def test_a_broken_scenario_is_rejected_whole_and_the_others_load(data_dir, run_pipeline):
    a_scenario(data_dir)
    broken = scenario("SE-B", "SE", [line("L1", UAS, 2, 10), line("L2", UAS, -1, 10)])
    data_dir.scenario("se", broken)
    run = ingest(run_pipeline, data_dir)
    assert run.query("SELECT scenario_id FROM stg_scenarios") == [("FI-A",)]
    assert run.query("SELECT DISTINCT scenario_id FROM stg_requirements") == [("FI-A",)]
    bad = rejects(run)
    assert list(bad.source_file) == ["scenarios/se.yaml"]
    assert bad.row_number.isna().all()
    assert "quantity" in bad.column[0]


@pytest.mark.parametrize("text, words", [
    ("id: NO-1\nid: NO-2\n", "appears twice"),
    ("!!python/object/apply:os.system ['echo hi']\n", ""),
])
def test_unsafe_or_ambiguous_yaml_is_rejected(data_dir, run_pipeline, text, words):
    a_scenario(data_dir)
    data_dir.scenario("evil", text)
    run = ingest(run_pipeline, data_dir)
    bad = rejects(run)
    assert set(bad.source_file) == {"scenarios/evil.yaml"}
    assert words in " ".join(bad.reason).lower()
    assert run.query("SELECT scenario_id FROM stg_scenarios") == [("FI-A",)]


def test_a_state_code_like_no_never_becomes_a_boolean(data_dir, run_pipeline):
    data_dir.scenario("no", "id: NO-TEST\nname: Norway is not EU\ninvoking_state: NO\n"
                            "nato_article5_concurrent: false\nrequirements:\n"
                            f"  - {{id: L1, role: border_security, capability: {UAS}, quantity: 1, "
                            "max_readiness_days: 5, criticality: essential}\n")
    run = ingest(run_pipeline, data_dir)
    bad = rejects(run)
    assert list(bad.value) == ["NO"]
    assert "not an EU member state" in bad.reason[0]


def test_concurrency_cases_and_offers_are_staged(data_dir, run_pipeline):
    a_scenario(data_dir)
    data_dir.scenario("lt", scenario("LT-A", "LT", [line("L1", UAS, 2, 10)]))
    data_dir.case("c", {"id": "FI-LT", "name": "Both", "scenarios": ["FI-A", "LT-A"]})
    data_dir.case("bad", {"id": "FI-XX", "name": "Unknown", "scenarios": ["FI-A", "XX-A"]})
    data_dir.write_csv("inbox/offers/o.csv",
                       ["scenario_id", "member_state", "capability_code", "quantity", "available_in_days"],
                       [["FI-A", "SE", UAS, 2, 5], ["FI-A", "FI", UAS, 2, 5]])
    run = ingest(run_pipeline, data_dir)
    assert run.query("SELECT case_id, scenario_id FROM stg_concurrency_cases") == [("FI-LT", "FI-A"), ("FI-LT", "LT-A")]
    assert run.query("SELECT member_state FROM stg_offers") == [("SE",)]
    bad = rejects(run)
    assert set(bad.source_file) == {"scenarios/concurrency/bad.yaml", "inbox/offers/o.csv"}
    assert "cannot offer aid to itself" in bad[bad.source_file == "inbox/offers/o.csv"].reason.iloc[0]


def test_the_bundled_data_loads_with_its_deliberate_bad_rows_explained(tmp_path, run_pipeline):
    from tests.support import DataDir, REPO
    run = run_pipeline(DataDir.existing(REPO / "data"), warehouse=tmp_path / "bundled.duckdb")
    assert run.result.success
    assert run.failed_checks() == []
    states = {r[0] for r in run.query("SELECT DISTINCT member_state FROM stg_inventory")}
    assert len(states) == 27
    assert run.query("SELECT count(*) FROM stg_scenarios")[0][0] >= 8
    assert run.query("SELECT count(DISTINCT case_id) FROM stg_concurrency_cases")[0][0] >= 2
    assert run.query("SELECT count(*) FROM ingest_rejects")[0][0] > 0
    assert run.query("SELECT count(*) FROM ingest_superseded")[0][0] > 0
    assert run.query("SELECT count(*) FROM ingest_rejects WHERE reason IS NULL OR reason = ''") == [(0,)]


# ---- the checks can fail: tamper with a materialised warehouse and ask them again

@pytest.mark.parametrize("check, tamper", [
    ("ingest_unique_keys", "INSERT INTO stg_inventory SELECT * FROM stg_inventory LIMIT 1"),
    ("ingest_reconciliation", "UPDATE ingest_files SET rows_read = rows_read + 1"),
    ("inventory_references", "UPDATE stg_inventory SET member_state = 'XX'"),
    ("scenarios_have_lines", "DELETE FROM stg_requirements"),
    ("ladder", "UPDATE gap_lines SET shortfall = shortfall + 1"),
    ("criticality_first", "UPDATE gap_lines SET allocated = allocated / 2"),
    ("allocation_bounds", "UPDATE gap_lines SET coverage = 1.5"),
    ("contributions_sum", "UPDATE gap_contributions SET allocated = allocated * 2"),
    ("rollups", "UPDATE gap_roles SET required = required + 1"),
    ("case_bounds", "UPDATE gap_cases SET covered = required * 2"),
    ("offer_bounds", "UPDATE offer_surplus SET used = offered + 1"),
])
def test_each_check_fails_on_a_wrong_table(data_dir, run_pipeline, check, tamper):
    data_dir.inventory("PL", [inv("PL", UAS, 3, 5)])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", UAS, 2, 10)]))
    data_dir.scenario("lt", scenario("LT-A", "LT", [line("L1", UAS, 2, 10)]))
    data_dir.case("c", {"id": "FI-LT", "name": "Both", "scenarios": ["FI-A", "LT-A"]})
    data_dir.write_csv("inbox/offers/o.csv",
                       ["scenario_id", "member_state", "capability_code", "quantity", "available_in_days"],
                       [["FI-A", "SE", UAS, 2, 5]])
    run = ingest(run_pipeline, data_dir)
    assert run.check_results()[check] is True
    con = duckdb.connect(str(run.warehouse))
    try:
        assert query_df(con, f"check_{check}", {"base_year": 2026, "horizon_years": 2}).empty
        con.execute(tamper)
        assert not query_df(con, f"check_{check}", {"base_year": 2026, "horizon_years": 2}).empty
    finally:
        con.close()
