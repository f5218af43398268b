"""Reports: the Excel workbook, the charts and `index.html`, published as one set.

Every figure comes from the warehouse through `sql/report_*.sql` (read by
`lib/reports/frames.py`) and is laid out by the `lib/reports` package; nothing is
computed here. Each run writes its files into `archive/<run id>/` under
CDP_REPORTS_DIR, never overwriting anything there; `report_publication` then writes
the set's manifest and switches the link `latest` to that folder in one step, so
`latest/` is always one run's complete set (`lib/publish.py`).
"""

import base64
import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import CdpSettings
from pipelines.defs.sql_assets import OWNERS
from pipelines.lib import publish
from pipelines.lib.reports.frames import report_frames

# The layout code (openpyxl styles, plotly figures, the browser for PNGs) is imported by
# the report steps that use it, not when the definitions load for every run and the UI.
if TYPE_CHECKING:
    from pipelines.lib.reports.figures import Chart

GROUP = "reports"
# Every table the report_*.sql queries read.
READS = [
    "gap_lines", "gap_capabilities", "gap_roles", "gap_contributions", "gap_cases",
    "gap_priorities", "gap_burden_sharing", "gap_history", "ingest_rejects",
    "ingest_superseded", "ingest_files", "stg_inventory", "stg_scenarios", "stg_capabilities",
    "stg_member_states", "stg_concurrency_cases",
    "offer_lines", "offer_allocation", "offer_whom_to_ask", "offer_surplus", "offer_coordination",
    "gap_buildup", "gap_unit_requests", "gap_changes", "mc_lines", "mc_capabilities", "mc_roles",
    "option_choice", "option_frontier", "option_effects", "stg_options", "stg_option_budgets",
    "whatif_summary", "whatif_capabilities", "stg_levers", "stg_lever_changes",
]
PNG_WIDTH = 1200
PREVIEW = "top_shortfalls"  # the chart shown small in the Dagster UI
PREVIEW_KEY = "_preview"


def run_info(context: AssetExecutionContext, cdp: CdpSettings) -> publish.RunInfo:
    """The run as every file of its set names it; the time is the run's start, so the
    workbook and the charts of one run show the same."""
    record = context.instance.get_run_record_by_id(context.run_id)
    started = (
        dt.datetime.fromtimestamp(record.start_time, dt.timezone.utc)
        if record and record.start_time else dt.datetime.now(dt.timezone.utc)
    )
    return publish.RunInfo(
        run_id=context.run_id,
        run_at=started.replace(tzinfo=None, microsecond=0),
        marking=cdp.marking,
        base_year=cdp.base_year,
        horizon_years=cdp.horizon_years,
    )


def headline(frames: dict[str, pd.DataFrame], run: publish.RunInfo) -> str:
    """The headline in markdown, for the Dagster UI."""
    f = frames["facts"].iloc[0]
    lines = [
        f"**Base year {run.base_year}: {f.lines_met} of {f.lines} requirement lines met; "
        f"{f.lines_short} short ({f.high_risk_lines} at high risk). Of {f.capability_shortfalls} "
        f"capability shortfalls, {f.closable_by_management} are closable by better management "
        f"and {f.needing_acquisition} need new capability.**",
        "",
    ]
    lines += [
        f"- {h.scenario_id}: {h.lines_met} of {h.lines} lines met; {h.high_risk_lines} high-risk; "
        f"{h.closable_by_management} of {h.capability_shortfalls} capability shortfalls "
        "closable by management"
        for h in frames["headline"].itertuples()
    ]
    return "\n".join(lines)


@asset(deps=READS, group_name=GROUP, kinds={"excel", "openpyxl"}, owners=OWNERS)
def report_workbook(
    context: AssetExecutionContext, duckdb: DuckDBResource, cdp: CdpSettings
) -> MaterializeResult:
    """The Excel workbook a working group receives (`cdp_gap_report.xlsx`): cover, summary,
    stoplight scorecard, shortfalls, trajectory, concurrency, priorities, options, what if,
    burden sharing, contributions, data issues and method. Written into this run's archive
    folder."""
    from pipelines.lib.reports.workbook import build_workbook

    run = run_info(context, cdp)
    with duckdb.get_connection() as con:
        frames = report_frames(con, cdp.sql_params)
    book = build_workbook(frames, run)
    path = publish.run_folder(cdp.reports_dir, run.run_id) / publish.WORKBOOK
    with publish.atomic_file(path) as temporary:
        book.save(temporary)
    for note in book.notes:
        context.log.warning(f"Text repaired in the workbook: {note}")
    return MaterializeResult(metadata={
        "headline": MetadataValue.md(headline(frames, run)),
        "workbook": MetadataValue.path(str(path)),
        "sheets": ", ".join(book.book.sheetnames),
        "size_kb": round(path.stat().st_size / 1024, 1),
        "sha256": publish.sha256_file(path),
        "text_repairs": len(book.notes),
    })


