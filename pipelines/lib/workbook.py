"""The gap report as an Excel workbook: what a working group receives.

Two parts. The first is a small writer over openpyxl's write-only mode (rows stream to
disk, memory stays flat): a sheet is described as blocks (`Facts`, `Table`) and
`write_sheet` lays it out the same way every time — the marking in row 1, a title and
a line saying what the sheet shows, frozen headers, an Excel table per block of rows
(its own autofilter), number formats per column, fitted widths, and landscape print
set-up with the marking and "page N of M" in header and footer. Every string goes
through `excel_safety`, so no input ever becomes a formula: the report writes none.

The second, `build_workbook`, lays out the CDP report from the warehouse's
`sql/report_*.sql` queries. It reads figures and arranges them; it computes none.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.lib.excel_safety import needs_quote_prefix, safe_text
from pipelines.lib.publish import RunInfo
from pipelines.lib.warehouse import query_df

# ---------------------------------------------------------------------------------------
# The report's look, shared with the charts: sober EU/EUMS blues, a stoplight for risk.

RISK_LEVELS = ("none", "low", "moderate", "significant", "high")
RISK_COLOURS = {
    "none": "#63BE7B",
    "low": "#C5E17A",
    "moderate": "#FFC000",
    "significant": "#ED7D31",
    "high": "#C00000",
}
RISK_TEXT_COLOURS = {level: "#FFFFFF" if level == "high" else "#1F1F1F" for level in RISK_LEVELS}
RISK_MEANINGS = {
    "none": "no shortfall",
    "low": "an important line covered 75 % or more, or a desirable line 50 % or more",
    "moderate": "an essential line covered 75 % or more, an important line 50 % or more, "
                "or a desirable line less than 50 %",
    "significant": "an essential line covered 50 % or more, or an important line less than 50 %",
    "high": "an essential line covered less than 50 %",
}
NAVY = "#1F3864"
EU_BLUE = "#003399"
MARKING_BAND = "#FFF2CC"
MARKING_TEXT = "#3A3A3A"
GREY_TEXT = "#595959"
LINK_BLUE = "#0563C1"

# What a reader needs to know to use the figures; the Method sheet and index.html show it.
METHOD = [
    ("What a figure means",
     "Required = quantity × rotation: the force pool that keeps the quantity deployed for "
     "the whole scenario. Allocated = what the inventory provides to the line under the rules "
     "below. Shortfall = required − allocated. Coverage = allocated ÷ required. Quantities are "
     "counted in each capability's own unit (team, company, aircraft, vessel …) and shown to "
     "one decimal; the warehouse holds them exactly."),
    ("Which units count",
     "A unit counts for a scenario in a year when it is in service that year, is of the line's "
     "capability, and belongs to the invoking state or may deploy abroad. It counts with "
     "quantity × availability, less the share committed to NATO when NATO's Article 5 runs at "
     "the same time. It may serve a line only if its notice to move is within the line's "
     "maximum readiness."),
    ("Allocation within a scenario",
     "Lines take supply in order of criticality (essential, important, desirable), then the "
     "tightest readiness first. Each line draws the slowest acceptable units first, keeping "
     "fast units for the lines that need them; within one readiness it draws from every "
     "holder in proportion to what each still has free. The Contributions sheet lists every "
     "piece: a line's contributions add up to its allocated."),
    ("Risk",
     "From coverage and criticality, per line (table below); a capability in a scenario takes "
     "the highest risk of its lines. Risk values for scoring: none 0, low 1, moderate 2, "
     "significant 3, high 4."),
    ("Acquisition or management",
     "Held = every unit in service in the year, whatever its state, caveat, availability, "
     "commitment or readiness. The part of a shortfall beyond what the Union holds "
     "(required − held) closes only with new capability: acquisition. The rest could be "
     "closed by better management of existing forces (readiness, caveats, availability, NATO "
     "deconfliction), the split the Helsinki Headline Goal reviews used. The waterfall chart "
     "shows where held units drop out: not deployable, unavailable, NATO-committed, too slow."),
    ("Concurrency",
     "A concurrency case runs several scenarios at once against one inventory, solved as a "
     "linear program that first gives essential lines the most it can, then important, then "
     "desirable lines. 'Only at once' is the shortfall the single-scenario view hides."),
    ("Priorities",
     "For each capability in the base year: score = Σ over scenarios of likelihood × risk "
     "value; ranked by score, then total shortfall, then code. 'Closes in' is the first year "
     "from which no scenario is short of the capability up to the end of the horizon; blank "
     "when it is still open at the end."),
    ("Burden sharing",
     "For each state other than the invoking one: its share of what all of them contribute, "
     "against its share of their GDP. Fair-share index = contribution share ÷ GDP share; 1 means "
     "a state pulls its weight. The invoking state's own effort is shown, but it is not burden "
     "sharing."),
    ("Years",
     "Every sheet shows the base year, except Trajectory, which covers the whole horizon; the "
     "charts' year slider does too. The warehouse holds every year."),
    ("Changes",
     "The Summary compares the two latest refreshes recorded in gap_history: a risk level that "
     "moved, or a shortfall that changed beyond rounding noise."),
    ("Rounding",
     "Quantities split pro rata carry rounding noise: a shortfall below 1e-9 × required counts "
     "as zero, and a coverage within 1e-9 of a band's edge belongs to the higher band. Figures "
     "are kept exact and rounded only for display."),
    ("Following a figure",
     "A column of this workbook → its gap_* table in the warehouse → the sql/gap_*.sql that "
     "builds it → stg_inventory → the row of the national submission (source file and row "
     "number). The Data issues sheet lists every input row that is not used, and why."),
    ("Text from submissions",
     "Shown as written. Text that a spreadsheet would read as a formula is stored as text; "
     "characters a spreadsheet cannot hold are replaced by � with a comment on the cell; text "
     "longer than a cell can hold is cut with a visible note."),
]

# ---------------------------------------------------------------------------------------
# The writer.

MARKING_ROW, TITLE_ROW, SUBTITLE_ROW, BODY_ROW = 1, 2, 3, 4
# A sheet that opens with an untitled table has its header in BODY_ROW and data below it.
FIRST_DATA_ROW = BODY_ROW + 1

NUMBER_FORMATS = {
    "int": "#,##0", "rank": "0", "year": "0", "qty": "#,##0.0", "pct": "0.0%", "pct0": "0%",
    "index": "0.00", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
}
MAX_WIDTH = 70


@dataclass(frozen=True)
class Col:
    """One column of a table: a frame column shown under a header in a format.

    fmt: text, wrap (long text), yesno, risk (coloured by conditional formatting), or a
    key of NUMBER_FORMATS. link: a frame column holding an internal link ("'Sheet'!A5").
    fill_by: a frame column holding a risk level that colours the cell itself.
    """

    key: str
    header: str
    fmt: str = "text"
    width: float | None = None
    link: str | None = None
    fill_by: str | None = None


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


@dataclass
class ReportBook:
    """A write-only workbook with the report's styles; sheets are added in order."""

    marking: str
    book: Workbook = field(default_factory=lambda: Workbook(write_only=True))
    notes: list[str] = field(default_factory=list)  # text repairs made by excel_safety
    _styles: dict = field(default_factory=dict)

    def save(self, path: Path) -> None:
        self.book.save(path)

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
    blocks: list[Table | Facts],
    freeze_cols: int = 0,
) -> Sheet:
    """Lay out one sheet, block after block."""
    ws = report.book.create_sheet(name)
    widths = _widths(blocks)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ncols = len(widths)
    opens_with_table = isinstance(blocks[0], Table) and blocks[0].heading is None
    freeze_row = FIRST_DATA_ROW if opens_with_table else BODY_ROW
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
        if block.heading:
            ws.append([report.cell(ws, block.heading, role="heading")])
            row += 1
        if isinstance(block, Facts):
            row = _write_facts(report, ws, block, row)
        else:
            placed[block.name] = _write_table(report, ws, block, row, widths)
            row = placed[block.name].last_row + 1

    return Sheet(ws, placed)


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


