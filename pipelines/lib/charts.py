"""The gap report as charts, and `index.html`: plotly pages that work offline.

Planners often work on networks without internet, so every page is self-contained:
plotly.js is inlined, fonts are the system's, and nothing is fetched. Each page
carries the handling marking as a banner top and bottom. `index.html` gathers the
charts and the key tables into one report to read from top to bottom. PNG copies of
the main charts come from kaleido when a Chromium is at hand. Like the workbook, this
draws the figures of `workbook.report_frames`; it computes none.
"""

from __future__ import annotations

import asyncio
import html
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipelines.lib.publish import CHARTS, INDEX, WORKBOOK, RunInfo
from pipelines.lib.workbook import (
    EU_BLUE,
    METHOD,
    NAVY,
    RISK_COLOURS,
    RISK_LEVELS,
    RISK_MEANINGS,
    RISK_TEXT_COLOURS,
    Col,
    run_years,
)

FONT = "Segoe UI, Helvetica Neue, Arial, sans-serif"  # installed fonts only: nothing to fetch
CONFIG = {"displaylogo": False, "responsive": True}  # the logo would link to plotly.com
ROLE_ORDER = ("border security", "domestic support")
# Muted, distinguishable line colours (not the stoplight's, which mean risk).
COLOURWAY = ["#1F3864", "#C55A11", "#2E75B6", "#7F7F7F", "#548235", "#BF9000", "#7030A0",
             "#9DC3E6", "#843C0C", "#404040"]
TOP_LINES = 12
TOP_TRAJECTORIES = 10
# Each pair in the waterfall's menu carries a visibility switch for every trace, so the
# page grows with the square of the pairs: 3,105 pairs at 200 scenarios made 124 MB.
TOP_WATERFALLS = 40


@dataclass(frozen=True)
class Chart:
    """One chart of the report: its file name, title, what it shows, and the figure."""

    name: str
    title: str
    intro: str
    figure: go.Figure


def build_charts(frames: dict[str, pd.DataFrame], run: RunInfo) -> list[Chart]:
    years = frames["capability_years"]
    base = years[years.year == run.base_year]
    return [
        Chart("scorecard", "Scorecard: risk per capability and scenario",
              "Colour is the risk of each scenario's lines for the capability, the figure its "
              "coverage. Move the year slider to see gaps open and close as forces enter and "
              "leave service. Blank: the scenario does not need the capability.",
              scorecard_figure(years, frames["scenarios"], run)),
        Chart("top_shortfalls", "Largest shortfalls by scenario and role",
              f"The requirement lines with the largest shortfall in {run.base_year}, in force-pool "
              "units (quantity × rotation), coloured by risk.",
              top_shortfalls_figure(frames["line_shortfalls"])),
        Chart("waterfall", "From held to usable, against required",
              "For one scenario and capability: every unit held in the base year, less what "
              "may not deploy, is unavailable, is committed to NATO or is too slow, leaves what "
              f"is usable. Choose one of the {TOP_WATERFALLS} largest shortfalls in the menu, "
              "largest first; the workbook's Shortfalls sheet lists every one.",
              waterfall_figure(base)),
        Chart("trajectories", "Shortfall trajectories over the horizon",
              f"The {TOP_TRAJECTORIES} scenario–capability pairs with the largest shortfall in any "
              f"year from {run.base_year} to {run.last_year}.",
              trajectory_figure(years)),
        Chart("burden_sharing", "Burden sharing: contribution share against GDP share",
              "Among the states other than the invoking one, in the base year. A state above its "
              "GDP share carries more than its weight. Choose the scenario in the menu.",
              burden_sharing_figure(frames["burden_sharing"])),
        Chart("concurrency", "Concurrency: scenarios at once against the single-scenario view",
              "Shortfall when the case's scenarios compete for one inventory, beside the sum of "
              "their shortfalls one at a time, in the base year. Choose the case in the menu.",
              concurrency_figure(frames["concurrency"])),
        Chart("offers", "After an invocation: needs against offers",
              "Per requirement line of a scenario with offers: what is required, what was offered "
              "quickly enough, and what was accepted. The gap between the last two bars is the "
              "unmet need; the Offers sheet says whom to ask.",
              offers_figure(frames["offer_lines"])),
        Chart("coordination", "Coordination matrix: accepted offers by member state and capability",
              "What each member state's accepted offers cover, so the coordinator sees who does "
              "what and where offers concentrate. Outlined cells: NATO double-hatting.",
              coordination_figure(frames["offer_coordination"])),
    ]


# ---------------------------------------------------------------------------------------
# Figures.

