"""The §11 option assets on small real files: the choice per budget, the frontier and the
effects, the engine's re-evaluation, and the checks that catch a tampered choice."""

from __future__ import annotations

import duckdb
import pytest

from tests.assets.test_options_ingest import option, write_options
from tests.support import inv, line, scenario

UAS = "BS.SURV.UAS"


def case(data_dir):
    """FI needs 6 UAS (essential) and holds 2; PL-A (4 UAS, 100 M€) and PL-B (2 UAS, 40 M€)
    exclude each other; SE-C (3 UAS, 60 M€) requires PL-B."""
    data_dir.inventory("FI", [inv("FI", UAS, 2, 5)])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", UAS, 6, 10)]))
    write_options(data_dir, "catalogue.yaml", {
        "id": "TEST-OPTIONS", "budget_meur": 100, "budgets_meur": [0, 50, 100, 200],
        "options": [
            option("OPT-PL-A", quantity=4, cost_meur=100, excludes=["OPT-PL-B"]),
            option("OPT-PL-B", quantity=2, cost_meur=40),
            option("OPT-SE-C", member_state="SE", quantity=3, cost_meur=60,
                   requires=["OPT-PL-B"]),
        ],
    })


def frontier(run) -> dict:
    return {b: (w, ids) for b, w, ids in run.query(
        "SELECT budget_meur, weighted_shortfall, option_ids FROM option_frontier")}


def test_the_choice_per_budget_by_hand(data_dir, run_pipeline):
    case(data_dir)
    run = run_pipeline(data_dir, horizon_years=0)
    assert run.result.success
    assert run.check_results()["option_choice"] and run.check_results()["option_engine_agrees"]
    points = frontier(run)
    # Likelihood 3 (default) × weight 100 × shortfall; FI holds 2 of 6.
    assert points[0][0] == pytest.approx(300 * 4) and points[0][1] == ""
    assert points[50][0] == pytest.approx(300 * 2) and points[50][1] == "OPT-PL-B"
    # 100 M€: PL-A alone (4 UAS) closes the gap; PL-B + SE-C (5) would too but costs the same
    # or more with two options: the cheaper, then the fewer options win.
    assert points[100][0] == pytest.approx(0) and points[100][1] == "OPT-PL-A"
    assert points[200] == (pytest.approx(0), "OPT-PL-A")
    chosen = run.query("SELECT option_id FROM option_choice WHERE budget_meur = 100 AND selected")
    assert chosen == [("OPT-PL-A",)]
    assert run.query("SELECT shortfall_before, shortfall_after FROM option_effects "
                     "WHERE scenario_id = 'FI-A'") == [(pytest.approx(4), pytest.approx(0))]


def test_an_option_after_the_horizon_changes_nothing(data_dir, run_pipeline):
    data_dir.inventory("FI", [inv("FI", UAS, 2, 5)])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", UAS, 6, 10)]))
    write_options(data_dir, "late.yaml", {"budget_meur": 500, "options": [
        option("OPT-LATE", available_from=2040, cost_meur=0)]})
    run = run_pipeline(data_dir, horizon_years=2)
    assert run.query("SELECT option_ids FROM option_frontier") == [("",)]


def test_the_check_catches_a_choice_over_budget(data_dir, run_pipeline, tmp_path):
    from dagster import AssetSelection
    case(data_dir)
    warehouse = tmp_path / "w.duckdb"
    assert run_pipeline(data_dir, horizon_years=0, warehouse=warehouse).result.success
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE option_choice SET selected = true WHERE budget_meur = 50")
    checks_only = AssetSelection.checks_for_assets("option_choice")
    run = run_pipeline(data_dir, horizon_years=0, warehouse=warehouse, selection=checks_only)
    assert run.check_results()["option_choice"] is False
