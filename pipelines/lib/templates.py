"""Excel templates for national submissions, so a submission is right the first time.

A template has an `instructions` sheet, a data sheet named as the pipeline looks for it
(`inventory` or `offers`) with the contract's columns, and Excel data validation on
every column: drop-down lists of member states, capability codes and scenario ids, and
whole-number, range and date rules taken from `validation`. The lists live on a hidden
sheet `lists` and are referenced by name, because a list written into the rule itself
is limited to 255 characters, far fewer than the capability taxonomy needs.

A cell holds the code, since the pipeline reads the code; a drop-down can show only
the one column it validates against. So a planner finds each code's name on the visible
sheet `capabilities` (code beside name, filterable), and the capability_code column's
input message, error box and instructions point there.

Excel cannot enforce everything (a required cell may still be left empty, a code may be
pasted over a drop-down): `cdp-gap validate` applies the full rules before sending.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from pipelines.lib import validation

KINDS = ("inventory", "offers")
OPTIONS = "options"  # not a workbook: a commented YAML file (write_options_template)
LEVERS = "levers"  # not a workbook: a commented YAML file (write_levers_template)
LISTS_SHEET = "lists"
CAPABILITIES_SHEET = "capabilities"
LAST_ROW = 1_048_576  # the whole column below the header, as far as Excel goes
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")


@dataclass(frozen=True)
class Rule:
    """An Excel validation rule: `kind` is Excel's (list, whole, decimal, date)."""

    kind: str
    operator: str | None = None
    formula1: str | None = None
    formula2: str | None = None


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str  # one sentence for the instructions and Excel's error box (<= 255 chars)
    example: str
    rule: Rule | None = None
    number_format: str | None = None


def _between(kind: str, low, high) -> Rule:
    return Rule(kind, "between", str(low), str(high))


DAYS = _between("whole", 0, validation.MAX_DAYS)
YEAR = _between("whole", validation.MIN_YEAR, validation.MAX_YEAR)
SHARE = _between("decimal", 0, 1)
MEMBER_STATE = Rule("list", formula1="member_states")
CAPABILITY = Rule("list", formula1="capability_codes")
CAPABILITY_MEANING = (
    f"A capability code of the taxonomy, from the list; the sheet '{CAPABILITIES_SHEET}' "
    "gives the name of each code."
)

COLUMNS = {
    "inventory": (
        Column(
            "member_state",
            True,
            "Your member state: its two-letter code from the list.",
            "FI",
            MEMBER_STATE,
        ),
        Column(
            "capability_code",
            True,
            CAPABILITY_MEANING,
            "BS.SURV.UAS",
            CAPABILITY,
        ),
        Column(
            "quantity",
            True,
            "How many units you hold: a number of 0 or more.",
            "6",
            Rule("decimal", "greaterThanOrEqual", "0"),
        ),
        Column(
            "readiness_days",
            True,
            f"Notice to move: a whole number of days from 0 to {validation.MAX_DAYS}.",
            "10",
            DAYS,
        ),
        Column(
            "availability",
            False,
            "Share of the quantity actually available, from 0 to 1 (blank = 1).",
            "0.8",
            SHARE,
        ),
        Column(
            "deployable_abroad",
            False,
            "true, or false if the units may act only on your own territory (blank = true).",
            "true",
            Rule("list", formula1='"true,false"'),
        ),
        Column(
            "nato_committed",
            False,
            "Share also committed to NATO, from 0 to 1 (blank = 0).",
            "0.5",
            SHARE,
        ),
        Column(
            "available_from",
            False,
            "First year in service (blank = already in service).",
            "2027",
            YEAR,
        ),
        Column(
            "available_until",
            False,
            "Last year in service, not before available_from (blank = no end).",
            "2035",
            YEAR,
        ),
        Column(
            "as_of",
            False,
            "Date of this submission, YYYY-MM-DD (blank = the file's date). Your latest "
            "as_of replaces your earlier submissions.",
            "2026-03-31",
            Rule("date", "greaterThanOrEqual", "DATE(1900,1,1)"),
            "yyyy-mm-dd",
        ),
        Column(
            "notes",
            False,
            "Free text, never interpreted.",
            "two systems in depot",
            number_format="@",
        ),
    ),
    "offers": (
        Column(
            "scenario_id",
            True,
            "The invoked scenario you offer to, from the list.",
            "FI-HYBRID-2026",
            Rule("list", formula1="scenario_ids"),
        ),
        Column(
            "member_state",
            True,
            "The offering member state, from the list; not the invoking state.",
            "SE",
            MEMBER_STATE,
        ),
        Column(
            "capability_code",
            True,
            CAPABILITY_MEANING,
            "BS.HELO.UTIL",
            CAPABILITY,
        ),
        Column(
            "quantity",
            True,
            "How many units you offer: a number greater than 0.",
            "6",
            Rule("decimal", "greaterThan", "0"),
        ),
        Column(
            "available_in_days",
            True,
            f"Days until the units are available: a whole number from 0 to {validation.MAX_DAYS}.",
            "15",
            DAYS,
        ),
        Column(
            "caveats",
            False,
            "Free text shown in the reports (conditions of the offer).",
            "returns home if national territory is threatened",
            number_format="@",
        ),
    ),
}

