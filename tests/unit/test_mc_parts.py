"""The Monte Carlo's Parquet parts (lib/mc_parts.py), without Dagster: exact round
trips, a fingerprint that sees every change of the inputs, folders that appear whole,
and read-only connections that several processes hold at once."""

import multiprocessing
import os
import time

import duckdb
import pandas as pd
import pytest

from pipelines.lib import mc_parts
from pipelines.lib import monte_carlo as mc
from pipelines.lib.settings import mc_fanout
from tests.unit.test_monte_carlo import BS, DS, line, row


def inputs(quantity: float = 3.0) -> dict:
    rows = pd.DataFrame([row("DE", quantity, availability=0.7), row("FR", 2.5, availability=0.6),
                         row("SE", 4, availability=0.9, capability="D")])
    rows["available_from"] = rows["available_from"].astype("Int64")
    rows["available_until"] = rows["available_until"].astype("Int64")
    return {
        "cells": mc.cells_from_rows(rows),
        "lines": pd.DataFrame([line("L1", 3), line("L2", 2, role=DS, capability="D"),
                               line("L1", 4, scenario="T")]),
        "scenarios": pd.DataFrame([("S", "FI", True), ("T", "SE", False), ("U", "FI", False)],
                                  columns=["scenario_id", "invoking_state",
                                           "nato_article5_concurrent"]),
        "participation": pd.DataFrame([("FR", BS, 0.5), ("SE", DS, 0.4)],
                                      columns=["member_state", "role", "probability"]),
        "years": [2026, 2027],
    }


def test_a_part_reads_back_exactly_as_it_was_drawn(tmp_path):
    data = inputs()
    folder = tmp_path / "parts"
    drawn = {s: mc.simulate(**data, draws=200, seed=3, only=[s]) for s in ("S", "T", "U")}
    for scenario_id, result in drawn.items():
        assert mc_parts.write_part(folder, scenario_id, result) == folder / scenario_id
    assert sorted(p.name for p in folder.iterdir()) == ["S", "T", "U"]  # no staging left
    loaded, missing = mc_parts.read_parts(folder, ["S", "T", "U", "V"])
    assert missing == ["V"]
    for part, scenario_id in zip(loaded, ("S", "T", "U"), strict=True):
        for name in mc_parts.FIGURES:
            pd.testing.assert_frame_equal(getattr(part, name), getattr(drawn[scenario_id], name),
                                          check_exact=True)
    assert len(loaded[2].lines) == 0  # U has no line: an empty part, not a missing one
    whole = mc.simulate(**data, draws=200, seed=3)
    combined = mc.combine(loaded)
    for name in mc_parts.FIGURES:
        pd.testing.assert_frame_equal(getattr(combined, name), getattr(whole, name),
                                      check_exact=True)

    # Written again (a partition re-run): replaced, the same bytes.
    before = (folder / "S" / "lines.parquet").read_bytes()
    mc_parts.write_part(folder, "S", drawn["S"])
    assert (folder / "S" / "lines.parquet").read_bytes() == before


def test_an_incomplete_part_counts_as_missing(tmp_path):
    folder = tmp_path / "parts"
    mc_parts.write_part(folder, "S", mc.simulate(**inputs(), draws=10, seed=1, only=["S"]))
    (folder / "S" / "roles.parquet").unlink()
    assert mc_parts.read_parts(folder, ["S"]) == ([], ["S"])


@pytest.mark.parametrize("bad", ["../S", "a/b", ".hidden", "", "S T"])
def test_a_scenario_id_that_could_leave_the_folder_is_refused(tmp_path, bad):
    with pytest.raises(ValueError, match="cannot name a folder"):
        mc_parts.read_parts(tmp_path, [bad])


def test_the_fingerprint_sees_every_change_but_not_the_row_order():
    base = mc_parts.fingerprint(inputs(), 1000, 42)
    shuffled = {k: (v.iloc[::-1] if isinstance(v, pd.DataFrame) else v[::-1])
                for k, v in inputs().items()}
    assert mc_parts.fingerprint(shuffled, 1000, 42) == base
    changed = inputs()
    changed["participation"].loc[0, "probability"] = 0.5 + 1e-15
    others = [mc_parts.fingerprint(inputs(3.0 + 1e-12), 1000, 42),
              mc_parts.fingerprint(changed, 1000, 42),
              mc_parts.fingerprint(inputs(), 1001, 42),
              mc_parts.fingerprint(inputs(), 1000, 43),
              mc_parts.fingerprint({**inputs(), "years": [2026]}, 1000, 42)]
    assert base not in others and len(set(others)) == len(others)


def test_prune_keeps_the_current_and_any_newer_set(tmp_path):
    root = tmp_path / mc_parts.FOLDER
    old, current, newer = (root / name for name in ("old", "current", "newer"))
    for i, folder in enumerate((old, current, newer)):
        folder.mkdir(parents=True)
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    assert mc_parts.prune(current) == [old]
    assert sorted(p.name for p in root.iterdir()) == ["current", "newer"]


def _hold_read_only(database: str, barrier, results) -> None:
    with mc_parts.read_only(database, attempts=1) as con:
        barrier.wait(timeout=60)  # every reader holds its connection at this point
        results.put(con.execute("SELECT count(*) FROM t").fetchone()[0])
        barrier.wait(timeout=60)


def test_several_processes_read_the_warehouse_at_once(tmp_path):
    """What lets the partitions run side by side: read-only connections share the file
    while no process writes it; a writer waits for them (and they for a writer)."""
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE t AS SELECT * FROM range(5)")
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(3), spawn.Queue()
    readers = [spawn.Process(target=_hold_read_only, args=(str(database), barrier, results))
               for _ in range(2)]
    for reader in readers:
        reader.start()
    barrier.wait(timeout=60)
    with pytest.raises(duckdb.IOException, match="lock"):
        duckdb.connect(str(database))  # a writer while they read
    barrier.wait(timeout=60)
    for reader in readers:
        reader.join(timeout=60)
        assert reader.exitcode == 0
    assert [results.get(timeout=5) for _ in readers] == [5, 5]

    barrier = spawn.Barrier(2)
    writer = spawn.Process(target=_hold_writer, args=(str(database), barrier))
    writer.start()
    barrier.wait(timeout=60)
    started = time.monotonic()
    with pytest.raises(duckdb.IOException, match="lock"):
        with mc_parts.read_only(database, attempts=2, pause_s=0.1):
            pass
    assert time.monotonic() - started >= 0.1  # it waited before giving up
    barrier.wait(timeout=60)
    writer.join(timeout=60)
    with mc_parts.read_only(database, attempts=1) as con:  # the writer gone: in again
        assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 5


def _hold_writer(database: str, barrier) -> None:
    with duckdb.connect(database):
        barrier.wait(timeout=60)
        barrier.wait(timeout=60)


@pytest.mark.parametrize(("raw", "on"), [(None, False), ("", False), ("0", False),
                                         ("1", True), ("true", True), ("YES", True)])
def test_the_fan_out_is_off_unless_asked_for(raw, on):
    assert mc_fanout({} if raw is None else {"CDP_MC_FANOUT": raw}) is on


def test_a_misspelt_fan_out_setting_is_an_error():
    with pytest.raises(ValueError, match="CDP_MC_FANOUT"):
        mc_fanout({"CDP_MC_FANOUT": "on please"})