def _write_table(report: ReportBook, ws, table: Table, header_row: int, widths) -> Placed:
    columns = table.columns
    # Row heights are given, not left to the client: LibreOffice does not grow a row to
    # fit wrapped text on opening a file, and a clipped row looks broken.
    header_lines = max(_lines(c.header, widths[i] * 0.85) for i, c in enumerate(columns))
    _height(ws, header_row, header_lines)
    ws.append([report.cell(ws, c.header, c.fmt, role="header") for c in columns])
    wrapped = [(i, widths[i] * 1.1) for i, c in enumerate(columns) if c.fmt == "wrap"]
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
        for values in frame.itertuples(index=False, name=None):
            if wrapped:
                _height(ws, row + 1, max(_lines(values[i], width) for i, width in wrapped))
            ws.append([
                report.cell(
                    ws, values[at[c.key]], c.fmt,
                    fill=values[at[c.fill_by]] if c.fill_by else None,
                    link=values[at[c.link]] if c.link else None,
                )
                for c in columns
            ])
            row += 1
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


def _shade_shortfalls(ws, cells: str) -> None:
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
                Alignment(wrap_text=True, vertical="center", horizontal=_align(fmt)),
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
    align = Alignment(vertical="top", wrap_text=fmt == "wrap",
                      horizontal="center" if fill else _align(fmt))
    return font, _fill(RISK_COLOURS[fill]) if fill else PatternFill(), align, Border(bottom=thin)


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
    if fmt != "yesno" and (kind is str or kind is int or kind is float):
        return None if value != value else value  # NaN
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, bool) or fmt == "yesno":
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if fmt == "date" and isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
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


