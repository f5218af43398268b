"""The reports, materialised by the real assets on small real files: the workbook read
back and held against the warehouse, text from submissions that must never become a
formula, HTML that needs no network, and the published set in latest/."""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
import yaml
from lxml import html as lxml_html

from pipelines.lib import publish
from pipelines.lib.reports.images import find_browser
from pipelines.lib.excel_safety import REPLACEMENT
from pipelines.lib.reports.look import RISK_COLOURS
from pipelines.lib.reports.writer import FIRST_DATA_ROW
from tests.support import MEMBER_STATES, DataDir, Run, inv, line, run_assets, scenario

MARKING = "UNCLASSIFIED – TEST & CO"
BASE_YEAR, HORIZON = 2026, 3
SHEETS = ["Cover", "Summary", "Changes", "Scorecard", "Shortfalls", "Confidence", "Build-up",
          "Build-up by line",
          "Trajectory", "Concurrency", "Priorities", "Options", "What if", "Burden sharing",
          "Contributions",
          "Offers",
          "Data issues", "Method"]
UAS, INF, CYBER, MED = "BS.SURV.UAS", "BS.INF.LIGHT", "DS.CYBER.RRT", "DS.MED.ROLE2"
CYBER_NAME = "=cmd|' /C calc'!A0 cyber team\x07 <script>alert(1)</script>"
FINLAND = "@SUM(1+1) Finland"
FI_SCENARIO_NAME = "=HYPERLINK(\"http://evil.invalid\",\"Hybrid aggression\")"
BAD_CODE = "=1+2"
LEVER_NAME = "=HYPERLINK(\"http://evil.invalid\",\"caveats\") lifted"


def sample(data: DataDir) -> None:
    """Two scenarios and a concurrency case whose names, notes and values carry
    formula-like text, a bad row, a rejected scenario and a superseded submission."""
    header = ["capability_code", "name", "domain", "unit", "roles"]
    data.write_csv("reference/capabilities.csv", header, [
        (UAS, "Surveillance UAS", "isr", "system", "border_security"),
        (INF, "Light infantry company", "land", "company", "border_security;domestic_support"),
        (CYBER, CYBER_NAME, "cyber", "team", "domestic_support"),
        (MED, "Role 2 medical treatment facility", "medical", "system", "domestic_support"),
    ])
    with MEMBER_STATES.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    for row in rows:
        if row[0] == "FI":
            row[1] = FINLAND
    data.write_csv("reference/member_states.csv", rows[0], rows[1:])

    data.inventory("FI", [inv("FI", UAS, 3, 5, deployable_abroad="false",
                              notes='=HYPERLINK("http://evil.invalid","click")')])
    data.inventory("SE", [
        inv("SE", UAS, 4, 20, availability=0.5, notes="+cmd|' /C calc'!A0"),
        inv("SE", INF, 6, 10, available_until=2027),
    ], fmt="xlsx")
    data.inventory("PL", [
        inv("PL", UAS, 2, 10, nato_committed=0.5, notes="-1+1"),
        inv("PL", CYBER, 2, 3, available_from=2028),
        inv("PL", BAD_CODE, 1, 3),
    ])
    data.inventory("EE", [inv("EE", CYBER, 1, 5, notes="@SUM(A1)")])
    data.inventory("LV_old", [inv("LV", INF, 2, 10, as_of="2025-09-30", notes="\t=1+1")])
    data.inventory("LV_new", [inv("LV", INF, 1, 10)])

    fi = scenario("FI-X", "FI", [
        line("A", UAS, 2, 10, rotation=3, criticality="essential"),
        line("B", UAS, 2, 30, criticality="important"),
        line("C", INF, 3, 10, criticality="essential", role="domestic_support"),
        line("D", CYBER, 2, 5, criticality="essential", role="domestic_support"),
        line("E", MED, 1, 30, criticality="desirable", role="domestic_support"),
    ], art5=True)
    fi["name"] = FI_SCENARIO_NAME
    data.scenario("fi", fi)
    data.scenario("lt", scenario("LT-Y", "LT", [line("L1", UAS, 3, 10), line("L2", INF, 2, 15)]))
    data.scenario("evil", scenario("=EVIL()", "FI", [line("Z", UAS, 1, 10)]))
    data.case("both", {"id": "FI-LT", "name": "Both at once", "scenarios": ["FI-X", "LT-Y"]})
    # What if (§12): Finland's UAS may act abroad (they help LT-Y); a package that also
    # releases Poland's NATO share (FI-X runs with Art. 5) and hurries Sweden's UAS.
    levers = data.root / "levers"
    levers.mkdir(exist_ok=True)
    for name, lever in (
        ("lift", {"id": "LIFT-FI", "name": LEVER_NAME,
                  "changes": [{"lift_caveats": {"member_states": ["FI"]}}]}),
        ("package", {"id": "PACKAGE", "name": "Caveats, NATO and readiness", "changes": [
            {"lift_caveats": {"member_states": ["FI"]}},
            {"release_nato": {}},
            {"readiness": {"days": 10, "member_states": ["SE"], "capabilities": [UAS]}}]}),
    ):
        (levers / f"{name}.yaml").write_text(yaml.safe_dump(lever, sort_keys=False),
                                            encoding="utf-8")
    data.write_csv("inbox/offers/fi.csv",
                   ["scenario_id", "member_state", "capability_code", "quantity", "available_in_days",
                    "caveats"],
                   [["FI-X", "SE", UAS, 2, 5, "=SUM(1+1) national command"],
                    ["FI-X", "DE", CYBER, 1, 3, ""],
                    ["FI-X", "DK", INF, 4, 40, "slow"]])


