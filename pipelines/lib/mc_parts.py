"""The Monte Carlo fanned out (methodology §10): each scenario's draws as Parquet files
beside the warehouse, written by a process that only reads the warehouse, and read
back by the one process that writes it. Plain DuckDB and pandas, no Dagster.

Layout, under the warehouse's folder::

    mc_parts/<fingerprint>/<scenario_id>/{lines,capabilities,roles,scenarios}.parquet

The fingerprint is a hash of everything a scenario's figures depend on (the Monte
Carlo's inputs as read from the warehouse, the draws and the seed), so a part made
from other data is never mistaken for a current one: it simply lies in another
folder. A scenario's folder appears in one rename, complete or not at all.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.lib.monte_carlo import Result

FOLDER = "mc_parts"
FIGURES = ("lines", "capabilities", "roles", "scenarios")  # the fields of a Result
# Scenario ids are ^[A-Z0-9][A-Z0-9-]{2,47}$ (data contract); anything that could leave
# the parts folder or hide in it is refused rather than escaped.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_INPUT_ORDER = ("cells", "lines", "scenarios", "participation")


def fingerprint(inputs: dict, draws: int, seed: int) -> str:
    """A hash of the Monte Carlo's inputs (as ``read_inputs`` returns them), draws and
    seed. Rows are sorted first, since the warehouse returns some of them in no
    particular order; floats are written in full (``repr``), so any change shows."""
    digest = hashlib.blake2b(digest_size=12)
    for name in _INPUT_ORDER:
        frame = inputs[name]
        frame = frame.sort_values(list(frame.columns), kind="stable", na_position="first")
        digest.update(f"{name}\n".encode())
        digest.update(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    years = ",".join(str(int(y)) for y in sorted(inputs["years"]))
    digest.update(f"years {years}\ndraws {int(draws)}\nseed {int(seed)}\n".encode())
    return digest.hexdigest()


def any_parts(warehouse: str | Path) -> bool:
    """Whether a fan-out ever wrote parts beside this warehouse (without one, there is no
    need to fingerprint the inputs to look for them)."""
    return (Path(warehouse).resolve().parent / FOLDER).is_dir()


def parts_folder(warehouse: str | Path, fingerprint: str) -> Path:
    """Where the parts of one set of inputs live: beside the warehouse file."""
    return Path(warehouse).resolve().parent / FOLDER / fingerprint


def _scenario_folder(folder: Path, scenario_id: str) -> Path:
    if not _SAFE_NAME.match(scenario_id):
        raise ValueError(f"scenario id {scenario_id!r} cannot name a folder")
    return folder / scenario_id


def write_part(folder: Path, scenario_id: str, result: Result) -> Path:
    """One scenario's Result as four Parquet files in ``folder/<scenario_id>/``, written
    to a hidden folder first and renamed into place, so a reader sees all or nothing.
    Rewriting a scenario replaces its folder (the same inputs give the same bytes)."""
    target = _scenario_folder(folder, scenario_id)
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{scenario_id}.{os.getpid()}.{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        with duckdb.connect(config={"python_enable_replacements": False}) as con:
            for name in FIGURES:
                con.register("figures", getattr(result, name))
                path = str(staging / f"{name}.parquet").replace("'", "''")
                con.execute(f"COPY (SELECT * FROM figures) TO '{path}' (FORMAT parquet)")
                con.unregister("figures")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


def read_parts(folder: Path, scenario_ids: Iterable[str]) -> tuple[list[Result], list[str]]:
    """The parts of these scenarios that ``folder`` holds, and the ids it has none for."""
    found, missing = [], []
    with duckdb.connect(config={"python_enable_replacements": False}) as con:
        for scenario_id in scenario_ids:
            part = _scenario_folder(folder, scenario_id)
            files = [part / f"{name}.parquet" for name in FIGURES]
            if not all(f.is_file() for f in files):
                missing.append(scenario_id)
                continue
            frames = [con.execute("SELECT * FROM read_parquet($f)", {"f": str(f)}).df()
                      for f in files]
            found.append(Result(*(_as_drawn(frame) for frame in frames)))
    return found, missing


def _as_drawn(frame):
    # DuckDB gives an empty VARCHAR column as object, a full one as str (what the draws
    # are): the same dtypes either way, so a combined frame does not depend on which
    # scenarios had no line.
    objects = {c: str for c in frame.columns if frame[c].dtype == object}
    return frame.astype(objects) if objects else frame


def prune(folder: Path) -> list[Path]:
    """Remove the parts of earlier inputs: every sibling of ``folder`` (another
    fingerprint) last changed before it. A newer sibling stays, since it may belong to
    a fan-out on newer data that is running now."""
    if not folder.is_dir():
        return []
    since = folder.stat().st_mtime
    removed = []
    for other in folder.parent.iterdir():
        if other != folder and other.is_dir() and other.stat().st_mtime < since:
            shutil.rmtree(other, ignore_errors=True)
            removed.append(other)
    return removed


def frame_rows(result: Result) -> dict[str, int]:
    return {name: len(getattr(result, name)) for name in FIGURES}


@contextmanager
def read_only(database: str | Path, attempts: int = 30, pause_s: float = 1.0,
              ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse. Any number of processes may hold one at
    once; none can while a writer holds the file, so a reader that meets a refresh waits
    for it (up to ``attempts`` × ``pause_s``) instead of failing."""
    for attempt in range(attempts):
        try:
            con = duckdb.connect(str(database), read_only=True,
                                 config={"python_enable_replacements": False})
            break
        except duckdb.IOException:
            if attempt == attempts - 1:
                raise
            time.sleep(pause_s)
    try:
        yield con
    finally:
        con.close()
