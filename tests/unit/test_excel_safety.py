"""Text from input files in a spreadsheet cell: never a formula, never a broken file,
never cut or changed without a note (lib/excel_safety.py and the workbook writer)."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest

from pipelines.lib.excel_safety import MAX_CELL_CHARS, REPLACEMENT, needs_quote_prefix, safe_text
from pipelines.lib.reports.look import Col
from pipelines.lib.reports.writer import ReportBook, Table, write_sheet

FORMULA_LIKE = [
    "=1+1",
    '=HYPERLINK("http://example.invalid/","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_is_marked_for_a_quote_prefix(text):
    assert needs_quote_prefix(text)


@pytest.mark.parametrize("text", ["BS.SURV.UAS", "one unit in maintenance", "2 weeks", " =x", ""])
def test_ordinary_text_needs_no_quote_prefix(text):
    assert not needs_quote_prefix(text)


def test_ordinary_text_passes_unchanged_without_a_note():
    assert safe_text("Kenttäkelpoinen — ΕΛ, Łódź") == ("Kenttäkelpoinen — ΕΛ, Łódź", None)


def test_control_characters_are_replaced_visibly_and_noted():
    text, note = safe_text("bell\x07 and\x00null\x1b")
    assert text == f"bell{REPLACEMENT} and{REPLACEMENT}null{REPLACEMENT}"
    assert "3 control characters" in note


def test_what_xml_cannot_hold_beyond_control_characters_is_replaced_too():
    text, note = safe_text("half a surrogate \ud800 and \uffff")
    assert "\ud800" not in text and "\uffff" not in text
    assert note


def test_tab_and_line_breaks_inside_text_are_kept():
    assert safe_text("a\tb\nc\r\nd") == ("a\tb\nc\r\nd", None)


def test_text_over_the_cell_limit_is_cut_with_a_visible_note():
    text, note = safe_text("x" * 40_000)
    assert len(text) == MAX_CELL_CHARS
    assert text.endswith("the full text has 40,000 characters]")
    assert "cut" in note


def test_text_at_the_cell_limit_is_kept_whole():
    assert safe_text("y" * MAX_CELL_CHARS) == ("y" * MAX_CELL_CHARS, None)


def write_texts(path, texts: list[str]) -> ReportBook:
    report = ReportBook("TEST MARKING")
    frame = pd.DataFrame({"text": texts})
    table = Table("Texts", frame, [Col("text", "Text")])
    write_sheet(report, "Texts", "Texts", "as written", [table])
    report.save(path)
    return report


def test_the_workbook_writer_stores_formula_like_text_as_quoted_text(tmp_path):
    path = tmp_path / "texts.xlsx"
    write_texts(path, FORMULA_LIKE + ["#N/A", "#DIV/0!"])

    with zipfile.ZipFile(path) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    assert 't="e"' not in sheet_xml  # "#N/A" stays text, not an error value

    ws = openpyxl.load_workbook(path)["Texts"]
    cells = {c.value: c for row in ws.iter_rows(min_row=5) for c in row if c.value is not None}
    for text in FORMULA_LIKE:
        assert cells[text].data_type == "s"
        assert cells[text].quotePrefix, text
    assert cells["#N/A"].data_type == "s"


def test_the_workbook_writer_repairs_text_and_leaves_a_comment(tmp_path):
    path = tmp_path / "texts.xlsx"
    report = write_texts(path, ["ok", "bad\x01text", "z" * 40_000])
    assert len(report.notes) == 2

    ws = openpyxl.load_workbook(path)["Texts"]
    repaired = ws["A6"]
    assert repaired.value == f"bad{REPLACEMENT}text"
    assert "control character" in repaired.comment.text
    cut = ws["A7"]
    assert len(cut.value) == MAX_CELL_CHARS and "cut" in cut.comment.text
    assert ws["A5"].comment is None
