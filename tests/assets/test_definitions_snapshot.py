"""The Dagster definitions load, validate, and match a readable snapshot of the asset
graph: keys, groups, dependencies, checks, jobs, the schedule and the sensor. An
accidental change shows as a diff of tests/assets/snapshots/definitions.json.

After an intended change, regenerate the snapshot and review its diff:

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/assets/test_definitions_snapshot.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

from dagster import Definitions

from pipelines.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"


def _names(keys) -> list[str]:
    return sorted(key.to_user_string() for key in keys)


def describe(definitions: Definitions) -> dict:
    graph = definitions.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys()):
        node = graph.get(key)
        retry = node.assets_def.op.retry_policy
        policy = node.freshness_policy
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": _names(node.parent_keys),
            "kinds": sorted(node.kinds),
            "owners": sorted(node.owners),
            "described": bool((node.description or "").strip()),
            "retry": retry and {"max_retries": retry.max_retries, "delay_s": retry.delay},
            "freshness_fail_hours": policy
            and policy.fail_window.to_timedelta().total_seconds() / 3600,
        }
    checks = {}
    for key in sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        spec = graph.get_check_spec(key)
        checks[f"{key.asset_key.to_user_string()}:{key.name}"] = {
            "blocking": spec.blocking,
            "additional_deps": _names(dep.asset_key for dep in spec.additional_deps),
        }
    jobs = {}
    for job in definitions.resolve_all_job_defs():
        if job.name.startswith("__"):
            continue
        jobs[job.name] = {
            "assets": len(job.asset_layer.selected_asset_keys),
            "executor": job.executor_def.name,
        }
    return {
        "assets": assets,
        "checks": checks,
        "jobs": jobs,
        "schedules": {
            s.name: {
                "job": s.job_name,
                "cron": s.cron_schedule,
                "timezone": s.execution_timezone,
                "default_status": s.default_status.value,
            }
            for s in definitions.schedules or []
        },
        "sensors": {
            s.name: {
                "job": s.job_name,
                "default_status": s.default_status.value,
                "minimum_interval_seconds": s.minimum_interval_seconds,
            }
            for s in definitions.sensors or []
        },
    }


def dump(snapshot: dict) -> str:
    """JSON with one line per asset, check, job, schedule and sensor, so a diff names
    exactly what changed."""
    sections = []
    for section, entries in sorted(snapshot.items()):
        lines = [
            f"    {json.dumps(name)}: {json.dumps(entry, sort_keys=True)}"
            for name, entry in sorted(entries.items())
        ]
        sections.append(f"  {json.dumps(section)}: {{\n" + ",\n".join(lines) + "\n  }")
    return "{\n" + ",\n".join(sections) + "\n}\n"


def test_definitions_load_and_validate():
    Definitions.validate_loadable(defs)


def test_definitions_match_the_snapshot():
    current = dump(describe(defs))
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(current, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            current.splitlines(keepends=True),
            fromfile=f"{SNAPSHOT.name} (snapshot)",
            tofile="definitions now",
        )
    )
    assert not diff, (
        "The Dagster definitions changed. If that is intended, run "
        "UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/assets/test_definitions_snapshot.py "
        "and review the diff of the snapshot.\n" + diff
    )
