"""Tables checked as sets in DuckDB (pipelines/lib/table_checks.py): the two ways a table
reaches DuckDB agree, what DuckDB settles alone the parsers would settle the same way,
and a file is read from disk once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from decimal import Decimal

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.lib import inputs
from pipelines.lib import table_checks as tc
from pipelines.lib import validation as v

STATES = {"FI", "EE", "LT", "GR", "DE", "FR"}
CAPS = {"BS.SURV.UAS", "DS.MED.FH", "BS.PATROL.COY"}
AS_OF = dt.date(2025, 6, 30)
INVOKING = {"FI-HYBRID-2026": "FI", "LT-BORDER-2026": "lt"}
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# Cells a planner's file may hold, good and bad, in every column the three tables have.
CELLS = st.sampled_from([
    "", " ", "FI", "fi ", "el", "XX", "BS.SURV.UAS", "bs.surv.uas ", "1", "1.0", "0", "-1",
    "2.5", "1,5", "1e3", "+3", ".5", "5.", "1e400", "nan", "365", "366", "10.0", "true", "Yes",
    "n", "2025-01-31", "2025-02-30", "2030", "2020", " 7 ", "\u0661\u0662", "\t3", "\u00a0",
    "=1+1", "FI-HYBRID-2026", "lt-border-2026", "*", "border_security", "0.5", "00012", "-0",
])
COLUMNS = ["member_state", "capability_code", "quantity", "readiness_days", "availability",
           "deployable_abroad", "nato_committed", "available_from", "available_until", "as_of",
           "notes", "scenario_id", "available_in_days", "caveats", "role", "probability", "",
           "extra"]


def validate(kind: str, path):
    if kind == "inventory":
        return v.validate_inventory(path, "f.csv", STATES, CAPS, AS_OF)
    if kind == "offers":
        return v.validate_offers(path, "f.csv", STATES, CAPS, INVOKING)
    return v.validate_participation(path, "f.csv", STATES)


@PROPERTY
@given(
    header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=9, unique=True),
    rows=st.lists(st.lists(CELLS, max_size=11), max_size=10),
    delimiter=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    blank_lines=st.booleans(),
    kind=st.sampled_from(["inventory", "offers", "participation"]),
)
def test_duckdb_split_equals_csv_reader(tmp_path, header, rows, delimiter, line_end, blank_lines,
                                         kind):
    """The same table without quotes (split by DuckDB) and with every field quoted (read by
    csv.reader): the same rejects, row numbers, rows and counts."""
    lines = [delimiter.join(header)]
    for row in rows:
        lines.append(delimiter.join(row))
        if blank_lines:
            lines.append("")
    plain_text = line_end.join(lines) + line_end
    # The same records as csv.reader reads them, every field quoted.
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_ALL)
    writer.writerows(csv.reader(io.StringIO(plain_text, newline=""), delimiter=delimiter))
    texts = {csv.QUOTE_NONE: plain_text, csv.QUOTE_ALL: out.getvalue()}
    plain, quoted = tmp_path / "plain.csv", tmp_path / "quoted.csv"
    plain.write_text(texts[csv.QUOTE_NONE], encoding="utf-8", newline="")
    quoted.write_text(texts[csv.QUOTE_ALL], encoding="utf-8", newline="")
    try:
        assert inputs.plain_csv(plain.read_bytes()) is not None or not any(header)
    except inputs.UnreadableFile:
        pass  # two header cells alike: both paths refuse the file the same way
    assert inputs.plain_csv(quoted.read_bytes()) is None

    a, b = validate(kind, plain), validate(kind, quoted)
    assert a.rejects == b.rejects
    assert (a.rows_read, a.sheet) == (b.rows_read, b.sheet)
    assert a.rows == b.rows


@pytest.mark.parametrize("value", [
    None, "", " text ", 0, -7, 10**30, 1.5, 1e300, float("inf"), -0.0, True, False,
    dt.date(2025, 2, 28), dt.datetime(2025, 2, 28, 13, 45, 1, 5),
    dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc), Decimal("1.50"),
])
def test_a_cell_is_rebuilt_exactly_from_its_text_and_kind(value):
    rebuilt = tc.raw_value(tc.text_of(value), tc.kind_of(value))
    assert rebuilt == value and type(rebuilt) is type(value)
    assert tc.text_of(value) == v.as_text(value)


def test_a_cell_of_another_kind_reads_as_its_text():
    value = dt.time(12, 30)
    rebuilt = tc.raw_value(tc.text_of(value), tc.kind_of(value))
    assert tc.kind_of(value) == "other" and str(rebuilt) == str(value)
    with pytest.raises(v.FieldError) as error:
        v.parse_number(rebuilt, "quantity")
    assert error.value.reason == "quantity must be a number, got '12:30:00'"


def test_blank_in_duckdb_is_blank_in_python():
    con = duckdb.connect()
    for code in range(0x3001):
        text = f"{chr(code)} {chr(code)}"
        in_duckdb = con.execute("SELECT regexp_full_match($t, $p)",
                                {"t": text, "p": tc.BLANK}).fetchone()[0]
        assert in_duckdb == v.is_blank(text), hex(code)


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.from_regex(r"[-+]?([0-9]{1,25}\.?[0-9]{0,25}|\.[0-9]{1,25})([eE][-+]?[0-9]{1,3})?",
                  fullmatch=True),
    st.text(alphabet="0123456789.eE+- \t,\u0661\u00a0", max_size=12),
    st.floats(), st.integers(-10**20, 10**20),
))
def test_numbers_duckdb_accepts_alone_the_parser_accepts_equally(value):
    """Soundness of the shortcut: a number DuckDB takes without asking the parser is one
    the parser takes too, with the very same double."""
    con = duckdb.connect()
    bounds = (0, None, 1e6)
    text, kind = tc.text_of(value), tc.kind_of(value)
    accepted, number = con.execute(
        f"SELECT {tc._plain_number('$v', '$k', bounds)}, TRY_CAST($v AS DOUBLE)",
        {"v": text, "k": kind},
    ).fetchone()
    if accepted:
        assert v.parse_number(value, "q", at_least=0, at_most=1e6) == number


def test_a_table_file_is_read_from_disk_once(tmp_path):
    """Its hash, its format and its table come from the same bytes."""
    path = tmp_path / "fi.csv"
    path.write_text("member_state,capability_code,quantity,readiness_days\n"
                    "FI,BS.SURV.UAS,3,5\nXX,BS.SURV.UAS,1,5\n", encoding="utf-8")
    opened = []
    watching = True

    def hook(event, args):
        if watching and event == "open" and str(args[0]) == str(path):
            opened.append(args[1])

    sys.addaudithook(hook)  # audit hooks cannot be removed: `watching` switches it off
    try:
        report = v.validate_inventory(path, "fi.csv", STATES, CAPS, AS_OF)
    finally:
        watching = False
    assert len(opened) == 1
    assert report.rows_accepted == 1 and [r.row_number for r in report.rejects] == [3]
    assert report.sha256 == inputs.sha256_of(path)


@PROPERTY
@given(st.lists(st.tuples(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8, unique=True),
                          st.lists(st.lists(CELLS, max_size=9), max_size=6),
                          st.dates(dt.date(2020, 1, 1), dt.date(2026, 1, 1))),
                min_size=1, max_size=4))
def test_files_checked_together_equal_each_checked_alone(tmp_path, files):
    """A folder is checked in one batch; each file's report is the one it gets alone."""
    items = []
    for n, (header, rows, as_of) in enumerate(files):
        path = tmp_path / f"f{n}.csv"
        path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
        items.append((path, f"inbox/inventory/f{n}.csv", as_of))
    together = v.validate_inventories(items, STATES, CAPS)
    for (path, source_file, as_of), report in zip(items, together):
        alone = v.validate_inventory(path, source_file, STATES, CAPS, as_of)
        assert report.rejects == alone.rejects
        assert (report.rows_read, report.sheet, report.sha256) == (
            alone.rows_read, alone.sheet, alone.sha256)
        assert report.rows == alone.rows
