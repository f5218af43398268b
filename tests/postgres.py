"""A throwaway PostgreSQL server for tests, from the Debian `postgresql` packages.

`initdb` makes a fresh cluster in a temporary folder and `pg_ctl` starts it on a free port
on 127.0.0.1, its unix socket in the same folder; everything is removed afterwards.
PostgreSQL refuses to run as root, and CI runs the tests as root, so then the cluster
belongs to the unprivileged `nobody` and its commands run through `runuser`.

The superuser gets a random password and connections over TCP must give it
(scram-sha-256): a test that reaches the server has therefore read the password from
where it was told to (the environment), as a deployment does.

Run as a script, it starts a server and prints the DAGSTER_POSTGRES_* variables for it
until Ctrl-C: `.venv/bin/python -m tests.postgres`.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Debian keeps the server binaries off PATH, one folder per major version.
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
UNPRIVILEGED_USER = "nobody"
USER = "dagster"
DATABASE = "dagster"
START_TIMEOUT_S = 60

MISSING = (
    "PostgreSQL's initdb and pg_ctl were not found (looked in {where} and on PATH). "
    "Install the Debian package: `apt-get install postgresql`, which "
    "scripts/install-system-deps.sh does (CI runs it through .ci/run)."
)


class PostgresNotInstalled(RuntimeError):
    pass


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    database: str
    folder: Path

    def env(self) -> dict[str, str]:
        """The variables deploy/dagster.yaml reads its credentials from."""
        return {
            "DAGSTER_POSTGRES_HOST": self.host,
            "DAGSTER_POSTGRES_PORT": str(self.port),
            "DAGSTER_POSTGRES_USER": self.user,
            "DAGSTER_POSTGRES_PASSWORD": self.password,
            "DAGSTER_POSTGRES_DB": self.database,
        }


def bin_dir() -> Path:
    """The newest installed server version's binaries."""
    candidates = [Path(p) for p in glob.glob(DEBIAN_BIN_GLOB) if (Path(p) / "initdb").exists()]
    if candidates:
        return max(candidates, key=lambda p: _version(p.parent.name))
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    raise PostgresNotInstalled(MISSING.format(where=DEBIAN_BIN_GLOB))


def _version(name: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in name.split("."))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    binaries = bin_dir()
    as_root = os.geteuid() == 0
    # Not under pytest's tmp_path: its parent is private to root, and the server's user
    # must reach its own folder.
    folder = Path(tempfile.mkdtemp(prefix="cdp-postgres-"))
    data, socket_dir = folder / "data", folder / "socket"
    password_file, log = folder / "password", folder / "server.log"
    server = PostgresServer("127.0.0.1", free_port(), USER, secrets.token_urlsafe(24),
                            DATABASE, folder)
    try:
        socket_dir.mkdir()
        password_file.write_text(server.password + "\n")
        if as_root:
            shutil.chown(folder, UNPRIVILEGED_USER)
            for path in (socket_dir, password_file):
                shutil.chown(path, UNPRIVILEGED_USER)

        def run(*argv: str) -> None:
            command = [str(binaries / argv[0]), *argv[1:]]
            if as_root:
                command = ["runuser", "-u", UNPRIVILEGED_USER, "--", *command]
            done = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                                  timeout=START_TIMEOUT_S)
            if done.returncode != 0:
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n"
                                   f"{done.stdout}{done.stderr}{tail}")

        run("initdb", "--pgdata", str(data), "--username", USER, "--pwfile", str(password_file),
            "--auth-local", "trust", "--auth-host", "scram-sha-256", "--encoding", "UTF8",
            "--locale", "C.UTF-8")
        password_file.unlink()
        options = (f"-c listen_addresses=127.0.0.1 -p {server.port} -k {socket_dir} "
                   "-c fsync=off -c full_page_writes=off")  # a throwaway: durability buys nothing
        run("pg_ctl", "--pgdata", str(data), "--log", str(log), "--options", options,
            "--wait", "--timeout", str(START_TIMEOUT_S), "start")
        try:
            run("createdb", "--host", str(socket_dir), "--port", str(server.port),
                "--username", USER, DATABASE)
            yield server
        finally:
            run("pg_ctl", "--pgdata", str(data), "--mode", "immediate", "--wait", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    import time

    with postgres_server() as server:
        for name, value in server.env().items():
            print(f"export {name}={value}")
        print("# Ctrl-C stops the server and removes it", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
