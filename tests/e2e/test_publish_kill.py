"""Kill the publisher mid-write, again and again (SIGKILL: no clean-up runs): latest/
always holds a complete workbook that opens, and every archived set that claims to be
complete (has a manifest) is."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
import time

import openpyxl
from dagster import AssetSelection

from pipelines.lib import publish
from tests.assets.test_reports import SHEETS
from tests.support import REPO, inv, line, scenario

KILLS = 8

# What the report assets do, in a loop: the workbook into the run's archive folder,
# index.html, the manifest, then latest/.
PUBLISHER = textwrap.dedent("""
    import datetime as dt
    import sys

    import duckdb

    from pipelines.lib import publish
    from pipelines.lib.reports.frames import report_frames
    from pipelines.lib.reports.workbook import build_workbook

    warehouse, reports, prefix, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    con = duckdb.connect(warehouse, read_only=True)
    frames = report_frames(con, {"base_year": 2026, "horizon_years": 2})
    con.close()
    print("ready", flush=True)
    for i in range(count):
        run = publish.RunInfo(f"{prefix}-{i}", dt.datetime(2026, 3, 31), "TEST", 2026, 2)
        folder = publish.run_folder(reports, run.run_id)
        with publish.atomic_file(folder / publish.WORKBOOK) as temporary:
            build_workbook(frames, run).save(temporary)
        publish.write_text(folder / publish.INDEX, f"<html><body>{run.run_id}</body></html>")
        publish.write_manifest(folder, run)
        publish.publish_latest(reports, run.run_id)
""")


def assert_latest_is_whole(reports) -> None:
    latest = reports / publish.LATEST
    assert openpyxl.load_workbook(latest / publish.WORKBOOK).sheetnames == SHEETS
    assert (latest / publish.INDEX).read_text().endswith("</html>")
    json.loads((latest / publish.MANIFEST).read_text())


def test_a_killed_publisher_never_leaves_half_a_workbook(data_dir, run_pipeline, tmp_path):
    data_dir.inventory("PL", [inv("PL", "BS.SURV.UAS", 3, 5), inv("SE", "DS.CYBER.RRT", 2, 3)])
    data_dir.scenario(
        "fi",
        scenario(
            "FI-A",
            "FI",
            [
                line("L1", "BS.SURV.UAS", 4, 10),
                line("L2", "DS.CYBER.RRT", 3, 5, role="domestic_support"),
            ],
        ),
    )
    run = run_pipeline(data_dir, selection=AssetSelection.all() - AssetSelection.groups("reports"))
    assert run.result.success

    script = tmp_path / "publisher.py"
    script.write_text(PUBLISHER)
    reports = tmp_path / "published"
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def publisher(prefix: str, count: int) -> list[str]:
        return [sys.executable, str(script), str(run.warehouse), str(reports), prefix, str(count)]

    # One whole publication first: from then on there is a latest/ to protect.
    subprocess.run(publisher("whole", 1), env=env, check=True, timeout=300)
    assert_latest_is_whole(reports)

    moments = random.Random(4207)
    for attempt in range(KILLS):
        process = subprocess.Popen(
            publisher(f"killed{attempt}", 1000), env=env, stdout=subprocess.PIPE, text=True
        )
        try:
            assert process.stdout.readline().strip() == "ready"
            time.sleep(moments.uniform(0.0, 1.0))
        finally:
            process.kill()  # SIGKILL
            process.wait(timeout=60)
            process.stdout.close()
        assert_latest_is_whole(reports)

    for folder in (reports / publish.ARCHIVE).iterdir():
        if (folder / publish.MANIFEST).exists():
            assert publish.verify(folder) == [], folder.name
