"""A small sheet writer over openpyxl's write-only mode (rows stream to disk, memory stays
flat). A sheet is described as blocks (`Facts`, `Table`) and `write_sheet` lays it out
the same way every time: the marking in row 1, a title and a line saying what the sheet
shows, frozen headers, an Excel table per block of rows (its own autofilter), number
formats per column, fitted widths, and landscape print set-up with the marking and
"page N of M" in header and footer. Every string goes through `excel_safety`, so no
input ever becomes a formula: the report writes none.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element

from pipelines.lib.excel_safety import (
    FORMULA_TRIGGERS, needing_repair, needs_quote_prefix, safe_text,
)
from pipelines.lib.reports.look import (
    GREY_TEXT, LINK_BLUE, MARKING_BAND, MARKING_TEXT, NAVY, RISK_COLOURS, RISK_LEVELS,
    RISK_TEXT_COLOURS, Col,
)


MARKING_ROW, TITLE_ROW, SUBTITLE_ROW, BODY_ROW = 1, 2, 3, 4


# A sheet that opens with an untitled table has its header in BODY_ROW and data below it.
FIRST_DATA_ROW = BODY_ROW + 1


NUMBER_FORMATS = {
    "int": "#,##0", "rank": "0", "year": "0", "qty": "#,##0.0", "pct": "0.0%", "pct0": "0%",
    "index": "0.00", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
}


MAX_WIDTH = 70
# Pro-rata splits leave noise like 6.899999999999999 in the warehouse's exact figures; a
# cell shows one decimal but a planner who clicks it or copies it sees every digit. Six
# decimals are far below any quantity counted and keep sums and shares as they are.
CELL_DECIMALS = 6


@dataclass
class Table:
    """Rows under a header: written as an Excel table (banded, with its own autofilter)."""

    name: str
    frame: pd.DataFrame
    columns: list[Col]
    heading: str | None = None
    empty: str = "None."


@dataclass
class Facts:
    """Label and value lines. With value_first, a headline: '109 requirement lines'."""

    rows: list[tuple[str, object, str]]  # (label, value, fmt)
    heading: str | None = None
    value_first: bool = False


@dataclass
class Paragraphs:
    """A label, and beside it a paragraph that spans the sheet's width, wrapped: for text
    a person reads as sentences (an Excel table cannot hold merged cells, so this is not
    one)."""

    rows: list[tuple[str, str]]  # (label, text)
    heading: str | None = None


@dataclass
class Key:
    """A few rows that say how to read the sheet, cell by cell from column A: each cell is
    (value, look) with look 'label', 'text' (runs on into empty cells) or a risk level
    (a swatch in that level's colour). It takes the widths the tables set."""

    rows: list[list[tuple[object, str]]]


@dataclass
class Placed:
    """Where a table landed on its sheet."""

    header_row: int
    first_row: int
    last_row: int


@dataclass
class Sheet:
    """A written sheet, and where each of its tables landed (by table name)."""

    ws: object
    tables: dict[str, Placed]


@dataclass(frozen=True)
class Links:
    """What a sheet needs to know of the others: each sheet and what it shows (the Cover's
    contents), and the internal links to the rows behind a (scenario, capability)."""

    contents: dict[str, str]
    shortfalls: dict[tuple[str, str], str]
    contributions: dict[tuple[str, str], str]


@dataclass
class ReportBook:
    """A write-only workbook with the report's styles; sheets are added in order."""

    marking: str
    book: Workbook = field(default_factory=lambda: Workbook(write_only=True))
    notes: list[str] = field(default_factory=list)  # text repairs made by excel_safety
    _styles: dict = field(default_factory=dict)

    def save(self, path: Path) -> None:
        # Workbook.save, with zlib at level 3, not its default 6: at Union scale (160 MB of
        # sheet XML) that is a second less for a file a fifth larger (17 MB, not 14).
        archive = ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=3)
        self.book.properties.modified = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        ExcelWriter(self.book, archive).save()

    # Styles are made once per workbook and shared by the cells that wear them: a
    # write-only cell is written once and dropped, and nothing restyles a cell after
    # `cell` returns, so no copy is needed (copying was a fifth of the time per cell).
    def style(self, ws, fmt="text", *, role="body", fill=None, quote=False) -> object:
        key = (fmt, role, fill, quote)
        style = self._styles.get(key)
        if style is None:
            proto = WriteOnlyCell(ws)
            proto.number_format = NUMBER_FORMATS.get(fmt, "General")
            proto.font, proto.fill, proto.alignment, proto.border = _look(fmt, role, fill)
            proto.quotePrefix = quote
            style = self._styles[key] = proto._style
        return style

    def cell(self, ws, value, fmt="text", *, role="body", fill=None, link=None):
        """A styled cell; text goes in as text, whatever it looks like. A header takes its
        column's format for its alignment only."""
        value = value if role == "header" else _plain(value, fmt)
        note = None
        quote = False
        if isinstance(value, str):
            value, note = safe_text(value)
            cell = WriteOnlyCell(ws, value)
            # openpyxl reads "=…" as a formula and "#N/A" as an error: say it is text.
            cell.data_type = "s"
            quote = needs_quote_prefix(value)
        else:
            cell = WriteOnlyCell(ws, value)
        cell._style = self.style(ws, fmt, role=role, fill=fill, quote=quote)
        if note:
            cell.comment = Comment(f"CDP report: {note}", "CDP report", width=300, height=80)
            self.notes.append(f"{ws.title}: {note}")
        if link:
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=link)
        return cell