def _widths(blocks: list[Table | Facts], sample: int = 2000) -> list[float]:
    """Column widths that fit header and values (from the first rows), capped."""
    widths: dict[int, float] = {}

    def fit(index: int, length: float) -> None:
        widths[index] = max(widths.get(index, 8), min(length + 2, MAX_WIDTH))

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


# ---------------------------------------------------------------------------------------
# The CDP report.

TRAJECTORY_CHART_SERIES = 8

SHEETS = {
    "Cover": "this page: the run, the data it read and where each sheet's figures come from",
    "Summary": "the headline, per scenario and role, and what changed since the previous run",
    "Scorecard": "risk per capability and scenario, coloured as a stoplight; each cell links "
                 "to the rows behind it",
    "Shortfalls": "the base year's capability shortfalls: how much, how bad, acquisition or "
                  "management, when the gap closes",
    "Trajectory": "shortfall per scenario and capability in every year of the horizon, "
                  "with a chart of the largest",
    "Concurrency": "scenarios that must be met at once, against the single-scenario view",
    "Priorities": "the CDP-style ranked list of capabilities",
    "Burden sharing": "who contributes what, against each state's share of GDP",
    "Contributions": "who fills which requirement line, state by state",
    "Offers": "after an invocation: needs against offers, whom to thank, whom to ask, "
              "offers left unused",
    "Data issues": "every rejected or superseded input row, with the reason",
    "Method": "the parameters of this run and how every figure is made",
}


def report_frames(con, params: dict) -> dict[str, pd.DataFrame]:
    """Every figure the workbook and the charts show, read from the warehouse."""
    names = [
        "facts", "scenarios", "sources", "roles", "history_runs", "changes",
        "capability_years", "shortfalls", "line_shortfalls", "concurrency", "priorities",
        "burden_sharing", "contributions", "data_issues",
        "offer_lines", "offer_accepted", "offer_whom_to_ask", "offer_surplus",
        "offer_coordination",
    ]
    frames = {name: query_df(con, f"report_{name}", params) for name in names}
    frames["headline"] = query_df(con, "select_headline", params).merge(
        frames["scenarios"], on="scenario_id", how="left"
    )
    return frames


