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
import zipfile

import pytest
from dagster import AssetSelection

import openpyxl

from pipelines.lib import publish
from pipelines.lib.settings import DEFAULT_MARKING
from tests.assets.test_reports import SHEETS, sample
from tests.e2e import screenshots

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

    out = print_to_pdf(client, workbook, tmp_path)
    pdf = (out / "cdp_gap_report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= len(SHEETS), f"{pages} pages for {len(SHEETS)} sheets"

    text = pdf_text(out / "cdp_gap_report.pdf")
    # Layout defects a planner saw in the printed workbook, checked where they show.
    assert "border_security" not in text and "domestic_support" not in text
    noise = re.findall(r"\d+\.\d{5,}", text)
    assert not noise, f"raw float noise printed: {noise[:5]}"
    for sheet in ("Summary", "Offers", "What if", "Data issues"):
        # A right-aligned figure run into the left-aligned text of the next column prints
        # as '6.0border security'.
        for page in pages_of(text, sheet):
            assert not re.search(r"\d\.\d[a-z]", page), (sheet, page)

    # The What if sheet prints with what each lever changes, in words.
    what_if = "\n".join(pages_of(text, "What if"))
    assert "Finland lifts its caveats (units may act abroad)" in what_if
    assert "PACKAGE: the capabilities it moves" in what_if

    assert_no_smoothed_chart(workbook)
    assert_cells_are_padded_and_rounded(workbook)


SUMMARY_DPI = 110  # the guide's picture of the printed Summary: legible, under 400 KB


def test_the_printed_summary_of_the_bundled_data(bundled, tmp_path):
    """Opt-in (CDP_SCREENSHOTS_DIR): the bundled data's workbook printed by LibreOffice,
    its Summary page rendered by pdftoppm as workbook-summary.png for the planners' guide."""
    target = screenshots.target("workbook-summary.png")
    if target is None:
        pytest.skip(f"only makes the guide's picture: set {screenshots.ENV}")
    client = soffice()
    out = print_to_pdf(client, bundled.latest / publish.WORKBOOK, tmp_path)
    pdf = out / "cdp_gap_report.pdf"
    text = pdf_text(pdf)
    pages = [page for page in text.split("\f")]
    summary = next(n for n, page in enumerate(pages, start=1)
                   if page.lstrip().startswith("Summary"))
    first = pages[summary - 1]
    assert DEFAULT_MARKING in first
    assert "FI-HYBRID-2026" in first

    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm (poppler-utils) is not installed"
    subprocess.run([tool, "-png", "-r", str(SUMMARY_DPI), "-f", str(summary), "-l", str(summary),
                    "-singlefile", str(pdf), str(target.with_suffix(""))],
                   check=True, timeout=120)
    assert target.read_bytes().startswith(b"\x89PNG")


def print_to_pdf(client: str, workbook, tmp_path):
    """LibreOffice prints every sheet of the workbook to tmp_path/pdf/<name>.pdf."""
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
    return out


def pdf_text(pdf) -> str:
    """The PDF's text in its layout (poppler's pdftotext; .ci/run installs it)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        reason = "pdftotext (poppler-utils) is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    done = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout


def pages_of(text: str, sheet: str) -> list[str]:
    """The printed pages of one sheet: LibreOffice puts the sheet's name in the header."""
    pages = [page for page in text.split("\f") if page.strip()]
    return [page for page in pages if page.lstrip().startswith(sheet)]


def assert_no_smoothed_chart(workbook) -> None:
    """A smoothed line overshoots its data (a shortfall drawn below zero): every series of
    every native chart says smooth="0"."""
    with zipfile.ZipFile(workbook) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        assert charts, "the Trajectory sheet has a native chart"
        for name in charts:
            xml = archive.read(name).decode("utf-8")
            series = len(re.findall(r"<(?:c:)?ser>", xml))
            assert series and len(re.findall(r'<(?:c:)?smooth val="0"/>', xml)) == series, name
            assert 'smooth val="1"' not in xml, name


def assert_cells_are_padded_and_rounded(workbook) -> None:
    book = openpyxl.load_workbook(workbook)
    for ws in book.worksheets:
        for table in ws.tables.values():
            first, last = (int(n) for n in re.findall(r"\d+", table.ref))
            for row in ws.iter_rows(min_row=first, max_row=last):
                for cell in row:
                    if isinstance(cell.value, float):
                        assert cell.value == round(cell.value, 6), (ws.title, cell.coordinate)
                    if cell.value is not None and cell.alignment.horizontal in ("left", "right"):
                        assert cell.alignment.indent >= 1, (ws.title, cell.coordinate)
