"""Seeded synthetic data sets, laid out as the data contract says, at any scale.

    python -m benchmarks.generate OUT --rows 1000000 [--scenarios 200] [--format csv]

A data set is member states × capabilities × readiness mix × years. Each member state
holds about half of the capability taxonomy; each holding has one to three readiness
values (its readiness mix), one to three windows of years in service (open, retiring
within the horizon, arriving within it), and may keep a share home-only. Inventory rows
are unit-level records drawn from the holdings (mostly quantity 1): more rows are more
records of the same kinds of units, as in a finer-grained national submission, not more
kinds. Requirement quantities are set against the expected supply of their capability,
so the mix of met and short lines is about the same at every scale.

The files are the pipeline's normal inputs: the bundled `member_states.csv`, a generated
`capabilities.csv`, one inventory file per member state (split every 500,000 rows, all
with the same `as_of`: one submission over several files, as the contract allows),
scenario and concurrency-case YAML. Inventory files are Parquet by default, which the
ingest recognises by content as it does CSV and .xlsx — the contract's columns and rules
are unchanged, Parquet is only a faster container for them — or CSV.

`stage()` loads a generated set into the staged tables of a DuckDB warehouse in bulk,
for sizes where validating every inventory row in Python would take minutes. Only the
inventory skips the row-by-row validation (the generator writes valid rows only, and a
test proves that the normal ingest accepts every row and stages the same table);
reference data, scenarios and cases go through the pipeline's own validation, and every
staged table is built by its own `sql/stg_*.sql`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml

from pipelines.lib import loading
from pipelines.lib.settings import REPO_ROOT
from pipelines.lib.warehouse import run_sql

MEMBER_STATES = REPO_ROOT / "data" / "reference" / "member_states.csv"
READINESS = (0, 2, 5, 10, 20, 30, 60, 90, 180)
READINESS_WEIGHTS = (0.04, 0.08, 0.14, 0.20, 0.18, 0.16, 0.10, 0.06, 0.04)
LINE_DAYS = (2, 5, 10, 20, 30, 60, 90)
QUANTITIES = ((1, 2, 3, 4, 6), (0.70, 0.12, 0.08, 0.06, 0.04))
ROLES = ("border_security", "domestic_support", "border_security;domestic_support")
DOMAINS = (
    "land",
    "maritime",
    "air",
    "cyber",
    "space",
    "medical",
    "cbrn",
    "engineering",
    "logistics",
    "isr",
    "c2",
)
UNITS = ("team", "company", "battalion", "aircraft", "vessel", "system")
NOTES = ("in maintenance until Q3", "reservists", "high-readiness element")
MAX_FILE_ROWS = 500_000
FORMATS = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER"}  # COPY options
STAGED = (
    "stg_inventory",
    "stg_scenarios",
    "stg_requirements",
    "stg_concurrency_cases",
    "stg_offers",
)


@dataclass(frozen=True)
class Shape:
    """What to generate. Equal shapes give byte-identical data sets."""

    rows: int = 100_000  # inventory rows
    scenarios: int = 200
    lines: tuple[int, int] = (30, 60)  # requirement lines per scenario, inclusive
    cases: int = 20
    capabilities: int = 120
    base_year: int = 2026
    horizon_years: int = 10
    seed: int = 42
    format: str = "parquet"  # of the inventory files: parquet or csv


def generate(out: Path, shape: Shape) -> Path:
    """Write the data set for `shape` into `out`; a set already there with the same
    shape is kept as it is."""
    manifest = out / "manifest.json"
    wanted = json.dumps(asdict(shape), sort_keys=True)
    if manifest.exists() and manifest.read_text() == wanted:
        return out
    for sub in ("reference", "inbox", "scenarios"):
        shutil.rmtree(out / sub, ignore_errors=True)
    for sub in ("reference", "inbox/inventory", "inbox/offers", "scenarios/concurrency"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    # One stream each, so that sets differing only in rows share holdings and scenarios.
    structure, records, plans = map(
        np.random.default_rng, np.random.SeedSequence(shape.seed).spawn(3)
    )
    states = pd.read_csv(MEMBER_STATES)
    shutil.copy(MEMBER_STATES, out / "reference" / "member_states.csv")
    capabilities = _capabilities(structure, shape.capabilities)
    capabilities.to_csv(out / "reference" / "capabilities.csv", index=False)

    weight = _holding_weights(structure, states, len(capabilities))
    holdings = _holdings(structure, weight, shape)
    _inventory(records, out / "inbox" / "inventory", shape, states, capabilities, weight, holdings)

    # Expected effective supply per capability: what requirement quantities are set against.
    mean_quantity = float(np.dot(*QUANTITIES))
    supply = shape.rows * weight.sum(axis=0) * mean_quantity * 0.8
    scenario_ids = _scenarios(plans, out / "scenarios", shape, states, capabilities, supply)
    _cases(plans, out / "scenarios" / "concurrency", shape, scenario_ids)
    manifest.write_text(wanted)
    return out


def _capabilities(rng, n: int) -> pd.DataFrame:
    roles = rng.choice(len(ROLES), size=n, p=(0.45, 0.35, 0.20))
    return pd.DataFrame(
        {
            "capability_code": [
                f"{'DS' if r == 1 else 'BS'}.SYN.C{k:04d}" for k, r in enumerate(roles)
            ],
            "name": [f"Synthetic capability {k}" for k in range(n)],
            "domain": rng.choice(DOMAINS, size=n),
            "unit": rng.choice(UNITS, size=n),
            "roles": [ROLES[r] for r in roles],
        }
    )


def _holding_weights(rng, states: pd.DataFrame, n_caps: int) -> np.ndarray:
    """Share of all inventory rows per (member state, capability); 0 where not held."""
    n_states = len(states)
    held = rng.random((n_states, n_caps)) < 0.5
    held[rng.integers(n_states, size=n_caps), np.arange(n_caps)] = True  # every capability
    held[np.arange(n_states), rng.integers(n_caps, size=n_states)] = True  # every state
    size = np.sqrt(states["gdp_meur"].to_numpy(float))
    popularity = rng.lognormal(0, 0.75, n_caps)
    weight = held * size[:, None] * popularity[None, :] * rng.lognormal(0, 0.5, held.shape)
    return weight / weight.sum()


@dataclass
class _Holdings:
    """Per (state, capability), up to three readiness values and three windows in service,
    each with cumulative probabilities, and the share of records that are home-only."""

    readiness: np.ndarray  # (states, caps, 3)
    readiness_cum: np.ndarray
    first_year: np.ndarray  # -1 = open
    last_year: np.ndarray
    window_cum: np.ndarray
    home_only: np.ndarray  # (states, caps)


def _holdings(rng, weight: np.ndarray, shape: Shape) -> _Holdings:
    dims = weight.shape
    readiness = np.zeros((*dims, 3), np.int64)
    readiness_cum = np.ones((*dims, 3))
    first = np.full((*dims, 3), -1, np.int64)
    last = np.full((*dims, 3), -1, np.int64)
    window_cum = np.ones((*dims, 3))
    years = shape.base_year + rng.integers(0, shape.horizon_years + 1, size=(*dims, 2))
    for s, c in zip(*np.nonzero(weight)):
        k = rng.integers(1, 4)
        readiness[s, c, :k] = rng.choice(READINESS, size=k, replace=False, p=READINESS_WEIGHTS)
        readiness_cum[s, c, :k] = np.cumsum(rng.dirichlet(np.ones(k)))
        windows = [(-1, -1)]  # open
        if rng.random() < 0.35:
            windows.append((-1, years[s, c, 0]))  # retiring
        if rng.random() < 0.35:
            windows.append((years[s, c, 1], -1))  # arriving
        first[s, c, : len(windows)], last[s, c, : len(windows)] = zip(*windows)
        window_cum[s, c, : len(windows)] = np.cumsum(rng.dirichlet(np.full(len(windows), 2.0)))
    home_only = np.where(rng.random(dims) < 0.3, rng.uniform(0.2, 1.0, dims), 0.0)
    return _Holdings(readiness, readiness_cum, first, last, window_cum, home_only)


def _pick(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index into each row's cumulative probabilities for its uniform draw."""
    return np.minimum((u[:, None] > cum).sum(axis=1), cum.shape[1] - 1)


