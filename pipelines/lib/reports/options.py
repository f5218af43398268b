"""Options: what closes the gaps for the money (methodology §11). The sheet gives the
choice at the options file's budget — each option, who holds it, its cost — then what
the choice closes per scenario and capability, then the frontier; the charts draw the
frontier (budget against weighted shortfall) and the shortfall per capability before
and after the choice.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.figures import style_figure
from pipelines.lib.reports.look import EU_BLUE, NAVY, RISK_COLOURS, Col
from pipelines.lib.reports.writer import Facts, Links, ReportBook, Table, write_sheet

NAME = "Options"
SHOWS = ("what closes the gaps for the money: the options chosen within the budget, what "
         "they close, and what each further budget would buy")


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    chosen, effects, frontier = (frames["options"], frames["option_effects"],
                                 frames["option_frontier"])
    point = frontier[frontier.is_choice]
    facts = []
    if len(point):
        p = point.iloc[0]
        facts = [Facts([
            ("Budget", f"{p.budget_meur:,.0f} M€", "text"),
            ("Chosen", f"{int(p.options)} options costing {p.cost_meur:,.0f} M€", "text"),
            ("Weighted shortfall", f"{p.weighted_shortfall:,.0f} of "
                                   f"{p.weighted_shortfall_none:,.0f} with no option "
                                   f"({p.share_closed:.0%} closed)", "text"),
            ("Essential shortfall left", p.essential_shortfall, "qty"),
        ], heading="The choice")]
    write_sheet(
        report, NAME,
        f"Options — what closes the gaps for the money, {run.base_year}–{run.last_year}",
        "Weighted shortfall = Σ over scenarios, years and lines of likelihood × weight "
        "(essential 100, important 10, desirable 1) × shortfall. The choice is the set of "
        "options with the least of it within the budget, exclusions and requirements, "
        "proven optimal and re-checked by the engine (methodology §11).",
        [
            *facts,
            Table("OptionsChosen", chosen, [
                Col("option_id", "Option"),
                Col("title", "What", "wrap", width=34),
                Col("capability_code", "Capability"),
                Col("capability_name", "Name", "wrap", width=26),
                Col("member_state", "Held by"),
                Col("quantity", "Quantity", "qty"),
                Col("readiness_days", "Readiness (days)", "int"),
                Col("available_from", "From", "year"),
                Col("cost_meur", "Cost (M€)", "qty"),
            ], heading="The options chosen",
                empty="No options file, or no option is worth its cost within the budget."),
            Table("OptionEffects", effects, [
                Col("scenario_id", "Scenario"),
                Col("capability_code", "Capability"),
                Col("capability_name", "Name", "wrap", width=26),
                Col("shortfall_before", f"Shortfall {run.base_year}, before", "qty"),
                Col("shortfall_after", f"Shortfall {run.base_year}, after", "qty"),
                Col("first_year", "From", "year"),
                Col("last_year", "To", "year"),
                Col("closed_over_the_horizon", "Closed over the horizon", "qty"),
            ], heading="What the choice closes", empty="The choice closes nothing."),
            Table("OptionFrontier", frontier, [
                Col("budget_meur", "Budget (M€)", "qty"),
                Col("cost_meur", "Cost (M€)", "qty"),
                Col("options", "Options", "int"),
                Col("weighted_shortfall", "Weighted shortfall", "qty"),
                Col("share_closed", "Closed", "pct"),
                Col("essential_shortfall", "Essential shortfall", "qty"),
                Col("option_ids", "Which", "wrap", width=60),
            ], heading="What each budget buys (the frontier)",
                empty="No options file."),
        ],
    )


def frontier_figure(frontier: pd.DataFrame) -> go.Figure:
    """Budget against the weighted and the essential shortfall left, each point labelled
    with its options; the file's budget marked."""
    fig = go.Figure()
    if frontier.empty:
        return style_figure(fig, 420, title={"text": "no options file"})
    hover = [f"{b:,.0f} M€: {int(n)} options costing {c:,.0f} M€<br>"
             + html.escape(ids or "none").replace(", ", "<br>")
             for b, n, c, ids in zip(frontier.budget_meur, frontier.options,
                                     frontier.cost_meur, frontier.option_ids)]
    fig.add_trace(go.Scatter(
        x=frontier.budget_meur, y=frontier.weighted_shortfall, mode="lines+markers+text",
        line={"shape": "hv", "color": NAVY, "width": 2}, name="weighted shortfall",
        text=[f"{int(n)}" for n in frontier.options], textposition="top right",
        hovertext=hover, hoverinfo="text"))
    fig.add_trace(go.Scatter(
        x=frontier.budget_meur, y=frontier.essential_shortfall, mode="lines+markers",
        line={"shape": "hv", "color": RISK_COLOURS["high"], "dash": "dash"}, yaxis="y2",
        name="essential shortfall (units)",
        hovertemplate="%{x:,.0f} M€: essential shortfall %{y:,.1f}<extra></extra>"))
    chosen = frontier[frontier.is_choice]
    if len(chosen):
        fig.add_vline(x=float(chosen.budget_meur.iloc[0]), line_dash="dot", line_color=EU_BLUE,
                      annotation_text="the file's budget", annotation_position="top")
    return style_figure(
        fig, 460,
        xaxis={"title": {"text": "budget (M€)"}, "rangemode": "tozero"},
        yaxis={"title": {"text": "weighted shortfall"}, "rangemode": "tozero"},
        yaxis2={"title": {"text": "essential shortfall (units)"}, "overlaying": "y",
                "side": "right", "rangemode": "tozero", "showgrid": False},
        legend={"orientation": "h", "y": 1.12},
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
    )


def before_after_figure(effects: pd.DataFrame) -> go.Figure:
    """Base-year shortfall per capability (summed over scenarios) before and after the
    choice at the file's budget."""
    fig = go.Figure()
    rows = effects.dropna(subset=["shortfall_before"])
    if rows.empty:
        return style_figure(fig, 360, title={"text": "the choice closes nothing in the base year"})
    per = (rows.groupby("capability_code", sort=True)[["shortfall_before", "shortfall_after"]]
           .sum().sort_values("shortfall_before"))
    for label, column, colour in (("before", "shortfall_before", "#A5A5A5"),
                                  ("after the choice", "shortfall_after", EU_BLUE)):
        fig.add_trace(go.Bar(y=list(per.index), x=per[column], name=label, orientation="h",
                             marker_color=colour,
                             hovertemplate="%{y}: shortfall %{x:,.1f} (" + label + ")"
                                           "<extra></extra>"))
    return style_figure(fig, max(320, 28 * len(per) + 120), barmode="group",
                        xaxis={"title": {"text": "shortfall in the base year, all scenarios"}},
                        legend={"orientation": "h", "y": 1.05, "traceorder": "reversed"})
