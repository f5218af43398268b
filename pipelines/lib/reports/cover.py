"""Cover: the run, the data it read (with sha256), and the contents of the workbook.
"""

from __future__ import annotations

import pandas as pd

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.look import Col
from pipelines.lib.reports.writer import Facts, Links, ReportBook, Table, write_sheet


NAME = "Cover"
SHOWS = "this page: the run, the data it read and where each sheet's figures come from"


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    facts = frames["facts"].iloc[0]
    contents = pd.DataFrame({
        "sheet": list(links.contents), "shows": list(links.contents.values()),
        "link": [f"'{name}'!A1" for name in links.contents],
    })
    write_sheet(
        report, NAME,
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
