"""Running the project's SQL files against DuckDB, and small helpers around them.

SQL lives in `pipelines/sql/<table>.sql`, one table per file, named by layer
(`raw_`, `stg_`, `int_`, `gap_`, `check_`). Parameters are bound, never
formatted into the text: a file names them `$base_year` and the caller passes a
dict; only the names a statement uses are passed to it.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def sql_text(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def statements(text: str) -> list[str]:
    """Split a file into statements at lines ending in ';' (our files keep that form)."""
    out, current = [], []
    for line in text.splitlines():
        current.append(line)
        if line.rstrip().endswith(";"):
            out.append("\n".join(current))
            current = []
    tail = "\n".join(current).strip()
    if tail and not all(l.strip().startswith("--") or not l.strip() for l in current):
        out.append(tail)
    return [s for s in out if _has_code(s)]


def _has_code(statement: str) -> bool:
    return any(l.strip() and not l.strip().startswith("--") for l in statement.splitlines())


def run_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> None:
    """Run every statement of `sql/<name>.sql`, binding the parameters each one names."""
    params = params or {}
    define_macros(con)
    for statement in statements(sql_text(name)):
        used = {p: params[p] for p in set(_PARAM.findall(statement)) if p in params}
        missing = set(_PARAM.findall(statement)) - used.keys()
        if missing:
            raise KeyError(f"{name}.sql needs parameters {sorted(missing)}")
        con.execute(statement, used) if used else con.execute(statement)


def query_df(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run a single-SELECT file and return its rows."""
    define_macros(con)
    text = sql_text(name)
    used = {p: (params or {})[p] for p in set(_PARAM.findall(text))}
    return con.execute(text, used).df()


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The small SQL macros every query may use (sql/macros.sql); temporary, per connection."""
    for statement in statements(sql_text("macros")):
        con.execute(statement)


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f'SELECT count(*) FROM "{_identifier(table)}"').fetchone()[0]


def write_table(
    con: duckdb.DuckDBPyConnection, table: str, rows: list[dict], schema: dict[str, str]
) -> int:
    """Create or replace `table` with the given column types and rows (dicts)."""
    columns = ", ".join(f'"{_identifier(c)}" {t}' for c, t in schema.items())
    con.execute(f'CREATE OR REPLACE TABLE "{_identifier(table)}" ({columns})')
    if rows:
        frame = pd.DataFrame([[r.get(c) for c in schema] for r in rows], columns=list(schema))
        write_frame(con, table, frame, schema, replace=False)
    return len(rows)


def write_frame(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pd.DataFrame,
    schema: dict[str, str],
    replace: bool = True,
) -> int:
    """Write a DataFrame into `table`, casting each column to its declared type."""
    if replace:
        columns = ", ".join(f'"{_identifier(c)}" {t}' for c, t in schema.items())
        con.execute(f'CREATE OR REPLACE TABLE "{_identifier(table)}" ({columns})')
    if len(frame):
        casts = ", ".join(f'CAST(frame."{c}" AS {t})' for c, t in schema.items())
        con.register("frame", frame[list(schema)])
        try:
            con.execute(f'INSERT INTO "{_identifier(table)}" SELECT {casts} FROM frame')
        finally:
            con.unregister("frame")
    return len(frame)


def markdown_table(frame: pd.DataFrame, max_rows: int = 10, digits: int = 1) -> str:
    """A small markdown table for Dagster metadata and notes (numbers rounded for display)."""
    if frame.empty:
        return "_no rows_"
    shown = frame.head(max_rows)
    header = "| " + " | ".join(str(c) for c in shown.columns) + " |"
    rule = "|" + "---|" * len(shown.columns)
    lines = [header, rule]
    for row in shown.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v, digits) for v in row) + " |")
    if len(frame) > max_rows:
        lines.append(f"\n_{len(frame) - max_rows} more rows_")
    return "\n".join(lines)


def _cell(value, digits: int) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _identifier(name: str) -> str:
    # Table and column names come from code, never from input files; refuse anything odd.
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name
