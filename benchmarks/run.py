"""The refresh at Union scale and beyond, measured in one run on one machine.

    make bench                         # the full sweep; writes benchmarks/results/latest.json
    python -m benchmarks.run --quick   # a smaller sweep in minutes (benchmarks/data/quick.json)

Machines are noisy, so every figure is a ratio against a baseline measured in the same
run, never an absolute time held against a number:

1. gap engine vs floor: building every gap table from the staged tables (engine.py)
   against one DuckDB scan-and-aggregate of the same staged inventory (FLOOR_SQL);
2. gap engine vs a plain-pandas peer (peer_pandas.py), which must give the same figures;
3. `cdp-gap refresh` end to end on the bundled data and on a generated set: wall time,
   the share not spent in asset code (from the run's step events), peak memory;
4. the workbook's Shortfalls sheet against a bare openpyxl write-only dump of the same
   cells, and whether LibreOffice opens it;
5. scaling of the gap engine from 10⁶ to 10⁷ inventory rows (linear is 10);
6. the Monte Carlo of methodology §10 (the `confidence` group, 1,000 draws) against one
   deterministic pass of the gaps group, in one process, on the bundled data (as the
   refresh staged it) and on the 10⁶ set (with seeded illustrative participation);
7. the option selection of methodology §11 (the `options` group: int_option_supply and
   every frontier point) against one deterministic pass of the gaps group, in one
   process, on the bundled data and catalogue and on the 10⁶ set with a seeded catalogue
   of 100 options on its shortfalls.

Engine, peer and refresh each run in a fresh process, so that the peak resident memory
of its process tree is its own. Generated data sets and warehouses are kept in
benchmarks/data/ (git ignores it) and reused while their shape is unchanged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from importlib.metadata import version
from math import log10
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell

from benchmarks import peer_pandas
from benchmarks.engine import build_confidence, build_gaps, build_options, build_whatif
from benchmarks.generate import Shape, generate, stage
from pipelines.lib import loading
from pipelines.lib.settings import REPO_ROOT
from pipelines.lib.warehouse import run_sql, write_frame

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
LATEST = HERE / "results" / "latest.json"
BUNDLED = REPO_ROOT / "data"

# The least work any method must do: read every staged-inventory column the methodology
# uses once, and aggregate.
FLOOR_SQL = """
SELECT capability_code, sum(quantity), sum(quantity * availability * (1 - nato_committed)),
       max(readiness_days), bool_and(deployable_abroad), max(member_state),
       min(available_from), max(available_until)
FROM stg_inventory
GROUP BY capability_code
"""
# The engine steps that build what the peer builds (gap_lines, gap_capabilities,
# gap_contributions, gap_roles); a test derives the same list from the asset graph.
# gap_lines' day_met columns need the build-up of §13, which the peer does not compute:
# its steps count on the engine's side only, so the ratio errs in the peer's favour.
PEER_STEPS = (
    "int_years",
    "int_inventory_groups",
    "int_supply_by_state",
    "int_supply_bands",
    "int_line_draws",
    "int_line_buildup",
    "gap_buildup",
    "gap_lines",
    "gap_contributions",
    "gap_capabilities",
    "gap_roles",
)
TARGETS = {  # key: (comparison, target)
    "speedup_vs_pandas_1e6": (">=", 20),
    "peak_rss_mb_1e7": ("<=", 2048),
    "orchestration_share_bundled": ("<=", 0.30),
    "ingest_vs_read_csv_1e6": ("<=", 5),
    "refresh_1e6_vs_floor": ("<=", 3),
    "scaling_1e7_over_1e6": ("<=", 12),
    "mc_over_engine_bundled": ("<=", 10),
    "mc_over_engine_1e6": ("<=", 20),
    "mc_peak_rss_mb_1e6": ("<=", 2048),
    "options_over_engine_bundled": ("<=", 5),
    "options_over_engine_1e6": ("<=", 20),
    "whatif_over_engine_bundled": ("<=", 3),
    "report_set_mb_bundled": ("<=", 10),
}
# Still measured and reported, no longer targets; BENCHMARKS.md gives the profile behind each.
RETIRED = {
    "gap_vs_floor_1e7": "the engine's work is scenario-sized; its one inventory-sized step "
                        "is reported beside it",
    "workbook_vs_bare_1e5": "openpyxl's own floor for any formatted sheet is reported beside it",
}
# The refresh less these groups' steps is held to the floor; each has a ratio of its own.
OWN_RATIO_GROUPS = ("confidence", "options", "whatif")
MARKING = "UNCLASSIFIED – BENCHMARK DATA"


@dataclass(frozen=True)
class Plan:
    """What one run measures. `shape` is the generated sets' shape (its rows are set per size)."""

    engine_rows: tuple[int, ...]
    peer_rows: tuple[int, ...]  # a subset of engine_rows: the peer is checked against its tables
    # Generated sets refreshed end to end, besides `bundled`, with CSV inventories; their
    # ingest is also measured alone against DuckDB's bare read_csv of the same files.
    refresh_rows: tuple[int, ...]
    workbook_rows: tuple[int, ...]
    libreoffice_rows: int | None
    repeats: int = 3
    shape: Shape = field(default_factory=Shape)
    bundled: bool = True
    # DuckDB's; beyond it, it spills to disk. The 2 GB target less room for Python's side.
    memory_limit: str = "1.5GB"
    # The Monte Carlo (methodology §10) against one deterministic pass of the gaps group:
    # on the bundled data (when `bundled`) and on these generated sets of engine_rows.
    mc_rows: tuple[int, ...] = ()
    mc_draws: int = 1000
    # The option selection (methodology §11) against one deterministic pass of the gaps
    # group: on the bundled data (when `bundled`) and on these generated sets of
    # engine_rows, each with a seeded catalogue of `options_catalogue` options.
    options_rows: tuple[int, ...] = ()
    options_catalogue: int = 100


PLANS = {
    "full": Plan(
        (10**5, 10**6, 10**7), (10**5, 10**6), (10**6,), (10**4, 10**5, 10**6), 10**5, repeats=2,
        mc_rows=(10**6,), options_rows=(10**6,),
    ),
    "quick": Plan(
        (10**4, 10**5, 10**6),
        (10**4, 10**5),
        (),
        (10**3, 10**4),
        10**4,
        repeats=2,
        shape=Shape(scenarios=50, cases=5),
    ),
}


def label(n: int) -> str:
    """1e6 for 1,000,000; other numbers as they are."""
    exponent = round(log10(n)) if n > 0 else 0
    return f"1e{exponent}" if 10**exponent == n else str(n)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- measuring a process ------------------------------------------------------------------


@dataclass
class Measured:
    wall_s: float
    peak_rss_mb: float  # of the whole process tree
    at_peak: dict[str, float]  # resident MB per process name when the tree peaked
    exit_code: int


