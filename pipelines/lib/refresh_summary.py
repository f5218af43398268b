"""The closing summary of a refresh, read from the warehouse (no Dagster needed)."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import duckdb

from pipelines.lib.publish import RunInfo
from pipelines.lib.settings import Settings
from pipelines.lib.warehouse import query_df

CHANGES_SHOWN = 10  # the workbook's Summary and index.html list every change

PUBLISHED = (
    "stg_inventory", "stg_requirements", "ingest_rejects", "ingest_superseded",
    "gap_lines", "gap_capabilities", "gap_roles", "gap_contributions", "gap_cases",
    "gap_priorities", "gap_burden_sharing", "gap_buildup", "gap_unit_requests", "gap_history",
)


def summary_lines(settings: Settings) -> list[str]:
    if not settings.warehouse.exists():
        return [f"No warehouse at {settings.warehouse} yet."]
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        out = answer_lines(con, settings, present) + ["Tables:"]
        for table in PUBLISHED:
            if table in present:
                n = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                out.append(f"  {table:<22} {n:>8} rows")
        if "ingest_rejects" in present:
            n = con.execute("SELECT count(*) FROM ingest_rejects").fetchone()[0]
            if n:
                out.append(f"Data issues: {n} rejected values or files (see ingest_rejects).")
        if {"gap_lines", "gap_capabilities"} <= present:
            params = {"base_year": settings.base_year, "horizon_years": settings.horizon_years}
            out.append(f"Base year {settings.base_year}:")
            for h in query_df(con, "select_headline", params).itertuples():
                out.append(
                    f"  {h.scenario_id}: {h.lines_met} of {h.lines} requirement lines met; "
                    f"{h.high_risk_lines} high-risk; {h.closable_by_management} of "
                    f"{h.capability_shortfalls} capability shortfalls closable by management"
                )
        return out
    finally:
        con.close()


def output_paths(settings: Settings) -> list[str]:
    latest = Path(settings.reports_dir) / "latest"
    paths = [f"Warehouse: {settings.warehouse}"]
    for name in ("cdp_gap_report.xlsx", "index.html"):
        if (latest / name).exists():
            paths.append(f"Report:    {latest / name}")
    return paths


ANSWER_READS = {"gap_lines", "gap_roles", "gap_capabilities", "gap_buildup",
                "gap_burden_sharing", "stg_scenarios", "mc_lines"}


def answer_lines(con, settings: Settings, present: set[str]) -> list[str]:
    """The answer per scenario and what changed, as the Summary sheet opens with them."""
    from pipelines.lib.reports.answer import scenario_answers

    if not ANSWER_READS <= present:
        return []
    params = {"base_year": settings.base_year, "horizon_years": settings.horizon_years}
    frames = {name: query_df(con, f"report_{name}", params)
              for name in ("scenarios", "roles", "shortfalls", "buildup", "burden_sharing",
                           "confidence")}
    run = RunInfo("console", dt.datetime.now(), settings.marking, settings.base_year,
                  settings.horizon_years)
    out = [f"The answer, base year {settings.base_year}:"]
    for answer in scenario_answers(frames, run):
        out += textwrap.wrap(f"{answer.scenario_id}: {answer.text}", 100,
                             initial_indent="  ", subsequent_indent="      ")
    if "gap_changes" in present:
        changes = query_df(con, "report_gap_changes", params)
        if len(changes):
            out.append(f"What changed since the previous refresh ({len(changes)} scenario and "
                       "capability pairs):")
            for c in changes.head(CHANGES_SHOWN).itertuples():
                out += textwrap.wrap(
                    f"{c.scenario_id} {c.capability_code}: {c.change} in {c.years}"
                    + (f"; {c.cause}" if isinstance(c.cause, str) and c.cause else ""),
                    100, initial_indent="  ", subsequent_indent="      ")
            if len(changes) > CHANGES_SHOWN:
                out.append(f"  … {len(changes) - CHANGES_SHOWN} more on the workbook's "
                           "Changes sheet.")
    return out
