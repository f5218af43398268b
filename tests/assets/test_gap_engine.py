"""The gap engine on small hand-computed cases: real assets, a real DuckDB file.

Every expected figure below is worked out by hand from methodology.md.
"""

from __future__ import annotations

import pytest

from tests.support import inv, line, scenario

UAS = "BS.SURV.UAS"
ALL_CHECKS = {
    "inventory_references", "scenario_references", "scenarios_have_lines", "ingest_reconciliation",
    "ingest_unique_keys", "ladder", "criticality_first", "allocation_bounds", "contributions_sum",
    "rollups", "case_bounds", "offer_bounds", "buildup_settles", "unit_requests",
    "covers_report_changes", "participation_complete", "mc_bounds", "mc_certain",
    "option_references", "option_choice", "option_engine_agrees", "lever_references",
    "whatif_baseline", "whatif_is_the_engine",
}


def worked_example(data_dir):
    """Methodology §9."""
    data_dir.inventory("FI", [inv("FI", UAS, 3, 5, deployable_abroad="false")])
    data_dir.inventory("SE", [inv("SE", UAS, 4, 20, availability=0.5)], fmt="xlsx")
    data_dir.inventory("PL", [inv("PL", UAS, 2, 10, nato_committed=0.5)])
    data_dir.scenario("fi-x", scenario("FI-X", "FI", [
        line("A", UAS, 2, 10, rotation=3, criticality="essential"),
        line("B", UAS, 2, 30, rotation=1, criticality="important"),
    ], art5=True))


def test_worked_example_of_the_methodology(data_dir, run_pipeline):
    worked_example(data_dir)
    run = run_pipeline(data_dir, base_year=2026, horizon_years=0)
    assert run.result.success
    assert run.check_results() == {name: True for name in ALL_CHECKS}

    lines = {r[0]: r[1:] for r in run.query(
        "SELECT line_id, required, allocated, shortfall, coverage, risk_level FROM gap_lines "
        "WHERE scenario_id = 'FI-X' AND year = 2026")}
    assert lines["A"][:3] == pytest.approx((6, 4, 2))
    assert lines["A"][3] == pytest.approx(4 / 6)
    assert lines["A"][4] == "significant"
    assert lines["B"][:3] == pytest.approx((2, 2, 0))
    assert lines["B"][4] == "none"

    contributions = dict(run.query(
        "SELECT member_state, allocated FROM gap_contributions WHERE line_id = 'A' ORDER BY 1"))
    assert contributions == pytest.approx({"FI": 3, "PL": 1})
    assert dict(run.query("SELECT member_state, allocated FROM gap_contributions WHERE line_id = 'B'")) \
        == pytest.approx({"SE": 2})

    cap = run.df("SELECT * FROM gap_capabilities WHERE scenario_id = 'FI-X' AND year = 2026").iloc[0]
    assert (cap.required, cap.allocated, cap.shortfall, cap.held) == pytest.approx((8, 6, 2, 9))
    assert (cap.not_deployable, cap.unavailable, cap.nato_committed, cap.too_slow, cap.usable) \
        == pytest.approx((0, 2, 1, 0, 6))
    assert (cap.shortfall_acquisition, cap.shortfall_management) == pytest.approx((0, 2))
    assert cap.risk_level == "significant"


def test_a_rerun_gives_byte_identical_tables(data_dir, run_pipeline, tmp_path):
    worked_example(data_dir)
    first = run_pipeline(data_dir, warehouse=tmp_path / "one.duckdb")
    second = run_pipeline(data_dir, warehouse=tmp_path / "two.duckdb")
    for table in ("stg_inventory", "gap_lines", "gap_capabilities", "gap_contributions",
                  "gap_roles", "gap_priorities", "gap_burden_sharing", "gap_buildup"):
        sql = f"SELECT * FROM {table}"
        assert first.df(sql).to_csv() == second.df(sql).to_csv(), table