def _inventory(rng, folder: Path, shape: Shape, states, capabilities, weight, h: _Holdings):
    codes = capabilities["capability_code"].to_numpy(object)
    counts = rng.multinomial(shape.rows, weight.sum(axis=1))
    con = duckdb.connect()
    for s, (state, nato) in enumerate(zip(states["code"], states["nato_member"])):
        n = int(counts[s])
        if n == 0:
            continue
        held = np.flatnonzero(weight[s])
        cap = rng.choice(held, size=n, p=weight[s, held] / weight[s, held].sum())
        r = _pick(h.readiness_cum[s, cap], rng.random(n))
        w = _pick(h.window_cum[s, cap], rng.random(n))
        frame = pd.DataFrame(
            {
                "member_state": state,
                "capability_code": codes[cap],
                "quantity": rng.choice(QUANTITIES[0], size=n, p=QUANTITIES[1]).astype(float),
                "readiness_days": h.readiness[s, cap, r],
                "availability": np.where(
                    rng.random(n) < 0.3, 1.0, np.round(rng.uniform(0.4, 1.0, n), 2)
                ),
                "deployable_abroad": rng.random(n) >= h.home_only[s, cap],
                "nato_committed": np.where(
                    bool(nato) & (rng.random(n) < 0.25), rng.choice((0.25, 0.5, 1.0), size=n), 0.0
                ),
                "available_from": h.first_year[s, cap, w],
                "available_until": h.last_year[s, cap, w],
                "note": rng.integers(0, 50 * len(NOTES), size=n),
            }
        )
        as_of = dt.date(shape.base_year, 1, 5) + dt.timedelta(days=s)
        parts = range(0, n, MAX_FILE_ROWS)
        for k, start in enumerate(parts):
            suffix = f"_part{k + 1}" if len(parts) > 1 else ""
            path = folder / f"inventory_{state}_{shape.base_year}{suffix}.{shape.format}"
            con.register("frame", frame.iloc[start : start + MAX_FILE_ROWS])
            con.execute(
                f"""COPY (
                    SELECT member_state, capability_code, quantity,
                           CAST(readiness_days AS INTEGER) AS readiness_days, availability,
                           deployable_abroad, nato_committed,
                           CAST(nullif(available_from, -1) AS INTEGER) AS available_from,
                           CAST(nullif(available_until, -1) AS INTEGER) AS available_until,
                           CAST($as_of AS DATE) AS as_of,
                           $notes[note + 1] AS notes
                    FROM frame
                ) TO '{path}' ({FORMATS[shape.format]})""",
                {"as_of": as_of, "notes": list(NOTES)},
            )
            con.unregister("frame")
    con.close()


