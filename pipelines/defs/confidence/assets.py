"""Confidence: how sure is a gap? The Monte Carlo of methodology §10.

The gaps group computes every figure on expected values. Here the uncertain parts are
drawn CDP_MC_DRAWS times (seed CDP_MC_SEED): whether each unit is available
(availability) and whether each other member state takes part for a role
(stg_participation); §3's allocation runs on every draw (lib/monte_carlo.py, all draws
at once). The tables say, per line, capability and role, in how many of those plausible
worlds the requirement is met.

Two ways to the same tables (docs/methodology.md §10, "Fanning out"):

- one process: `monte_carlo` draws every scenario itself (every refresh does this);
- fanned out (CDP_MC_FANOUT=1, which adds confidence/fanout.py's definitions):
  `mc_scenario_draws`, partitioned by scenario, draws one scenario per partition into
  Parquet files beside the warehouse, opening the warehouse read-only, so partitions
  may run in parallel processes or pods; `monte_carlo` then loads those parts instead
  of drawing them. It stays the only writer of the mc_* tables (DuckDB allows one
  writing process), and draws itself any scenario no current part covers.

A scenario's figures do not depend on which scenarios are drawn with it
(lib/monte_carlo.simulate, ``only``), so both ways give the same tables, byte for byte.
"""

import time
from functools import cache

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetSpec,
    DynamicPartitionsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from pipelines.defs.ingest.assets import participation_problems
from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS, sql_check, sql_description, table_metadata
from pipelines.lib import mc_parts, monte_carlo
from pipelines.lib.settings import mc_fanout
from pipelines.lib.warehouse import markdown_table, query_df, run_sql, write_frame

GROUP = "confidence"
KINDS = {"duckdb", "python"}
# What the draws are made from: the staged inventory after supersession (whose ingest
# checks must pass first), the scenarios and their lines, the participation estimates
# (with a rejected row the Monte Carlo withholds its figures) and the horizon.
INPUTS = ["stg_inventory", "ingest_files", "ingest_rejects", "stg_requirements",
          "stg_scenarios", "stg_participation", "int_years"]
# One partition per scenario id of stg_scenarios; `monte_carlo` keeps the list equal to
# them on every refresh, so "all partitions" in the UI means every current scenario.
SCENARIOS = DynamicPartitionsDefinition(name="scenarios")
DRAWS = "mc_scenario_draws"
FANOUT = mc_fanout()  # read once, when the code location loads
FANOUT_TAG = {"fanout": "scenario"}  # what automation.py leaves out of the refresh

MC_LINES_SCHEMA = {
    "scenario_id": "VARCHAR",
    "year": "INTEGER",
    "line_id": "VARCHAR",
    "role": "VARCHAR",
    "capability_code": "VARCHAR",
    "criticality": "VARCHAR",
    "required": "DOUBLE",
    "p_met": "DOUBLE",
    "coverage_mean": "DOUBLE",
    "coverage_p05": "DOUBLE",
    "coverage_p50": "DOUBLE",
    "coverage_p95": "DOUBLE",
    "shortfall_mean": "DOUBLE",
    "draws": "INTEGER",
    "seed": "BIGINT",
}
MC_CAPABILITIES_SCHEMA = {
    "scenario_id": "VARCHAR",
    "year": "INTEGER",
    "capability_code": "VARCHAR",
    "p_no_shortfall": "DOUBLE",
    "shortfall_mean": "DOUBLE",
    "shortfall_p50": "DOUBLE",
    "shortfall_p95": "DOUBLE",
    "draws": "INTEGER",
    "seed": "BIGINT",
}
MC_ROLES_SCHEMA = {
    "scenario_id": "VARCHAR",
    "year": "INTEGER",
    "role": "VARCHAR",
    "p_essential_met": "DOUBLE",
    "draws": "INTEGER",
    "seed": "BIGINT",
}

