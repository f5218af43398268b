"""The build-up after an invocation (methodology §13) on real assets and a real DuckDB
file: the worked example of §9, checkpoints from the settings, and the check that the
build-up settles on the allocation."""

from __future__ import annotations

import duckdb
import pytest
from dagster import AssetSelection

from pipelines.lib.warehouse import query_df
from tests.assets.test_gap_engine import worked_example
from tests.support import run_assets

GAPS = AssetSelection.groups("ingest", "gaps")

COLUMNS = ["scenario_id", "year", "line_id", "day", "role", "capability_code", "criticality",
           "max_readiness_days", "required", "covered", "covered_if_late"]


def test_the_worked_example_builds_up_day_by_day(data_dir, run_pipeline):
    worked_example(data_dir)
    run = run_pipeline(data_dir, base_year=2026, horizon_years=0, selection=GAPS)
    assert run.result.success
    assert run.failed_checks() == []

    frame = run.df("SELECT * FROM gap_buildup")
    assert list(frame.columns) == COLUMNS
    assert run.query("SELECT DISTINCT day FROM gap_buildup ORDER BY 1") == [
        (d,) for d in (0, 2, 5, 10, 20, 30, 60, 90, 180)]
    points = {(r[0], r[1]): r[2:] for r in run.query(
        "SELECT line_id, day, required, covered, covered_if_late FROM gap_buildup")}
    assert points[("A", 5)] == pytest.approx((6, 3, 3))    # FI's 3 units by day 5
    assert points[("A", 10)] == pytest.approx((6, 4, 4))   # and PL's one by day 10
    assert points[("A", 20)] == pytest.approx((6, 4, 6))   # SE's 2: too slow for A's deadline
    assert points[("B", 10)] == pytest.approx((2, 0, 0))
    assert points[("B", 20)] == pytest.approx((2, 2, 0))   # ... but in time for B's

    met = {r[0]: r[1:] for r in run.query(
        "SELECT line_id, day_met, day_met_if_late FROM gap_lines WHERE year = 2026")}
    # If deadlines could slip, A (essential, first) would take SE's units, and B would
    # never be met: slipping helps the lines first in order, not every line.
    assert met == {"A": (None, 20), "B": (20, None)}
    columns = [r[0] for r in run.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'gap_lines' "
        "ORDER BY ordinal_position")]
    assert columns[-2:] == ["day_met", "day_met_if_late"]
    assert run.query("SELECT data_type FROM information_schema.columns "
                     "WHERE table_name = 'gap_lines' AND column_name LIKE 'day_met%'") \
        == [("INTEGER",), ("INTEGER",)]


def test_checkpoints_come_from_the_settings(data_dir, tmp_path):
    worked_example(data_dir)
    run = run_assets(data_dir, tmp_path, horizon_years=0, selection=GAPS,
                     warehouse=tmp_path / "w.duckdb", marking="T", buildup_days=(7, 15))
    assert run.result.success
    assert run.query("SELECT DISTINCT day FROM gap_buildup ORDER BY 1") == [(7,), (15,)]
    # By day 7 FI's 3 units, by day 15 PL's one too; SE's come on day 20: nothing is met.
    assert run.query("SELECT line_id, day_met, day_met_if_late FROM gap_lines ORDER BY 1") \
        == [("A", None, None), ("B", None, None)]


def test_the_settles_check_fails_on_a_wrong_build_up(data_dir, run_pipeline):
    worked_example(data_dir)
    run = run_pipeline(data_dir, base_year=2026, horizon_years=0, selection=GAPS)
    assert run.check_results()["buildup_settles"] is True
    con = duckdb.connect(str(run.warehouse))
    try:
        assert query_df(con, "check_buildup_settles").empty
        # A build-up that has not reached the allocation by the slowest deadline (30).
        con.execute("UPDATE gap_buildup SET covered = covered / 2 WHERE line_id = 'A' AND day = 60")
        failed = query_df(con, "check_buildup_settles")
        assert list(zip(failed["line_id"], failed["day"])) == [("A", 60)]
        # A line without build-up rows.
        con.execute("DELETE FROM gap_buildup WHERE line_id = 'B'")
        assert "B" in set(query_df(con, "check_buildup_settles")["line_id"])
    finally:
        con.close()