def materialise(data: DataDir, root: Path, selection=None, archive_keep: int = 30) -> Run:
    return run_assets(data, root, BASE_YEAR, HORIZON, selection, marking=MARKING,
                      archive_keep=archive_keep)


@dataclass
class Reported:
    first: Run
    run: Run  # the second refresh: the one latest/ holds
    data: DataDir
    root: Path

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def latest(self) -> Path:
        return self.reports / publish.LATEST

    def workbook(self, path: Path | None = None) -> openpyxl.Workbook:
        return openpyxl.load_workbook(path or self.latest / publish.WORKBOOK)

    def metadata(self, asset: str) -> dict:
        return self.run.result.asset_materializations_for_node(asset)[0].metadata


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> Reported:
    root = tmp_path_factory.mktemp("reports")
    data = DataDir(root / "data")
    sample(data)
    first = materialise(data, root)
    # Estonia declares two more cyber teams: the second refresh has something to compare.
    data.inventory("EE", [inv("EE", CYBER, 3, 5, notes="@SUM(A1)")])
    second = materialise(data, root)
    for run in (first, second):
        assert run.result.success
    return Reported(first, second, data, root)


def rows(ws, first_row: int = FIRST_DATA_ROW) -> list[dict]:
    """The data rows of a sheet that opens with a table, as header → value."""
    header = [c.value for c in ws[first_row - 1]]
    out = []
    for row in ws.iter_rows(min_row=first_row, values_only=True):
        if row[0] is None:
            break
        out.append(dict(zip(header, row)))
    return out


def table_rows(ws, name: str) -> list[dict]:
    """The rows of a named Excel table, as header → value."""
    cells = ws[ws.tables[name].ref]
    header = [c.value for c in cells[0]]
    return [dict(zip(header, (c.value for c in row))) for row in cells[1:]]


# --- the workbook ------------------------------------------------------------------


