"""Confidence: how sure a line is to be met when units may be in maintenance and states
may say no (methodology §10). The sheet gives, per scenario, year and line, the §5 risk
beside the share of Monte Carlo draws in which the line is met, its confidence band and
its coverage p05 / p50 / p95; the fan chart draws the p05–p95 band over the horizon.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.figures import style_figure
from pipelines.lib.reports.look import EU_BLUE, NAVY, RISK_COLOURS, Col
from pipelines.lib.reports.writer import Facts, Links, ReportBook, Table, write_sheet

NAME = "Confidence"
SHOWS = ("how sure each line is: the share of plausible worlds (Monte Carlo draws) in which "
         "it is met, beside its risk, and its coverage band")
TOP_FANS = 40  # the menu's pairs: each carries a switch for every trace (see shortfalls.py)


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    lines = frames["confidence"]
    status = frames["confidence_status"].iloc[0]
    blocks = []
    if isinstance(status.withheld_because, str):
        blocks.append(Facts([("Withheld", "put these rows of the participation file right "
                              f"first: {status.withheld_because}", "text")]))
    blocks.append(Table("Confidence", lines, [
        Col("scenario_id", "Scenario"),
        Col("year", "Year", "year"),
        Col("line_id", "Line"),
        Col("role", "Role"),
        Col("capability_code", "Capability"),
        Col("capability_name", "Name", "wrap", width=28),
        Col("criticality", "Criticality"),
        Col("coverage", "Coverage (expected)", "pct"),
        Col("risk_level", "Risk", "risk"),
        Col("p_met", "Met in share of draws", "pct"),
        Col("confidence", "Confidence"),
        Col("coverage_p05", "Coverage p05", "pct"),
        Col("coverage_p50", "Coverage p50", "pct"),
        Col("coverage_p95", "Coverage p95", "pct"),
        Col("shortfall_mean", "Mean shortfall", "qty"),
    ], empty="No Monte Carlo figures."))
    draws = f"{int(status.draws):,}" if pd.notna(status.draws) else "no"
    seed = int(status.seed) if pd.notna(status.seed) else "—"
    write_sheet(
        report, NAME,
        f"Confidence — how sure each line is, {run.base_year}–{run.last_year}",
        f"Each of {draws} draws (seed {seed}) is a plausible world: every unit is "
        "available or not (its availability is the chance), every state other than the "
        "invoking one takes part in a role or not (reference/participation.csv). Met in "
        "share of draws: how often the line gets all it requires; confidence high ≥ 90 %, "
        "medium ≥ 50 %, else low (methodology §10).",
        blocks,
        freeze_cols=3,
    )


def fan_figure(lines: pd.DataFrame, run: RunInfo) -> go.Figure:
    """Coverage p05–p95 over the horizon, one line of one scenario at a time (menu): first
    the lines the draws leave uncertain in the base year (0 < p_met < 1), least likely to
    be met first; then those met in no draw or in every one, whose band says little."""
    fig = go.Figure()
    if lines.empty:
        return style_figure(fig, 420, title={"text": "no Monte Carlo figures"})
    base = lines[lines.year == run.base_year]
    base = base.assign(_settled=(base.p_met <= 0) | (base.p_met >= 1)).sort_values(
        ["_settled", "p_met", "scenario_id", "line_id"])
    pairs = list(zip(base.scenario_id, base.line_id))[:TOP_FANS]
    titles = []
    for number, (sid, line_id) in enumerate(pairs):
        rows = lines[(lines.scenario_id == sid) & (lines.line_id == line_id)].sort_values("year")
        first = rows.iloc[0]
        visible = number == 0
        fig.add_trace(go.Scatter(x=rows.year, y=rows.coverage_p05, mode="lines",
                                 line={"width": 0, "color": EU_BLUE}, showlegend=False,
                                 visible=visible, hoverinfo="skip"))
        fig.add_trace(go.Scatter(
            x=rows.year, y=rows.coverage_p95, mode="lines", fill="tonexty",
            fillcolor="rgba(0, 51, 153, 0.18)", line={"width": 0, "color": EU_BLUE},
            name="coverage p05–p95 of the draws", visible=visible,
            customdata=list(zip(rows.coverage_p05, rows.coverage_p95)),
            hovertemplate="%{x}: 90 % of draws between %{customdata[0]:.0%} and "
                          "%{customdata[1]:.0%}<extra></extra>"))
        fig.add_trace(go.Scatter(
            x=rows.year, y=rows.coverage_p50, mode="lines+markers", name="median draw",
            line={"color": NAVY, "width": 2}, visible=visible, customdata=rows.p_met,
            hovertemplate="%{x}: median %{y:.0%}; met in %{customdata:.0%} of draws"
                          "<extra></extra>"))
        fig.add_trace(go.Scatter(
            x=rows.year, y=rows.coverage, mode="lines", name="expected values (§3)",
            line={"color": RISK_COLOURS["high"], "dash": "dash", "width": 1.5},
            visible=visible, hovertemplate="%{x}: %{y:.0%} on expected values<extra></extra>"))
        name = first.capability_name if isinstance(first.capability_name, str) else ""
        titles.append(f"{html.escape(sid)} · {html.escape(line_id)} · "
                      f"{html.escape(first.capability_code)} {html.escape(name)}<br>"
                      f"<sup>met in {first.p_met:.0%} of the draws in {run.base_year}</sup>")
    traces = 4
    buttons = [{
        "label": f"{sid} · {line_id}", "method": "update",
        "args": [{"visible": [i // traces == number for i in range(traces * len(pairs))]},
                 {"title": {"text": titles[number]}}],
    } for number, (sid, line_id) in enumerate(pairs)]
    return style_figure(
        fig, 480,
        # Laid out as the waterfall: the menu above the plot, the title above the menu.
        title={"text": titles[0], "y": 0.97, "yanchor": "top", "font": {"size": 14}},
        xaxis={"title": {"text": "year"}, "dtick": 1},
        yaxis={"title": {"text": "coverage of the line"}, "tickformat": ".0%",
               "range": [0, 1.05]},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left",
                      "y": 1.16, "yanchor": "top"}],
        margin={"l": 10, "r": 10, "t": 130, "b": 40},
    )

