"""Concurrency: scenarios that must be met at once, against the single-scenario view.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.figures import style_figure
from pipelines.lib.reports.look import RISK_COLOURS, Col
from pipelines.lib.reports.writer import Links, ReportBook, Table, write_sheet


NAME = "Concurrency"
SHOWS = "scenarios that must be met at once, against the single-scenario view"


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    concurrency = frames["concurrency"]
    write_sheet(
        report, NAME,
        f"Concurrency — scenarios at once, base year {run.base_year}",
        "Covered: what one inventory gives all the case's scenarios together (essential lines "
        "first). Only at once: the shortfall the single-scenario view hides.",
        [Table("Concurrency", concurrency, [
            Col("case_id", "Case"),
            Col("scenarios", "Scenarios at once", "wrap", width=30),
            Col("capability_code", "Capability"),
            Col("capability_name", "Name", "wrap", width=30),
            Col("criticality", "Criticality"),
            Col("required", "Required", "qty"),
            Col("covered", "Covered", "qty"),
            Col("shortfall", "Shortfall", "qty"),
            Col("coverage", "Coverage", "pct"),
            Col("shortfall_single_scenarios", "Shortfall, scenarios alone", "qty"),
            Col("concurrency_shortfall", "Only at once", "qty"),
        ], empty="No concurrency case is defined.")],
        freeze_cols=1,
    )


def concurrency_figure(concurrency: pd.DataFrame) -> go.Figure:
    short = concurrency[concurrency.shortfall > 0]
    case_ids = list(dict.fromkeys(short.case_id))
    fig = go.Figure()
    for number, case in enumerate(case_ids):
        rows = short[short.case_id == case].sort_values("shortfall").tail(20)
        labels = [f"{c} ({k})" for c, k in zip(rows.capability_code, rows.criticality)]
        for label, column, colour in (("scenarios one at a time", "shortfall_single_scenarios",
                                       "#A5A5A5"),
                                      ("all at once", "shortfall", RISK_COLOURS["significant"])):
            fig.add_trace(go.Bar(
                y=labels, x=rows[column], name=label, orientation="h", marker_color=colour,
                visible=number == 0,
                hovertemplate="%{y}: shortfall %{x:,.1f} (" + label + ")<extra></extra>",
            ))
    buttons = [{"label": case, "method": "update",
                "args": [{"visible": [i // 2 == number for i in range(2 * len(case_ids))]}]}
               for number, case in enumerate(case_ids)]
    return style_figure(
        fig, 640, barmode="group", xaxis={"title": {"text": "shortfall"}},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left",
                      "y": 1.12, "yanchor": "top"}] if buttons else [],
        margin={"l": 10, "r": 10, "t": 80, "b": 40}, legend={"traceorder": "reversed"},
    )
