"""What every chart shares: the `Chart` record, the plotly look, and the still version
of a chart for an image (no menus or sliders, the marking top and bottom).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import plotly.graph_objects as go

from pipelines.lib.reports.look import COLOURWAY, FONT, RISK_COLOURS, RISK_LEVELS


CONFIG = {"displaylogo": False, "responsive": True}  # the logo would link to plotly.com


@dataclass(frozen=True)
class Chart:
    """One chart of the report: its file name, title, what it shows, and the figure."""

    name: str
    title: str
    intro: str
    figure: go.Figure


def style_figure(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(
        **{"template": "plotly_white", "height": height, "font": {"family": FONT, "size": 12},
           "colorway": COLOURWAY, "margin": {"l": 10, "r": 10, "t": 40, "b": 40}, **extra},
    )
    return fig


def risk_colourscale() -> list:
    # Five flat bands over z = 0..4 (none..high), so the heatmap is a true stoplight.
    scale = []
    for index, level in enumerate(RISK_LEVELS):
        scale += [[index / 5, RISK_COLOURS[level]], [(index + 1) / 5, RISK_COLOURS[level]]]
    return scale


def static(chart: Chart, marking: str) -> go.Figure:
    """The chart as it first shows, for an image: without menus and sliders, and with its
    title and the marking top and bottom, since an image travels without its page."""
    figure = chart.figure
    still = go.Figure(data=[t for t in figure.data if t.visible is not False],
                      layout=figure.layout)
    # Assigned, not updated: update_layout(sliders=[]) leaves the sliders in place.
    still.layout.sliders = ()
    still.layout.updatemenus = ()
    mark = f"<b>{html.escape(marking)}</b>"
    subtitle = figure.layout.title.text
    title = f"{mark}<br>{html.escape(chart.title)}"
    if subtitle:
        title += f"<br><sup>{subtitle}</sup>"
    # Room for the title's lines, and for tick labels above the plot (the scorecard's);
    # the menus that took room up there are gone.
    top = 20 * (title.count("<br>") + 1) + 30
    if figure.layout.xaxis.side == "top":
        top += 90
    still.update_layout(
        title={"text": title, "x": 0.5, "xanchor": "center", "yref": "container", "y": 1,
               "yanchor": "top", "pad": {"t": 10}, "font": {"size": 14}},
        margin={"t": top, "b": (figure.layout.margin.b or 40) + 30},
    )
    still.add_annotation(text=mark, x=0.5, y=0, xref="paper", yref="paper", yanchor="top",
                         yshift=-(figure.layout.margin.b or 40) - 8, showarrow=False)
    return still