INTRODUCTION = {
    "inventory": "National capability inventory: what your member state holds, at what "
    "notice, and from when to when. One row per capability holding.",
    "offers": "Offers after an invocation of Art. 42.7: what your member state offers to "
    "the invoking state. One row per offer.",
}


@dataclass(frozen=True)
class Lists:
    """The reference lists behind the drop-downs: (code, name) pairs."""

    member_states: Sequence[tuple[str, str]]
    capabilities: Sequence[tuple[str, str]]
    scenarios: Sequence[tuple[str, str]] = ()


def write_template(path: Path, kind: str, lists: Lists) -> None:
    """Write the template for `kind` to `path` (replaced in one step, never half-written)."""
    if kind not in KINDS:
        raise ValueError(f"no template for {kind!r}; one of {', '.join(KINDS)}")
    workbook = build_template(kind, lists)
    partial = path.with_name(f".{path.name}.partial")
    workbook.save(partial)
    os.replace(partial, path)


def build_template(kind: str, lists: Lists) -> Workbook:
    workbook = Workbook()
    _instructions(workbook.active, kind)
    _data_sheet(workbook.create_sheet(kind), COLUMNS[kind])
    _capabilities_sheet(workbook.create_sheet(CAPABILITIES_SHEET), lists.capabilities)
    _list_sheet(workbook, lists)
    return workbook


def _instructions(sheet, kind: str) -> None:
    sheet.title = "instructions"
    lines = [
        (f"CDP {kind} submission template", Font(bold=True, size=14)),
        (INTRODUCTION[kind], None),
        ("", None),
        (
            f"1. Fill in the sheet '{kind}', one row per line, starting in row 2. Do not rename "
            "the sheet or change the header row: the pipeline finds the table by these names.",
            None,
        ),
        (
            "2. Pick codes from the drop-down lists; Excel refuses values outside the rules "
            "below. Leave optional cells blank to use their default.",
            None,
        ),
        (
            f"   The sheet '{CAPABILITIES_SHEET}' lists every capability code with its name: "
            "find the capability there, then pick its code in the capability_code column.",
            None,
        ),
        (
            "3. Before sending, check the file with:  cdp-gap validate <this file>  - it applies "
            "exactly the rules the pipeline applies and lists every problem by row and column.",
            None,
        ),
        ("", None),
    ]
    for text, font in lines:
        sheet.append([text])
        if font:
            sheet.cell(sheet.max_row, 1).font = font
    sheet.append(["column", "required", "what to write", "example"])
    for cell in sheet[sheet.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for column in COLUMNS[kind]:
        sheet.append(
            [column.name, "yes" if column.required else "no", column.meaning, column.example]
        )
        sheet.cell(sheet.max_row, 3).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (20, 10, 70, 28), strict=True):
        sheet.column_dimensions[letter].width = width


