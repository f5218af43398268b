"""The Monte Carlo of methodology §10 through the real assets (group `confidence`).

With every availability and participation equal to 1 nothing is uncertain, so every
draw is §3's allocation: mc_lines must reproduce gap_lines (coverage, shortfall, met).
"""

from __future__ import annotations

import pytest
from dagster import AssetSelection

from tests.support import inv, line, scenario

UAS, INF, CYBER = "BS.SURV.UAS", "BS.INF.LIGHT", "DS.CYBER.RRT"
SELECTION = AssetSelection.groups("ingest", "gaps", "confidence")
MC_CHECKS = {"mc_bounds", "mc_certain"}
PARTICIPATION = ["member_state", "role", "probability", "source"]


def certain_inputs(data_dir):
    """Caveats, NATO shares under Art. 5, years in service, fractional quantities, a
    capability with lines of both roles: everything but chance."""
    data_dir.inventory("FI", [inv("FI", UAS, 3, 5, deployable_abroad="false"),
                              inv("FI", INF, 2.5, 2, available_until=2026)])
    data_dir.inventory("SE", [inv("SE", UAS, 4, 20), inv("SE", INF, 3, 10),
                              inv("SE", CYBER, 2, 1)])
    data_dir.inventory("PL", [inv("PL", UAS, 2, 10, nato_committed=0.5),
                              inv("PL", INF, 4, 30, available_from=2027),
                              inv("PL", CYBER, 1.5, 5, deployable_abroad="false")])
    data_dir.scenario("fi-x", scenario("FI-X", "FI", [
        line("A", UAS, 2, 10, rotation=3, criticality="essential"),
        line("B", UAS, 2, 30, criticality="important"),
        line("C", INF, 3, 10, criticality="essential"),
        line("D", INF, 4, 30, criticality="important", role="domestic_support"),
        line("E", CYBER, 1, 5, criticality="essential", role="domestic_support"),
    ], art5=True))
    data_dir.scenario("pl-y", scenario("PL-Y", "PL", [
        line("A", CYBER, 3, 5, criticality="essential", role="domestic_support"),
        line("B", INF, 2, 60, criticality="desirable"),
    ]))
    data_dir.write_csv("reference/participation.csv", PARTICIPATION,
                       [["SE", "*", 1, "test: certain"], ["PL", "border_security", 1.0, ""]])


def test_with_everything_certain_the_monte_carlo_reproduces_gap_lines(data_dir, run_pipeline):
    certain_inputs(data_dir)
    run = run_pipeline(data_dir, horizon_years=2, selection=SELECTION)
    assert run.result.success
    checks = run.check_results()
    assert all(checks[name] for name in MC_CHECKS | {"participation_complete"}), checks

    both = run.df(
        "SELECT g.scenario_id, g.year, g.line_id, g.coverage, g.shortfall, m.p_met, "
        "m.coverage_mean, m.coverage_p05, m.coverage_p50, m.coverage_p95, m.shortfall_mean, "
        "m.draws, m.seed FROM gap_lines AS g "
        "FULL JOIN mc_lines AS m USING (scenario_id, year, line_id) ORDER BY ALL")
    assert len(both) == 7 * 3 and both.notna().all().all()
    assert set(both.p_met) == {0.0, 1.0} and (both.shortfall > 0).any()  # both kinds occur
    assert (both.p_met == (both.shortfall == 0)).all()
    for column in ("coverage_mean", "coverage_p05", "coverage_p50", "coverage_p95"):
        assert both[column].to_numpy() == pytest.approx(both.coverage.to_numpy(), abs=1e-12)
    assert both.shortfall_mean.to_numpy() == pytest.approx(both.shortfall.to_numpy(), abs=1e-9)
    assert set(both.draws) == {1000} and set(both.seed) == {42}

    caps = run.df("SELECT * FROM mc_capabilities ORDER BY ALL")
    assert caps.shortfall_mean.to_numpy() == pytest.approx(caps.shortfall.to_numpy(), abs=1e-9)
    assert (caps.p_no_shortfall == (caps.shortfall == 0)).all()
    roles = run.df(
        "SELECT m.p_essential_met, bool_and(l.shortfall = 0 OR l.criticality <> 'essential') "
        "AS met FROM mc_roles AS m JOIN gap_lines AS l USING (scenario_id, year, role) "
        "GROUP BY ALL")
    assert (roles.p_essential_met == roles.met).all()
    assert run.query("SELECT count(*) FROM mc_roles") == run.query("SELECT count(*) FROM gap_roles")


def uncertain_inputs(data_dir):
    certain_inputs(data_dir)
    data_dir.inventory("SE", [inv("SE", UAS, 4, 20, availability=0.5),
                              inv("SE", INF, 3, 10, availability=0.8), inv("SE", CYBER, 2, 1)])
    data_dir.write_csv("reference/participation.csv", PARTICIPATION,
                       [["SE", "*", 0.6, "test"], ["PL", "border_security", 0.3, ""]])


def test_two_refreshes_with_the_same_seed_give_identical_tables(data_dir, run_pipeline, tmp_path):
    uncertain_inputs(data_dir)
    one = run_pipeline(data_dir, selection=SELECTION, warehouse=tmp_path / "one.duckdb")
    two = run_pipeline(data_dir, selection=SELECTION, warehouse=tmp_path / "two.duckdb")
    assert one.result.success and two.result.success
    assert not any(one.check_results()[name] is False for name in MC_CHECKS)
    for table in ("mc_lines", "mc_capabilities", "mc_roles"):
        sql = f"SELECT * FROM {table}"
        assert one.df(sql).to_csv() == two.df(sql).to_csv(), table
    p_met = one.df("SELECT p_met FROM mc_lines").p_met
    assert ((p_met > 0) & (p_met < 1)).any()

    # The UI shows per scenario the chance that every essential line is met (base year).
    metadata = next(
        e.event_specific_data.materialization.metadata
        for e in one.result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
        and e.event_specific_data.materialization.asset_key.to_user_string() == "mc_roles"
    )
    shown = metadata["essential_met_base_year"].value
    assert "FI-X" in shown and "PL-Y" in shown


def test_a_rejected_participation_row_withholds_the_monte_carlo_figures(data_dir, run_pipeline):
    """A missing estimate would count as certain: no figures rather than false ones, and
    the check names the row; everything else (the reports too) refreshes as usual."""
    certain_inputs(data_dir)
    data_dir.write_csv("reference/participation.csv", PARTICIPATION,
                       [["SE", "*", 1.2, "too high"]])
    run = run_pipeline(data_dir, selection=SELECTION)
    assert run.check_results()["participation_complete"] is False
    materialised = {
        e.event_specific_data.materialization.asset_key.to_user_string()
        for e in run.result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"
    }
    assert {"gap_lines", "mc_lines", "mc_capabilities", "mc_roles"} <= materialised
    for table in ("mc_lines", "mc_capabilities", "mc_roles"):
        assert run.query(f"SELECT count(*) FROM {table}") == [(0,)], table
    metadata = run.result.asset_materializations_for_node("monte_carlo")[0].metadata
    assert "participation.csv row 2: probability must be a share" in metadata["withheld"].value
