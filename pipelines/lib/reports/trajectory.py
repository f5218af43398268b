"""Trajectory: shortfall per scenario and capability in every year of the horizon, as a
sheet with a native chart and as a plotly chart.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.utils import get_column_letter

from pipelines.lib.excel_safety import safe_text
from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.figures import style_figure
from pipelines.lib.reports.look import Col, run_years
from pipelines.lib.reports.writer import Links, ReportBook, Table, shade_shortfalls, write_sheet


NAME = "Trajectory"
SHOWS = (
    "shortfall per scenario and capability in every year of the horizon, with a chart "
    "of the largest"
)


TRAJECTORY_CHART_SERIES = 8


TOP_TRAJECTORIES = 10


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    capability_years = frames["capability_years"]
    open_pairs = capability_years[capability_years.peak_shortfall > 0]
    # A code without a name in the taxonomy would drop out of the pivot as a NaN key.
    open_pairs = open_pairs.assign(capability_name=open_pairs.capability_name.fillna(""))
    wide = (
        open_pairs.pivot_table(index=["scenario_id", "capability_code", "capability_name",
                                      "peak_shortfall"],
                               columns="year", values="shortfall", aggfunc="first")
        .reset_index()
        .sort_values(["peak_shortfall", "scenario_id", "capability_code"],
                     ascending=[False, True, True])
        .reset_index(drop=True)
    )
    years = list(run_years(run))
    for year in years:
        if year not in wide:
            wide[year] = None
    wide.columns = [str(c) for c in wide.columns]
    columns = [Col("scenario_id", "Scenario"), Col("capability_code", "Capability"),
               Col("capability_name", "Name", "wrap", width=30)]
    columns += [Col(str(year), str(year), "qty", width=8) for year in years]
    sheet = write_sheet(
        report, NAME,
        f"Trajectory — shortfall per scenario and capability, {run.base_year}–{run.last_year}",
        "Pairs short in at least one year, largest peak first; a gap opens or closes as "
        f"units enter or leave service. The chart shows the {TRAJECTORY_CHART_SERIES} largest.",
        [Table("Trajectory", wide, columns, empty="No shortfall in any year of the horizon.")],
        freeze_cols=2,
    )
    if wide.empty:
        return
    ws, placed = sheet.ws, sheet.tables["Trajectory"]
    first, last = 4, 3 + len(years)  # the year columns, after scenario, code and name
    shade_shortfalls(ws, f"{get_column_letter(first)}{placed.first_row}:"
                         f"{get_column_letter(last)}{placed.last_row}")
    chart = LineChart()
    chart.title = "Largest shortfalls over the horizon"
    chart.y_axis.title = "shortfall (force pool units)"
    chart.x_axis.title = "year"
    chart.height, chart.width = 9, 20
    # Without these, some Excel versions hide the axes of a line chart.
    chart.x_axis.delete = chart.y_axis.delete = False
    for offset in range(min(TRAJECTORY_CHART_SERIES, len(wide))):
        row = placed.first_row + offset
        values = Reference(ws, min_col=first, max_col=last, min_row=row, max_row=row)
        label, _ = safe_text(f"{wide.scenario_id[offset]} · {wide.capability_code[offset]}")
        series = Series(values, title=label)
        # openpyxl's line series default to smoothed curves, which overshoot the data
        # (a shortfall drawn below zero between two years): straight segments only.
        series.smooth = False
        chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=first, max_col=last,
                                   min_row=placed.header_row, max_row=placed.header_row))
    ws.add_chart(chart, f"{get_column_letter(last + 2)}{placed.header_row}")


def trajectory_figure(years: pd.DataFrame) -> go.Figure:
    peaks = (years[years.peak_shortfall > 0][["scenario_id", "capability_code", "peak_shortfall"]]
             .drop_duplicates()
             .sort_values(["peak_shortfall", "scenario_id", "capability_code"],
                          ascending=[False, True, True])
             .head(TOP_TRAJECTORIES))
    fig = go.Figure()
    for pair in peaks.itertuples():
        series = years[(years.scenario_id == pair.scenario_id)
                       & (years.capability_code == pair.capability_code)].sort_values("year")
        fig.add_trace(go.Scatter(
            x=series.year, y=series.shortfall, mode="lines+markers",
            name=f"{pair.scenario_id} · {pair.capability_code}",
            hovertemplate="%{x}: shortfall %{y:,.1f}<extra>%{fullData.name}</extra>",
        ))
    return style_figure(fig, 480, xaxis={"title": {"text": "year"}, "dtick": 1},
                   yaxis={"title": {"text": "shortfall (force-pool units)"}, "rangemode": "tozero"},
                   legend={"font": {"size": 11}})