def one_line_scenario(data_dir, invoking, quantity, rotation=1, art5=False, readiness=30):
    data_dir.scenario("s", scenario("S-1", invoking, [line("L1", UAS, quantity, readiness, rotation)], art5=art5))


def allocated(run, year=2026):
    return run.query("SELECT allocated FROM gap_lines WHERE line_id = 'L1' AND year = ?", [year])[0][0]


def test_invoking_states_home_only_forces_count_for_its_own_scenario(data_dir, run_pipeline):
    data_dir.inventory("FI", [inv("FI", UAS, 5, 5, deployable_abroad="no")])
    one_line_scenario(data_dir, "FI", 10)
    assert allocated(run_pipeline(data_dir)) == pytest.approx(5)


def test_other_states_home_only_forces_do_not_count(data_dir, run_pipeline):
    data_dir.inventory("SE", [inv("SE", UAS, 5, 5, deployable_abroad="n")])
    one_line_scenario(data_dir, "FI", 10)
    run = run_pipeline(data_dir)
    assert allocated(run) == 0
    assert run.query("SELECT not_deployable, held FROM gap_capabilities WHERE year = 2026")[0] \
        == pytest.approx((5, 5))


@pytest.mark.parametrize("art5, expected", [(True, 3.0), (False, 6.0)])
def test_nato_share_is_taken_off_only_when_article5_runs_concurrently(data_dir, run_pipeline, art5, expected):
    data_dir.inventory("PL", [inv("PL", UAS, 6, 5, nato_committed=0.5)])
    one_line_scenario(data_dir, "FI", 10, art5=art5)
    assert allocated(run_pipeline(data_dir)) == pytest.approx(expected)


def test_rows_outside_their_years_do_not_count(data_dir, run_pipeline):
    data_dir.inventory("PL", [
        inv("PL", UAS, 4, 5, available_from=2027),
        inv("PL", UAS, 1, 5, available_until=2026),
    ])
    one_line_scenario(data_dir, "FI", 10)
    run = run_pipeline(data_dir, base_year=2026, horizon_years=2)
    assert [allocated(run, y) for y in (2026, 2027, 2028)] == pytest.approx([1, 4, 4])


def test_a_line_with_rotation_three_needs_three_times_its_quantity(data_dir, run_pipeline):
    data_dir.inventory("PL", [inv("PL", UAS, 9, 5)])
    one_line_scenario(data_dir, "FI", 4, rotation=3)
    run = run_pipeline(data_dir)
    assert run.query("SELECT required, allocated, shortfall FROM gap_lines WHERE year = 2026")[0] \
        == pytest.approx((12, 9, 3))


def test_units_slower_than_the_line_allows_do_not_count(data_dir, run_pipeline):
    data_dir.inventory("PL", [inv("PL", UAS, 4, 31), inv("PL", UAS, 1, 30)])
    one_line_scenario(data_dir, "FI", 5, readiness=30)
    run = run_pipeline(data_dir)
    assert allocated(run) == pytest.approx(1)
    assert run.query("SELECT too_slow, usable FROM gap_capabilities WHERE year = 2026")[0] \
        == pytest.approx((4, 1))


def test_acquisition_when_the_union_holds_too_little(data_dir, run_pipeline):
    data_dir.inventory("PL", [inv("PL", UAS, 3, 5)])
    one_line_scenario(data_dir, "FI", 5)
    row = run_pipeline(data_dir).query(
        "SELECT shortfall, shortfall_acquisition, shortfall_management FROM gap_capabilities WHERE year = 2026")[0]
    assert row == pytest.approx((2, 2, 0))


