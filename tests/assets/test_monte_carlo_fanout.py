"""The Monte Carlo fanned out by scenario (methodology §10): the partitions of
`mc_scenario_draws` write Parquet parts while only reading the warehouse, `monte_carlo`
loads them as its one writer, and the mc_* tables are the unpartitioned path's, byte
for byte: partitions run one after another in this process, and in parallel runs with
the multiprocess executor.
"""

import multiprocessing
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest
from dagster import (
    AssetSelection,
    DagsterInstance,
    execute_job,
    materialize,
    multiprocess_executor,
    reconstructable,
)

from pipelines.definitions import defs
from pipelines.defs.confidence.assets import SCENARIOS, scenario_draws, sync_partitions
from pipelines.defs.resources import build_resources
from pipelines.lib import mc_parts
from pipelines.lib.settings import Settings
from tests.assets.test_monte_carlo import INF, UAS, uncertain_inputs
from tests.support import Run, line, scenario

# int_mc_capabilities too: the table mc_capabilities is built from.
MC_TABLES = ("mc_lines", "int_mc_capabilities", "mc_capabilities", "mc_roles")
MC_ASSETS = AssetSelection.assets("mc_lines", "mc_capabilities", "mc_roles")
DRAWS = 4000
FANOUT_ENV = "CDP_MC_FANOUT"


def four_scenarios(data_dir) -> list[str]:
    """The inputs of test_monte_carlo (chance in units and participation) and two more
    scenarios on the same capabilities: four partitions sharing their unit draws."""
    uncertain_inputs(data_dir)
    data_dir.scenario("se-z", scenario("SE-Z", "SE", [
        line("A", UAS, 3, 10, criticality="essential"), line("B", INF, 2, 30)]))
    data_dir.scenario("fi-w", scenario("FI-W", "FI", [line("A", INF, 5, 30)], art5=True))
    return ["FI-W", "FI-X", "PL-Y", "SE-Z"]


def settings_for(data_dir, tmp_path) -> Settings:
    return Settings(data_dir=data_dir.root, warehouse=tmp_path / "warehouse.duckdb",
                    reports_dir=tmp_path / "reports", base_year=2026, horizon_years=2,
                    marking="TEST", mc_draws=DRAWS)


def tables(warehouse) -> dict[str, list[tuple]]:
    """Every mc_* table, row for row in the order it is stored."""
    run = Run(None, warehouse)
    return {t: run.query(f"SELECT * FROM {t}") for t in MC_TABLES}


def consolidate(settings, instance):
    result = materialize([*defs.assets, *defs.asset_checks], selection=MC_ASSETS,
                         resources=build_resources(settings), instance=instance)
    assert result.success
    assert all(e.event_specific_data.passed for e in result.all_events
               if e.event_type_value == "ASSET_CHECK_EVALUATION")
    metadata = result.asset_materializations_for_node("monte_carlo")[0].metadata
    return metadata["from_parts"].value, metadata["drawn_here"].value


@pytest.fixture
def refreshed(data_dir, tmp_path):
    """The unpartitioned path (as every refresh runs it), its mc_* tables, and the
    partitions registered as `monte_carlo` registers them with the fan-out on."""
    ids = four_scenarios(data_dir)
    settings = settings_for(data_dir, tmp_path)
    (tmp_path / "dagster_home").mkdir()
    instance = DagsterInstance.local_temp(str(tmp_path / "dagster_home"))
    result = materialize([*defs.assets, *defs.asset_checks],
                         selection=AssetSelection.groups("ingest", "gaps", "confidence"),
                         resources=build_resources(settings), instance=instance)
    assert result.success
    metadata = result.asset_materializations_for_node("monte_carlo")[0].metadata
    assert (metadata["from_parts"].value, metadata["drawn_here"].value) == (0, len(ids))
    assert not (tmp_path / mc_parts.FOLDER).exists()  # the refresh writes no part

    instance.add_dynamic_partitions(SCENARIOS.name, ["GONE-1"])
    assert sync_partitions(instance, ids) == {"partitions_added": 4, "partitions_removed": 1}
    assert sorted(instance.get_dynamic_partitions(SCENARIOS.name)) == ids
    yield settings, instance, ids, tables(settings.warehouse)
    instance.dispose()


