"""The team deployment of deploy/: a real PostgreSQL (tests/postgres.py) holds runs, events,
schedules and sensor state; a code-location gRPC server, the daemon and the webserver run
as separate processes on deploy/dagster.yaml and deploy/workspace.yaml, as
deploy/docker-compose.yml runs them, with the credentials only in the environment.

What runs on the embedded default (`dagster dev`, tests/e2e/dagster_dev.py) must run the
same here: the input-file sensor's first look refreshes everything through the run
queue, to the same gap tables; the nightly schedule ticks; two launches queue; a run
whose worker is killed is marked failed and retried once; and after a restart of every
process the run history, the schedule's ticks and the sensor's cursor are still there.
"""

from __future__ import annotations

import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pytest

from pipelines.defs.automation import TIMEZONE, TRIGGER_TAG
from tests.e2e.dagster_deployment import LOCATION, dagster_deployment
from tests.e2e.test_concurrent_runs import WRITERS
from tests.postgres import PostgresNotInstalled, bin_dir, postgres_server

pytestmark = pytest.mark.slow

RUN_TIMEOUT_S = 240
# The gap tables a planner reads; gap_history and gap_changes carry run ids.
COMPARED = ["gap_lines", "gap_capabilities", "gap_roles", "gap_contributions",
            "gap_buildup", "gap_priorities"]
# Far enough ahead that the daemon has started and seen the schedule first.
SCHEDULE_LEAD = timedelta(seconds=45)
REPOSITORY = "__repository__"
PID_EVENT = re.compile(r"Started process for run \(pid: (\d+)\)")
SENSOR_RUNS = "input files"


@pytest.fixture(scope="module")
def postgres():
    try:
        bin_dir()
    except PostgresNotInstalled as missing:
        pytest.fail(str(missing), pytrace=False)
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="module")
def nightly_at() -> datetime:
    """The next whole minute at least SCHEDULE_LEAD ahead, in the schedule's time zone."""
    soon = datetime.now(ZoneInfo(TIMEZONE)) + SCHEDULE_LEAD
    return soon.replace(second=0, microsecond=0) + timedelta(minutes=1)


@pytest.fixture(scope="module")
def deployment(postgres, nightly_at, tmp_path_factory):
    cron = f"{nightly_at.minute} {nightly_at.hour} * * *"
    with pytest.MonkeyPatch.context() as patch:
        # This process opens the same instance (DagsterDev.instance) to read runs back.
        for name, value in postgres.env().items():
            patch.setenv(name, value)
        with dagster_deployment(tmp_path_factory.mktemp("deployment"), postgres.env(),
                                {"CDP_REFRESH_CRON": cron}) as running:
            yield running


def _wait_for(what: str, deployment, predicate, timeout: float = RUN_TIMEOUT_S, every=1.0):
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found:
            return found
        assert time.monotonic() < deadline, f"{what} not within {timeout} s:\n" \
                                            f"{deployment.log_tail()}"
        time.sleep(every)


def _finished(instance, run_id: str, deployment):
    return _wait_for(f"run {run_id} finished", deployment,
                     lambda: (run := instance.get_run_by_id(run_id)) and run.is_finished and run)


def _runs(instance, **tags):
    from dagster import RunsFilter

    return list(instance.get_runs(filters=RunsFilter(tags=tags)))


def _submit(deployment, tags: dict[str, str]) -> str:
    from dagster_graphql import DagsterGraphQLClient

    # One client each: a client's connection is not shared between threads.
    client = DagsterGraphQLClient("127.0.0.1", port_number=deployment.server.port)
    return client.submit_job_execution("refresh_all", asset_selection=WRITERS, tags=tags)


def _events(instance, run_id: str, kind):
    return instance.all_logs(run_id, of_type=kind)


def _sensor_full_refresh(instance):
    for run in _runs(instance, **{TRIGGER_TAG: SENSOR_RUNS}):
        if run.asset_selection is None and run.is_finished:
            return run
    return None


def _tables(path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in COMPARED}