def write_sheet(
    report: ReportBook,
    name: str,
    title: str,
    subtitle: str,
    blocks: list[Table | Facts | Paragraphs | Key],
    freeze_cols: int = 0,
) -> Sheet:
    """Lay out one sheet, block after block."""
    ws = _Sheet(parent=report.book, title=name)
    report.book._add_sheet(ws)
    widths = _widths(blocks)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ncols = len(widths)
    # A sheet that opens with its table (after a key, if any) keeps the table's header in
    # view; any other keeps its title.
    keys = sum(len(b.rows) + 1 for b in blocks if isinstance(b, Key))
    first = next((b for b in blocks if not isinstance(b, Key)), None)
    opens_with_table = isinstance(first, Table) and first.heading is None
    freeze_row = FIRST_DATA_ROW + keys if opens_with_table else BODY_ROW
    ws.freeze_panes = f"{get_column_letter(freeze_cols + 1)}{freeze_row}"
    # Before the first row: write-only mode writes the sheet's properties with it.
    _print_setup(ws, report.marking, freeze_row - 1)

    band = [report.cell(ws, report.marking, role="marking")]
    band += [report.cell(ws, None, role="marking") for _ in range(ncols - 1)]
    ws.append(band)
    if ncols > 1:
        ws.merged_cells.add(f"A{MARKING_ROW}:{get_column_letter(ncols)}{MARKING_ROW}")
    ws.append([report.cell(ws, title, role="title")])
    ws.append([report.cell(ws, subtitle, role="subtitle")])

    row = BODY_ROW
    placed = {}
    for block in blocks:
        if row > BODY_ROW:
            ws.append([])
            row += 1
        if isinstance(block, Key):
            for cells in block.rows:
                ws.append([_key_cell(report, ws, value, look) for value, look in cells])
                row += 1
            continue
        if block.heading:
            ws.append([report.cell(ws, block.heading, role="heading")])
            row += 1
        if isinstance(block, Facts):
            row = _write_facts(report, ws, block, row)
        elif isinstance(block, Paragraphs):
            row = _write_paragraphs(report, ws, block, row, widths)
        else:
            placed[block.name] = _write_table(report, ws, block, row, widths)
            row = placed[block.name].last_row + 1

    return Sheet(ws, placed)


def _key_cell(report: ReportBook, ws, value, look: str):
    if look in RISK_LEVELS:
        return report.cell(ws, value, fill=look)
    return report.cell(ws, value, role="label" if look == "label" else "note")


