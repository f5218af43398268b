"""Priorities: the CDP-style ranked list of capabilities.
"""

from __future__ import annotations

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.look import Col
from pipelines.lib.reports.writer import Links, ReportBook, Table, write_sheet


NAME = "Priorities"
SHOWS = "the CDP-style ranked list of capabilities"


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    priorities = frames["priorities"]
    write_sheet(
        report, NAME,
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
