"""Run settings from the environment: where the data, warehouse and reports live.

Every path is configurable so the same pipeline runs on any data set laid out as
the data contract says; nothing here assumes the bundled sample.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MARKING = "UNCLASSIFIED – ILLUSTRATIVE DATA"
DEFAULT_ARCHIVE_KEEP = 30  # complete report sets kept in archive/ (~40 MB each)
# Checkpoints of the build-up after an invocation, in days (methodology §13).
DEFAULT_BUILDUP_DAYS = (0, 2, 5, 10, 20, 30, 60, 90, 180)
MAX_BUILDUP_DAY = 365
# The Monte Carlo of methodology §10: draws per refresh and the root seed.
DEFAULT_MC_DRAWS = 1000
MAX_MC_DRAWS = 1_000_000
DEFAULT_MC_SEED = 42


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse: Path
    reports_dir: Path
    base_year: int
    horizon_years: int
    marking: str
    archive_keep: int = DEFAULT_ARCHIVE_KEEP
    buildup_days: tuple[int, ...] = DEFAULT_BUILDUP_DAYS
    mc_draws: int = DEFAULT_MC_DRAWS
    mc_seed: int = DEFAULT_MC_SEED

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = _path(env.get("CDP_DATA_DIR"), REPO_ROOT / "data")
        return cls(
            data_dir=data_dir,
            warehouse=_path(env.get("CDP_WAREHOUSE"), REPO_ROOT / "data" / "warehouse.duckdb"),
            reports_dir=_path(env.get("CDP_REPORTS_DIR"), REPO_ROOT / "reports"),
            base_year=_int(env, "CDP_BASE_YEAR", dt.date.today().year, 1900, 2200),
            horizon_years=_int(env, "CDP_HORIZON_YEARS", 10, 0, 100),
            marking=env.get("CDP_MARKING") or DEFAULT_MARKING,
            archive_keep=_int(env, "CDP_ARCHIVE_KEEP", DEFAULT_ARCHIVE_KEEP, 0, 100_000),
            buildup_days=_days(env, "CDP_BUILDUP_DAYS", DEFAULT_BUILDUP_DAYS),
            mc_draws=_int(env, "CDP_MC_DRAWS", DEFAULT_MC_DRAWS, 1, MAX_MC_DRAWS),
            mc_seed=_int(env, "CDP_MC_SEED", DEFAULT_MC_SEED, 0, 2**63 - 1),
        )

    @property
    def years(self) -> range:
        return range(self.base_year, self.base_year + self.horizon_years + 1)


def mc_fanout(env: dict[str, str] | None = None) -> bool:
    """CDP_MC_FANOUT=1: the code location also offers the Monte Carlo fanned out by
    scenario (a partitioned asset, backfilled in parallel; methodology §10). Off by
    default, since a partitioned asset turns the UI's one-click "Materialize all" into
    a backfill dialog."""
    env = os.environ if env is None else env
    raw = (env.get("CDP_MC_FANOUT") or "").strip().lower()
    if raw not in ("", "0", "1", "false", "true", "no", "yes"):
        raise ValueError(f"CDP_MC_FANOUT must be 1 or 0, got {raw!r}")
    return raw in ("1", "true", "yes")


def _path(value: str | None, default: Path) -> Path:
    # Relative paths are taken from the repository root, as the README's defaults are.
    if not value:
        return default
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def _int(env, name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _days(env, name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Comma-separated whole numbers of days, 0..365; returned sorted, without repeats."""
    raw = env.get(name)
    if raw in (None, ""):
        return default
    days = set()
    for part in raw.split(","):
        part = part.strip()
        try:
            day = int(part)
        except ValueError:
            raise ValueError(
                f"{name} must be whole numbers of days separated by commas, got {raw!r}"
            ) from None
        if not 0 <= day <= MAX_BUILDUP_DAY:
            raise ValueError(f"{name} days must be between 0 and {MAX_BUILDUP_DAY}, got {day}")
        days.add(day)
    return tuple(sorted(days))