def test_every_sheet_is_set_up_for_screen_and_print(reported):
    wb = reported.workbook()
    assert wb.sheetnames == SHEETS
    for ws in wb.worksheets:
        assert ws["A1"].value == MARKING, ws.title
        # The title, or the header of the sheet's first table (below the Scorecard's key).
        header = int(re.findall(r"\d+", next(iter(ws.tables.values())).ref)[0])
        assert ws.freeze_panes in ("A4", "C4", "A5", "B5", "C5", f"D{header + 1}"), ws.title
        assert ws.print_title_rows and ws.print_title_rows.startswith("$1:"), ws.title
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        # '&' is doubled in header/footer codes, so the marking prints as written.
        assert ws.oddHeader.center.text == MARKING.replace("&", "&&"), ws.title
        assert ws.oddFooter.center.text == MARKING.replace("&", "&&"), ws.title
        assert ws.oddFooter.right.text == "Page &P of &N"
        assert ws.tables, f"{ws.title} has no Excel table"
        for table in ws.tables.values():
            assert table.autoFilter is not None and table.autoFilter.ref == table.ref
            # Excel repairs (and warns about) a table whose column names differ from its header.
            header = [c.value for c in ws[table.ref][0]]
            assert [c.name for c in table.tableColumns] == header, (ws.title, table.name)


def test_the_cover_names_the_run_the_data_and_every_source_file(reported):
    wb = reported.workbook()
    cover = wb["Cover"]
    facts = {cover.cell(r, 1).value: cover.cell(r, 2).value for r in range(4, 13)}
    assert facts["Base year"] == BASE_YEAR
    assert facts["Run id"] == reported.run.result.run_id
    assert facts["Handling marking"] == MARKING
    assert facts["Data as of (latest submission)"].date().isoformat() == "2026-03-31"
    sources = {r["Source file"]: r["SHA-256"] for r in table_rows(cover, "Sources")}
    expected = dict(reported.run.query("SELECT source_file, sha256 FROM ingest_files"))
    assert sources == expected


def test_the_summary_headline_and_roles_match_the_warehouse(reported):
    run = reported.run
    summary = reported.workbook()["Summary"]
    start = next(r for r in range(1, 80) if summary.cell(r, 1).value == "Headline") + 1
    headline = {summary.cell(r, 2).value: summary.cell(r, 1).value
                for r in range(start, start + 9)}
    lines, met, short = run.query(
        "SELECT count(*), count(*) FILTER (WHERE shortfall = 0), "
        "count(*) FILTER (WHERE shortfall > 0) FROM gap_lines WHERE year = ?", [BASE_YEAR])[0]
    closable, acquisition = run.query(
        "SELECT count(*) FILTER (WHERE shortfall > 0 AND shortfall_acquisition = 0), "
        "count(*) FILTER (WHERE shortfall_acquisition > 0) FROM gap_capabilities WHERE year = ?",
        [BASE_YEAR])[0]
    assert headline["requirement lines in all scenarios"] == lines
    assert headline["met in full"] == met
    assert headline["with a shortfall"] == short
    assert headline["closable by better management of existing forces"] == closable
    assert headline["needing new capability (acquisition)"] == acquisition
    assert acquisition >= 1  # nobody holds Role 2 medical: only new capability closes it
    confident, draws = run.query(
        "SELECT count(*) FILTER (WHERE p_met >= 0.9), max(draws) FROM mc_lines WHERE year = ?",
        [BASE_YEAR])[0]
    assert headline[f"met in at least 90 % of {draws:,} plausible worlds (Monte Carlo draws, "
                    "Confidence sheet)"] == confident

    shown = {(r["Scenario"], r["Role"]): r for r in table_rows(summary, "ScenarioRoles")}
    expected = run.query(
        "SELECT scenario_id, replace(role, '_', ' '), required, allocated, shortfall, coverage, "
        "high_risk_lines, significant_risk_lines FROM gap_roles WHERE year = ?", [BASE_YEAR])
    assert len(shown) == len(expected)
    for sid, role, required, allocated, shortfall, coverage, high, significant in expected:
        row = shown[(sid, role)]
        assert (row["Required"], row["Allocated"], row["Shortfall"], row["Coverage"]) == \
            pytest.approx((required, allocated, shortfall, coverage))
        assert (row["High risk"], row["Significant risk"]) == (high, significant)