def _write_facts(report: ReportBook, ws, facts: Facts, row: int) -> int:
    for label, value, fmt in facts.rows:
        label_cell = report.cell(ws, label, role="label")
        if fmt == "risk":
            value_cell = report.cell(ws, value, fill=value)
        else:
            value_cell = report.cell(ws, value, fmt, role="value")
        ws.append([value_cell, label_cell] if facts.value_first else [label_cell, value_cell])
        row += 1
    return row


def _write_paragraphs(report: ReportBook, ws, block: Paragraphs, row: int, widths) -> int:
    last = get_column_letter(len(widths))
    span = sum(widths[1:]) or widths[0]
    for label, text in block.rows:
        # Prose averages narrower than the digit the column width is counted in.
        _height(ws, row, _lines(text, span * 1.2))
        cells = [report.cell(ws, label, role="label"), report.cell(ws, text, "wrap")]
        cells += [report.cell(ws, None, "wrap") for _ in range(len(widths) - 2)]
        ws.append(cells)
        if len(widths) > 2:
            ws.merged_cells.add(f"B{row}:{last}{row}")
        row += 1
    return row


def _write_table(report: ReportBook, ws, table: Table, header_row: int, widths) -> Placed:
    columns = table.columns
    # Row heights are given, not left to the client: LibreOffice does not grow a row to
    # fit wrapped text on opening a file, and a clipped row looks broken.
    header_lines = max(_lines(c.header, widths[i] * 0.85) for i, c in enumerate(columns))
    _height(ws, header_row, header_lines)
    ws.append([report.cell(ws, c.header, c.fmt, role="header") for c in columns])
    # A little under the width: a row too short lets its text run into the next row.
    wrapped = [(i, widths[i] * 0.95) for i, c in enumerate(columns) if c.fmt == "wrap"]
    row = header_row
    if table.frame.empty:
        ws.append([report.cell(ws, table.empty, role="note")])
        row += 1
    else:
        keys = [c.key for c in columns]
        keys += [k for c in columns for k in (c.link, c.fill_by) if k and k not in keys]
        frame = table.frame[keys].astype(object)
        frame = frame.where(frame.notna(), None)
        at = {k: i for i, k in enumerate(keys)}
        for start in range(0, len(frame), CHUNK_ROWS):
            data = [frame.iloc[start:start + CHUNK_ROWS, i].tolist() for i in range(len(keys))]
            values = [data[at[c.key]] for c in columns]
            fills = [data[at[c.fill_by]] if c.fill_by else None for c in columns]
            links = [data[at[c.link]] if c.link else None for c in columns]
            first = row + 1
            if wrapped:
                for offset, texts in enumerate(zip(*(values[i] for i, _ in wrapped))):
                    _height(ws, first + offset,
                            max(_lines(text, width) for text, (_, width) in zip(texts, wrapped)))
            _write_rows(report, ws, columns, values, fills, links, first)
            row += len(values[0])
    last_col = get_column_letter(len(columns))
    ref = f"A{header_row}:{last_col}{row}"
    excel_table = ExcelTable(
        displayName=table.name,
        ref=ref,
        tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=True),
        autoFilter=AutoFilter(ref=ref),
    )
    # Write-only sheets cannot be read back for the header names, so they are given here;
    # openpyxl warns about write-only tables whether or not they are.
    excel_table.tableColumns = [TableColumn(id=i, name=c.header) for i, c in enumerate(columns, 1)]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns manually")
        ws.add_table(excel_table)
    for index, column in enumerate(columns, start=1):
        if column.fmt == "risk" and not table.frame.empty:
            letter = get_column_letter(index)
            _risk_rules(ws, f"{letter}{header_row + 1}:{letter}{row}")
    return Placed(header_row, header_row + 1, row)


