"""Ingest: reference data, national inventories, scenarios, offers, options and levers
into the warehouse.

Each asset validates its files with `pipelines.lib.validation` (the rules of the data
contract, shared with `cdp-gap validate`), writes accepted rows to `raw_*` tables and
rejected ones to `raw_rejects_*`, then builds the staged tables from `sql/stg_*.sql`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset_check,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS, sql_check, sql_description, sql_table_asset, table_metadata
from pipelines.lib import loading
from pipelines.lib.warehouse import markdown_table, query_df, run_sql

GROUP = "ingest"
KINDS = {"duckdb", "python"}
# Files may still be being copied into the inbox when a run starts: try again shortly.
FILE_RETRY = RetryPolicy(max_retries=2, delay=10)


def _spec(name: str, deps=(), kinds=KINDS) -> AssetSpec:
    return AssetSpec(
        name, deps=list(deps), group_name=GROUP, kinds=kinds, owners=OWNERS,
        description=sql_description(name),
    )


def _reject_metadata(reports) -> dict:
    rejects = [r for report in reports for r in report.rejects]
    frame = pd.DataFrame([r.__dict__ for r in rejects])
    return {
        "files_read": len(reports),
        "rows_rejected": len({(r.source_file, r.row_number) for r in rejects}),
        "rejects": MetadataValue.md(markdown_table(frame, max_rows=20)),
    }


@multi_asset(
    specs=[_spec("stg_member_states"), _spec("stg_capabilities"), _spec("stg_participation")],
    name="reference_data",
    group_name=GROUP,
    retry_policy=FILE_RETRY,
)
def reference_data(duckdb: DuckDBResource, cdp: CdpSettings):
    """Member states (NATO membership, GDP), the capability taxonomy and, if there is one,
    the participation estimates (`participation.csv`, methodology §10) from `reference/`."""
    data_dir = Path(cdp.data_dir)
    states, capabilities = loading.validate_reference(data_dir)
    with duckdb.get_connection() as con:
        participation = loading.validate_participation(
            data_dir, {row["code"] for row in states.rows}, con
        )
        reports = [states, capabilities, *participation]
        loading.write_raw(con, "raw_member_states", states.rows)
        loading.write_raw(con, "raw_capabilities", capabilities.rows)
        loading.write_raw_reports(con, "raw_participation", participation)
        loading.write_rejects(con, "raw_rejects_reference", [x for r in reports for x in r.rejects])
        loading.write_file_ledger(con, "raw_files_reference", loading.table_report_ledger(reports))
        for table in ("stg_member_states", "stg_capabilities", "stg_participation"):
            run_sql(con, table)
        meta = _reject_metadata(reports)
        yield MaterializeResult(asset_key="stg_member_states", metadata=table_metadata(con, "stg_member_states", **meta))
        yield MaterializeResult(asset_key="stg_capabilities", metadata=table_metadata(con, "stg_capabilities"))
        yield MaterializeResult(
            asset_key="stg_participation",
            metadata=table_metadata(
                con, "stg_participation",
                file_present=bool(participation),
                **(_reject_metadata(participation) if participation else {}),
            ),
        )


def participation_problems(rejected: pd.DataFrame) -> list[str]:
    """Each rejected row of `check_participation_complete` as 'file row N: reason' (no row
    when the whole file was refused): the check and the Monte Carlo say it alike."""
    return [
        f"{r.source_file}" + ("" if pd.isna(r.row_number) else f" row {int(r.row_number)}")
        + f": {r.reason}"
        for r in rejected.itertuples()
    ]


@asset_check(
    asset=AssetKey("stg_participation"),
    name="participation_complete",
    # Not blocking in Dagster's sense: the reports read the Monte Carlo's tables, and a
    # blocking check would stop them too, while every asset but the Monte Carlo must
    # refresh. The Monte Carlo withholds its figures itself (defs/confidence/assets.py).
    blocking=False,
    description=sql_description("check_participation_complete"),
)
def participation_complete(duckdb: DuckDBResource, cdp: CdpSettings) -> AssetCheckResult:
    """Fails, naming each rejected row and its reason, when any row of
    `reference/participation.csv` was rejected (a missing estimate would count as certain)."""
    with duckdb.get_connection() as con:
        rejected = query_df(con, "check_participation_complete", cdp.sql_params)
    lines = participation_problems(rejected)
    description = (
        "Every row of reference/participation.csv was accepted (or there is no such file)."
        if rejected.empty
        else "Put these right before the Monte Carlo can use the participation estimates: "
        + "; ".join(lines)
    )
    return AssetCheckResult(
        passed=rejected.empty,
        severity=AssetCheckSeverity.ERROR,
        description=description,
        metadata={
            "rows_rejected": int(rejected.row_number.nunique(dropna=False)),
            "rejected": MetadataValue.md(markdown_table(rejected, max_rows=50)),
        },
    )


@multi_asset(
    specs=[
        _spec("stg_inventory", deps=["stg_member_states", "stg_capabilities"]),
        _spec("ingest_superseded", deps=["stg_member_states", "stg_capabilities"]),
    ],
    name="inventory_submissions",
    group_name=GROUP,
    retry_policy=FILE_RETRY,
)
def inventory_submissions(duckdb: DuckDBResource, cdp: CdpSettings):
    """National capability inventories (`inbox/inventory/*.csv|*.xlsx`), each file read
    once and its rows validated together in DuckDB; for each member state only its latest
    submission is used."""
    with duckdb.get_connection() as con:
        states, capabilities = loading.reference_codes(con)
        reports = loading.validate_inventory_folder(Path(cdp.data_dir), states, capabilities, con)
        loading.write_table_reports(con, "inventory", reports)
        run_sql(con, "stg_inventory")
        run_sql(con, "ingest_superseded")
        by_state = con.execute(
            "SELECT member_state, count(*) AS rows, max(as_of) AS as_of, "
            "string_agg(DISTINCT source_file, ', ') AS files FROM stg_inventory GROUP BY 1 ORDER BY 1"
        ).df()
        yield MaterializeResult(
            asset_key="stg_inventory",
            metadata=table_metadata(
                con, "stg_inventory",
                submissions=MetadataValue.md(markdown_table(by_state, max_rows=30)),
                **_reject_metadata(reports),
            ),
        )
        yield MaterializeResult(asset_key="ingest_superseded", metadata=table_metadata(con, "ingest_superseded"))


@multi_asset(
    specs=[
        _spec("stg_scenarios", deps=["stg_member_states", "stg_capabilities"]),
        _spec("stg_requirements", deps=["stg_member_states", "stg_capabilities"]),
        _spec("stg_concurrency_cases", deps=["stg_member_states", "stg_capabilities"]),
    ],
    name="scenario_files",
    group_name=GROUP,
    retry_policy=FILE_RETRY,
)
def scenario_files(duckdb: DuckDBResource, cdp: CdpSettings):
    """Art. 42.7 contingency scenarios (`scenarios/*.yaml`) and concurrency cases
    (`scenarios/concurrency/*.yaml`), loaded with a safe YAML loader. A bad file is
    rejected whole: half a scenario would give a false gap."""
    with duckdb.get_connection() as con:
        states, capabilities = loading.reference_codes(con)
        scenarios, cases = loading.validate_scenario_folder(Path(cdp.data_dir), states, capabilities)
        loading.write_raw(con, "raw_scenarios", [r.scenario for r in scenarios if r.scenario])
        loading.write_raw(con, "raw_requirements", [l for r in scenarios for l in r.requirements])
        loading.write_raw(
            con, "raw_concurrency_cases",
            [
                {**c.case, "scenario_id": sid, "scenario_order": i, "source_file": c.source_file}
                for c in cases if c.case for i, sid in enumerate(c.scenario_ids)
            ],
        )
        loading.write_rejects(
            con, "raw_rejects_scenarios", [x for r in [*scenarios, *cases] for x in r.rejects]
        )
        loading.write_file_ledger(
            con, "raw_files_scenarios",
            loading.document_ledger(scenarios, "scenario") + loading.document_ledger(cases, "concurrency_case"),
        )
        for table in ("stg_scenarios", "stg_requirements", "stg_concurrency_cases"):
            run_sql(con, table)
        meta = _reject_metadata([*scenarios, *cases])
        yield MaterializeResult(asset_key="stg_scenarios", metadata=table_metadata(con, "stg_scenarios", **meta))
        yield MaterializeResult(asset_key="stg_requirements", metadata=table_metadata(con, "stg_requirements"))
        yield MaterializeResult(asset_key="stg_concurrency_cases", metadata=table_metadata(con, "stg_concurrency_cases"))


@multi_asset(
    specs=[_spec("stg_offers", deps=["stg_scenarios", "stg_member_states", "stg_capabilities"])],
    name="offer_submissions",
    group_name=GROUP,
    retry_policy=FILE_RETRY,
)
def offer_submissions(duckdb: DuckDBResource, cdp: CdpSettings):
    """Offers of member states after an invocation (`inbox/offers/*.csv|*.xlsx`)."""
    with duckdb.get_connection() as con:
        states, capabilities = loading.reference_codes(con)
        invoking = dict(con.execute("SELECT scenario_id, invoking_state FROM stg_scenarios").fetchall())
        reports = loading.validate_offer_folder(Path(cdp.data_dir), states, capabilities, invoking, con)
        loading.write_table_reports(con, "offers", reports)
        run_sql(con, "stg_offers")
        yield MaterializeResult(
            asset_key="stg_offers", metadata=table_metadata(con, "stg_offers", **_reject_metadata(reports))
        )


@multi_asset(
    specs=[
        _spec("stg_options", deps=["stg_member_states", "stg_capabilities"]),
        _spec("stg_option_links", deps=["stg_member_states", "stg_capabilities"]),
        _spec("stg_option_budgets", deps=["stg_member_states", "stg_capabilities"]),
    ],
    name="option_files",
    group_name=GROUP,
    retry_policy=FILE_RETRY,
)
def option_files(duckdb: DuckDBResource, cdp: CdpSettings):
    """Candidate options to close gaps (`options/*.yaml`, methodology §11), loaded with a
    safe YAML loader: the options, their `excludes` and `requires` links and the budgets.
    A bad option is rejected with every option that requires it; a broken file, or one
    with bad budgets, is rejected whole. The folder is optional: no files, empty tables."""
    with duckdb.get_connection() as con:
        states, capabilities = loading.reference_codes(con)
        options = loading.validate_option_folder(Path(cdp.data_dir), states, capabilities)
        loading.write_option_set(con, options)
        for table in ("stg_options", "stg_option_links", "stg_option_budgets"):
            run_sql(con, table)
        by_file = pd.DataFrame(
            [
                {"source_file": f.source_file, "options": f.rows_read,
                 "accepted": len(f.accepted), "rejected": len(f.rejected),
                 "budget_meur": f.budget_meur, "file_rejected": f.file_rejected}
                for f in options.files
            ]
        )
        choice = next((b["budget_meur"] for b in options.budgets if b["is_choice"]), None)
        # An option counts as a row, and options may share a YAML line (flow style).
        rejects = {**_reject_metadata(options.files),
                   "rows_rejected": sum(len(f.rejected) for f in options.files)}
        yield MaterializeResult(
            asset_key="stg_options",
            metadata=table_metadata(
                con, "stg_options",
                files=MetadataValue.md(markdown_table(by_file, max_rows=30)),
                **rejects,
            ),
        )
        yield MaterializeResult(asset_key="stg_option_links", metadata=table_metadata(con, "stg_option_links"))
        yield MaterializeResult(
            asset_key="stg_option_budgets",
            metadata=table_metadata(
                con, "stg_option_budgets",
                **({"choice_budget_meur": float(choice)} if choice is not None else {}),
            ),
        )


@multi_asset(
    specs=[
        _spec("stg_levers", deps=["stg_member_states", "stg_capabilities", "stg_options"]),
        _spec("stg_lever_changes", deps=["stg_member_states", "stg_capabilities", "stg_options"]),
    ],
    name="lever_files",
    group_name=GROUP,
    retry_policy=FILE_RETRY,
)
def lever_files(duckdb: DuckDBResource, cdp: CdpSettings):
    """What-if variants of the inventory (`levers/*.yaml`, methodology §12), loaded with a
    safe YAML loader: one variant a file, its changes in order. A file with an unknown
    change, a bad value or an unknown code (a member state, a capability, an option that
    is not accepted) is rejected whole, and so is a later file reusing a variant id:
    half a variant would give a false answer. The folder is optional: no files, empty
    tables."""
    with duckdb.get_connection() as con:
        states, capabilities = loading.reference_codes(con)
        accepted = {r[0] for r in con.execute("SELECT option_id FROM stg_options").fetchall()}
        rejected = dict(con.execute(
            "SELECT upper(option_id), min(source_file) FROM raw_options_rejected "
            "WHERE option_id IS NOT NULL GROUP BY 1").fetchall())
        rejected = {k: v for k, v in rejected.items() if k not in accepted}
        levers = loading.validate_lever_folder(
            Path(cdp.data_dir), states, capabilities, accepted, rejected)
        loading.write_lever_set(con, levers)
        for table in ("stg_levers", "stg_lever_changes"):
            run_sql(con, table)
        by_file = pd.DataFrame(
            [
                {"source_file": r.source_file,
                 "variant_id": r.lever["variant_id"] if r.lever else None,
                 "changes": len(r.changes), "accepted": r.lever is not None,
                 "first_problem": r.rejects[0].reason if r.rejects else None}
                for r in levers
            ]
        )
        yield MaterializeResult(
            asset_key="stg_levers",
            metadata=table_metadata(
                con, "stg_levers",
                files=MetadataValue.md(markdown_table(by_file, max_rows=30)),
                **_reject_metadata(levers),
            ),
        )
        yield MaterializeResult(
            asset_key="stg_lever_changes",
            metadata=table_metadata(
                con, "stg_lever_changes",
                preview_sql="SELECT variant_id, step, change, member_states, capabilities, days, "
                "at_least, years, options FROM stg_lever_changes LIMIT 20",
            ),
        )


ingest_rejects = sql_table_asset(
    "ingest_rejects",
    deps=["stg_member_states", "stg_inventory", "stg_scenarios", "stg_offers", "stg_options",
          "stg_levers"],
    group=GROUP,
    metadata=lambda con, cdp: {
        "reasons": MetadataValue.md(
            markdown_table(
                con.execute(
                    "SELECT input_kind, source_file, sheet, row_number, \"column\", value, reason "
                    "FROM ingest_rejects ORDER BY source_file, row_number NULLS FIRST"
                ).df(),
                max_rows=50,
            )
        )
    },
)
ingest_files = sql_table_asset(
    "ingest_files",
    deps=["ingest_rejects", "ingest_superseded", "stg_concurrency_cases", "stg_options",
          "stg_levers"],
    group=GROUP,
)

checks = [
    sql_check("stg_inventory", "inventory_references"),
    sql_check("stg_requirements", "scenario_references", additional_deps=["stg_scenarios", "stg_concurrency_cases"]),
    sql_check("stg_requirements", "scenarios_have_lines", additional_deps=["stg_scenarios"]),
    sql_check("stg_option_links", "option_references", additional_deps=["stg_options", "stg_option_budgets"]),
    sql_check("stg_lever_changes", "lever_references",
              additional_deps=["stg_levers", "stg_options"]),
    sql_check("ingest_files", "ingest_reconciliation"),
    sql_check("ingest_files", "ingest_unique_keys"),
]