def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(
        **{"template": "plotly_white", "height": height, "font": {"family": FONT, "size": 12},
           "colorway": COLOURWAY, "margin": {"l": 10, "r": 10, "t": 40, "b": 40}, **extra},
    )
    return fig


def _risk_colourscale() -> list:
    # Five flat bands over z = 0..4 (none..high), so the heatmap is a true stoplight.
    scale = []
    for index, level in enumerate(RISK_LEVELS):
        scale += [[index / 5, RISK_COLOURS[level]], [(index + 1) / 5, RISK_COLOURS[level]]]
    return scale


def scorecard_figure(years: pd.DataFrame, scenarios: pd.DataFrame, run: RunInfo) -> go.Figure:
    ranked = (years[["capability_code", "capability_name", "priority_rank"]]
              .drop_duplicates("capability_code")
              .sort_values(["priority_rank", "capability_code"], na_position="last"))
    codes = list(ranked.capability_code)
    names = dict(zip(ranked.capability_code, ranked.capability_name))
    ids = list(scenarios.scenario_id)
    shown = list(run_years(run))
    fig = go.Figure()
    for year in shown:
        cells = years[years.year == year].set_index(["capability_code", "scenario_id"])
        cells = cells.to_dict("index")
        z, text, hover = [], [], []
        for code in codes:
            z.append([]), text.append([]), hover.append([])
            for sid in ids:
                c = cells.get((code, sid))
                if c is None:
                    z[-1].append(None), text[-1].append(""), hover[-1].append("not required")
                    continue
                z[-1].append(c["risk_value"])
                text[-1].append(f"{c['coverage']:.0%}")
                hover[-1].append(
                    f"<b>{html.escape(sid)} · {html.escape(code)}</b><br>"
                    f"{html.escape(str(names[code] or ''))}<br>risk {c['risk_level']}, "
                    f"coverage {c['coverage']:.1%}<br>required {c['required']:,.1f}, allocated "
                    f"{c['allocated']:,.1f}, shortfall {c['shortfall']:,.1f}")
        fig.add_trace(go.Heatmap(
            z=z, x=ids, y=codes, text=text, texttemplate="%{text}", customdata=hover,
            hovertemplate="%{customdata}<extra></extra>", visible=year == run.base_year,
            colorscale=_risk_colourscale(), zmin=-0.5, zmax=4.5, xgap=2, ygap=2,
            colorbar={"title": {"text": "risk"}, "tickvals": list(range(5)),
                      "ticktext": list(RISK_LEVELS)},
            name=str(year),
        ))
    layout = {"yaxis": {"autorange": "reversed", "tickfont": {"size": 11}},
              "xaxis": {"side": "top"}, "plot_bgcolor": "#F2F2F2"}
    if len(shown) > 1:
        layout["sliders"] = [{
            "active": 0, "currentvalue": {"prefix": "Year: "}, "pad": {"t": 30},
            "steps": [{"label": str(year), "method": "restyle",
                       "args": ["visible", [y == year for y in shown]]} for year in shown],
        }]
    return _layout(fig, 160 + 20 * len(codes), **layout)


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
    return _layout(fig, height, barmode="stack", legend={"title": {"text": "risk"}})


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
    return _layout(
        fig, 540, title={"text": titles[0] if titles else "no capability to show",
                         "y": 0.97, "yanchor": "top", "font": {"size": 14}},
        showlegend=True, yaxis={"title": {"text": "units"}},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left",
                      "y": 1.16, "yanchor": "top"}] if buttons else [],
        margin={"l": 10, "r": 10, "t": 130, "b": 40},
    )


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
    return _layout(fig, 480, xaxis={"title": {"text": "year"}, "dtick": 1},
                   yaxis={"title": {"text": "shortfall (force-pool units)"}, "rangemode": "tozero"},
                   legend={"font": {"size": 11}})


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
    return _layout(
        fig, 460, barmode="group", yaxis={"tickformat": ".0%", "title": {"text": "share"}},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left",
                      "y": 1.2, "yanchor": "top"}] if buttons else [],
        margin={"l": 10, "r": 10, "t": 80, "b": 40},
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
    return _layout(
        fig, 640, barmode="group", xaxis={"title": {"text": "shortfall"}},
        updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left",
                      "y": 1.12, "yanchor": "top"}] if buttons else [],
        margin={"l": 10, "r": 10, "t": 80, "b": 40}, legend={"traceorder": "reversed"},
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
    return _layout(fig, max(320, 28 * len(lines) + 120), barmode="group",
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
    return _layout(fig, max(320, 34 * len(matrix.index) + 160), legend={"orientation": "h", "y": 1.08},
                   xaxis={"type": "category"}, yaxis={"type": "category", "autorange": "reversed"})


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


# ---------------------------------------------------------------------------------------
# Pages.

CSS = """
body { margin: 0; font-family: %(font)s; color: #1F1F1F; background: #FFFFFF; }
.marking { background: #FFF2CC; color: #3A3A3A; border-bottom: 2px solid #BF9000;
           text-align: center; font-weight: 700; padding: 6px; letter-spacing: .04em; }
.marking.bottom { border-top: 2px solid #BF9000; border-bottom: 0; }
main { max-width: 1280px; margin: 0 auto; padding: 8px 24px 32px; }
h1 { color: %(navy)s; font-size: 26px; margin: 18px 0 4px; }
h2 { color: %(navy)s; font-size: 20px; margin: 34px 0 6px; border-bottom: 2px solid %(navy)s;
     padding-bottom: 4px; }
p.lead, p.intro { color: #404040; max-width: 900px; }
p.meta { color: #595959; font-size: 14px; }
a { color: #0563C1; }
nav a { margin-right: 14px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid #D9D9D9; border-left: 6px solid %(navy)s; padding: 10px 14px;
        flex: 1 1 120px; background: #F7F9FC; }
.card b { display: block; font-size: 28px; color: %(navy)s; }
.card.warn { border-left-color: #C00000; } .card.ok { border-left-color: #63BE7B; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th { background: %(navy)s; color: #FFFFFF; text-align: left; padding: 5px 8px; }
td { padding: 4px 8px; border-bottom: 1px solid #E0E0E0; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.k { white-space: nowrap; }
tr:nth-child(even) td { background: #F7F7F7; }
td.risk { text-align: center; font-weight: 600; }
dl dt { font-weight: 700; color: %(navy)s; margin-top: 10px; }
dl dd { margin: 2px 0 0 0; max-width: 1000px; }
.note { color: #595959; font-style: italic; }
@media print { .marking { position: static; } h2 { break-after: avoid; } }
""" % {"font": FONT, "navy": NAVY}


def _page(title: str, run: RunInfo, body: str) -> str:
    mark = html.escape(run.marking)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)} — {mark}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<div class=\"marking\">{mark}</div>\n<main>\n{body}\n</main>\n"
        f"<div class=\"marking bottom\">{mark}</div>\n</body>\n</html>\n"
    )


