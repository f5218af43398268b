"""Summary: the answer per scenario, the headline, per scenario and role, what changed.
"""

from __future__ import annotations

import pandas as pd

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports import changes
from pipelines.lib.reports.answer import scenario_answers
from pipelines.lib.reports.look import Col
from pipelines.lib.reports.writer import Facts, Links, Paragraphs, ReportBook, Table, write_sheet


NAME = "Summary"
SHOWS = "the answer per scenario in words, the headline, per scenario and role"


def confidence_fact(status) -> list[tuple[str, object, str]]:
    """'met in at least 90 % of draws' beside 'met in full' (methodology §10)."""
    if isinstance(status.withheld_because, str) or pd.isna(status.draws):
        return [("met in at least 90 % of plausible worlds: not computed (Confidence sheet)",
                 "—", "text")]
    return [(f"met in at least 90 % of {int(status.draws):,} plausible worlds (Monte Carlo "
             "draws, Confidence sheet)", status.lines_confident, "int")]


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    facts = frames["facts"].iloc[0]
    write_sheet(
        report, NAME,
        f"Summary — base year {run.base_year}",
        "Requirement lines are the lines of the scenarios; a capability shortfall is one "
        "scenario short of one capability. Quantities are force pools (quantity × rotation).",
        [
            # One line each: covered or not, the gaps, how fast, who helps.
            Paragraphs([(a.scenario_id, "\n".join(a.parts))
                        for a in scenario_answers(frames, run)],
                       heading="The answer, scenario by scenario"),
            Facts([
                ("requirement lines in all scenarios", facts.lines, "int"),
                ("met in full", facts.lines_met, "int"),
                *confidence_fact(frames["confidence_status"].iloc[0]),
                ("with a shortfall", facts.lines_short, "int"),
                ("of them at high risk", facts.high_risk_lines, "int"),
                ("of them at significant risk", facts.significant_risk_lines, "int"),
                ("capability shortfalls", facts.capability_shortfalls, "int"),
                ("closable by better management of existing forces",
                 facts.closable_by_management, "int"),
                ("needing new capability (acquisition)", facts.needing_acquisition, "int"),
            ], heading="Headline", value_first=True),
            Table("Headline", frames["headline"], [
                Col("scenario_id", "Scenario"),
                Col("name", "Name", "wrap", width=40),
                Col("invoking_state", "Invoking state"),
                Col("nato_article5_concurrent", "NATO Art. 5 at once", "yesno"),
                Col("likelihood", "Likelihood", "int"),
                Col("lines", "Lines", "int"),
                Col("lines_met", "Met", "int"),
                Col("high_risk_lines", "High risk", "int"),
                Col("significant_risk_lines", "Significant risk", "int"),
                Col("capability_shortfalls", "Capability shortfalls", "int"),
                Col("closable_by_management", "Closable by management", "int"),
                Col("needing_acquisition", "Need new capability", "int"),
            ], heading="Per scenario"),
            Table("ScenarioRoles", frames["roles"], [
                Col("scenario_id", "Scenario"),
                Col("role", "Role"),
                Col("lines", "Lines", "int"),
                Col("lines_met", "Met", "int"),
                Col("required", "Required", "qty"),
                Col("allocated", "Allocated", "qty"),
                Col("shortfall", "Shortfall", "qty"),
                Col("coverage", "Coverage", "pct"),
                Col("high_risk_lines", "High risk", "int"),
                Col("significant_risk_lines", "Significant risk", "int"),
            ], heading="Per scenario and role"),
            Facts([
                (f"scenario and capability pairs changed since the previous refresh, "
                 f"listed on the {changes.NAME} sheet", len(frames["gap_changes"]), "int"),
            ], heading="What changed", value_first=True),
        ],
    )