def build_workbook(frames: dict[str, pd.DataFrame], run: RunInfo) -> ReportBook:
    """The whole report, sheet by sheet, from `report_frames`."""
    report = ReportBook(run.marking)
    years = frames["capability_years"]
    base = years[years.year == run.base_year]
    shortfalls = frames["shortfalls"].reset_index(drop=True)
    contributions = frames["contributions"].reset_index(drop=True)

    # Links are row positions, known before the target sheets are written.
    contribution_rows = {
        key: row_link("Contributions", index)
        for index, key in reversed(list(enumerate(
            zip(contributions.scenario_id, contributions.capability_code))))
    }
    shortfall_rows = {
        (s, c): row_link("Shortfalls", index)
        for index, (s, c) in enumerate(zip(shortfalls.scenario_id, shortfalls.capability_code))
    }

    _cover(report, frames, run)
    _summary(report, frames, run)
    _scorecard(report, base, frames["scenarios"], shortfall_rows, contribution_rows, run)
    _shortfalls(report, shortfalls, contribution_rows, run)
    _trajectory(report, frames["capability_years"], run)
    _concurrency(report, frames["concurrency"], run)
    _priorities(report, frames["priorities"], run)
    _burden_sharing(report, frames["burden_sharing"], run)
    _contributions(report, contributions, run)
    _offers(report, frames, run)
    _data_issues(report, frames["data_issues"])
    _method(report, frames["facts"].iloc[0], run)
    return report


def _cover(report: ReportBook, frames, run: RunInfo) -> None:
    facts = frames["facts"].iloc[0]
    contents = pd.DataFrame({
        "sheet": list(SHEETS), "shows": list(SHEETS.values()),
        "link": [f"'{name}'!A1" for name in SHEETS],
    })
    write_sheet(
        report, "Cover",
        "EU Capability Development Plan — gap analysis of Art. 42.7 mutual-assistance scenarios",
        "What the Union's declared forces can and cannot cover if a member state invokes "
        "TEU Art. 42.7; every figure is read from the CDP gap warehouse.",
        [
            Facts([
                ("Planning cycle", run.planning_cycle, "text"),
                ("Base year", run.base_year, "year"),
                ("Data as of (latest submission)", facts.data_as_of, "date"),
                ("Scenarios", facts.scenarios, "int"),
                ("Member states with a submission", facts.submitting_states, "int"),
                ("Run id", run.run_id, "text"),
                ("Run time (UTC)", run.run_at, "datetime"),
                ("Handling marking", run.marking, "text"),
            ]),
            Table("Contents", contents, [
                Col("sheet", "Sheet", "link", link="link"),
                Col("shows", "What it shows", "wrap", width=66),
            ], heading="Contents"),
            Table("Sources", frames["sources"], [
                Col("source_file", "Source file", "wrap", width=45),
                Col("sha256", "SHA-256", width=66),
                Col("kind", "Kind"),
                Col("as_of", "As of", "date"),
                Col("rows_read", "Rows read", "int"),
                Col("rows_accepted", "Accepted", "int"),
                Col("rows_rejected", "Rejected", "int"),
                Col("rows_superseded", "Superseded", "int"),
                Col("file_rejected", "File rejected", "yesno"),
            ], heading="Source files read by this run", empty="No source files were read."),
        ],
    )