def _meta(run: RunInfo, data_as_of) -> str:
    as_of = f"{pd.Timestamp(data_as_of):%Y-%m-%d}" if pd.notna(data_as_of) else "—"
    return (f"<p class=\"meta\">Planning cycle {html.escape(run.planning_cycle)} · base year "
            f"{run.base_year} · data as of {as_of} (latest submission) · run "
            f"{html.escape(run.run_id)} at {run.run_at:%Y-%m-%d %H:%M} UTC</p>")


def _plot(chart: Chart, with_plotlyjs: bool) -> str:
    # Inlined plotly.js (include_plotlyjs=True): the page needs no network at all.
    return chart.figure.to_html(full_html=False, include_plotlyjs=with_plotlyjs,
                                config=CONFIG, div_id=f"chart-{chart.name}")


def chart_page(chart: Chart, run: RunInfo, data_as_of) -> str:
    """A chart as a page of its own."""
    body = (f"<h1>{html.escape(chart.title)}</h1>\n{_meta(run, data_as_of)}\n"
            f"<p class=\"intro\">{html.escape(chart.intro)}</p>\n{_plot(chart, True)}\n"
            f"<p><a href=\"../{INDEX}\">The whole report</a> · "
            f"<a href=\"../{WORKBOOK}\">The workbook</a></p>")
    return _page(chart.title, run, body)


