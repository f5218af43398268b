"""Opt-in screenshots for docs/planners-guide.md: set CDP_SCREENSHOTS_DIR (as
`make screenshots` does, to docs/images/) and the end-to-end tests that make a picture
save it there as well; without it they write nothing outside their temporary folders.

The pictures show the bundled illustrative data as a planner meets it, so the guide
quotes the same figures it shows."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tests.support import REPO, Run

ENV = "CDP_SCREENSHOTS_DIR"
WIDTH = 1280  # px: what the guide's pictures are taken at
BUNDLED_BASE_YEAR = 2026  # the bundled submissions are as of 2026-03-31
BUNDLED_HORIZON = 10


def folder() -> Path | None:
    """Where the guide's screenshots go, or None when nobody asked for them."""
    value = os.environ.get(ENV)
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = REPO / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def target(name: str) -> Path | None:
    """The path of screenshot `name` (e.g. 'ui-assets.png'), or None when not asked for."""
    where = folder()
    return None if where is None else where / name


@dataclass(frozen=True)
class Bundled:
    run: Run
    reports: Path

    @property
    def latest(self) -> Path:
        from pipelines.lib import publish

        return self.reports / publish.LATEST


def materialise_bundled(root: Path, selection=None) -> Bundled:
    """Every asset on the bundled data/ (read only) into a warehouse and reports under root."""
    from dagster import materialize

    from pipelines.definitions import defs
    from pipelines.defs.resources import build_resources
    from pipelines.lib.settings import DEFAULT_MARKING, Settings

    settings = Settings(data_dir=REPO / "data", warehouse=root / "warehouse.duckdb",
                        reports_dir=root / "reports", base_year=BUNDLED_BASE_YEAR,
                        horizon_years=BUNDLED_HORIZON, marking=DEFAULT_MARKING)
    result = materialize([*defs.assets, *defs.asset_checks], resources=build_resources(settings),
                         selection=selection, raise_on_error=False)
    assert result.success
    return Bundled(Run(result, settings.warehouse), settings.reports_dir)
