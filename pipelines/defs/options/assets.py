"""Options: what closes the gaps for the money (methodology §11).

A planner's candidate options (options/*.yaml, staged as stg_options) are extra
inventory rows. For every budget of stg_option_budgets the set of options that leaves the
least weighted shortfall is chosen exactly, by a mixed-integer program and the tie-breaks
of §11 (lib/options.py, HiGHS through scipy); every answer is re-evaluated with the
engine's own allocation before it is written. A solve that is not proven optimal fails
the asset instead of giving an answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    asset_check,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS, sql_check, sql_table_asset, table_metadata
from pipelines.lib.warehouse import markdown_table, query_df, write_frame

if TYPE_CHECKING:
    from pipelines.lib import options

GROUP = "options"
KINDS = {"duckdb", "python"}
INPUTS = ["int_option_supply", "int_supply_bands", "stg_requirements", "stg_scenarios",
          "int_years", "stg_options", "stg_option_links", "stg_option_budgets"]

CHOICE_SCHEMA = {"budget_meur": "DOUBLE", "option_id": "VARCHAR", "selected": "BOOLEAN",
                 "cost_meur": "DOUBLE"}
FRONTIER_SCHEMA = {
    "budget_meur": "DOUBLE", "weighted_shortfall": "DOUBLE", "cost_meur": "DOUBLE",
    "options": "INTEGER", "option_ids": "VARCHAR", "essential_shortfall": "DOUBLE",
    "weighted_shortfall_none": "DOUBLE", "mip_gap": "DOUBLE", "solves": "INTEGER",
}
EFFECTS_SCHEMA = {"scenario_id": "VARCHAR", "year": "INTEGER", "capability_code": "VARCHAR",
                  "shortfall_before": "DOUBLE", "shortfall_after": "DOUBLE"}

int_option_supply = sql_table_asset(
    "int_option_supply", deps=["stg_options", "stg_requirements", "stg_scenarios", "int_years"],
    group=GROUP,
)


def _spec(name: str, description: str) -> AssetSpec:
    return AssetSpec(name, deps=INPUTS, group_name=GROUP, kinds=KINDS, owners=OWNERS,
                     description=description, tags={"layer": "option"})


def problem_from(con, params: dict) -> options.OptionProblem | None:
    """The §11 problem from the warehouse; None when there is no option or no budget."""
    from pipelines.lib import options  # scipy's MILP: loaded when an option is chosen

    catalogue = con.execute(
        "SELECT option_id, cost_meur FROM stg_options ORDER BY option_id").df()
    if catalogue.empty:
        return None
    links = con.execute(
        "SELECT option_id, other_id, kind FROM stg_option_links ORDER BY ALL").df()
    return options.OptionProblem(
        query_df(con, "select_option_lines", params),
        query_df(con, "select_allocation_bands", params),
        con.execute("SELECT * FROM int_option_supply").df(),
        catalogue,
        excludes=links[links.kind == "excludes"][["option_id", "other_id"]],
        requires=links[links.kind == "requires"][["option_id", "other_id"]],
    )


def _empty(schema: dict) -> pd.DataFrame:
    return pd.DataFrame({column: [] for column in schema})


def build(con, params: dict) -> tuple[pd.DataFrame, options.Choice | None]:
    """Choose for every budget of stg_option_budgets and write option_choice,
    option_frontier and option_effects (the choice at the file's budget) from
    int_option_supply and the staged tables; the frontier and that choice (None when
    there is no option or no budget). What the asset runs, and what the benchmarks time."""
    budgets = con.execute(
        "SELECT budget_meur, is_choice FROM stg_option_budgets ORDER BY budget_meur").df()
    problem = problem_from(con, params)
    if problem is None or budgets.empty:
        choice_rows, frontier, effects = (_empty(CHOICE_SCHEMA), _empty(FRONTIER_SCHEMA),
                                          _empty(EFFECTS_SCHEMA))
        chosen = None
    else:
        choices = {b: problem.choose(b) for b in budgets.budget_meur}
        choice_rows = pd.concat([problem.choice_table(c) for c in choices.values()],
                                ignore_index=True)
        frontier = pd.DataFrame([{
            "budget_meur": b, "weighted_shortfall": c.weighted_shortfall,
            "cost_meur": c.cost_meur, "options": c.options,
            "option_ids": ";".join(c.option_ids),
            "essential_shortfall": c.essential_shortfall,
            "weighted_shortfall_none": c.weighted_shortfall_none,
            "mip_gap": c.mip_gap, "solves": c.solves,
        } for b, c in choices.items()])
        budget = float(budgets[budgets.is_choice].budget_meur.iloc[0])
        chosen = choices[budget]
        effects = problem.effects(chosen.option_ids)
    write_frame(con, "option_choice", choice_rows, CHOICE_SCHEMA)
    write_frame(con, "option_frontier", frontier, FRONTIER_SCHEMA)
    write_frame(con, "option_effects", effects, EFFECTS_SCHEMA)
    return frontier, chosen


@multi_asset(
    specs=[
        _spec("option_choice", "Per budget and option: `selected` and `cost_meur` — the "
                               "set that leaves the least weighted shortfall within the "
                               "budget (methodology §11)."),
        _spec("option_frontier", "Per budget: the weighted shortfall W of the choice, its "
                                 "cost, how many options and which, the essential shortfall, "
                                 "and W with no option for comparison (methodology §11)."),
        _spec("option_effects", "For the choice at the options file's budget: per scenario, "
                                "year and capability, the shortfall before and after."),
    ],
    name="option_selection",
    can_subset=False,
)
def option_selection(duckdb: DuckDBResource, cdp: CdpSettings):
    """The choice of options for every budget, the frontier, and what the choice at the
    file's budget closes (methodology §11; lib/options.py)."""
    with duckdb.get_connection() as con:
        frontier, chosen = build(con, cdp.sql_params)
        solved = {} if chosen is None else {
            "budget_meur": chosen.budget_meur,
            "chosen": ", ".join(chosen.option_ids) or "none",
            "cost_meur": round(chosen.cost_meur, 3),
            "weighted_shortfall": chosen.weighted_shortfall,
            "weighted_shortfall_none": chosen.weighted_shortfall_none,
            "solver_status": chosen.status,
            "mip_gap": chosen.mip_gap,
        }
        yield MaterializeResult(asset_key="option_choice",
                                metadata=table_metadata(con, "option_choice", **solved))
        yield MaterializeResult(asset_key="option_frontier", metadata=table_metadata(
            con, "option_frontier",
            frontier=MetadataValue.md(markdown_table(frontier, max_rows=50, digits=3))))
        yield MaterializeResult(asset_key="option_effects",
                                metadata=table_metadata(con, "option_effects"))


@asset_check(asset=AssetKey("option_frontier"), name="option_engine_agrees", blocking=True,
             additional_deps=[AssetKey(name) for name in INPUTS])
def option_engine_agrees(duckdb: DuckDBResource, cdp: CdpSettings) -> AssetCheckResult:
    """Every point of the frontier re-evaluated with the engine's own allocation (§3 on the
    inventory plus the chosen options) gives the weighted shortfall written, to 1e-6
    relative: the solver's objective is a claim, the engine's figure the proof."""
    with duckdb.get_connection() as con:
        frontier = con.execute("SELECT * FROM option_frontier ORDER BY budget_meur").df()
        problem = problem_from(con, cdp.sql_params) if len(frontier) else None
    off = []
    for point in frontier.itertuples():
        chosen = [o for o in str(point.option_ids or "").split(";") if o]
        engine = problem.evaluate(chosen)
        if abs(engine - point.weighted_shortfall) > 1e-6 * max(1.0, abs(engine)):
            off.append({"budget_meur": point.budget_meur, "written": point.weighted_shortfall,
                        "engine": engine})
    return AssetCheckResult(
        passed=not off, severity=AssetCheckSeverity.ERROR,
        metadata={"budgets": len(frontier),
                  "disagreements": MetadataValue.md(markdown_table(pd.DataFrame(off)))},
    )


checks = [
    sql_check("option_choice", "option_choice",
              additional_deps=["option_frontier", "stg_option_links"]),
]