def measure(cmd: list[str], output: Path, env: dict | None = None) -> Measured:
    """Run `cmd` to its end, polling the resident memory of its process tree from /proc.
    The peak is never put below the largest single-process peak the kernel recorded
    (VmHWM), which catches a spike between two polls. Not `ru_maxrss`: Linux starts a
    forked child's at the parent's size and keeps it across exec, so every child of this
    (large) process would report at least this process's own size."""
    with output.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO_ROOT
        )
        peak_kb, at_peak, largest_kb = 0, {}, 0
        while True:
            pid, status, _usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            sample, largest = tree_rss_kb(process.pid)
            largest_kb = max(largest_kb, largest)
            if sum(sample.values()) > peak_kb:
                peak_kb, at_peak = sum(sample.values()), sample
            time.sleep(0.05)
        wall = time.perf_counter() - started
    return Measured(
        wall,
        max(peak_kb, largest_kb) / 1024,
        {name: kb / 1024 for name, kb in at_peak.items()},
        os.waitstatus_to_exitcode(status),
    )


def tree_rss_kb(pid: int) -> tuple[dict[str, int], int]:
    """Resident memory (kB) of a process and all its descendants, summed per process
    name, and the largest peak (VmHWM, kB) of any one of them so far."""
    out, todo, largest = {}, [pid], 0
    while todo:
        p = todo.pop()
        try:
            name = Path(f"/proc/{p}/comm").read_text().strip()
            status = Path(f"/proc/{p}/status").read_text()
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:  # gone meanwhile
            continue
        rss = re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE)
        hwm = re.search(r"^VmHWM:\s+(\d+)", status, re.MULTILINE)
        out[name] = out.get(name, 0) + (int(rss.group(1)) if rss else 0)
        largest = max(largest, int(hwm.group(1)) if hwm else 0)
    return out, largest


def in_subprocess(kind: str, work: Path, **job) -> tuple[dict, float]:
    """Run the worker `kind` in a fresh Python process: its result and peak memory (MB)."""
    job_file = work / f"{kind}.json"
    job_file.write_text(json.dumps({"kind": kind, **job}))
    output = work / f"{kind}.log"
    done = measure([sys.executable, "-m", "benchmarks.run", "--worker", str(job_file)], output)
    if done.exit_code:
        return {
            "error": f"the {kind} process exited with {done.exit_code}; see {output}"
        }, done.peak_rss_mb
    return json.loads(job_file.read_text())["result"], done.peak_rss_mb


def worker(job_file: Path) -> None:
    job = json.loads(job_file.read_text())
    kind = job.pop("kind")
    try:
        result = {"engine": engine_worker, "peer": peer_worker, "mc": mc_worker,
                  "options": options_worker, "whatif": whatif_worker,
                  "ingest": ingest_worker}[kind](**job)
    # Recorded, not raised: one failed measurement must not end the run.
    except Exception as error:  # noqa: BLE001
        notes = "".join(f" ({note})" for note in getattr(error, "__notes__", []))
        result = {"error": f"{type(error).__name__}: {str(error).splitlines()[0]}{notes}"}
    job_file.write_text(json.dumps({"kind": kind, **job, "result": result}))


# --- 1, 2, 5: gap engine, floor and peer ------------------------------------------------------


def connect(db: Path, memory_limit: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(db), read_only=read_only)
    con.execute("SET memory_limit = $limit", {"limit": memory_limit})
    con.execute("SET temp_directory = $dir", {"dir": str(db.parent / "spill")})
    return con


def staged_warehouse(data_dir: Path, db: Path, memory_limit: str) -> float:
    """A fresh warehouse with the staged tables of a generated set; seconds taken."""
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    with connect(db, memory_limit) as con:
        stage(con, data_dir)
    return time.perf_counter() - started


def engine_worker(
    db: str, repeats: int, memory_limit: str, base_year: int, horizon_years: int
) -> dict:
    """Floor and gap engine, alternately, `repeats` times, after one warm-up scan."""
    with connect(Path(db), memory_limit) as con:
        con.execute(FLOOR_SQL).fetchall()
        floor, steps = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            con.execute(FLOOR_SQL).fetchall()
            floor.append(time.perf_counter() - started)
            steps.append(build_gaps(con, base_year, horizon_years))
    return {"floor_s": floor, "steps_s": steps}


def peer_worker(db: str, repeats: int, base_year: int, horizon_years: int) -> dict:
    """The pandas peer from the staged tables as DataFrames, and how far its figures are
    from the engine's tables in the same warehouse."""
    with duckdb.connect(db, read_only=True) as con:
        inputs = [
            con.execute(f"SELECT * FROM {t}").df()
            for t in ("stg_inventory", "stg_scenarios", "stg_requirements")
        ]
        seconds = []
        for _ in range(repeats):
            started = time.perf_counter()
            tables = peer_pandas.gaps(*inputs, base_year, horizon_years)
            seconds.append(time.perf_counter() - started)
        return {"peer_s": seconds, "differences": differences(tables, con)}


# Per table: key columns, figures compared to 1e-6, labels compared exactly.
COMPARED = {
    "gap_lines": (
        peer_pandas.LINE,
        ["required", "allocated", "shortfall", "coverage"],
        ["risk_level"],
    ),
    "gap_capabilities": (
        peer_pandas.GROUP,
        [
            "required",
            "allocated",
            "shortfall",
            "held",
            "not_deployable",
            "unavailable",
            "nato_committed",
            "too_slow",
            "usable",
            "shortfall_acquisition",
            "shortfall_management",
        ],
        ["risk_level"],
    ),
    "gap_contributions": (peer_pandas.LINE + ["member_state"], ["allocated"], []),
    "gap_roles": (
        ["scenario_id", "year", "role"],
        ["lines", "lines_met", "required", "allocated"],
        [],
    ),
}


def differences(peer: dict[str, pd.DataFrame], con) -> dict[str, float]:
    """Largest absolute difference per table between the peer's figures and the engine's;
    infinite where a row is missing on either side or a label differs."""
    out = {}
    for table, (keys, figures, labels) in COMPARED.items():
        engine = con.execute(f"SELECT {', '.join(keys + figures + labels)} FROM {table}").df()
        both = engine.merge(
            peer[table][keys + figures + labels],
            on=keys,
            how="outer",
            suffixes=("_engine", "_peer"),
            indicator=True,
        )
        worst = 0.0 if (both["_merge"] == "both").all() else np.inf
        for column in figures:
            gap = (
                both[f"{column}_engine"].astype(float) - both[f"{column}_peer"].astype(float)
            ).abs()
            worst = max(worst, float(gap.max()) if len(gap) else 0.0)
        if any((both[f"{c}_engine"] != both[f"{c}_peer"]).any() for c in labels):
            worst = np.inf
        out[table] = worst
    return out


