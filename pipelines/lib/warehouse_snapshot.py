"""A read-only copy of the warehouse for people who query it.

DuckDB lets a process open a database file only while no other process writes it, so a
notebook reading the warehouse itself would block the nightly refresh (or fail on it).
Readers get their own copy instead, made by the database (`COPY FROM DATABASE`) inside
the writer's own connection and put in place with `os.replace`: a reader sees the old
copy or the new one, never half of one.

The copy lives at `CDP_REPORTS_DIR/warehouse_snapshot.duckdb`, beside `archive/` and not
in `latest`: `latest` is a link to one run's archived set (lib/publish.py), which is
never written again, while the snapshot is replaced by every refresh on its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

SNAPSHOT_FILE = "warehouse_snapshot.duckdb"


def snapshot_path(reports_dir: str | Path) -> Path:
    """Where the snapshot is published under CDP_REPORTS_DIR."""
    return Path(reports_dir) / SNAPSHOT_FILE


def publish(con: duckdb.DuckDBPyConnection, target: Path) -> list[str]:
    """Copy every table of `con`'s database to `target`; return the tables copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)  # from a run that died half way
    source = con.execute("SELECT current_database()").fetchone()[0]
    con.execute("ATTACH ? AS cdp_snapshot", [str(partial)])
    try:
        con.execute(f"COPY FROM DATABASE {_quoted(source)} TO cdp_snapshot")
        tables = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'cdp_snapshot' "
                "ORDER BY table_name"
            ).fetchall()
        ]
    finally:
        con.execute("DETACH cdp_snapshot")
    os.replace(partial, target)
    return tables


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