def index_page(frames: dict[str, pd.DataFrame], charts: list[Chart], run: RunInfo,
               pngs: dict[str, str]) -> str:
    """The report to read from top to bottom: headline, charts, key tables, method."""
    facts = frames["facts"].iloc[0]
    by_name = {c.name: c for c in charts}
    first = [True]

    def plot(name: str) -> str:
        chart = by_name[name]
        part = (f"<h2 id=\"{name}\">{html.escape(chart.title)}</h2>\n"
                f"<p class=\"intro\">{html.escape(chart.intro)}</p>\n{_plot(chart, first[0])}\n"
                f"<p class=\"note\">Also as a page of its own: <a href=\"{CHARTS}/{name}.html\">"
                f"{CHARTS}/{name}.html</a>"
                + (f", and as an image: <a href=\"{pngs[name]}\">{pngs[name]}</a>" if name in pngs
                   else "") + "</p>")
        first[0] = False
        return part

    shortfalls = frames["shortfalls"].assign(
        risk_rank=frames["shortfalls"].risk_level.map({r: i for i, r in enumerate(RISK_LEVELS)})
    ).sort_values(["risk_rank", "shortfall"], ascending=False)
    concurrency_only = frames["concurrency"][frames["concurrency"].concurrency_shortfall > 0]
    issues = frames["data_issues"]
    sections = [
        "<h1>Gap analysis of Art. 42.7 mutual-assistance scenarios</h1>",
        _meta(run, facts.data_as_of),
        "<p class=\"lead\">What the Union's declared forces can and cannot cover if a member "
        "state invokes TEU Art. 42.7, scenario by scenario, capability by capability, over the "
        "planning horizon. Every figure is read from the CDP gap warehouse; the workbook holds "
        "the full lists.</p>",
        f"<p><b><a href=\"{WORKBOOK}\">Download the workbook ({WORKBOOK})</a></b></p>",
        "<nav>" + " ".join(f"<a href=\"#{c.name}\">{html.escape(c.title.split(':')[0])}</a>"
                           for c in charts) + " <a href=\"#priorities\">Priorities</a> "
        "<a href=\"#data-issues\">Data issues</a> <a href=\"#method\">Method</a></nav>",
        f"<h2 id=\"headline\">Headline, base year {run.base_year}</h2>",
        _cards([
            (facts.lines, "requirement lines", ""),
            (facts.lines_met, "met in full", "ok"),
            (facts.lines_short, "with a shortfall", "warn"),
            (facts.high_risk_lines, "at high risk", "warn"),
            (facts.capability_shortfalls, "capability shortfalls", ""),
            (facts.closable_by_management, "closable by better management", "ok"),
            (facts.needing_acquisition, "needing new capability", "warn"),
        ]),
        html_table(frames["headline"], [
            Col("scenario_id", "Scenario"), Col("name", "Name"),
            Col("lines", "Lines", "int"), Col("lines_met", "Met", "int"),
            Col("high_risk_lines", "High risk", "int"),
            Col("significant_risk_lines", "Significant risk", "int"),
            Col("capability_shortfalls", "Capability shortfalls", "int"),
            Col("closable_by_management", "Closable by management", "int"),
            Col("needing_acquisition", "Need new capability", "int"),
        ]),
        plot("scorecard"),
        plot("top_shortfalls"),
        "<h3>The most serious capability shortfalls</h3>",
        html_table(shortfalls, [
            Col("scenario_id", "Scenario"), Col("capability_code", "Capability"),
            Col("capability_name", "Name"), Col("required", "Required", "qty"),
            Col("allocated", "Allocated", "qty"), Col("shortfall", "Shortfall", "qty"),
            Col("coverage", "Coverage", "pct"), Col("risk_level", "Risk", "risk"),
            Col("shortfall_acquisition", "Acquisition", "qty"),
            Col("shortfall_management", "Management", "qty"),
            Col("closes_in_year", "Closes in", "year"),
        ], limit=20, empty="No shortfall in the base year."),
        plot("waterfall"),
        plot("trajectories"),
        plot("concurrency"),
        "<h3>Shortfalls that only show when the crises come at once</h3>",
        html_table(concurrency_only, [
            Col("case_id", "Case"), Col("capability_code", "Capability"),
            Col("criticality", "Criticality"), Col("required", "Required", "qty"),
            Col("covered", "Covered", "qty"), Col("shortfall", "Shortfall", "qty"),
            Col("shortfall_single_scenarios", "Scenarios alone", "qty"),
            Col("concurrency_shortfall", "Only at once", "qty"),
        ], limit=20, empty="None: concurrency adds no shortfall."),
        plot("burden_sharing"),
        plot("offers"),
        "<h3>Unmet needs after the offers: whom to ask</h3>",
        html_table(frames["offer_whom_to_ask"], [
            Col("scenario_id", "Scenario"), Col("line_id", "Line"),
            Col("capability_code", "Capability"), Col("unmet", "Unmet", "qty"),
            Col("ask_rank", "Ask", "int"), Col("member_state", "State"),
            Col("fastest_readiness_days", "Fastest (days)", "int"),
            Col("eligible_quantity", "Eligible", "qty"),
        ], limit=30, empty="Every need is met, or no offers have been received."),
        plot("coordination"),
        "<h2 id=\"priorities\">Priorities</h2>\n<p class=\"intro\">The CDP-style list: score = Σ "
        "over scenarios of likelihood × risk value, base year.</p>",
        html_table(frames["priorities"], [
            Col("rank", "Rank", "int"), Col("capability_code", "Capability"),
            Col("name", "Name"), Col("score", "Score", "int"),
            Col("worst_risk", "Worst risk", "risk"),
            Col("scenarios_at_risk", "Scenarios at risk", "int"),
            Col("total_shortfall", "Total shortfall", "qty"),
            Col("closes_in_year", "Closes in", "year"),
        ], limit=15, empty="No scenario requires any capability."),
        f"<h2 id=\"data-issues\">Data issues</h2>\n<p class=\"intro\">{len(issues)} input rows "
        "are not used in the figures: rejected values and files, and rows superseded by a newer "
        "submission.</p>",
        html_table(issues, [
            Col("issue", "Issue"), Col("source_file", "Source file"),
            Col("row_number", "Row", "int"), Col("column", "Column"),
            Col("value", "Value"), Col("reason", "Reason"),
        ], limit=50, empty="No input row was rejected or superseded."),
        "<h2 id=\"method\">Method</h2>\n<dl>" + "".join(
            f"<dt>{html.escape(topic)}</dt><dd>{html.escape(text)}</dd>" for topic, text in METHOD
        ) + "</dl>",
        "<h3>Risk of a line</h3>\n" + "".join(
            f"<p>{_risk_badge(level)} {html.escape(meaning)}</p>"
            for level, meaning in RISK_MEANINGS.items()
        ),
    ]
    return _page("CDP gap report", run, "\n".join(sections))