def test_the_instance_is_postgres_and_the_definitions_load(deployment):
    from dagster._core.run_coordinator import QueuedRunCoordinator
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage
    from dagster_postgres.schedule_storage import PostgresScheduleStorage

    instance = deployment.server.instance()
    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
    assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
    assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 1
    assert instance.run_retries_max_retries == 1
    # The password reached PostgreSQL from the environment, not from the file.
    assert deployment.env["DAGSTER_POSTGRES_PASSWORD"] not in \
        (deployment.server.home / "dagster.yaml").read_text()

    answer = deployment.server.graphql(
        f'{{ repositoryOrError(repositorySelector: {{repositoryLocationName: "{LOCATION}", '
        f'repositoryName: "{REPOSITORY}"}}) {{ ... on Repository {{ jobs {{ name }} '
        "schedules { name } sensors { name } assetNodes { id } } } }"
    )["repositoryOrError"]
    assert "refresh_all" in {job["name"] for job in answer["jobs"]}
    assert [s["name"] for s in answer["schedules"]] == ["nightly_refresh"]
    assert [s["name"] for s in answer["sensors"]] == ["input_files"]
    assert len(answer["assetNodes"]) > 40


def test_the_sensor_refreshes_everything_through_the_queue_to_the_default_tables(
        deployment, dagster_server):
    from dagster import DagsterEventType, DagsterRunStatus

    instance = deployment.server.instance()
    run = _wait_for("the sensor's first-look refresh", deployment,
                    lambda: _sensor_full_refresh(instance))
    assert run.status == DagsterRunStatus.SUCCESS, deployment.log_tail()
    # Through the queue: enqueued by the sensor, then launched by the daemon.
    enqueued = _events(instance, run.run_id, DagsterEventType.RUN_ENQUEUED)
    starting = _events(instance, run.run_id, DagsterEventType.RUN_STARTING)
    assert enqueued and starting and enqueued[0].timestamp <= starting[0].timestamp
    materialized = {e.dagster_event.asset_key.to_user_string()
                    for e in _events(instance, run.run_id, DagsterEventType.ASSET_MATERIALIZATION)}
    assert set(COMPARED) | {"warehouse_snapshot", "report_publication"} <= materialized

    # The same refresh on the embedded SQLite default (`dagster dev`, same bundled data).
    default = dagster_server.instance()
    on_default = _wait_for("the default instance's first-look refresh", deployment,
                           lambda: _sensor_full_refresh(default))
    assert on_default.status == DagsterRunStatus.SUCCESS, dagster_server.log_tail()
    # Each published a read-only snapshot: later runs may hold the warehouses themselves.
    ours = _tables(deployment.server.reports_dir / "warehouse_snapshot.duckdb")
    theirs = _tables(dagster_server.reports_dir / "warehouse_snapshot.duckdb")
    assert all(ours[t] for t in ("gap_lines", "gap_capabilities", "gap_roles"))
    for table in COMPARED:
        assert ours[table] == theirs[table], table


def test_two_launches_at_once_queue_and_both_succeed(deployment):
    from dagster import DagsterEventType, DagsterRunStatus

    with ThreadPoolExecutor(2) as pool:
        ours = list(pool.map(lambda n: _submit(deployment, {"test": f"queue-{n}"}), (1, 2)))
    instance = deployment.server.instance()
    runs = [_finished(instance, run_id, deployment) for run_id in ours]
    assert [r.status for r in runs] == [DagsterRunStatus.SUCCESS] * 2, deployment.log_tail()

    # The later of the two waited in the queue until the earlier had ended.
    records = {r.dagster_run.run_id: r for r in instance.get_run_records()}
    first, second = sorted(ours, key=lambda run_id: records[run_id].start_time)
    assert records[second].start_time >= records[first].end_time
    assert _events(instance, second, DagsterEventType.RUN_ENQUEUED)[0].timestamp \
        < records[first].end_time
    launched = _events(instance, second, DagsterEventType.RUN_STARTING)[0].timestamp
    assert launched >= records[first].end_time
    # No run of the instance (the sensor's, the schedule's, ours) overlapped another.
    spans = sorted((r.start_time, r.end_time) for r in records.values()
                   if r.dagster_run.is_finished and r.start_time)
    for (_, ended), (started, _) in zip(spans, spans[1:], strict=False):
        assert started >= ended, spans


def _kill_run_worker(instance, run_id: str, deployment) -> int:
    """SIGKILL the process the gRPC server started for the run, as soon as it says its pid."""
    from dagster import DagsterEventType

    def pid():
        for event in _events(instance, run_id, DagsterEventType.ENGINE_EVENT):
            if found := PID_EVENT.search(event.message or ""):
                return int(found.group(1))
        return None

    worker = _wait_for(f"the worker of run {run_id}", deployment, pid, every=0.1)
    os.kill(worker, signal.SIGKILL)
    return worker


def _retry_of(instance, run_id: str, deployment):
    from dagster._core.storage.tags import PARENT_RUN_ID_TAG

    return _wait_for(f"the retry of {run_id}", deployment,
                     lambda: next(iter(_runs(instance, **{PARENT_RUN_ID_TAG: run_id})), None))


