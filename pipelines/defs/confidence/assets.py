"""Confidence: how sure is a gap? The Monte Carlo of methodology §10.

The gaps group computes every figure on expected values. Here the uncertain parts are
drawn CDP_MC_DRAWS times (seed CDP_MC_SEED): whether each unit is available
(availability) and whether each other member state takes part for a role
(stg_participation); §3's allocation runs on every draw (lib/monte_carlo.py, all draws
at once). The tables say, per line, capability and role, in how many of those plausible
worlds the requirement is met.
"""

from __future__ import annotations

import time

import pandas as pd
from dagster import AssetSpec, MaterializeResult, MetadataValue, multi_asset
from dagster_duckdb import DuckDBResource

from pipelines.defs.ingest.assets import participation_problems
from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS, sql_check, sql_description, table_metadata
from pipelines.lib import monte_carlo
from pipelines.lib.warehouse import markdown_table, query_df, run_sql, write_frame

GROUP = "confidence"
KINDS = {"duckdb", "python"}
# What the draws are made from: the staged inventory after supersession (whose ingest
# checks must pass first), the scenarios and their lines, the participation estimates
# (with a rejected row the Monte Carlo withholds its figures) and the horizon.
INPUTS = ["stg_inventory", "ingest_files", "ingest_rejects", "stg_requirements",
          "stg_scenarios", "stg_participation", "int_years"]

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


@multi_asset(
    specs=[
        _spec("mc_lines", MC_LINES_DESCRIPTION),
        _spec("mc_capabilities", sql_description("mc_capabilities"), deps=["gap_capabilities"]),
        _spec("mc_roles", MC_ROLES_DESCRIPTION),
    ],
    name="monte_carlo",
    can_subset=False,
)
def monte_carlo_tables(duckdb: DuckDBResource, cdp: CdpSettings):
    """The Monte Carlo of methodology §10: CDP_MC_DRAWS draws of unit availability and
    member-state participation, §3's allocation on every draw (lib/monte_carlo.py)."""
    started = time.perf_counter()
    with duckdb.get_connection() as con:
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
        result = build(con, cdp.sql_params, cdp.mc_draws, cdp.mc_seed)
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
                con, "mc_lines", **drawn,
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


checks = [
    sql_check("mc_lines", "mc_bounds", additional_deps=["mc_capabilities", "mc_roles"]),
    sql_check(
        "mc_lines", "mc_certain",
        additional_deps=["gap_lines", "stg_inventory", "stg_requirements", "stg_scenarios",
                         "int_years"],
    ),
]
