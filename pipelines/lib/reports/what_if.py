"""What if: the inventory as it would be if the lever files' changes were made
(methodology §12). The sheet gives, first, each scenario's total shortfall in the base
year under the baseline and under every variant side by side; then per variant what it
changes in plain words, its lines met, high-risk lines and total shortfall per scenario
and year beside the baseline's, and the capabilities it moves. The chart draws each
scenario's total shortfall under the baseline, each single lever and each package, with
a year slider.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.answer import percent
from pipelines.lib.reports.figures import style_figure
from pipelines.lib.reports.levers import KINDS, variant_sentences
from pipelines.lib.reports.look import EU_BLUE, NAVY, Col, run_years
from pipelines.lib.reports.writer import Links, Paragraphs, ReportBook, Table, write_sheet

NAME = "What if"
SHOWS = ("what each lever file (a what-if variant of the inventory) changes, in words, and "
         "the lines met, high-risk lines and shortfall it leaves beside the baseline, per "
         "scenario and year; then the capabilities it moves")
NO_LEVERS = ("No lever file (levers/*.yaml): no variant of the inventory to compare with "
             "the baseline.")
TOP_SCENARIOS = 15  # the chart's scenarios, largest baseline shortfall first; the sheet has all
BASELINE = "BASELINE"
BASELINE_GREY = "#A5A5A5"
# Single levers in muted colours (not the stoplight's), packages in the blues.
LEVER_COLOURS = ["#C55A11", "#2E75B6", "#548235", "#BF9000", "#7030A0", "#9DC3E6",
                 "#843C0C", "#F4B183", "#A9D18E", "#FFD966"]
PACKAGE_COLOURS = [NAVY, EU_BLUE, "#404040"]
NO_CHANGE_COLOUR = "#D9D9D9"
FIGURE = 12  # every figure column: headers wrap alike and never run into the next


def sheet(report: ReportBook, frames, run: RunInfo, links: Links) -> None:
    levers, changes = frames["levers"], frames["lever_changes"]
    whatif, moves = frames["whatif"], frames["whatif_capabilities"]
    base = whatif[whatif.year == run.base_year]
    blocks = [] if levers.empty else [READING]
    blocks.append(Table("WhatIfShortfall", *_side_by_side(base, levers),
                        heading=f"Total shortfall in {run.base_year} per scenario: the "
                                "baseline and each variant",
                        empty=NO_LEVERS))
    for number, lever in enumerate(levers.itertuples(), start=1):
        said = variant_sentences(changes, lever.variant_id)
        rows = [("What it is", f"{KINDS.get(lever.kind, lever.kind)}, from "
                               f"{lever.source_file}")]
        rows += [(f"Change {step}", text) for step, text in enumerate(said, start=1)]
        if not said:
            rows.append(("Changes", "none: every figure is the baseline's"))
        blocks.append(Paragraphs(rows, heading=f"{lever.variant_id} — {lever.name}"))
        if not said:
            continue
        blocks.append(Table(
            f"WhatIf{number}", whatif[whatif.variant_id == lever.variant_id], [
                Col("scenario_id", "Scenario"),
                Col("year", "Year", "year"),
                Col("lines", "Lines", "int", width=FIGURE),
                Col("lines_met_baseline", "Met, baseline", "int", width=FIGURE),
                Col("lines_met", "Met, variant", "int", width=FIGURE),
                Col("high_risk_lines_baseline", "High risk, baseline", "int", width=FIGURE),
                Col("high_risk_lines", "High risk, variant", "int", width=FIGURE),
                Col("total_shortfall_baseline", "Shortfall, baseline", "qty", width=FIGURE),
                Col("total_shortfall", "Shortfall, variant", "qty", width=FIGURE),
                Col("closed", "Closed", "qty", width=FIGURE),
                Col("share_closed", "Share closed", "pct0", width=FIGURE),
            ], heading=f"{lever.variant_id}: per scenario and year, beside the baseline",
            empty="No scenario."))
        blocks.append(Table(
            f"WhatIfMoves{number}", moves[moves.variant_id == lever.variant_id], [
                Col("scenario_id", "Scenario"),
                Col("capability_code", "Capability"),
                Col("risk_level_baseline", f"Risk {run.base_year}, baseline", "risk",
                    width=FIGURE),
                Col("risk_level", f"Risk {run.base_year}, variant", "risk", width=FIGURE),
                Col("shortfall_baseline", f"Shortfall {run.base_year}, baseline", "qty",
                    width=FIGURE),
                Col("shortfall", f"Shortfall {run.base_year}, variant", "qty",
                    width=FIGURE),
                Col("closed_in_base_year", f"Closed {run.base_year}", "qty", width=FIGURE),
                Col("first_year", "From", "year"),
                Col("last_year", "To", "year"),
                Col("closed_over_the_horizon", "Closed over the horizon", "qty", width=FIGURE),
                Col("capability_name", "Name", "wrap", width=28),
            ], heading=f"{lever.variant_id}: the capabilities it moves",
            empty="It moves no capability's shortfall or risk in any year."))
    write_sheet(
        report, NAME,
        f"What if — the inventory with the lever files' changes, {run.base_year}–"
        f"{run.last_year}",
        "A lever file is a variant of the inventory: its changes made in order, then every "
        "figure computed as for the baseline (methodology §12).",
        blocks,
    )


READING = Paragraphs([
    ("Shortfall", "force-pool units (quantity × rotation) summed over the scenario's "
                  "capabilities, as on the Summary sheet; lines met and high-risk lines as "
                  "there."),
    ("Closed", "the baseline's shortfall − the variant's: what the variant would close; "
               "negative where it opens more (a withdrawal). Share closed: of the baseline's "
               "shortfall."),
    ("Kinds", "a single lever is a lever file of one change; a package makes several (the "
              "management package, say): set it beside the single levers it combines."),
], heading="How to read it")


def _side_by_side(base: pd.DataFrame, levers: pd.DataFrame) -> tuple[pd.DataFrame, list[Col]]:
    """Per scenario, the base year's total shortfall: the baseline, then each variant."""
    columns = [Col("scenario_id", "Scenario"),
               Col("total_shortfall_baseline", "Baseline", "qty", width=FIGURE)]
    if levers.empty:
        return pd.DataFrame(columns=["scenario_id", "total_shortfall_baseline"]), columns
    frame = (base[base.variant_id == BASELINE][["scenario_id", "total_shortfall_baseline"]]
             .sort_values("scenario_id").reset_index(drop=True))
    for number, lever in enumerate(levers.itertuples()):
        rows = base[base.variant_id == lever.variant_id].set_index("scenario_id")
        frame[f"v{number}"] = frame.scenario_id.map(rows.total_shortfall)
        columns.append(Col(f"v{number}", lever.variant_id, "qty",
                           width=_header_width(lever.variant_id)))
    return frame, columns


