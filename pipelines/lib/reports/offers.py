"""Offers after an invocation: needs against offers, whom to thank, whom to ask, offers
left unused (sheet); needs against offers and the coordination matrix (charts).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.figures import style_figure
from pipelines.lib.reports.look import EU_BLUE, NAVY, RISK_COLOURS, Col
from pipelines.lib.reports.writer import Links, ReportBook, Table, write_sheet


NAME = "Offers"
SHOWS = (
    "after an invocation: needs against offers, whom to thank, whom to ask, offers "
    "left unused"
)


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    write_sheet(
        report, NAME,
        "Offers — matching what member states offer to what the invoking state needs",
        f"Offers are allocated to the requirement lines by the same rule as the inventory, once, "
        f"against {run.base_year}. Unmet needs list whom to ask: states holding eligible units "
        "quick enough, fastest first. NATO double-hatting: the offering state declares part of "
        "that capability committed to NATO while Art. 5 runs at the same time.",
        [
            Table("OfferNeeds", frames["offer_lines"], [
                Col("scenario_id", "Scenario"),
                Col("line_id", "Line"),
                Col("role", "Role"),
                Col("capability_code", "Capability"),
                Col("capability_name", "Name", "wrap", width=30),
                Col("criticality", "Criticality"),
                Col("max_readiness_days", "Needed within (days)", "int"),
                Col("required", "Required", "qty"),
                Col("offered", "Offered in time", "qty"),
                Col("allocated", "Accepted", "qty"),
                Col("unmet", "Unmet", "qty"),
                Col("coverage", "Coverage", "pct"),
            ], heading="Needs against offers", empty="No offers have been received."),
            Table("OffersAccepted", frames["offer_accepted"], [
                Col("scenario_id", "Scenario"),
                Col("member_state", "State"),
                Col("member_state_name", "Name"),
                Col("line_id", "Line"),
                Col("capability_code", "Capability"),
                Col("capability_name", "Name", "wrap", width=30),
                Col("criticality", "Criticality"),
                Col("allocated", "Accepted", "qty"),
                Col("fastest_available_in_days", "Available in (days)", "int"),
                Col("caveats", "Caveats", "wrap", width=40),
                Col("nato_double_hatting", "NATO double-hatting", "yesno"),
                Col("nato_committed_held", "Declared NATO-committed", "qty"),
            ], heading="Accepted offers: whom to thank", empty="No offer was accepted."),
            Table("WhomToAsk", frames["offer_whom_to_ask"], [
                Col("scenario_id", "Scenario"),
                Col("line_id", "Line"),
                Col("capability_code", "Capability"),
                Col("capability_name", "Name", "wrap", width=30),
                Col("unmet", "Unmet", "qty"),
                Col("ask_rank", "Ask", "rank"),
                Col("member_state", "State"),
                Col("member_state_name", "Name"),
                Col("fastest_readiness_days", "Fastest readiness (days)", "int"),
                Col("eligible_quantity", "Eligible quantity", "qty"),
                Col("has_offered", "Has offered", "yesno"),
            ], heading="Unmet needs: whom to ask (first five)", empty="Every need is met."),
            Table("OfferSurplus", frames["offer_surplus"], [
                Col("scenario_id", "Scenario"),
                Col("member_state", "State"),
                Col("capability_code", "Capability"),
                Col("capability_name", "Name", "wrap", width=30),
                Col("offered", "Offered", "qty"),
                Col("used", "Used", "qty"),
                Col("unused", "Left unused", "qty"),
                Col("available_in_days", "Available in (days)", "int"),
                Col("status", "Status", "wrap", width=30),
                Col("caveats", "Caveats", "wrap", width=30),
                Col("source_file", "Source file"),
                Col("row_number", "Row", "int"),
            ], heading="Every offer: used and left unused", empty="No offers have been received."),
        ],
    )


def offers_figure(lines: pd.DataFrame) -> go.Figure:
    labels = [f"{s} {l} · {c}" for s, l, c in zip(lines.scenario_id, lines.line_id,
                                                  lines.capability_code)]
    fig = go.Figure()
    for label, column, colour in (("required", "required", NAVY),
                                  ("offered in time", "offered", "#A5A5A5"),
                                  ("accepted", "allocated", EU_BLUE)):
        fig.add_trace(go.Bar(
            y=labels, x=lines[column], name=label, orientation="h", marker_color=colour,
            hovertemplate="%{y}: " + label + " %{x:,.1f}<extra></extra>",
        ))
    return style_figure(fig, max(320, 28 * len(lines) + 120), barmode="group",
                   xaxis={"title": {"text": "force-pool units"}},
                   yaxis={"autorange": "reversed"},
                   legend={"orientation": "h", "y": 1.0, "yanchor": "bottom"})


def coordination_figure(coordination: pd.DataFrame) -> go.Figure:
    matrix = coordination.pivot_table(index="member_state", columns="capability_code",
                                      values="accepted", aggfunc="sum", sort=True)
    fig = go.Figure(go.Heatmap(
        z=matrix.to_numpy(), x=list(matrix.columns), y=list(matrix.index),
        colorscale=[[0, "#DEEBF7"], [1, NAVY]], hoverongaps=False,
        colorbar={"title": {"text": "accepted"}},
        hovertemplate="%{y} · %{x}: %{z:,.1f} accepted<extra></extra>",
    ))
    flagged = coordination[coordination.nato_double_hatting.astype(bool)]
    fig.add_trace(go.Scatter(
        x=flagged.capability_code, y=flagged.member_state, mode="markers", name="NATO double-hatting",
        marker={"symbol": "square-open", "size": 26, "color": RISK_COLOURS["significant"],
                "line": {"width": 3}},
        hovertemplate="%{y} · %{x}: NATO double-hatting<extra></extra>",
    ))
    return style_figure(fig, max(320, 34 * len(matrix.index) + 160), legend={"orientation": "h", "y": 1.08},
                   xaxis={"type": "category"}, yaxis={"type": "category", "autorange": "reversed"})
