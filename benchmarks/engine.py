"""The gap engine without Dagster: every asset of the `gaps` group, in dependency order,
on the staged tables of one DuckDB connection, by the very SQL files and library calls
the assets run (pipelines/defs/gaps/assets.py). The benchmarks time it step by step.

A test proves that `STEPS` is exactly the `gaps` group of the asset graph in a valid
order, and that the tables built here equal those of a Dagster materialisation. Only
what the assets add for the UI (row counts, previews, headlines as metadata) is left out.
"""

from __future__ import annotations

import datetime as dt
import time

import duckdb

from pipelines.defs.confidence import assets as confidence
from pipelines.defs.options import assets as option_assets
from pipelines.defs.gaps.assets import BUILDUP_SCHEMA, CASE_COVER_SCHEMA, DRAW_SCHEMA
from pipelines.defs.gaps.units import UNIT_REQUEST_SCHEMA
from pipelines.lib import allocation, concurrency, whatif, whole_units
from pipelines.lib.settings import DEFAULT_BUILDUP_DAYS
from pipelines.lib.warehouse import query_df, run_sql, write_frame


def line_draws(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """int_line_draws: the allocation of methodology §3 (lib/allocation.py)."""
    lines = query_df(con, "select_allocation_lines", params)
    bands = query_df(con, "select_allocation_bands", params)
    write_frame(con, "int_line_draws", allocation.allocate(lines, bands), DRAW_SCHEMA)


def line_buildup(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """int_line_buildup: the build-up of methodology §13 (lib/allocation.py)."""
    lines = query_df(con, "select_allocation_lines", params)
    bands = query_df(con, "select_allocation_bands", params)
    points = allocation.buildup(lines, bands, params["buildup_days"])
    write_frame(con, "int_line_buildup", points, BUILDUP_SCHEMA)


def case_cover(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """gap_cases: the linear programs of §4 (lib/concurrency.py), then sql/gap_cases.sql."""
    lines = con.execute("SELECT * FROM int_case_lines").df()
    supply = con.execute("SELECT * FROM int_case_supply").df()
    write_frame(con, "int_case_cover", concurrency.solve_cases(lines, supply), CASE_COVER_SCHEMA)
    run_sql(con, "gap_cases", params)


def unit_requests(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """gap_unit_requests: whole units to request (lib/whole_units.py)."""
    pieces = query_df(con, "select_unit_pieces", params)
    frame = pieces.assign(units=whole_units.unit_requests(pieces))
    write_frame(con, "gap_unit_requests", frame, UNIT_REQUEST_SCHEMA)


def inputs_on_record(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """input_history: this run's inputs, for the next run's gap_changes (one run here)."""
    run_sql(con, "input_history", {**params, "previous_run_id": None,
                                   "stored_at": params["run_at"]})


PYTHON_STEPS = {
    "int_line_draws": line_draws,
    "int_line_buildup": line_buildup,
    "gap_cases": case_cover,
    "gap_unit_requests": unit_requests,
    "input_history": inputs_on_record,
}
# Every other step runs sql/<step>.sql.
STEPS = (
    "int_years",
    "int_inventory_groups",
    "int_supply_by_state",
    "int_supply_bands",
    "int_ladder_bounds",
    "int_line_draws",
    "int_line_buildup",
    "gap_buildup",
    "gap_lines",
    "gap_contributions",
    "gap_capabilities",
    "gap_roles",
    "gap_priorities",
    "gap_burden_sharing",
    "int_case_lines",
    "int_case_supply",
    "gap_cases",
    "gap_unit_requests",
    "gap_history",
    "input_history",
    "gap_changes",
)


def build_confidence(
    con: duckdb.DuckDBPyConnection, base_year: int, horizon_years: int, draws: int, seed: int
) -> float:
    """The `confidence` group (the Monte Carlo of methodology §10: mc_lines,
    mc_capabilities, mc_roles) on the staged tables and gap_capabilities, by the same
    function its asset calls; seconds taken. Not one of STEPS: those are the `gaps` group."""
    started = time.perf_counter()
    confidence.build(con, {"base_year": base_year, "horizon_years": horizon_years}, draws, seed)
    return time.perf_counter() - started


def build_options(con: duckdb.DuckDBPyConnection, base_year: int, horizon_years: int) -> float:
    """The `options` group (methodology §11): int_option_supply by its SQL file, then
    option_choice, option_frontier and option_effects for every budget of
    stg_option_budgets by the function the option asset calls (every frontier point
    solved); seconds taken. Needs the staged tables and the gaps group's int_years and
    int_supply_bands. Not one of STEPS: those are the `gaps` group."""
    params = {"base_year": base_year, "horizon_years": horizon_years}
    started = time.perf_counter()
    run_sql(con, "int_option_supply", params)
    option_assets.build(con, params)
    return time.perf_counter() - started


def build_whatif(con: duckdb.DuckDBPyConnection, base_year: int, horizon_years: int) -> float:
    """The `whatif` group (methodology §12): whatif_capabilities for every lever file of
    stg_levers by the function its asset calls, then whatif_summary by its SQL file;
    seconds taken. Needs the staged tables and the gaps group's tables. Not one of STEPS:
    those are the `gaps` group."""
    params = {"base_year": base_year, "horizon_years": horizon_years}
    started = time.perf_counter()
    whatif.build(con, params)
    run_sql(con, "whatif_summary", params)
    return time.perf_counter() - started


def build_gaps(
    con: duckdb.DuckDBPyConnection,
    base_year: int,
    horizon_years: int,
    run_id: str = "benchmark",
    buildup_days: tuple[int, ...] = DEFAULT_BUILDUP_DAYS,
) -> dict[str, float]:
    """Build every gap table from the staged tables; seconds taken per step."""
    params = {
        "base_year": base_year,
        "horizon_years": horizon_years,
        "buildup_days": list(buildup_days),
        "run_id": run_id,
        "run_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
    }
    seconds = {}
    for step in STEPS:
        started = time.perf_counter()
        try:
            if step in PYTHON_STEPS:
                PYTHON_STEPS[step](con, params)
            else:
                run_sql(con, step, params)
        except Exception as error:
            error.add_note(f"in gap engine step {step}")
            raise
        seconds[step] = time.perf_counter() - started
    return seconds
