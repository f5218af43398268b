"""The web report: each chart as a page of its own, and `index.html`, the report to read
from top to bottom. Planners often work on networks without internet, so nothing is
fetched: plotly.js is one local file of the published set (`plotly.min.js`, beside
`index.html`), which every page loads by a relative path; fonts are the system's. A set
travels as its folder; what must travel alone — the workbook and the PNG copies of the
charts — needs no script at all. (One copy instead of one inlined per page: 4.6 MB once,
not fourteen times.) Each page carries the handling marking as a banner top and bottom.
"""

from __future__ import annotations

import html

import pandas as pd

from pipelines.lib.publish import CHARTS, INDEX, PLOTLY_JS, WORKBOOK, RunInfo
from pipelines.lib.reports.answer import scenario_answers
from pipelines.lib.reports.buildup import line_status
from pipelines.lib.reports.figures import CONFIG, Chart
from pipelines.lib.reports.levers import KINDS, variant_sentences
from pipelines.lib.reports.look import (
    FONT, METHOD, NAVY, RISK_COLOURS, RISK_LEVELS, RISK_MEANINGS, RISK_TEXT_COLOURS, Col,
)


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
p.answer { max-width: 1100px; line-height: 1.45; margin: 8px 0; }
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


def plotly_js() -> str:
    """The text of plotly.js as the installed plotly ships it: the set's PLOTLY_JS file."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _plot(chart: Chart, plotly_js: str | bool) -> str:
    """The chart's div; `plotly_js` the relative path of the set's plotly.min.js for the
    first chart of a page (a script tag loading it), False for the others."""
    return chart.figure.to_html(full_html=False, include_plotlyjs=plotly_js,
                                config=CONFIG, div_id=f"chart-{chart.name}")


def chart_page(chart: Chart, run: RunInfo, data_as_of) -> str:
    """A chart as a page of its own."""
    body = (f"<h1>{html.escape(chart.title)}</h1>\n{_meta(run, data_as_of)}\n"
            f"<p class=\"intro\">{html.escape(chart.intro)}</p>\n"
            f"{_plot(chart, f'../{PLOTLY_JS}')}\n"
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
                f"<p class=\"intro\">{html.escape(chart.intro)}</p>\n"
                f"{_plot(chart, PLOTLY_JS if first[0] else False)}\n"
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
    late_lines = frames["buildup_lines"][frames["buildup_lines"].day_met.isna()]
    late_lines = late_lines.assign(when=[line_status(line) for line in late_lines.itertuples()])
    changes = frames["gap_changes"]
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
        "<a href=\"#changes\">What changed</a> "
        "<a href=\"#data-issues\">Data issues</a> <a href=\"#method\">Method</a></nav>",
        f"<h2 id=\"answer\">The answer, scenario by scenario, base year {run.base_year}</h2>",
        "".join(f"<p class=\"answer\"><b>{html.escape(a.scenario_id)}</b><br>"
                + "<br>".join(html.escape(part) for part in a.parts) + "</p>\n"
                for a in scenario_answers(frames, run)),
        f"<h2 id=\"headline\">Headline, base year {run.base_year}</h2>",
        _cards([
            (facts.lines, "requirement lines", ""),
            (facts.lines_met, "met in full", "ok"),
            (facts.lines_short, "with a shortfall", "warn"),
            (facts.high_risk_lines, "at high risk", "warn"),
            (facts.significant_risk_lines, "at significant risk", "warn"),
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
        plot("confidence"),
        plot("buildup"),
        "<h3>Lines not met by their deadline</h3>",
        html_table(late_lines, [
            Col("scenario_id", "Scenario"), Col("line_id", "Line"),
            Col("capability_code", "Capability"), Col("capability_name", "Name"),
            Col("criticality", "Criticality"),
            Col("max_readiness_days", "Deadline (days)", "int"),
            Col("risk_level", "Risk", "risk"), Col("when", "When"),
        ], limit=25, empty="Every line is met by its deadline."),
        plot("waterfall"),
        plot("trajectories"),
        plot("concurrency"),
        "<h3>Shortfalls that only show when the crises come at once</h3>",
        html_table(concurrency_only, [
            Col("case_id", "Case"), Col("capability_code", "Capability"),
            Col("capability_name", "Name"), Col("criticality", "Criticality"),
            Col("required", "Required", "qty"),
            Col("covered", "Covered", "qty"), Col("shortfall", "Shortfall", "qty"),
            Col("shortfall_single_scenarios", "Scenarios alone", "qty"),
            Col("concurrency_shortfall", "Only at once", "qty"),
        ], limit=20, empty="None: concurrency adds no shortfall."),
        plot("burden_sharing"),
        plot("offers"),
        "<h3>Unmet needs after the offers: whom to ask</h3>",
        html_table(frames["offer_whom_to_ask"], [
            Col("scenario_id", "Scenario"), Col("line_id", "Line"),
            Col("capability_code", "Capability"), Col("capability_name", "Name"),
            Col("unmet", "Unmet", "qty"),
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
        "<h2 id=\"changes\">What changed since the previous refresh</h2>\n<p class=\"intro\">"
        "One row per scenario and capability whose risk or shortfall moved, with the years it "
        "affects and the input change that explains it where a single input row does.</p>",
        html_table(changes, [
            Col("scenario_id", "Scenario"), Col("capability_code", "Capability"),
            Col("capability_name", "Name"), Col("change", "Change"),
            Col("years", "Years"), Col("risk_before", "Risk before", "risk"),
            Col("risk_now", "Risk now", "risk"),
            Col("largest_shortfall_change", "Largest change", "qty"),
            Col("cause", "Input change"),
        ], limit=30, empty="Nothing changed since the previous refresh, or this is the first."),
        plot("options_frontier"),
        plot("options_effect"),
        "<h3>The options chosen at the options file's budget</h3>",
        html_table(frames["options"], [
            Col("option_id", "Option"), Col("title", "What"),
            Col("capability_code", "Capability"), Col("member_state", "Held by"),
            Col("quantity", "Quantity", "qty"), Col("cost_meur", "Cost (M€)", "qty"),
        ], empty="No options file, or no option is worth its cost within the budget."),
        *_whatif(frames, by_name, plot),
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
            f"<p>{risk_badge(level)} {html.escape(meaning)}</p>"
            for level, meaning in RISK_MEANINGS.items()
        ),
    ]
    return _page("CDP gap report", run, "\n".join(sections))


def _whatif(frames: dict[str, pd.DataFrame], charts: dict[str, Chart], plot) -> list[str]:
    """The What if chart and what each variant changes; nothing without a lever file."""
    levers = frames["levers"]
    if levers.empty or "whatif" not in charts:
        return []
    sentences = [variant_sentences(frames["lever_changes"], v) for v in levers.variant_id]
    said = levers.assign(
        what=[KINDS.get(kind, kind) for kind in levers.kind],
        changes_said=[". ".join(s) + "." if s else "nothing" for s in sentences])
    return [
        plot("whatif"),
        "<h3>What each variant changes</h3>",
        html_table(said, [
            Col("variant_id", "Variant"), Col("name", "Name"), Col("what", "Kind"),
            Col("changes_said", "What it changes, in order"),
        ]),
    ]


def _cards(items) -> str:
    return "<div class=\"cards\">" + "".join(
        f"<div class=\"card {kind}\"><b>{int(value):,}</b>{html.escape(label)}</div>"
        for value, label, kind in items
    ) + "</div>"


def risk_badge(level: str) -> str:
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
                cells.append(f"{opening}{format_value(value, c.fmt)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (f"<p class=\"note\">{len(frame) - len(shown)} more rows in the workbook.</p>"
            if len(frame) > len(shown) else "")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def format_value(value, fmt: str) -> str:
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
