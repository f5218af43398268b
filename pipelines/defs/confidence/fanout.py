"""The Monte Carlo fanned out by scenario (methodology §10), in the definitions only
with CDP_MC_FANOUT=1: the partitioned asset `mc_scenario_draws` and the job
`monte_carlo_fanout` that backfills it, one run per scenario.

Off by default: with a partitioned asset in the code location the UI's "Materialize
all" opens a backfill dialog instead of starting the one refresh run planners expect,
and a single laptop gains nothing from it. A team instance whose run launcher or run
queue lets several runs go at once turns it on (docs/methodology.md §10).
"""

from dagster import AssetSelection, Definitions, define_asset_job, definitions

from pipelines.defs.confidence.assets import FANOUT, FANOUT_TAG, SCENARIOS, scenario_draws


@definitions
def fanout() -> Definitions:
    if not FANOUT:
        return Definitions()
    job = define_asset_job(
        "monte_carlo_fanout",
        selection=AssetSelection.tag(*next(iter(FANOUT_TAG.items()))),
        partitions_def=SCENARIOS,
        description="The Monte Carlo's draws, one scenario per partition, into Parquet "
        "files beside the warehouse (read-only); then materialise mc_lines, "
        "mc_capabilities and mc_roles to load them.",
    )
    return Definitions(assets=[scenario_draws()], jobs=[job])