def test_a_killed_run_is_marked_failed_and_retried_once(deployment):
    from dagster import DagsterRunStatus
    from dagster._core.storage.tags import PARENT_RUN_ID_TAG, RETRY_NUMBER_TAG, WILL_RETRY_TAG

    instance = deployment.server.instance()

    # Killed once: failed, then retried, and the retry completes the run.
    killed = _submit(deployment, {"test": "killed"})
    _kill_run_worker(instance, killed, deployment)
    assert _finished(instance, killed, deployment).status == DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(killed).tags.get(WILL_RETRY_TAG) == "true"
    retry = _retry_of(instance, killed, deployment)
    assert retry.tags[RETRY_NUMBER_TAG] == "1"
    assert _finished(instance, retry.run_id, deployment).status == DagsterRunStatus.SUCCESS

    # Killed twice: the retry fails too, and there is no second retry (max_retries: 1).
    killed = _submit(deployment, {"test": "killed twice"})
    _kill_run_worker(instance, killed, deployment)
    assert _finished(instance, killed, deployment).status == DagsterRunStatus.FAILURE
    retry = _retry_of(instance, killed, deployment)
    _kill_run_worker(instance, retry.run_id, deployment)
    assert _finished(instance, retry.run_id, deployment).status == DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(retry.run_id).tags.get(WILL_RETRY_TAG) == "false"
    assert not _runs(instance, **{PARENT_RUN_ID_TAG: retry.run_id})


def test_the_nightly_schedule_ticks_and_its_run_succeeds(deployment, nightly_at):
    from dagster import DagsterRunStatus
    from dagster._core.storage.tags import SCHEDULE_NAME_TAG

    instance = deployment.server.instance()
    wait = (nightly_at - datetime.now(ZoneInfo(TIMEZONE))).total_seconds()
    run = _wait_for(f"the nightly run at {nightly_at:%H:%M}", deployment,
                    lambda: next(iter(_runs(instance, **{SCHEDULE_NAME_TAG: "nightly_refresh"})),
                                 None), timeout=max(wait, 0) + 60)
    assert run.tags[TRIGGER_TAG] == "nightly"
    assert run.asset_selection is None  # refresh_all: every asset
    assert _finished(instance, run.run_id, deployment).status == DagsterRunStatus.SUCCESS
    ticks = _ticks(deployment, "schedule", "nightly_refresh")
    assert any(t["status"] == "SUCCESS" and run.run_id in t["runIds"] for t in ticks), ticks


def _ticks(deployment, kind: str, name: str) -> list[dict]:
    """The latest ticks of a schedule (kind "schedule") or sensor ("sensor"), from the UI."""
    answer = deployment.server.graphql(
        f'{{ {kind}OrError({kind}Selector: {{repositoryLocationName: "{LOCATION}", '
        f'repositoryName: "{REPOSITORY}", {kind}Name: "{name}"}}) {{ ... on '
        f'{kind.capitalize()} {{ {kind}State {{ ticks(limit: 10) {{ status timestamp runIds }} '
        "} } } }", timeout=30)
    return answer[f"{kind}OrError"][f"{kind}State"]["ticks"]


def _history(deployment) -> dict[str, str]:
    answer = deployment.server.graphql(
        "{ runsOrError { ... on Runs { results { runId status } } } }", timeout=30)
    return {run["runId"]: run["status"] for run in answer["runsOrError"]["results"]}


def test_history_and_the_sensor_cursor_survive_a_restart(deployment):
    instance = deployment.server.instance()
    _wait_for("every run finished", deployment,
              lambda: all(r.is_finished for r in instance.get_runs()))
    before = _history(deployment)
    nightly_ticks = _ticks(deployment, "schedule", "nightly_refresh")
    assert len(before) >= 6 and "SUCCESS" in before.values() and "FAILURE" in before.values()

    deployment.restart("code", "daemon", "webserver")
    restarted = time.time()

    assert _history(deployment) == before
    assert _ticks(deployment, "schedule", "nightly_refresh") == nightly_ticks
    # The sensor goes on from its stored cursor: nothing changed, so its first tick after
    # the restart skips. Had the cursor been lost, it would be a first look, which
    # refreshes everything.
    tick = _wait_for("the sensor's first tick after the restart", deployment, lambda: next(
        (t for t in _ticks(deployment, "sensor", "input_files")
         if t["timestamp"] > restarted and t["status"] != "STARTED"), None))
    assert tick["status"] == "SKIPPED" and not tick["runIds"], tick
    assert _history(deployment) == before
