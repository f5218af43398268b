"""What if: levers a planner can pull, and what each closes (methodology §12).

Each lever file (levers/*.yaml, staged as stg_levers and stg_lever_changes) is a named
variant of the inventory: caveats lifted, NATO commitments released, readiness or
availability improved, service extended, a state withdrawn, options added. A variant's
figures are the gap engine's own SQL and allocation run on the changed inventory, for the
capabilities the variant touches only (lib/whatif.py); the baseline is variant BASELINE.
"""

from __future__ import annotations

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS, sql_check, sql_table_asset, table_metadata
from pipelines.lib import whatif
from pipelines.lib.warehouse import markdown_table, query_df

GROUP = "whatif"
# What a variant is made from: the staged inventory after supersession (whose ingest
# checks must pass first), the lever files, the options they may add, the scenarios and
# their lines, the horizon, and the baseline's figures it is set beside.
INPUTS = ["stg_inventory", "ingest_files", "ingest_rejects", "stg_levers", "stg_lever_changes",
          "stg_options", "stg_requirements", "stg_scenarios", "int_years", "gap_lines",
          "gap_capabilities", "gap_buildup"]
COMPARED = ["required", "allocated", "shortfall", "risk_level", "lines", "lines_met",
            "high_risk_lines"]


@asset(deps=INPUTS, group_name=GROUP, kinds={"duckdb", "python"}, owners=OWNERS,
       tags={"layer": "whatif"})
def whatif_capabilities(duckdb: DuckDBResource, cdp: CdpSettings) -> MaterializeResult:
    """Every variant per scenario, year and capability (methodology §12): `required`,
    `allocated`, `shortfall`, `risk_level` on the variant's inventory, beside
    `shortfall_baseline` and `shortfall_delta`; the baseline itself as BASELINE. Only the
    capabilities a lever touches are computed again, by the gap engine's own SQL and
    allocation (lib/whatif.py); the others keep the baseline's figures."""
    with duckdb.get_connection() as con:
        touched = whatif.build(con, cdp.sql_params)
        levers = con.execute(
            "SELECT variant_id, name, changes FROM stg_levers ORDER BY variant_id").df()
        levers["capabilities_touched"] = [len(touched.get(v, [])) for v in levers.variant_id]
        return MaterializeResult(metadata=table_metadata(
            con, "whatif_capabilities",
            "SELECT * FROM whatif_capabilities WHERE shortfall_delta <> 0 "
            "ORDER BY shortfall_delta LIMIT 10",
            variants=len(levers),
            levers=MetadataValue.md(markdown_table(levers, max_rows=50)),
        ))


def summary_metadata(con, cdp: CdpSettings) -> dict:
    """Each variant in the base year, all scenarios together, beside the baseline."""
    frame = query_df(con, "select_whatif_headline", cdp.sql_params)
    return {"base_year": MetadataValue.md(markdown_table(frame, max_rows=50, digits=1))}


whatif_summary = sql_table_asset(
    "whatif_summary", deps=["whatif_capabilities"], group=GROUP, metadata=summary_metadata,
)


@asset_check(asset=AssetKey("whatif_capabilities"), name="whatif_is_the_engine",
             blocking=True, additional_deps=[AssetKey(name) for name in INPUTS])
def whatif_is_the_engine(duckdb: DuckDBResource, cdp: CdpSettings) -> AssetCheckResult:
    """The variant path run with no change over every capability gives gap_capabilities
    exactly (required, allocated, shortfall, risk level, lines met, high-risk lines): a
    variant is the engine on a changed inventory, not a second implementation."""
    with duckdb.get_connection() as con:
        again = whatif.baseline_again(con, cdp.sql_params)
        engine = query_df(con, "select_whatif_figures", {"variant_id": whatif.BASELINE})
    keys = ["scenario_id", "year", "capability_code"]
    # As text: with no scenario at all one side is an empty frame of no particular type.
    merged = engine.astype({k: str for k in keys}).merge(
        again.astype({k: str for k in keys}), on=keys, how="outer", suffixes=("", "_again"),
        indicator=True)
    differs = merged["_merge"] != "both"
    for column in COMPARED:
        differs |= merged[column].astype(str) != merged[f"{column}_again"].astype(str)
    off = merged[differs]
    return AssetCheckResult(
        passed=off.empty, severity=AssetCheckSeverity.ERROR,
        metadata={"rows_compared": len(merged), "rows_differing": len(off),
                  "first_differences": MetadataValue.md(markdown_table(off.head(10), digits=6))},
    )


checks = [
    sql_check("whatif_capabilities", "whatif_baseline", additional_deps=["gap_capabilities"]),
]
