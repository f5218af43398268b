"""Publishing: whole files or none, an archive that is never overwritten, and a latest/
that only ever receives complete sets (lib/publish.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from pipelines.lib import publish

RUN_AT = dt.datetime(2026, 3, 31, 2, 0, 0)


def run(run_id: str) -> publish.RunInfo:
    return publish.RunInfo(run_id, RUN_AT, "TEST MARKING", 2026, 10)


def complete_set(reports, run_id: str, text: str, extra: str | None = None):
    folder = publish.run_folder(reports, run_id)
    publish.write_text(folder / publish.WORKBOOK, f"workbook {text}")
    publish.write_text(folder / publish.INDEX, f"<html>{text}</html>")
    publish.write_text(folder / publish.CHARTS / "scorecard.html", f"chart {text}")
    if extra:
        publish.write_text(folder / publish.CHARTS / extra, "only in this set")
    publish.write_manifest(folder, run(run_id))
    return folder


def test_a_file_appears_whole_or_not_at_all(tmp_path):
    target = tmp_path / "report.xlsx"
    with pytest.raises(RuntimeError):
        with publish.atomic_file(target) as temporary:
            temporary.write_bytes(b"half a workbook")
            raise RuntimeError("killed mid-write")
    assert list(tmp_path.iterdir()) == []

    with publish.atomic_file(target) as temporary:
        assert temporary.parent == target.parent  # same folder: os.replace is one rename
        assert temporary.suffix == ".xlsx"
        temporary.write_bytes(b"a whole workbook")
    assert target.read_bytes() == b"a whole workbook"
    assert list(tmp_path.iterdir()) == [target]


def test_the_archive_is_never_overwritten(tmp_path):
    folder = publish.run_folder(tmp_path, "run-1")
    publish.write_text(folder / publish.WORKBOOK, "first")
    with pytest.raises(FileExistsError):
        publish.write_text(folder / publish.WORKBOOK, "second")
    assert (folder / publish.WORKBOOK).read_text() == "first"


@pytest.mark.parametrize("run_id", ["../escape", "", "a/b", ".hidden"])
def test_a_run_id_cannot_leave_the_archive(tmp_path, run_id):
    with pytest.raises(ValueError):
        publish.run_folder(tmp_path, run_id)


def test_the_manifest_holds_the_sha256_of_every_file(tmp_path):
    folder = complete_set(tmp_path, "run-1", "one")
    manifest = json.loads((folder / publish.MANIFEST).read_text())
    assert manifest["run_id"] == "run-1"
    assert manifest["marking"] == "TEST MARKING"
    assert sorted(f["path"] for f in manifest["files"]) == [
        "cdp_gap_report.xlsx", "charts/scorecard.html", "index.html"]
    assert publish.verify(folder) == []

    (folder / publish.INDEX).write_text("tampered")
    assert publish.verify(folder) == ["index.html does not match its sha256"]


def test_only_a_complete_set_is_published(tmp_path):
    folder = publish.run_folder(tmp_path, "run-1")
    publish.write_text(folder / publish.WORKBOOK, "no manifest yet")
    with pytest.raises(FileNotFoundError):
        publish.publish_latest(tmp_path, "run-1")
    assert not (tmp_path / publish.LATEST).exists()


def test_latest_is_a_link_switched_whole_from_one_set_to_the_next(tmp_path):
    complete_set(tmp_path, "run-1", "one", extra="dropped_later.html")
    latest = publish.publish_latest(tmp_path, "run-1")
    assert latest == tmp_path / publish.LATEST
    # Relative, so that it still points into the share wherever the share is mounted.
    assert latest.is_symlink() and os.readlink(latest) == "archive/run-1"
    assert (latest / publish.WORKBOOK).read_text() == "workbook one"
    assert (latest / publish.CHARTS / "dropped_later.html").exists()
    assert publish.latest_run(tmp_path) == "run-1"

    complete_set(tmp_path, "run-2", "two")
    publish.publish_latest(tmp_path, "run-2")
    assert os.readlink(latest) == "archive/run-2"
    assert (latest / publish.WORKBOOK).read_text() == "workbook two"
    assert (latest / publish.INDEX).read_text() == "<html>two</html>"
    assert not (latest / publish.CHARTS / "dropped_later.html").exists()
    assert publish.verify(latest) == []
    assert json.loads((latest / publish.MANIFEST).read_text())["run_id"] == "run-2"
    # The archive keeps both sets as they were.
    assert (tmp_path / "archive" / "run-1" / publish.WORKBOOK).read_text() == "workbook one"
    assert publish.verify(tmp_path / "archive" / "run-1") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "latest"]  # no leftovers


def test_a_set_that_does_not_match_its_manifest_is_not_published(tmp_path):
    complete_set(tmp_path, "run-1", "one")
    publish.publish_latest(tmp_path, "run-1")
    folder = complete_set(tmp_path, "run-2", "two")
    (folder / publish.INDEX).unlink()
    with pytest.raises(ValueError, match="index.html is missing"):
        publish.publish_latest(tmp_path, "run-2")
    assert publish.latest_run(tmp_path) == "run-1"


def test_the_link_of_a_killed_publisher_is_cleared(tmp_path):
    complete_set(tmp_path, "run-1", "one")
    # Left by a publisher killed between making its link and the rename (no live pid
    # is this large); a live publisher's link is not touched.
    dead = tmp_path / ".latest.tmp-999999999"
    os.symlink("archive/run-1", dead)
    live = tmp_path / f".latest.tmp-{os.getppid()}"
    os.symlink("archive/run-1", live)
    publish.publish_latest(tmp_path, "run-1")
    assert not dead.is_symlink()
    assert live.is_symlink()


def old_latest_folder(reports, run_id: str) -> Path:
    """latest/ as older versions left it: a real folder holding a copy of the set and the
    warehouse snapshot."""
    latest = reports / publish.LATEST
    shutil.copytree(reports / publish.ARCHIVE / run_id, latest)
    (latest / "warehouse_snapshot.duckdb").write_text("old snapshot")
    return latest


def test_a_real_latest_folder_is_replaced_by_the_link_once(tmp_path):
    complete_set(tmp_path, "run-1", "one")
    latest = old_latest_folder(tmp_path, "run-1")
    complete_set(tmp_path, "run-2", "two")

    publish.publish_latest(tmp_path, "run-2")
    assert latest.is_symlink() and publish.verify(latest) == []
    assert (latest / publish.WORKBOOK).read_text() == "workbook two"
    # It held only a copy of an archived set and the old snapshot: nothing is lost.
    assert publish.retired_folders(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "latest"]
    assert publish.verify(tmp_path / "archive" / "run-1") == []


def test_a_real_latest_folder_with_files_of_its_own_is_kept_aside(tmp_path):
    complete_set(tmp_path, "run-1", "one")
    latest = old_latest_folder(tmp_path, "run-1")
    (latest / "my notes.docx").write_text("a planner's own file")
    complete_set(tmp_path, "run-2", "two")

    publish.publish_latest(tmp_path, "run-2")
    assert latest.is_symlink() and (latest / publish.WORKBOOK).read_text() == "workbook two"
    [retired] = publish.retired_folders(tmp_path)
    assert retired.name == "latest.before-run-2"
    assert (retired / "my notes.docx").read_text() == "a planner's own file"
    # Kept until a person deletes it; the next publication leaves it alone too.
    complete_set(tmp_path, "run-3", "three")
    publish.publish_latest(tmp_path, "run-3")
    assert publish.retired_folders(tmp_path) == [retired]


def test_a_mixed_latest_folder_is_kept_aside_not_deleted(tmp_path):
    """The old folder after a killed copy: files of two runs, so not a copy of either."""
    complete_set(tmp_path, "run-1", "one")
    latest = old_latest_folder(tmp_path, "run-1")
    (latest / publish.WORKBOOK).write_text("workbook of a newer run")
    complete_set(tmp_path, "run-2", "two")
    publish.publish_latest(tmp_path, "run-2")
    assert [p.name for p in publish.retired_folders(tmp_path)] == ["latest.before-run-2"]


def test_a_move_interrupted_between_its_two_renames_is_finished_next_time(tmp_path):
    complete_set(tmp_path, "run-1", "one")
    old_latest_folder(tmp_path, "run-1")
    # Killed after moving the folder aside, before the link took its place.
    os.rename(tmp_path / publish.LATEST, tmp_path / "latest.before-run-2")
    complete_set(tmp_path, "run-3", "three")
    publish.publish_latest(tmp_path, "run-3")
    assert publish.latest_run(tmp_path) == "run-3"
    assert publish.retired_folders(tmp_path) == []


def published_at(reports, run_id: str, day: int):
    folder = publish.run_folder(reports, run_id)
    publish.write_text(folder / publish.WORKBOOK, run_id)
    when = publish.RunInfo(run_id, dt.datetime(2026, 3, day, 2, 0, 0), "TEST MARKING", 2026, 10)
    publish.write_manifest(folder, when)
    return folder


def test_the_archive_keeps_the_newest_complete_sets(tmp_path):
    reports = tmp_path / "reports"
    # Names sort against time: the order must come from the manifests.
    for day, run_id in enumerate(["run-d", "run-c", "run-b", "run-a"], start=1):
        published_at(reports, run_id, day)
    unfinished = publish.run_folder(reports, "run-failed")
    publish.write_text(unfinished / publish.WORKBOOK, "half a set")

    assert publish.prune_archive(reports, 0, "run-a") == []
    assert publish.prune_archive(reports, 2, "run-a") == ["run-d", "run-c"]
    archive = reports / publish.ARCHIVE
    assert sorted(p.name for p in archive.iterdir()) == ["run-a", "run-b", "run-failed"]
    assert publish.verify(archive / "run-a") == []
    assert publish.prune_archive(reports, 2, "run-a") == []


def test_the_current_run_is_never_pruned(tmp_path):
    reports = tmp_path / "reports"
    published_at(reports, "run-new", 2)
    published_at(reports, "run-rerun-of-old-data", 1)  # its manifest says an earlier time
    assert publish.prune_archive(reports, 1, "run-rerun-of-old-data") == []
    assert publish.prune_archive(reports, 1, "run-new") == ["run-rerun-of-old-data"]
    assert publish.prune_archive(tmp_path / "nothing yet", 3, "run-x") == []


def test_the_set_latest_points_at_is_never_pruned(tmp_path):
    reports = tmp_path / "reports"
    for day, run_id in enumerate(["run-a", "run-b", "run-c"], start=1):
        published_at(reports, run_id, day)
    publish.publish_latest(reports, "run-a")  # e.g. the newer runs failed to switch it
    assert publish.prune_archive(reports, 1, "run-c") == ["run-b"]
    assert publish.verify(reports / publish.LATEST) == []
    assert publish.latest_run(reports) == "run-a"
