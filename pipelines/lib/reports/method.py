"""Method: the parameters of this run and how every figure is made, in plain words.
"""

from __future__ import annotations

import pandas as pd

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.look import METHOD, Col
from pipelines.lib.reports.writer import Facts, Links, ReportBook, Table, write_sheet


NAME = "Method"
SHOWS = "the parameters of this run and how every figure is made"


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    facts = frames["facts"].iloc[0]
    method = pd.DataFrame(METHOD, columns=["topic", "text"])
    bands = pd.DataFrame({
        "coverage": ["100 % (no shortfall)", "75 % or more", "50 % or more", "less than 50 %"],
        "essential": ["none", "moderate", "significant", "high"],
        "important": ["none", "low", "moderate", "significant"],
        "desirable": ["none", "low", "low", "moderate"],
    })
    write_sheet(
        report, NAME,
        "Method — the parameters of this run and how each figure is made",
        "In plain words; the full rules are in the project's docs/methodology.md.",
        [
            Facts([
                ("Base year", run.base_year, "year"),
                ("Horizon", f"{run.base_year}–{run.last_year} ({run.horizon_years} years "
                            "after the base year)", "text"),
                ("Scenarios assessed", facts.scenarios, "int"),
                ("Source files read", facts.source_files, "int"),
                ("Rejected values or files", facts.rejected_values, "int"),
                ("Superseded inventory rows", facts.superseded_rows, "int"),
                ("Handling marking", run.marking, "text"),
                ("Run id", run.run_id, "text"),
            ], heading="Parameters"),
            Table("Methodology", method, [
                Col("topic", "Topic", width=28),
                Col("text", "How it is done", "wrap", width=110),
            ], heading="How the figures are made"),
            Table("RiskMatrix", bands, [
                Col("coverage", "Coverage of a line", width=28),
                Col("essential", "Essential", "risk", width=14),
                Col("important", "Important", "risk", width=14),
                Col("desirable", "Desirable", "risk", width=14),
            ], heading="Risk of a line"),
        ],
    )
