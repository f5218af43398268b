"""The workbook a working group receives: its sheets in order, one module each.

Each sheet module has `NAME` (the tab), `SHOWS` (a line for the Cover's contents) and
`sheet(report, frames, run, links)`, which lays the sheet out from `frames.report_frames`.
A new sheet is a new module added to `SHEETS`.
"""

from __future__ import annotations

import pandas as pd

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports import (
    buildup, buildup_lines, burden_sharing, changes, concurrency, confidence, contributions, cover,
    data_issues, method, offers, options, priorities, scorecard, shortfalls, summary, trajectory,
    what_if,
)
from pipelines.lib.reports.writer import Links, ReportBook, row_link

SHEETS = [
    cover, summary, changes, scorecard, shortfalls, confidence, buildup, buildup_lines, trajectory,
    concurrency, priorities, options, what_if, burden_sharing, contributions, offers, data_issues,
    method,
]


def links_for(frames: dict[str, pd.DataFrame]) -> Links:
    """Where rows land: row positions are known before the target sheets are written."""
    shortfall_rows = frames["shortfalls"]
    contribution_rows = frames["contributions"]
    return Links(
        contents={module.NAME: module.SHOWS for module in SHEETS},
        shortfalls={
            key: row_link(shortfalls.NAME, index)
            for index, key in enumerate(zip(shortfall_rows.scenario_id,
                                            shortfall_rows.capability_code))
        },
        # The first row of each (scenario, capability): enumerate backwards, first wins.
        contributions={
            key: row_link(contributions.NAME, index)
            for index, key in reversed(list(enumerate(
                zip(contribution_rows.scenario_id, contribution_rows.capability_code))))
        },
    )


def build_workbook(frames: dict[str, pd.DataFrame], run: RunInfo) -> ReportBook:
    """The whole report, sheet by sheet, from `report_frames`."""
    frames = {name: frame.reset_index(drop=True) for name, frame in frames.items()}
    report = ReportBook(run.marking)
    links = links_for(frames)
    for module in SHEETS:
        module.sheet(report, frames, run, links)
    return report