def engine_section(plan: Plan, sets: dict[int, Path], work: Path) -> dict:
    out = {}
    for rows in plan.engine_rows:
        db = work / f"set_{label(rows)}.duckdb"
        log(f"staging {label(rows)} inventory rows")
        stage_s = staged_warehouse(sets[rows], db, plan.memory_limit)
        log(f"gap engine and floor at {label(rows)} rows, best of {plan.repeats}")
        result, peak = in_subprocess(
            "engine",
            work,
            db=str(db),
            repeats=plan.repeats,
            memory_limit=plan.memory_limit,
            base_year=plan.shape.base_year,
            horizon_years=plan.shape.horizon_years,
        )
        entry = out[label(rows)] = {"rows": rows, "stage_s": stage_s, "peak_rss_mb": peak}
        if "error" in result:
            entry["error"] = result["error"]
            continue
        runs = result["steps_s"]
        entry.update(
            {
                "floor_s": min(result["floor_s"]),
                "engine_s": min(sum(r.values()) for r in runs),
                "engine_same_tables_as_peer_s": min(sum(r[s] for s in PEER_STEPS) for r in runs),
                "steps_s": {step: min(r[step] for r in runs) for step in runs[0]},
            }
        )
        entry["gap_vs_floor"] = entry["engine_s"] / entry["floor_s"]
        # The one step whose work grows with the inventory: it reads every staged row.
        entry["inventory_step_vs_floor"] = (
            entry["steps_s"]["int_inventory_groups"] / entry["floor_s"]
        )
    return out


def peer_section(plan: Plan, engine: dict, work: Path) -> dict:
    out = {}
    for rows in plan.peer_rows:
        mine = engine[label(rows)]
        if "error" in mine:
            out[label(rows)] = {
                "rows": rows,
                "error": "not run: the gap engine failed at this size",
            }
            continue
        log(f"pandas peer at {label(rows)} rows, best of {plan.repeats}")
        result, peak = in_subprocess(
            "peer",
            work,
            db=str(work / f"set_{label(rows)}.duckdb"),
            repeats=plan.repeats,
            base_year=plan.shape.base_year,
            horizon_years=plan.shape.horizon_years,
        )
        entry = out[label(rows)] = {"rows": rows, "peak_rss_mb": peak}
        if "error" in result:
            entry["error"] = result["error"]
            continue
        entry["peer_s"] = min(result["peer_s"])
        entry.update(
            {
                "speedup": entry["peer_s"] / mine["engine_same_tables_as_peer_s"],
                "speedup_whole_engine": entry["peer_s"] / mine["engine_s"],
                "max_difference": result["differences"],
                "same_figures": all(d <= 1e-6 for d in result["differences"].values()),
            }
        )
    return out


# --- 6: the Monte Carlo against the deterministic engine --------------------------------------


def synthetic_participation(con: duckdb.DuckDBPyConnection) -> None:
    """A generated set has no participation file: give every member state and role a
    seeded, illustrative probability (a quarter of them 1), so that participation is
    drawn and capabilities with lines of both roles meet states that take part in one."""
    states = [s for (s,) in con.execute("SELECT code FROM stg_member_states ORDER BY code").fetchall()]
    rng = np.random.default_rng(0)
    rows = [(s, r, float(rng.choice((0.5, 0.7, 0.9, 1.0))))
            for s in states for r in ("border_security", "domestic_support")]
    frame = pd.DataFrame(rows, columns=["member_state", "role", "probability"])
    write_frame(con, "stg_participation", frame,
                {"member_state": "VARCHAR", "role": "VARCHAR", "probability": "DOUBLE"})


def mc_worker(db: str, repeats: int, memory_limit: str, base_year: int, horizon_years: int,
              draws: int, seed: int, participation: bool) -> dict:
    """The Monte Carlo once on the tables the gap engine left (its peak memory: this
    process's VmHWM right after it, before the gap engine runs here), then the gaps
    group (benchmarks/engine.py) and the Monte Carlo alternately, `repeats` times."""
    with connect(Path(db), memory_limit) as con:
        if participation:
            synthetic_participation(con)
        mc = [build_confidence(con, base_year, horizon_years, draws, seed)]
        mc_peak_mb = own_peak_kb() / 1024
        engine = []
        for _ in range(repeats):
            engine.append(sum(build_gaps(con, base_year, horizon_years).values()))
            mc.append(build_confidence(con, base_year, horizon_years, draws, seed))
        sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("stg_inventory", "mc_lines", "mc_capabilities", "mc_roles")}
    return {"engine_s": engine, "mc_s": mc, "rows": sizes, "mc_peak_rss_mb": mc_peak_mb}


