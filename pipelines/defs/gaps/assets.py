"""Gaps: every figure of methodology.md, computed in DuckDB.

Set work (eligibility, effective quantities, year expansion, supply per readiness
band, roll-ups) is SQL in `sql/int_*.sql` and `sql/gap_*.sql`. Three steps are Python
over compact inputs: the greedy allocation within a scenario and its build-up by
checkpoint day (`lib/allocation.py`, sequential by nature) and the concurrency linear
programs (`lib/concurrency.py`, HiGHS). The invariants of §3 are blocking asset checks.
"""


import datetime as dt

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS, sql_check, sql_table_asset, table_metadata
from pipelines.lib import allocation, concurrency
from pipelines.lib.warehouse import markdown_table, query_df, run_sql, write_frame

GROUP = "gaps"

DRAW_SCHEMA = allocation.DRAW_SCHEMA
BUILDUP_SCHEMA = {
    "scenario_id": "VARCHAR",
    "year": "INTEGER",
    "capability_code": "VARCHAR",
    "line_id": "VARCHAR",
    "day": "INTEGER",
    "covered": "DOUBLE",
    "covered_if_late": "DOUBLE",
}
CASE_COVER_SCHEMA = {
    "case_id": "VARCHAR",
    "year": "INTEGER",
    "capability_code": "VARCHAR",
    "criticality": "VARCHAR",
    "required": "DOUBLE",
    "covered": "DOUBLE",
    "shortfall": "DOUBLE",
}


def buildup_metadata(con, cdp: CdpSettings) -> dict:
    """Per scenario, the share of its requirement covered at each checkpoint (base year)."""
    return {
        "checkpoints": ", ".join(str(d) for d in cdp.buildup_days),
        "base_year_shares": MetadataValue.md(
            markdown_table(query_df(con, "select_buildup_shares", cdp.sql_params), max_rows=20)
        ),
    }


def headline_metadata(con, cdp: CdpSettings) -> dict:
    """The one-line headline per scenario and the top shortfalls, for the Dagster UI."""
    heads = query_df(con, "select_headline", cdp.sql_params)
    lines = [
        f"{h.scenario_id} {h.year}: {h.lines_met} of {h.lines} requirement lines met; "
        f"{h.high_risk_lines} high-risk shortfalls; {h.closable_by_management} of "
        f"{h.capability_shortfalls} capability shortfalls closable by management"
        for h in heads.itertuples()
    ]
    return {
        "headline": MetadataValue.md("\n".join(f"- {line}" for line in lines) or "_no scenarios_"),
        "top_shortfalls": MetadataValue.md(
            markdown_table(query_df(con, "select_top_shortfalls", cdp.sql_params))
        ),
    }


int_years = sql_table_asset("int_years", deps=[], group=GROUP)
int_inventory_groups = sql_table_asset(
    "int_inventory_groups", deps=["stg_inventory", "ingest_files"], group=GROUP
)
int_supply_by_state = sql_table_asset(
    "int_supply_by_state",
    deps=["int_inventory_groups", "int_years", "stg_scenarios", "stg_requirements"],
    group=GROUP,
)
int_supply_bands = sql_table_asset("int_supply_bands", deps=["int_supply_by_state"], group=GROUP)
int_ladder_bounds = sql_table_asset(
    "int_ladder_bounds", deps=["int_supply_bands", "stg_requirements", "int_years"], group=GROUP
)


@asset(
    deps=["int_supply_bands", "stg_requirements", "int_years"],
    group_name=GROUP,
    kinds={"duckdb", "python"},
    owners=OWNERS,
)
def int_line_draws(duckdb: DuckDBResource, cdp: CdpSettings) -> MaterializeResult:
    """What each requirement line draws from each readiness band (methodology §3): lines
    in order of criticality, then max_readiness_days, then id; each takes up to its
    required pool, slowest acceptable band first, so fast units stay free for lines
    that need them."""
    with duckdb.get_connection() as con:
        lines = query_df(con, "select_allocation_lines", cdp.sql_params)
        bands = query_df(con, "select_allocation_bands", cdp.sql_params)
        draws = allocation.allocate(lines, bands)
        write_frame(con, "int_line_draws", draws, DRAW_SCHEMA)
        return MaterializeResult(
            metadata=table_metadata(con, "int_line_draws", lines=len(lines), bands=len(bands))
        )


@asset(
    deps=["int_supply_bands", "stg_requirements", "int_years"],
    group_name=GROUP,
    kinds={"duckdb", "python"},
    owners=OWNERS,
)
def int_line_buildup(duckdb: DuckDBResource, cdp: CdpSettings) -> MaterializeResult:
    """How each requirement line's cover builds up after the invocation (methodology
    §13): at each checkpoint day of CDP_BUILDUP_DAYS, §3's allocation with every line
    limited to supply ready by that day, within its own deadline (covered) or whatever
    its deadline (covered_if_late). Same order of lines, same bands, same greedy
    (lib/allocation.py)."""
    with duckdb.get_connection() as con:
        lines = query_df(con, "select_allocation_lines", cdp.sql_params)
        bands = query_df(con, "select_allocation_bands", cdp.sql_params)
        points = allocation.buildup(lines, bands, cdp.buildup_days)
        write_frame(con, "int_line_buildup", points, BUILDUP_SCHEMA)
        return MaterializeResult(
            metadata=table_metadata(
                con, "int_line_buildup", lines=len(lines), bands=len(bands),
                checkpoints=", ".join(str(d) for d in cdp.buildup_days),
            )
        )


