"""Publishing report files so that nobody ever opens half of one.

Under `CDP_REPORTS_DIR`:

    archive/<run id>/   every file of one run, each written once and never overwritten;
                        manifest.json (the sha256 of each file) is written last and
                        marks the set complete
    latest/             a copy of the newest complete set

The archive keeps the newest `CDP_ARCHIVE_KEEP` complete sets (`prune_archive`): a set is
~40 MB (plotly.js is inlined in every page so that each works alone, offline), and the
nightly refresh would otherwise fill a disk within a year. The figures themselves stay in
the warehouse (`gap_history`).

A file is written under a temporary name in its final folder, flushed to disk, then
moved into place with `os.replace`: a reader sees the old file or the new one, whole,
even if the writer is killed mid-write. `latest/` is a real folder that other published
files share (the warehouse snapshot is written there too), so it is not swapped whole:
only a complete set (one with a manifest) is copied into it, file by file, each copy
put in place the same atomic way, `index.html` and the manifest last.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ARCHIVE = "archive"
LATEST = "latest"
MANIFEST = "manifest.json"
WORKBOOK = "cdp_gap_report.xlsx"
INDEX = "index.html"
CHARTS = "charts"

_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


@dataclass(frozen=True)
class RunInfo:
    """What every file of one published set says about itself."""

    run_id: str
    run_at: dt.datetime  # UTC, naive, to the second
    marking: str
    base_year: int
    horizon_years: int

    @property
    def last_year(self) -> int:
        return self.base_year + self.horizon_years

    @property
    def planning_cycle(self) -> str:
        return f"CDP {self.base_year} (horizon {self.base_year}–{self.last_year})"


def run_folder(reports_dir: str | Path, run_id: str) -> Path:
    """The run's own folder in the archive (created if needed)."""
    if not _RUN_ID.fullmatch(run_id):
        raise ValueError(f"not a usable run id for a folder name: {run_id!r}")
    folder = Path(reports_dir) / ARCHIVE / run_id
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def atomic_file(path: Path, replace: bool = False) -> Iterator[Path]:
    """A temporary path beside `path` to write to; moved into place once written whole.

    Refuses an existing `path` unless `replace`: the archive is never overwritten. The
    temporary name keeps the suffix, as some writers pick the format from it.
    """
    path = Path(path)
    if path.exists() and not replace:
        raise FileExistsError(f"{path} exists: a published file is never overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.part-{os.getpid()}{path.suffix}")
    try:
        yield temporary
        _fsync(temporary)
        os.replace(temporary, path)
        _fsync(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> Path:
    with atomic_file(path) as temporary:
        temporary.write_bytes(data)
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def published_files(folder: Path) -> list[Path]:
    """The files of a set, without the manifest and any temporary leftovers."""
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")
    )


def write_manifest(folder: Path, run: RunInfo) -> Path:
    """Write `manifest.json` (last): the sha256 of every file of the set."""
    files = [
        {"path": p.relative_to(folder).as_posix(), "bytes": p.stat().st_size,
         "sha256": sha256_file(p)}
        for p in published_files(folder)
    ]
    manifest = {
        "run_id": run.run_id,
        "run_at": run.run_at.isoformat(),
        "marking": run.marking,
        "base_year": run.base_year,
        "horizon_years": run.horizon_years,
        "files": files,
    }
    return write_text(folder / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def publish_latest(reports_dir: str | Path, run_id: str) -> Path:
    """Copy the run's complete set into `latest/`; returns that folder.

    Chart pages and images go first, then the workbook, then `index.html` (which links
    them), then the manifest; files an older set had and this one lacks go last. Each
    file is replaced atomically, so `latest/` never holds a partial file.
    """
    reports_dir = Path(reports_dir)
    folder = reports_dir / ARCHIVE / run_id
    if not (folder / MANIFEST).is_file():
        raise FileNotFoundError(
            f"{folder} has no {MANIFEST}: only a complete set is published as latest"
        )
    latest = reports_dir / LATEST
    before = _listed(latest / MANIFEST)
    now = _listed(folder / MANIFEST)
    last = {WORKBOOK: 1, INDEX: 2}
    for relative in sorted(now, key=lambda r: (last.get(r, 0), r)):
        _copy(folder / relative, latest / relative)
    _copy(folder / MANIFEST, latest / MANIFEST)
    for relative in sorted(before - now):
        (latest / relative).unlink(missing_ok=True)
    return latest


def prune_archive(reports_dir: str | Path, keep: int, current_run_id: str) -> list[str]:
    """Delete all but the newest `keep` complete sets from the archive (0 keeps all);
    returns the run ids removed, oldest first.

    Newest by the run time in each manifest. Only complete sets are candidates: a folder
    without a manifest may belong to a run still writing, or be evidence of one that
    failed, and is left for a person to look at. The current run is never removed.
    """
    if keep <= 0:
        return []
    archive = Path(reports_dir) / ARCHIVE
    complete = []
    for folder in archive.iterdir() if archive.is_dir() else ():
        manifest = folder / MANIFEST
        if folder.is_dir() and _RUN_ID.fullmatch(folder.name) and manifest.is_file():
            run_at = json.loads(manifest.read_text(encoding="utf-8")).get("run_at", "")
            complete.append((run_at, folder.name))
    complete.sort()
    removed = [run_id for _, run_id in complete[:-keep] if run_id != current_run_id]
    for run_id in removed:
        shutil.rmtree(archive / run_id)
    return removed


def _copy(source: Path, target: Path) -> None:
    with atomic_file(target, replace=True) as temporary:
        shutil.copyfile(source, temporary)


def _listed(manifest: Path) -> set[str]:
    if not manifest.is_file():
        return set()
    return {entry["path"] for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]}


def verify(folder: Path) -> list[str]:
    """What is wrong with a published set (empty when it is complete and intact)."""
    manifest_path = Path(folder) / MANIFEST
    if not manifest_path.is_file():
        return [f"no {MANIFEST} in {folder}"]
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems = []
    for entry in manifest["files"]:
        path = Path(folder) / entry["path"]
        if not path.is_file():
            problems.append(f"{entry['path']} is missing")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"{entry['path']} does not match its sha256")
    return problems


def _fsync(path: Path) -> None:
    # A directory is synced too, so that the rename itself survives a power cut.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
