"""A real `dagster dev` for end-to-end tests: on a free loopback port, with a temporary
Dagster home holding the project's dagster.yaml, and the CDP_* variables pointed at a
copy of the sample data, a temporary warehouse and reports folder.

`dagster dev` does not exit on SIGTERM or SIGINT within 15 s, and it starts a webserver,
a daemon and code servers of its own: it runs in its own process group, and the whole
group is ended, with SIGKILL after a grace period, so no test leaves a server behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support import REPO

READY_TIMEOUT_S = 120
LOCATIONS_QUERY = "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus } } } }"
GRACE_S = 10


@dataclass(frozen=True)
class DagsterDev:
    url: str
    port: int
    home: Path
    warehouse: Path
    reports_dir: Path
    log: Path

    def instance(self):
        """The instance the server uses, opened from this process (SQLite storage)."""
        from dagster import DagsterInstance

        return DagsterInstance.from_config(str(self.home))

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def graphql(self, query: str, timeout: float = 5) -> dict:
        """The `data` of the webserver's answer to a GraphQL query."""
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=json.dumps({"query": query}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response).get("data") or {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(root: Path, instance_yaml: Path, log_name: str) -> tuple[DagsterDev, dict[str, str]]:
    """A Dagster home holding `instance_yaml`, a copy of the bundled data, and where the
    webserver will listen and the pipeline write: the server's record and its environment."""
    home, data = root / "dagster_home", root / "data"
    home.mkdir(parents=True)
    shutil.copy(instance_yaml, home / "dagster.yaml")
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("*.duckdb*"))
    port = free_port()
    server = DagsterDev(
        url=f"http://127.0.0.1:{port}",
        port=port,
        home=home,
        warehouse=root / "warehouse.duckdb",
        reports_dir=root / "reports",
        log=root / log_name,
    )
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "CDP_DATA_DIR": str(data),
        "CDP_WAREHOUSE": str(server.warehouse),
        "CDP_REPORTS_DIR": str(server.reports_dir),
    }
    return server, env


@contextmanager
def dagster_dev(root: Path) -> Iterator[DagsterDev]:
    server, env = prepare(root, REPO / "dagster.yaml", "dagster_dev.log")
    port = server.port
    with server.log.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "dagster", "dev", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, ended whole below
        )
        try:
            _wait_until_ready(server, process)
            yield server
        finally:
            _stop(process)


def _wait_until_ready(server: DagsterDev, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"dagster dev exited with {process.returncode}:\n{server.log_tail()}"
            )
        if _code_location_loaded(server):
            return
        time.sleep(0.5)
    raise TimeoutError(f"dagster dev not ready after {READY_TIMEOUT_S} s:\n{server.log_tail()}")


def _code_location_loaded(server: DagsterDev) -> bool:
    """The webserver answers and has loaded the project's definitions."""
    try:
        answer = server.graphql(LOCATIONS_QUERY)
    except (OSError, ValueError):
        return False
    entries = answer.get("workspaceOrError", {}).get("locationEntries", [])
    return bool(entries) and all(entry["loadStatus"] == "LOADED" for entry in entries)


def _stop(process: subprocess.Popen) -> None:
    group = process.pid  # start_new_session made it the group leader
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=GRACE_S)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; its children may not be.
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return