gap_buildup = sql_table_asset(
    "gap_buildup",
    deps=["int_line_buildup", "stg_requirements"],
    group=GROUP,
    metadata=buildup_metadata,
)
gap_lines = sql_table_asset(
    "gap_lines", deps=["int_line_draws", "gap_buildup", "stg_requirements"], group=GROUP
)
gap_contributions = sql_table_asset(
    "gap_contributions",
    deps=["int_line_draws", "int_supply_by_state", "int_supply_bands", "stg_scenarios"],
    group=GROUP,
)
gap_capabilities = sql_table_asset(
    "gap_capabilities",
    deps=["gap_lines", "int_inventory_groups"],
    group=GROUP,
    metadata=headline_metadata,
)
gap_roles = sql_table_asset("gap_roles", deps=["gap_lines"], group=GROUP)
gap_priorities = sql_table_asset(
    "gap_priorities", deps=["gap_capabilities", "stg_capabilities"], group=GROUP
)
gap_burden_sharing = sql_table_asset(
    "gap_burden_sharing", deps=["gap_contributions", "stg_member_states"], group=GROUP
)
int_case_lines = sql_table_asset(
    "int_case_lines", deps=["stg_concurrency_cases", "stg_requirements", "int_years"], group=GROUP
)
int_case_supply = sql_table_asset(
    "int_case_supply", deps=["int_case_lines", "int_inventory_groups"], group=GROUP
)


@asset(
    deps=["int_case_lines", "int_case_supply", "gap_lines"],
    group_name=GROUP,
    kinds={"duckdb", "python"},
    owners=OWNERS,
)
def gap_cases(duckdb: DuckDBResource, cdp: CdpSettings) -> MaterializeResult:
    """Concurrency cases (methodology §4): the scenarios of a case compete for one
    inventory. Solved as a lexicographic transportation problem (lib/concurrency.py, exact
    through its dual): the most for essential lines, then important, then desirable.
    Shown beside the sum of the single-scenario shortfalls, so the cost of simultaneity
    is visible."""
    with duckdb.get_connection() as con:
        lines = con.execute("SELECT * FROM int_case_lines").df()
        supply = con.execute("SELECT * FROM int_case_supply").df()
        cover = concurrency.solve_cases(lines, supply)
        write_frame(con, "int_case_cover", cover, CASE_COVER_SCHEMA)
        run_sql(con, "gap_cases", cdp.sql_params)
        worst = con.execute(
            "SELECT case_id, year, capability_code, criticality, required, covered, shortfall, "
            "shortfall_single_scenarios, concurrency_shortfall FROM gap_cases "
            "WHERE year = $y AND concurrency_shortfall > 0 ORDER BY concurrency_shortfall DESC LIMIT 10",
            {"y": cdp.base_year},
        ).df()
        return MaterializeResult(
            metadata=table_metadata(
                con, "gap_cases",
                only_when_concurrent=MetadataValue.md(markdown_table(worst)),
            )
        )


@asset(deps=["gap_capabilities"], group_name=GROUP, kinds={"duckdb", "sql"}, owners=OWNERS)
def gap_history(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    """Every refresh appends its gap_capabilities rows under its run id and time
    (sql/gap_history.sql), so a report can say what changed since the last run."""
    run_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    with duckdb.get_connection() as con:
        run_sql(con, "gap_history", {"run_id": context.run_id, "run_at": run_at})
        runs = con.execute("SELECT count(DISTINCT run_id) FROM gap_history").fetchone()[0]
        return MaterializeResult(
            metadata=table_metadata(
                con, "gap_history",
                "SELECT run_id, run_at, count(*) AS rows FROM gap_history GROUP BY ALL ORDER BY run_at DESC LIMIT 10",
                runs_kept=runs, run_id=context.run_id,
            )
        )


checks = [
    sql_check("gap_lines", "ladder", additional_deps=["int_ladder_bounds"]),
    sql_check("gap_lines", "criticality_first", additional_deps=["int_ladder_bounds"]),
    sql_check("gap_lines", "allocation_bounds"),
    sql_check("gap_lines", "buildup_settles", additional_deps=["gap_buildup"]),
    sql_check("gap_contributions", "contributions_sum", additional_deps=["gap_lines"]),
    sql_check("gap_capabilities", "rollups", additional_deps=["gap_roles"]),
    sql_check("gap_cases", "case_bounds"),
]
