"""Changes: what changed since the previous refresh, one row per scenario and capability,
with the years it affects and the input row that explains it (gap_changes)."""

from __future__ import annotations

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.look import Col
from pipelines.lib.reports.writer import Facts, Links, ReportBook, Table, write_sheet

NAME = "Changes"
SHOWS = ("what changed since the previous refresh: per scenario and capability, the years "
         "it affects and the input change behind it")


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    runs = frames["history_runs"]
    current = f"{runs.run_id[0]} at {runs.run_at[0]:%Y-%m-%d %H:%M} UTC" if len(runs) else "—"
    previous = (f"{runs.run_id[1]} at {runs.run_at[1]:%Y-%m-%d %H:%M} UTC" if len(runs) > 1
                else "none: the first refresh on record")
    write_sheet(
        report, NAME,
        "Changes — what changed since the previous refresh",
        "A risk level that moved or a shortfall that changed beyond rounding noise, in any "
        "year of the horizon; worse first. The input change is named where one input row "
        "explains it (file, row, column, old → new).",
        [
            Facts([
                ("These figures: refresh", current, "text"),
                ("Compared with: refresh", previous, "text"),
            ]),
            Table("Changes", frames["gap_changes"], [
                Col("scenario_id", "Scenario"),
                Col("capability_code", "Capability"),
                Col("capability_name", "Name", "wrap", width=30),
                Col("change", "Change"),
                Col("years", "Years affected", "wrap", width=16),
                Col("risk_before", f"Risk before, {run.base_year}", "risk"),
                Col("risk_now", f"Risk now, {run.base_year}", "risk"),
                Col("shortfall_before", f"Shortfall before, {run.base_year}", "qty"),
                Col("shortfall_now", f"Shortfall now, {run.base_year}", "qty"),
                Col("largest_shortfall_change", "Largest change in any year", "qty"),
                Col("cause", "Input change that explains it", "wrap", width=50),
            ], empty="No risk level or shortfall changed." if len(runs) > 1
                else "Nothing to compare yet."),
        ],
        freeze_cols=2,
    )
