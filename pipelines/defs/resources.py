"""Resources shared by every asset: the DuckDB warehouse and the run settings.

Both take their values from the environment (`CDP_*`, see lib/settings.py) when the
code location loads; tests pass their own instances instead.
"""

from __future__ import annotations

from dagster import ConfigurableResource, Definitions, definitions
from dagster_duckdb import DuckDBResource

from pipelines.lib.settings import (
    DEFAULT_ARCHIVE_KEEP,
    DEFAULT_BUILDUP_DAYS,
    DEFAULT_MC_DRAWS,
    DEFAULT_MC_SEED,
    Settings,
)


class CdpSettings(ConfigurableResource):
    """Where the inputs and reports live, the planning horizon, the build-up checkpoints,
    the Monte Carlo's draws and seed."""

    data_dir: str
    reports_dir: str
    base_year: int
    horizon_years: int
    marking: str
    archive_keep: int = DEFAULT_ARCHIVE_KEEP  # 0 keeps all
    buildup_days: list[int] = list(DEFAULT_BUILDUP_DAYS)  # checkpoints of §13
    mc_draws: int = DEFAULT_MC_DRAWS  # draws of the Monte Carlo (§10)
    mc_seed: int = DEFAULT_MC_SEED  # its root seed

    @classmethod
    def from_settings(cls, s: Settings) -> CdpSettings:
        return cls(
            data_dir=str(s.data_dir),
            reports_dir=str(s.reports_dir),
            base_year=s.base_year,
            horizon_years=s.horizon_years,
            marking=s.marking,
            archive_keep=s.archive_keep,
            buildup_days=list(s.buildup_days),
            mc_draws=s.mc_draws,
            mc_seed=s.mc_seed,
        )

    @property
    def sql_params(self) -> dict:
        return {"base_year": self.base_year, "horizon_years": self.horizon_years}


def build_resources(s: Settings) -> dict:
    s.warehouse.parent.mkdir(parents=True, exist_ok=True)
    # No replacement scans: a query must never read a Python variable that happens to
    # share a table's name (asset objects do); frames are registered explicitly.
    duckdb = DuckDBResource(
        database=str(s.warehouse), connection_config={"python_enable_replacements": False}
    )
    return {"duckdb": duckdb, "cdp": CdpSettings.from_settings(s)}


@definitions
def resources() -> Definitions:
    return Definitions(resources=build_resources(Settings.from_env()))