def _summary(report: ReportBook, frames, run: RunInfo) -> None:
    facts = frames["facts"].iloc[0]
    runs = frames["history_runs"]
    current = f"{runs.run_id[0]} at {runs.run_at[0]:%Y-%m-%d %H:%M} UTC" if len(runs) else "—"
    previous = (f"{runs.run_id[1]} at {runs.run_at[1]:%Y-%m-%d %H:%M} UTC" if len(runs) > 1
                else "none: the first refresh on record")
    write_sheet(
        report, "Summary",
        f"Summary — base year {run.base_year}",
        "Requirement lines are the lines of the scenarios; a capability shortfall is one "
        "scenario short of one capability. Quantities are force pools (quantity × rotation).",
        [
            Facts([
                ("requirement lines in all scenarios", facts.lines, "int"),
                ("met in full", facts.lines_met, "int"),
                ("with a shortfall", facts.lines_short, "int"),
                ("of them at high risk", facts.high_risk_lines, "int"),
                ("of them at significant risk", facts.significant_risk_lines, "int"),
                ("capability shortfalls", facts.capability_shortfalls, "int"),
                ("closable by better management of existing forces",
                 facts.closable_by_management, "int"),
                ("needing new capability (acquisition)", facts.needing_acquisition, "int"),
            ], heading="Headline", value_first=True),
            Table("Headline", frames["headline"], [
                Col("scenario_id", "Scenario"),
                Col("name", "Name", "wrap", width=40),
                Col("invoking_state", "Invoking state"),
                Col("nato_article5_concurrent", "NATO Art. 5 at once", "yesno"),
                Col("likelihood", "Likelihood", "int"),
                Col("lines", "Lines", "int"),
                Col("lines_met", "Met", "int"),
                Col("high_risk_lines", "High risk", "int"),
                Col("significant_risk_lines", "Significant risk", "int"),
                Col("capability_shortfalls", "Capability shortfalls", "int"),
                Col("closable_by_management", "Closable by management", "int"),
                Col("needing_acquisition", "Need new capability", "int"),
            ], heading="Per scenario"),
            Table("ScenarioRoles", frames["roles"], [
                Col("scenario_id", "Scenario"),
                Col("role", "Role"),
                Col("lines", "Lines", "int"),
                Col("lines_met", "Met", "int"),
                Col("required", "Required", "qty"),
                Col("allocated", "Allocated", "qty"),
                Col("shortfall", "Shortfall", "qty"),
                Col("coverage", "Coverage", "pct"),
                Col("high_risk_lines", "High risk", "int"),
                Col("significant_risk_lines", "Significant risk", "int"),
            ], heading="Per scenario and role"),
            Facts([
                ("These figures: refresh", current, "text"),
                ("Compared with: refresh", previous, "text"),
            ], heading="What changed since the previous refresh"),
            Table("Changes", frames["changes"], [
                Col("year", "Year", "year"),
                Col("scenario_id", "Scenario"),
                Col("capability_code", "Capability"),
                Col("change", "Change"),
                Col("risk_before", "Risk before", "risk"),
                Col("risk_now", "Risk now", "risk"),
                Col("shortfall_before", "Shortfall before", "qty"),
                Col("shortfall_now", "Shortfall now", "qty"),
                Col("shortfall_change", "Change in shortfall", "qty"),
            ], empty="No risk level or shortfall changed." if len(runs) > 1
                else "Nothing to compare yet."),
        ],
    )


def _scorecard(report, base, scenarios, shortfall_rows, contribution_rows, run) -> None:
    ids = list(scenarios.scenario_id)
    matrix = (
        base[["capability_code", "capability_name", "priority_rank"]]
        .drop_duplicates("capability_code")
        .sort_values(["priority_rank", "capability_code"], na_position="last")
        .reset_index(drop=True)
    )
    columns = [
        Col("priority_rank", "Priority", "rank"),
        Col("capability_code", "Capability"),
        Col("capability_name", "Name", "wrap", width=38),
    ]
    for number, sid in enumerate(ids):
        cells = base[base.scenario_id == sid].set_index("capability_code")
        codes = matrix.capability_code
        matrix[f"c{number}"] = codes.map(cells.coverage)
        matrix[f"r{number}"] = codes.map(cells.risk_level)
        matrix[f"l{number}"] = [
            shortfall_rows.get((sid, code)) or contribution_rows.get((sid, code))
            if code in cells.index else None
            for code in codes
        ]
        columns.append(Col(f"c{number}", sid, "pct0", width=11, link=f"l{number}",
                           fill_by=f"r{number}"))
    write_sheet(
        report, "Scorecard",
        f"Scorecard — risk per capability and scenario, base year {run.base_year}",
        "Colour: the risk (worst line, methodology §5); figure: coverage. Blank: the scenario "
        "does not need the capability. Click a cell for the rows behind it.",
        [
            Table("Scorecard", matrix, columns),
            Facts([(meaning, level, "risk") for level, meaning in RISK_MEANINGS.items()],
                  heading="Legend", value_first=True),
        ],
        freeze_cols=3,
    )


