"""Whole units to request from each member state (lib/whole_units.py): the §3 pro-rata
pieces of gap_contributions rounded to whole units, every line's total kept, no state
asked for more than what it gives rounded up. A blocking check re-proves both in SQL."""

from dagster import MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS, sql_check, table_metadata
from pipelines.lib import whole_units
from pipelines.lib.warehouse import markdown_table, query_df, write_frame

UNIT_REQUEST_SCHEMA = {
    "scenario_id": "VARCHAR",
    "year": "INTEGER",
    "line_id": "VARCHAR",
    "member_state": "VARCHAR",
    "capability_code": "VARCHAR",
    "role": "VARCHAR",
    "criticality": "VARCHAR",
    "is_invoking_state": "BOOLEAN",
    "allocated": "DOUBLE",
    "units": "INTEGER",
    "required": "DOUBLE",
    "line_allocated": "DOUBLE",
}
# Lines whose whole units differ from their allocated total rounded half up: the state
# limits did not let every line of the group keep it.
LINES_NOT_ROUNDED_HALF_UP = """
SELECT scenario_id, year, line_id, exact_sum(allocated) AS allocated, sum(units) AS units
FROM gap_unit_requests
GROUP BY ALL
HAVING sum(units) <> floor(exact_sum(allocated) + 0.5 + 1e-9)
ORDER BY ALL
"""


@asset(
    deps=["gap_contributions", "gap_lines"],
    group_name="gaps",
    kinds={"duckdb", "python"},
    owners=OWNERS,
)
def gap_unit_requests(duckdb: DuckDBResource, cdp: CdpSettings) -> MaterializeResult:
    """Whole units to ask of each member state per scenario, year and requirement line:
    `allocated` (its fractional §3 piece) rounded down or up to `units`. Per (scenario,
    year, capability), every line's units total is floor or ceil of its allocated total,
    and equals it rounded half up on as many lines as the states allow; no state is asked
    for more than ceil of what it gives there; the largest fractional parts round up,
    ties in §3 line order, then by state code (rule: lib/whole_units.py)."""
    with duckdb.get_connection() as con:
        pieces = query_df(con, "select_unit_pieces", cdp.sql_params)
        frame = pieces.assign(units=whole_units.unit_requests(pieces))
        write_frame(con, "gap_unit_requests", frame, UNIT_REQUEST_SCHEMA)
        others = con.execute(LINES_NOT_ROUNDED_HALF_UP).df()
        return MaterializeResult(
            metadata=table_metadata(
                con, "gap_unit_requests",
                pieces_rounded_up=int((frame.units > frame.allocated).sum()),
                lines_not_rounded_half_up=len(others),
                lines_not_rounded_half_up_preview=MetadataValue.md(markdown_table(others, digits=3)),
            )
        )


unit_checks = [sql_check("gap_unit_requests", "unit_requests")]
