"""The benchmark code at a tiny size, so that it cannot rot. No timing is asserted here
(machines are noisy); what is asserted is that the generated data is what the pipeline
accepts, that the benchmarked engine is the pipeline's own, and that the peer agrees."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

import duckdb
import pandas as pd
import pytest
from dagster import AssetKey, AssetSelection

from benchmarks import engine, run
from benchmarks.generate import Shape, generate, stage
from tests.support import DataDir

TINY = Shape(rows=3000, scenarios=4, lines=(5, 10), cases=2, capabilities=12, horizon_years=2)
STAGED = (
    "stg_member_states",
    "stg_capabilities",
    "stg_inventory",
    "stg_scenarios",
    "stg_requirements",
    "stg_concurrency_cases",
)


def table(path, name: str, drop=()) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.execute(f"SELECT * FROM {name}").df().drop(columns=list(drop))
    return frame.sort_values(list(frame.columns), ignore_index=True)


def gaps_group():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    return graph, {
        k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).group_name == "gaps"
    }


def test_engine_steps_are_the_gaps_group_in_dependency_order():
    graph, gaps = gaps_group()
    assert sorted(engine.STEPS) == sorted(gaps)
    for position, step in enumerate(engine.STEPS):
        upstream = {k.to_user_string() for k in graph.get(AssetKey(step)).parent_keys} & gaps
        assert upstream <= set(engine.STEPS[:position]), step


def test_the_engine_steps_timed_against_the_peer_are_those_its_tables_need():
    graph, gaps = gaps_group()
    needed, todo = set(), ["gap_lines", "gap_capabilities", "gap_contributions", "gap_roles"]
    while todo:
        step = todo.pop()
        needed.add(step)
        todo += [
            k.to_user_string()
            for k in graph.get(AssetKey(step)).parent_keys
            if k.to_user_string() in gaps - needed
        ]
    assert sorted(run.PEER_STEPS) == sorted(needed)


def test_the_option_benchmark_builds_exactly_the_options_group():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    group = {k.to_user_string() for k in graph.get_all_asset_keys()
             if graph.get(k).group_name == "options"}
    assert group == {"int_option_supply", "option_choice", "option_frontier", "option_effects"}


def test_a_generated_catalogue_aims_at_the_shortfalls_and_is_solved(tmp_path):
    shape = Shape(rows=800, scenarios=3, lines=(4, 6), cases=1, capabilities=8, horizon_years=2)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        stage(con, generate(tmp_path / "set", shape))
        engine.build_gaps(con, shape.base_year, shape.horizon_years)
        run.synthetic_options(con, 15, shape.base_year, shape.horizon_years, seed=1)
        assert engine.build_options(con, shape.base_year, shape.horizon_years) > 0
        options = con.execute("SELECT * FROM stg_options").df()
        frontier = con.execute("SELECT * FROM option_frontier ORDER BY budget_meur").df()
        links = con.execute("SELECT count(*) FROM stg_option_links").fetchone()[0]
    assert len(options) == 15 and options.option_id.is_unique and links == 2
    assert list(frontier.budget_meur) == [float(b) for b in run.OPTION_BUDGETS]
    assert frontier.weighted_shortfall.is_monotonic_decreasing
    assert (frontier.cost_meur <= frontier.budget_meur + 1e-9).all()


def test_the_same_shape_gives_the_same_files(tmp_path):
    shape = Shape(rows=500, scenarios=2, lines=(3, 4), cases=1, capabilities=6, horizon_years=1)
    one, two = generate(tmp_path / "one", shape), generate(tmp_path / "two", shape)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert len(files) > 30
    assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)


@pytest.mark.slow
def test_a_generated_set_passes_the_normal_ingest_and_the_engine_equals_the_assets(
    tmp_path, run_pipeline
):
    data = generate(tmp_path / "set", TINY)
    materialised = run_pipeline(
        DataDir.existing(data),
        base_year=TINY.base_year,
        horizon_years=TINY.horizon_years,
        selection=AssetSelection.groups("ingest", "gaps"),
    )
    assert materialised.result.success
    assert materialised.query("SELECT count(*) FROM ingest_rejects") == [(0,)]
    assert materialised.query("SELECT count(*) FROM stg_inventory") == [(TINY.rows,)]
    assert materialised.failed_checks() == []

    bulk = tmp_path / "bulk.duckdb"
    with duckdb.connect(str(bulk)) as con:
        stage(con, data)
        engine.build_gaps(con, TINY.base_year, TINY.horizon_years)
    for name in STAGED:
        pd.testing.assert_frame_equal(
            table(bulk, name), table(materialised.warehouse, name), obj=name
        )
    for name in engine.STEPS:
        drop = {"gap_history": ("run_id", "run_at"), "input_history": ("run_id", "stored_at"),
                "gap_changes": ("run_id",)}.get(name, ())
        pd.testing.assert_frame_equal(
            table(bulk, name, drop), table(materialised.warehouse, name, drop), obj=name
        )


def test_a_csv_set_holds_the_same_rows_as_the_parquet_one(tmp_path, run_pipeline):
    shape = Shape(rows=400, scenarios=2, lines=(3, 4), cases=1, capabilities=6, horizon_years=1)
    parquet = generate(tmp_path / "parquet", shape)
    csv = generate(tmp_path / "csv", replace(shape, format="csv"))
    materialised = run_pipeline(
        DataDir.existing(csv),
        base_year=shape.base_year,
        horizon_years=shape.horizon_years,
        selection=AssetSelection.groups("ingest"),
    )
    assert materialised.result.success
    assert materialised.query("SELECT count(*) FROM ingest_rejects") == [(0,)]
    bulk = tmp_path / "bulk.duckdb"
    with duckdb.connect(str(bulk)) as con:
        stage(con, parquet)
    pd.testing.assert_frame_equal(
        table(bulk, "stg_inventory", ["source_file"]),
        table(materialised.warehouse, "stg_inventory", ["source_file"]),
    )


@pytest.mark.slow
def test_the_benchmark_runs_end_to_end_at_a_tiny_size(tmp_path):
    plan = run.Plan(
        engine_rows=(TINY.rows,),
        peer_rows=(TINY.rows,),
        refresh_rows=(TINY.rows,),
        workbook_rows=(20,),
        libreoffice_rows=None,
        repeats=1,
        shape=TINY,
        bundled=False,
        mc_rows=(TINY.rows,),
        mc_draws=50,
        options_rows=(TINY.rows,),
        options_catalogue=12,
    )
    results = run.run(plan, tmp_path)
    size = run.label(TINY.rows)

    assert set(run.TARGETS) <= results.keys()
    assert {"cores", "memory_gb"} <= results["machine"].keys()
    assert {"duckdb", "pandas", "dagster"} <= results["versions"].keys()
    assert results["engine"][size]["steps_s"].keys() == set(engine.STEPS)
    assert results["engine"][size]["peak_rss_mb"] > 0
    assert results["peer"][size]["same_figures"], results["peer"][size]["max_difference"]
    refreshed = results["refresh"][size]
    assert 0 < refreshed["asset_code_s"] < refreshed["run_s"] < refreshed["wall_s"]
    assert 0 < refreshed["own_ratio_groups_s"] < refreshed["wall_s"]
    assert refreshed["vs_floor"] > 0 and refreshed["floor_s"] > 0
    ingested = results["ingest"][size]
    assert (ingested["rows"], ingested["rejects"]) == (TINY.rows, 0)
    assert ingested["ingest_vs_read_csv"] > 0 and ingested["bare_read_csv_all_s"] > 0
    assert results["workbook"]["20"]["bare_rows_per_s"] > 0
    assert results["workbook"]["20"]["styled_rows_per_s"] > 0
    monte_carlo = results["mc"][size]
    assert monte_carlo["mc_s"] > 0 and monte_carlo["engine_s"] > 0, monte_carlo
    assert monte_carlo["rows"]["mc_lines"] > 0 and monte_carlo["peak_rss_mb"] > 0
    chosen = results["options"][size]
    assert chosen["options_s"] > 0 and chosen["engine_s"] > 0, chosen
    assert chosen["rows"]["stg_options"] == 12 and chosen["max_mip_gap"] <= 1e-6
    assert len(chosen["frontier"]) == len(run.OPTION_BUDGETS)
    assert run.table(results).count("\n") >= 5
    json.dumps(results)


@pytest.mark.libreoffice
def test_libreoffice_reads_every_row_of_a_dumped_sheet(tmp_path):
    path = tmp_path / "shortfalls.xlsx"
    run.bare_dump(run.shortfall_rows(30), path)
    opened = run.opens_in_libreoffice(path, "Shortfalls", tmp_path)
    if opened["opens"] is None:
        pytest.skip(opened["note"])
    assert opened == {**opened, "opens": True, "csv_lines": 31}


def test_a_child_is_measured_at_its_own_size_not_its_parents(tmp_path):
    """Linux starts a forked child's ru_maxrss at the parent's size: the benchmark process
    holds a staged warehouse, and its children must not be charged for it."""
    parent = bytearray(400 * 1024 * 1024)
    parent[:: 4096] = b"\1" * len(range(0, len(parent), 4096))
    child = ("x = bytearray(100 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096]); "
             "import time; time.sleep(0.3)")
    done = run.measure([sys.executable, "-c", child], tmp_path / "child.log")
    assert done.exit_code == 0
    assert 100 <= done.peak_rss_mb < 250, done
    del parent