MC_LINES_DESCRIPTION = """Confidence per scenario, year and requirement line (methodology §10):
`p_met` = the share of draws in which the line is met (shortfall ≤ 1e-9 × required);
`coverage_mean` and `coverage_p05` / `coverage_p50` / `coverage_p95` (lower empirical
quantiles, as DuckDB's `quantile_disc`); `shortfall_mean`. A draw: every unit of every
inventory row available or not (availability), every other member state taking part in
the role or not (participation), then §3's allocation. `draws` and `seed` say how it
was drawn; the same data, draws and seed give the same table, byte for byte."""
MC_ROLES_DESCRIPTION = """Confidence per scenario, year and role (methodology §10):
`p_essential_met` = the share of draws in which every essential line of that role is
met (1 when the role has no essential line)."""


def _spec(name: str, description: str, deps=()) -> AssetSpec:
    return AssetSpec(
        name, deps=INPUTS + list(deps), group_name=GROUP, kinds=KINDS, owners=OWNERS,
        description=description, tags={"layer": "mc"},
    )


def read_inputs(con, params: dict) -> dict:
    """The Monte Carlo's inputs from the warehouse, as lib/monte_carlo.simulate takes them."""
    return {
        "cells": query_df(con, "select_mc_cells", params),
        "lines": query_df(con, "select_mc_lines", params),
        "scenarios": con.execute(
            "SELECT scenario_id, invoking_state, nato_article5_concurrent FROM stg_scenarios"
        ).df(),
        "participation": con.execute(
            "SELECT member_state, role, probability FROM stg_participation"
        ).df(),
        "years": [y for (y,) in con.execute("SELECT year FROM int_years ORDER BY year").fetchall()],
    }


def write_tables(con, result: monte_carlo.Result, params: dict) -> None:
    """mc_lines and mc_roles as drawn; mc_capabilities beside gap_capabilities' shortfall."""
    write_frame(con, "mc_lines", result.lines, MC_LINES_SCHEMA)
    write_frame(con, "int_mc_capabilities", result.capabilities, MC_CAPABILITIES_SCHEMA)
    run_sql(con, "mc_capabilities", params)
    write_frame(con, "mc_roles", result.roles, MC_ROLES_SCHEMA)


def build(con, params: dict, draws: int, seed: int) -> monte_carlo.Result:
    """Read, draw, write: the whole Monte Carlo on one connection, from the staged tables
    and gap_capabilities (also what the benchmarks time). ``params``: base_year,
    horizon_years."""
    result = monte_carlo.simulate(**read_inputs(con, params), draws=draws, seed=seed)
    write_tables(con, result, params)
    return result


def withheld_because(con, params: dict) -> list[str]:
    """Why the figures are withheld: each rejected row of reference/participation.csv (a
    missing estimate would count as certain); empty when the Monte Carlo may run."""
    return participation_problems(query_df(con, "check_participation_complete", params))


def write_empty(con, params: dict) -> None:
    for table, schema in (("mc_lines", MC_LINES_SCHEMA), ("int_mc_capabilities",
                          MC_CAPABILITIES_SCHEMA), ("mc_roles", MC_ROLES_SCHEMA)):
        write_frame(con, table, pd.DataFrame({c: [] for c in schema}), schema)
    run_sql(con, "mc_capabilities", params)


def consolidate(con, params: dict, draws: int, seed: int, warehouse: str,
                scenario_ids: list[str] | None = None) -> tuple[monte_carlo.Result, dict]:
    """The Monte Carlo as ``monte_carlo`` writes it: each scenario from its current
    Parquet part when ``mc_scenario_draws`` has made one for these very inputs, the
    others drawn here, all written by this one connection. With no part at all it is
    :func:`build`'s single draw over every scenario. Returns the result and what came
    from where."""
    if scenario_ids is None:
        scenario_ids = sorted(
            s for (s,) in con.execute("SELECT scenario_id FROM stg_scenarios").fetchall()
        )
    if not mc_parts.any_parts(warehouse):
        # No fan-out has run here: the refresh's usual path, without hashing the inputs
        # (0.9 s at 10^6 inventory rows) to look for parts that cannot exist.
        return build(con, params, draws, seed), {
            "from_parts": 0, "drawn_here": len(scenario_ids),
            "parts": "none: no fan-out has run beside this warehouse", "pruned_part_sets": 0,
        }
    inputs = read_inputs(con, params)
    folder = mc_parts.parts_folder(warehouse, mc_parts.fingerprint(inputs, draws, seed))
    loaded, missing = mc_parts.read_parts(folder, scenario_ids)
    if not loaded:
        result = monte_carlo.simulate(**inputs, draws=draws, seed=seed)
    else:
        drawn = ([monte_carlo.simulate(**inputs, draws=draws, seed=seed, only=missing)]
                 if missing else [])
        result = monte_carlo.combine(loaded + drawn)
    write_tables(con, result, params)
    pruned = mc_parts.prune(folder) if loaded else []
    return result, {"from_parts": len(loaded), "drawn_here": len(missing),
                    "parts": str(folder), "pruned_part_sets": len(pruned)}