def test_shortfalls_match_the_warehouse_row_for_row(reported):
    ws = reported.workbook()["Shortfalls"]
    shown = {(r["Scenario"], r["Capability"]): r for r in rows(ws)}
    expected = reported.run.df(
        "SELECT * FROM gap_capabilities WHERE year = ? AND shortfall > 0", [BASE_YEAR])
    assert set(shown) == set(zip(expected.scenario_id, expected.capability_code))
    for e in expected.itertuples():
        r = shown[(e.scenario_id, e.capability_code)]
        assert (r["Required"], r["Allocated"], r["Shortfall"], r["Coverage"], r["Acquisition"],
                r["Management"]) == pytest.approx((e.required, e.allocated, e.shortfall, e.coverage,
                                                   e.shortfall_acquisition, e.shortfall_management))
        assert r["Risk"] == e.risk_level
    cell = ws[f"E{FIRST_DATA_ROW}"]
    assert cell.number_format == "#,##0.0"
    assert ws[f"H{FIRST_DATA_ROW}"].number_format == "0.0%"


def test_the_infantry_gap_opens_when_swedish_companies_leave_service(reported):
    ws = reported.workbook()["Shortfalls"]
    by_pair = {(r["Scenario"], r["Capability"]): r for r in rows(ws)}
    # Scenario FI-X's Role 2 facility: nobody holds one, so it never closes.
    assert by_pair[("FI-X", MED)]["Closes in"] is None
    trajectory = {(r["Scenario"], r["Capability"]): r
                  for r in rows(reported.workbook()["Trajectory"])}
    expected = dict(reported.run.query(
        "SELECT year, shortfall FROM gap_capabilities "
        "WHERE scenario_id = 'FI-X' AND capability_code = ?", [INF]))
    shown = trajectory[("FI-X", INF)]
    assert [shown[str(y)] for y in range(BASE_YEAR, BASE_YEAR + HORIZON + 1)] == \
        pytest.approx([expected[y] for y in range(BASE_YEAR, BASE_YEAR + HORIZON + 1)])
    assert expected[2028] > expected[2027]


def test_the_trajectory_sheet_carries_a_native_line_chart(reported):
    import zipfile

    with zipfile.ZipFile(reported.latest / publish.WORKBOOK) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = z.read(charts[0]).decode()
    assert "<lineChart>" in chart and chart.count("<ser>") >= 1


def test_scorecard_cells_are_coloured_by_risk_and_link_to_the_rows_behind_them(reported):
    wb = reported.workbook()
    ws = wb["Scorecard"]
    header_row = int(re.findall(r"\d+", ws.tables["Scorecard"].ref)[0])
    # A scenario's column is headed by its id, its likelihood below it.
    header = [str(c.value).split("\n")[0] for c in ws[header_row]]
    expected = {(s, c): (cov, risk) for s, c, cov, risk in reported.run.query(
        "SELECT scenario_id, capability_code, coverage, risk_level FROM gap_capabilities "
        "WHERE year = ?", [BASE_YEAR])}
    last_row = int(re.findall(r"\d+", ws.tables["Scorecard"].ref)[-1])
    seen = 0
    for row in ws.iter_rows(min_row=header_row + 1, max_row=last_row):
        code = row[1].value
        for cell in row[3:]:
            sid = header[cell.column - 1]
            if (sid, code) not in expected:
                assert cell.value is None
                continue
            coverage, risk = expected[(sid, code)]
            assert cell.value == pytest.approx(coverage)
            assert cell.fill.fgColor.rgb == "FF" + RISK_COLOURS[risk].lstrip("#")
            target_sheet, target_cell = cell.hyperlink.location.split("!")
            target = wb[target_sheet.strip("'")]
            target_row = {c.value for c in target[int(target_cell[1:])]}
            assert {sid, code} <= target_row, (sid, code, cell.hyperlink.location)
            seen += 1
    assert seen == len(expected)


