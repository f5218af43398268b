"""The definitions load without the heavy libraries only some steps use: every run, the
UI and every Dagster code-server start pay for what the definitions import."""

from __future__ import annotations

import subprocess
import sys


def test_the_definitions_load_without_plotly_scipy_or_the_report_layout():
    code = (
        "import sys, pipelines.definitions\n"
        "heavy = [m for m in ('plotly', 'scipy', 'kaleido', 'pipelines.lib.reports.charts',\n"
        "         'pipelines.lib.reports.workbook', 'pipelines.lib.options') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""
