"""The row rules of a submitted table, applied to the whole file at once in DuckDB.

A national inventory may hold a million rows, but few distinct values per column:
27 member states, a hundred capability codes, a handful of dates. So each rule is
asked once per distinct value, by the very parser `validation` defines for it (one
definition of every rule and of every reason a planner reads), and DuckDB does
everything row-sized: splitting the file into cells, matching each cell to its
verdict, the cross-column rules, the rejects and the typed rows. Plain decimal numbers,
the one kind of value with as many distinct values as rows, DuckDB accepts itself
when they are within bounds; anything else it is unsure of goes to the parser.

A table reaches DuckDB in one of two ways. A CSV without quotes whose lines are its
records (nearly every export) is read by DuckDB's own reader and split there
(`stage_plain_csv`); every other table (quoted CSV, Excel, Parquet) is read in Python as
before and staged cell by cell (`stage_table`). Either way the staged table has one row
per data row (`row_number` as a person counts it, `problem` for a row that cannot be
mapped onto the header) and, for rule i, the cell's text `v<i>` (as a reject shows it)
and its kind `k<i>` (str, int, float, bool, date, datetime, decimal, other): the kind
keeps apart what Excel stores as the number 10 and what a CSV writes as the text "10".

The SQL is built here from the rules rather than kept in .sql files because the
columns are the rules': one statement per table, derived from the same list the
parsers come from.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import duckdb
import pandas as pd

from pipelines.lib.inputs import LINE_READER_SEPARATOR, PlainCsv, Table

# What Python's str.strip() strips: a value is blank when nothing else is left.
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def only_of(characters: str) -> str:
    """An RE2 pattern matching text made of nothing but `characters` (DuckDB's trim with a
    set of characters is twenty times slower than its regular expressions)."""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in characters) + "]*"


BLANK = only_of(WHITESPACE)
REQUIRED = object()
FILE_DEFAULT = object()  # each file gives its own default (an inventory's modification date)
_names = itertools.count()


class Opaque:
    """A cell of a kind no rule reads (a time of day, a list): only its text is known,
    and the parsers see it as they saw the original, by its str()."""

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Rule:
    """One column of a table: how a value is parsed, its type in DuckDB and its default.

    `parse(raw)` returns the value or raises validation.FieldError; None keeps the text as
    written (free text). `number` = (at_least, greater_than, at_most) lets DuckDB accept a
    plain decimal number within those bounds without asking the parser.
    """

    column: str
    parse: Callable[[object], object] | None
    sql_type: str
    default: object = REQUIRED
    number: tuple | None = None


@dataclass(frozen=True)
class CrossRule:
    """A rule over several parsed columns; its reason is recorded on `column` unless that
    column already has one. `condition` and `reason` are SQL over the parsed columns,
    `row_number` and `clean` (the row has no problem in any single column)."""

    column: str
    condition: str
    reason: str


def sql_map(mapping: dict[str, str]) -> str:
    """A Python dict as a DuckDB MAP literal, for a cross rule to look values up in."""
    if not mapping:
        return "MAP {}::MAP(VARCHAR, VARCHAR)"
    return "MAP {" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in mapping.items()) + "}"


def kind_of(value: object) -> str | None:
    if value is None:
        return None
    for kind, types in (("bool", bool), ("str", str), ("int", int), ("float", float),
                        ("datetime", dt.datetime), ("date", dt.date), ("decimal", Decimal)):
        if isinstance(value, types):
            return kind
    return "other"


def text_of(value: object) -> str | None:
    """A raw value as a reject shows it (validation.as_text)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


_FROM_TEXT = {
    "str": str,
    "int": int,
    "float": float,
    "bool": lambda text: text == "true",
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "decimal": Decimal,
    "other": Opaque,
}


