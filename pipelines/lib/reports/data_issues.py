"""Data issues: every input row the figures do not use, and why.
"""

from __future__ import annotations

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.look import Col
from pipelines.lib.reports.writer import Links, ReportBook, Table, write_sheet


NAME = "Data issues"
SHOWS = "every rejected or superseded input row, with the reason"


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    issues = frames["data_issues"]
    write_sheet(
        report, NAME,
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