def test_contributions_add_up_to_each_line(reported):
    ws = reported.workbook()["Contributions"]
    totals = defaultdict(float)
    for r in rows(ws):
        totals[(r["Scenario"], r["Line"])] += r["Allocated"]
        assert r["Line allocated"] is not None
    expected = dict(((s, l), a) for s, l, a in reported.run.query(
        "SELECT scenario_id, line_id, allocated FROM gap_lines WHERE year = ? AND allocated > 0",
        [BASE_YEAR]))
    assert totals == pytest.approx(expected)


def test_the_offers_sheet_matches_the_warehouse(reported):
    ws = reported.workbook()["Offers"]
    needs = {(r["Scenario"], r["Line"]): (r["Required"], r["Offered in time"], r["Accepted"], r["Unmet"])
             for r in table_rows(ws, "OfferNeeds")}
    expected = {(s, l): (q, o, a, u) for s, l, q, o, a, u in reported.run.query(
        "SELECT scenario_id, line_id, required, offered, allocated, unmet FROM offer_lines")}
    assert needs.keys() == expected.keys()
    for key, values in expected.items():
        assert needs[key] == pytest.approx(values), key
    assert needs[("FI-X", "D")] == pytest.approx((2, 1, 1, 1))
    accepted = {(r["State"], r["Line"]): r["Accepted"] for r in table_rows(ws, "OffersAccepted")}
    assert accepted == pytest.approx({("SE", "A"): 2, ("DE", "D"): 1})
    caveat = next(r["Caveats"] for r in table_rows(ws, "OffersAccepted") if r["State"] == "SE")
    assert caveat == "=SUM(1+1) national command"
    ask = [(r["Line"], r["State"]) for r in table_rows(ws, "WhomToAsk")]
    assert ask == [(l, m) for l, m in reported.run.query(
        "SELECT line_id, member_state FROM offer_whom_to_ask WHERE ask_rank <= 5 "
        "ORDER BY scenario_id, unmet DESC, line_id, ask_rank")]
    surplus = {r["State"]: (r["Left unused"], r["Status"]) for r in table_rows(ws, "OfferSurplus")}
    assert surplus["DK"] == (4, "slower than every line needing it accepts")


def test_data_issues_list_every_rejected_and_superseded_row(reported):
    issues = rows(reported.workbook()["Data issues"])
    rejects = reported.run.query("SELECT count(*) FROM ingest_rejects")[0][0]
    superseded = reported.run.query("SELECT count(*) FROM ingest_superseded")[0][0]
    assert superseded == 1 and rejects >= 2
    assert len(issues) == rejects + superseded
    assert {r["Value"] for r in issues if r["Issue"] == "row rejected"} >= {BAD_CODE}
    assert any(r["Issue"] == "file rejected" and "evil" in r["Source file"] for r in issues)
    assert all(r["Reason"] for r in issues)


def test_the_summary_says_what_changed_since_the_previous_refresh(reported):
    changes = table_rows(reported.workbook()["Changes"], "Changes")
    cyber, = [c for c in changes if c["Capability"] == CYBER and c["Scenario"] == "FI-X"]
    assert cyber["Years affected"] == "2026–2027"  # from 2028 Poland's teams covered it
    before = dict(reported.run.query(
        "SELECT year, shortfall FROM gap_history WHERE run_id = ? AND scenario_id = 'FI-X' "
        "AND capability_code = ?", [reported.first.result.run_id, CYBER]))
    assert cyber[f"Shortfall before, {BASE_YEAR}"] == pytest.approx(before[BASE_YEAR])
    assert cyber[f"Shortfall now, {BASE_YEAR}"] < cyber[f"Shortfall before, {BASE_YEAR}"]
    assert cyber["Change"] == "better"
    # One input row explains it: Estonia's submission, 1 → 3 teams.
    assert cyber["Input change that explains it"] == "EE.csv row 2: quantity 1 → 3"


