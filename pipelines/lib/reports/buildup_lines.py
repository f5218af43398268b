"""Build-up by line: when each requirement line is met after an invocation, by its
deadline or only if the deadline slips (methodology §13)."""

from __future__ import annotations

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.buildup import line_status
from pipelines.lib.reports.look import Col
from pipelines.lib.reports.writer import Links, ReportBook, Table, write_sheet

NAME = "Build-up by line"
SHOWS = "when each requirement line is met after an invocation, or would be if it may slip"


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    lines = frames["buildup_lines"]
    lines = lines.assign(status=[line_status(line) for line in lines.itertuples()])
    write_sheet(
        report, NAME,
        f"Build-up by line — when each line is met, base year {run.base_year}",
        "Met by day: the first checkpoint after the invocation by which the line has all it "
        "requires from units within its deadline. If it may slip: the same, counting units "
        "that arrive after its deadline (methodology §13).",
        [
            Table("LinesMet", lines, [
                Col("scenario_id", "Scenario"),
                Col("line_id", "Line"),
                Col("role", "Role"),
                Col("capability_code", "Capability"),
                Col("capability_name", "Name", "wrap", width=30),
                Col("criticality", "Criticality"),
                Col("max_readiness_days", "Deadline (days)", "int"),
                Col("required", "Required", "qty"),
                Col("allocated", "By the deadline", "qty"),
                Col("risk_level", "Risk", "risk"),
                Col("day_met", "Met by day", "int"),
                Col("day_met_if_late", "Met by day if it may slip", "int"),
                Col("status", "When", "wrap", width=34),
            ], empty="No requirement lines."),
        ],
        freeze_cols=2,
    )
