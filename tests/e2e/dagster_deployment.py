"""A team deployment for end-to-end tests, laid out as deploy/docker-compose.yml lays it
out but as local processes: a code-location gRPC server, the daemon and the webserver,
each its own process, all on deploy/dagster.yaml (PostgreSQL storage, the run queue) and
deploy/workspace.yaml, with the CDP_* variables pointed at a copy of the bundled data, a
temporary warehouse and reports folder.

Each process runs in its own process group (the gRPC server's run workers are in its
group), ended whole like `dagster dev` in dagster_dev.py, whose helpers this reuses.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.dagster_dev import DagsterDev, _stop, _wait_until_ready, free_port, prepare
from tests.support import REPO

DEPLOY = REPO / "deploy"
BIN = Path(sys.executable).parent
CODE_SERVER_TIMEOUT_S = 60
LOCATION = "pipelines"


@dataclass
class DagsterDeployment:
    root: Path
    env: dict[str, str]
    server: DagsterDev  # the webserver's address, the instance, the data's paths
    code_port: int
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return Path(self.env["CDP_DATA_DIR"])

    def log(self, name: str) -> Path:
        return self.root / f"{name}.log"

    def log_tail(self, chars: int = 3000) -> str:
        return "\n".join(
            f"--- {name} ---\n" + self.log(name).read_text(errors="replace")[-chars:]
            for name in ("code", "daemon", "webserver")
            if self.log(name).exists()
        )

    def start(self, name: str) -> None:
        commands = {
            "code": [str(BIN / "dagster"), "api", "grpc", "-m", "pipelines.definitions",
                     "-h", "127.0.0.1", "-p", str(self.code_port), "--location-name", LOCATION],
            "daemon": [str(BIN / "dagster-daemon"), "run", "-w", str(DEPLOY / "workspace.yaml")],
            "webserver": [str(BIN / "dagster-webserver"), "-h", "127.0.0.1",
                          "-p", str(self.server.port), "-w", str(DEPLOY / "workspace.yaml")],
        }
        with self.log(name).open("ab") as log:
            self.processes[name] = subprocess.Popen(
                commands[name],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, ended whole by _stop
            )
        if name == "code":
            self._wait_for_code_server()
        elif name == "webserver":
            _wait_until_ready(self.server, self.processes[name])

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None:
            _stop(process)

    def restart(self, *names: str) -> None:
        for name in names:
            self.stop(name)
        for name in ("code", "daemon", "webserver"):
            if name in names:
                self.start(name)

    def _wait_for_code_server(self) -> None:
        from dagster._grpc.client import DagsterGrpcClient

        client = DagsterGrpcClient(host="127.0.0.1", port=self.code_port)
        deadline = time.monotonic() + CODE_SERVER_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.processes["code"].poll() is not None:
                raise RuntimeError(f"the code server exited:\n{self.log_tail()}")
            # Ask only once it listens: the client prints every refused attempt.
            try:
                socket.create_connection(("127.0.0.1", self.code_port), timeout=1).close()
            except OSError:
                time.sleep(0.5)
                continue
            if client.health_check_query() == "SERVING":
                return
            time.sleep(0.5)
        raise TimeoutError(f"code server not serving after {CODE_SERVER_TIMEOUT_S} s:\n"
                           f"{self.log_tail()}")


@contextmanager
def dagster_deployment(root: Path, postgres_env: dict[str, str],
                       extra_env: dict[str, str] | None = None) -> Iterator[DagsterDeployment]:
    """Code server, daemon and webserver on deploy/dagster.yaml, started in the order
    docker-compose.yml starts them (the code server first: the others load from it)."""
    server, env = prepare(root, DEPLOY / "dagster.yaml", "webserver.log")
    env = {
        **env,
        **postgres_env,
        "CDP_CODE_SERVER_HOST": "127.0.0.1",
        "CDP_CODE_SERVER_PORT": str(free_port()),
        **(extra_env or {}),
    }
    deployment = DagsterDeployment(root, env, server, int(env["CDP_CODE_SERVER_PORT"]))
    try:
        for name in ("code", "daemon", "webserver"):
            deployment.start(name)
        yield deployment
    finally:
        for name in ("webserver", "daemon", "code"):
            deployment.stop(name)