def _capabilities_sheet(sheet, capabilities: Sequence[tuple[str, str]]) -> None:
    """The taxonomy as a planner reads it: each code beside its name, to look up and
    filter, protected (without a password) so that a stray keystroke cannot change it."""
    sheet.append(["capability_code", "name"])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row, (code, name) in enumerate(capabilities, start=2):
        _text(sheet.cell(row, 1), code)
        _text(sheet.cell(row, 2), name)
    widest = max((len(code) for code, _ in capabilities), default=0)
    sheet.column_dimensions["A"].width = max(18, widest + 4)
    sheet.column_dimensions["B"].width = 60
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:B{len(capabilities) + 1}"
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False  # protected, yet the filter still works
    sheet.protection.sort = False


def _list_sheet(workbook: Workbook, lists: Lists) -> None:
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    columns = (
        ("member_states", "member_state", lists.member_states),
        ("capability_codes", "capability_code", lists.capabilities),
        ("scenario_ids", "scenario_id", lists.scenarios),
    )
    for index, (name, header, pairs) in enumerate(columns):
        code_column = 2 * index + 1
        sheet.cell(1, code_column, header)
        sheet.cell(1, code_column + 1, "name")
        for row, (code, label) in enumerate(pairs, start=2):
            _text(sheet.cell(row, code_column), code)
            _text(sheet.cell(row, code_column + 1), label)
        letter = get_column_letter(code_column)
        last = max(len(pairs) + 1, 2)  # an empty list still names one (empty) cell
        reference = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
        workbook.defined_names[name] = DefinedName(name, attr_text=reference)


def _text(cell, value: str) -> None:
    # Reference names come from files: a name starting with '=' must stay text, not
    # become a formula.
    cell.value = value
    cell.data_type = "s"


