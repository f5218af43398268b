"""gap_changes: what changed since the previous refresh, one row per scenario and
capability, named down to the input cell. Real assets, run twice on one warehouse with
an input file changed in between."""

from __future__ import annotations

import pytest
from dagster import AssetSelection

from tests.support import inv, line, scenario

UAS = "BS.SURV.UAS"
INF = "BS.INF.LIGHT"
# Everything gap_changes needs, and what the checks on those assets read.
SELECTION = AssetSelection.assets(
    "gap_changes", "int_ladder_bounds", "gap_roles").upstream().required_multi_asset_neighbors()


def inputs(data_dir, pl_uas_readiness=30, fi_quantity=4, extra_se_row=False, pl_order=1):
    """FI-X needs 4 UAS within 10 days; PL holds 4 at `pl_uas_readiness` days, SE 1."""
    pl = [inv("PL", INF, 2, 5), inv("PL", UAS, 4, pl_uas_readiness)]
    data_dir.inventory("inventory_PL_2026", pl[::pl_order])
    se = [inv("SE", UAS, 1, 5)] + ([inv("SE", UAS, 2, 5)] if extra_se_row else [])
    data_dir.inventory("inventory_SE_2026", se)
    data_dir.scenario("fi-x", scenario("FI-X", "FI", [
        line("BS-01", UAS, fi_quantity, 10),
        line("BS-02", INF, 1, 10),
    ]))


def twice(data_dir, run_pipeline, tmp_path, change):
    warehouse = tmp_path / "changes.duckdb"
    first = run_pipeline(data_dir, horizon_years=3, selection=SELECTION, warehouse=warehouse)
    assert first.result.success
    change()
    second = run_pipeline(data_dir, horizon_years=3, selection=SELECTION, warehouse=warehouse)
    assert second.result.success
    assert second.failed_checks() == []
    return first, second


def changes(run) -> dict:
    frame = run.df("SELECT * FROM gap_changes")
    return {(r.scenario_id, r.capability_code): r for r in frame.itertuples()}


def test_the_first_refresh_has_nothing_to_compare(data_dir, run_pipeline):
    inputs(data_dir)
    run = run_pipeline(data_dir, horizon_years=3, selection=SELECTION)
    assert run.result.success
    assert run.failed_checks() == []
    assert run.query("SELECT count(*) FROM gap_changes") == [(0,)]
    # Its inputs are on record under gap_history's run id, for tomorrow.
    assert run.query("SELECT run_id, previous_run_id FROM input_history") \
        == [(run.result.run_id, None)]
    assert run.query("SELECT DISTINCT run_id FROM gap_history") == [(run.result.run_id,)]
    assert run.query("SELECT count(*) FROM input_history_inventory WHERE run_id = ?",
                     [run.result.run_id]) == [(3,)]


def test_one_inventory_cell_is_named_by_file_row_column_old_new(data_dir, run_pipeline, tmp_path):
    inputs(data_dir)
    first, second = twice(data_dir, run_pipeline, tmp_path,
                          lambda: inputs(data_dir, pl_uas_readiness=10))

    rows = changes(second)
    assert set(rows) == {("FI-X", UAS)}
    row = rows["FI-X", UAS]
    assert row.change == "better"
    assert row.years == "2026–2029"
    assert row.first_year == 2026 and row.years_changed == 4
    assert (row.shortfall_before, row.shortfall_now) == pytest.approx((3, 0))
    assert row.largest_shortfall_change == pytest.approx(-3) and row.largest_change_year == 2026
    assert row.risk_now == "none" and row.risk_before != "none"
    assert row.input_rows_changed == 1
    # PL's UAS row is row 3 of its file (header = 1, the infantry row = 2).
    assert (row.cause_file, row.cause_row, row.cause_column, row.cause_old, row.cause_new) \
        == ("inbox/inventory/inventory_PL_2026.csv", 3, "readiness_days", "30", "10")
    assert row.cause == "inventory_PL_2026.csv row 3: readiness_days 30 → 10"
    assert (row.run_id, row.previous_run_id) == (second.result.run_id, first.result.run_id)

    # Only the two runs gap_history compares are kept; the older one only its changed row.
    kept = second.query(
        "SELECT run_id, count(*) FROM input_history_inventory GROUP BY 1 ORDER BY 2")
    assert kept == [(first.result.run_id, 1), (second.result.run_id, 3)]