def test_concurrency_shows_a_shortfall_the_single_scenarios_hide(data_dir, run_pipeline):
    # Ten deployable Polish systems: enough for Finland alone, enough for Lithuania alone,
    # not for both at once.
    data_dir.inventory("PL", [inv("PL", UAS, 10, 5)])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("F1", UAS, 8, 10)]))
    data_dir.scenario("lt", scenario("LT-A", "LT", [line("L1", UAS, 6, 10)]))
    data_dir.case("both", {"id": "FI-LT", "name": "Both at once", "scenarios": ["FI-A", "LT-A"]})
    run = run_pipeline(data_dir)
    assert run.failed_checks() == []
    assert run.query("SELECT sum(shortfall) FROM gap_lines WHERE year = 2026")[0][0] == 0
    case = run.query(
        "SELECT required, covered, shortfall, shortfall_single_scenarios, concurrency_shortfall "
        "FROM gap_cases WHERE year = 2026")
    assert case == [pytest.approx((14, 10, 4, 0, 4))]


def test_burden_sharing_against_gdp(data_dir, run_pipeline):
    data_dir.inventory("DE", [inv("DE", UAS, 3, 5)])
    data_dir.inventory("PL", [inv("PL", UAS, 1, 5)])
    data_dir.inventory("FI", [inv("FI", UAS, 2, 5)])
    one_line_scenario(data_dir, "FI", 6)
    run = run_pipeline(data_dir)
    rows = {r[0]: r[1:] for r in run.query(
        "SELECT member_state, allocated, contribution_share, gdp_share, fair_share_index "
        "FROM gap_burden_sharing WHERE year = 2026")}
    assert len(rows) == 27
    gdp = dict(run.query("SELECT code, gdp_meur FROM stg_member_states WHERE code <> 'FI'"))
    total_gdp = sum(gdp.values())
    assert rows["DE"][0:2] == pytest.approx((3, 0.75))
    assert rows["DE"][2] == pytest.approx(gdp["DE"] / total_gdp)
    assert rows["DE"][3] == pytest.approx(0.75 / (gdp["DE"] / total_gdp))
    assert rows["FI"] == (pytest.approx(2), None, None, None)
    assert rows["AT"][0:2] == (0, 0)


def test_priorities_rank_by_likelihood_weighted_risk_and_closing_year(data_dir, run_pipeline):
    cyber = "DS.CYBER.RRT"
    data_dir.inventory("PL", [inv("PL", UAS, 1, 5, available_until=2026), inv("PL", UAS, 4, 5, available_from=2028),
                              inv("PL", cyber, 1, 5)])
    data_dir.scenario("a", scenario("A-1", "FI", [line("U", UAS, 4, 10), line("C", cyber, 2, 10, criticality="important")],
                                    likelihood=4))
    run = run_pipeline(data_dir, base_year=2026, horizon_years=3)
    rows = run.query("SELECT rank, capability_code, score, worst_risk, total_shortfall, closes_in_year "
                     "FROM gap_priorities ORDER BY rank")
    # UAS: coverage 1/4 → essential high (4) × likelihood 4 = 16; closes when 4 enter in 2028.
    # Cyber: coverage 1/2 → important moderate (2) × 4 = 8; never closes.
    assert rows == [(1, UAS, 16, "high", pytest.approx(3), 2028), (2, cyber, 8, "moderate", pytest.approx(1), None)]


def test_every_refresh_appends_to_gap_history_and_keeps_earlier_runs(data_dir, run_pipeline, tmp_path):
    worked_example(data_dir)
    warehouse = tmp_path / "history.duckdb"
    first = run_pipeline(data_dir, warehouse=warehouse, horizon_years=0)
    (data_dir.root / "inbox/inventory/PL.csv").unlink()
    second = run_pipeline(data_dir, warehouse=warehouse, horizon_years=0)
    runs = second.query("SELECT run_id, shortfall FROM gap_history ORDER BY run_at, run_id")
    assert {r[0] for r in runs} == {first.result.run_id, second.result.run_id}
    by_run = dict(runs)
    assert by_run[first.result.run_id] == pytest.approx(2)   # as in the worked example
    assert by_run[second.result.run_id] == pytest.approx(3)  # PL's one usable system is gone