def _data_sheet(sheet, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(1, index, column.name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        cells = f"{letter}2:{letter}{LAST_ROW}"
        if column.number_format:
            sheet.column_dimensions[letter].number_format = column.number_format
        if column.rule:
            sheet.add_data_validation(_validation(column, cells))
    sheet.freeze_panes = "A2"


def _validation(column: Column, cells: str) -> DataValidation:
    rule = column.rule
    formula1 = rule.formula1
    if rule.kind == "list" and not formula1.startswith('"'):
        formula1 = f"={formula1}"  # a named range of the lists sheet
    check = DataValidation(
        type=rule.kind,
        operator=rule.operator,
        formula1=formula1,
        formula2=rule.formula2,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"{column.name}"[:32],
        error=column.meaning[:255],
        showInputMessage=True,
        promptTitle=f"{column.name}{'' if column.required else ' (optional)'}"[:32],
        prompt=column.meaning[:255],
    )
    check.add(cells)
    return check


OPTIONS_TEMPLATE = """\
# Options: candidate ways to close capability gaps (methodology §11; the data contract,
# section "Options"). Edit, check with `cdp-gap validate FILE`, then copy into the
# data folder's options/ (one or more files; option ids are unique across them).
# This example validates as it is; every value in it is an invented placeholder.
id: MY-OPTIONS-CATALOGUE         # optional: a name for this catalogue (capitals, digits, -)
budget_meur: 300                 # required, > 0: the budget in million euro the choice is made for
budgets_meur: [0, 100, 200, 300, 500]   # optional: budgets of the cost/shortfall frontier, each >= 0
options:                         # at least one
  - id: NEW-{cap_id}-{state}         # 3-48 capitals, digits, hyphens; unique across all files
    title: Four more units of {cap_name} for {state_name}
    capability: {cap}            # a code of reference/capabilities.csv
    member_state: {state}                 # the member state that would hold it
    quantity: 4                      # > 0: units added to the inventory if chosen
    readiness_days: 10               # whole number of days, 0..365: notice to move
    availability: 0.9                # optional, 0..1 (default 1): share actually available
    deployable_abroad: true          # optional (default true); false = national caveat
    nato_committed: 0                # optional, 0..1 (default 0): share also committed to NATO
    available_from: {first}               # optional: first year in service
    available_until: {last}              # optional: last year in service, >= available_from
    cost_meur: 120                   # >= 0: cost in million euro
    excludes: [NEW-{cap_id}-{state}-LEASE]   # optional: options that cannot be chosen with it
    requires: []                     # optional: options that must be chosen with it
  - id: NEW-{cap_id}-{state}-LEASE
    title: Lease two units of {cap_name} for {state_name} instead
    capability: {cap}
    member_state: {state}
    quantity: 2
    readiness_days: 30
    cost_meur: 45
"""


def write_options_template(
    path: Path, member_states: dict[str, str], capabilities: dict[str, str]
) -> None:
    """A commented example options file, using codes of the given reference data so that
    it validates against it (a planner replaces the placeholders)."""
    state = "PL" if "PL" in member_states else sorted(member_states)[0]
    cap = "BS.SURV.UAS" if "BS.SURV.UAS" in capabilities else sorted(capabilities)[0]
    cap_id = cap.split(".")[-1][:20]
    text = OPTIONS_TEMPLATE.format(
        cap=cap, cap_id=cap_id, cap_name=_plain(capabilities[cap]), state=state,
        state_name=_plain(member_states[state]), first=2028, last=2045,
    )
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _plain(name: str) -> str:
    """A reference name safe as plain YAML text after 'title: ... of'."""
    return " ".join(str(name).replace(":", " -").replace("#", "").split())


LEVERS_TEMPLATE = """\
# A lever file: one what-if variant of the inventory (methodology §12; the data contract,
# section "Levers"). Its changes apply in order to the accepted inventory rows; the gaps
# are then computed on the variant exactly as on the inventory as it is (BASELINE).
# Edit, check with `cdp-gap validate FILE`, then copy into the data folder's levers/
# (one variant a file; ids are unique across the files). This example validates as it
# is; every value in it is an invented placeholder. A file with an unknown change, a bad
# value or an unknown code is rejected whole.
id: MY-VARIANT                   # 3-48 capitals, digits, hyphens; BASELINE is reserved
name: Example - {state_name} lifts its caveats, {cap} ready within {days} days
changes:                         # a list, applied in order; [] is a variant with no change
  # Each change is one key, the kind of change. Its optional filters member_states and
  # capabilities (lists of codes of reference/) limit it to the rows that match them
  # all; without a filter it acts on every row.
  # deployable_abroad := true (the national caveat is lifted)
  - lift_caveats: {{member_states: [{state}]}}
  # nato_committed := 0 (here on every row: no filter)
  - release_nato: {{}}
  # readiness_days := at most days (whole days, 0..365)
  - readiness: {{days: {days}, capabilities: [{cap}]}}
  # availability := at least at_least (a share, 0..1)
  - availability: {{at_least: 0.9, capabilities: [{cap}]}}
  # available_until := available_until + years (1..100); open-ended stays open
  - extend_service: {{years: 2, member_states: [{state}]}}
  # the rows of accepted options of options/*.yaml are added
{options_line}\
  # the rows are removed: the state does not take part
  # - withdraw: {{member_states: [{state}]}}
"""


def write_levers_template(
    path: Path, member_states: dict[str, str], capabilities: dict[str, str],
    option_ids: Sequence[str] = (),
) -> None:
    """A commented example lever file, using codes of the given reference data (and an
    accepted option if there is one) so that it validates against them."""
    state = "AT" if "AT" in member_states else sorted(member_states)[0]
    cap = "BS.SURV.UAS" if "BS.SURV.UAS" in capabilities else sorted(capabilities)[0]
    if option_ids:
        options_line = f"  - add_options: {{options: [{option_ids[0]}]}}\n"
    else:
        options_line = ("  # - add_options: {options: [OPT-ID]}   "
                        "(options/ has no accepted option yet)\n")
    text = LEVERS_TEMPLATE.format(
        state=state, state_name=_plain(member_states[state]), cap=cap, days=10,
        options_line=options_line,
    )
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
