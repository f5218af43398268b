"""Kill the publisher mid-write, again and again (SIGKILL: no clean-up runs): `latest`
always holds one run's complete set, equal to its own manifest, every file of which
opens; the warehouse snapshot always opens; and every archived set that claims to be
complete (has a manifest) is.

The publisher is a child process doing what the report assets do for one run. It is
stopped at a chosen step by an audit hook (`sys.addaudithook`: the real code runs, the
hook only pauses it just before its n-th rename, link or tree removal) and the test then
SIGKILLs it there: before the copy, between the files of the set, after the manifest
(before, during and after the switch of `latest`) and while the archive is pruned.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap

import duckdb
import openpyxl
from dagster import AssetSelection
from lxml import html as lxml_html

from pipelines.lib import publish
from pipelines.lib.warehouse_snapshot import snapshot_path
from tests.assets.test_reports import SHEETS
from tests.support import REPO, inv, line, scenario

KILLS = 20
KEEP = 3  # CDP_ARCHIVE_KEEP, small so that pruning happens during the kills
CHART_PAGES = ("scorecard.html", "shortfalls.html", "trajectory.html")
# The operations the hook may stop before; every file is put in place by a rename.
STOPS = ("os.rename", "os.symlink", "shutil.rmtree")

# What the report assets do for one run, in their order: the workbook, the chart pages
# and index.html into the run's archive folder, the warehouse snapshot, the manifest,
# the switch of latest, the pruning of the archive. argv[5] is the step to stop before
# (0: before anything is written; -1: never, but print every step).
PUBLISHER = textwrap.dedent("""
    import datetime as dt
    import sys
    import time

    import duckdb

    from pipelines.lib import publish, warehouse_snapshot
    from pipelines.lib.reports.frames import report_frames
    from pipelines.lib.reports.workbook import build_workbook

    warehouse, reports, run_id, minute, stop = sys.argv[1:4] + [int(a) for a in sys.argv[4:6]]
    pages, stops, keep = sys.argv[6].split(","), set(sys.argv[7].split(",")), int(sys.argv[8])
    con = duckdb.connect(warehouse)
    frames = report_frames(con, {"base_year": 2026, "horizon_years": 2})
    run = publish.RunInfo(run_id, dt.datetime(2026, 3, 31) + dt.timedelta(minutes=minute),
                          "TEST", 2026, 2)
    book = build_workbook(frames, run)
    steps = 0

    def pause(event, args):
        global steps
        if event in stops:
            steps += 1
            if stop < 0:
                print("step", steps, event, *args, flush=True)
            elif steps == stop:
                print("stopped", steps, event, *args, flush=True)
                time.sleep(600)  # until killed

    sys.addaudithook(pause)
    print("ready", flush=True)
    if stop == 0:
        print("stopped 0 before the copy", flush=True)
        time.sleep(600)
    folder = publish.run_folder(reports, run.run_id)
    with publish.atomic_file(folder / publish.WORKBOOK) as temporary:
        book.save(temporary)
    for page in pages:
        publish.write_text(folder / publish.CHARTS / page,
                           f"<html><body><h1>{run_id}</h1><p>{page}</p></body></html>")
    publish.write_text(folder / publish.INDEX, f"<html><body><h1>{run_id}</h1></body></html>")
    warehouse_snapshot.publish(con, warehouse_snapshot.snapshot_path(reports))
    publish.write_manifest(folder, run)
    publish.publish_latest(reports, run.run_id)
    publish.prune_archive(reports, keep, run.run_id)
    print("done", flush=True)
""")


def assert_latest_is_one_whole_set(reports) -> str:
    """latest equals its own manifest, every file of it opens and belongs to the run the
    manifest names; the snapshot opens. Returns that run id."""
    latest = reports / publish.LATEST
    assert latest.is_symlink()
    assert publish.verify(latest) == []
    manifest = json.loads((latest / publish.MANIFEST).read_text(encoding="utf-8"))
    run_id = manifest["run_id"]
    assert publish.latest_run(reports) == run_id
    listed = {entry["path"] for entry in manifest["files"]}
    assert listed == {publish.WORKBOOK, publish.INDEX,
                      *(f"{publish.CHARTS}/{page}" for page in CHART_PAGES)}
    for relative in listed:
        path = latest / relative
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            assert book.sheetnames == SHEETS
            assert run_id in {cell for row in book["Cover"].values for cell in row}
        elif path.suffix == ".html":
            page = lxml_html.fromstring(path.read_bytes())
            assert page.findtext(".//h1") == run_id, relative
    snapshot = duckdb.connect(str(snapshot_path(reports)), read_only=True)
    try:
        assert snapshot.execute("SELECT count(*) FROM gap_lines").fetchone()[0] > 0
    finally:
        snapshot.close()
    return run_id


def test_a_publisher_killed_at_any_step_leaves_latest_one_whole_set(
    data_dir, run_pipeline, tmp_path
):
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
    minutes = iter(range(1000))

    def publisher(run_id: str, stop: int) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(script), str(run.warehouse), str(reports), run_id,
             str(next(minutes)), str(stop), ",".join(CHART_PAGES), ",".join(STOPS), str(KEEP)],
            env=env, stdout=subprocess.PIPE, text=True,
        )

    # Older complete sets, so that pruning has something to remove at every publication.
    for minute in range(KEEP):
        old = publish.run_folder(reports, f"old{minute}")
        publish.write_text(old / publish.INDEX, "<html><body><h1>old</h1></body></html>")
        publish.write_manifest(old, publish.RunInfo(
            f"old{minute}", dt.datetime(2026, 3, 30, 0, minute), "TEST", 2026, 2))

    # One whole publication first, printing its steps: from then on there is a latest
    # to protect, and the steps are the places to kill at.
    first = publisher("whole", -1)
    out, _ = first.communicate(timeout=300)
    assert first.returncode == 0 and out.endswith("done\n"), out
    steps = [row for row in out.splitlines() if row.startswith("step ")]
    # Each file, the snapshot, the manifest, the link made and renamed, one set pruned.
    assert [row.split()[2] for row in steps] == (
        ["os.rename"] * (len(CHART_PAGES) + 4) + ["os.symlink", "os.rename", "shutil.rmtree"]
    ), steps
    assert_latest_is_one_whole_set(reports)

    # Every step at least once, from before the copy to the pruning; then again.
    stops = [k % (len(steps) + 1) for k in range(KILLS)]
    assert len(steps) + 1 <= KILLS
    seen = set()
    for attempt, stop in enumerate(stops):
        previous = publish.latest_run(reports)
        process = publisher(f"killed{attempt}", stop)
        try:
            assert process.stdout.readline() == "ready\n"
            stopped = process.stdout.readline()
            assert stopped.startswith(f"stopped {stop} "), stopped
        finally:
            process.kill()  # SIGKILL
            process.wait(timeout=60)
            process.stdout.close()
        now = assert_latest_is_one_whole_set(reports)
        # The old set or the new one, never anything else.
        assert now in (previous, f"killed{attempt}"), (stopped, now)
        seen.add(now == previous)
    assert seen == {True, False}  # some kills came before the switch, some after

    for folder in (reports / publish.ARCHIVE).iterdir():
        if (folder / publish.MANIFEST).exists():
            assert publish.verify(folder) == [], folder.name

    # A clean publication afterwards clears what the kills left and switches as usual.
    last = publisher("clean", -1)
    out, _ = last.communicate(timeout=300)
    assert last.returncode == 0 and out.endswith("done\n"), out
    assert assert_latest_is_one_whole_set(reports) == "clean"
    assert not list(reports.glob(".latest.tmp-*"))