def _scenarios(rng, folder: Path, shape: Shape, states, capabilities, supply) -> list[str]:
    codes = capabilities["capability_code"].tolist()
    roles = capabilities["roles"].tolist()
    popularity = supply / supply.sum()
    ids = []
    for i in range(shape.scenarios):
        invoking = int(rng.integers(len(states)))
        lines = []
        for k in range(int(rng.integers(shape.lines[0], shape.lines[1] + 1))):
            c = int(rng.choice(len(codes), p=popularity))
            rotation = int(rng.choice((1, 2, 3)))
            lines.append(
                {
                    "id": f"L{k + 1:02d}",
                    "role": str(rng.choice(roles[c].split(";"))),
                    "capability": codes[c],
                    "quantity": max(1, round(supply[c] * rng.uniform(0.02, 0.5) / rotation)),
                    "max_readiness_days": int(rng.choice(LINE_DAYS)),
                    "rotation": rotation,
                    "criticality": str(
                        rng.choice(("essential", "important", "desirable"), p=(0.4, 0.4, 0.2))
                    ),
                }
            )
        scenario_id = f"SYN-{i + 1:04d}"
        document = {
            "id": scenario_id,
            "name": f"Synthetic scenario {i + 1}",
            "invoking_state": str(states["code"][invoking]),
            "nato_article5_concurrent": bool(
                states["nato_member"][invoking] and rng.random() < 0.5
            ),
            "likelihood": int(rng.integers(1, 6)),
            "duration_days": int(rng.integers(30, 366)),
            "description": "Synthetic benchmark scenario (seeded, not a planning scenario).",
            "requirements": lines,
        }
        (folder / f"{scenario_id.lower()}.yaml").write_text(
            yaml.safe_dump(document, sort_keys=False), encoding="utf-8"
        )
        ids.append(scenario_id)
    return ids


