"""Two writers launched at once against one DuckDB warehouse both succeed.

DuckDB lets one process write a database file at a time. Runs of the instance (a click
in the UI, the nightly schedule, the input-file sensor) wait in the run queue, which
the bundled dagster.yaml limits to one run at a time, so they run one after the other.
A process outside the instance (`cdp-gap refresh` in a terminal) finds the file locked
and dagster-duckdb retries the connection until the other step lets go.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.slow

# Enough to write the warehouse in every run, small enough to run in seconds.
# reference_data builds all three reference tables at once: a selection takes all or none.
WRITERS = ["stg_member_states", "stg_capabilities", "stg_participation", "stg_inventory",
           "ingest_superseded"]
RUN_TIMEOUT_S = 240


def test_two_runs_submitted_at_once_run_one_after_the_other(dagster_server):
    from dagster import DagsterRunStatus
    from dagster_graphql import DagsterGraphQLClient

    def submit(n: int) -> str:
        # One client each: a client's connection is not shared between threads.
        client = DagsterGraphQLClient("127.0.0.1", port_number=dagster_server.port)
        return client.submit_job_execution(
            "refresh_all", asset_selection=WRITERS, tags={"test": f"concurrent-{n}"}
        )

    with ThreadPoolExecutor(2) as pool:
        ours = set(pool.map(submit, (1, 2)))

    instance = dagster_server.instance()
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        records = instance.get_run_records()
        if all(r.dagster_run.is_finished for r in records if r.dagster_run.run_id in ours):
            break
        assert time.monotonic() < deadline, f"runs not finished:\n{dagster_server.log_tail()}"
        time.sleep(1)

    statuses = {r.dagster_run.run_id: r.dagster_run.status for r in records}
    assert all(statuses[run_id] == DagsterRunStatus.SUCCESS for run_id in ours), statuses
    # Every run of the instance (ours, and any the sensor or the UI test launched) ran
    # alone: each started after the one before it had ended.
    spans = sorted((r.start_time, r.end_time) for r in records if r.dagster_run.is_finished)
    for (_, ended), (started, _) in zip(spans, spans[1:], strict=False):
        assert started >= ended, spans


def test_two_refresh_commands_at_once_both_succeed(data_dir, tmp_path):
    from tests.support import inv, line, scenario

    data_dir.inventory("FI", [inv("FI", "BS.SURV.UAS", 3, 5)])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", "BS.SURV.UAS", 2, 10)]))
    env = {
        **os.environ,
        "CDP_DATA_DIR": str(data_dir.root),
        "CDP_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "CDP_REPORTS_DIR": str(tmp_path / "reports"),
        "CDP_HORIZON_YEARS": "1",
    }
    env.pop("DAGSTER_HOME", None)
    refreshes = [
        subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "refresh"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=RUN_TIMEOUT_S)[0] for process in refreshes]
    for process, output in zip(refreshes, outputs, strict=True):
        assert process.returncode == 0, output[-3000:]
        assert "Could not set lock" not in output
        # The progress display: one line per step, the snapshot among them.
        assert re.search(r"\[ *\d+/\d+\] ok +warehouse_snapshot", output), output[-3000:]
