"""Factories that turn the project's SQL files into Dagster assets and asset checks.

An asset built by `sql_table_asset("gap_roles", ...)` runs `sql/gap_roles.sql`, which
builds the table of the same name; its description is that file's header comment,
so the UI, the asset and the SQL tell the same story.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import CdpSettings
from pipelines.lib.sql_comments import comment_lines, to_markdown
from pipelines.lib.warehouse import markdown_table, query_df, row_count, run_sql, sql_text

OWNERS = ["team:capability-planning"]


def sql_description(name: str) -> str:
    """The leading comment block of `sql/<name>.sql`, as the Markdown the UI renders:
    wrapped lines joined into paragraphs, its lists and definitions kept apart."""
    return to_markdown(comment_lines(sql_text(name)))


def table_metadata(con, table: str, preview_sql: str | None = None, **extra) -> dict:
    preview = con.execute(preview_sql or f'SELECT * FROM "{table}" LIMIT 10').df()
    return {
        "dagster/row_count": row_count(con, table),
        "table": table,
        "preview": MetadataValue.md(markdown_table(preview)),
        **extra,
    }


def sql_table_asset(
    name: str,
    deps: Sequence[str],
    group: str,
    metadata: Callable | None = None,
) -> AssetsDefinition:
    """An asset that (re)builds table `name` from `sql/<name>.sql`."""

    @asset(
        name=name,
        deps=list(deps),
        group_name=group,
        kinds={"duckdb", "sql"},
        owners=OWNERS,
        description=sql_description(name),
        tags={"layer": name.split("_")[0]},
    )
    def _build(duckdb: DuckDBResource, cdp: CdpSettings) -> MaterializeResult:
        with duckdb.get_connection() as con:
            run_sql(con, name, cdp.sql_params)
            extra = metadata(con, cdp) if metadata else {}
            return MaterializeResult(metadata=table_metadata(con, name, **extra))

    return _build


def sql_check(
    asset_name: str,
    check: str,
    blocking: bool = True,
    additional_deps: Sequence[str] = (),
) -> Callable:
    """An asset check that passes when `sql/check_<check>.sql` returns no rows."""
    file = f"check_{check}"

    @asset_check(
        asset=AssetKey(asset_name),
        name=check,
        blocking=blocking,
        description=sql_description(file),
        additional_deps=[AssetKey(d) for d in additional_deps],
    )
    def _check(duckdb: DuckDBResource, cdp: CdpSettings) -> AssetCheckResult:
        with duckdb.get_connection() as con:
            violations = query_df(con, file, cdp.sql_params)
        return AssetCheckResult(
            passed=violations.empty,
            severity=AssetCheckSeverity.ERROR if blocking else AssetCheckSeverity.WARN,
            metadata={
                "violations": len(violations),
                "first_violations": MetadataValue.md(markdown_table(violations, digits=6)),
            },
        )

    return _check