def _cases(rng, folder: Path, shape: Shape, scenario_ids: list[str]) -> None:
    for k in range(shape.cases if len(scenario_ids) >= 2 else 0):
        size = int(rng.integers(2, min(4, len(scenario_ids)) + 1))
        document = {
            "id": f"CASE-{k + 1:02d}",
            "name": f"Synthetic concurrency case {k + 1}",
            "scenarios": [str(s) for s in rng.choice(scenario_ids, size=size, replace=False)],
        }
        (folder / f"case_{k + 1:02d}.yaml").write_text(
            yaml.safe_dump(document, sort_keys=False), encoding="utf-8"
        )


def stage(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """The staged tables (`stg_*`) of a generated set, with the inventory loaded in bulk.

    Reference data, scenarios and cases are validated and written as the ingest assets
    do; the inventory's Parquet files are read by DuckDB into `raw_inventory` with the
    ingest's column types, file names and row numbers (header = 1). Any reject is an
    error: a generated set must be clean.
    """
    states, capabilities = loading.validate_reference(data_dir)
    loading.write_raw(con, "raw_member_states", states.rows)
    loading.write_raw(con, "raw_capabilities", capabilities.rows)
    run_sql(con, "stg_member_states")
    run_sql(con, "stg_capabilities")
    scenarios, cases = loading.validate_scenario_folder(data_dir, *loading.reference_codes(con))
    rejects = [x for r in [states, capabilities, *scenarios, *cases] for x in r.rejects]
    if rejects:
        raise ValueError(f"the generated set at {data_dir} has rejects, the first: {rejects[0]}")
    loading.write_raw(con, "raw_scenarios", [r.scenario for r in scenarios])
    loading.write_raw(con, "raw_requirements", [l for r in scenarios for l in r.requirements])
    loading.write_raw(
        con,
        "raw_concurrency_cases",
        [
            {**c.case, "scenario_id": sid, "scenario_order": i, "source_file": c.source_file}
            for c in cases
            for i, sid in enumerate(c.scenario_ids)
        ],
    )
    loading.write_raw(con, "raw_offers", [])

    files = sorted(str(p) for p in (data_dir / "inbox" / "inventory").glob("*.parquet"))
    if not files:
        raise ValueError(
            f"no Parquet inventory files in {data_dir}; bulk staging reads Parquet only"
        )
    special = {
        "source_file": "'inbox/inventory/' || parse_filename(filename)",
        "sheet": "NULL",
        "row_number": "file_row_number + 2",
    }
    columns = ", ".join(
        f'CAST({special.get(c, c)} AS {t}) AS "{c}"'
        for c, t in loading.RAW_SCHEMAS["raw_inventory"].items()
    )
    con.execute(
        f"CREATE OR REPLACE TABLE raw_inventory AS SELECT {columns} "
        "FROM read_parquet($files, filename = true, file_row_number = true)",
        {"files": files},
    )
    for table in STAGED:
        run_sql(con, table)


def main(argv: list[str] | None = None) -> None:
    defaults = Shape()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("out", type=Path, help="the data folder to write (CDP_DATA_DIR layout)")
    parser.add_argument("--rows", type=int, default=defaults.rows, help="inventory rows")
    parser.add_argument("--scenarios", type=int, default=defaults.scenarios)
    parser.add_argument(
        "--lines", type=int, nargs=2, default=defaults.lines, metavar=("MIN", "MAX")
    )
    parser.add_argument("--cases", type=int, default=defaults.cases)
    parser.add_argument("--capabilities", type=int, default=defaults.capabilities)
    parser.add_argument("--base-year", type=int, default=defaults.base_year)
    parser.add_argument("--horizon-years", type=int, default=defaults.horizon_years)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--format", choices=("parquet", "csv"), default=defaults.format)
    a = parser.parse_args(argv)
    shape = Shape(
        a.rows,
        a.scenarios,
        tuple(a.lines),
        a.cases,
        a.capabilities,
        a.base_year,
        a.horizon_years,
        a.seed,
        a.format,
    )
    print(generate(a.out, shape))


if __name__ == "__main__":
    main()