def own_peak_kb() -> int:
    """This process's peak resident memory so far (VmHWM, kB)."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+)", status, re.MULTILINE).group(1))


def mc_section(plan: Plan, work: Path, refreshed: dict) -> dict:
    """Monte Carlo ÷ one deterministic pass of the gaps group, same process, same data:
    the bundled data as the refresh staged it, and the generated sets of `mc_rows`."""
    todo = []
    if plan.bundled:
        source = work / "refresh_bundled" / "warehouse.duckdb"
        if "error" in refreshed.get("bundled", {}) or not source.exists():
            todo.append(("bundled", None, False))
        else:
            shutil.copy(source, work / "mc_bundled.duckdb")
            todo.append(("bundled", work / "mc_bundled.duckdb", False))
    for rows in plan.mc_rows:
        todo.append((label(rows), work / f"set_{label(rows)}.duckdb", True))
    out = {}
    for name, db, participation in todo:
        if db is None or not db.exists():
            out[name] = {"error": "not run: no staged warehouse for this data set"}
            continue
        log(f"Monte Carlo ({plan.mc_draws} draws) vs gaps group on the {name} data set")
        result, peak = in_subprocess(
            "mc", work, db=str(db), repeats=plan.repeats, memory_limit=plan.memory_limit,
            base_year=plan.shape.base_year, horizon_years=plan.shape.horizon_years,
            draws=plan.mc_draws, seed=42, participation=participation,
        )
        entry = out[name] = {"draws": plan.mc_draws, "peak_rss_mb_with_engine": peak}
        if "error" in result:
            entry["error"] = result["error"]
            continue
        entry.update({"engine_s": min(result["engine_s"]), "mc_s": min(result["mc_s"]),
                      "rows": result["rows"], "peak_rss_mb": result["mc_peak_rss_mb"]})
        entry["mc_over_engine"] = entry["mc_s"] / entry["engine_s"]
    return out


# --- 7: the option selection against the deterministic engine ------------------------------

OPTION_SCHEMA = {
    "option_id": "VARCHAR", "title": "VARCHAR", "capability_code": "VARCHAR",
    "member_state": "VARCHAR", "quantity": "DOUBLE", "readiness_days": "INTEGER",
    "availability": "DOUBLE", "deployable_abroad": "BOOLEAN", "nato_committed": "DOUBLE",
    "available_from": "INTEGER", "available_until": "INTEGER", "cost_meur": "DOUBLE",
    "source_file": "VARCHAR", "row_number": "INTEGER",
}
OPTION_BUDGETS = (0, 500, 1000, 2000, 4000, 8000)  # M€; the choice at 1000


def synthetic_options(con: duckdb.DuckDBPyConnection, n: int, base_year: int,
                      horizon_years: int, seed: int = 0) -> None:
    """A generated set has no options file: write stg_options, stg_option_links and
    stg_option_budgets for a seeded catalogue of `n` options on the set's shortfalls (as
    the gap engine left them in gap_lines). Each option is aimed at a (scenario,
    capability) drawn by its shortfall: the invoking state's (7 in 10) or another state's,
    deployable abroad (9 in 10), a quantity around the largest yearly shortfall there,
    readiness 0–90 days, in service from a year of the first half of the horizon (a third
    retire before its end), 10–250 M€. Every tenth option excludes the one before it and
    every tenth but one requires an earlier option (no cycle); budgets OPTION_BUDGETS."""
    short = con.execute("""
        SELECT g.scenario_id, g.capability_code, s.invoking_state,
               max(g.shortfall) AS peak, sum(g.shortfall) AS total
        FROM (SELECT scenario_id, year, capability_code, sum(shortfall) AS shortfall
              FROM gap_lines GROUP BY ALL) AS g
        JOIN stg_scenarios AS s USING (scenario_id)
        WHERE g.shortfall > 0
        GROUP BY ALL ORDER BY g.scenario_id, g.capability_code""").df()
    states = [s for (s,) in con.execute(
        "SELECT code FROM stg_member_states ORDER BY code").fetchall()]
    rng = np.random.default_rng(seed)
    if short.empty:  # nothing short (a tiny set): aim at the lines, all alike
        short = con.execute("""
            SELECT DISTINCT r.scenario_id, r.capability_code, s.invoking_state,
                   1.0 AS peak, 1.0 AS total
            FROM stg_requirements AS r JOIN stg_scenarios AS s USING (scenario_id)
            ORDER BY ALL""").df()
    picks = rng.choice(len(short), size=n, p=(short.total / short.total.sum()).to_numpy())
    rows = []
    for i, pick in enumerate(picks):
        target = short.iloc[pick]
        own = rng.random() < 0.7
        start = base_year + int(rng.integers(0, horizon_years // 2 + 1))
        rows.append({
            "option_id": f"OPT-{i:03d}", "title": f"generated option {i}",
            "capability_code": target.capability_code,
            "member_state": target.invoking_state if own else str(rng.choice(states)),
            "quantity": float(max(1, round(target.peak * rng.uniform(0.3, 1.2)))),
            "readiness_days": int(rng.choice((0, 10, 30, 60, 90))),
            "availability": float(rng.choice((1.0, 0.9, 0.8))),
            "deployable_abroad": bool(rng.random() < 0.9),
            "nato_committed": float(rng.choice((0.0, 0.0, 0.2))),
            "available_from": start,
            "available_until": (start + int(rng.integers(3, max(4, horizon_years)))
                                if rng.random() < 1 / 3 else None),
            "cost_meur": float(round(rng.uniform(10, 250), 1)),
            "source_file": "options/generated.yaml", "row_number": 1 + 14 * i,
        })
    links = []
    for i in range(10, n, 10):
        links.append((f"OPT-{i:03d}", "excludes", f"OPT-{i - 1:03d}"))
        links.append((f"OPT-{i + 1:03d}", "requires", f"OPT-{int(rng.integers(0, i)):03d}"))
    links = [link for link in links if int(link[0][4:]) < n]
    write_frame(con, "stg_options", pd.DataFrame(rows, columns=list(OPTION_SCHEMA)),
                OPTION_SCHEMA)
    write_frame(con, "stg_option_links",
                pd.DataFrame(links, columns=["option_id", "kind", "other_id"]),
                {"option_id": "VARCHAR", "kind": "VARCHAR", "other_id": "VARCHAR"})
    write_frame(con, "stg_option_budgets",
                pd.DataFrame({"budget_meur": [float(b) for b in OPTION_BUDGETS],
                              "is_choice": [b == 1000 for b in OPTION_BUDGETS]}),
                {"budget_meur": "DOUBLE", "is_choice": "BOOLEAN"})


def options_worker(db: str, repeats: int, memory_limit: str, base_year: int,
                   horizon_years: int, catalogue: int | None, seed: int) -> dict:
    """The gaps group (benchmarks/engine.py) and the option selection alternately,
    `repeats` times, on one connection; first a seeded catalogue of `catalogue` options
    when the set has none."""
    with connect(Path(db), memory_limit) as con:
        if catalogue:
            synthetic_options(con, catalogue, base_year, horizon_years, seed)
        engine, chosen = [], []
        for _ in range(repeats):
            engine.append(sum(build_gaps(con, base_year, horizon_years).values()))
            chosen.append(build_options(con, base_year, horizon_years))
        sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("stg_inventory", "stg_options", "stg_option_budgets",
                           "int_option_supply", "option_choice", "option_effects")}
        frontier = con.execute("SELECT * FROM option_frontier ORDER BY budget_meur").df()
    return {"engine_s": engine, "options_s": chosen, "rows": sizes,
            "solves": int(frontier.solves.sum()), "max_mip_gap": float(frontier.mip_gap.max()),
            "frontier": frontier[["budget_meur", "weighted_shortfall", "cost_meur",
                                  "options"]].to_dict("records")}


def options_section(plan: Plan, work: Path, refreshed: dict) -> dict:
    """The option selection ÷ one deterministic pass of the gaps group, same process, same
    data: the bundled data and catalogue as the refresh staged them, and the generated
    sets of `options_rows` with a seeded catalogue."""
    todo = []
    if plan.bundled:
        source = work / "refresh_bundled" / "warehouse.duckdb"
        if "error" in refreshed.get("bundled", {}) or not source.exists():
            todo.append(("bundled", None, None))
        else:
            shutil.copy(source, work / "options_bundled.duckdb")
            todo.append(("bundled", work / "options_bundled.duckdb", None))
    for rows in plan.options_rows:
        todo.append((label(rows), work / f"set_{label(rows)}.duckdb", plan.options_catalogue))
    out = {}
    for name, db, catalogue in todo:
        if db is None or not db.exists():
            out[name] = {"error": "not run: no staged warehouse for this data set"}
            continue
        log(f"option selection vs gaps group on the {name} data set")
        result, peak = in_subprocess(
            "options", work, db=str(db), repeats=plan.repeats, memory_limit=plan.memory_limit,
            base_year=plan.shape.base_year,
            horizon_years=plan.shape.horizon_years,
            catalogue=catalogue, seed=42,
        )
        entry = out[name] = {"catalogue": catalogue or "bundled", "peak_rss_mb": peak}
        if "error" in result:
            entry["error"] = result["error"]
            continue
        entry.update({k: result[k] for k in ("rows", "solves", "max_mip_gap", "frontier")})
        entry.update({"engine_s": min(result["engine_s"]), "options_s": min(result["options_s"])})
        entry["options_over_engine"] = entry["options_s"] / entry["engine_s"]
    return out


# --- 8: the what-if variants against the deterministic engine ------------------------------


def whatif_worker(db: str, repeats: int, memory_limit: str, base_year: int,
                  horizon_years: int) -> dict:
    """The gaps group (benchmarks/engine.py) and the what-if group alternately, `repeats`
    times, on one connection."""
    with connect(Path(db), memory_limit) as con:
        engine, variants = [], []
        for _ in range(repeats):
            engine.append(sum(build_gaps(con, base_year, horizon_years).values()))
            variants.append(build_whatif(con, base_year, horizon_years))
        levers = con.execute("SELECT count(*) FROM stg_levers").fetchone()[0]
        recomputed = con.execute("SELECT count(*) FROM int_whatif_figures "
                                 "WHERE variant_id <> 'BASELINE'").fetchone()[0]
        rows = con.execute("SELECT count(*) FROM whatif_capabilities "
                           "WHERE variant_id <> 'BASELINE'").fetchone()[0]
    return {"engine_s": engine, "whatif_s": variants, "levers": levers,
            "rows_recomputed": recomputed, "rows": rows}


def whatif_section(plan: Plan, work: Path, refreshed: dict) -> dict:
    """The what-if variants of the bundled lever files ÷ one deterministic pass of the gaps
    group, same process, same data (the bundled warehouse as the refresh left it)."""
    if not plan.bundled:
        return {}
    source = work / "refresh_bundled" / "warehouse.duckdb"
    if "error" in refreshed.get("bundled", {}) or not source.exists():
        return {"bundled": {"error": "not run: no staged warehouse for the bundled data"}}
    db = work / "whatif_bundled.duckdb"
    shutil.copy(source, db)
    log("what-if variants vs gaps group on the bundled data")
    result, peak = in_subprocess(
        "whatif", work, db=str(db), repeats=max(plan.repeats, 3),
        memory_limit=plan.memory_limit, base_year=plan.shape.base_year,
        horizon_years=plan.shape.horizon_years,
    )
    entry = {"peak_rss_mb": peak}
    if "error" in result:
        return {"bundled": {**entry, "error": result["error"]}}
    entry.update({k: result[k] for k in ("levers", "rows_recomputed", "rows")})
    entry.update({"engine_s": min(result["engine_s"]), "whatif_s": min(result["whatif_s"])})
    entry["whatif_over_engine"] = entry["whatif_s"] / entry["engine_s"]
    return {"bundled": entry}


# --- 3: refresh end to end -----------------------------------------------------------------


def refresh(data_dir: Path, work: Path, shape: Shape) -> dict:
    """`cdp-gap refresh` as `make run` runs it (a persistent DAGSTER_HOME), in a fresh folder."""
    shutil.rmtree(work, ignore_errors=True)
    home = work / "dagster_home"
    home.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "dagster.yaml", home)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "CDP_DATA_DIR": str(data_dir),
        "CDP_WAREHOUSE": str(work / "warehouse.duckdb"),
        "CDP_REPORTS_DIR": str(work / "reports"),
        "CDP_BASE_YEAR": str(shape.base_year),
        "CDP_HORIZON_YEARS": str(shape.horizon_years),
    }
    output = work / "refresh.log"
    done = measure([str(Path(sys.executable).with_name("cdp-gap")), "refresh"], output, env)
    if done.exit_code:
        return {"error": f"cdp-gap refresh exited with {done.exit_code}; see {output}"}
    run_id = re.search(r"\(run ([0-9a-f-]{36})\)", output.read_text()).group(1)
    steps, run_s = step_times(home, run_id)
    code = sum(s["code"] for s in steps.values())
    own_ratio = steps_of_groups(OWN_RATIO_GROUPS)
    return {
        "wall_s": done.wall_s,
        "asset_code_s": code,
        "in_steps_s": sum(s["step"] for s in steps.values()),
        # The whole process: interpreter, imports, instance, run, closing summary.
        "orchestration_share": 1 - code / done.wall_s,
        # The run alone, first to last event: Dagster's own share while it runs the assets.
        "run_s": run_s,
        "orchestration_share_in_run": 1 - code / run_s,
        "peak_rss_mb": done.peak_rss_mb,
        "at_peak_mb": done.at_peak,
        "steps": len(steps),
        # One published set (reports/latest: the workbook, index.html, the chart pages and
        # their PNG copies, the shared plotly.js, the manifest), as a planner copies it.
        "report_set_mb": sum(f.stat().st_size for f in (work / "reports" / "latest").rglob("*")
                             if f.is_file()) / 1e6,
        "slowest_steps_s": dict(
            sorted(((k, s["code"]) for k, s in steps.items()), key=lambda kv: -kv[1])[:8]
        ),
        # Whole steps (Dagster's share included) of the groups with ratios of their own.
        "own_ratio_groups_s": sum(s["step"] for k, s in steps.items() if k in own_ratio),
        "steps_code_s": {k: s["code"] for k, s in sorted(steps.items())},
    }


def refresh_vs_floor(results: dict) -> None:
    """Each generated set's refresh, less the steps with ratios of their own, against the
    floor: a bare read_csv of its CSV files and one pass of the gaps group, same run."""
    for size, refreshed in results["refresh"].items():
        ingest = results["ingest"].get(size, {})
        engine = results["engine"].get(size, {})
        if "error" in refreshed or "bare_read_csv_all_s" not in ingest or "engine_s" not in engine:
            continue
        refreshed["floor_s"] = ingest["bare_read_csv_all_s"] + engine["engine_s"]
        refreshed["vs_floor"] = (
            (refreshed["wall_s"] - refreshed["own_ratio_groups_s"]) / refreshed["floor_s"]
        )


def steps_of_groups(groups: tuple[str, ...]) -> set[str]:
    """The step keys (op names) of the assets and checks of these asset groups."""
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = [k for k in graph.get_all_asset_keys() if graph.get(k).group_name in groups]
    ops = {graph.get(k).assets_def.op.name for k in keys}
    # A check's step is named as Dagster names an @asset_check's op: asset, then check.
    return ops | {f"{c.asset_key.to_python_identifier()}_{c.name}"
                  for c in graph.get_check_keys_for_assets(keys)}


def step_times(home: Path, run_id: str) -> tuple[dict[str, dict[str, float]], float]:
    """Per step of a run, from its event log: `step` from start to success, and `code`, the
    asset (or check) code: from start to its first output, before Dagster records it. And
    the run's length, from its first event to its last."""
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        records = instance.all_logs(run_id)
    marks: dict[str, dict[str, float]] = {}
    for record in records:
        if record.step_key and record.dagster_event:
            kind = record.dagster_event.event_type_value
            step = marks.setdefault(record.step_key, {})
            if kind == "STEP_START":
                step["start"] = record.timestamp
            elif kind == "STEP_OUTPUT":
                step.setdefault("output", record.timestamp)
            elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
                step["end"] = record.timestamp
    steps = {
        key: {"code": m.get("output", m["end"]) - m["start"], "step": m["end"] - m["start"]}
        for key, m in marks.items()
        if "start" in m and "end" in m
    }
    return steps, records[-1].timestamp - records[0].timestamp