def _header_width(variant_id: str) -> float:
    """Room for an id in a bold header, broken only after its hyphens: capitals are wider
    than the digit a column's width counts in."""
    longest = max(len(part) + 1 for part in variant_id.split("-"))
    return max(FIGURE, round(1.3 * longest + 2))


def variant_order(whatif: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(variant id, name, kind) of every variant, the baseline first, then single levers,
    packages and variants with no change, each by id."""
    variants = (whatif[["variant_id", "variant_name", "kind", "kind_order"]]
                .drop_duplicates("variant_id").sort_values(["kind_order", "variant_id"]))
    return list(zip(variants.variant_id, variants.variant_name, variants.kind))


def _colours(order: list[tuple[str, str, str]]) -> dict[str, str]:
    colours, levers, packages = {}, 0, 0
    for variant_id, _, kind in order:
        if kind == "baseline":
            colours[variant_id] = BASELINE_GREY
        elif kind == "single lever":
            colours[variant_id] = LEVER_COLOURS[levers % len(LEVER_COLOURS)]
            levers += 1
        elif kind == "package":
            colours[variant_id] = PACKAGE_COLOURS[packages % len(PACKAGE_COLOURS)]
            packages += 1
        else:
            colours[variant_id] = NO_CHANGE_COLOUR
    return colours


def _closes(row) -> str:
    """What a variant does to a scenario's shortfall, for the hover."""
    base = f"the baseline's {row.total_shortfall_baseline:,.1f}"
    if row.closed > 0:
        share = "" if pd.isna(row.share_closed) else f" ({percent(row.share_closed)})"
        return f"closes {row.closed:,.1f}{share} of {base}"
    if row.closed < 0:
        return f"opens {-row.closed:,.1f} more than {base}"
    return f"closes none of {base}"


def whatif_figure(whatif: pd.DataFrame, run: RunInfo) -> go.Figure:
    """Each scenario's total shortfall under the baseline, each single lever and each
    package (one trace per variant that changes something); the year slider sets the
    year. What a variant closes is the drop from the grey baseline bar; the hover says
    it."""
    fig = go.Figure()
    baseline = whatif[whatif.variant_id == BASELINE]
    if whatif.empty or baseline.empty:
        return style_figure(fig, 420, title={"text": "no lever file"})
    peaks = baseline.groupby("scenario_id").total_shortfall.max()
    in_base = baseline[baseline.year == run.base_year].set_index("scenario_id").total_shortfall
    ranked = (pd.DataFrame({"peak": peaks, "base": in_base.reindex(peaks.index).fillna(0)})
              .reset_index())
    ranked = ranked[ranked.peak > 0].sort_values(["base", "peak", "scenario_id"],
                                                 ascending=[False, False, True])
    scenarios = list(ranked.scenario_id.head(TOP_SCENARIOS))
    if not scenarios:
        return style_figure(fig, 420, title={"text": "no scenario is short in any year"})
    years = [y for y in run_years(run) if y in set(whatif.year)]
    # A variant with no change is the baseline again: the sheet says so, the chart skips it.
    order = [v for v in variant_order(whatif) if v[2] != "no change"]
    colours = _colours(order)
    cells = whatif[whatif.scenario_id.isin(scenarios)].set_index(
        ["variant_id", "year", "scenario_id"])

    def series(variant_id: str, year: int) -> tuple[list, list]:
        y, said = [], []
        for sid in scenarios:
            key = (variant_id, year, sid)
            if key not in cells.index:
                y.append(None), said.append("")
                continue
            c = cells.loc[key]
            y.append(float(c.total_shortfall))
            said.append(_closes(c))
        return y, said

    for variant_id, name, kind in order:
        y, said = series(variant_id, run.base_year)
        label = ("baseline" if kind == "baseline"
                 else f"{variant_id} (package)" if kind == "package" else variant_id)
        if kind == "baseline":
            hover = "%{x}: shortfall %{y:,.1f} (baseline)<extra></extra>"
        else:
            hover = (f"%{{x}}: shortfall %{{y:,.1f}}; %{{customdata}}<extra>"
                     f"{html.escape(variant_id)}<br>{html.escape(name)}</extra>")
        fig.add_trace(go.Bar(x=scenarios, y=y, customdata=said, name=label,
                             marker_color=colours[variant_id], hovertemplate=hover))
    top = max((float(v) for v in whatif[whatif.scenario_id.isin(scenarios)]
               [["total_shortfall", "total_shortfall_baseline"]].max()), default=0.0)
    layout = {
        "barmode": "group",
        # Slanted scenario ids; the bottom margin holds them and, on an image, the marking.
        "xaxis": {"tickangle": -30, "automargin": False},
        # One range for every year, so bars compare across the slider and none is cut.
        "yaxis": {"title": {"text": "total shortfall (force-pool units)"},
                  "range": [0, top * 1.08 if top > 0 else 1]},
        # Beside the plot, not above it: the image's title takes the room above.
        "legend": {"title": {"text": "variant"}},
        "margin": {"l": 10, "r": 10, "t": 40, "b": 110},
    }
    if len(years) > 1:
        steps = []
        for year in years:
            ys, customs = zip(*(series(variant_id, year) for variant_id, _, _ in order))
            steps.append({"label": str(year), "method": "restyle",
                          "args": [{"y": list(ys), "customdata": list(customs)}]})
        layout["sliders"] = [{
            "active": years.index(run.base_year) if run.base_year in years else 0,
            "currentvalue": {"prefix": "Year: "}, "pad": {"t": 110}, "steps": steps,
        }]
    return style_figure(fig, 540, **layout)
