"""Scorecard: risk per capability and scenario as a stoplight, in the workbook (base
year, each cell linked to the rows behind it) and as a heatmap with a year slider.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.figures import risk_colourscale, style_figure
from pipelines.lib.reports.look import (
    CRITICALITY_MEANINGS, LIKELIHOOD_TEXT, RISK_LEVELS, Col, run_years,
)
from pipelines.lib.reports.writer import Key, Links, ReportBook, Table, write_sheet


NAME = "Scorecard"
SHOWS = (
    "risk per capability and scenario, coloured as a stoplight; each cell links to "
    "the rows behind it"
)


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    years = frames["capability_years"]
    base = years[years.year == run.base_year]
    scenarios = frames["scenarios"]
    ids = list(scenarios.scenario_id)
    likelihood = dict(zip(scenarios.scenario_id, scenarios.likelihood))
    matrix = (
        base[["capability_code", "capability_name", "priority_rank"]]
        .drop_duplicates("capability_code")
        .sort_values(["priority_rank", "capability_code"], na_position="last")
        .reset_index(drop=True)
    )
    columns = [
        Col("priority_rank", "Priority", "rank"),
        Col("capability_code", "Capability"),
        Col("capability_name", "Name", "wrap", width=38),
    ]
    # Three columns per scenario, gathered and joined once: inserted one by one, 600 at
    # 200 scenarios, they fragmented the frame (pandas warned at each).
    by_scenario = dict(iter(base.groupby("scenario_id", sort=False)))
    codes = matrix.capability_code
    added = {}
    for number, sid in enumerate(ids):
        cells = by_scenario.get(sid, base.iloc[:0]).set_index("capability_code")
        added[f"c{number}"] = codes.map(cells.coverage)
        added[f"r{number}"] = codes.map(cells.risk_level)
        added[f"l{number}"] = pd.Series([
            links.shortfalls.get((sid, code)) or links.contributions.get((sid, code))
            if code in cells.index else None
            for code in codes
        ], index=matrix.index, dtype=object)
        columns.append(Col(f"c{number}", f"{sid}\nlikelihood {likelihood[sid]}", "pct0",
                           width=17, link=f"l{number}", fill_by=f"r{number}"))
    matrix = pd.concat([matrix, pd.DataFrame(added, index=matrix.index)], axis=1)
    write_sheet(
        report, NAME,
        f"Scorecard — risk per capability and scenario, base year {run.base_year}",
        "Colour: the risk (worst line, methodology §5); figure: coverage. Blank: the scenario "
        "does not need the capability. Click a cell for the rows behind it.",
        [
            # On the first printed page, above the table: the colours (the risk matrix is
            # on the Method sheet), what criticality and likelihood say.
            Key([
                [(None, "label"), ("Colour", "label"),
                 ("risk of the scenario's worst line (Method sheet: how)", "text"),
                 *[(level, level) for level in RISK_LEVELS]],
                [(None, "label"), ("Criticality", "label"), ("; ".join(
                    f"{level}: {meaning}" for level, meaning in CRITICALITY_MEANINGS.items()),
                    "text")],
                [(None, "label"), ("Likelihood", "label"),
                 (f"under each scenario, from its file: {LIKELIHOOD_TEXT}; it weights the "
                  "Priorities", "text")],
            ]),
            Table("Scorecard", matrix, columns),
        ],
        freeze_cols=3,
    )


# More columns than this make a heatmap no one can read (and a page of tens of MB at 200
# scenarios); the workbook's Scorecard sheet keeps every scenario.
SCORECARD_SCENARIOS = 30


def scorecard_scenarios(years: pd.DataFrame, scenarios: pd.DataFrame, run: RunInfo) -> list[str]:
    """The scenarios the heatmap shows, in the order of `scenarios`: all of them, or the
    SCORECARD_SCENARIOS with the largest total shortfall in the base year (then by id)."""
    ids = list(scenarios.scenario_id)
    if len(ids) <= SCORECARD_SCENARIOS:
        return ids
    base = years[years.year == run.base_year].groupby("scenario_id")["shortfall"].sum()
    order = sorted(ids, key=lambda sid: (-float(base.get(sid, 0.0)), sid))
    kept = set(order[:SCORECARD_SCENARIOS])
    return [sid for sid in ids if sid in kept]


def scorecard_scope(years: pd.DataFrame, scenarios: pd.DataFrame, run: RunInfo) -> str:
    """What the heatmap leaves out, for its introduction ('' when it shows every scenario)."""
    shown, total = len(scorecard_scenarios(years, scenarios, run)), len(scenarios)
    if shown == total:
        return ""
    return (f" Shown: the {shown} of {total} scenarios with the largest shortfall in "
            f"{run.base_year}; the workbook's Scorecard sheet has them all.")


def scorecard_figure(years: pd.DataFrame, scenarios: pd.DataFrame, run: RunInfo) -> go.Figure:
    ranked = (years[["capability_code", "capability_name", "priority_rank"]]
              .drop_duplicates("capability_code")
              .sort_values(["priority_rank", "capability_code"], na_position="last"))
    codes = list(ranked.capability_code)
    names = dict(zip(ranked.capability_code, ranked.capability_name))
    ids = scorecard_scenarios(years, scenarios, run)
    shown = list(run_years(run))
    fig = go.Figure()
    # Only the shown scenarios' rows become dicts: at 200 scenarios the others were most
    # of the figure's time.
    years = years[years.scenario_id.isin(ids)]
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
                    f"{c['allocated']:,.1f}, shortfall {c['shortfall']:,.1f}"
                    + (f"<br>no shortfall in {c['p_no_shortfall']:.0%} of the plausible worlds"
                       if pd.notna(c.get("p_no_shortfall")) else ""))
        fig.add_trace(go.Heatmap(
            z=z, x=ids, y=codes, text=text, texttemplate="%{text}", customdata=hover,
            hovertemplate="%{customdata}<extra></extra>", visible=year == run.base_year,
            colorscale=risk_colourscale(), zmin=-0.5, zmax=4.5, xgap=2, ygap=2,
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
    return style_figure(fig, 160 + 20 * len(codes), **layout)