@asset(deps=READS, group_name=GROUP, kinds={"plotly", "html"}, owners=OWNERS)
def report_charts(
    context: AssetExecutionContext, duckdb: DuckDBResource, cdp: CdpSettings
) -> MaterializeResult:
    """The charts as HTML pages that fetch nothing from the web (plotly.js is one local
    file of the set, `plotly.min.js`, which every page loads) with the marking top and
    bottom, PNG copies when a Chromium is at hand, and `index.html`: the report to read
    from top to bottom. Written into this run's archive folder."""
    from pipelines.lib.reports import charts, pages

    run = run_info(context, cdp)
    with duckdb.get_connection() as con:
        frames = report_frames(con, cdp.sql_params)
    folder = publish.run_folder(cdp.reports_dir, run.run_id)
    data_as_of = frames["facts"].data_as_of.iloc[0]
    made = charts.build_charts(frames, run)
    publish.write_text(folder / publish.PLOTLY_JS, pages.plotly_js())
    chart_pages = [
        publish.write_text(folder / publish.CHARTS / f"{chart.name}.html",
                           pages.chart_page(chart, run, data_as_of))
        for chart in made
    ]

    made_images, preview, image_status = _pngs(context, made, run.marking)
    pngs = {name: f"{publish.CHARTS}/{name}.png" for name in made_images}
    for name, data in made_images.items():
        publish.write_bytes(folder / pngs[name], data)
    index = publish.write_text(
        folder / publish.INDEX, pages.index_page(frames, made, run, pngs)
    )

    metadata = {
        "headline": MetadataValue.md(headline(frames, run)),
        "index": MetadataValue.path(str(index)),
        "charts": MetadataValue.md("\n".join(f"- `{path}`" for path in chart_pages)),
        "png_copies": image_status,
    }
    if preview:
        encoded = base64.b64encode(preview).decode("ascii")
        metadata["preview"] = MetadataValue.md(
            f"![top shortfalls](data:image/png;base64,{encoded})")
    return MaterializeResult(metadata=metadata)


def _pngs(context: AssetExecutionContext, made: list["Chart"], marking: str):
    """PNG copies of the charts, a small preview of one, and what became of them; the
    HTML stands without them."""
    from pipelines.lib.reports import images
    from pipelines.lib.reports.figures import static

    browser = images.find_browser()
    if not browser:
        status = ("not made: no Chromium found (set BROWSER_PATH or put chromium on PATH); "
                  "the HTML charts are complete without them")
        context.log.warning(f"PNG copies {status}")
        return {}, None, status
    figures = {
        chart.name: (static(chart, marking),
                     {"width": PNG_WIDTH, "height": chart.figure.layout.height or 600})
        for chart in made
    }
    shown = next(chart for chart in made if chart.name == PREVIEW)
    figures[PREVIEW_KEY] = (static(shown, marking),
                            {"width": 640, "height": 360, "scale": 0.75})
    try:
        made_images = images.render_pngs(figures, browser)
    except Exception as error:  # a broken browser costs the images, not the report
        status = f"not made: {browser} failed: {error!r}"
        context.log.warning(f"PNG copies {status}")
        return {}, None, status
    preview = made_images.pop(PREVIEW_KEY)
    return made_images, preview, f"{len(made_images)} made with {browser}"


@asset(deps=["report_workbook", "report_charts"], group_name=GROUP, kinds={"json"}, owners=OWNERS)
def report_publication(context: AssetExecutionContext, cdp: CdpSettings) -> MaterializeResult:
    """Publishes this run's reports as one set: writes `manifest.json` (sha256 of every
    file) into `archive/<run id>/`, then switches the link `latest` to that folder in one
    atomic step, so a reader sees the previous set or this one, never a mix. A run that
    wrote only part of the set is not published. Then the archive is cut to the newest
    CDP_ARCHIVE_KEEP sets, never removing the one `latest` points at."""
    run = run_info(context, cdp)
    folder = publish.run_folder(cdp.reports_dir, run.run_id)
    missing = [name for name in (publish.WORKBOOK, publish.INDEX) if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{folder} lacks {', '.join(missing)}: materialise report_workbook and "
            "report_charts in the same run as report_publication"
        )
    manifest = publish.write_manifest(folder, run)
    latest = publish.publish_latest(cdp.reports_dir, run.run_id)
    files = publish.published_files(folder)
    pruned = publish.prune_archive(cdp.reports_dir, cdp.archive_keep, run.run_id)
    if pruned:
        context.log.info(f"Archive: removed {len(pruned)} older report sets, keeping the "
                         f"newest {cdp.archive_keep} (CDP_ARCHIVE_KEEP): {', '.join(pruned)}")
    for retired in publish.retired_folders(cdp.reports_dir):
        context.log.warning(f"{retired} is the real latest/ folder of an older version, moved "
                            "aside: it holds files that are not in the archive. Look at "
                            "them, then delete the folder.")
    return MaterializeResult(metadata={
        "workbook": MetadataValue.path(str(latest / publish.WORKBOOK)),
        "index": MetadataValue.path(str(latest / publish.INDEX)),
        "archive": MetadataValue.path(str(folder)),
        "manifest": MetadataValue.path(str(manifest)),
        "files": len(files),
        "size_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1),
        "archive_keep": cdp.archive_keep,
        "archive_pruned": len(pruned),
    })
