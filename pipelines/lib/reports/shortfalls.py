"""Shortfalls: the base year's capability shortfalls (sheet), the largest line
shortfalls per role, and the waterfall from held to usable (charts).
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.figures import style_figure
from pipelines.lib.reports.look import EU_BLUE, NAVY, RISK_COLOURS, RISK_LEVELS, ROLE_ORDER, Col
from pipelines.lib.reports.writer import Links, ReportBook, Table, write_sheet


NAME = "Shortfalls"
SHOWS = (
    "the base year's capability shortfalls: how much, how bad, acquisition or "
    "management, when the gap closes"
)


TOP_LINES = 12


# Each pair in the waterfall's menu carries a visibility switch for every trace, so the
# page grows with the square of the pairs: 3,105 pairs at 200 scenarios made 124 MB.
TOP_WATERFALLS = 40


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    shortfalls = frames["shortfalls"]
    pairs = zip(shortfalls.scenario_id, shortfalls.capability_code)
    frame = shortfalls.assign(link=[links.contributions.get(pair) for pair in pairs])
    write_sheet(
        report, NAME,
        f"Shortfalls — base year {run.base_year}",
        "Acquisition: only new capability closes it. Management: better readiness, caveats, "
        f"availability or NATO deconfliction could. Closes in: blank = still open in "
        f"{run.last_year}. Click a capability for who contributes.",
        [Table("Shortfalls", frame, [
            Col("scenario_id", "Scenario"),
            Col("roles", "Role"),
            Col("capability_code", "Capability", "link", link="link"),
            Col("capability_name", "Name", "wrap", width=38),
            Col("required", "Required", "qty"),
            Col("allocated", "Allocated", "qty"),
            Col("shortfall", "Shortfall", "qty"),
            Col("coverage", "Coverage", "pct"),
            Col("risk_level", "Risk", "risk"),
            Col("shortfall_acquisition", "Acquisition", "qty"),
            Col("shortfall_management", "Management", "qty"),
            Col("closes_in_year", "Closes in", "year"),
        ], empty="No shortfall in the base year.")],
        freeze_cols=3,
    )


def top_shortfalls_figure(lines: pd.DataFrame) -> go.Figure:
    roles = [r for r in ROLE_ORDER if r in set(lines.role)] or list(ROLE_ORDER)
    fig = make_subplots(rows=1, cols=len(roles), subplot_titles=roles, horizontal_spacing=0.22)
    shown_levels = set()
    for column, role in enumerate(roles, start=1):
        top = lines[lines.role == role].head(TOP_LINES)
        labels = [f"{s} · {c}" for s, c in zip(top.scenario_id, top.capability_code)]
        top = top.assign(label=labels)
        for level in RISK_LEVELS:
            part = top[top.risk_level == level]
            if part.empty:
                continue
            fig.add_trace(go.Bar(
                x=part.shortfall, y=part.label, orientation="h", name=level,
                legendgroup=level, showlegend=level not in shown_levels,
                marker_color=RISK_COLOURS[level],
                customdata=list(zip(part.line_id, part.capability_name.fillna("").map(html.escape),
                                    part.required, part.allocated, part.criticality)),
                hovertemplate="%{y} (line %{customdata[0]})<br>%{customdata[1]}<br>"
                              "%{customdata[4]}: required %{customdata[2]:,.1f}, allocated "
                              "%{customdata[3]:,.1f}, shortfall %{x:,.1f}<extra></extra>",
            ), row=1, col=column)
            shown_levels.add(level)
        fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], row=1, col=column)
        fig.update_xaxes(title_text="shortfall", row=1, col=column)
    height = 140 + 26 * max(TOP_LINES, 1)
    return style_figure(fig, height, barmode="stack", legend={"title": {"text": "risk"}})


WATERFALL_STEPS = [
    ("held", "held", "absolute"),
    ("not_deployable", "not deployable", "relative"),
    ("unavailable", "unavailable", "relative"),
    ("nato_committed", "NATO-committed", "relative"),
    ("too_slow", "too slow", "relative"),
    ("usable", "usable", "absolute"),  # the warehouse's figure, not plotly's running sum
]


def waterfall_figure(base: pd.DataFrame) -> go.Figure:
    pairs = base[base.shortfall > 0] if (base.shortfall > 0).any() else base
    pairs = pairs.sort_values(["shortfall", "scenario_id", "capability_code"],
                              ascending=[False, True, True]).head(TOP_WATERFALLS)
    steps = [label for _, label, _ in WATERFALL_STEPS]
    fig = go.Figure()
    titles = []
    for number, pair in enumerate(pairs.itertuples()):
        values = [pair.held, -pair.not_deployable, -pair.unavailable, -pair.nato_committed,
                  -pair.too_slow, pair.usable]
        fig.add_trace(go.Waterfall(
            x=steps, y=values, measure=[m for _, _, m in WATERFALL_STEPS], visible=number == 0,
            name="held → usable", connector={"line": {"color": "#BFBFBF"}},
            increasing={"marker": {"color": EU_BLUE}}, decreasing={"marker": {"color": "#A5A5A5"}},
            totals={"marker": {"color": NAVY}},
            texttemplate="%{y:,.1f}", textposition="outside",
            hovertemplate="%{x}: %{y:,.1f}<extra></extra>",
        ))
        fig.add_trace(go.Scatter(
            x=steps, y=[pair.required] * len(steps), mode="lines", visible=number == 0,
            name=f"required {pair.required:,.1f}",
            line={"color": RISK_COLOURS["high"], "dash": "dash", "width": 2},
            hovertemplate=f"required {pair.required:,.1f}<extra></extra>",
        ))
        titles.append(
            f"{html.escape(pair.scenario_id)} · {html.escape(pair.capability_code)}: required "
            f"{pair.required:,.1f}, allocated {pair.allocated:,.1f}, shortfall "
            f"{pair.shortfall:,.1f} (acquisition {pair.shortfall_acquisition:,.1f}, "
            f"management {pair.shortfall_management:,.1f})")
    count = len(titles)
    buttons = [{
        "label": f"{pair.scenario_id} · {pair.capability_code}", "method": "update",
        "args": [{"visible": [i // 2 == number for i in range(2 * count)]},
                 {"title": {"text": titles[number]}}],
    } for number, pair in enumerate(pairs.itertuples())]
    return style_figure(
        fig, 540, title={"text": titles[0] if titles else "no capability to show",
                         "y": 0.97, "yanchor": "top", "font": {"size": 14}},
        showlegend=True, yaxis={"title": {"text": "units"}},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left",
                      "y": 1.16, "yanchor": "top"}] if buttons else [],
        margin={"l": 10, "r": 10, "t": 130, "b": 40},
    )
