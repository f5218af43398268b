"""The answer for the scenario this tool exists for — Finland's hybrid crisis in the
bundled data — held against the warehouse's own figures, read here with separate SQL:
the sentences on the Summary sheet must say what the tables say."""

from __future__ import annotations

import re

import duckdb
import openpyxl
import pytest
from dagster import AssetSelection

from pipelines.lib import publish
from pipelines.lib.reports.answer import percent
from pipelines.lib.settings import REPO_ROOT
from tests.support import DataDir, run_assets

SCENARIO = "FI-HYBRID-2026"
BASE_YEAR, HORIZON = 2026, 10


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    root = tmp_path_factory.mktemp("bundled")
    # Everything the workbook needs; the charts and the publication are tested elsewhere.
    selection = AssetSelection.all() - AssetSelection.assets(
        "report_charts", "report_publication", "warehouse_snapshot")
    run = run_assets(DataDir.existing(REPO_ROOT / "data"), root, BASE_YEAR, HORIZON, selection)
    assert run.result.success
    workbook = root / "reports" / publish.ARCHIVE / run.result.run_id / publish.WORKBOOK
    con = duckdb.connect(str(run.warehouse), read_only=True)
    yield con, openpyxl.load_workbook(workbook)
    con.close()


def answer_text(book) -> str:
    ws = book["Summary"]
    for row in ws.iter_rows(values_only=True):
        if row[0] == SCENARIO:
            return row[1]
    raise AssertionError(f"no answer for {SCENARIO} on the Summary sheet")


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql, {"s": SCENARIO, "y": BASE_YEAR}).fetchall()


def test_the_answer_says_per_role_whether_it_is_covered(bundled):
    con, book = bundled
    text = answer_text(book)
    assert text.startswith("If Finland invoked Art. 42.7 (")
    assert f"in {BASE_YEAR} the Union could" in text
    roles = rows(con, """
        SELECT replace(role, '_', ' '), count(*), count(*) FILTER (WHERE shortfall = 0),
               sum(allocated) / sum(required)
        FROM gap_lines WHERE scenario_id = $s AND year = $y GROUP BY role ORDER BY role""")
    assert len(roles) == 2
    for role, lines, met, coverage in roles:
        if met == lines:
            assert re.search(rf"cover [^.]*{role}[^.(]* in full", text)
        else:
            assert (f"{role} ({met} of {lines} {'line' if lines == 1 else 'lines'} met, "
                    f"{percent(coverage)} of the requirement)") in text


def test_the_answer_names_the_gaps_with_their_risk_and_when_each_closes(bundled):
    con, book = bundled
    text = answer_text(book)
    gaps = rows(con, """
        WITH open AS (
            SELECT capability_code, max(year) FILTER (WHERE shortfall > 0) AS last_open
            FROM gap_capabilities WHERE scenario_id = $s GROUP BY ALL)
        SELECT c.capability_code, k.name, c.risk_level, c.allocated / c.required, o.last_open
        FROM gap_capabilities AS c JOIN open AS o USING (capability_code)
        JOIN stg_capabilities AS k USING (capability_code)
        WHERE c.scenario_id = $s AND c.year = $y AND c.shortfall > 0
        ORDER BY c.risk_value DESC, c.shortfall DESC, c.capability_code""")
    assert gaps, "the bundled Finland scenario has gaps in the base year"
    for code, name, risk, coverage, last_open in gaps[:4]:
        closes = (f"closes in {last_open + 1}" if last_open < BASE_YEAR + HORIZON
                  else f"still open in {BASE_YEAR + HORIZON}")
        assert f"{code} {name}: {risk} risk, {percent(coverage)} covered, {closes}" in text
    if len(gaps) > 4:
        assert f"{len(gaps) - 4} more on the Shortfalls sheet" in text


def test_the_answer_says_how_fast_the_cover_builds_up(bundled):
    con, book = bundled
    text = answer_text(book)
    shares = rows(con, """
        SELECT day, sum(covered) / sum(required) FROM gap_buildup
        WHERE scenario_id = $s AND year = $y GROUP BY day ORDER BY day""")
    final_day, final = shares[-1]
    first_day, first = next((d, s) for d, s in shares if s > 1e-9)
    assert f"Cover builds up to {percent(first)} by D+{first_day}" in text
    reached = next(d for d, s in shares if s >= final - 1e-9)
    assert f"{percent(final)} by D+{reached}" in text
    if final < 1 - 1e-9:
        assert f"no further by D+{final_day}" in text


def test_the_answer_names_the_three_states_that_help_most(bundled):
    con, book = bundled
    text = answer_text(book)
    helpers = rows(con, """
        SELECT m.name, sum(c.allocated / l.required) AS worth
        FROM gap_contributions AS c
        JOIN gap_lines AS l USING (scenario_id, year, line_id)
        JOIN stg_member_states AS m ON m.code = c.member_state
        WHERE c.scenario_id = $s AND c.year = $y AND NOT c.is_invoking_state
        GROUP BY m.name, c.member_state ORDER BY worth DESC, c.member_state LIMIT 3""")
    names = [name for name, _ in helpers]
    worth = [f"{value:.1f}" for _, value in helpers]
    assert (f"Most help comes from {names[0]}, {names[1]} and {names[2]} ({worth[0]}, "
            f"{worth[1]} and {worth[2]} requirement lines' worth") in text


def test_the_answer_names_the_essential_lines_fewer_than_9_of_10_worlds_meet(bundled):
    con, book = bundled
    text = answer_text(book)
    unsure = rows(con, """
        SELECT m.line_id, m.capability_code, m.p_met, g.risk_level = 'none' AS met_on_average
        FROM mc_lines AS m JOIN gap_lines AS g USING (scenario_id, year, line_id)
        WHERE m.scenario_id = $s AND m.year = $y AND m.criticality = 'essential'
          AND m.p_met < 0.9
        ORDER BY NOT met_on_average, m.p_met, m.line_id""")
    assert unsure, "with uncertain units, some essential line of Finland's scenario is unsure"
    assert "Essential lines met in fewer than 9 of 10 plausible worlds: " in text
    for line_id, code, p_met, met_on_average in unsure[:4]:
        share = "never" if p_met == 0 else f"in {percent(p_met)} of them"
        why = ("met on expected values" if met_on_average else "risk on expected values")
        assert re.search(rf"{re.escape(line_id)} {re.escape(code)} {share} \([^)]*{why}", text), \
            (line_id, text)
