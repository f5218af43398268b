"""Publishing report files so that nobody ever opens half of one, nor two runs' files side
by side.

Under `CDP_REPORTS_DIR`:

    archive/<run id>/   every file of one run, each written once and never overwritten;
                        manifest.json (the sha256 of each file) is written last and
                        marks the set complete
    latest              a relative symbolic link to `archive/<run id>`, the newest
                        complete set

A file is written under a temporary name in its final folder, flushed to disk, then
moved into place with `os.replace`: a reader sees the old file or the new one, whole,
even if the writer is killed mid-write.

`latest` is switched from one set to the next in one step (`publish_latest`): a new link
is made under a hidden temporary name beside it, then `os.replace`d onto `latest`, which
is one rename. A reader therefore sees the old set or the new one, never a mix, whenever
the writer is killed; the files themselves are the archive's, never copied, so there is
nothing in `latest` that could be half written. Samba follows such a link by default (its
target lies inside the share), so a planner on Windows sees `latest` as an ordinary
folder (reports/README.md).

Older versions kept `latest/` as a real folder, filled file by file. A real folder cannot
be replaced by a link in one rename, so the first publication moves it aside
(`latest.before-<run id>`), puts the link in its place at once, and deletes the folder
only if it held nothing but a copy of an archived set (and the warehouse snapshot, which
now lives beside `archive/`); anything else in it is kept for a person to look at
(`retired_folders`). A kill between those two renames leaves no `latest` until the next
publication, which finishes the move.

The archive keeps the newest `CDP_ARCHIVE_KEEP` complete sets (`prune_archive`): a set is
~8 MB on the bundled data (one shared copy of plotly.js, the workbook, the pages and their
PNGs), and the nightly refresh would otherwise fill a disk in time. The set `latest` points at is
never removed. The figures themselves stay in the warehouse (`gap_history`).
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
# One local copy of plotly.js per published set, which every page of the set loads.
PLOTLY_JS = "plotly.min.js"
CHARTS = "charts"
RETIRED_PREFIX = f"{LATEST}.before-"

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
    """Point `latest` at the run's complete set in one atomic step; returns `latest`.

    The set must be complete and intact (its manifest written, every file matching it).
    A new relative link is made beside `latest` under a hidden name and `os.replace`d
    onto it: one rename, so a reader sees the old set or this one, never a mix. A real
    `latest/` folder left by an older version is moved aside first (module docstring).
    """
    reports_dir = Path(reports_dir)
    folder = reports_dir / ARCHIVE / run_id
    if not (folder / MANIFEST).is_file():
        raise FileNotFoundError(
            f"{folder} has no {MANIFEST}: only a complete set is published as latest"
        )
    problems = verify(folder)
    if problems:
        raise ValueError(f"{folder} does not match its {MANIFEST}: {'; '.join(problems)}")
    latest = reports_dir / LATEST
    _remove_dead_links(reports_dir)
    link = reports_dir / f".{LATEST}.tmp-{os.getpid()}"
    link.unlink(missing_ok=True)
    try:
        os.symlink(f"{ARCHIVE}/{run_id}", link, target_is_directory=True)
    except OSError as error:
        raise OSError(
            f"cannot make the link {link}: CDP_REPORTS_DIR must be on a file system with "
            "symbolic links (any Linux or macOS disk; not an SMB mount). Keep it on the "
            "server's own disk and share it from there (reports/README.md)"
        ) from error
    try:
        if latest.is_dir() and not latest.is_symlink():
            # One rename cannot put a link in place of a real folder: move it aside first.
            os.rename(latest, reports_dir / f"{RETIRED_PREFIX}{run_id}")
        os.replace(link, latest)
        _fsync(reports_dir)
    finally:
        link.unlink(missing_ok=True)
    for retired in retired_folders(reports_dir):
        if _only_a_copy_of_an_archived_set(retired, reports_dir / ARCHIVE):
            shutil.rmtree(retired)
    return latest


def latest_run(reports_dir: str | Path) -> str | None:
    """The run id of the set `latest` points at (None when it is no link)."""
    latest = Path(reports_dir) / LATEST
    if not latest.is_symlink():
        return None
    return Path(os.readlink(latest)).name


def retired_folders(reports_dir: str | Path) -> list[Path]:
    """Real `latest/` folders of older versions, moved aside and not yet deleted."""
    return sorted(p for p in Path(reports_dir).glob(f"{RETIRED_PREFIX}*")
                  if p.is_dir() and not p.is_symlink())


def prune_archive(reports_dir: str | Path, keep: int, current_run_id: str) -> list[str]:
    """Delete all but the newest `keep` complete sets from the archive (0 keeps all);
    returns the run ids removed, oldest first.

    Newest by the run time in each manifest. Only complete sets are candidates: a folder
    without a manifest may belong to a run still writing, or be evidence of one that
    failed, and is left for a person to look at. Neither the current run nor the set
    `latest` points at is ever removed.
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
    kept = {current_run_id, latest_run(reports_dir)}
    removed = [run_id for _, run_id in complete[:-keep] if run_id not in kept]
    for run_id in removed:
        shutil.rmtree(archive / run_id)
    return removed


# What older versions wrote into the real latest/ folder besides a copy of the set.
_OLD_LATEST_EXTRAS = {"warehouse_snapshot.duckdb", "warehouse_snapshot.duckdb.wal"}


def _only_a_copy_of_an_archived_set(folder: Path, archive: Path) -> bool:
    """Whether a retired latest/ holds nothing that is not also elsewhere: an intact copy
    of a set the archive still has, the old snapshot (rebuilt by every refresh) and
    hidden temporary files."""
    listed = set()
    manifest = folder / MANIFEST
    if manifest.is_file():
        try:
            run_id = json.loads(manifest.read_text(encoding="utf-8")).get("run_id", "")
        except ValueError:
            return False
        archived = archive / str(run_id) / MANIFEST
        if not (_RUN_ID.fullmatch(str(run_id)) and archived.is_file()
                and archived.read_bytes() == manifest.read_bytes() and not verify(folder)):
            return False
        listed = _listed(manifest) | {MANIFEST}
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() or path.is_symlink():
            if not (relative in listed or relative in _OLD_LATEST_EXTRAS
                    or path.name.startswith(".")):
                return False
    return True


def _remove_dead_links(reports_dir: Path) -> None:
    """Temporary links of publishers killed before their rename."""
    for link in reports_dir.glob(f".{LATEST}.tmp-*"):
        pid = link.name.rpartition("-")[2]
        if link.is_symlink() and pid.isdigit() and not _alive(int(pid)):
            link.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