def refresh_section(plan: Plan, sets: dict[int, Path], work: Path) -> dict:
    todo = ([("bundled", BUNDLED)] if plan.bundled else []) + [
        (label(r), sets[r]) for r in plan.refresh_rows
    ]
    out = {}
    for name, data_dir in todo:
        log(f"cdp-gap refresh on the {name} data set")
        out[name] = refresh(data_dir, work / f"refresh_{name}", plan.shape)
    return out


# --- ingest: validating and staging the inventory vs DuckDB's bare read_csv -------------------


def csv_files(data_dir: Path) -> tuple[list[str], list[str]]:
    """The inventory CSV files of a set, and every other CSV file in it."""
    inventory = sorted(str(p) for p in (data_dir / "inbox" / "inventory").glob("*.csv"))
    others = sorted(str(p) for p in data_dir.rglob("*.csv") if str(p) not in inventory)
    return inventory, others


def ingest_worker(data: str, folder: str, repeats: int, memory_limit: str) -> dict:
    """Alternately, `repeats` times in fresh warehouse files: DuckDB's bare read_csv of the
    inventory files into a table, and what the inventory asset does (every file read,
    validated and loaded, then stg_inventory). Then a bare read_csv of every CSV file of
    the set, the floor's first part for the whole refresh."""
    data_dir = Path(data)
    inventory, others = csv_files(data_dir)
    states, capabilities = loading.validate_reference(data_dir)
    codes = ({r["code"] for r in states.rows}, {r["capability_code"] for r in capabilities.rows})
    bare, ingest, rejects = [], [], None
    for n in range(repeats):
        db = Path(folder) / f"ingest_{n}.duckdb"
        for path in (db, Path(f"{db}.wal")):
            path.unlink(missing_ok=True)
        with connect(db, memory_limit) as con:
            started = time.perf_counter()
            con.execute("CREATE TABLE bare AS SELECT * FROM read_csv($files)", {"files": inventory})
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            reports = loading.validate_inventory_folder(data_dir, *codes, con)
            loading.write_table_reports(con, "inventory", reports)
            run_sql(con, "stg_inventory")
            ingest.append(time.perf_counter() - started)
            rows = con.execute("SELECT count(*) FROM stg_inventory").fetchone()[0]
            rejects = sum(len(r.rejects) for r in reports)
            started = time.perf_counter()
            con.execute("CREATE TABLE bare_all AS SELECT * FROM read_csv($files)",
                        {"files": inventory})
            for i, path in enumerate(others):
                con.execute(f"CREATE TABLE bare_other_{i} AS SELECT * FROM read_csv($file)",
                            {"file": path})
            bare_all = time.perf_counter() - started
        db.unlink(missing_ok=True)
    return {"bare_read_csv_s": min(bare), "ingest_s": min(ingest), "rows": rows,
            "rejects": rejects, "files": len(inventory), "bare_read_csv_all_s": bare_all}


