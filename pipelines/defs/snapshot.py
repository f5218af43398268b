"""The read-only warehouse snapshot that notebooks and ad-hoc queries read, so that no
reader ever holds the warehouse while a refresh writes it."""

from dagster import MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS
from pipelines.lib.warehouse_snapshot import publish, snapshot_path

# The tables nothing else is built from: once they are built, every table is, so the
# copy is whole. tests/assets/test_automation.py fails if a new table is left out.
BUILT_LAST = (
    "gap_burden_sharing",
    "gap_cases",
    "gap_changes",
    "gap_history",
    "gap_priorities",
    "gap_roles",
    "gap_unit_requests",
    "int_ladder_bounds",
    "mc_capabilities",
    "mc_lines",
    "mc_roles",
    "offer_coordination",
    "option_choice",
    "option_effects",
    "option_frontier",
    "offer_surplus",
    "offer_whom_to_ask",
    "whatif_summary",
)


@asset(deps=list(BUILT_LAST), group_name="reports", kinds={"duckdb"}, owners=OWNERS)
def warehouse_snapshot(duckdb: DuckDBResource, cdp: CdpSettings) -> MaterializeResult:
    """A copy of the whole warehouse at `reports/warehouse_snapshot.duckdb`, replaced in one
    step after every refresh. Open it read-only (notebooks/explore_gaps.ipynb does) to ask
    your own questions without ever blocking the nightly refresh."""
    target = snapshot_path(cdp.reports_dir)
    with duckdb.get_connection() as con:
        tables = publish(con, target)
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(target)),
            "size_mb": round(target.stat().st_size / 1e6, 1),
            "tables": len(tables),
            "table_names": MetadataValue.md(", ".join(f"`{t}`" for t in tables)),
        }
    )
