"""Whole units to request (gap_unit_requests) and burden sharing in line equivalents
(gap_burden_sharing): real assets on small real files, every figure worked out by hand."""

from __future__ import annotations

import duckdb
import pytest
from dagster import AssetCheckKey, AssetKey, AssetSelection

from pipelines.lib.warehouse import query_df
from tests.support import inv, line, scenario

UAS = "BS.SURV.UAS"
CYBER = "DS.CYBER.RRT"


def upstream_of(*names: str) -> AssetSelection:
    """The assets named and all they are built from, with int_ladder_bounds, which the
    checks of gap_lines read."""
    return (AssetSelection.assets(*names, "int_ladder_bounds").upstream()
            .required_multi_asset_neighbors())


SELECTION = upstream_of("gap_unit_requests")


def units(run) -> dict:
    return {(r[0], r[1]): r[2:] for r in run.query(
        "SELECT line_id, member_state, units, allocated FROM gap_unit_requests WHERE year = 2026")}


def three_states_in_one_band(data_dir):
    # One band of 9: A (essential, 5) takes 5 × 3/9 = 1.667 from each state, B (important,
    # 2) then 2 × 3/9 = 0.667. A rounds two of its three pieces up, B two of three; equal
    # parts, so DE then PL (code order). Each state gives 2.333 and is asked for at most 3.
    for state in ("DE", "PL", "SE"):
        data_dir.inventory(state, [inv(state, UAS, 3, 5)])
    data_dir.scenario("s", scenario("S-1", "FI", [
        line("A", UAS, 5, 30, criticality="essential"),
        line("B", UAS, 2, 30, criticality="important"),
    ]))


def test_pieces_round_to_whole_units_and_every_line_keeps_its_total(data_dir, run_pipeline):
    three_states_in_one_band(data_dir)
    run = run_pipeline(data_dir, horizon_years=0, selection=SELECTION)
    assert run.result.success
    assert run.check_results()["unit_requests"] is True
    got = units(run)
    assert {k: v[0] for k, v in got.items()} == {
        ("A", "DE"): 2, ("A", "PL"): 2, ("A", "SE"): 1,
        ("B", "DE"): 1, ("B", "PL"): 1, ("B", "SE"): 0,
    }
    assert got[("A", "SE")][1] == pytest.approx(5 / 3)
    row = run.df("SELECT * FROM gap_unit_requests WHERE line_id = 'B' AND member_state = 'SE'").iloc[0]
    assert list(row.index) == [
        "scenario_id", "year", "line_id", "member_state", "capability_code", "role", "criticality",
        "is_invoking_state", "allocated", "units", "required", "line_allocated",
    ]
    assert (row.capability_code, row.role, row.criticality, bool(row.is_invoking_state)) \
        == (UAS, "border_security", "important", False)
    assert (row.required, row.line_allocated) == pytest.approx((2, 2))


def a_state_that_cannot_round_both_lines_up(data_dir):
    # PL gives half a system to A (from r=5, D=10) and half to B (from r=20, D=30): 1 in
    # all, so it is asked for at most 1. Only one line can be rounded up to 1: A, first in
    # §3 order. B keeps floor(0.5) = 0.
    data_dir.inventory("PL", [inv("PL", UAS, 1, 5, availability=0.5),
                              inv("PL", UAS, 1, 20, availability=0.5)])
    data_dir.scenario("s", scenario("S-1", "FI", [
        line("A", UAS, 1, 10, criticality="essential"),
        line("B", UAS, 1, 30, criticality="essential"),
    ]))


def test_a_state_is_never_asked_for_more_than_it_gives_rounded_up(data_dir, run_pipeline):
    a_state_that_cannot_round_both_lines_up(data_dir)
    run = run_pipeline(data_dir, horizon_years=0, selection=SELECTION)
    assert run.result.success
    assert {k: v[0] for k, v in units(run).items()} == {("A", "PL"): 1, ("B", "PL"): 0}
    step = next(e for e in run.result.get_asset_materialization_events()
                if e.asset_key.to_user_string() == "gap_unit_requests")
    assert step.materialization.metadata["lines_not_rounded_half_up"].value == 1


