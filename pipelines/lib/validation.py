"""The input rules of the data contract (docs/data-contract.md), as plain functions.

The ingest assets and the `cdp-gap validate` command both call these, so a
planner checking a file before sending it sees exactly what the pipeline will
accept. Nothing here prints or writes: every function returns what it found.

Each table validator returns a `FileReport` whose accepted rows are typed
dicts and whose rejects carry a sentence a planner understands. Submitted tables
(inventories, offers, participation) are checked as sets in DuckDB by
`table_checks`, each rule asked once per distinct value through the parsers below;
the two small reference tables the project ships (member states, capabilities) are
checked row by row in Python, because they keep extra columns as written and their
codes define, rather than reference, the taxonomy. A bad row
never stops the others; a file that cannot be read, or lacks a required
column, gives exactly one file-level reject (`row_number` None). Scenario and
concurrency-case files are rejected whole, listing every problem found,
because half a scenario would give a false gap.

Codes written in a reference (a member state, a capability, a scenario id in
an inventory, offer or case) are compared ignoring case and surrounding
spaces; definitions (the taxonomy, a scenario's own id) must be written as
the contract's patterns say.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
import weakref
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from pipelines.lib import table_checks
from pipelines.lib.inputs import (
    PlainCsv,
    Table,
    UnreadableFile,
    plain_csv,
    read_input,
    read_text_file,
    separator_hint,
    sha256_of,
    table_of,
)
from pipelines.lib.safe_yaml import YamlError, load_yaml_with_lines

MEMBER_STATES_FILE = "reference/member_states.csv"
CAPABILITIES_FILE = "reference/capabilities.csv"
PARTICIPATION_FILE = "reference/participation.csv"
DOMAINS = ("land", "maritime", "air", "cyber", "space", "medical", "cbrn", "engineering",
           "logistics", "isr", "c2")
ROLES = ("border_security", "domestic_support")
BOTH_ROLES = "*"  # a participation row for every role
CRITICALITIES = ("essential", "important", "desirable")
CAPABILITY_CODE = re.compile(r"[A-Z][A-Z0-9]*(\.[A-Z0-9]+){1,4}")
SCENARIO_ID = re.compile(r"[A-Z0-9][A-Z0-9-]{2,47}")
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
# Greece's ISO code is GR; EU documents use EL. Both mean the same state.
MEMBER_STATE_ALIASES = {"EL": "GR"}
MAX_DAYS = 365
MIN_YEAR, MAX_YEAR = 1900, 2200

SCENARIO_KEYS = ("id", "name", "invoking_state", "nato_article5_concurrent", "likelihood",
                 "duration_days", "description", "requirements")
REQUIREMENT_KEYS = ("id", "role", "capability", "quantity", "max_readiness_days", "rotation",
                    "criticality")
CASE_KEYS = ("id", "name", "scenarios")

_INTEGER = re.compile(r"[-+]?\d+")
# Deliberately narrower than float(): no nan/inf, no '1,5' (the comma is
# reported, not guessed: '1,500' means 1.5 in some locales and 1500 in others).
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_SHOWN_CHARS = 80


class FieldError(Exception):
    """One value breaks a rule; `reason` is a sentence for the planner."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Reject:
    source_file: str
    sheet: str | None
    row_number: int | None  # None: the whole file
    column: str | None
    value: str | None
    reason: str


@dataclass
class AcceptedRows:
    """Accepted rows of a file checked in DuckDB (`table_checks`): rows of a temporary
    table of `con` shared by the files checked with it, typed as the raw table they are
    loaded into, read as dicts only when asked."""

    con: duckdb.DuckDBPyConnection
    batch: table_checks.Checked
    file: int
    count: int

    def dicts(self) -> list[dict]:
        result = self.con.execute(self.batch.accepted(self.file))
        names = [d[0] for d in result.description]
        return [dict(zip(names, row)) for row in result.fetchall()]


@dataclass
class FileReport:
    source_file: str
    kind: str
    sha256: str | None
    sheet: str | None
    rows_read: int
    accepted: list[dict] | AcceptedRows
    rejects: list[Reject]

    @property
    def rows(self) -> list[dict]:
        """The accepted rows as typed dicts."""
        if isinstance(self.accepted, AcceptedRows):
            self.accepted = self.accepted.dicts()
        return self.accepted

    @property
    def rows_accepted(self) -> int:
        if isinstance(self.accepted, AcceptedRows):
            return self.accepted.count
        return len(self.accepted)

    @property
    def rows_rejected(self) -> int:
        """Rejected rows (not rejects: a row with two bad columns counts once)."""
        return len({r.row_number for r in self.rejects if r.row_number is not None})


@dataclass
class ScenarioReport:
    source_file: str
    sha256: str | None
    scenario: dict | None
    requirements: list[dict]
    rejects: list[Reject]


@dataclass
class CaseReport:
    source_file: str
    sha256: str | None
    case: dict | None
    scenario_ids: list[str]
    rejects: list[Reject]


# --- field parsers ----------------------------------------------------------


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# A raw value as it should appear in a reject record (DuckDB's staged cells carry the same).
as_text = table_checks.text_of


def _got(value: object) -> str:
    if is_blank(value):
        return "got nothing (the value is empty)"
    text = as_text(value)
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + "…"
    return f"got '{text}'"


def _fmt(number: float) -> str:
    return f"{number:g}"


def _describe_range(noun: str, at_least=None, greater_than=None, at_most=None) -> str:
    if at_least is not None and at_most is not None:
        return f"{noun} between {_fmt(at_least)} and {_fmt(at_most)}"
    if greater_than is not None:
        return f"{noun} greater than {_fmt(greater_than)}"
    if at_least is not None:
        return f"{noun} of {_fmt(at_least)} or more"
    if at_most is not None:
        return f"{noun} of {_fmt(at_most)} or less"
    return noun


def _to_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None  # True is an int in Python, but never a quantity
    try:
        if isinstance(value, (int, float, Decimal)):
            number = float(value)
        elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
            number = float(value.strip())
        else:
            return None
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _to_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        number = float(value)
        return int(number) if math.isfinite(number) and number == int(number) else None
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _in_range(number, at_least=None, greater_than=None, at_most=None) -> bool:
    return not (
        (at_least is not None and number < at_least)
        or (greater_than is not None and number <= greater_than)
        or (at_most is not None and number > at_most)
    )


def parse_number(value, field: str, *, at_least=None, greater_than=None, at_most=None,
                 meaning: str | None = None) -> float:
    """A finite number within the bounds; the error names the field and the value."""
    number = _to_float(value)
    if number is not None and _in_range(number, at_least, greater_than, at_most):
        return number
    meaning = meaning or _describe_range("a number", at_least, greater_than, at_most)
    hint = ""
    if isinstance(value, str) and "," in value:
        hint = " (write numbers with a decimal point and no thousands separator)"
    raise FieldError(f"{field} must be {meaning}, {_got(value)}{hint}")


def parse_int(value, field: str, *, at_least=None, at_most=None,
              meaning: str | None = None) -> int:
    """A whole number: 10, '10' and 10.0 (from Excel) pass; 10.5 and '10.5' do not."""
    number = _to_int(value)
    if number is not None and _in_range(number, at_least, None, at_most):
        return number
    meaning = meaning or _describe_range("a whole number", at_least, None, at_most)
    raise FieldError(f"{field} must be {meaning}, {_got(value)}")


