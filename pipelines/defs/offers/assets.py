"""After an invocation: match the offers of member states to the needs of the invoking
state (methodology §8). Offers are a supply of their own, allocated to the scenario's
lines by the same rule as the inventory (lib/allocation.py), once, against the base
year; the rest is SQL in `sql/offer_*.sql`."""

from dagster import MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from pipelines.defs.gaps.assets import DRAW_SCHEMA
from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS, sql_check, sql_table_asset, table_metadata
from pipelines.lib import allocation
from pipelines.lib.warehouse import markdown_table, query_df, run_sql, write_frame

GROUP = "offers"


@asset(
    deps=["stg_offers", "stg_requirements"],
    group_name=GROUP,
    kinds={"duckdb", "python"},
    owners=OWNERS,
)
def int_offer_draws(duckdb: DuckDBResource, cdp: CdpSettings) -> MaterializeResult:
    """What each requirement line draws from the offers, per offer readiness band
    (available_in_days): the allocation rule of §3 with offers as the supply."""
    with duckdb.get_connection() as con:
        lines = query_df(con, "select_offer_lines", cdp.sql_params)
        bands = query_df(con, "select_offer_bands", cdp.sql_params)
        write_frame(con, "int_offer_draws", allocation.allocate(lines, bands), DRAW_SCHEMA)
        return MaterializeResult(metadata=table_metadata(con, "int_offer_draws"))


def _offer_headline(con, cdp: CdpSettings) -> dict:
    per_scenario = con.execute(
        "SELECT scenario_id, count(*) AS lines, count(*) FILTER (WHERE unmet = 0) AS met, "
        "exact_sum(unmet) AS unmet, exact_sum(allocated) AS accepted FROM offer_lines GROUP BY 1 ORDER BY 1"
    ).df()
    surplus = con.execute("SELECT exact_sum(unused) FROM offer_surplus").fetchone()[0] or 0
    lines = [
        f"{r.scenario_id}: {r.met} of {r.lines} needs met by offers; {r.unmet:,.1f} units unmet"
        for r in per_scenario.itertuples()
    ]
    return {
        "headline": MetadataValue.md("\n".join(f"- {l}" for l in lines) + f"\n- offers left unused: {surplus:,.1f}"),
        "unmet_needs": MetadataValue.md(markdown_table(
            con.execute("SELECT scenario_id, line_id, capability_code, required, offered, allocated, unmet "
                        "FROM offer_lines WHERE unmet > 0 ORDER BY unmet DESC").df())),
    }


int_offer_pieces = sql_table_asset("int_offer_pieces", deps=["int_offer_draws", "stg_offers"], group=GROUP)
offer_allocation = sql_table_asset(
    "offer_allocation", deps=["int_offer_pieces", "stg_requirements", "stg_scenarios", "stg_inventory"],
    group=GROUP,
)
offer_lines = sql_table_asset(
    "offer_lines", deps=["int_offer_draws", "stg_offers", "stg_requirements"], group=GROUP
)
offer_surplus = sql_table_asset(
    "offer_surplus", deps=["int_offer_pieces", "stg_offers", "offer_lines"], group=GROUP,
    metadata=_offer_headline,
)
offer_whom_to_ask = sql_table_asset(
    "offer_whom_to_ask", deps=["offer_lines", "stg_inventory", "stg_scenarios"], group=GROUP
)
offer_coordination = sql_table_asset("offer_coordination", deps=["offer_allocation"], group=GROUP)

checks = [sql_check("offer_allocation", "offer_bounds", additional_deps=["offer_surplus"])]
