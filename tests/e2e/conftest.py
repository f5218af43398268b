"""One `dagster dev` for all end-to-end tests that need a running instance: starting it,
and the refresh its input-file sensor launches on its first look, take most of a minute."""

from __future__ import annotations

import pytest

from tests.e2e.dagster_dev import dagster_dev


@pytest.fixture(scope="session")
def dagster_server(tmp_path_factory):
    with dagster_dev(tmp_path_factory.mktemp("dagster_dev")) as server:
        yield server


@pytest.fixture(scope="session")
def bundled(tmp_path_factory):
    """The bundled illustrative data materialised once, reports and all (about 15 s)."""
    from tests.e2e.screenshots import materialise_bundled

    return materialise_bundled(tmp_path_factory.mktemp("bundled"))