def sync_partitions(instance, scenario_ids: list[str]) -> dict:
    """Make the partitions of ``mc_scenario_draws`` the scenarios of the warehouse: new
    ids added, ids of scenarios that are gone removed."""
    current = set(instance.get_dynamic_partitions(SCENARIOS.name))
    wanted = set(scenario_ids)
    if wanted - current:
        instance.add_dynamic_partitions(SCENARIOS.name, sorted(wanted - current))
    for key in sorted(current - wanted):
        instance.delete_dynamic_partition(SCENARIOS.name, key)
    return {"partitions_added": len(wanted - current), "partitions_removed": len(current - wanted)}


@multi_asset(
    specs=[
        _spec("mc_lines", MC_LINES_DESCRIPTION, deps=[DRAWS] * FANOUT),
        _spec("mc_capabilities", sql_description("mc_capabilities"),
              deps=["gap_capabilities"] + [DRAWS] * FANOUT),
        _spec("mc_roles", MC_ROLES_DESCRIPTION, deps=[DRAWS] * FANOUT),
    ],
    name="monte_carlo",
    can_subset=False,
)
def monte_carlo_tables(context: AssetExecutionContext, duckdb: DuckDBResource,
                       cdp: CdpSettings):
    """The Monte Carlo of methodology §10: CDP_MC_DRAWS draws of unit availability and
    member-state participation, §3's allocation on every draw (lib/monte_carlo.py).

    The only writer of mc_lines, mc_capabilities and mc_roles. Each scenario comes from
    the Parquet part `mc_scenario_draws` made for the current inputs, draws and seed
    when there is one (a fan-out ran), else it is drawn here; the figures are the same
    either way. With the fan-out on (CDP_MC_FANOUT=1) it also keeps the partitions of
    `mc_scenario_draws` equal to the scenarios of stg_scenarios."""
    started = time.perf_counter()
    with duckdb.get_connection() as con:
        scenario_ids = sorted(
            s for (s,) in con.execute("SELECT scenario_id FROM stg_scenarios").fetchall()
        )
        partitions = sync_partitions(context.instance, scenario_ids) if FANOUT else {}
        reasons = withheld_because(con, cdp.sql_params)
        if reasons:
            write_empty(con, cdp.sql_params)
            withheld = {"withheld": MetadataValue.md(
                "No figures: put these rows of the participation file right first:\n"
                + "\n".join(f"- {reason}" for reason in reasons))}
            for key in ("mc_lines", "mc_capabilities", "mc_roles"):
                yield MaterializeResult(asset_key=key,
                                        metadata=table_metadata(con, key, **withheld))
            return
        result, sources = consolidate(con, cdp.sql_params, cdp.mc_draws, cdp.mc_seed,
                                      duckdb.database, scenario_ids)
        seconds = round(time.perf_counter() - started, 2)
        drawn = {"draws": cdp.mc_draws, "seed": cdp.mc_seed, "seconds": seconds}
        least = con.execute(
            "SELECT scenario_id, line_id, capability_code, criticality, p_met, coverage_p05, "
            "coverage_p50, coverage_p95 FROM mc_lines WHERE year = $y "
            "ORDER BY p_met, criticality, scenario_id, line_id LIMIT 10",
            {"y": cdp.base_year},
        ).df()
        yield MaterializeResult(
            asset_key="mc_lines",
            metadata=table_metadata(
                con, "mc_lines", **drawn, **sources, **partitions,
                least_likely_met_base_year=MetadataValue.md(markdown_table(least, digits=3)),
            ),
        )
        yield MaterializeResult(
            asset_key="mc_capabilities",
            metadata=table_metadata(
                con, "mc_capabilities",
                "SELECT * FROM mc_capabilities ORDER BY p_no_shortfall, scenario_id, year, "
                "capability_code LIMIT 10",
                **drawn,
            ),
        )
        base = result.scenarios[result.scenarios.year == cdp.base_year]
        yield MaterializeResult(
            asset_key="mc_roles",
            metadata=table_metadata(
                con, "mc_roles", **drawn,
                essential_met_base_year=MetadataValue.md(
                    markdown_table(
                        base[["scenario_id", "p_essential_met"]].rename(
                            columns={"p_essential_met": "chance every essential line is met"}
                        ),
                        max_rows=50, digits=3,
                    )
                ),
            ),
        )