def _shortfalls(report, shortfalls, contribution_rows, run) -> None:
    pairs = zip(shortfalls.scenario_id, shortfalls.capability_code)
    frame = shortfalls.assign(link=[contribution_rows.get(pair) for pair in pairs])
    write_sheet(
        report, "Shortfalls",
        f"Shortfalls — base year {run.base_year}",
        "Acquisition: only new capability closes it. Management: better readiness, caveats, "
        f"availability or NATO deconfliction could. Closes in: blank = still open in "
        f"{run.last_year}. Click a capability for who contributes.",
        [Table("Shortfalls", frame, [
            Col("scenario_id", "Scenario"),
            Col("roles", "Role"),
            Col("capability_code", "Capability", "link", link="link"),
            Col("capability_name", "Name", "wrap", width=38),
            Col("required", "Required", "qty"),
            Col("allocated", "Allocated", "qty"),
            Col("shortfall", "Shortfall", "qty"),
            Col("coverage", "Coverage", "pct"),
            Col("risk_level", "Risk", "risk"),
            Col("shortfall_acquisition", "Acquisition", "qty"),
            Col("shortfall_management", "Management", "qty"),
            Col("closes_in_year", "Closes in", "year"),
        ], empty="No shortfall in the base year.")],
        freeze_cols=3,
    )


def _trajectory(report, capability_years, run) -> None:
    open_pairs = capability_years[capability_years.peak_shortfall > 0]
    wide = (
        open_pairs.pivot_table(index=["scenario_id", "capability_code", "peak_shortfall"],
                               columns="year", values="shortfall", aggfunc="first")
        .reset_index()
        .sort_values(["peak_shortfall", "scenario_id", "capability_code"],
                     ascending=[False, True, True])
        .reset_index(drop=True)
    )
    years = list(run_years(run))
    for year in years:
        if year not in wide:
            wide[year] = None
    wide.columns = [str(c) for c in wide.columns]
    columns = [Col("scenario_id", "Scenario"), Col("capability_code", "Capability")]
    columns += [Col(str(year), str(year), "qty", width=8) for year in years]
    sheet = write_sheet(
        report, "Trajectory",
        f"Trajectory — shortfall per scenario and capability, {run.base_year}–{run.last_year}",
        "Pairs short in at least one year, largest peak first; a gap opens or closes as "
        f"units enter or leave service. The chart shows the {TRAJECTORY_CHART_SERIES} largest.",
        [Table("Trajectory", wide, columns, empty="No shortfall in any year of the horizon.")],
        freeze_cols=2,
    )
    if wide.empty:
        return
    ws, placed = sheet.ws, sheet.tables["Trajectory"]
    first, last = 3, 2 + len(years)
    _shade_shortfalls(ws, f"{get_column_letter(first)}{placed.first_row}:"
                         f"{get_column_letter(last)}{placed.last_row}")
    chart = LineChart()
    chart.title = "Largest shortfalls over the horizon"
    chart.y_axis.title = "shortfall (force pool units)"
    chart.x_axis.title = "year"
    chart.height, chart.width = 9, 20
    # Without these, some Excel versions hide the axes of a line chart.
    chart.x_axis.delete = chart.y_axis.delete = False
    for offset in range(min(TRAJECTORY_CHART_SERIES, len(wide))):
        row = placed.first_row + offset
        values = Reference(ws, min_col=first, max_col=last, min_row=row, max_row=row)
        label, _ = safe_text(f"{wide.scenario_id[offset]} · {wide.capability_code[offset]}")
        chart.series.append(Series(values, title=label))
    chart.set_categories(Reference(ws, min_col=first, max_col=last,
                                   min_row=placed.header_row, max_row=placed.header_row))
    ws.add_chart(chart, f"{get_column_letter(last + 2)}{placed.header_row}")


def run_years(run: RunInfo) -> range:
    return range(run.base_year, run.last_year + 1)


def _concurrency(report, concurrency, run) -> None:
    write_sheet(
        report, "Concurrency",
        f"Concurrency — scenarios at once, base year {run.base_year}",
        "Covered: what one inventory gives all the case's scenarios together (essential lines "
        "first). Only at once: the shortfall the single-scenario view hides.",
        [Table("Concurrency", concurrency, [
            Col("case_id", "Case"),
            Col("scenarios", "Scenarios at once", "wrap", width=30),
            Col("capability_code", "Capability"),
            Col("criticality", "Criticality"),
            Col("required", "Required", "qty"),
            Col("covered", "Covered", "qty"),
            Col("shortfall", "Shortfall", "qty"),
            Col("coverage", "Coverage", "pct"),
            Col("shortfall_single_scenarios", "Shortfall, scenarios alone", "qty"),
            Col("concurrency_shortfall", "Only at once", "qty"),
        ], empty="No concurrency case is defined.")],
        freeze_cols=1,
    )