def ingest_section(plan: Plan, sets: dict[int, Path], work: Path) -> dict:
    out = {}
    for rows in plan.refresh_rows:
        log(f"inventory ingest vs bare read_csv at {label(rows)} rows, best of {plan.repeats}")
        result, peak = in_subprocess("ingest", work, data=str(sets[rows]), folder=str(work),
                                     repeats=plan.repeats, memory_limit=plan.memory_limit)
        entry = out[label(rows)] = {"rows": rows, "peak_rss_mb": peak, **result}
        if "error" not in result:
            entry["ingest_vs_read_csv"] = result["ingest_s"] / result["bare_read_csv_s"]
    return out


# --- 4: workbook ---------------------------------------------------------------------------


def shortfall_rows(n: int, seed: int = 0) -> pd.DataFrame:
    """`n` rows shaped like sql/report_shortfalls.sql, the Shortfalls sheet's query."""
    rng = np.random.default_rng(seed)
    required = rng.integers(1, 500, n).astype(float)
    allocated = np.round(required * rng.uniform(0, 1, n), 3)
    shortfall = required - allocated
    acquisition = np.round(shortfall * rng.uniform(0, 1, n), 3)
    return pd.DataFrame(
        {
            "scenario_id": [f"SYN-{k:04d}" for k in rng.integers(1, 201, n)],
            "roles": rng.choice(
                ["border security", "domestic support", "border security; domestic support"], n
            ),
            "capability_code": [f"BS.SYN.C{k:04d}" for k in rng.integers(0, 120, n)],
            "capability_name": [f"Synthetic capability {k}" for k in rng.integers(0, 120, n)],
            "required": required,
            "allocated": allocated,
            "shortfall": shortfall,
            "coverage": allocated / required,
            "risk_level": rng.choice(["low", "moderate", "significant", "high"], n),
            "shortfall_acquisition": acquisition,
            "shortfall_management": shortfall - acquisition,
            "closes_in_year": pd.Series(
                np.where(rng.random(n) < 0.5, rng.integers(2027, 2037, n), np.nan)
            ).astype("Int64"),
        }
    )


def bare_dump(frame: pd.DataFrame, path: Path) -> None:
    """The baseline: the same cells through openpyxl's write-only mode, nothing else."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Shortfalls")
    sheet.append(list(frame.columns))
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None):
        sheet.append(row)
    book.save(path)


def styled_dump(frame: pd.DataFrame, path: Path) -> None:
    """What any formatted sheet costs in openpyxl before the report does anything: the
    same cells as cell objects carrying a style (one number format per column), which
    write-only mode takes through a slower path than plain values."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Shortfalls")
    sheet.append(list(frame.columns))
    styles = []
    for column in frame.columns:
        proto = WriteOnlyCell(sheet)
        proto.number_format = "#,##0.0" if pd.api.types.is_float_dtype(frame[column]) else "0"
        styles.append(proto._style)
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None):
        cells = []
        for value, style in zip(row, styles):
            cell = WriteOnlyCell(sheet, value)
            cell._style = style
            cells.append(cell)
        sheet.append(cells)
    book.save(path)


def project_writer():
    """The project's Shortfalls-sheet writer (pipelines/lib/reports/shortfalls.py) as
    write(frame, path), each row linked to a Contributions row as in the report."""
    from pipelines.lib.publish import RunInfo
    from pipelines.lib.reports import shortfalls
    from pipelines.lib.reports.writer import Links, ReportBook, row_link

    def write(frame: pd.DataFrame, path: Path) -> None:
        run = RunInfo("benchmark", dt.datetime(2026, 1, 1), MARKING, 2026, 10)
        report = ReportBook(MARKING)
        links = Links(contents={}, shortfalls={}, contributions={
            key: row_link("Contributions", i)
            for i, key in enumerate(zip(frame.scenario_id, frame.capability_code))
        })
        shortfalls.sheet(report, {"shortfalls": frame}, run, links)
        report.save(path)

    return write


