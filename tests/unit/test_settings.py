"""Run settings from the environment (no Dagster)."""

import datetime as dt
from pathlib import Path

import pytest

from pipelines.lib.settings import REPO_ROOT, Settings


def test_defaults_follow_the_readme():
    s = Settings.from_env({})
    assert s.data_dir == REPO_ROOT / "data"
    assert s.warehouse == REPO_ROOT / "data" / "warehouse.duckdb"
    assert s.reports_dir == REPO_ROOT / "reports"
    assert s.base_year == dt.date.today().year
    assert list(s.years) == list(range(s.base_year, s.base_year + 11))
    assert s.marking == "UNCLASSIFIED – ILLUSTRATIVE DATA"
    assert s.archive_keep == 30
    assert s.buildup_days == (0, 2, 5, 10, 20, 30, 60, 90, 180)


def test_every_path_and_the_horizon_come_from_the_environment(tmp_path):
    s = Settings.from_env({
        "CDP_DATA_DIR": str(tmp_path / "d"), "CDP_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "CDP_REPORTS_DIR": "elsewhere", "CDP_BASE_YEAR": "2030", "CDP_HORIZON_YEARS": "2",
        "CDP_MARKING": "RESTREINT UE", "CDP_ARCHIVE_KEEP": "0",
    })
    assert (s.data_dir, s.warehouse) == (tmp_path / "d", tmp_path / "w.duckdb")
    assert s.reports_dir == REPO_ROOT / "elsewhere"
    assert list(s.years) == [2030, 2031, 2032]
    assert s.marking == "RESTREINT UE"
    assert s.archive_keep == 0


@pytest.mark.parametrize("name, value", [("CDP_BASE_YEAR", "next"), ("CDP_HORIZON_YEARS", "-1"),
                                         ("CDP_ARCHIVE_KEEP", "all")])
def test_a_bad_setting_is_explained(name, value):
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: value})


def test_buildup_days_are_sorted_and_without_repeats():
    s = Settings.from_env({"CDP_BUILDUP_DAYS": " 30, 0,7 ,30,365"})
    assert s.buildup_days == (0, 7, 30, 365)
    # Constructors that name no checkpoints get the default.
    assert Settings(REPO_ROOT, REPO_ROOT / "w.duckdb", REPO_ROOT, 2026, 1, "M").buildup_days \
        == Settings.from_env({}).buildup_days


@pytest.mark.parametrize("value", ["1,2,x", "1,,2", "7.5", "-1", "366", ","])
def test_bad_buildup_days_are_explained(value):
    with pytest.raises(ValueError, match="CDP_BUILDUP_DAYS"):
        Settings.from_env({"CDP_BUILDUP_DAYS": value})


def test_monte_carlo_draws_and_seed():
    assert (Settings.from_env({}).mc_draws, Settings.from_env({}).mc_seed) == (1000, 42)
    s = Settings.from_env({"CDP_MC_DRAWS": "20000", "CDP_MC_SEED": "7"})
    assert (s.mc_draws, s.mc_seed) == (20000, 7)
    # Constructors that name neither get the defaults.
    plain = Settings(REPO_ROOT, REPO_ROOT / "w.duckdb", REPO_ROOT, 2026, 1, "M")
    assert (plain.mc_draws, plain.mc_seed) == (1000, 42)


@pytest.mark.parametrize("name, value", [("CDP_MC_DRAWS", "0"), ("CDP_MC_DRAWS", "1000001"),
                                         ("CDP_MC_DRAWS", "1e3"), ("CDP_MC_SEED", "-1"),
                                         ("CDP_MC_SEED", "seed")])
def test_bad_monte_carlo_settings_are_explained(name, value):
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: value})
