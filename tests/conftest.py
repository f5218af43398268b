"""Shared fixtures: small real input files in a temporary data folder, and a helper that
materialises the real assets into a temporary DuckDB warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import DataDir, Run


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data")


@pytest.fixture
def run_pipeline(tmp_path):
    """Materialise the real assets (all, or a selection) on a data folder."""
    from dagster import materialize

    from pipelines.definitions import defs
    from pipelines.defs.resources import build_resources
    from pipelines.lib.settings import Settings

    def _run(data: DataDir, base_year: int = 2026, horizon_years: int = 2, selection=None,
             warehouse: Path | None = None) -> Run:
        settings = Settings(
            data_dir=data.root,
            warehouse=warehouse or tmp_path / "warehouse.duckdb",
            reports_dir=tmp_path / "reports",
            base_year=base_year,
            horizon_years=horizon_years,
            marking="UNCLASSIFIED – TEST",
        )
        result = materialize(
            [*defs.assets, *defs.asset_checks],
            resources=build_resources(settings),
            selection=selection,
            raise_on_error=False,
        )
        return Run(result, settings.warehouse)

    return _run

