"""A real client opens the workbook: LibreOffice reads it and prints it to PDF.

openpyxl reading back what openpyxl wrote proves little about what Excel or Calc will
accept. `.ci/run` installs LibreOffice, so this runs in CI; on a machine without it,
it is skipped, except under CI=true, where a missing LibreOffice is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from dagster import AssetSelection

from pipelines.lib import publish
from tests.assets.test_reports import SHEETS, sample

pytestmark = pytest.mark.libreoffice


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path:
        return path
    reason = (
        "LibreOffice (soffice) is not installed; `apt-get install libreoffice-calc-nogui` "
        "(as .ci/run does) to open the workbook in a real client"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def test_libreoffice_opens_the_workbook_and_prints_every_sheet(data_dir, run_pipeline, tmp_path):
    client = soffice()
    sample(data_dir)  # formula-like names and notes, a repaired control character
    # The workbook alone: it stays in the run's archive folder.
    only_workbook = AssetSelection.all() - AssetSelection.assets(
        "report_charts", "report_publication"
    )
    run = run_pipeline(data_dir, selection=only_workbook)
    assert run.result.success
    workbook = tmp_path / "reports" / publish.ARCHIVE / run.result.run_id / publish.WORKBOOK

    out = tmp_path / "pdf"
    profile = tmp_path / "libreoffice-profile"  # a private profile: no clash with a user's
    done = subprocess.run(
        [
            client,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    pdf = (out / "cdp_gap_report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= len(SHEETS), f"{pages} pages for {len(SHEETS)} sheets"