def opens_in_libreoffice(path: Path, sheet: str, work: Path) -> dict:
    """Convert `sheet` of the workbook to CSV with headless LibreOffice; the rows it read."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return {"opens": None, "note": "LibreOffice (soffice) not found"}
    book = openpyxl.load_workbook(path, read_only=True)
    index = book.sheetnames.index(sheet) + 1
    book.close()
    out = work / "libreoffice"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(work / 'libreoffice_profile').as_uri()}",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{index}",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        timeout=900,
        check=False,
    )
    converted = sorted(out.glob("*.csv"))
    rows = sum(1 for _ in converted[0].open(encoding="utf-8")) if converted else 0
    return {
        "opens": bool(converted) and rows > 0,
        "csv_lines": rows,
        "seconds": time.perf_counter() - started,
    }


def workbook_section(plan: Plan, work: Path) -> dict:
    writers = {"bare": bare_dump, "styled": styled_dump, "project": project_writer()}
    out = {}
    for rows in plan.workbook_rows:
        frame = shortfall_rows(rows)
        entry = {"rows": rows}
        # Best of `repeats`, the writers alternating; a 10⁶-row sheet takes minutes: once.
        for _ in range(plan.repeats if rows < 10**6 else 1):
            for name, write in writers.items():
                if write is None:
                    entry[f"{name}_rows_per_s"] = "pending"
                    continue
                log(f"workbook: {name} Shortfalls sheet, {label(rows)} rows")
                path = work / f"shortfalls_{name}_{label(rows)}.xlsx"
                started = time.perf_counter()
                write(frame, path)
                rate = rows / (time.perf_counter() - started)
                entry[f"{name}_rows_per_s"] = max(rate, entry.get(f"{name}_rows_per_s", 0))
        for name in ("bare", "project"):  # the styled dump is a baseline, never handed out
            if writers[name] is not None and rows == plan.libreoffice_rows:
                log(f"LibreOffice opens the {name} workbook at {label(rows)} rows?")
                path = work / f"shortfalls_{name}_{label(rows)}.xlsx"
                entry[f"{name}_libreoffice"] = opens_in_libreoffice(path, "Shortfalls", work)
        project, bare = entry["project_rows_per_s"], entry["bare_rows_per_s"]
        entry["project_vs_bare"] = "pending" if project == "pending" else project / bare
        entry["styled_vs_bare"] = entry["styled_rows_per_s"] / bare
        out[label(rows)] = entry
    return out


# --- the run ------------------------------------------------------------------------------


def run(plan: Plan, work: Path = DATA) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    sets, csv_sets = {}, {}
    for rows in sorted(plan.engine_rows):
        log(f"data set with {label(rows)} inventory rows")
        sets[rows] = generate(work / f"set_{label(rows)}", replace(plan.shape, rows=rows))
    for rows in sorted(plan.refresh_rows):
        log(f"data set with {label(rows)} inventory rows in CSV files")
        csv_sets[rows] = generate(work / f"set_{label(rows)}_csv",
                                  replace(plan.shape, rows=rows, format="csv"))
    engine = engine_section(plan, sets, work)
    results = {
        "engine": engine,
        "peer": peer_section(plan, engine, work),
        "ingest": ingest_section(plan, csv_sets, work),
        "refresh": refresh_section(plan, csv_sets, work),
        "workbook": workbook_section(plan, work),
    }
    refresh_vs_floor(results)
    results["mc"] = mc_section(plan, work, results["refresh"])
    results["options"] = options_section(plan, work, results["refresh"])
    results["whatif"] = whatif_section(plan, work, results["refresh"])
    summary = headline(results)
    return {
        **summary,
        "targets": {
            key: {"target": f"{op} {target}", "met": met(summary[key], op, target)}
            for key, (op, target) in TARGETS.items()
        },
        "retired": RETIRED,
        "machine": machine(),
        "versions": versions(),
        "plan": asdict(plan),
        "run_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "total_s": time.perf_counter() - started,
        **results,
    }


def met(value, op: str, target: float) -> bool | None:
    """Whether a headline figure meets its target; None while it was not measured."""
    if not isinstance(value, (int, float)):
        return None
    return value <= target if op == "<=" else value >= target


def headline(r: dict) -> dict:
    def get(section, size, key):
        return r[section].get(size, {}).get(key)

    large, mid = get("engine", "1e7", "engine_s"), get("engine", "1e6", "engine_s")
    return {
        "gap_vs_floor_1e7": get("engine", "1e7", "gap_vs_floor"),
        "ingest_vs_read_csv_1e6": get("ingest", "1e6", "ingest_vs_read_csv"),
        "refresh_1e6_vs_floor": get("refresh", "1e6", "vs_floor"),
        "speedup_vs_pandas_1e6": get("peer", "1e6", "speedup"),
        "peak_rss_mb_1e7": get("engine", "1e7", "peak_rss_mb"),
        "orchestration_share_bundled": get("refresh", "bundled", "orchestration_share"),
        "workbook_vs_bare_1e5": get("workbook", "1e5", "project_vs_bare"),
        "scaling_1e7_over_1e6": large / mid if large and mid else None,
        "mc_over_engine_bundled": get("mc", "bundled", "mc_over_engine"),
        "mc_over_engine_1e6": get("mc", "1e6", "mc_over_engine"),
        "mc_peak_rss_mb_1e6": get("mc", "1e6", "peak_rss_mb"),
        "options_over_engine_bundled": get("options", "bundled", "options_over_engine"),
        "options_over_engine_1e6": get("options", "1e6", "options_over_engine"),
        "whatif_over_engine_bundled": get("whatif", "bundled", "whatif_over_engine"),
        "report_set_mb_bundled": get("refresh", "bundled", "report_set_mb"),
    }


def machine() -> dict:
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024**2, 1),
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "system": platform.platform(),
        "load_average_at_end": os.getloadavg(),
    }


def versions() -> dict:
    packages = ("duckdb", "pandas", "numpy", "scipy", "dagster", "openpyxl")
    return {"python": platform.python_version(), **{p: version(p) for p in packages}}


def table(r: dict) -> str:
    """The results as a markdown table, one line per measurement."""
    lines = [
        "| measurement | size | value | baseline | ratio | target |",
        "|---|---|---|---|---|---|",
    ]

    def add(measurement, size, value="", baseline="", ratio="", key=None):
        lines.append(
            f"| {measurement} | {size} | {value} | {baseline} | {ratio} | {_target(r, key)} |"
        )

    for size, e in r["engine"].items():
        if "error" in e:
            add("gap engine vs floor", size, f"failed: {e['error']}")
        else:
            add(
                "gap engine vs floor",
                size,
                f"{e['engine_s']:,.2f} s",
                f"{e['floor_s']:.3f} s",
                f"{e['gap_vs_floor']:,.1f}×",
                "gap_vs_floor_1e7" if size == "1e7" else None,
            )
            add(
                "… its one inventory-sized step (int_inventory_groups) vs floor",
                size,
                f"{e['steps_s']['int_inventory_groups']:.3f} s",
                f"{e['floor_s']:.3f} s",
                f"{e['inventory_step_vs_floor']:.1f}×",
            )
    for size, p in r["peer"].items():
        if "error" in p:
            add("pandas peer vs gap engine", size, f"failed: {p['error']}")
            continue
        same = "same figures" if p["same_figures"] else f"DIFFERENT figures: {p['max_difference']}"
        add(
            f"pandas peer vs gap engine on the same tables, speed-up ({same})",
            size,
            f"{p['peer_s']:,.2f} s",
            f"{r['engine'][size]['engine_same_tables_as_peer_s']:,.2f} s",
            f"{p['speedup']:,.2f}×",
            "speedup_vs_pandas_1e6" if size == "1e6" else None,
        )
    for size, e in r["engine"].items():
        add(
            f"gap engine peak memory, process tree (DuckDB limit {r['plan']['memory_limit']})",
            size,
            f"{e['peak_rss_mb']:,.0f} MB",
            key="peak_rss_mb_1e7" if size == "1e7" else None,
        )
    if r["scaling_1e7_over_1e6"] is not None:
        add(
            "gap engine scaling, time(1e7) / time(1e6)",
            "1e6 → 1e7",
            ratio=f"{r['scaling_1e7_over_1e6']:.2f}",
            key="scaling_1e7_over_1e6",
        )
    for name, f in r["refresh"].items():
        if "error" in f:
            add("refresh end to end", name, f"failed: {f['error']}")
            continue
        largest = max(f["at_peak_mb"].items(), key=lambda kv: kv[1], default=("", 0))
        add(
            f"refresh end to end: outside asset code (peak {f['peak_rss_mb']:,.0f} MB, "
            f"{largest[1]:,.0f} MB of it {largest[0]})",
            name,
            f"{f['wall_s'] - f['asset_code_s']:,.1f} s",
            f"{f['wall_s']:,.1f} s wall",
            f"{f['orchestration_share']:.0%}",
            "orchestration_share_bundled" if name == "bundled" else None,
        )
        add(
            "… of which Dagster while the run runs (first to last event), outside asset code",
            name,
            f"{f['run_s'] - f['asset_code_s']:,.1f} s",
            f"{f['run_s']:,.1f} s run",
            f"{f['orchestration_share_in_run']:.0%}",
        )
        if "report_set_mb" in f:
            add(
                "one published report set (workbook, index.html, chart pages and PNGs, one "
                "shared plotly.js), MB",
                name,
                f"{f['report_set_mb']:,.1f} MB",
                key="report_set_mb_bundled" if name == "bundled" else None,
            )
    for size, i in r.get("ingest", {}).items():
        if "error" in i:
            add("inventory ingest vs bare read_csv", size, f"failed: {i['error']}")
            continue
        add(
            f"inventory ingest ({i['files']} CSV files read, validated in DuckDB, loaded; "
            f"stg_inventory; {i['rejects']} rejects) vs DuckDB's bare read_csv of them",
            size,
            f"{i['ingest_s']:,.2f} s",
            f"{i['bare_read_csv_s']:,.2f} s",
            f"{i['ingest_vs_read_csv']:,.2f}×",
            "ingest_vs_read_csv_1e6" if size == "1e6" else None,
        )
    for size, f in r["refresh"].items():
        if "vs_floor" in f:
            add(
                "refresh end to end less the confidence, options and what-if steps "
                f"({f['own_ratio_groups_s']:,.1f} s) vs bare read_csv of its CSV files + one "
                "pass of the gaps group",
                size,
                f"{f['wall_s'] - f['own_ratio_groups_s']:,.1f} s",
                f"{f['floor_s']:,.2f} s",
                f"{f['vs_floor']:,.2f}×",
                "refresh_1e6_vs_floor" if size == "1e6" else None,
            )
    for size, m in r.get("mc", {}).items():
        if "error" in m:
            add("Monte Carlo vs one deterministic pass of the gaps group", size,
                f"failed: {m['error']}")
            continue
        add(
            f"Monte Carlo ({m['draws']:,} draws: mc_lines, mc_capabilities, mc_roles) "
            "vs one deterministic pass of the gaps group",
            size,
            f"{m['mc_s']:,.2f} s",
            f"{m['engine_s']:,.2f} s",
            f"{m['mc_over_engine']:,.2f}×",
            f"mc_over_engine_{size}" if f"mc_over_engine_{size}" in r["targets"] else None,
        )
        add(
            "… Monte Carlo peak memory, its process before the gap engine runs there "
            f"(with the gap engine after it: {m['peak_rss_mb_with_engine']:,.0f} MB, "
            f"DuckDB limit {r['plan']['memory_limit']})",
            size,
            f"{m['peak_rss_mb']:,.0f} MB",
            key=f"mc_peak_rss_mb_{size}" if f"mc_peak_rss_mb_{size}" in r["targets"] else None,
        )
    for size, o in r.get("options", {}).items():
        if "error" in o:
            add("option selection vs one deterministic pass of the gaps group", size,
                f"failed: {o['error']}")
            continue
        add(
            f"option selection (catalogue: {o['catalogue']} options; int_option_supply and "
            f"{len(o['frontier'])} frontier points, {o['solves']} MILP solves) "
            "vs one deterministic pass of the gaps group",
            size,
            f"{o['options_s']:,.2f} s",
            f"{o['engine_s']:,.2f} s",
            f"{o['options_over_engine']:,.2f}×",
            f"options_over_engine_{size}" if f"options_over_engine_{size}" in r["targets"] else None,
        )
    for size, w in r.get("whatif", {}).items():
        if "error" in w:
            add("what-if variants vs one deterministic pass of the gaps group", size,
                f"failed: {w['error']}")
            continue
        add(
            f"what-if variants ({w['levers']} lever files; {w['rows_recomputed']:,} of "
            f"{w['rows']:,} capability rows computed again) vs one deterministic pass of "
            "the gaps group",
            size,
            f"{w['whatif_s']:,.2f} s",
            f"{w['engine_s']:,.2f} s",
            f"{w['whatif_over_engine']:,.2f}×",
            f"whatif_over_engine_{size}" if f"whatif_over_engine_{size}" in r["targets"] else None,
        )
    for size, w in r["workbook"].items():
        project, bare, ratio = w["project_rows_per_s"], w["bare_rows_per_s"], w["project_vs_bare"]
        opened = w.get("project_libreoffice", w.get("bare_libreoffice"))
        note = f"; opens in LibreOffice: {'yes' if opened['opens'] else 'NO'}" if opened else ""
        add(
            f"workbook Shortfalls sheet, rows/s{note}",
            size,
            project if project == "pending" else f"{project:,.0f}",
            f"{bare:,.0f} (bare dump)",
            ratio if ratio == "pending" else f"{ratio:.2f}",
            "workbook_vs_bare_1e5" if size == "1e5" else None,
        )
        add(
            "… openpyxl's own floor for a formatted sheet: the same cells, one style per column",
            size,
            f"{w['styled_rows_per_s']:,.0f}",
            f"{bare:,.0f} (bare dump)",
            f"{w['styled_vs_bare']:.2f}",
        )
    return "\n".join(lines)


def _target(r: dict, key: str | None) -> str:
    if key is None:
        return ""
    if key in r.get("retired", {}):
        return "retired (BENCHMARKS.md)"
    met = r["targets"][key]["met"]
    return (
        f"{r['targets'][key]['target']}: {'met' if met else 'pending' if met is None else 'missed'}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a smaller sweep in a few minutes")
    parser.add_argument(
        "--out",
        type=Path,
        help="where the JSON goes (default: results/latest.json, or data/quick.json with --quick)",
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker)
    results = run(PLANS["quick" if args.quick else "full"])
    out = args.out or (DATA / "quick.json" if args.quick else LATEST)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(
        f"\n{results['machine']['cores']} cores, {results['machine']['memory_gb']} GB; "
        f"took {results['total_s'] / 60:.1f} min; written to {out}"
    )


if __name__ == "__main__":
    main()
