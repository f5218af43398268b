"""The one entry point: every Dagster object under `pipelines/defs/` (loaded by `dagster dev` and `dg`)."""

from pathlib import Path

from dagster import load_from_defs_folder

from pipelines.defs.automation import with_nightly_freshness

defs = with_nightly_freshness(load_from_defs_folder(path_within_project=Path(__file__).parent))