def _priorities(report, priorities, run) -> None:
    write_sheet(
        report, "Priorities",
        f"Priorities — capabilities ranked, base year {run.base_year}",
        "Score = Σ over scenarios of likelihood × risk value (none 0 … high 4); ties by total "
        f"shortfall. Closes in: blank = still open in {run.last_year}.",
        [Table("Priorities", priorities, [
            Col("rank", "Rank", "rank"),
            Col("capability_code", "Capability"),
            Col("name", "Name", "wrap", width=40),
            Col("domain", "Domain"),
            Col("roles", "Role"),
            Col("score", "Score", "int"),
            Col("worst_risk", "Worst risk", "risk"),
            Col("scenarios_at_risk", "Scenarios at moderate risk or worse", "int", width=14),
            Col("scenarios_requiring", "Scenarios requiring", "int"),
            Col("total_shortfall", "Total shortfall", "qty"),
            Col("closes_in_year", "Closes in", "year"),
        ], empty="No scenario requires any capability.")],
        freeze_cols=2,
    )


def _burden_sharing(report, burden, run) -> None:
    write_sheet(
        report, "Burden sharing",
        f"Burden sharing — base year {run.base_year}",
        "Contribution share against GDP share among the states other than the invoking one; "
        "fair-share index 1 = pulls its weight. The invoking state's own effort comes first.",
        [Table("BurdenSharing", burden, [
            Col("scenario_id", "Scenario"),
            Col("member_state", "State"),
            Col("member_state_name", "Name"),
            Col("is_invoking_state", "Invoking state", "yesno"),
            Col("allocated", "Allocated", "qty"),
            Col("contribution_share", "Contribution share", "pct"),
            Col("gdp_share", "GDP share", "pct"),
            Col("fair_share_index", "Fair-share index", "index"),
        ])],
        freeze_cols=2,
    )


def _contributions(report, contributions, run) -> None:
    write_sheet(
        report, "Contributions",
        f"Contributions — who fills what, base year {run.base_year}",
        "One row per line and member state; a line's rows add up to its allocated. "
        "Readiness: the notice to move of the units drawn, fastest to slowest.",
        [Table("Contributions", contributions, [
            Col("scenario_id", "Scenario"),
            Col("capability_code", "Capability"),
            Col("line_id", "Line"),
            Col("role", "Role"),
            Col("criticality", "Criticality"),
            Col("member_state", "State"),
            Col("is_invoking_state", "Invoking state", "yesno"),
            Col("allocated", "Allocated", "qty"),
            Col("fastest_readiness_days", "Readiness from (days)", "int"),
            Col("slowest_readiness_days", "Readiness to (days)", "int"),
            Col("line_required", "Line required", "qty"),
            Col("line_allocated", "Line allocated", "qty"),
        ], empty="No unit contributes to any line.")],
        freeze_cols=3,
    )


