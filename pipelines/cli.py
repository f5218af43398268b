"""`cdp-gap`: the planner's command line.

    cdp-gap refresh     materialise every asset (what `make run` does) and summarise
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from pipelines.lib.settings import Settings


def refresh(args: argparse.Namespace) -> int:
    from dagster import DagsterInstance

    from pipelines.definitions import defs
    from pipelines.lib.refresh_summary import output_paths, summary_lines

    settings = Settings.from_env()
    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    job = defs.resolve_implicit_global_asset_job_def()
    print(f"Refreshing from {settings.data_dir} (base year {settings.base_year}, "
          f"horizon {settings.horizon_years} years) ...", flush=True)
    started = time.monotonic()
    with instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    elapsed = time.monotonic() - started
    failed_checks = [
        e for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
    ]
    for line in summary_lines(settings):
        print(line)
    for line in output_paths(settings):
        print(line)
    for event in failed_checks:
        ev = event.event_specific_data
        print(f"CHECK FAILED: {ev.asset_key.to_user_string()} {ev.check_name}", file=sys.stderr)
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(f"STEP FAILED: {event.step_key}: {event.event_specific_data.error.message.strip()}",
                      file=sys.stderr)
        print(f"Refresh FAILED after {elapsed:.1f} s (run {result.run_id}).", file=sys.stderr)
        return 1
    print(f"Refresh succeeded in {elapsed:.1f} s (run {result.run_id}).")
    return 1 if failed_checks else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cdp-gap",
        description="Capability Development Plan scenario-gap analysis for EU Art. 42.7 contingencies.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = commands.add_parser("refresh", help="ingest every input, compute every gap, publish the reports")
    p.set_defaults(func=refresh)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
