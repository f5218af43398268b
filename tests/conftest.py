"""Shared fixtures: small real input files in a temporary data folder, and a helper that
materialises the real assets into a temporary DuckDB warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import DataDir, Run, run_assets


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data")


@pytest.fixture
def run_pipeline(tmp_path):
    """Materialise the real assets (all, or a selection) on a data folder."""

    def _run(data: DataDir, base_year: int = 2026, horizon_years: int = 2, selection=None,
             warehouse: Path | None = None) -> Run:
        return run_assets(data, tmp_path, base_year, horizon_years, selection, warehouse)

    return _run