def _cards(items) -> str:
    return "<div class=\"cards\">" + "".join(
        f"<div class=\"card {kind}\"><b>{int(value):,}</b>{html.escape(label)}</div>"
        for value, label, kind in items
    ) + "</div>"


def _risk_badge(level: str) -> str:
    return (f"<span style=\"background:{RISK_COLOURS[level]};color:{RISK_TEXT_COLOURS[level]};"
            f"padding:2px 8px;font-weight:600\">{html.escape(level)}</span>")


def html_table(frame: pd.DataFrame, columns: list[Col], limit: int | None = None,
               empty: str = "None.") -> str:
    """A small HTML table; every value escaped, numbers formatted as in the workbook."""
    if frame.empty:
        return f"<p class=\"note\">{html.escape(empty)}</p>"
    shown = frame.head(limit) if limit else frame
    head = "".join(f"<th>{html.escape(c.header)}</th>" for c in columns)
    rows = []
    for record in shown.to_dict("records"):
        cells = []
        for c in columns:
            value = record.get(c.key)
            if c.fmt == "risk" and isinstance(value, str) and value in RISK_COLOURS:
                cells.append(f"<td class=\"risk\" style=\"background:{RISK_COLOURS[value]};"
                             f"color:{RISK_TEXT_COLOURS[value]}\">{html.escape(value)}</td>")
            else:
                numeric = c.fmt in ("int", "qty", "pct", "index", "year")
                # Codes and ids stay on one line; prose wraps.
                kind = "n" if numeric else "k" if " " not in str(value) else ""
                opening = f"<td class=\"{kind}\">" if kind else "<td>"
                cells.append(f"{opening}{_format(value, c.fmt)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (f"<p class=\"note\">{len(frame) - len(shown)} more rows in the workbook.</p>"
            if len(frame) > len(shown) else "")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def _format(value, fmt: str) -> str:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if fmt == "qty":
        return f"{value:,.1f}"
    if fmt == "pct":
        return f"{value:.1%}"
    if fmt == "int":
        return f"{int(value):,}"
    if fmt == "year":
        return str(int(value))
    return html.escape(str(value))


# ---------------------------------------------------------------------------------------
# PNG copies.

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str | None:
    """The Chromium kaleido would use: BROWSER_PATH if set, else one on PATH; None if none."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return next((path for name in BROWSER_NAMES if (path := shutil.which(name))), None)


def render_pngs(figures: dict[str, tuple[go.Figure, dict]], browser: str,
                timeout: float = 180) -> dict[str, bytes]:
    """PNG bytes of each figure, from one browser for the whole batch.

    A cold kaleido call starts a browser for each image (2–7 s); one Kaleido session
    renders later images in a fraction of a second. MathJax is off, so nothing is
    fetched from the web.
    """
    import kaleido  # only when images are made: it starts a browser

    async def render() -> dict[str, bytes]:
        async with kaleido.Kaleido(n=1, mathjax=False, path=browser) as k:
            return {name: await k.calc_fig(fig, opts={"format": "png", **opts})
                    for name, (fig, opts) in figures.items()}

    async def bounded() -> dict[str, bytes]:
        return await asyncio.wait_for(render(), timeout)

    # A thread of its own, so that a caller already inside an event loop is no obstacle.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, bounded()).result()