@pytest.mark.parametrize("case, tamper, level", [
    # PL asked for 2 where it gives 1; each piece and line still floor or ceil.
    (a_state_that_cannot_round_both_lines_up, "UPDATE gap_unit_requests SET units = 1", "state"),
    # Line A of 5 asked for 3, every piece rounded down.
    (three_states_in_one_band, "UPDATE gap_unit_requests SET units = 1 WHERE line_id = 'A'", "line"),
    # 2 units for a piece of 0.5.
    (a_state_that_cannot_round_both_lines_up, "UPDATE gap_unit_requests SET units = 2 WHERE line_id = 'A'",
     "piece"),
])
def test_the_check_fails_on_a_tampered_table(data_dir, run_pipeline, tmp_path, case, tamper, level):
    case(data_dir)
    warehouse = tmp_path / "tampered.duckdb"
    assert run_pipeline(data_dir, horizon_years=0, selection=SELECTION, warehouse=warehouse).result.success
    con = duckdb.connect(str(warehouse))
    try:
        assert query_df(con, "check_unit_requests").empty
        con.execute(tamper)
        violations = query_df(con, "check_unit_requests")
    finally:
        con.close()
    assert set(violations.level) == {level} if level != "piece" else level in set(violations.level)


def test_the_blocking_check_stops_what_comes_after_a_tampered_table(data_dir, run_pipeline, tmp_path):
    a_state_that_cannot_round_both_lines_up(data_dir)
    warehouse = tmp_path / "tampered.duckdb"
    run_pipeline(data_dir, horizon_years=0, selection=SELECTION, warehouse=warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE gap_unit_requests SET units = 1 WHERE line_id = 'B'")
    con.close()
    check = AssetCheckKey(AssetKey("gap_unit_requests"), "unit_requests")
    run = run_pipeline(data_dir, horizon_years=0, warehouse=warehouse,
                       selection=AssetSelection.checks(check))
    assert run.check_results() == {"unit_requests": False}


def test_unit_requests_are_byte_identical_on_a_rerun(data_dir, run_pipeline, tmp_path):
    for state in ("DE", "PL", "SE"):
        data_dir.inventory(state, [inv(state, UAS, 3, 5, availability=0.7), inv(state, CYBER, 2, 3)])
    data_dir.scenario("s", scenario("S-1", "FI", [
        line("A", UAS, 5, 30), line("B", UAS, 3, 30, criticality="important"),
        line("C", CYBER, 2, 10, role="domestic_support"),
    ]))
    first = run_pipeline(data_dir, selection=SELECTION, warehouse=tmp_path / "one.duckdb")
    second = run_pipeline(data_dir, selection=SELECTION, warehouse=tmp_path / "two.duckdb")
    sql = "SELECT * FROM gap_unit_requests"
    assert len(first.df(sql)) == 3 * 3 * 3
    assert first.df(sql).to_csv() == second.df(sql).to_csv()


def test_burden_sharing_in_line_equivalents_weighs_every_line_alike(data_dir, run_pipeline):
    # DE fills half of a 6-system UAS line (3 units), PL half of a 2-team cyber line (1 unit).
    # §7's allocated adds units: 3 against 1, shares 0.75 / 0.25. In line equivalents each
    # fills half a line: 0.5 and 0.5, shares 0.5 / 0.5. FI's own row: its own half line.
    data_dir.inventory("DE", [inv("DE", UAS, 3, 5)])
    data_dir.inventory("PL", [inv("PL", CYBER, 1, 5)])
    data_dir.inventory("FI", [inv("FI", UAS, 3, 5), inv("FI", CYBER, 1, 5)])
    data_dir.scenario("s", scenario("S-1", "FI", [
        line("U", UAS, 6, 30), line("C", CYBER, 2, 30, role="domestic_support"),
    ]))
    run = run_pipeline(data_dir, horizon_years=0, selection=upstream_of("gap_burden_sharing", "gap_lines"))
    assert run.result.success
    rows = {r[0]: r[1:] for r in run.query(
        "SELECT member_state, allocated, contribution_share, line_equivalents, line_equivalent_share "
        "FROM gap_burden_sharing WHERE year = 2026")}
    assert rows["DE"] == pytest.approx((3, 0.75, 0.5, 0.5))
    assert rows["PL"] == pytest.approx((1, 0.25, 0.5, 0.5))
    assert rows["FI"][0] == pytest.approx(4) and rows["FI"][2] == pytest.approx(1)
    assert rows["FI"][1] is None and rows["FI"][3] is None
    assert rows["AT"] == (0, 0, 0, 0)
    columns = [r[0] for r in run.query("DESCRIBE gap_burden_sharing")]
    assert columns == ["scenario_id", "year", "member_state", "is_invoking_state", "allocated",
                       "contribution_share", "gdp_share", "fair_share_index",
                       "line_equivalents", "line_equivalent_share"]