@cache
def scenario_draws():
    """The asset `mc_scenario_draws`. Made by a function, not at module level, so that
    the definitions hold it only with the fan-out on (confidence/fanout.py); the tests
    put it beside the other assets themselves."""
    return asset(
        name=DRAWS,
        partitions_def=SCENARIOS,
        deps=INPUTS,
        group_name=GROUP,
        kinds={"parquet", "python"},
        owners=OWNERS,
        tags={"layer": "mc", **FANOUT_TAG},
    )(mc_scenario_draws)


def mc_scenario_draws(context: AssetExecutionContext, duckdb: DuckDBResource,
                      cdp: CdpSettings) -> MaterializeResult:
    """One scenario's Monte Carlo (methodology §10), for fanning the draws out: the
    partition's scenario drawn exactly as `monte_carlo` would draw it, written as Parquet
    to `mc_parts/<inputs fingerprint>/<scenario>/` beside the warehouse.

    It opens the warehouse read-only and writes no table, so any number of partitions
    may run at once (several runs, the multiprocess executor, a Docker or Kubernetes run
    launcher); `monte_carlo` then loads the parts as the one writer. Backfill all
    partitions together with mc_lines, mc_capabilities and mc_roles: the refresh keeps
    one partition per scenario of the warehouse."""
    started = time.perf_counter()
    scenario_id = context.partition_key
    with mc_parts.read_only(duckdb.database) as con:
        reasons = withheld_because(con, cdp.sql_params)
        inputs = read_inputs(con, cdp.sql_params)
    if reasons:
        return MaterializeResult(metadata={"withheld": MetadataValue.md(
            "No draws: `monte_carlo` withholds the figures until the participation file "
            "is put right (see its check participation_complete).")})
    if scenario_id not in set(inputs["scenarios"]["scenario_id"]):
        raise Failure(f"Scenario {scenario_id} is not in the warehouse (stg_scenarios): "
                      "refresh first, which also removes the partitions of scenarios "
                      "that are gone.")
    fingerprint = mc_parts.fingerprint(inputs, cdp.mc_draws, cdp.mc_seed)
    result = monte_carlo.simulate(**inputs, draws=cdp.mc_draws, seed=cdp.mc_seed,
                                  only=[scenario_id])
    path = mc_parts.write_part(mc_parts.parts_folder(duckdb.database, fingerprint),
                               scenario_id, result)
    lines = result.lines[result.lines.year == cdp.base_year]
    least = lines.sort_values(["p_met", "line_id"], kind="stable")[
        ["line_id", "capability_code", "criticality", "p_met", "coverage_p05",
         "coverage_p50", "coverage_p95"]]
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(path)),
        "fingerprint": fingerprint,
        "draws": cdp.mc_draws,
        "seed": cdp.mc_seed,
        "seconds": round(time.perf_counter() - started, 2),
        **{f"rows_{name}": n for name, n in mc_parts.frame_rows(result).items()},
        "least_likely_met_base_year": MetadataValue.md(markdown_table(least, digits=3)),
    })


checks = [
    sql_check("mc_lines", "mc_bounds", additional_deps=["mc_capabilities", "mc_roles"]),
    sql_check(
        "mc_lines", "mc_certain",
        additional_deps=["gap_lines", "stg_inventory", "stg_requirements", "stg_scenarios",
                         "int_years"],
    ),
]