@lru_cache(maxsize=4096)  # a large sheet repeats its names and roles on row after row
def _lines(text, width: float) -> int:
    """How many lines `text` takes wrapped at `width` characters (at spaces, after hyphens)."""
    width = max(int(width), 1)
    total = 0
    for paragraph in str("" if text is None else text).splitlines() or [""]:
        lines, used = 1, 0
        for word in paragraph.replace("-", "-\0").replace(" ", " \0").split("\0"):
            if used and used + len(word.rstrip()) > width:
                lines, used = lines + 1, 0
            while len(word) > width:  # a word wider than the column breaks anywhere
                lines, word = lines + 1, word[width:]
            used += len(word)
        total += lines
    return total


def _height(ws, row: int, lines: int) -> None:
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines


def _risk_rules(ws, cells: str) -> None:
    # Conditional formatting colours a whole column for the price of five rules.
    for level in RISK_LEVELS:
        ws.conditional_formatting.add(cells, CellIsRule(
            operator="equal", formula=[f'"{level}"'],
            fill=_fill(RISK_COLOURS[level]), font=Font(color=_argb(RISK_TEXT_COLOURS[level])),
        ))


def shade_shortfalls(ws, cells: str) -> None:
    """White for no shortfall, deepening to a soft red for the largest."""
    ws.conditional_formatting.add(cells, ColorScaleRule(
        start_type="num", start_value=0, start_color="FFFFFF",
        end_type="max", end_color="F4B183",
    ))


def _print_setup(ws, marking: str, title_rows: int) -> None:
    ws.print_title_rows = f"1:{title_rows}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    mark = marking.replace("&", "&&")  # '&' starts a code in header and footer text
    ws.oddHeader.left.text = "&A"
    ws.oddHeader.center.text = mark
    ws.oddHeader.center.font = "Calibri,Bold"
    ws.oddFooter.left.text = "CDP gap report"
    ws.oddFooter.center.text = mark
    ws.oddFooter.center.font = "Calibri,Bold"
    ws.oddFooter.right.text = "Page &P of &N"


def _look(fmt: str, role: str, fill: str | None):
    """Font, fill, alignment and border of a cell by its role (and risk level)."""
    thin = Side(style="thin", color="BFBFBF")
    plain = Border()
    if role == "marking":
        return (Font(bold=True, color=_argb(MARKING_TEXT)), _fill(MARKING_BAND),
                Alignment(horizontal="center"),
                Border(bottom=Side(style="medium", color="BF9000")))
    if role == "title":
        return Font(bold=True, size=14, color=_argb(NAVY)), PatternFill(), Alignment(), plain
    if role == "subtitle":
        return Font(italic=True, color=_argb(GREY_TEXT)), PatternFill(), Alignment(), plain
    if role == "heading":
        return Font(bold=True, size=12, color=_argb(NAVY)), PatternFill(), Alignment(), plain
    if role == "header":
        return (Font(bold=True, color="FFFFFFFF"), _fill(NAVY),
                _padded(wrap_text=True, vertical="center", horizontal=_align(fmt)),
                Border(bottom=thin))
    if role == "label":
        return Font(color=_argb(NAVY)), PatternFill(), Alignment(vertical="top"), plain
    if role == "value":
        return (Font(bold=True, size=12, color=_argb(NAVY)), PatternFill(),
                Alignment(horizontal="left", vertical="top"), plain)
    if role == "note":
        return Font(italic=True, color=_argb(GREY_TEXT)), PatternFill(), Alignment(), plain
    font = Font()
    if fill:
        font = Font(color=_argb(RISK_TEXT_COLOURS[fill]), bold=fill in ("significant", "high"))
    elif fmt == "link":
        font = Font(color=_argb(LINK_BLUE), underline="single")
    align = _padded(vertical="top", wrap_text=fmt == "wrap",
                    horizontal="center" if fill else _align(fmt))
    return font, _fill(RISK_COLOURS[fill]) if fill else PatternFill(), align, Border(bottom=thin)