SHARE = {"at_least": 0, "at_most": 1}


def parse_share(value, field: str) -> float:
    return parse_number(value, field, **SHARE, meaning="a share between 0 and 1")


def parse_days(value, field: str) -> int:
    return parse_int(value, field, at_least=0, at_most=MAX_DAYS,
                     meaning=f"a whole number of days between 0 and {MAX_DAYS}")


def parse_year(value, field: str) -> int:
    return parse_int(value, field, at_least=MIN_YEAR, at_most=MAX_YEAR,
                     meaning=f"a whole year between {MIN_YEAR} and {MAX_YEAR}")


def parse_bool(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise FieldError(f"{field} must be true or false (or yes/no, y/n, 1/0), {_got(value)}")


def parse_date(value, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FieldError(f"{field} must be a date written YYYY-MM-DD, {_got(value)}")


def parse_text(value, field: str) -> str:
    """Non-empty text; numbers and dates from a spreadsheet are taken as written."""
    if isinstance(value, (list, dict, tuple, set)):
        raise FieldError(f"{field} must be text, got a list or mapping")
    if is_blank(value):
        raise FieldError(f"{field} must not be empty")
    return as_text(value).strip()


def parse_choice(value, choices: tuple[str, ...], field: str) -> str:
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    raise FieldError(f"{field} must be one of {', '.join(choices)}, {_got(value)}")


def normalise_member_state(value) -> str:
    code = str(value).strip().upper()
    return MEMBER_STATE_ALIASES.get(code, code)


def parse_member_state(value, member_states: Container[str], field: str = "member_state") -> str:
    if is_blank(value):
        raise FieldError(f"{field} must be a member state code, {_got(value)}")
    code = normalise_member_state(value)
    if code not in member_states:
        raise FieldError(
            f"{field} '{as_text(value).strip()}' is not an EU member state in {MEMBER_STATES_FILE}"
        )
    return code


def parse_capability_code(value, capabilities: Container[str],
                          field: str = "capability_code") -> str:
    if is_blank(value):
        raise FieldError(f"{field} must be a capability code, {_got(value)}")
    code = str(value).strip().upper()
    if code not in capabilities:
        raise FieldError(
            f"{field} '{as_text(value).strip()}' is not in the capability taxonomy "
            f"({CAPABILITIES_FILE})"
        )
    return code


def parse_scenario_ref(value, known: Container[str], field: str = "scenario_id") -> str:
    if is_blank(value):
        raise FieldError(f"{field} must be a scenario id, {_got(value)}")
    scenario_id = str(value).strip().upper()
    if scenario_id not in known:
        raise FieldError(f"{field} '{as_text(value).strip()}' is not a known scenario")
    return scenario_id


def parse_scenario_id(value, field: str = "id") -> str:
    """The id a scenario or case file defines for itself (pattern from the contract)."""
    text = "" if is_blank(value) or isinstance(value, (list, dict)) else str(value).strip()
    if SCENARIO_ID.fullmatch(text):
        return text
    raise FieldError(
        f"{field} must be 3 to 48 capital letters, digits or hyphens, starting with a letter "
        f"or digit (like FI-HYBRID-2026), {_got(value)}"
    )


def parse_roles(value, field: str = "roles") -> str:
    """A ';'-separated, non-empty subset of the roles, stored sorted and ';'-joined."""
    parts = {part.strip().lower() for part in str(value or "").split(";") if part.strip()}
    unknown = sorted(parts - set(ROLES))
    if not parts or unknown:
        raise FieldError(
            f"{field} must be one or more of {', '.join(ROLES)} separated by ';', {_got(value)}"
        )
    return ";".join(sorted(parts))


# --- tables -----------------------------------------------------------------

_REQUIRED = object()


class _RowCheck:
    """Parses the fields of one row, keeping one problem per bad column."""

    def __init__(self, values: Mapping[str, object]):
        self.values = values
        self.problems: dict[str, str] = {}

    def get(self, column: str, parse: Callable, *args, default=_REQUIRED, **options):
        raw = self.values.get(column)
        if default is not _REQUIRED and is_blank(raw):
            return default
        try:
            return parse(raw, *args, field=column, **options)
        except FieldError as error:
            self.problems.setdefault(column, error.reason)
            return None

    def fail(self, column: str, reason: str) -> None:
        self.problems.setdefault(column, reason)


def _sha256_or_none(path) -> str | None:
    # An unopenable file has no hash; reading it next reports why, as a reject.
    try:
        return sha256_of(path)
    except OSError:
        return None


def _reject_file(report, reason: str, column: str | None = None, sheet: str | None = None):
    report.rejects.append(Reject(report.source_file, sheet, None, column, None, reason))
    return report


def _where(report: FileReport) -> str:
    return f"the sheet '{report.sheet}'" if report.sheet else "the file"


def _reject_empty(report: FileReport) -> FileReport:
    # Not an error in any one row, but the sender surely meant to send some: record it,
    # so an empty submission is never taken silently for "nothing to report".
    return _reject_file(report, f"{_where(report)} has a header but no data rows; nothing "
                                "would be loaded", sheet=report.sheet)


def _lacks_columns(report: FileReport, required: tuple[str, ...], columns: list[str]) -> bool:
    """Reject the whole file if a required column is missing; True if it was."""
    missing = [column for column in required if column not in columns]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        _reject_file(
            report,
            f"{_where(report)} lacks the required column{plural} {', '.join(missing)} "
            f"(its columns are: {', '.join(columns)})",
            column=", ".join(missing), sheet=report.sheet,
        )
    return bool(missing)


def _validate_table(
    path, source_file: str, kind: str, preferred_sheet: str, required: tuple[str, ...],
    parse_row: Callable[[_RowCheck, int], dict],
) -> FileReport:
    report, table = _read(path, source_file, kind, preferred_sheet, plain_ok=False)
    if table is None:
        return report

    report.sheet = table.sheet
    if _lacks_columns(report, required, table.columns):
        return report

    if not table.rows:
        return _reject_empty(report)

    report.rows_read = len(table.rows)
    for row_number, values in table.rows:
        if row_number in table.row_problems:
            report.rejects.append(Reject(source_file, table.sheet, row_number, None, None,
                                         table.row_problems[row_number]))
            continue
        check = _RowCheck(values)
        row = parse_row(check, row_number)
        if check.problems:
            report.rejects.extend(
                Reject(source_file, table.sheet, row_number, column, as_text(values.get(column)),
                       reason)
                for column, reason in check.problems.items()
            )
        else:
            report.rows.append({"source_file": source_file, "sheet": table.sheet,
                                "row_number": row_number, **row})
    return report


def _check_tables(
    files: list[tuple[object, str, dict]], kind: str, preferred_sheet: str,
    required: tuple[str, ...], rules: list[table_checks.Rule],
    cross: list[table_checks.CrossRule] = (), con: duckdb.DuckDBPyConnection | None = None,
) -> list[FileReport]:
    """Submitted tables of one kind checked together in DuckDB (`table_checks`): each file
    read once, then every row of every file judged in the same few statements. `files`
    holds (path, source_file, the file's own defaults). Without `con`, an in-memory
    database does the work; with it, the accepted rows wait there for the loader."""
    private = con is None
    con = _scratch() if private else con
    reports, staged, wheres = [], [], {}
    for path, source_file, defaults in files:
        report = _stage_file(con, path, source_file, kind, preferred_sheet, required, rules,
                             defaults, len(staged), staged)
        reports.append(report)
        if report.rejects:
            continue  # the whole file is refused: nothing of it was staged
        wheres[len(staged) - 1] = report
    if not staged:
        return reports
    checked = table_checks.check(con, staged, rules, list(cross), FieldError)
    for file, report in wheres.items():
        found = checked.files.get(file, table_checks.FileChecked(0, 0, []))
        report.rows_read = found.rows_read
        if not found.rows_read:
            _reject_empty(report)
            continue
        report.rejects = [Reject(report.source_file, report.sheet, *reject)
                          for reject in found.rejects]
        report.accepted = AcceptedRows(con, checked, file, found.rows_accepted)
    if private:  # nobody else will drop them: when the reports go, their tables go
        weakref.finalize(checked, table_checks.drop_all, con, checked.cleanup)
    return reports


def _stage_file(con, path, source_file: str, kind: str, preferred_sheet: str,
                required: tuple[str, ...], rules: list[table_checks.Rule], defaults: dict,
                file: int, staged: list) -> FileReport:
    """Read one file and stage its cells (appended to `staged`); a file that cannot be
    read, or lacks a required column, comes back rejected whole and stages nothing."""
    report, table = _read(path, source_file, kind, preferred_sheet, plain_ok=True)
    if table is None:
        return report
    plain = isinstance(table, PlainCsv)
    report.sheet = None if plain else table.sheet
    if _lacks_columns(report, required, [name for _, name in table.columns] if plain
                      else table.columns):
        return report
    if plain:
        staged.append(table_checks.stage_plain_csv(con, table, rules, file, source_file,
                                                   defaults, separator_hint(table.delimiter)))
    else:
        staged.append(table_checks.stage_table(con, table, rules, file, source_file, defaults))
    return report


def _read(path, source_file: str, kind: str, preferred_sheet: str,
          plain_ok: bool) -> tuple[FileReport, "PlainCsv | Table | None"]:
    """A file read once: its report (hash and, if it cannot be read, its reject) and its
    table, as a PlainCsv when `plain_ok` and DuckDB may split it; None if rejected."""
    read = read_input(path)
    report = FileReport(source_file, kind, read.sha256, None, 0, [], [])
    if read.error:
        return _reject_file(report, read.error.reason, read.error.column), None
    try:
        plain = plain_csv(read.data) if plain_ok and read.format == "csv" else None
        return report, plain or table_of(read, preferred_sheet)
    except UnreadableFile as error:
        return _reject_file(report, error.reason, error.column), None


_SCRATCH: list[duckdb.DuckDBPyConnection] = []


def _scratch() -> duckdb.DuckDBPyConnection:
    """The in-memory database of checks run without a warehouse (`cdp-gap validate`, tests):
    one per process, since opening a database costs more than checking a small file."""
    if not _SCRATCH:
        _SCRATCH.append(duckdb.connect())
    return _SCRATCH[0]


def _rule(column: str, parse: Callable | None, sql_type: str, *args, default=table_checks.REQUIRED,
          **options) -> table_checks.Rule:
    """A column's rule from one of the parsers above, with its field name filled in. A
    number's bounds are the parser's own, so DuckDB's shortcut never accepts what the
    parser would refuse."""
    if parse is None:
        return table_checks.Rule(column, None, sql_type, default)
    bounds = SHARE if parse is parse_share else options if parse is parse_number else None
    number = bounds and tuple(bounds.get(k) for k in ("at_least", "greater_than", "at_most"))
    return table_checks.Rule(
        column, lambda value: parse(value, *args, field=column, **options), sql_type, default,
        number,
    )


def _unique(check: _RowCheck, column: str, key, row_number: int, first_rows: dict) -> None:
    """Keep the first accepted row of each key; a later one is rejected on `column`."""
    if check.problems or key is None:
        return
    if key in first_rows:
        check.fail(column, f"{column} '{key}' appears again; the first is on row "
                           f"{first_rows[key]}, so this row is not used")
    else:
        first_rows[key] = row_number


def _guess_scalar(value):
    """Extra reference columns: numbers where they look like numbers, else text as written."""
    if is_blank(value):
        return None
    if not isinstance(value, str):
        return value
    text = value.strip()
    if _INTEGER.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text):
        return float(text)
    return text


MEMBER_STATE_COLUMNS = ("code", "name", "nato_member", "gdp_meur", "population")


def validate_member_states(path, source_file: str) -> FileReport:
    first_rows: dict[str, int] = {}

    def parse_code(value, field):
        code = normalise_member_state("" if value is None else value)
        if not COUNTRY_CODE.fullmatch(code):
            raise FieldError(
                f"{field} must be a two-letter country code (ISO 3166-1 alpha-2), {_got(value)}"
            )
        return code

    def parse_row(check: _RowCheck, row_number: int) -> dict:
        row = {
            "code": check.get("code", parse_code),
            "name": check.get("name", parse_text),
            "nato_member": check.get("nato_member", parse_bool),
            "gdp_meur": check.get("gdp_meur", parse_number, greater_than=0),
            "population": check.get("population", parse_int, at_least=1,
                                    meaning="a whole number greater than 0"),
        }
        _unique(check, "code", row["code"], row_number, first_rows)
        extras = {column: _guess_scalar(value) for column, value in check.values.items()
                  if column not in row and column not in ("source_file", "sheet", "row_number")}
        return {**row, **extras}

    return _validate_table(path, source_file, "member_states", "member_states",
                           MEMBER_STATE_COLUMNS, parse_row)


CAPABILITY_COLUMNS = ("capability_code", "name", "domain", "unit", "roles")


def validate_capabilities(path, source_file: str) -> FileReport:
    first_rows: dict[str, int] = {}

    def parse_code(value, field):
        code = "" if is_blank(value) else str(value).strip()
        if not CAPABILITY_CODE.fullmatch(code):
            raise FieldError(
                f"{field} must be 2 to 5 dot-separated parts of capital letters and digits, "
                f"starting with a letter (like BS.SURV.UAS), {_got(value)}"
            )
        return code

    def parse_row(check: _RowCheck, row_number: int) -> dict:
        row = {
            "capability_code": check.get("capability_code", parse_code),
            "name": check.get("name", parse_text),
            "domain": check.get("domain", parse_choice, DOMAINS),
            "unit": check.get("unit", parse_text),
            "roles": check.get("roles", parse_roles),
        }
        _unique(check, "capability_code", row["capability_code"], row_number, first_rows)
        return row

    return _validate_table(path, source_file, "capabilities", "capabilities",
                           CAPABILITY_COLUMNS, parse_row)


PARTICIPATION_REQUIRED = ("member_state", "role", "probability")


def parse_participation_role(value, field: str = "role") -> str:
    """A role, or '*' for both; stored lower case."""
    if isinstance(value, str) and value.strip().lower() in (*ROLES, BOTH_ROLES):
        return value.strip().lower()
    raise FieldError(
        f"{field} must be {ROLES[0]}, {ROLES[1]} or {BOTH_ROLES} (both roles), {_got(value)}"
    )


def validate_participation(path, source_file: str, member_states: Container[str],
                           con: duckdb.DuckDBPyConnection | None = None) -> FileReport:
    """How likely each state is to commit forces of a role (methodology §10).

    One row per (member_state, role), '*' standing for both roles; a repeated key
    rejects the later row. Expanding '*' (a role's own row wins) is left to
    `sql/stg_participation.sql`, so the raw table keeps the rows as written.
    """
    rules = [
        _rule("member_state", parse_member_state, "VARCHAR", member_states),
        _rule("role", parse_participation_role, "VARCHAR"),
        _rule("probability", parse_share, "DOUBLE"),
        _rule("source", None, "VARCHAR"),
    ]
    first = ("min(row_number) FILTER (WHERE clean) "
             "OVER (PARTITION BY file, member_state, role)")
    duplicate = table_checks.CrossRule(
        "role", f"clean AND row_number > {first}",
        f"'duplicate row for (' || member_state || ', ' || role || '): the first one, row ' "
        f"|| {first} || ', is used'",
    )
    return _check_tables([(path, source_file, {})], "participation", "participation",
                         PARTICIPATION_REQUIRED, rules, [duplicate], con)[0]


INVENTORY_REQUIRED = ("member_state", "capability_code", "quantity", "readiness_days")


def validate_inventory(path, source_file: str, member_states: Container[str],
                       capabilities: Container[str], default_as_of: dt.date,
                       con: duckdb.DuckDBPyConnection | None = None) -> FileReport:
    """A national inventory; `default_as_of` (the file's modification date) fills a blank as_of."""
    return validate_inventories([(path, source_file, default_as_of)], member_states,
                                capabilities, con)[0]


def validate_inventories(files: list[tuple[object, str, dt.date]], member_states: Container[str],
                         capabilities: Container[str],
                         con: duckdb.DuckDBPyConnection | None = None) -> list[FileReport]:
    """National inventories, checked together: (path, source_file, default as_of) each."""
    rules = [
        _rule("member_state", parse_member_state, "VARCHAR", member_states),
        _rule("capability_code", parse_capability_code, "VARCHAR", capabilities),
        _rule("quantity", parse_number, "DOUBLE", at_least=0),
        _rule("readiness_days", parse_days, "INTEGER"),
        _rule("availability", parse_share, "DOUBLE", default=1.0),
        _rule("deployable_abroad", parse_bool, "BOOLEAN", default=True),
        _rule("nato_committed", parse_share, "DOUBLE", default=0.0),
        _rule("available_from", parse_year, "INTEGER", default=None),
        _rule("available_until", parse_year, "INTEGER", default=None),
        _rule("as_of", parse_date, "DATE", default=table_checks.FILE_DEFAULT),
        _rule("notes", None, "VARCHAR"),
    ]
    ends_before_it_starts = table_checks.CrossRule(
        "available_until", "available_until < available_from",
        "'available_until (' || available_until || ') must not be before available_from (' "
        "|| available_from || ')'",
    )
    return _check_tables(
        [(path, source_file, {"as_of": as_of}) for path, source_file, as_of in files],
        "inventory", "inventory", INVENTORY_REQUIRED, rules, [ends_before_it_starts], con,
    )


OFFER_REQUIRED = ("scenario_id", "member_state", "capability_code", "quantity",
                  "available_in_days")


def validate_offers(path, source_file: str, member_states: Container[str],
                    capabilities: Container[str],
                    scenario_invoking_state: Mapping[str, str],
                    con: duckdb.DuckDBPyConnection | None = None) -> FileReport:
    """Offers after an invocation; `scenario_invoking_state` maps scenario id -> invoking state."""
    return validate_offer_files([(path, source_file)], member_states, capabilities,
                                scenario_invoking_state, con)[0]


def validate_offer_files(files: list[tuple[object, str]], member_states: Container[str],
                         capabilities: Container[str],
                         scenario_invoking_state: Mapping[str, str],
                         con: duckdb.DuckDBPyConnection | None = None) -> list[FileReport]:
    """Offer files, checked together: (path, source_file) each."""
    rules = [
        _rule("scenario_id", parse_scenario_ref, "VARCHAR", scenario_invoking_state),
        _rule("member_state", parse_member_state, "VARCHAR", member_states),
        _rule("capability_code", parse_capability_code, "VARCHAR", capabilities),
        _rule("quantity", parse_number, "DOUBLE", greater_than=0),
        _rule("available_in_days", parse_days, "INTEGER"),
        _rule("caveats", None, "VARCHAR"),
    ]
    invoking = table_checks.sql_map(
        {scenario: normalise_member_state(state)
         for scenario, state in scenario_invoking_state.items()}
    )
    aid_to_itself = table_checks.CrossRule(
        "member_state", f"member_state = {invoking}[scenario_id]",
        "'member_state ''' || member_state || ''' invoked Art. 42.7 in scenario ' || scenario_id "
        "|| '; the invoking state cannot offer aid to itself'",
    )
    return _check_tables([(path, source_file, {}) for path, source_file in files], "offers",
                         "offers", OFFER_REQUIRED, rules, [aid_to_itself], con)


# --- YAML documents (scenarios, concurrency cases) --------------------------


def _path_text(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _DocumentCheck:
    """Collects every problem of one YAML document, each tied to its path and line."""

    def __init__(self, source_file: str, lines: dict[tuple, int]):
        self.source_file = source_file
        self.lines = lines
        self.rejects: list[Reject] = []

    def fail(self, path: tuple, value, reason: str) -> None:
        where = ""
        # A missing key has no line of its own: point at the mapping that lacks it.
        for depth in range(len(path), 0, -1):
            line = self.lines.get(tuple(p if isinstance(p, int) else str(p) for p in path[:depth]))
            if line:
                where = f" (line {line})"
                break
        self.rejects.append(Reject(self.source_file, None, None, _path_text(path) or None,
                                   as_text(value), reason + where))

    def get(self, mapping: dict, path: tuple, key: str, parse: Callable, *args,
            default=_REQUIRED, prefix: str = "", **options):
        value = mapping.get(key)
        if is_blank(value):
            if default is not _REQUIRED:
                return default
            self.fail(path + (key,), value, f"{prefix}{key} is required")
            return None
        try:
            return parse(value, *args, field=key, **options)
        except FieldError as error:
            self.fail(path + (key,), value, prefix + error.reason)
            return None

    def only_known_keys(self, mapping: dict, path: tuple, allowed: tuple[str, ...],
                        prefix: str = "") -> None:
        # A misspelt optional key (e.g. 'rotaton') would otherwise silently fall back
        # to its default and change the gap.
        for key, value in mapping.items():
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            suggestion = f" (did you mean '{close[0]}'?)" if close else ""
            self.fail(path + (key,), value,
                      f"{prefix}unknown key '{key}'{suggestion}; the allowed keys are "
                      f"{', '.join(allowed)}")


def _load_document(path, source_file: str, what: str, keys: tuple[str, ...]):
    """Read and parse a YAML file; return (sha256, data, check) with data None on failure."""
    sha = _sha256_or_none(path)
    check = _DocumentCheck(source_file, {})
    try:
        data, check.lines = load_yaml_with_lines(read_text_file(path))
    except (UnreadableFile, YamlError) as error:
        check.fail((), None, error.reason)
        return sha, None, check
    if not isinstance(data, dict):
        check.fail((), None, f"the {what} file must be a YAML mapping with the keys "
                             f"{', '.join(keys)}; it is empty or of another shape")
        return sha, None, check
    return sha, data, check


def validate_scenario(path, source_file: str, member_states: Container[str],
                      capabilities: Container[str]) -> ScenarioReport:
    sha, data, check = _load_document(path, source_file, "scenario", SCENARIO_KEYS)
    if data is None:
        return ScenarioReport(source_file, sha, None, [], check.rejects)

    check.only_known_keys(data, (), SCENARIO_KEYS)
    scenario = {
        "scenario_id": check.get(data, (), "id", parse_scenario_id),
        "name": check.get(data, (), "name", parse_text),
        "invoking_state": check.get(data, (), "invoking_state", parse_member_state,
                                    member_states),
        "nato_article5_concurrent": check.get(data, (), "nato_article5_concurrent", parse_bool,
                                              default=False),
        "likelihood": check.get(data, (), "likelihood", parse_int, at_least=1, at_most=5,
                                default=3),
        "duration_days": check.get(data, (), "duration_days", parse_int, at_least=1,
                                   meaning="a whole number of days greater than 0",
                                   default=None),
        "description": check.get(data, (), "description", parse_text, default=None),
        "source_file": source_file,
    }
    requirements = _requirements(data, check, scenario["scenario_id"], capabilities, source_file)
    if check.rejects:
        return ScenarioReport(source_file, sha, None, [], check.rejects)
    return ScenarioReport(source_file, sha, scenario, requirements, [])


def _requirements(data: dict, check: _DocumentCheck, scenario_id, capabilities,
                  source_file: str) -> list[dict]:
    lines = data.get("requirements")
    if not isinstance(lines, list) or not lines:
        check.fail(("requirements",), lines,
                   "requirements must be a list of at least one requirement line")
        return []
    first_index: dict[str, int] = {}
    out = []
    for index, item in enumerate(lines):
        path = ("requirements", index)
        if not isinstance(item, dict):
            check.fail(path, item, f"requirement {index + 1} must be a mapping with the keys "
                                   f"{', '.join(REQUIREMENT_KEYS)}")
            continue
        line_id = check.get(item, path, "id", parse_text, prefix=f"requirement {index + 1}: ")
        prefix = f"requirement '{line_id}': " if line_id else f"requirement {index + 1}: "
        if line_id in first_index:
            check.fail(path + ("id",), item["id"],
                       f"requirement id '{line_id}' is used twice in this scenario (first "
                       f"as requirements[{first_index[line_id]}]); ids must be unique")
        elif line_id:
            first_index[line_id] = index
        check.only_known_keys(item, path, REQUIREMENT_KEYS, prefix)
        quantity = check.get(item, path, "quantity", parse_number, greater_than=0, prefix=prefix)
        rotation = check.get(item, path, "rotation", parse_number, at_least=1, default=1.0,
                             prefix=prefix)
        out.append({
            "scenario_id": scenario_id,
            "line_id": line_id,
            "role": check.get(item, path, "role", parse_choice, ROLES, prefix=prefix),
            "capability_code": check.get(item, path, "capability", parse_capability_code,
                                         capabilities, prefix=prefix),
            "quantity": quantity,
            "max_readiness_days": check.get(item, path, "max_readiness_days", parse_days,
                                            prefix=prefix),
            "rotation": rotation,
            "criticality": check.get(item, path, "criticality", parse_choice, CRITICALITIES,
                                     prefix=prefix),
            "required": quantity * rotation if quantity is not None and rotation is not None
            else None,
            "source_file": source_file,
            "line_order": index,
        })
    return out


def validate_case(path, source_file: str, known_scenario_ids: Container[str]) -> CaseReport:
    """A concurrency case: two or more accepted scenarios that must be met at once."""
    sha, data, check = _load_document(path, source_file, "concurrency case", CASE_KEYS)
    if data is None:
        return CaseReport(source_file, sha, None, [], check.rejects)

    check.only_known_keys(data, (), CASE_KEYS)
    case = {
        "case_id": check.get(data, (), "id", parse_scenario_id),
        "name": check.get(data, (), "name", parse_text),
        "source_file": source_file,
    }
    scenario_ids: list[str] = []
    listed = data.get("scenarios")
    if not isinstance(listed, list):
        check.fail(("scenarios",), listed, "scenarios must be a list of scenario ids")
    else:
        for index, value in enumerate(listed):
            try:
                scenario_id = parse_scenario_ref(value, known_scenario_ids, field="scenario")
            except FieldError as error:
                check.fail(("scenarios", index), value,
                           error.reason + " (no accepted file in scenarios/ has this id)")
                continue
            if scenario_id in scenario_ids:
                check.fail(("scenarios", index), value,
                           f"scenario '{scenario_id}' is listed twice")
            else:
                scenario_ids.append(scenario_id)
        distinct = {str(v).strip().upper() for v in listed if not is_blank(v)}
        if len(distinct) < 2:
            check.fail(("scenarios",), listed,
                       "a concurrency case needs at least 2 different scenarios, "
                       f"got {len(distinct)}")
    if check.rejects:
        return CaseReport(source_file, sha, None, [], check.rejects)
    return CaseReport(source_file, sha, case, scenario_ids, [])


def _first_id_wins(reports: list, id_of: Callable, rejected_whole: Callable, id_name: str,
                   each: str) -> list:
    """In source_file order, reject whole any later file that reuses the id of an accepted
    one. `id_of(report)` is the file's id (None when the file is rejected already);
    `rejected_whole(report, reject)` the report with nothing accepted and that reject."""
    first_file: dict[str, str] = {}
    out = []
    for report in sorted(reports, key=lambda r: r.source_file):
        own = id_of(report)
        if own is None:
            out.append(report)
        elif own in first_file:
            out.append(rejected_whole(report, Reject(
                report.source_file, None, None, "id", own,
                f"{id_name} '{own}' is already used by {first_file[own]}; {each} needs its "
                "own id, so this file is not used")))
        else:
            first_file[own] = report.source_file
            out.append(report)
    return out


def dedupe_scenarios(reports: list[ScenarioReport]) -> list[ScenarioReport]:
    """In source_file order, reject whole any later file that reuses an accepted scenario id."""
    return _first_id_wins(
        reports, lambda r: r.scenario["scenario_id"] if r.scenario else None,
        lambda r, reject: dataclasses.replace(r, scenario=None, requirements=[],
                                              rejects=[reject]),
        "scenario id", "each scenario")


# --- options (methodology §11) ----------------------------------------------

OPTION_FILE_KEYS = ("id", "budget_meur", "budgets_meur", "options")
OPTION_KEYS = ("id", "title", "capability", "member_state", "quantity", "readiness_days",
               "availability", "deployable_abroad", "nato_committed", "available_from",
               "available_until", "cost_meur", "excludes", "requires")
OPTION_LINK_KINDS = ("excludes", "requires")


@dataclass
class OptionEntry:
    """One item of a file's `options` list: its fields as parsed and its own problems.

    `row_number` is the YAML line where the option starts. `option_id` is None when the
    id is missing or breaks the pattern (such an option cannot be named by others).
    """

    source_file: str
    index: int
    row_number: int | None
    option_id: str | None
    row: dict
    excludes: list[str]
    requires: list[str]
    rejects: list[Reject]


@dataclass
class OptionFileReport:
    """An options file: its budgets, every option in it, and what was wrong.

    `file_rejects` reject the whole file (broken YAML, bad budgets, an unknown top-level
    key); then none of its options is used, though each is still listed with its own
    problems. `rows_read` counts the items of its `options` list.
    """

    source_file: str
    sha256: str | None
    catalogue_id: str | None
    budget_meur: float | None
    budgets_meur: list[float]
    entries: list[OptionEntry]
    file_rejects: list[Reject]

    @property
    def file_rejected(self) -> bool:
        return bool(self.file_rejects)

    @property
    def rows_read(self) -> int:
        return len(self.entries)

    @property
    def accepted(self) -> list[OptionEntry]:
        return [] if self.file_rejected else [e for e in self.entries if not e.rejects]

    @property
    def rejected(self) -> list[OptionEntry]:
        return self.entries if self.file_rejected else [e for e in self.entries if e.rejects]

    @property
    def rejects(self) -> list[Reject]:
        return self.file_rejects + [r for e in self.entries for r in e.rejects]


@dataclass
class OptionSet:
    """Every options file resolved together: accepted options, their links, the budgets."""

    files: list[OptionFileReport]
    options: list[dict]
    links: list[dict]
    budgets: list[dict]

    @property
    def rejects(self) -> list[Reject]:
        return [r for f in self.files for r in f.rejects]


def parse_option_ref(value, field: str) -> str:
    """An option id named in `excludes` or `requires`: compared ignoring case and spaces."""
    if is_blank(value) or isinstance(value, (list, dict, bool)):
        raise FieldError(f"{field} must list option ids, {_got(value)}")
    return str(value).strip().upper()


def _option_refs(entry: OptionEntry, item: dict, key: str) -> list[str]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        _option_fail(entry, key, value,
                     f"{key} must be a list of option ids, like [OPT-A, OPT-B], {_got(value)}")
        return []
    out: list[str] = []
    for element in value:
        try:
            ref = parse_option_ref(element, key)
        except FieldError as error:
            _option_fail(entry, key, element, error.reason)
            continue
        if ref not in out:
            out.append(ref)
    return out


def _option_fail(entry: OptionEntry, column: str | None, value, reason: str) -> None:
    entry.rejects.append(Reject(entry.source_file, None, entry.row_number, column,
                                as_text(value), reason))


def _option_entry(check: _DocumentCheck, item, index: int, member_states, capabilities,
                  source_file: str) -> OptionEntry:
    entry = OptionEntry(source_file, index, check.lines.get(("options", index)), None, {}, [],
                        [], [])
    if not isinstance(item, dict):
        _option_fail(entry, None, item if not isinstance(item, (list, dict)) else None,
                     f"option {index + 1} must be a mapping with the keys "
                     f"{', '.join(OPTION_KEYS)}")
        return entry

    def get(key, parse, *args, default=_REQUIRED, **options):
        value = item.get(key)
        if is_blank(value):
            if default is not _REQUIRED:
                return default
            _option_fail(entry, key, value, f"{key} is required")
            return None
        try:
            return parse(value, *args, field=key, **options)
        except FieldError as error:
            _option_fail(entry, key, value, error.reason)
            return None

    for key, value in item.items():
        if key not in OPTION_KEYS:
            close = difflib.get_close_matches(str(key), OPTION_KEYS, n=1)
            suggestion = f" (did you mean '{close[0]}'?)" if close else ""
            _option_fail(entry, str(key), value if not isinstance(value, (list, dict))
                         else None, f"unknown key '{key}'{suggestion}; the allowed keys are "
                                    f"{', '.join(OPTION_KEYS)}")
    entry.option_id = get("id", parse_scenario_id)
    row = {
        "option_id": entry.option_id,
        "title": get("title", parse_text),
        "capability_code": get("capability", parse_capability_code, capabilities),
        "member_state": get("member_state", parse_member_state, member_states),
        "quantity": get("quantity", parse_number, greater_than=0),
        "readiness_days": get("readiness_days", parse_days),
        "availability": get("availability", parse_share, default=1.0),
        "deployable_abroad": get("deployable_abroad", parse_bool, default=True),
        "nato_committed": get("nato_committed", parse_share, default=0.0),
        "available_from": get("available_from", parse_year, default=None),
        "available_until": get("available_until", parse_year, default=None),
        "cost_meur": get("cost_meur", parse_number, at_least=0,
                         meaning="a cost in million euro of 0 or more"),
        "source_file": source_file,
        "row_number": entry.row_number,
    }
    first, last = row["available_from"], row["available_until"]
    if first is not None and last is not None and last < first:
        _option_fail(entry, "available_until", last,
                     f"available_until ({last}) must not be before available_from ({first})")
    entry.row = row
    entry.excludes = _option_refs(entry, item, "excludes")
    entry.requires = _option_refs(entry, item, "requires")
    own = entry.option_id.upper() if entry.option_id else None
    for key in OPTION_LINK_KINDS:
        if own in getattr(entry, key):
            _option_fail(entry, key, own, f"an option cannot list itself in {key}")
    both = [ref for ref in entry.requires if ref in entry.excludes]
    if both:
        _option_fail(entry, "excludes", both[0],
                     f"{both[0]} is both required and excluded, so this option could never "
                     "be chosen")
    return entry


def _file_fail(report: OptionFileReport, check: _DocumentCheck, key: str | None, value,
               reason: str) -> None:
    line = check.lines.get((key,)) if key else None
    where = f" (line {line})" if line else ""
    report.file_rejects.append(Reject(report.source_file, None, None, key,
                                      as_text(value), reason + where))


def validate_option_file(path, source_file: str, member_states: Container[str],
                         capabilities: Container[str]) -> OptionFileReport:
    """One options file on its own (the rules that need the other files are applied by
    `resolve_options`). A broken file, bad budgets or an unknown top-level key reject it
    whole; a bad option rejects that option only."""
    sha, data, check = _load_document(path, source_file, "options", OPTION_FILE_KEYS)
    report = OptionFileReport(source_file, sha, None, None, [], [], [])
    if data is None:
        report.file_rejects = [dataclasses.replace(r, column=None) for r in check.rejects]
        return report

    for key, value in data.items():
        if key not in OPTION_FILE_KEYS:
            close = difflib.get_close_matches(str(key), OPTION_FILE_KEYS, n=1)
            suggestion = f" (did you mean '{close[0]}'?)" if close else ""
            _file_fail(report, check, str(key), None,
                       f"unknown key '{key}'{suggestion}; the allowed keys of an options file "
                       f"are {', '.join(OPTION_FILE_KEYS)}, so the file is not used")
    if not is_blank(data.get("id")):
        try:
            report.catalogue_id = parse_scenario_id(data["id"])
        except FieldError as error:
            _file_fail(report, check, "id", data["id"], error.reason)
    try:
        report.budget_meur = parse_number(
            data.get("budget_meur"), "budget_meur", greater_than=0,
            meaning="a budget in million euro greater than 0")
    except FieldError as error:
        _file_fail(report, check, "budget_meur", data.get("budget_meur"),
                   error.reason + "; a file without a valid budget is not used")
    budgets = data.get("budgets_meur")
    if budgets is not None:
        if not isinstance(budgets, list):
            _file_fail(report, check, "budgets_meur", budgets,
                       f"budgets_meur must be a list of budgets in million euro, like "
                       f"[0, 100, 200], {_got(budgets)}; the file is not used")
        else:
            for value in budgets:
                try:
                    report.budgets_meur.append(parse_number(
                        value, "budgets_meur", at_least=0,
                        meaning="a list of budgets in million euro, each 0 or more"))
                except FieldError as error:
                    _file_fail(report, check, "budgets_meur", value,
                               error.reason + "; the file is not used")

    items = data.get("options")
    if not isinstance(items, list) or not items:
        _file_fail(report, check, "options", None if isinstance(items, dict) else items,
                   "options must be a list of at least one option; the file is not used")
        return report
    report.entries = [
        _option_entry(check, item, index, member_states, capabilities, source_file)
        for index, item in enumerate(items)
    ]
    return report


def resolve_options(reports: list[OptionFileReport]) -> OptionSet:
    """Apply the rules that span files, in file-name order, and collect what is used.

    - an option id is used once across all files: a later option with the same id is
      rejected (the first stays, even if it is itself rejected);
    - `excludes` and `requires` must name options defined in some file (and not the
      option itself);
    - an option that requires a rejected option is rejected with it, through any chain;
      a rejected option named in `excludes` only makes that exclusion moot;
    - the choice is made for the smallest `budget_meur` of the files used; the frontier
      adds the union of their `budgets_meur`.
    """
    files = sorted(reports, key=lambda r: r.source_file)
    entries = [e for f in files for e in f.entries]
    in_rejected_file = {id(e) for f in files if f.file_rejected for e in f.entries}

    first: dict[str, OptionEntry] = {}
    for entry in entries:
        if entry.option_id is None:
            continue
        key = entry.option_id.upper()
        if key in first:
            earlier = first[key]
            _option_fail(entry, "id", entry.option_id,
                         f"option id '{entry.option_id}' is already used by {earlier.source_file}"
                         f" line {earlier.row_number}; ids must be unique across all options "
                         "files, so this option is not used")
        else:
            first[key] = entry

    for entry in entries:
        if id(entry) in in_rejected_file:
            continue
        for kind in OPTION_LINK_KINDS:
            for ref in getattr(entry, kind):
                if ref not in first:
                    _option_fail(entry, kind, ref,
                                 f"{kind} names '{ref}', which is not an option in any "
                                 "options file")

    def is_rejected(entry: OptionEntry) -> bool:
        return id(entry) in in_rejected_file or bool(entry.rejects)

    # Why each rejected id is rejected, for the reason of the options that require it.
    why: dict[str, str] = {}
    for key, entry in first.items():
        if is_rejected(entry):
            why[key] = (f"{key}: {entry.rejects[0].reason}" if entry.rejects
                        else f"{key}: its file {entry.source_file} is not used")
    changed = True
    while changed:
        changed = False
        for entry in entries:
            if is_rejected(entry):
                continue
            bad = next((ref for ref in entry.requires if ref in why), None)
            if bad is None:
                continue
            _option_fail(entry, "requires", bad,
                         f"requires {bad}, which is rejected, so this option is rejected "
                         f"with it ({why[bad]})")
            own = entry.option_id.upper()
            if first.get(own) is entry:
                why[own] = f"{own} requires {why[bad]}"
            changed = True

    options, links = [], []
    for f in files:
        for entry in f.accepted:
            options.append(dict(entry.row))
            own = entry.option_id
            for kind in OPTION_LINK_KINDS:
                for ref in getattr(entry, kind):
                    if ref in why:
                        continue  # a rejected option named in excludes: moot
                    links.append({"option_id": own, "kind": kind,
                                  "other_id": first[ref].option_id})

    used = [f for f in files if not f.file_rejected]
    budgets: list[dict] = []
    if used:
        choice = min(f.budget_meur for f in used)
        points = {choice} | {b for f in used for b in f.budgets_meur}
        budgets = [{"budget_meur": b, "is_choice": b == choice} for b in sorted(points)]
    return OptionSet(files, sorted(options, key=lambda o: o["option_id"]),
                     sorted(links, key=lambda l: (l["option_id"], l["kind"], l["other_id"])),
                     budgets)



# --- levers (methodology §12) -----------------------------------------------

LEVER_FILE_KEYS = ("id", "name", "changes")
# Each kind of change with the parameters it takes (each required); the filters
# (LEVER_FILTERS) are optional for every kind.
LEVER_CHANGES = {
    "lift_caveats": (),
    "release_nato": (),
    "readiness": ("days",),
    "availability": ("at_least",),
    "extend_service": ("years",),
    "withdraw": (),
    "add_options": ("options",),
}
LEVER_FILTERS = ("member_states", "capabilities")
LEVER_EXAMPLES = {
    "lift_caveats": "{member_states: [AT, IE]}",
    "release_nato": "{} (every row) or {member_states: [PL]}",
    "readiness": "{days: 10, capabilities: [BS.SURV.UAS]}",
    "availability": "{at_least: 0.9}",
    "extend_service": "{years: 2}",
    "withdraw": "{member_states: [HU]}",
    "add_options": "{options: [OPT-UAS-PL]}",
}
BASELINE_VARIANT = "BASELINE"  # the inventory as it is; no lever file may take its id
MAX_EXTEND_YEARS = 100  # the longest horizon there is (CDP_HORIZON_YEARS)


@dataclass
class LeverReport:
    """A lever file (one what-if variant), accepted whole or rejected whole.

    `lever` is None when the file is rejected; then `changes` is empty and `rejects`
    lists every problem found, each with its YAML path as column and its line."""

    source_file: str
    sha256: str | None
    lever: dict | None
    changes: list[dict]
    rejects: list[Reject]


def parse_variant_id(value, field: str = "id") -> str:
    """A variant's id, written like a scenario id; BASELINE (in any case) is taken."""
    if isinstance(value, str) and value.strip().upper() == BASELINE_VARIANT:
        raise FieldError(
            f"{field} '{value.strip()}' is reserved for the inventory as it is (the variant "
            "every other is compared with); give this variant another id"
        )
    return parse_scenario_id(value, field)


def parse_option_choice(value, options: Mapping[str, str | None], field: str = "options") -> str:
    """An option of `add_options`: an accepted option. `options` maps every option id the
    options files define to None (accepted) or to the file where it is rejected."""
    option_id = parse_option_ref(value, field)
    if option_id not in options:
        raise FieldError(f"{field} names '{as_text(value).strip()}', which is not an option "
                         "in any options file (options/*.yaml)")
    if options[option_id] is not None:
        raise FieldError(f"{field} names {option_id}, an option that is rejected in "
                         f"{options[option_id]} (see ingest_rejects); only accepted options "
                         "can be added")
    return option_id


def validate_lever_file(path, source_file: str, member_states: Container[str],
                        capabilities: Container[str], option_ids: Container[str],
                        rejected_options: Mapping[str, str] | None = None) -> LeverReport:
    """One lever file (`levers/*.yaml`, methodology §12): a named list of changes to the
    inventory, accepted or rejected whole, because half a variant would give a false
    answer. An empty list of changes is a variant with no change.

    `option_ids` are the accepted options (stg_options) that `add_options` may name;
    `rejected_options` maps an option id that the options files define but reject to
    the file that has it, so that the reason can say so."""
    sha, data, check = _load_document(path, source_file, "lever", LEVER_FILE_KEYS)
    if data is None:
        return LeverReport(source_file, sha, None, [], check.rejects)

    check.only_known_keys(data, (), LEVER_FILE_KEYS)
    variant_id = check.get(data, (), "id", parse_variant_id)
    name = check.get(data, (), "name", parse_text)
    options: dict[str, str | None] = {
        str(o).strip().upper(): f for o, f in (rejected_options or {}).items()}
    options.update({str(o).strip().upper(): None for o in option_ids})
    items = data.get("changes")
    changes: list[dict] = []
    if not isinstance(items, list):
        got = "got a mapping" if isinstance(items, dict) else _got(items)
        check.fail(("changes",), None if isinstance(items, dict) else items,
                   "changes must be a list of changes, each like - readiness: {days: 10} "
                   f"(changes: [] is a variant with no change), {got}")
    else:
        added: dict[str, int] = {}  # option id -> the change that adds it
        for index, item in enumerate(items):
            change = _lever_change(check, item, index, member_states, capabilities,
                                   options, added)
            if change is not None:
                changes.append({"variant_id": variant_id, **change,
                                "source_file": source_file})
    if check.rejects:
        return LeverReport(source_file, sha, None, [], check.rejects)
    lever = {"variant_id": variant_id, "name": name, "changes": len(changes),
             "source_file": source_file}
    return LeverReport(source_file, sha, lever, changes, [])


def _lever_change(check: _DocumentCheck, item, index: int, member_states, capabilities,
                  options: Mapping[str, str | None], added: dict[str, int]) -> dict | None:
    """One item of `changes`, as a row of stg_lever_changes (None if it has no kind)."""
    path = ("changes", index)
    step = index + 1
    kinds = ", ".join(LEVER_CHANGES)
    if not isinstance(item, dict) or len(item) != 1:
        if isinstance(item, dict) and item:
            got = (f"it has {len(item)} keys ({', '.join(map(str, item))}); put the "
                   "parameters under the kind, like - readiness: {days: 10}")
        elif isinstance(item, str) and item.strip() in LEVER_CHANGES:
            got = f"got '{item.strip()}' alone; write - {item.strip()}: {{}}"
        else:
            got = _got(None if isinstance(item, (list, dict)) else item)
        check.fail(path, None if isinstance(item, (list, dict)) else item,
                   f"change {step} must be a mapping with exactly one key, the kind of "
                   f"change ({kinds}); {got}")
        return None
    ((kind, params),) = item.items()
    if kind not in LEVER_CHANGES:
        close = difflib.get_close_matches(str(kind), LEVER_CHANGES, n=1)
        suggestion = f" (did you mean '{close[0]}'?)" if close else ""
        check.fail(path + (kind,), kind,
                   f"change {step}: unknown change '{kind}'{suggestion}; the changes are "
                   f"{kinds}")
        return None
    prefix = f"change {step} ({kind}): "
    path += (kind,)
    allowed = LEVER_CHANGES[kind] + LEVER_FILTERS
    if params is None:
        params = {}  # `- release_nato:` with nothing after it: no parameter, no filter
    if not isinstance(params, dict):
        got = "got a list" if isinstance(params, list) else _got(params)
        check.fail(path, None if isinstance(params, list) else params,
                   f"{prefix}its value must be a mapping of {', '.join(allowed)}, like "
                   f"{LEVER_EXAMPLES[kind]}, {got}")
        return None
    check.only_known_keys(params, path, allowed, prefix)
    row = {
        "step": step,
        "change": kind,
        "member_states": _lever_list(check, params, path, "member_states", parse_member_state,
                                     member_states, "member state code", "[AT, IE]", prefix),
        "capabilities": _lever_list(check, params, path, "capabilities",
                                    parse_capability_code, capabilities, "capability code",
                                    "[BS.SURV.UAS]", prefix),
        "days": None,
        "at_least": None,
        "years": None,
        "options": None,
        "row_number": check.lines.get(("changes", index)),
    }
    if kind == "readiness":
        row["days"] = check.get(params, path, "days", parse_days, prefix=prefix)
    elif kind == "availability":
        row["at_least"] = check.get(params, path, "at_least", parse_share, prefix=prefix)
    elif kind == "extend_service":
        row["years"] = check.get(params, path, "years", parse_int, at_least=1,
                                 at_most=MAX_EXTEND_YEARS, prefix=prefix,
                                 meaning=f"a whole number of years between 1 and "
                                         f"{MAX_EXTEND_YEARS}")
    elif kind == "add_options":
        if "options" not in params:
            check.fail(path + ("options",), None,
                       f"{prefix}options is required: the ids of the options "
                       "(options/*.yaml) to add, like [OPT-A]")
        else:
            row["options"] = _lever_list(check, params, path, "options", parse_option_choice,
                                         options, "option id", "[OPT-A, OPT-B]", prefix,
                                         added=added, step=step)
    return row


def _lever_list(check: _DocumentCheck, params: dict, path: tuple, key: str, parse: Callable,
                known, noun: str, example: str, prefix: str, added: dict | None = None,
                step: int = 0) -> list[str] | None:
    """A filter (or the options of add_options): a non-empty list of known codes, each
    normalised and listed once; None when the key is absent (a filter: every row).

    `added` (add_options) remembers the options added by earlier changes of the file:
    an option is added once."""
    if key not in params:
        return None
    value = params[key]
    if not isinstance(value, list) or not value:
        got = ("got an empty list" if value == [] else "got a mapping"
               if isinstance(value, dict) else _got(value))
        hint = "" if added is not None else f" (leave {key} out for no filter)"
        check.fail(path + (key,), None if isinstance(value, (list, dict)) else value,
                   f"{prefix}{key} must be a list of at least one {noun}, like {example}"
                   f"{hint}, {got}")
        return []
    out: list[str] = []
    for index, element in enumerate(value):
        try:
            code = parse(element, known, field=key)
        except FieldError as error:
            check.fail(path + (key, index), element, prefix + error.reason)
            continue
        if code in out:
            check.fail(path + (key, index), element,
                       f"{prefix}{key} lists {code} twice; list each {noun} once")
        elif added is not None and code in added:
            check.fail(path + (key, index), element,
                       f"{prefix}{code} is already added by change {added[code]}; an "
                       "option is added once")
        else:
            out.append(code)
            if added is not None:
                added[code] = step
    return out


def dedupe_levers(reports: list[LeverReport]) -> list[LeverReport]:
    """In source_file order, reject whole any later lever file that reuses the variant id
    of an accepted one."""
    return _first_id_wins(
        reports, lambda r: r.lever["variant_id"] if r.lever else None,
        lambda r, reject: dataclasses.replace(r, lever=None, changes=[], rejects=[reject]),
        "variant id", "each lever file")
