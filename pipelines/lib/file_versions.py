"""Which input files are new, changed or gone since the last look: the memory of the
input-file sensor, kept as its cursor.

A file version is its content hash (sha256), not its modification time: copying the
same file in again, or touching it, changes nothing; a new version is seen once,
however often the sensor looks. The folders are listed exactly as the ingest assets
list them (`loading.input_files`, `loading.yaml_files`), so the sensor watches what
the pipeline reads and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from pipelines.lib import loading
from pipelines.lib.inputs import sha256_of

TABLE_FOLDERS = ("inbox/inventory", "inbox/offers")
YAML_FOLDERS = ("scenarios", "scenarios/concurrency", "options", "levers")
WATCHED = TABLE_FOLDERS + YAML_FOLDERS


def scan(data_dir: Path, folders: Iterable[str] = WATCHED) -> dict[str, str]:
    """{path relative to data_dir: sha256} of every input file in the folders."""
    versions = {}
    for folder in folders:
        lister = loading.yaml_files if folder in YAML_FOLDERS else loading.input_files
        for path in lister(data_dir / folder):
            try:
                versions[f"{folder}/{path.name}"] = sha256_of(path)
            except OSError:
                continue  # removed or replaced while we looked: the next look sees it
    return versions


def changed(previous: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    """Paths that are new, changed or gone, in name order (a removed submission changes
    the gaps as much as a new one)."""
    return sorted(p for p in previous.keys() | current.keys() if previous.get(p) != current.get(p))


def folder_of(path: str) -> str:
    return str(PurePosixPath(path).parent)


def encode(versions: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(versions.items())), separators=(",", ":"))


def decode(cursor: str | None) -> dict[str, str]:
    """The versions a cursor remembers; nothing for a missing or unreadable cursor, which
    makes every file look new (one refresh too many is safe, one too few is not)."""
    if not cursor:
        return {}
    try:
        versions = json.loads(cursor)
    except ValueError:
        return {}
    if not isinstance(versions, dict):
        return {}
    return {str(k): str(v) for k, v in versions.items()}