def test_no_text_from_the_inputs_becomes_a_formula(reported):
    wb = reported.workbook()
    texts = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} holds a formula"
                if isinstance(cell.value, str):
                    texts[cell.value] = cell
    assert f"LIFT-FI — {LEVER_NAME}" in texts  # a lever's name, as text in its heading
    for injected in (BAD_CODE, FINLAND, FI_SCENARIO_NAME):
        assert injected in texts, injected
        assert texts[injected].quotePrefix, injected
    repaired = next(c for v, c in texts.items() if v.startswith("=cmd") and REPLACEMENT in v)
    assert repaired.quotePrefix and "control character" in repaired.comment.text
    assert reported.metadata("report_workbook")["text_repairs"].value >= 1


def test_the_same_warehouse_gives_the_same_workbook(reported):
    first = materialise(reported.data, reported.root, selection=["report_workbook"])
    second = materialise(reported.data, reported.root, selection=["report_workbook"])
    books = [reported.workbook(reported.reports / "archive" / run.result.run_id / publish.WORKBOOK)
             for run in (first, second)]
    own = ("Run id", "Run time (UTC)")  # the run's own id and time, and nothing else, differ
    for name in SHEETS:
        a, b = ([r for r in book[name].iter_rows(values_only=True) if r[0] not in own]
                for book in books)
        assert a == b, name


# --- the charts and index.html -----------------------------------------------------


def test_the_html_report_fetches_nothing_from_the_web(reported):
    charts = sorted((reported.latest / publish.CHARTS).glob("*.html"))
    pages = [reported.latest / publish.INDEX, *charts]
    assert len(pages) == 14
    external = re.compile(r"^\s*(https?:|//|ftp:)", re.IGNORECASE)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        tree = lxml_html.fromstring(text)
        for element in tree.iter():
            for attribute in ("src", "href", "action", "data", "poster", "srcset"):
                value = element.get(attribute)
                assert value is None or not external.match(value), (page.name, attribute, value)
        assert not tree.xpath("//link | //iframe | //object | //embed"), page.name
        # The only script loaded from a file is the set's own copy of plotly.js.
        for script in tree.xpath("//script[@src]"):
            assert (page.parent / script.get("src")).resolve() == \
                (reported.latest / publish.PLOTLY_JS).resolve(), (page.name, script.get("src"))
        assert len(tree.xpath("//script[@src]")) == 1, page.name
        for style in tree.xpath("//style/text()"):
            assert "url(" not in style and "@import" not in style, page.name
        assert "<script>alert(1)" not in text, page.name  # input text is escaped
        assert text.count(MARKING.replace("&", "&amp;")) >= 2, page.name


def test_index_html_reads_from_top_to_bottom(reported):
    tree = lxml_html.fromstring((reported.latest / publish.INDEX).read_text(encoding="utf-8"))
    headings = [h.text_content() for h in tree.xpath("//h2")]
    assert headings[0].startswith("The answer, scenario by scenario")
    assert headings[1].startswith("Headline")
    answers = tree.xpath("//p[@class='answer']")
    assert [p.xpath("string(./b)") for p in answers] == ["FI-X", "LT-Y"]
    # One line each: covered or not, the gaps, how fast, who helps, what the levers do.
    lines = [line.strip() for line in answers[0].xpath("./text()")]
    assert lines[0].startswith("If ") and lines[1].startswith("Gap")
    assert any(line.startswith("Cover builds up") for line in lines)
    assert lines[-2].startswith("Most help") and lines[-1].startswith("What if: ")
    assert {"Priorities", "Data issues", "Method"} <= set(headings)
    assert tree.xpath(f"//a[@href='{publish.WORKBOOK}']")
    assert len(tree.xpath("//div[contains(@class, 'plotly-graph-div')]")) == 13


