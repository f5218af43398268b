"""From the data folder to raw warehouse tables: find the input files, validate each
with `validation`, and write what was accepted, rejected and read.

Every ingest asset calls these functions, and so does the command line, so the
pipeline and `cdp-gap validate` apply the very same rules.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.lib import table_checks, validation
from pipelines.lib.warehouse import write_frame, write_table

REJECT_SCHEMA = {
    "source_file": "VARCHAR",
    "sheet": "VARCHAR",
    "row_number": "INTEGER",
    "column": "VARCHAR",
    "value": "VARCHAR",
    "reason": "VARCHAR",
}
FILE_SCHEMA = {
    "source_file": "VARCHAR",
    "kind": "VARCHAR",
    "sha256": "VARCHAR",
    "sheet": "VARCHAR",
    "rows_read": "INTEGER",
    "file_rejected": "BOOLEAN",
}
RAW_SCHEMAS = {
    "raw_member_states": {
        "source_file": "VARCHAR",
        "row_number": "INTEGER",
        "code": "VARCHAR",
        "name": "VARCHAR",
        "nato_member": "BOOLEAN",
        "gdp_meur": "DOUBLE",
        "population": "BIGINT",
        "external_land_border_km": "DOUBLE",
    },
    "raw_capabilities": {
        "source_file": "VARCHAR",
        "row_number": "INTEGER",
        "capability_code": "VARCHAR",
        "name": "VARCHAR",
        "domain": "VARCHAR",
        "unit": "VARCHAR",
        "roles": "VARCHAR",
    },
    "raw_participation": {
        "source_file": "VARCHAR",
        "sheet": "VARCHAR",
        "row_number": "INTEGER",
        "member_state": "VARCHAR",
        "role": "VARCHAR",
        "probability": "DOUBLE",
        "source": "VARCHAR",
    },
    "raw_inventory": {
        "source_file": "VARCHAR",
        "sheet": "VARCHAR",
        "row_number": "INTEGER",
        "member_state": "VARCHAR",
        "capability_code": "VARCHAR",
        "quantity": "DOUBLE",
        "readiness_days": "INTEGER",
        "availability": "DOUBLE",
        "deployable_abroad": "BOOLEAN",
        "nato_committed": "DOUBLE",
        "available_from": "INTEGER",
        "available_until": "INTEGER",
        "as_of": "DATE",
        "notes": "VARCHAR",
    },
    "raw_scenarios": {
        "source_file": "VARCHAR",
        "scenario_id": "VARCHAR",
        "name": "VARCHAR",
        "invoking_state": "VARCHAR",
        "nato_article5_concurrent": "BOOLEAN",
        "likelihood": "INTEGER",
        "duration_days": "INTEGER",
        "description": "VARCHAR",
    },
    "raw_requirements": {
        "source_file": "VARCHAR",
        "scenario_id": "VARCHAR",
        "line_id": "VARCHAR",
        "line_order": "INTEGER",
        "role": "VARCHAR",
        "capability_code": "VARCHAR",
        "quantity": "DOUBLE",
        "max_readiness_days": "INTEGER",
        "rotation": "DOUBLE",
        "criticality": "VARCHAR",
        "required": "DOUBLE",
    },
    "raw_concurrency_cases": {
        "source_file": "VARCHAR",
        "case_id": "VARCHAR",
        "name": "VARCHAR",
        "scenario_id": "VARCHAR",
        "scenario_order": "INTEGER",
    },
    "raw_options": {
        "source_file": "VARCHAR",
        "row_number": "INTEGER",
        "option_id": "VARCHAR",
        "title": "VARCHAR",
        "capability_code": "VARCHAR",
        "member_state": "VARCHAR",
        "quantity": "DOUBLE",
        "readiness_days": "INTEGER",
        "availability": "DOUBLE",
        "deployable_abroad": "BOOLEAN",
        "nato_committed": "DOUBLE",
        "available_from": "INTEGER",
        "available_until": "INTEGER",
        "cost_meur": "DOUBLE",
    },
    "raw_option_links": {
        "option_id": "VARCHAR",
        "kind": "VARCHAR",
        "other_id": "VARCHAR",
    },
    "raw_option_budgets": {
        "budget_meur": "DOUBLE",
        "is_choice": "BOOLEAN",
    },
    # One row per rejected option, for the reconciliation of ingest_files: options of one
    # file may share a line (flow style), so counting reject lines could undercount.
    "raw_options_rejected": {
        "source_file": "VARCHAR",
        "option_index": "INTEGER",
        "row_number": "INTEGER",
        "option_id": "VARCHAR",
    },
    "raw_levers": {
        "source_file": "VARCHAR",
        "variant_id": "VARCHAR",
        "name": "VARCHAR",
        "changes": "INTEGER",
    },
    "raw_lever_changes": {
        "source_file": "VARCHAR",
        "row_number": "INTEGER",
        "variant_id": "VARCHAR",
        "step": "INTEGER",
        "change": "VARCHAR",
        "member_states": "VARCHAR[]",
        "capabilities": "VARCHAR[]",
        "days": "INTEGER",
        "at_least": "DOUBLE",
        "years": "INTEGER",
        "options": "VARCHAR[]",
    },
    "raw_offers": {
        "source_file": "VARCHAR",
        "sheet": "VARCHAR",
        "row_number": "INTEGER",
        "scenario_id": "VARCHAR",
        "member_state": "VARCHAR",
        "capability_code": "VARCHAR",
        "quantity": "DOUBLE",
        "available_in_days": "INTEGER",
        "caveats": "VARCHAR",
    },
}

TABLE_FILES = ("*.csv", "*.xlsx", "*.parquet")
OPTIONS_FOLDER = "options"
LEVERS_FOLDER = "levers"


def input_files(folder: Path) -> list[Path]:
    """Every visible file in `folder`, in name order.

    Not only *.csv and *.xlsx: a file of another kind dropped into the inbox must show
    up as rejected, not vanish. The format is told from the content, not the name.
    """
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".yaml", ".yml"))


def relative_name(path: Path, data_dir: Path) -> str:
    try:
        return path.resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return path.name


def modification_date(path: Path) -> dt.date:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc).date()


def validate_reference(data_dir: Path) -> tuple[validation.FileReport, validation.FileReport]:
    ref = data_dir / "reference"
    states = ref / "member_states.csv"
    caps = ref / "capabilities.csv"
    return (
        validation.validate_member_states(states, relative_name(states, data_dir)),
        validation.validate_capabilities(caps, relative_name(caps, data_dir)),
    )


def validate_participation(
    data_dir: Path, member_states: set[str], con: duckdb.DuckDBPyConnection | None = None,
) -> list[validation.FileReport]:
    """`reference/participation.csv` checked against the member states; the file is
    optional, so none gives no report at all (every state then counts with probability 1)."""
    path = data_dir / validation.PARTICIPATION_FILE
    if not path.exists():
        return []
    return [validation.validate_participation(path, relative_name(path, data_dir), member_states,
                                              con)]


def validate_inventory_folder(
    data_dir: Path, member_states: set[str], capabilities: set[str],
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[validation.FileReport]:
    """Every file of `inbox/inventory/`, checked together; with `con`, the accepted rows
    wait there for `write_table_reports` (no copy through Python)."""
    return validation.validate_inventories(
        [(path, relative_name(path, data_dir), modification_date(path))
         for path in input_files(data_dir / "inbox" / "inventory")],
        member_states, capabilities, con,
    )


def validate_scenario_folder(
    data_dir: Path, member_states: set[str], capabilities: set[str]
) -> tuple[list[validation.ScenarioReport], list[validation.CaseReport]]:
    scenarios = validation.dedupe_scenarios(
        [
            validation.validate_scenario(p, relative_name(p, data_dir), member_states, capabilities)
            for p in yaml_files(data_dir / "scenarios")
        ]
    )
    known = {r.scenario["scenario_id"] for r in scenarios if r.scenario}
    cases = [
        validation.validate_case(p, relative_name(p, data_dir), known)
        for p in yaml_files(data_dir / "scenarios" / "concurrency")
    ]
    return scenarios, cases


def validate_offer_folder(
    data_dir: Path, member_states: set[str], capabilities: set[str], invoking: dict[str, str],
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[validation.FileReport]:
    """Every file of `inbox/offers/`, checked together."""
    return validation.validate_offer_files(
        [(path, relative_name(path, data_dir))
         for path in input_files(data_dir / "inbox" / "offers")],
        member_states, capabilities, invoking, con,
    )


def validate_option_folder(
    data_dir: Path, member_states: set[str], capabilities: set[str]
) -> validation.OptionSet:
    """Every options file of `options/` (optional: no folder, no options), resolved
    together."""
    return validation.resolve_options(
        [
            validation.validate_option_file(p, relative_name(p, data_dir), member_states, capabilities)
            for p in yaml_files(data_dir / OPTIONS_FOLDER)
        ]
    )


def write_option_set(con: duckdb.DuckDBPyConnection, options: validation.OptionSet) -> None:
    """Accepted options, their links and budgets to raw_option*, rejects to
    raw_rejects_options, the files to raw_files_options (an option counts as a row)."""
    write_raw(con, "raw_options", options.options)
    write_raw(con, "raw_option_links", options.links)
    write_raw(con, "raw_option_budgets", options.budgets)
    write_raw(
        con, "raw_options_rejected",
        [
            {"source_file": e.source_file, "option_index": e.index, "row_number": e.row_number,
             "option_id": e.option_id}
            for f in options.files for e in f.rejected
        ],
    )
    write_rejects(con, "raw_rejects_options", options.rejects)
    write_file_ledger(
        con, "raw_files_options",
        [
            {"source_file": f.source_file, "kind": "options", "sha256": f.sha256, "sheet": None,
             "rows_read": f.rows_read, "file_rejected": f.file_rejected}
            for f in options.files
        ],
    )


def option_ids(options: validation.OptionSet) -> tuple[set[str], dict[str, str]]:
    """What `add_options` of a lever file may name: the accepted option ids, and every
    rejected one with the file that rejects it (for the reason)."""
    accepted = {o["option_id"] for o in options.options}
    rejected = {
        e.option_id.upper(): e.source_file
        for f in options.files for e in f.rejected
        if e.option_id and e.option_id.upper() not in accepted
    }
    return accepted, rejected


def validate_lever_folder(
    data_dir: Path, member_states: set[str], capabilities: set[str], option_ids: set[str],
    rejected_options: dict[str, str] | None = None,
) -> list[validation.LeverReport]:
    """Every lever file of `levers/` (optional: no folder, no variant), each accepted or
    rejected whole; a later file reusing an accepted variant id is rejected."""
    return validation.dedupe_levers(
        [
            validation.validate_lever_file(p, relative_name(p, data_dir), member_states,
                                           capabilities, option_ids, rejected_options)
            for p in yaml_files(data_dir / LEVERS_FOLDER)
        ]
    )


def write_lever_set(con: duckdb.DuckDBPyConnection, reports: list[validation.LeverReport]) -> None:
    """Accepted variants to raw_levers and their changes to raw_lever_changes, rejects to
    raw_rejects_levers, the files to raw_files_levers (a file counts as one row, read and
    then accepted or rejected whole, like a scenario)."""
    write_raw(con, "raw_levers", [r.lever for r in reports if r.lever])
    write_raw(con, "raw_lever_changes", [c for r in reports for c in r.changes])
    write_rejects(con, "raw_rejects_levers", [x for r in reports for x in r.rejects])
    write_file_ledger(con, "raw_files_levers", document_ledger(reports, "levers"))


def write_rejects(con: duckdb.DuckDBPyConnection, table: str, rejects) -> int:
    rows = [r.__dict__ for r in rejects]
    return write_table(con, table, rows, REJECT_SCHEMA)


def write_file_ledger(con: duckdb.DuckDBPyConnection, table: str, entries: list[dict]) -> int:
    return write_table(con, table, entries, FILE_SCHEMA)


def ledger_entry(report, kind: str, rows_read: int, sheet: str | None = None) -> dict:
    return {
        "source_file": report.source_file,
        "kind": kind,
        "sha256": report.sha256,
        "sheet": sheet,
        "rows_read": rows_read,
        "file_rejected": any(r.row_number is None for r in report.rejects),
    }


def table_report_ledger(reports: list[validation.FileReport]) -> list[dict]:
    return [ledger_entry(r, r.kind, r.rows_read, r.sheet) for r in reports]


def document_ledger(reports, kind: str) -> list[dict]:
    """Scenario and case files count as one row each: read, then accepted or rejected whole."""
    return [ledger_entry(r, kind, 1) for r in reports]


def write_raw(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> int:
    return write_table(con, table, rows, RAW_SCHEMAS[table])


def write_table_reports(
    con: duckdb.DuckDBPyConnection, kind: str, reports: list[validation.FileReport]
) -> None:
    """Accepted rows to raw_<kind>, rejects to raw_rejects_<kind>, the files to raw_files_<kind>."""
    write_raw_reports(con, f"raw_{kind}", reports)
    write_rejects(con, f"raw_rejects_{kind}", [x for r in reports for x in r.rejects])
    write_file_ledger(con, f"raw_files_{kind}", table_report_ledger(reports))


def write_raw_reports(
    con: duckdb.DuckDBPyConnection, table: str, reports: list[validation.FileReport]
) -> None:
    """The accepted rows of `reports`, file after file, into `table`. Rows checked in this
    connection move inside DuckDB, all the files checked together in one statement, and
    the temporary tables they came from are dropped."""
    write_raw(con, table, [])
    moved = []
    for report in reports:
        accepted = report.accepted
        if isinstance(accepted, validation.AcceptedRows) and accepted.con is con:
            if not any(batch is accepted.batch for batch in moved):
                con.execute(f'INSERT INTO "{table}" BY NAME {accepted.batch.accepted()}')
                moved.append(accepted.batch)
            report.accepted = []  # moved: the raw table has them now
        elif report.rows:
            schema = RAW_SCHEMAS[table]
            frame = pd.DataFrame([[r.get(c) for c in schema] for r in report.rows],
                                 columns=list(schema))
            write_frame(con, table, frame, schema, replace=False)
    for batch in moved:
        table_checks.drop_all(con, batch.cleanup)


def reference_codes(con: duckdb.DuckDBPyConnection) -> tuple[set[str], set[str]]:
    """The member-state and capability codes staged from the reference data."""
    states = {r[0] for r in con.execute("SELECT code FROM stg_member_states").fetchall()}
    capabilities = {r[0] for r in con.execute("SELECT capability_code FROM stg_capabilities").fetchall()}
    return states, capabilities
