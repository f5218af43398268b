"""What changed since the last refresh, one row per scenario and capability, with the
input row that caused it where one row explains it.

`input_history` keeps the accepted inputs of gap_history's two latest runs under the
same run ids (sql/input_history.sql says what is kept and why it stays bounded);
`gap_changes` compares those two runs (sql/gap_changes.sql). input_history depends on
gap_history, so a run that writes both writes gap_history first, and input_history
refuses to store inputs under a run id gap_history does not hold as its latest: the
two line up by construction.
"""

import datetime as dt
from collections import Counter

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS, sql_description, sql_table_asset, table_metadata
from pipelines.lib.warehouse import markdown_table, query_df, run_sql

GROUP = "gaps"

LATEST_RUNS = (
    "SELECT run_id FROM (SELECT DISTINCT run_id, run_at FROM gap_history) "
    "ORDER BY run_at DESC, run_id DESC LIMIT 2"
)


def history_run_id(context: AssetExecutionContext, latest: str | None,
                   assessed: bool = True) -> str:
    """The run id to store this run's inputs under: gap_history's latest run, which must
    be this run, or the run this one re-executes (a retry from failure gets a new id
    while gap_history's step, already done, is not run again). A run that assessed
    nothing (no valid scenario) leaves no rows in gap_history: its own id is used."""
    run = context.run
    own = {context.run_id, run.parent_run_id, run.root_run_id} - {None}
    if not assessed:
        return context.run_id
    if latest is None or latest not in own:
        raise Failure(
            description=(
                f"gap_history's latest run is {latest or 'none'}, not this run ({context.run_id}): "
                "materialise input_history in the same run as gap_history, so that the "
                "inputs are stored under the run id whose gaps they produced."
            )
        )
    return latest


@asset(
    deps=["gap_history", "gap_capabilities", "stg_inventory", "stg_requirements",
          "stg_scenarios"],
    group_name=GROUP,
    kinds={"duckdb", "sql"},
    owners=OWNERS,
    description=sql_description("input_history"),
)
def input_history(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    # Decide before writing, and raise outside the connection's block: dagster-duckdb
    # closes a connection only when its block ends without an exception.
    with duckdb.get_connection() as con:
        latest = [r[0] for r in con.execute(LATEST_RUNS).fetchall()]
        assessed = con.execute("SELECT count(*) FROM gap_capabilities").fetchone()[0] > 0
        on_record = set()
        if con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'input_history'"
        ).fetchone()[0]:
            on_record = {r[0] for r in con.execute("SELECT run_id FROM input_history").fetchall()}
    run_id = history_run_id(context, latest[0] if latest else None, assessed)
    with duckdb.get_connection() as con:
        if run_id in on_record:
            # A retried step: this run's inputs are stored already, and the run before
            # has been reduced to its changed rows; storing again would lose the pairing.
            context.log.info(f"inputs of run {run_id} are on record already")
        else:
            previous = latest[1] if len(latest) > 1 and latest[1] in on_record else None
            stored_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
            con.execute("BEGIN TRANSACTION")
            try:
                run_sql(con, "input_history",
                        {"run_id": run_id, "previous_run_id": previous, "stored_at": stored_at})
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return MaterializeResult(
            metadata=table_metadata(
                con, "input_history", "SELECT * FROM input_history ORDER BY stored_at DESC",
                run_id=run_id,
                inventory_rows_kept=con.execute(
                    "SELECT count(*) FROM input_history_inventory").fetchone()[0],
            )
        )


def _changes_metadata(con, cdp: CdpSettings) -> dict:
    by_change = con.execute(
        "SELECT change, count(*) AS capabilities, count(cause_file) AS with_one_cause "
        "FROM gap_changes GROUP BY change ORDER BY change"
    ).df()
    return {"by_change": MetadataValue.md(markdown_table(by_change))}


gap_changes = sql_table_asset(
    "gap_changes", deps=["gap_history", "input_history"], group=GROUP, metadata=_changes_metadata
)


@asset_check(
    asset=gap_changes,
    name="covers_report_changes",
    blocking=True,
    additional_deps=["gap_history"],
    description=(
        "gap_changes holds exactly one row for every (scenario, capability) that "
        "sql/report_changes.sql lists, and no other: the table and the per-year report "
        "tell the same story."
    ),
)
def covers_report_changes(duckdb: DuckDBResource, cdp: CdpSettings) -> AssetCheckResult:
    with duckdb.get_connection() as con:
        reported = query_df(con, "report_changes", cdp.sql_params)
        table = con.execute("SELECT scenario_id, capability_code FROM gap_changes").df()
    expected = set(zip(reported.scenario_id, reported.capability_code))
    rows = list(zip(table.scenario_id, table.capability_code))
    missing = sorted(expected - set(rows))
    extra = sorted(set(rows) - expected)
    duplicated = sorted(k for k, n in Counter(rows).items() if n > 1)
    problems = (
        [f"missing {s} {c}" for s, c in missing]
        + [f"not in report_changes: {s} {c}" for s, c in extra]
        + [f"more than one row: {s} {c}" for s, c in duplicated]
    )
    return AssetCheckResult(
        passed=not problems,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "violations": len(problems),
            "first_violations": MetadataValue.md(
                "\n".join(f"- {p}" for p in problems[:20]) or "_none_"
            ),
        },
    )