def test_a_backfill_in_one_process_gives_the_same_tables(refreshed, tmp_path):
    settings, instance, ids, unpartitioned = refreshed
    draws = scenario_draws()
    for key in ids:  # one partition after another, as a local backfill runs them
        result = materialize([draws], partition_key=key, resources=build_resources(settings),
                             instance=instance)
        assert result.success
        metadata = result.asset_materializations_for_node(draws.op.name)[0].metadata
        assert metadata["rows_lines"].value > 0
    parts = sorted(p.name for p in (tmp_path / mc_parts.FOLDER).iterdir())
    assert len(parts) == 1 and sorted(
        p.name for p in (tmp_path / mc_parts.FOLDER / parts[0]).iterdir()) == ids

    assert consolidate(settings, instance) == (4, 0)
    assert tables(settings.warehouse) == unpartitioned

    # A scenario whose part is missing is drawn by the consolidation: still the same.
    shutil.rmtree(tmp_path / mc_parts.FOLDER / parts[0] / "PL-Y")
    assert consolidate(settings, instance) == (3, 1)
    assert tables(settings.warehouse) == unpartitioned


def fanout_job():
    """The fan-out job of the definitions (CDP_MC_FANOUT=1 in the worker processes),
    with the multiprocess executor at 2 processes. Module level, so that each process
    can rebuild it (reconstructable)."""
    return defs.resolve_job_def("monte_carlo_fanout").with_executor_def(
        multiprocess_executor.configured({"max_concurrent": 2}))


def _run_partition(instance_ref, key: str) -> tuple[str, bool]:
    with DagsterInstance.from_ref(instance_ref) as instance:
        result = execute_job(reconstructable(fanout_job), instance=instance,
                             tags={"dagster/partition": key})
        return result.run_id, result.success


def test_a_backfill_in_parallel_processes_gives_the_same_tables(refreshed, tmp_path,
                                                                  monkeypatch):
    settings, instance, ids, unpartitioned = refreshed
    env = {FANOUT_ENV: "1", "CDP_DATA_DIR": str(settings.data_dir),
           "CDP_WAREHOUSE": str(settings.warehouse), "CDP_REPORTS_DIR": str(settings.reports_dir),
           "CDP_BASE_YEAR": "2026", "CDP_HORIZON_YEARS": "2", "CDP_MC_DRAWS": str(DRAWS),
           "CDP_MARKING": "TEST"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # Two workers, each launching its partitions' runs: two runs (and their step
    # processes) at once, both opening the warehouse read-only.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=spawn) as pool:
        launched = list(pool.map(_run_partition, [instance.get_ref()] * len(ids), ids))
    assert all(ok for _, ok in launched), launched

    runs = [instance.get_run_by_id(run_id) for run_id, _ in launched]
    assert sorted(r.tags["dagster/partition"] for r in runs) == ids
    logs = [instance.all_logs(r.run_id) for r in runs]
    assert not [e.message for log in logs for e in log if "lock" in (e.message or "").lower()]
    steps = [e for log in logs for e in log if e.dagster_event and e.dagster_event.is_step_start]
    assert len({e.dagster_event.pid for e in steps} - {os.getpid()}) == len(ids)  # each step its own process
    spans = sorted(_span(log) for log in logs)
    assert any(b_start < a_end for (_, a_end), (b_start, _) in zip(spans, spans[1:])), spans

    monkeypatch.delenv(FANOUT_ENV)
    assert consolidate(settings, instance) == (4, 0)
    assert tables(settings.warehouse) == unpartitioned


def _span(log) -> tuple[float, float]:
    """When a run started and when it ended (its first and last event)."""
    times = [e.timestamp for e in log]
    return min(times), max(times)


def test_with_the_fan_out_on_the_refresh_still_leaves_the_partitions_out():
    """CDP_MC_FANOUT=1 adds the partitioned asset and its job; the refresh job, the
    schedule and the sensor stay unpartitioned runs (without it nothing changes: the
    definitions snapshot)."""
    probe = (
        "from dagster import AssetKey, Definitions\n"
        "from pipelines.definitions import defs\n"
        "Definitions.validate_loadable(defs)\n"
        "graph = defs.resolve_asset_graph()\n"
        "draws = AssetKey('mc_scenario_draws')\n"
        "assert graph.get(draws).partitions_def.name == 'scenarios'\n"
        "assert draws in graph.get(AssetKey('mc_lines')).parent_keys\n"
        "refresh = defs.resolve_job_def('refresh_all').asset_layer.selected_asset_keys\n"
        "assert refresh == graph.materializable_asset_keys - {draws}\n"
        "fanout = defs.resolve_job_def('monte_carlo_fanout')\n"
        "assert fanout.asset_layer.selected_asset_keys == {draws}\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, env={**os.environ, FANOUT_ENV: "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