def test_a_reordered_file_still_names_the_changed_row(data_dir, run_pipeline, tmp_path):
    inputs(data_dir)
    _, second = twice(data_dir, run_pipeline, tmp_path,
                      lambda: inputs(data_dir, pl_uas_readiness=10, pl_order=-1))
    row = changes(second)["FI-X", UAS]
    assert row.cause == "inventory_PL_2026.csv row 2: readiness_days 30 → 10"
    assert ("FI-X", INF) not in changes(second)  # the infantry row only moved


def test_a_requirement_change_is_named_by_scenario_line_and_key(data_dir, run_pipeline, tmp_path):
    inputs(data_dir)
    _, second = twice(data_dir, run_pipeline, tmp_path, lambda: inputs(data_dir, fi_quantity=6))
    rows = changes(second)
    assert set(rows) == {("FI-X", UAS)}
    row = rows["FI-X", UAS]
    assert row.change == "worse"
    assert (row.cause_file, row.cause_line_id, row.cause_column, row.cause_old, row.cause_new) \
        == ("scenarios/fi-x.yaml", "BS-01", "quantity", "4", "6")
    assert second.query("SELECT cause_row FROM gap_changes") == [(None,)]
    assert row.cause == "scenario FI-X line BS-01: quantity 4 → 6"


def test_an_added_row_is_named_by_file_and_row(data_dir, run_pipeline, tmp_path):
    inputs(data_dir)
    _, second = twice(data_dir, run_pipeline, tmp_path, lambda: inputs(data_dir, extra_se_row=True))
    row = changes(second)["FI-X", UAS]
    assert row.change == "better"
    assert (row.cause_file, row.cause_row) == ("inbox/inventory/inventory_SE_2026.csv", 3)
    assert row.cause == "inventory_SE_2026.csv row 3 added"


def test_two_changed_rows_give_no_single_cause(data_dir, run_pipeline, tmp_path):
    inputs(data_dir)
    _, second = twice(data_dir, run_pipeline, tmp_path,
                      lambda: inputs(data_dir, pl_uas_readiness=10, extra_se_row=True))
    row = changes(second)["FI-X", UAS]
    assert row.input_rows_changed == 2
    assert row.cause == "2 input rows changed for this capability"
    assert all(getattr(row, c) is None
               for c in ("cause_file", "cause_column", "cause_old", "cause_new"))


def test_a_newer_submission_is_named_as_the_cause(data_dir, run_pipeline, tmp_path):
    inputs(data_dir)

    def resubmit():
        data_dir.inventory("inventory_PL_2026b", [
            inv("PL", INF, 2, 5, as_of="2026-06-30"), inv("PL", UAS, 4, 10, as_of="2026-06-30")])

    _, second = twice(data_dir, run_pipeline, tmp_path, resubmit)
    rows = changes(second)
    assert set(rows) == {("FI-X", UAS)}  # the infantry row says the same in the new file
    assert rows["FI-X", UAS].cause == (
        "inventory_PL_2026b.csv row 3: readiness_days 30 → 10 "
        "(superseding inventory_PL_2026.csv row 3)")
    assert rows["FI-X", UAS].cause_file == "inbox/inventory/inventory_PL_2026b.csv"


def test_without_the_previous_runs_inputs_no_cause_is_claimed(data_dir, run_pipeline, tmp_path):
    warehouse = tmp_path / "changes.duckdb"
    inputs(data_dir)
    # A run that writes gap_history but not input_history (a partial selection).
    gaps_only = AssetSelection.assets(
        "gap_history", "int_ladder_bounds", "gap_roles").upstream().required_multi_asset_neighbors()
    first = run_pipeline(data_dir, horizon_years=3, selection=gaps_only, warehouse=warehouse)
    assert first.result.success
    inputs(data_dir, pl_uas_readiness=10)
    second = run_pipeline(data_dir, horizon_years=3, selection=SELECTION, warehouse=warehouse)
    assert second.result.success and second.failed_checks() == []
    row = changes(second)["FI-X", UAS]
    assert row.change == "better"
    assert row.cause == "the inputs of the previous refresh are not on record"
    assert row.cause_file is None and row.input_rows_changed != row.input_rows_changed  # null

    # input_history alone, in a run that did not write gap_history, refuses to store.
    alone = run_pipeline(data_dir, horizon_years=3, selection=["input_history"],
                         warehouse=warehouse)
    assert not alone.result.success
    assert alone.query("SELECT run_id FROM input_history") == [(second.result.run_id,)]