def raw_value(text: str | None, kind: str | None) -> object:
    """The cell as the file gave it, from its text and kind: exactly, for every kind."""
    return None if text is None else _FROM_TEXT[kind](text)


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return f"CAST('{value!r}' AS DOUBLE)" if isinstance(value, float) else str(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def _blank(v: str, k: str) -> str:
    return f"({v} IS NULL OR ({k} = 'str' AND regexp_full_match({v}, {_literal(BLANK)})))"


def _plain_number(v: str, k: str, bounds: tuple) -> str:
    """A cell DuckDB may accept as a number itself: ASCII digits with no space around, or a
    number Excel stored, finite and within the bounds. Narrower than the parser on purpose."""
    at_least, greater_than, at_most = bounds
    number = f"TRY_CAST({v} AS DOUBLE)"
    tests = [
        f"(({k} = 'str' AND regexp_full_match({v}, '[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)"
        f"([eE][-+]?[0-9]+)?')) OR {k} IN ('int', 'float'))",
        f"isfinite({number})",
    ]
    if at_least is not None:
        tests.append(f"{number} >= {at_least!r}")
    if greater_than is not None:
        tests.append(f"{number} > {greater_than!r}")
    if at_most is not None:
        tests.append(f"{number} <= {at_most!r}")
    return "coalesce(" + " AND ".join(tests) + ", false)"  # an empty cell is the parser's


def _unique_name(prefix: str) -> str:
    return f"{prefix}_{next(_names)}"


@dataclass
class Staged:
    """One file's cells, staged as a table or view, and what to drop once checked.

    Its columns: file (the file's place in the batch), source_file, sheet, row_number,
    problem, v<i> and k<i> per rule, and f<i> for a rule whose default is the file's own."""

    name: str
    cleanup: list[str]


def drop_all(con: duckdb.DuckDBPyConnection, statements: list[str]) -> None:
    for statement in statements:
        con.execute(statement)


def _file_columns(file: int, source_file: str, sheet: str | None, rules: list[Rule],
                  defaults: dict[str, object]) -> str:
    """The columns every staged row of one file carries, as literals."""
    own = "".join(
        f", CAST({_literal(defaults[rule.column])} AS {rule.sql_type}) AS f{i}"
        for i, rule in enumerate(rules) if rule.default is FILE_DEFAULT
    )
    return (f"{file}::INTEGER AS file, {_literal(source_file)}::VARCHAR AS source_file, "
            f"{_literal(sheet)}::VARCHAR AS sheet{own}")


# --- staging ------------------------------------------------------------------


def stage_table(con: duckdb.DuckDBPyConnection, table: Table, rules: list[Rule], file: int,
                source_file: str, defaults: dict[str, object]) -> Staged:
    """A table read in Python, staged for `check`."""
    present = [(i, rule.column) for i, rule in enumerate(rules) if rule.column in table.columns]
    frame = {"row_number": [n for n, _ in table.rows],
             "problem": [table.row_problems.get(n) for n, _ in table.rows]}
    for i, column in present:
        values = [row.get(column) for _, row in table.rows]
        frame[f"v{i}"] = [text_of(value) for value in values]
        frame[f"k{i}"] = [kind_of(value) for value in values]
    name = _unique_name("staged")
    cells = pd.DataFrame(frame, dtype=object)
    absent = "".join(f", NULL::VARCHAR AS v{i}, NULL::VARCHAR AS k{i}"
                     for i, rule in enumerate(rules) if rule.column not in table.columns)
    frame_name = _unique_name("cells_frame")
    con.register(frame_name, cells)
    try:
        columns = ", ".join(
            [_file_columns(file, source_file, table.sheet, rules, defaults),
             "row_number::INTEGER AS row_number", "problem::VARCHAR AS problem"]
            + [f"v{i}::VARCHAR AS v{i}, k{i}::VARCHAR AS k{i}" for i, _ in present]
        )
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT {columns}{absent} FROM {frame_name}")
    finally:
        con.unregister(frame_name)
    return Staged(name, [f"DROP TABLE IF EXISTS {name}"])


def stage_plain_csv(con: duckdb.DuckDBPyConnection, csv: PlainCsv, rules: list[Rule], file: int,
                    source_file: str, defaults: dict[str, object],
                    overflow_hint: str) -> Staged:
    """A plain CSV (inputs.plain_csv) read and split by DuckDB, staged for `check`.

    DuckDB reads the bytes already in memory (no second read from disk) as one column of
    lines, blank lines included, so a line's position is its row number. The cells are a
    view over those lines: split where they are read, never stored twice."""
    from fsspec.implementations.memory import MemoryFileSystem

    if not con.filesystem_is_registered("memory"):
        con.register_filesystem(MemoryFileSystem())
    memory = MemoryFileSystem()
    path = f"/cdp-inputs/{_unique_name('file')}.csv"
    memory.pipe(path, csv.utf8)
    lines, name = _unique_name("lines"), _unique_name("staged")
    try:
        con.execute(
            f"CREATE TEMP TABLE {lines} AS SELECT line FROM read_csv('memory://{path}', "
            "delim = $separator, quote = '', escape = '', header = false, "
            "columns = {'line': 'VARCHAR'}, auto_detect = false)",
            {"separator": LINE_READER_SEPARATOR},
        )
    finally:
        memory.rm(path)
    index = {column: i for i, column in csv.columns}
    named = [i + 1 for i, _ in csv.columns]
    cells = []
    for i, rule in enumerate(rules):
        if rule.column in index:
            cells.append(f"f[{index[rule.column] + 1}] AS v{i}, 'str' AS k{i}")
        else:
            cells.append(f"NULL::VARCHAR AS v{i}, NULL::VARCHAR AS k{i}")
    blank, delimiter = _literal(BLANK), _literal(csv.delimiter)
    # A value in a column without a name is the row's problem, as csv.reader's path says.
    unnamed = (f"len(f) > {csv.header_width}" if len(named) == csv.header_width
               else "true")
    stray = (f"list_filter(range(1, len(f) + 1), lambda j: NOT list_contains({named}, j) "
             f"AND NOT regexp_full_match(f[j], {blank}))[1]")
    # A view cannot take parameters: every value below is a quoted literal.
    con.execute(
        f"""
        CREATE TEMP VIEW {name} AS
        WITH split AS (
            SELECT (rowid + 1)::INTEGER AS row_number, string_split(line, {delimiter}) AS f
            FROM {lines}
            WHERE rowid + 1 > {csv.header_row}
              AND NOT regexp_full_match(line, {_literal(only_of(WHITESPACE + csv.delimiter))})
        ), placed AS (
            SELECT *, CASE WHEN {unnamed} THEN {stray} END AS j FROM split
        )
        SELECT {_file_columns(file, source_file, None, rules, defaults)}, row_number,
               CASE WHEN j IS NOT NULL THEN
                   'row ' || row_number || ' has the value ''' || f[j] || ''' in field ' || j
                   || ', which has no header name'
                   || CASE WHEN j > {csv.header_width} THEN {_literal(overflow_hint)}
                           ELSE '; name the column or clear the value' END
               END AS problem,
               {', '.join(cells)}
        FROM placed
        """
    )
    return Staged(name, [f"DROP VIEW IF EXISTS {name}", f"DROP TABLE IF EXISTS {lines}"])


# --- checking -----------------------------------------------------------------


@dataclass
class FileChecked:
    rows_read: int
    rows_accepted: int
    rejects: list[tuple[int, str | None, str | None, str]]  # row, column, value, reason


@dataclass
class Checked:
    """What `check` found, file by file, and where the accepted rows are: `accepted(file)`
    is a query of them (all files' if None: source_file, sheet, row_number, then the
    rules' columns, typed); `cleanup` drops what it reads once they have been used."""

    files: dict[int, FileChecked]
    parsed: str
    columns: list[str]
    good: str
    cleanup: list[str]

    def accepted(self, file: int | None = None) -> str:
        where = self.good if file is None else f"file = {file} AND {self.good}"
        return (f"SELECT source_file, sheet, row_number, "
                + ", ".join(f'"{c}"' for c in self.columns)
                + f" FROM {self.parsed} WHERE {where} ORDER BY file, row_number")


def check(con: duckdb.DuckDBPyConnection, staged: list[Staged], rules: list[Rule],
          cross: list[CrossRule], field_error: type[Exception]) -> Checked:
    """Apply `rules` and `cross` to the staged files together: one pass for the distinct
    cells, one that parses every row, and, only if some row is bad, one for the cells of
    the bad rows as written. Cross rules compare rows of the same file only."""
    cells = _unique_name("cells")
    con.execute(f"CREATE TEMP VIEW {cells} AS "
                + " UNION ALL BY NAME ".join(f"SELECT * FROM {s.name}" for s in staged))
    cleanup = [f"DROP VIEW IF EXISTS {cells}"] + [c for s in staged for c in s.cleanup]
    verdicts = _unique_name("verdicts")
    con.register(verdicts, _verdicts(con, cells, rules, field_error))

    numbers, values, reasons, joins = [], [], [], []
    for i, rule in enumerate(rules):
        v, k, d = f"s.v{i}", f"s.k{i}", f"d{i}"
        if rule.parse is None:
            values.append(f'CASE WHEN {_blank(v, k)} THEN NULL ELSE {v} END AS "{rule.column}"')
            reasons.append(f"NULL::VARCHAR AS r{i}")
            continue
        if rule.number is not None:
            # Tested once here; the value and the reason below only look at the result.
            numbers.append(f"CASE WHEN {_plain_number(f'v{i}', f'k{i}', rule.number)} "
                           f"THEN CAST(v{i} AS DOUBLE) END AS n{i}")
        settled = [(test, value, _literal(reason)) for test, value, reason
                   in _settled(rule, i, "s.", field_error, f"s.n{i}")]
        verdict = f"CAST({d}.parsed AS {rule.sql_type})"
        values.append(
            "(CASE " + " ".join(f"WHEN {test} THEN {value}" for test, value, _ in settled)
            + f' ELSE {verdict} END)::{rule.sql_type} AS "{rule.column}"'
        )
        reasons.append(
            "CASE " + " ".join(f"WHEN {test} THEN {reason}" for test, _, reason in settled)
            + f" ELSE {d}.reason::VARCHAR END AS r{i}"
        )
        joins.append(f"LEFT JOIN {verdicts} AS {d} ON {d}.rule = {i} "
                     f"AND {d}.text = {v} AND {d}.kind = {k}")

    position = {rule.column: i for i, rule in enumerate(rules)}
    # A row that cannot be mapped onto the header is judged by nothing else.
    any_reason = " OR ".join(["problem IS NOT NULL"] + [f"r{i} IS NOT NULL"
                                                         for i in range(len(rules))])
    crossed = "".join(
        f", CASE WHEN problem IS NULL AND r{position[rule.column]} IS NULL "
        f"AND ({rule.condition}) THEN {rule.reason} END AS x{n}"
        for n, rule in enumerate(cross)
    )
    parsed = _unique_name("parsed")
    try:
        con.execute(
            f"CREATE TEMP TABLE {parsed} AS SELECT *{crossed} FROM ("
            f"SELECT *, NOT ({any_reason}) AS clean FROM ("
            "SELECT s.file, s.source_file, s.sheet, s.row_number, s.problem, "
            + ", ".join(values + reasons)
            + f" FROM (SELECT *{''.join(', ' + n for n in numbers)} FROM {cells}) AS s "
            f"{' '.join(joins)}))",
        )
    finally:
        con.unregister(verdicts)
    cleanup.insert(0, f"DROP TABLE IF EXISTS {parsed}")

    good = " AND ".join(["clean"] + [f"x{n} IS NULL" for n in range(len(cross))])
    files = {
        file: FileChecked(read, accepted, [])
        for file, read, accepted in con.execute(
            f"SELECT file, count(*), count(*) FILTER (WHERE {good}) FROM {parsed} GROUP BY file"
        ).fetchall()
    }
    if any(f.rows_accepted < f.rows_read for f in files.values()):
        for file, *reject in _rejects(con, cells, parsed, rules, cross):
            files[file].rejects.append(tuple(reject))
    return Checked(files, parsed, [rule.column for rule in rules], good, cleanup)


def _rejects(con, cells: str, parsed: str, rules: list[Rule],
             cross: list[CrossRule]) -> list[tuple]:
    """Every reject, with the cell as the file gave it, in the order the rules ask."""
    position = {rule.column: i for i, rule in enumerate(rules)}
    parts = ["SELECT file, row_number, NULL AS col, NULL AS value, problem AS reason, -1 AS pos "
             "FROM bad WHERE problem IS NOT NULL"]
    parts += [f"SELECT file, row_number, {_literal(rule.column)}, v{i}, r{i}, {i} "
              f"FROM bad WHERE problem IS NULL AND r{i} IS NOT NULL"
              for i, rule in enumerate(rules)]
    parts += [f"SELECT file, row_number, {_literal(rule.column)}, v{position[rule.column]}, "
              f"x{n}, {len(rules) + n} FROM bad WHERE x{n} IS NOT NULL"
              for n, rule in enumerate(cross)]
    bad = " OR ".join(["NOT p.clean"] + [f"p.x{n} IS NOT NULL" for n in range(len(cross))])
    return con.execute(
        f"WITH bad AS (SELECT p.*, {', '.join(f's.v{i}' for i in range(len(rules)))} "
        f"FROM {parsed} AS p JOIN {cells} AS s USING (file, row_number) WHERE {bad}) "
        f"SELECT file, row_number, col, value, reason FROM ({' UNION ALL '.join(parts)}) "
        "ORDER BY file, row_number, pos"
    ).fetchall()


def _verdict(rule: Rule, text: str | None, kind: str | None,
             field_error: type[Exception]) -> tuple[str | None, str | None]:
    """(the parsed value as text DuckDB casts back to it, None) or (None, the reason) for
    one cell (Python writes a float in full, so the cast gives the same double)."""
    try:
        return text_of(rule.parse(raw_value(text, kind))), None
    except field_error as error:
        return None, error.reason


def _settled(rule: Rule, i: int, prefix: str, field_error: type[Exception],
             number: str | None = None):
    """The cells of rule i judged in SQL, as (test, value, reason): a blank cell takes the
    default; an absent cell (NULL) with no default gets the parser's one verdict on None;
    a plain number within bounds (`number`, tested once in `check`) is taken as it is."""
    v, k = f"{prefix}v{i}", f"{prefix}k{i}"
    if rule.default is FILE_DEFAULT:
        yield _blank(v, k), f"{prefix}f{i}", None
    elif rule.default is not REQUIRED:
        yield _blank(v, k), _literal(rule.default), None
    else:
        parsed, reason = _verdict(rule, None, None, field_error)
        yield f"{v} IS NULL", f"CAST({_literal(parsed)} AS {rule.sql_type})", reason
    if rule.number is not None:
        if number is None:
            yield _plain_number(v, k, rule.number), f"CAST({v} AS DOUBLE)", None
        else:
            yield f"{number} IS NOT NULL", number, None


def _verdicts(con, cells: str, rules: list[Rule], field_error: type[Exception]) -> pd.DataFrame:
    """Each distinct cell DuckDB cannot settle, judged once by its rule's parser; the
    distinct cells of every column come from one pass over the table."""
    asked = [i for i, rule in enumerate(rules) if rule.parse is not None]
    rows: list[tuple] = []
    if asked:
        unsettled = ", ".join(
            "CASE WHEN "
            + " OR ".join(test for test, _, _ in _settled(rules[i], i, "", field_error))
            + f" THEN NULL ELSE v{i} END AS u{i}, k{i}"
            for i in asked
        )
        found = con.execute(
            f"SELECT {', '.join(f'u{i}, k{i}' for i in asked)}, "
            f"GROUPING_ID({', '.join(f'u{i}' for i in asked)}) AS g "
            f"FROM (SELECT {unsettled} FROM {cells} WHERE problem IS NULL) "
            f"GROUP BY GROUPING SETS ({', '.join(f'(u{i}, k{i})' for i in asked)})"
        ).fetchall()
        for found_cells in found:
            # In the grouping set of column n only u_n is grouped: its GROUPING bit is 0.
            n = next(j for j in range(len(asked))
                     if not found_cells[-1] >> (len(asked) - 1 - j) & 1)
            text, kind = found_cells[2 * n], found_cells[2 * n + 1]
            if text is not None:
                i = asked[n]
                rows.append((i, text, kind, *_verdict(rules[i], text, kind, field_error)))
    frame = pd.DataFrame(rows, columns=["rule", "text", "kind", "parsed", "reason"], dtype=object)
    # Typed even when empty (a column of Nones alone would have no type to join on).
    return frame.astype({"rule": "int32", "text": object, "kind": object, "parsed": object,
                         "reason": object})