def _padded(horizontal: str | None, **alignment) -> Alignment:
    """An alignment one character in from the edge it sits on, so a right-aligned figure
    never runs into left-aligned text in the next column."""
    if horizontal == "center":
        return Alignment(horizontal="center", **alignment)
    return Alignment(horizontal=horizontal or "left", indent=1, **alignment)


def _align(fmt: str) -> str | None:
    # A header sits over its figures: right over numbers, centred over ranks, yes/no, risk.
    if fmt in ("rank", "yesno", "risk"):
        return "center"
    return "right" if fmt in NUMBER_FORMATS and fmt not in ("date", "datetime") else None


def _fill(colour: str) -> PatternFill:
    return PatternFill(start_color=_argb(colour), end_color=_argb(colour), fill_type="solid")


def _argb(colour: str) -> str:
    return "FF" + colour.lstrip("#").upper()


def _plain(value, fmt: str):
    """A value openpyxl writes as it should be seen (numpy and pandas types made plain)."""
    kind = type(value)
    # The plain types first: they are nearly every cell of a large table.
    if kind is float:
        return None if value != value else round(value, CELL_DECIMALS)  # NaN
    if fmt != "yesno" and (kind is str or kind is int):
        return value
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, bool) or fmt == "yesno":
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if fmt == "date" and isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item(), fmt)
    return value


def _display_length(value, fmt: str) -> int:
    value = _plain(value, fmt)
    if value is None:
        return 0
    if isinstance(value, (int, float)) and fmt in NUMBER_FORMATS:
        if fmt in ("pct", "pct0"):
            return len(f"{value:.1%}")
        if fmt == "year":
            return 4
        return len(f"{value:,.2f}")
    if isinstance(value, (dt.date, dt.datetime)):
        return 16 if fmt == "datetime" else 10
    return max((len(part) for part in str(value).splitlines()), default=0)


def _widths(blocks: list[Table | Facts | Paragraphs | Key], sample: int = 2000) -> list[float]:
    """Column widths that fit header and values (from the first rows), capped."""
    widths: dict[int, float] = {}

    def fit(index: int, length: float) -> None:
        widths[index] = max(widths.get(index, 8), min(length + 3, MAX_WIDTH))  # + padding

    for block in blocks:
        if isinstance(block, Facts):
            # Text runs on into the empty cells to its right: only what cannot (a label
            # before its value, a number) needs its column wide enough.
            for label, value, fmt in block.rows:
                if block.value_first:
                    fit(0, _display_length(value, fmt) * 1.3)
                else:
                    fit(0, len(label))
                    if not isinstance(value, str):
                        fit(1, _display_length(value, fmt) * 1.2)
            continue
        if isinstance(block, Key):
            continue
        if isinstance(block, Paragraphs):
            for label, _ in block.rows:  # the text spans the columns the tables set
                fit(0, len(label))
            continue
        for index, column in enumerate(block.columns):
            if column.width:
                widths[index] = max(widths.get(index, 0), column.width)
                continue
            header = max(len(word) for word in column.header.split()) + 1
            values = block.frame[column.key].head(sample) if column.key in block.frame else []
            longest = max((_display_length(v, column.fmt) for v in values), default=0)
            fit(index, max(header, longest, min(len(column.header), 14)))
    return [widths.get(i, 8) for i in range(max(widths) + 1)]


def row_link(sheet: str, index: int) -> str:
    """The internal link to data row `index` (0-based) of a sheet that opens with a table."""
    return f"'{sheet}'!A{FIRST_DATA_ROW + index}"


# The rows of a table are serialised here, a few thousand at a time, as the text openpyxl
# would write for them: a cell object per value cost ~15 µs in openpyxl, which at Union scale
# (3 million cells) was most of the refresh.
CHUNK_ROWS = 4096
_MARK = re.compile(rb'<cdp_rows n="(\d+)" ?/>')


@dataclass
class _Rows:
    """Rows serialised by `_write_rows`, the number of rows and the links they carry."""

    xml: bytes
    count: int
    links: list[Hyperlink]


