"""The files of deploy/ that no test here can run: Docker is not on this machine (nor in
CI), so docker-compose.yml, the Dockerfile and .env.example are read and checked against
each other and against deploy/dagster.yaml and deploy/workspace.yaml, which the
PostgreSQL tests (tests/e2e/test_postgres_instance.py) do run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.support import REPO

DEPLOY = REPO / "deploy"
DAGSTER_SERVICES = {"code", "daemon", "webserver"}
REFERENCE = re.compile(r"^\$\{(\w+)(:?[-?][^}]*)?\}$")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_USER$|KEY$")
# source:target[:mode], where the source may be ${VAR:-default} with colons of its own.
VOLUME = re.compile(r"^(\$\{[^}]*\}|[^:]+):([^:]+)(?::\w+)?$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def _env_refs(document) -> set[str]:
    """The variables an instance or workspace file reads (`env: NAME`)."""
    if isinstance(document, dict):
        found = {document["env"]} if set(document) == {"env"} else set()
        return found.union(*(_env_refs(value) for value in document.values()))
    if isinstance(document, list):
        return set().union(*(_env_refs(value) for value in document))
    return set()


def _yaml(name: str):
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


def _mounts(service: dict) -> dict[str, str]:
    """Container path -> source (a named volume or a path relative to deploy/)."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = VOLUME.match(volume).groups()
        mounts[target] = source
    return mounts


def test_the_services_and_how_each_is_built(compose):
    services = compose["services"]
    assert set(services) == {"postgres"} | DAGSTER_SERVICES
    assert services["postgres"]["image"].startswith("postgres:")
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    for name in DAGSTER_SERVICES:
        build = services[name]["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
        assert services[name]["image"] == services["code"]["image"]  # one image for all three
    # The locked versions, then the project alone.
    assert "pip install --requirement requirements.lock" in dockerfile
    assert "pip install --no-deps --editable ." in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)


def test_credentials_only_from_the_environment(compose):
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    defined = dict(re.findall(r"^(\w+)=(.*)$", example, re.MULTILINE))
    for name, service in compose["services"].items():
        for key, value in service.get("environment", {}).items():
            if SECRET_NAME.search(key):
                match = REFERENCE.match(str(value))
                assert match, f"{name}: {key} is a literal, not ${{...}}"
                # Required, or with a default that is not a secret.
                assert "PASSWORD" not in key or match.group(2).startswith(":?"), (name, key)
                assert match.group(1) in defined, f"{match.group(1)} not in .env.example"
    # The example holds no password, and git ignores the filled-in copy.
    assert defined["DAGSTER_POSTGRES_PASSWORD"] == ""
    assert ".env" in (DEPLOY / ".gitignore").read_text(encoding="utf-8").split()


def test_dagster_processes_use_deploy_dagster_yaml_and_workspace(compose):
    instance, workspace = _yaml("dagster.yaml"), _yaml("workspace.yaml")
    needed = _env_refs(instance) | _env_refs(workspace)
    image_workspace = re.search(r"^COPY deploy/workspace.yaml (\S+)$",
                                (DEPLOY / "Dockerfile").read_text(encoding="utf-8"),
                                re.MULTILINE).group(1)
    for name in DAGSTER_SERVICES:
        service = compose["services"][name]
        env = service["environment"]
        home = env["DAGSTER_HOME"]
        assert (DEPLOY / _mounts(service)[f"{home}/dagster.yaml"]).resolve() == \
            DEPLOY / "dagster.yaml", name
        assert needed <= set(env), f"{name} lacks {needed - set(env)}"
        command = service["command"]
        if name != "code":
            workspace_path = command[command.index("-w") + 1]
            assert (Path("/opt/cdp") / image_workspace).as_posix() == workspace_path
    # The code server listens where the workspace sends the others, under its name.
    code = compose["services"]["code"]
    command = code["command"]
    assert command[command.index("-p") + 1] == code["environment"]["CDP_CODE_SERVER_PORT"]
    location = workspace["load_from"][0]["grpc_server"]["location_name"]
    assert command[command.index("--location-name") + 1] == location
    assert code["environment"]["CDP_CODE_SERVER_HOST"] == "code"


def test_warehouse_and_reports_on_named_volumes(compose):
    declared = set(compose["volumes"])
    assert {"postgres", "warehouse", "reports"} <= declared
    for name, service in compose["services"].items():
        for target, source in _mounts(service).items():
            if not source.startswith((".", "/", "$")):
                assert source in declared, f"{name}: volume {source} not declared"
    code = compose["services"]["code"]
    mounts, env = _mounts(code), code["environment"]
    assert mounts[str(Path(env["CDP_WAREHOUSE"]).parent)] == "warehouse"
    assert mounts[env["CDP_REPORTS_DIR"]] == "reports"
    assert env["CDP_DATA_DIR"] in mounts
    # The UI and its compute logs read what the runs in the code server wrote.
    storage = f"{env['DAGSTER_HOME']}/storage"
    assert all(_mounts(compose["services"][n])[storage] == "dagster_storage"
               for n in DAGSTER_SERVICES)


def test_the_ui_is_published_on_loopback_only(compose):
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)
    assert compose["services"]["webserver"]["ports"]
    assert not compose["services"]["postgres"].get("ports")


def test_the_instance_files_are_valid_for_the_pinned_dagster(tmp_path, monkeypatch):
    """deploy/dagster.yaml passes Dagster's own schema; the bundled one stays on SQLite."""
    from dagster._core.instance.config import dagster_instance_config

    for name in _env_refs(_yaml("dagster.yaml")):
        monkeypatch.setenv(name, "5432" if name.endswith("PORT") else "x")
    (tmp_path / "dagster.yaml").write_text((DEPLOY / "dagster.yaml").read_text())
    config, _ = dagster_instance_config(str(tmp_path))
    postgres = config["storage"]["postgres"]["postgres_db"]
    assert postgres["scheme"] == "postgresql+psycopg2"
    assert all(set(postgres[key]) == {"env"} for key in
               ("hostname", "port", "username", "password", "db_name"))
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["run_coordinator"]["config"]["max_concurrent_runs"] == 1
    assert config["telemetry"]["enabled"] is False
    bundled = yaml.safe_load((REPO / "dagster.yaml").read_text(encoding="utf-8"))
    assert not {"storage", "run_storage", "event_log_storage", "schedule_storage"} & set(bundled)
    assert config["run_retries"] == bundled["run_retries"]
