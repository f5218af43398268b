"""The workbook writer serialises a table's rows itself, a few thousand at a time
(lib/reports/writer.py, `_write_rows`): the file must be the one openpyxl writes when each
value goes through `ReportBook.cell`, part for part and byte for byte, whatever the
values are."""

from __future__ import annotations

import datetime as dt
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipelines.lib.reports import writer
from pipelines.lib.reports.look import Col
from pipelines.lib.reports.writer import Facts, ReportBook, Table, write_sheet

TEXTS = [
    "=1+1", "plain", " padded ", "a&b<c>d \"quoted\" 'single'", "line\r\nbreak\rreturn",
    "Kenttäkelpoinen — ΕΛ, Łódź 😀", "", None, "bell\x07", "x" * 40_000, "#N/A", "-2",
    "\t=tab", "@SUM(A1:A2)", "  ", "]]> & &amp;",
]
N = len(TEXTS)


def frame() -> pd.DataFrame:
    floats = [1.5, np.nan, 6.899999999999999, 1e-7, float("inf"), 123456789.123456789, -0.0,
              0.1 + 0.2, 2.675, 1e22, -1.25e-300, 3.0, 0.5, 7.0000004, np.nan, 99.95]
    return pd.DataFrame({
        "text": TEXTS,
        "name": ["A rather long capability name that wraps over several lines in its column",
                 *(["Short"] * (N - 1))],
        "qty": floats,
        "pct": [f / 100 if f == f else None for f in floats],
        "count": pd.array([1, None, 3, 40_000_000, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
                          dtype="Int64"),
        "year": list(range(2026, 2026 + N)),
        "flag": [True, False, None, True, 1, 0, True, False] * 2,
        "risk": ["none", "low", "moderate", "significant", "high", None, "high", "none"] * 2,
        "link": [f"'Other'!A{i + 5}" if i % 3 else None for i in range(N)],
        "linked": [1.0, 2.0, None, 4.0, None, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0,
                   14.0, 15.0, 16.0],
        "as_of": [dt.date(2026, 1, 1) if i % 5 == 0 else None for i in range(N)],
    })


COLUMNS = [
    Col("text", "Text"), Col("name", "Name", "wrap", width=20), Col("qty", "Qty", "qty"),
    Col("pct", "Share", "pct"), Col("count", "Count", "int"), Col("year", "Year", "year"),
    Col("flag", "Flag", "yesno"), Col("risk", "Risk", "risk"),
    Col("linked", "Linked", "pct0", link="link", fill_by="risk"), Col("as_of", "As of", "date"),
]


def cell_by_cell(report, ws, columns, values, fills, links, first):
    """The rows as the writer wrote them before it serialised them itself."""
    for i in range(len(values[0])):
        ws.append([
            report.cell(ws, values[j][i], c.fmt, fill=fills[j][i] if fills[j] else None,
                        link=links[j][i] if links[j] else None)
            for j, c in enumerate(columns)
        ])


def write(path, data: pd.DataFrame) -> ReportBook:
    report = ReportBook("TEST MARKING")
    write_sheet(report, "First", "A title", "A subtitle", [
        Facts([("Rows", len(data), "int")]),
        Table("Everything", data, COLUMNS, heading="Every kind of value"),
        Table("Again", data.iloc[::-1], COLUMNS[:4]),
    ], freeze_cols=1)
    write_sheet(report, "Other", "Other", "Links land here",
                [Table("Other", data[["qty", "text"]], [Col("qty", "Qty", "qty"),
                                                        Col("text", "Text")])])
    report.save(path)
    return report


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name != "docProps/core.xml"}  # it holds the time of writing


@pytest.mark.parametrize("chunk", [3, 4096])
def test_rows_come_out_as_cell_by_cell_writing_gives_them(tmp_path, monkeypatch, chunk):
    data = pd.concat([frame()] * 3, ignore_index=True)
    monkeypatch.setattr(writer, "CHUNK_ROWS", chunk)
    fast = write(tmp_path / "fast.xlsx", data)
    monkeypatch.setattr(writer, "_write_rows", cell_by_cell)
    slow = write(tmp_path / "slow.xlsx", data)
    assert parts(tmp_path / "fast.xlsx") == parts(tmp_path / "slow.xlsx")
    assert fast.notes == slow.notes and len(fast.notes) == 2 * 3 * 3  # repairs, copies, tables


def test_what_the_rows_hold_when_read_back(tmp_path):
    write(tmp_path / "book.xlsx", frame())
    ws = openpyxl.load_workbook(tmp_path / "book.xlsx")["First"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Text")
    cells = {TEXTS[i]: ws.cell(header + 1 + i, 1) for i in range(N) if TEXTS[i]}
    assert cells["=1+1"].value == "=1+1" and cells["=1+1"].data_type == "s"
    assert cells["=1+1"].quotePrefix and cells["@SUM(A1:A2)"].quotePrefix
    assert cells["line\r\nbreak\rreturn"].value == "line\r\nbreak\rreturn"
    assert cells[" padded "].value == " padded "
    assert cells["Kenttäkelpoinen — ΕΛ, Łódź 😀"].value == "Kenttäkelpoinen — ΕΛ, Łódź 😀"
    assert cells["#N/A"].data_type == "s" and not cells["plain"].quotePrefix
    assert cells["bell\x07"].comment is not None
    row = header + 1
    assert ws.cell(row, 3).value == 1.5 and ws.cell(row, 3).number_format == "#,##0.0"
    assert ws.cell(row + 2, 3).value == 6.9  # six decimals, as ReportBook.cell rounds
    assert ws.cell(row + 1, 3).value is None  # NaN: an empty cell
    assert ws.cell(row, 7).value == "yes" and ws.cell(row + 2, 7).value is None
    assert ws.cell(row + 1, 9).hyperlink.location == "'Other'!A6"
    assert ws.cell(row, 10).value == dt.datetime(2026, 1, 1)
    assert ws.row_dimensions[row].height and ws.row_dimensions[row].height > 15