class _Sheet(WriteOnlyWorksheet):
    """openpyxl's write-only sheet that also takes `_Rows`. The XML writer escapes any
    text it is given, so each `_Rows` leaves a mark in the stream, its bytes wait in a
    file of their own, and `close` puts them in place of the marks. Mirrors
    WriteOnlyWorksheet.append and _write_rows of openpyxl 3.1.5 (requirements.lock pins it;
    tests/unit/test_writer.py checks the file is the one cell-by-cell writing gives)."""

    _pieces = None  # (offset, length) of each `_Rows` in _spool
    _spool = None

    def append(self, row):
        if not isinstance(row, _Rows):
            return super().append(row)
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._rows.send(row)

    def _write_rows(self):
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    row = (yield)
                    if isinstance(row, _Rows):
                        self._put(xf, row)
                        row_idx += row.count
                        continue
                    row = self._values_to_row(row, row_idx)
                    self._writer.write_row(xf, row, row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def _put(self, xf, rows: _Rows) -> None:
        if self._spool is None:
            self._spool, self._pieces = tempfile.TemporaryFile(), []
        xf.write(Element("cdp_rows", {"n": str(len(self._pieces))}))
        self._pieces.append((self._spool.tell(), len(rows.xml)))
        self._spool.write(rows.xml)
        self._hyperlinks.extend(rows.links)

    def close(self):
        super().close()
        if self._spool is None:
            return
        path = Path(self._writer.out)
        # The sheet without its bulk rows is small: the headers, the tail, a few rows.
        parts = _MARK.split(path.read_bytes())
        with self._spool, open(path, "wb") as out:
            out.write(parts[0])
            for mark, text in zip(parts[1::2], parts[2::2]):
                offset, length = self._pieces[int(mark)]
                self._spool.seek(offset)
                out.write(self._spool.read(length))
                out.write(text)
        self._spool = None


def _write_rows(report: ReportBook, ws, columns: list[Col], values: list[list],
                fills: list[list | None], links: list[list | None], first: int) -> None:
    """Rows `first`… of a table, column by column: the same XML, styles, links and text
    safety as `ReportBook.cell` gives each cell, without a cell object per value. A row
    with anything out of the ordinary (a text repair and its comment, a date, a link on an
    empty cell) is left to `ReportBook.cell`."""
    count = len(values[0])
    special: set[int] = set()
    plain, quotes = [], []
    for column, vals, links_of in zip(columns, values, links):
        vals = _plain_column(vals, column.fmt)
        kinds = set(map(type, vals))
        texts = [i for i, v in enumerate(vals) if type(v) is str] if str in kinds else []
        repaired = {texts[i] for i in needing_repair([vals[i] for i in texts])}
        special |= repaired
        if kinds - {str, int, float, type(None)}:
            special |= {i for i, v in enumerate(vals)
                        if v is not None and type(v) not in (str, int, float)}
        if links_of is not None:
            special |= {i for i, (v, link) in enumerate(zip(vals, links_of))
                        if link and v is None}
        plain.append(vals)
        quotes.append({i for i in texts if (safe_text(vals[i])[0] if i in repaired else vals[i])
                       .startswith(FORMULA_TRIGGERS)})

    # Styles are numbered as they are first used, row by row: register them in that
    # order (the rows left to `ReportBook.cell` too), so the file is the one cell-by-cell
    # writing gives.
    keys, firsts = [], []
    for j, (column, fills_of, quoted) in enumerate(zip(columns, fills, quotes)):
        per_row = [(column.fmt, "body", fills_of[i] if fills_of else None, i in quoted)
                   for i in range(count)] if fills_of or quoted else None
        keys.append(per_row)
        if per_row is None:
            firsts.append((0, j, (column.fmt, "body", None, False)))
        else:
            seen = {}
            for i, key in enumerate(per_row):
                seen.setdefault(key, i)
            firsts += [(i, j, key) for key, i in seen.items()]
    ids = {}
    for _, _, key in sorted(firsts, key=lambda f: f[:2]):
        if key not in ids:
            style = report.style(ws, key[0], role="body", fill=key[2], quote=key[3])
            ids[key] = f' s="{ws.parent._cell_styles.add(style)}"' if any(style) else ""

    if special:  # written by `ReportBook.cell` below
        plain = [[None if i in special else v for i, v in enumerate(vals)] for vals in plain]
    rows = range(first, first + count)
    cells = []
    for j, (column, vals, per_row) in enumerate(zip(columns, plain, keys)):
        at = f'<c r="{get_column_letter(j + 1)}'
        if per_row is None:
            cells.append(_cells_xml(at, rows, vals, ids[(column.fmt, "body", None, False)]))
        else:
            cells.append([_cell_xml(at, r, v, ids.get(k)) for r, v, k in zip(rows, vals, per_row)])

    dims = ws.row_dimensions
    linked = [(get_column_letter(j + 1), links_of) for j, links_of in enumerate(links) if links_of]
    run, run_links = [], []
    for i, (row, parts) in enumerate(zip(rows, zip(*cells))):
        if i in special:
            _flush(ws, run, run_links)
            ws.append([
                report.cell(ws, values[j][i], c.fmt,
                            fill=fills[j][i] if fills[j] else None,
                            link=links[j][i] if links[j] else None)
                for j, c in enumerate(columns)
            ])
            continue
        dim = dims.get(row)
        extra = "".join(f' {k}="{v}"' for k, v in dim) if dim is not None else ""
        run.append(f'<row r="{row}"{extra}>{"".join(parts)}</row>')
        if linked:
            run_links += [Hyperlink(ref=f"{letter}{row}", location=links_of[i])
                          for letter, links_of in linked if links_of[i]]
    _flush(ws, run, run_links)


def _flush(ws, run: list[str], run_links: list[Hyperlink]) -> None:
    if run:
        # Non-ASCII as character references, as the XML writer gives them.
        xml = "".join(run).encode("ascii", "xmlcharrefreplace")
        ws.append(_Rows(xml, len(run), list(run_links)))
        run.clear()
        run_links.clear()


def _plain_column(values: list, fmt: str) -> list:
    """`_plain` of each value, with the plain columns (nearly all of them) in one go."""
    kinds = set(map(type, values))
    if fmt != "yesno" and kinds <= {float, type(None)}:
        return [None if v is None or v != v else round(v, CELL_DECIMALS) for v in values]
    if fmt != "yesno" and kinds <= {str, int, type(None)}:
        return values
    return [_plain(v, fmt) for v in values]


def _cells_xml(at: str, rows: range, values: list, style: str) -> list[str]:
    """A column of cells in one style; numbers, the most of them, without a call each."""
    kinds = set(map(type, values))
    if kinds <= {float, int} and all(map(math.isfinite, values)):
        return [f'{at}{r}"{style} t="n"><v>{"%.16g" % v}</v></c>' for r, v in zip(rows, values)]
    if style and kinds <= {str, type(None)}:
        # Codes, names and roles repeat down a column: each text is escaped once.
        tails = {v: _cell_xml("", 0, v, style)[1:] for v in set(values)}
        return [f"{at}{r}{tails[v]}" for r, v in zip(rows, values)]
    return [_cell_xml(at, r, v, style) for r, v in zip(rows, values)]


def _cell_xml(at: str, row: int, value, style: str) -> str:
    """One cell as openpyxl's lxml writer gives it (write_cell): text inline and escaped;
    `at` is '<c r="' and the column's letter, `style` the s attribute or ''."""
    if value is None:
        return f'{at}{row}"{style} t="n"></c>' if style else ""
    if type(value) is str:
        if value == "":
            return f'{at}{row}"{style} t="inlineStr"></c>'
        text = (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\r", "&#13;"))
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'{at}{row}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
    number = "%.16g" % value if math.isfinite(value) else ""
    return f'{at}{row}"{style} t="n"><v>{number}</v></c>'
