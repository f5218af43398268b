"""The nightly schedule, the input-file sensor, the freshness expected of the gap tables,
and the read-only warehouse snapshot."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import duckdb
import pytest
from dagster import (
    AssetKey,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    SensorResult,
    SkipReason,
    build_sensor_context,
)

from pipelines.definitions import defs
from pipelines.defs.automation import input_files, nightly_refresh
from pipelines.defs.resources import CdpSettings
from tests.support import inv, line, scenario

INVENTORY_READERS = {"stg_inventory", "ingest_superseded"}


def _tick(data_dir, cursor: str | None):
    """One evaluation of the sensor on `data_dir`; returns (run requests, new cursor)."""
    cdp = CdpSettings(
        data_dir=str(data_dir.root),
        reports_dir="unused",
        base_year=2026,
        horizon_years=1,
        marking="TEST",
    )
    context = build_sensor_context(cursor=cursor, resources={"cdp": cdp}, definitions=defs)
    result = input_files(context)
    if isinstance(result, SkipReason):
        return [], cursor
    assert isinstance(result, SensorResult)
    return result.run_requests, result.cursor


def _selected(request) -> set[str]:
    return {key.to_user_string() for key in request.asset_selection}


@pytest.fixture
def watched(data_dir):
    """A data folder the sensor has already seen once."""
    data_dir.inventory("FI", [inv("FI", "BS.SURV.UAS", 3, 5)])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", "BS.SURV.UAS", 2, 10)]))
    requests, cursor = _tick(data_dir, None)
    assert len(requests) == 1
    return data_dir, cursor


def test_first_look_refreshes_everything(data_dir):
    data_dir.inventory("FI", [inv("FI", "BS.SURV.UAS", 3, 5)])
    requests, cursor = _tick(data_dir, None)
    # No selection: the whole job, since the warehouse may hold nothing yet.
    assert [r.asset_selection for r in requests] == [None]
    assert "inbox/inventory/FI.csv" in cursor


def test_a_new_file_gives_one_run_and_the_same_file_again_none(watched):
    data_dir, cursor = watched
    data_dir.inventory("SE", [inv("SE", "BS.SURV.UAS", 1, 5)])
    requests, cursor = _tick(data_dir, cursor)
    assert len(requests) == 1
    assert requests[0].tags["cdp/changed"] == "inbox/inventory/SE.csv"
    assert _tick(data_dir, cursor) == ([], cursor)


def test_a_changed_file_gives_a_new_run_a_touched_one_none(watched):
    data_dir, cursor = watched
    path = data_dir.root / "inbox" / "inventory" / "FI.csv"
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 3600))
    assert _tick(data_dir, cursor) == ([], cursor)

    data_dir.inventory("FI", [inv("FI", "BS.SURV.UAS", 4, 5)])
    requests, cursor = _tick(data_dir, cursor)
    assert len(requests) == 1
    assert _tick(data_dir, cursor) == ([], cursor)


def test_a_restored_version_refreshes_again(watched):
    data_dir, first = watched
    original = (data_dir.root / "inbox" / "inventory" / "FI.csv").read_bytes()
    data_dir.inventory("FI", [inv("FI", "BS.SURV.UAS", 4, 5)])
    _, second = _tick(data_dir, first)
    (data_dir.root / "inbox" / "inventory" / "FI.csv").write_bytes(original)
    requests, third = _tick(data_dir, second)
    assert len(requests) == 1 and third == first


def test_a_removed_file_refreshes_what_read_it(watched):
    data_dir, cursor = watched
    (data_dir.root / "inbox" / "inventory" / "FI.csv").unlink()
    requests, _ = _tick(data_dir, cursor)
    assert len(requests) == 1 and INVENTORY_READERS <= _selected(requests[0])


def test_an_inventory_refreshes_its_readers_and_all_downstream_only(watched):
    data_dir, cursor = watched
    data_dir.inventory("SE", [inv("SE", "BS.SURV.UAS", 1, 5)])
    (request,), _ = _tick(data_dir, cursor)
    selected = _selected(request)
    assert INVENTORY_READERS | {"gap_lines", "gap_capabilities", "warehouse_snapshot"} <= selected
    assert not {"stg_member_states", "stg_scenarios", "stg_offers", "int_years"} & selected


def test_a_scenario_refreshes_scenarios_and_offers_downstream(watched):
    data_dir, cursor = watched
    data_dir.scenario("se", scenario("SE-A", "SE", [line("L1", "BS.SURV.UAS", 1, 10)]))
    (request,), _ = _tick(data_dir, cursor)
    selected = _selected(request)
    assert {
        "stg_scenarios",
        "stg_requirements",
        "stg_concurrency_cases",
        "stg_offers",
        "gap_lines",
    } <= selected
    assert not INVENTORY_READERS & selected


def test_an_options_file_refreshes_the_options_and_what_depends_on_them(watched):
    data_dir, cursor = watched
    folder = data_dir.root / "options"
    folder.mkdir()
    (folder / "cdp.yaml").write_text("budget_meur: 100\noptions: []\n", encoding="utf-8")
    (request,), cursor = _tick(data_dir, cursor)
    assert request.tags["cdp/changed"] == "options/cdp.yaml"
    assert "options/cdp.yaml" in cursor
    selected = _selected(request)
    assert {"stg_options", "stg_option_links", "stg_option_budgets", "ingest_rejects",
            "ingest_files"} <= selected
    assert not INVENTORY_READERS & selected
    # Not the other inputs' readers (the gaps follow, as they read ingest_files).
    assert not {"stg_member_states", "stg_scenarios", "stg_offers"} & selected

    (folder / "cdp.yaml").write_text("budget_meur: 200\noptions: []\n", encoding="utf-8")
    (request,), cursor = _tick(data_dir, cursor)
    assert "stg_options" in _selected(request)
    (folder / "cdp.yaml").unlink()
    (request,), _ = _tick(data_dir, cursor)
    assert "stg_options" in _selected(request)


def test_a_lever_file_refreshes_the_levers_and_what_depends_on_them(watched):
    data_dir, cursor = watched
    folder = data_dir.root / "levers"
    folder.mkdir()
    (folder / "nato.yaml").write_text("id: NATO-RELEASE\nname: n\nchanges: []\n",
                                      encoding="utf-8")
    (folder / "notes.txt").write_text("not a lever file", encoding="utf-8")
    (request,), cursor = _tick(data_dir, cursor)
    assert request.tags["cdp/changed"] == "levers/nato.yaml"
    assert "levers/nato.yaml" in cursor and "levers/notes.txt" not in cursor
    selected = _selected(request)
    assert {"stg_levers", "stg_lever_changes", "ingest_rejects", "ingest_files"} <= selected
    assert not INVENTORY_READERS & selected
    assert not {"stg_member_states", "stg_scenarios", "stg_offers", "stg_options"} & selected

    (folder / "nato.yaml").unlink()
    (request,), _ = _tick(data_dir, cursor)
    assert "stg_lever_changes" in _selected(request)


def test_an_options_file_also_refreshes_the_levers_that_may_name_its_options(watched):
    data_dir, cursor = watched
    folder = data_dir.root / "options"
    folder.mkdir()
    (folder / "cdp.yaml").write_text("budget_meur: 100\noptions: []\n", encoding="utf-8")
    (request,), _ = _tick(data_dir, cursor)
    assert {"stg_levers", "stg_lever_changes"} <= _selected(request)


def test_a_file_the_pipeline_would_not_read_is_ignored(watched):
    data_dir, cursor = watched
    (data_dir.root / "inbox" / "inventory" / ".~lock.FI.csv#").write_text("office lock file")
    (data_dir.root / "scenarios" / "notes.txt").write_text("not a scenario")
    assert _tick(data_dir, cursor) == ([], cursor)


def test_nightly_schedule_refreshes_everything_at_two_in_brussels_by_default():
    assert nightly_refresh.cron_schedule == "0 2 * * *"
    assert nightly_refresh.execution_timezone == "Europe/Brussels"
    assert nightly_refresh.default_status == DefaultScheduleStatus.RUNNING
    assert input_files.default_status == DefaultSensorStatus.RUNNING
    job = defs.resolve_job_def(nightly_refresh.job_name)
    assert (
        job.asset_layer.selected_asset_keys == defs.resolve_asset_graph().materializable_asset_keys
    )
    assert job.executor_def.name == "in_process"


def test_the_nightly_cron_comes_from_the_environment():
    probe = (
        "from pipelines.definitions import defs; "
        "print(defs.resolve_schedule_def('nightly_refresh').cron_schedule)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CDP_REFRESH_CRON": "30 3 * * 1-5"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "30 3 * * 1-5"


def test_gap_tables_turn_stale_after_36_hours_without_a_refresh():
    graph = defs.resolve_asset_graph()
    policies = {
        key.to_user_string(): graph.get(key).freshness_policy for key in graph.get_all_asset_keys()
    }
    gap_tables = {name for name in policies if name.startswith("gap_")}
    assert {"gap_lines", "gap_capabilities", "gap_cases"} <= gap_tables
    for name, policy in policies.items():
        if name in gap_tables:
            assert policy.fail_window.to_timedelta() == timedelta(hours=36), name
        else:
            assert policy is None, name


def test_the_snapshot_comes_after_every_warehouse_table():
    graph = defs.resolve_asset_graph()
    snapshot = AssetKey("warehouse_snapshot")
    before = _ancestors(graph, snapshot)
    tables = {
        key
        for key in graph.get_all_asset_keys()
        if "duckdb" in graph.get(key).kinds and key != snapshot
    }
    assert not tables - before, (
        "warehouse_snapshot may run before these tables are built; add them (or what is "
        f"built from them) to BUILT_LAST in pipelines/defs/snapshot.py: {_names(tables - before)}"
    )


def _ancestors(graph, key) -> set:
    seen, todo = set(), [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def _names(keys) -> list[str]:
    return sorted(k.to_user_string() for k in keys)


def test_warehouse_snapshot_is_a_whole_copy_readers_can_hold_open(data_dir, run_pipeline, tmp_path):
    data_dir.inventory("FI", [inv("FI", "BS.SURV.UAS", 3, 5)])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", "BS.SURV.UAS", 2, 10)]))
    run = run_pipeline(data_dir, selection="*warehouse_snapshot")
    assert run.result.success
    snapshot = tmp_path / "reports" / "warehouse_snapshot.duckdb"
    assert sorted(p.name for p in snapshot.parent.iterdir()) == [snapshot.name]

    reader = duckdb.connect(str(snapshot), read_only=True)
    try:
        tables = {r[0] for r in reader.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert {"gap_lines", "gap_capabilities", "stg_inventory", "ingest_rejects"} <= tables
        for table in ("gap_lines", "gap_capabilities", "stg_inventory"):
            copied = reader.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert copied == run.query(f"SELECT count(*) FROM {table}")[0], table
        # A reader holding the snapshot open never stops the next refresh from publishing.
        again = run_pipeline(data_dir, selection="*warehouse_snapshot")
        assert again.result.success
        assert reader.execute("SELECT count(*) FROM gap_lines").fetchone()[0] > 0
    finally:
        reader.close()
