"""notebooks/explore_gaps.ipynb runs top to bottom on a fresh refresh, reading only the
published snapshot, so it cannot rot and never blocks the warehouse's writer."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.support import REPO, inv, line, scenario

NOTEBOOK = REPO / "notebooks" / "explore_gaps.ipynb"

pytestmark = pytest.mark.slow


def _outputs(notebook) -> str:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts.extend(str(v) for v in output.get("data", {}).values())
    return "\n".join(texts)


def test_the_notebook_runs_on_the_snapshot_while_the_warehouse_is_held(
    data_dir, run_pipeline, tmp_path, monkeypatch
):
    import nbformat
    from nbclient import NotebookClient

    data_dir.inventory("FI", [inv("FI", "BS.SURV.UAS", 3, 5), inv("SE", "BS.SURV.UAS", 2, 5)])
    data_dir.scenario(
        "fi",
        scenario(
            "FI-A",
            "FI",
            [
                line("L1", "BS.SURV.UAS", 4, 10),
                line("L2", "DS.CYBER.RRT", 2, 2, role="domestic_support"),
            ],
        ),
    )
    run = run_pipeline(data_dir, selection="*warehouse_snapshot")
    assert run.result.success
    monkeypatch.setenv("CDP_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("CDP_WAREHOUSE", str(run.warehouse))

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # A writer holding the warehouse, as the nightly refresh would: a notebook that
    # opened the warehouse itself would fail on DuckDB's lock.
    writer = duckdb.connect(str(run.warehouse))
    try:
        NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        ).execute()
    finally:
        writer.close()

    out = _outputs(notebook)
    assert "Scenario FI-A, year 2026" in out
    assert "DS.CYBER.RRT" in out  # an unmet line among the shortfalls
    shown = {
        mime
        for cell in notebook.cells
        for o in cell.get("outputs", [])
        for mime in o.get("data", {})
    }
    assert "application/vnd.plotly.v1+json" in shown  # the chart
    assert not any(
        o.get("output_type") == "error" for c in notebook.cells for o in c.get("outputs", [])
    )


def test_the_notebook_is_stored_without_outputs():
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    assert Path(NOTEBOOK).stat().st_size < 50_000
