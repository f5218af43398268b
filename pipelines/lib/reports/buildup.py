"""Build-up: how fast the cover arrives after an invocation (methodology §13). The sheet
gives, per scenario and role, the share of the requirement covered at each checkpoint
day, and per line when it is met; the chart draws the same shares as steps, with the
lines' deadlines marked.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.figures import style_figure
from pipelines.lib.reports.look import COLOURWAY, GREY_TEXT, Col
from pipelines.lib.reports.writer import Links, ReportBook, Table, write_sheet

NAME = "Build-up"
SHOWS = (
    "how fast the cover arrives after an invocation: the share of the requirement covered "
    "at D+0 … D+180 per scenario and role"
)
ALL_ROLES = "all roles"


def day_label(day) -> str:
    return f"D+{int(day)}"


def line_status(line) -> str:
    """When a line is met, in words: by its deadline, only if the deadline slips, or not."""
    last = day_label(line.last_day) if pd.notna(line.last_day) else "the last checkpoint"
    if pd.notna(line.day_met):
        return f"met by {day_label(line.day_met)}"
    if pd.notna(line.day_met_if_late):
        return f"not by its deadline; by {day_label(line.day_met_if_late)} if it may slip"
    return f"not met by {last}, even if its deadline slips"


def shares_wide(buildup: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """One row per scenario and role, one column per checkpoint day (the covered share)."""
    days = sorted(int(d) for d in buildup.day.unique())
    if buildup.empty:
        return pd.DataFrame(columns=["scenario_id", "role", "required"]), days
    wide = buildup.pivot_table(index=["scenario_id", "role"], columns="day", values="share",
                               aggfunc="first", sort=False)
    wide.columns = [day_label(d) for d in wide.columns]
    required = buildup.groupby(["scenario_id", "role"], sort=False).required.first()
    wide = wide.join(required).reset_index()
    # The scenario's total first, then its roles, as the query orders them.
    return wide, days


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    wide, days = shares_wide(frames["buildup"])
    write_sheet(
        report, NAME,
        f"Build-up — how fast the cover arrives after an invocation, base year {run.base_year}",
        "Share of the requirement covered by each day after the invocation (D+0 is the day "
        "of the invocation), counting only units that also meet each line's deadline "
        "(methodology §13). The Build-up by line sheet says when each line is met.",
        [
            Table("BuildUp", wide, [
                Col("scenario_id", "Scenario"),
                Col("role", "Role"),
                Col("required", "Required", "qty"),
                *[Col(day_label(d), day_label(d), "pct", width=8) for d in days],
            ], empty="No scenario has requirement lines."),
        ],
        freeze_cols=2,
    )


def _x(day) -> float:
    # A square-root day axis: the first days, when forces move, get the room they need,
    # and D+180 still fits.
    return math.sqrt(float(day))


def buildup_figure(buildup: pd.DataFrame, lines: pd.DataFrame) -> go.Figure:
    """Steps of the covered share per role, one scenario at a time (menu), with each
    line's deadline as a dotted vertical line and the share if deadlines slip dashed."""
    scenario_ids = list(dict.fromkeys(buildup.scenario_id))
    days = sorted(int(d) for d in buildup.day.unique())
    fig = go.Figure()
    owners = []  # the scenario each trace belongs to, for the menu's visibility switches
    # Each scenario's rows by one grouping, not a scan of every row per scenario.
    by_scenario = dict(iter(buildup.groupby("scenario_id", sort=False)))
    lines_of = dict(iter(lines.groupby("scenario_id", sort=False)))
    for number, sid in enumerate(scenario_ids):
        rows = by_scenario.get(sid, buildup.iloc[:0])
        roles = list(dict.fromkeys(rows.role))
        for index, role in enumerate(roles):
            series = rows[rows.role == role].sort_values("day")
            total = role == ALL_ROLES
            fig.add_trace(go.Scatter(
                x=[_x(d) for d in series.day], y=series.share, mode="lines+markers",
                line={"shape": "hv", "width": 3 if total else 2,
                      "color": COLOURWAY[0] if total else COLOURWAY[1 + index % 6]},
                name=role, visible=number == 0, customdata=series.day,
                hovertemplate=f"{html.escape(role)}: %{{y:.0%}} covered by D+%{{customdata}}"
                              "<extra></extra>",
            ))
            owners.append(sid)
            if total:
                fig.add_trace(go.Scatter(
                    x=[_x(d) for d in series.day], y=series.share_if_late, mode="lines",
                    line={"shape": "hv", "dash": "dash", "color": COLOURWAY[0], "width": 1.5},
                    name="all roles, if deadlines may slip", visible=number == 0,
                    customdata=series.day,
                    hovertemplate="if deadlines may slip: %{y:.0%} by D+%{customdata}"
                                  "<extra></extra>",
                ))
                owners.append(sid)
        deadlines = (lines_of.get(sid, lines.iloc[:0])
                     .groupby("max_readiness_days").line_id
                     .agg(lambda ids: ", ".join(sorted(ids))))
        xs, ys, texts = [], [], []
        for day, ids in deadlines.items():
            label = f"deadline D+{int(day)}: {html.escape(ids)}"
            xs += [_x(day), _x(day), None]
            ys += [0, 1, None]
            texts += [label, label, None]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", name="line deadlines", visible=number == 0,
            line={"dash": "dot", "color": GREY_TEXT, "width": 1}, text=texts,
            hovertemplate="%{text}<extra></extra>",
        ))
        owners.append(sid)
    def title(sid: str) -> str:
        return f"{html.escape(sid)}: share of the requirement covered, day by day"

    buttons = [{
        "label": sid, "method": "update",
        "args": [{"visible": [owner == sid for owner in owners]}, {"title": {"text": title(sid)}}],
    } for sid in scenario_ids]
    top = max(days, default=0)
    return style_figure(
        fig, 480,
        xaxis={"title": {"text": "days after the invocation"},
               "tickvals": [_x(d) for d in days], "ticktext": [day_label(d) for d in days],
               "range": [-0.3, _x(top) + 0.3]},
        yaxis={"title": {"text": "share of the requirement covered"}, "tickformat": ".0%",
               "range": [0, 1.05]},
        # The title names the scenario shown, so the image (which has no menu) says it too.
        title={"text": title(scenario_ids[0]) if scenario_ids else "no scenario to show",
               "x": 0.22, "xanchor": "left", "y": 0.97, "yanchor": "top",
               "font": {"size": 14}},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left",
                      "y": 1.2, "yanchor": "top"}] if buttons else [],
        margin={"l": 10, "r": 10, "t": 80, "b": 40},
    )