def _offers(report, frames, run) -> None:
    write_sheet(
        report, "Offers",
        "Offers — matching what member states offer to what the invoking state needs",
        f"Offers are allocated to the requirement lines by the same rule as the inventory, once, "
        f"against {run.base_year}. Unmet needs list whom to ask: states holding eligible units "
        "quick enough, fastest first. NATO double-hatting: the offering state declares part of "
        "that capability committed to NATO while Art. 5 runs at the same time.",
        [
            Table("OfferNeeds", frames["offer_lines"], [
                Col("scenario_id", "Scenario"),
                Col("line_id", "Line"),
                Col("role", "Role"),
                Col("capability_code", "Capability"),
                Col("capability_name", "Name", "wrap", width=30),
                Col("criticality", "Criticality"),
                Col("max_readiness_days", "Needed within (days)", "int"),
                Col("required", "Required", "qty"),
                Col("offered", "Offered in time", "qty"),
                Col("allocated", "Accepted", "qty"),
                Col("unmet", "Unmet", "qty"),
                Col("coverage", "Coverage", "pct"),
            ], heading="Needs against offers", empty="No offers have been received."),
            Table("OffersAccepted", frames["offer_accepted"], [
                Col("scenario_id", "Scenario"),
                Col("member_state", "State"),
                Col("member_state_name", "Name"),
                Col("line_id", "Line"),
                Col("capability_code", "Capability"),
                Col("criticality", "Criticality"),
                Col("allocated", "Accepted", "qty"),
                Col("fastest_available_in_days", "Available in (days)", "int"),
                Col("caveats", "Caveats", "wrap", width=40),
                Col("nato_double_hatting", "NATO double-hatting", "yesno"),
                Col("nato_committed_held", "Declared NATO-committed", "qty"),
            ], heading="Accepted offers: whom to thank", empty="No offer was accepted."),
            Table("WhomToAsk", frames["offer_whom_to_ask"], [
                Col("scenario_id", "Scenario"),
                Col("line_id", "Line"),
                Col("capability_code", "Capability"),
                Col("unmet", "Unmet", "qty"),
                Col("ask_rank", "Ask", "rank"),
                Col("member_state", "State"),
                Col("member_state_name", "Name"),
                Col("fastest_readiness_days", "Fastest readiness (days)", "int"),
                Col("eligible_quantity", "Eligible quantity", "qty"),
                Col("has_offered", "Has offered", "yesno"),
            ], heading="Unmet needs: whom to ask (first five)", empty="Every need is met."),
            Table("OfferSurplus", frames["offer_surplus"], [
                Col("scenario_id", "Scenario"),
                Col("member_state", "State"),
                Col("capability_code", "Capability"),
                Col("offered", "Offered", "qty"),
                Col("used", "Used", "qty"),
                Col("unused", "Left unused", "qty"),
                Col("available_in_days", "Available in (days)", "int"),
                Col("status", "Status", "wrap", width=30),
                Col("caveats", "Caveats", "wrap", width=30),
                Col("source_file", "Source file"),
                Col("row_number", "Row", "int"),
            ], heading="Every offer: used and left unused", empty="No offers have been received."),
        ],
    )


def _data_issues(report, issues) -> None:
    write_sheet(
        report, "Data issues",
        "Data issues — input rows the figures do not use",
        "Rejected values and files, with the reason; rows of an older submission superseded "
        "by a newer one. Row numbers count as a person does: the header is row 1.",
        [Table("DataIssues", issues, [
            Col("issue", "Issue"),
            Col("source_file", "Source file"),
            Col("sheet", "Sheet"),
            Col("row_number", "Row", "int"),
            Col("column", "Column"),
            Col("value", "Value", "wrap", width=24),
            Col("reason", "Reason", "wrap", width=60),
        ], empty="No input row was rejected or superseded.")],
        freeze_cols=1,
    )


def _method(report, facts, run: RunInfo) -> None:
    method = pd.DataFrame(METHOD, columns=["topic", "text"])
    bands = pd.DataFrame({
        "coverage": ["100 % (no shortfall)", "75 % or more", "50 % or more", "less than 50 %"],
        "essential": ["none", "moderate", "significant", "high"],
        "important": ["none", "low", "moderate", "significant"],
        "desirable": ["none", "low", "low", "moderate"],
    })
    write_sheet(
        report, "Method",
        "Method — the parameters of this run and how each figure is made",
        "In plain words; the full rules are in the project's methodology.md.",
        [
            Facts([
                ("Base year", run.base_year, "year"),
                ("Horizon", f"{run.base_year}–{run.last_year} ({run.horizon_years} years "
                            "after the base year)", "text"),
                ("Scenarios assessed", facts.scenarios, "int"),
                ("Source files read", facts.source_files, "int"),
                ("Rejected values or files", facts.rejected_values, "int"),
                ("Superseded inventory rows", facts.superseded_rows, "int"),
                ("Handling marking", run.marking, "text"),
                ("Run id", run.run_id, "text"),
            ], heading="Parameters"),
            Table("Methodology", method, [
                Col("topic", "Topic", width=28),
                Col("text", "How it is done", "wrap", width=110),
            ], heading="How the figures are made"),
            Table("RiskMatrix", bands, [
                Col("coverage", "Coverage of a line", width=28),
                Col("essential", "Essential", "risk", width=14),
                Col("important", "Important", "risk", width=14),
                Col("desirable", "Desirable", "risk", width=14),
            ], heading="Risk of a line"),
        ],
    )
