"""Contributions: who fills which requirement line, state by state.
"""

from __future__ import annotations

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.look import Col
from pipelines.lib.reports.writer import Links, ReportBook, Table, write_sheet


NAME = "Contributions"
SHOWS = "who fills which requirement line, state by state, and the whole units to request"


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    contributions = frames["contributions"]
    write_sheet(
        report, NAME,
        f"Contributions — who fills what, base year {run.base_year}",
        "One row per line and member state; a line's rows add up to its allocated. Allocated "
        "is an expected share of units (quantity × availability, split pro rata); units to "
        "request rounds it to whole units a state can be asked for, keeping each line's "
        "total (the Method sheet says how). Readiness: the notice to move of the units "
        "drawn, fastest to slowest.",
        [Table("Contributions", contributions, [
            Col("scenario_id", "Scenario"),
            Col("capability_code", "Capability"),
            Col("capability_name", "Name", "wrap", width=26),
            Col("line_id", "Line"),
            Col("role", "Role"),
            Col("criticality", "Criticality"),
            Col("member_state", "State"),
            Col("is_invoking_state", "Invoking state", "yesno"),
            Col("allocated", "Allocated", "qty"),
            Col("units", "Units to request", "int"),
            Col("fastest_readiness_days", "Readiness from (days)", "int"),
            Col("slowest_readiness_days", "Readiness to (days)", "int"),
            Col("line_required", "Line required", "qty"),
            Col("line_allocated", "Line allocated", "qty"),
        ], empty="No unit contributes to any line.")],
        freeze_cols=3,
    )
