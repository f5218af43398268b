"""Burden sharing: who contributes what, against each state's share of GDP.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.figures import style_figure
from pipelines.lib.reports.look import EU_BLUE, Col
from pipelines.lib.reports.writer import Links, ReportBook, Table, write_sheet


NAME = "Burden sharing"
SHOWS = "who contributes what, against each state's share of GDP"


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    burden = frames["burden_sharing"]
    write_sheet(
        report, NAME,
        f"Burden sharing — base year {run.base_year}",
        "Among the states other than the invoking one. Allocated adds units of every kind "
        "alike (a team counts like a battalion; methodology §7), and so do the contribution "
        "share and the fair-share index (1 = pulls its weight against its GDP share). Lines' "
        "worth weighs each unit by the requirement line it fills: a whole line counts 1, "
        "whatever its unit. The invoking state's own effort comes first.",
        [Table("BurdenSharing", burden, [
            Col("scenario_id", "Scenario"),
            Col("member_state", "State"),
            Col("member_state_name", "Name"),
            Col("is_invoking_state", "Invoking state", "yesno"),
            Col("allocated", "Allocated", "qty"),
            Col("contribution_share", "Contribution share", "pct"),
            Col("gdp_share", "GDP share", "pct"),
            Col("fair_share_index", "Fair-share index", "index"),
            Col("line_equivalents", "Lines' worth", "qty"),
            Col("line_equivalent_share", "Share of lines' worth", "pct"),
        ])],
        freeze_cols=2,
    )


def burden_sharing_figure(burden: pd.DataFrame) -> go.Figure:
    others = burden[~burden.is_invoking_state.astype(bool)]
    scenario_ids = list(dict.fromkeys(others.scenario_id))
    fig = go.Figure()
    for number, sid in enumerate(scenario_ids):
        rows = others[others.scenario_id == sid].sort_values(
            ["contribution_share", "member_state"], ascending=[False, True], na_position="last")
        for label, column, colour in (("contribution share", "contribution_share", EU_BLUE),
                                      ("GDP share", "gdp_share", "#BFBFBF")):
            fig.add_trace(go.Bar(
                x=rows.member_state, y=rows[column], name=label, marker_color=colour,
                visible=number == 0, customdata=rows.fair_share_index,
                hovertemplate="%{x}: " + label + " %{y:.1%}<br>fair-share index "
                              "%{customdata:.2f}<extra></extra>",
            ))
    buttons = [{"label": sid, "method": "update",
                "args": [{"visible": [i // 2 == number for i in range(2 * len(scenario_ids))]}]}
               for number, sid in enumerate(scenario_ids)]
    return style_figure(
        fig, 460, barmode="group", yaxis={"tickformat": ".0%", "title": {"text": "share"}},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left",
                      "y": 1.2, "yanchor": "top"}] if buttons else [],
        margin={"l": 10, "r": 10, "t": 80, "b": 40},
    )
