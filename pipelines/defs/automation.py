"""How and when runs happen: one job that refreshes everything, a nightly schedule for
it, a sensor on the input folders, and the freshness expected of the gap tables.

DuckDB allows one writing process at a time, so nothing here may let two writers meet:

- every step of a run executes in the run's own process, one after the other (the
  in-process executor): no two steps of a run ever hold the warehouse at once, and a
  refresh of a few dozen assets is not dominated by process start-up (~2 s a step with
  the multiprocess executor on a 2-core machine against ~0.1 s in process);
- runs of the instance (a click in the UI, the nightly schedule, the sensor) wait in
  the run queue, which the bundled dagster.yaml limits to one run at a time;
- a process outside the instance (`cdp-gap refresh`, `dagster asset materialize`)
  meeting a run finds the file locked, and dagster-duckdb retries the connection with
  growing pauses (about 100 s in all) until the other step closes it.

The Monte Carlo's fan-out (`mc_scenario_draws`, one partition per scenario, defined
with CDP_MC_FANOUT=1) only reads the warehouse, so its partitions may run side by side;
it is left out of the refresh, whose `monte_carlo` draws whatever no partition has
drawn, and is run as a backfill (docs/methodology.md §10).
"""

from __future__ import annotations

import os
import warnings
from datetime import timedelta
from pathlib import Path

from dagster import (
    AssetSelection,
    AssetSpec,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    Definitions,
    FreshnessPolicy,
    PreviewWarning,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    apply_freshness_policy,
    define_asset_job,
    definitions,
    in_process_executor,
    sensor,
)

from pipelines.defs.confidence.assets import FANOUT_TAG
from pipelines.defs.ingest.assets import (
    inventory_submissions,
    lever_files,
    offer_submissions,
    option_files,
    scenario_files,
)
from pipelines.defs.resources import CdpSettings
from pipelines.lib import file_versions

NIGHTLY_CRON = os.environ.get("CDP_REFRESH_CRON") or "0 2 * * *"
TIMEZONE = "Europe/Brussels"
# One missed night (48 h) must show; a nightly run that is a few hours late must not.
NIGHTLY_FRESHNESS = FreshnessPolicy.time_window(fail_window=timedelta(hours=36))
GAP_TABLE_PREFIX = "gap_"

# Which ingest asset reads each watched folder: a file there refreshes it and all
# that depends on it.
READERS = {
    "inbox/inventory": inventory_submissions,
    "inbox/offers": offer_submissions,
    "scenarios": scenario_files,
    "scenarios/concurrency": scenario_files,
    "options": option_files,
    "levers": lever_files,
}
TRIGGER_TAG = "cdp/trigger"
# Partitioned, hence never part of an unpartitioned run: backfilled on its own.
FANNED_OUT = AssetSelection.tag(*next(iter(FANOUT_TAG.items())))

refresh_all = define_asset_job(
    "refresh_all",
    selection=AssetSelection.all() - FANNED_OUT,
    description="Ingest every input, compute every gap, publish the reports and the snapshot.",
)

nightly_refresh = ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_all,
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=TIMEZONE,
    # A fresh deployment refreshes from its first night on, without anyone switching it on.
    default_status=DefaultScheduleStatus.RUNNING,
    tags={TRIGGER_TAG: "nightly"},
    description=f"Refresh everything on cron '{NIGHTLY_CRON}' ({TIMEZONE}; CDP_REFRESH_CRON).",
)


@sensor(
    name="input_files",
    job=refresh_all,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description="A new, changed or removed file in inbox/inventory, inbox/offers, scenarios/, "
    "options/ or levers/ "
    "(told by its content hash) refreshes the assets that read it and all that depend on them.",
)
def input_files(context: SensorEvaluationContext, cdp: CdpSettings):
    previous = file_versions.decode(context.cursor)
    current = file_versions.scan(Path(cdp.data_dir))
    changed = file_versions.changed(previous, current)
    if not changed:
        return SkipReason(f"No new or changed file among the {len(current)} watched.")
    context.log.info("New, changed or removed: " + ", ".join(changed))
    # No run_key: the cursor is the memory. A key made of the file's hash would wrongly
    # skip a submission restored to an earlier version.
    return SensorResult(
        run_requests=[
            RunRequest(
                asset_selection=_selection(context, changed, first_look=not previous),
                tags={TRIGGER_TAG: "input files", "cdp/changed": _describe(changed)},
            )
        ],
        cursor=file_versions.encode(current),
    )


def _selection(context: SensorEvaluationContext, changed: list[str], first_look: bool):
    # On its first look the sensor cannot know what the warehouse holds (perhaps nothing
    # yet): a partial refresh might miss an upstream table, so it refreshes everything.
    if first_look:
        return None
    readers = {READERS[file_versions.folder_of(path)] for path in changed}
    selection = AssetSelection.assets(*readers).downstream() - FANNED_OUT
    return sorted(selection.resolve(context.repository_def.asset_graph))


def _describe(paths: list[str]) -> str:
    more = f" (+{len(paths) - 1} more)" if len(paths) > 1 else ""
    return paths[0] + more


def with_nightly_freshness(defs: Definitions) -> Definitions:
    """The gap tables turn stale (freshness FAIL in the UI) when the nightly refresh has
    not run for 36 hours. Applied to the loaded definitions, so the asset modules need
    not know about the schedule."""

    def expect_nightly(spec: AssetSpec) -> AssetSpec:
        is_gap_table = spec.key.to_user_string().startswith(GAP_TABLE_PREFIX)
        return apply_freshness_policy(spec, NIGHTLY_FRESHNESS) if is_gap_table else spec

    # Marked "preview" in Dagster 1.13; the version is pinned and the definitions
    # snapshot test shows any change in what it does.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PreviewWarning)
        return defs.map_asset_specs(func=expect_nightly)


@definitions
def automation() -> Definitions:
    return Definitions(
        jobs=[refresh_all],
        schedules=[nightly_refresh],
        sensors=[input_files],
        executor=in_process_executor,
    )