def test_charts_come_as_png_copies_when_a_browser_is_present(reported):
    metadata = reported.metadata("report_charts")
    pngs = sorted((reported.latest / publish.CHARTS).glob("*.png"))
    if find_browser() is None:
        assert pngs == []
        assert metadata["png_copies"].value.startswith("not made: no Chromium")
        assert "preview" not in metadata
    else:
        assert len(pngs) == 13
        assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
        assert "data:image/png;base64," in metadata["preview"].value


# --- publication -------------------------------------------------------------------


def test_latest_holds_the_newest_complete_set(reported):
    latest = reported.latest
    manifest = json.loads((latest / publish.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["run_id"] == reported.run.result.run_id
    assert {publish.WORKBOOK, publish.INDEX} <= {f["path"] for f in manifest["files"]}
    assert publish.verify(latest) == []
    # A link to the run's archived set, switched in one step (lib/publish.py).
    assert publish.latest_run(reported.reports) == reported.run.result.run_id
    for run in (reported.first, reported.run):
        assert publish.verify(reported.reports / "archive" / run.result.run_id) == []
    metadata = reported.metadata("report_publication")
    assert metadata["workbook"].value == str(latest / publish.WORKBOOK)
    headline = reported.metadata("report_workbook")["headline"].value
    assert "requirement lines met" in headline


def test_publishing_cuts_the_archive_to_the_newest_sets(reported, tmp_path):
    """A third refresh of the reports, with CDP_ARCHIVE_KEEP=2: the oldest set goes, the
    newest two stay whole, latest/ holds the new one."""
    from dagster import AssetSelection

    shutil.copy(reported.root / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    shutil.copytree(reported.reports, tmp_path / "reports", symlinks=True)
    reports = AssetSelection.assets("report_workbook", "report_charts", "report_publication")
    third = materialise(reported.data, tmp_path, selection=reports, archive_keep=2)
    assert third.result.success

    archive = tmp_path / "reports" / publish.ARCHIVE
    kept = {third.result.run_id, reported.run.result.run_id}
    complete = {p.name for p in archive.iterdir() if (p / publish.MANIFEST).is_file()}
    assert complete == kept
    # Folders of runs that never published (other tests' partial runs) are left alone.
    unpublished = {p.name for p in (reported.reports / publish.ARCHIVE).iterdir()
                   if not (p / publish.MANIFEST).is_file()}
    assert unpublished <= {p.name for p in archive.iterdir()}
    assert all(publish.verify(archive / run_id) == [] for run_id in kept)
    manifest = json.loads((tmp_path / "reports" / publish.LATEST / publish.MANIFEST).read_text())
    assert manifest["run_id"] == third.result.run_id
    assert publish.latest_run(tmp_path / "reports") == third.result.run_id
    metadata = third.result.asset_materializations_for_node("report_publication")[0].metadata
    assert (metadata["archive_keep"].value, metadata["archive_pruned"].value) == (2, 1)


def test_the_confidence_sheet_matches_the_monte_carlo(reported):
    shown = {(r["Scenario"], r["Year"], r["Line"]): r
             for r in rows(reported.workbook()["Confidence"])}
    expected = reported.run.query(
        "SELECT m.scenario_id, m.year, m.line_id, m.p_met, m.coverage_p05, m.coverage_p95, "
        "g.risk_level FROM mc_lines AS m JOIN gap_lines AS g USING (scenario_id, year, line_id)")
    assert len(shown) == len(expected) > 0
    for sid, year, line_id, p_met, p05, p95, risk in expected:
        row = shown[(sid, year, line_id)]
        assert row["Met in share of draws"] == pytest.approx(p_met)
        assert (row["Coverage p05"], row["Coverage p95"]) == pytest.approx((p05, p95))
        assert row["Risk"] == risk
        band = "high" if p_met >= 0.9 else "medium" if p_met >= 0.5 else "low"
        assert row["Confidence"] == band


def test_the_what_if_sheet_matches_the_warehouse(reported):
    run = reported.run
    ws = reported.workbook()["What if"]
    side = {r["Scenario"]: r for r in table_rows(ws, "WhatIfShortfall")}
    expected = run.query(
        "SELECT scenario_id, variant_id, total_shortfall FROM whatif_summary WHERE year = ?",
        [BASE_YEAR])
    assert len(side) == 2 and len(expected) == 3 * 2  # the baseline and two variants
    for sid, variant, total in expected:
        assert side[sid]["Baseline" if variant == "BASELINE" else variant] == \
            pytest.approx(total)
    # The single lever first, then the package; each said in words, then its figures per
    # scenario and year beside the baseline, then the capabilities it moves.
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"@SUM(1+1) Finland lifts its caveats (units may act abroad)",
            "NATO commitments released for every capability",
            "Sweden's units of surveillance UAS at 10 days' notice at most",
            f"LIFT-FI — {LEVER_NAME}", "PACKAGE — Caveats, NATO and readiness"} <= texts
    for number, variant in ((1, "LIFT-FI"), (2, "PACKAGE")):
        shown = {(r["Scenario"], r["Year"]): r for r in table_rows(ws, f"WhatIf{number}")}
        summary = run.df("SELECT * FROM whatif_summary WHERE variant_id = ?", [variant])
        assert len(shown) == len(summary) == 2 * (HORIZON + 1)
        for e in summary.itertuples():
            r = shown[(e.scenario_id, e.year)]
            assert (r["Met, baseline"], r["Met, variant"], r["High risk, baseline"],
                    r["High risk, variant"]) == (e.lines_met_baseline, e.lines_met,
                                                 e.high_risk_lines_baseline, e.high_risk_lines)
            assert (r["Shortfall, baseline"], r["Shortfall, variant"], r["Closed"]) == \
                pytest.approx((e.total_shortfall_baseline, e.total_shortfall,
                               e.total_shortfall_baseline - e.total_shortfall))
        moved = {(r["Scenario"], r["Capability"]) for r in table_rows(ws, f"WhatIfMoves{number}")}
        expected_moves = set(run.query(
            "SELECT DISTINCT scenario_id, capability_code FROM whatif_capabilities "
            "WHERE variant_id = ? AND (abs(shortfall_delta) > 1e-9 * greatest(required, 1) "
            "OR risk_level <> risk_level_baseline)", [variant]))
        assert moved == expected_moves and moved
    # The package closes part of FI-X's shortfall (Poland's NATO share, Sweden faster).
    fi = run.query("SELECT total_shortfall, total_shortfall_baseline FROM whatif_summary "
                   "WHERE variant_id = 'PACKAGE' AND scenario_id = 'FI-X' AND year = ?",
                   [BASE_YEAR])[0]
    assert fi[0] < fi[1]


def test_the_answer_names_the_lever_that_closes_most_and_the_chart_draws_them(reported):
    tree = lxml_html.fromstring((reported.latest / publish.INDEX).read_text(encoding="utf-8"))
    answers = {p.xpath("string(./b)"): [line.strip() for line in p.xpath("./text()")]
               for p in tree.xpath("//p[@class='answer']")}
    what_if = answers["FI-X"][-1]
    assert what_if.startswith("What if: ") and "PACKAGE" in what_if
    chart = (reported.latest / publish.CHARTS / "whatif.html").read_text(encoding="utf-8")
    assert '"name":"baseline"' in chart and '"name":"PACKAGE (package)"' in chart
    assert tree.xpath("//h2[@id='whatif']")
