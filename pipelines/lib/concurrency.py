"""Concurrency cases (methodology §4): several scenarios competing for one inventory.

Within a single scenario eligibility is nested and the greedy of :mod:`allocation` is
optimal. Across scenarios it is not: a row that is not deployable abroad serves only
the scenarios its own state invokes, so two lines with the same deadline may accept
different rows. Each (case, year, capability) is therefore solved as a transportation
linear program with HiGHS, lexicographically: maximise what essential lines receive;
holding that, maximise important; holding both, maximise desirable. The totals per
criticality are unique even where the split over lines is not, and only they are
reported.

Before solving, the problem is reduced to what the LP can tell apart: lines with the
same (invoking state, criticality, max_readiness_days) accept the same rows, and rows
with the same readiness that are deployable abroad (or that share a member state when
they are not) serve the same lines, so each such set is merged. The reduced problem is
canonical (sorted, exact sums), which makes it a cache key: the same case often poses
the same problem year after year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from math import fsum

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from .allocation import CRITICALITIES, CRITICALITY_RANK, criticality_rank, group_codes, runs

CASE = ["case_id", "year", "capability_code"]

# (scenario_id, invoking_state, criticality, max_readiness_days, required)
CaseLine = tuple[str, str, str, int, float]
# (member_state, deployable_abroad, readiness_days, capacity)
SupplyRow = tuple[str, bool, int, float]
# Reduced forms: (criticality rank, max_readiness_days, invoking_state, required) and
# (home state or None when deployable abroad, readiness_days, capacity).
Pool = tuple[int, int, str, float]
Stock = tuple[str | None, int, float]


def solve_group(lines: Iterable[CaseLine], supply: Iterable[SupplyRow]) -> dict[str, float]:
    """Covered quantity per criticality present among ``lines`` for one
    (case, year, capability), under the lexicographic rule of §4."""
    return _solve(*_reduce(lines, supply))


def _reduce(
    lines: Iterable[CaseLine], supply: Iterable[SupplyRow]
) -> tuple[tuple[Pool, ...], tuple[Stock, ...]]:
    """The merged, canonical problem. ``fsum`` makes the sums independent of row order,
    so equal problems give equal keys."""
    pools = defaultdict(list)
    for _scenario, state, criticality, max_days, required in lines:
        pools[criticality_rank(criticality), int(max_days), state].append(float(required))
    reduced_lines = tuple(sorted((*key, fsum(v)) for key, v in pools.items()))

    stocks = defaultdict(list)
    for state, deployable, readiness, capacity in supply:
        stocks[None if deployable else state, int(readiness)].append(float(capacity))
    reduced_supply = []
    for (home, readiness), capacities in stocks.items():
        capacity = fsum(capacities)
        if capacity > 0 and any(_serves(home, readiness, pool) for pool in reduced_lines):
            reduced_supply.append((home, readiness, capacity))
    reduced_supply.sort(key=lambda s: (s[0] is not None, s[0] or "", s[1]))
    return reduced_lines, tuple(reduced_supply)


def _serves(home: str | None, readiness: int, pool: Pool) -> bool:
    _rank, max_days, state, required = pool
    return required > 0 and readiness <= max_days and home in (None, state)


def _solve(lines: tuple[Pool, ...], supply: tuple[Stock, ...]) -> dict[str, float]:
    """The lexicographic LP over x[stock, pool] ≥ 0: Σ over pools ≤ capacity, Σ over
    stocks ≤ required, one solve per criticality present, best first."""
    ranks = sorted({pool[0] for pool in lines})
    covered = {CRITICALITIES[k]: 0.0 for k in ranks}
    pairs = [
        (i, l)
        for i, (home, readiness, _) in enumerate(supply)
        for l, pool in enumerate(lines)
        if _serves(home, readiness, pool)
    ]
    if not pairs:
        return covered

    # Work in units of the largest requirement so HiGHS's absolute tolerances are relative.
    scale = max(p[3] for p in lines)
    # Reduced problems are small (rows ≤ states × readiness values), where a dense matrix
    # costs less to build and hand over than a sparse one. One spare row per tier holds
    # the tiers already solved.
    n_rows = len(supply) + len(lines)
    a_ub = np.zeros((n_rows + len(ranks), len(pairs)))
    for v, (i, l) in enumerate(pairs):
        a_ub[i, v] = a_ub[len(supply) + l, v] = 1.0
    b_ub = np.zeros(n_rows + len(ranks))
    b_ub[:n_rows] = np.array([s[2] for s in supply] + [p[3] for p in lines]) / scale
    rank_of = np.array([lines[l][0] for _, l in pairs])

    for k in ranks:
        gain = (rank_of == k).astype(np.float64)
        if not gain.any():
            continue
        res = linprog(-gain, A_ub=a_ub[:n_rows], b_ub=b_ub[:n_rows], bounds=(0, None),
                      method="highs")
        if res.status != 0:
            raise RuntimeError(f"HiGHS failed on a concurrency sub-problem: {res.message}")
        x = res.x
        # Hold this tier at its optimum, less a hair so the next solve stays feasible. The
        # hair is relative to the tier and far below the 1e-9 of §5: what later tiers can
        # gain through it is noise that reads as zero shortfall, never as a gap.
        a_ub[n_rows] = -gain
        b_ub[n_rows] = res.fun * (1 - 1e-12)
        n_rows += 1

    # Totals from the last solution, one feasible allocation, so that no sum of tiers
    # can exceed what the inventory holds.
    for k in ranks:
        required = fsum(p[3] for p in lines if p[0] == k)
        got = fsum(x[rank_of == k]) * scale
        covered[CRITICALITIES[k]] = min(max(got, 0.0), required)
    return covered


def solve_cases(lines: pd.DataFrame, supply: pd.DataFrame) -> pd.DataFrame:
    """Required, covered and shortfall per (case, year, capability, criticality).

    ``lines``: case_id, year, capability_code, scenario_id, invoking_state, criticality,
    max_readiness_days, required. ``supply``: case_id, year, capability_code,
    member_state, deployable_abroad, readiness_days, capacity. Other columns are ignored.
    Only groups with lines appear; the output does not depend on row order.
    """
    line_codes, supply_codes = group_codes(lines, supply, CASE)
    lines = lines.assign(_g=line_codes).sort_values("_g", kind="stable")
    supply = supply.assign(_g=supply_codes).sort_values("_g", kind="stable")

    line_g = lines["_g"].to_numpy(np.int64)
    supply_g = supply["_g"].to_numpy(np.int64)
    starts, ends = runs(line_g)
    lo = np.searchsorted(supply_g, line_g[starts], "left").tolist()
    hi = np.searchsorted(supply_g, line_g[starts], "right").tolist()
    line_rows = list(zip(*(lines[c].tolist() for c in (
        "scenario_id", "invoking_state", "criticality", "max_readiness_days", "required"))))
    supply_rows = list(zip(
        supply["member_state"].tolist(),
        supply["deployable_abroad"].astype(bool).tolist(),
        supply["readiness_days"].tolist(),
        supply["capacity"].tolist(),
    ))
    keys = list(zip(*(lines[c].tolist() for c in CASE)))

    cache: dict = {}
    out = []
    for s, e, s0, s1 in zip(starts.tolist(), ends.tolist(), lo, hi):
        problem = _reduce(line_rows[s:e], supply_rows[s0:s1])
        if problem not in cache:
            cache[problem] = _solve(*problem)
        required = defaultdict(list)
        for rank, _days, _state, quantity in problem[0]:
            required[CRITICALITIES[rank]].append(quantity)
        for criticality, covered in cache[problem].items():
            total = fsum(required[criticality])
            shortfall = total - covered
            if shortfall < 1e-9 * total:
                shortfall = 0.0
            out.append((*keys[s], criticality, total, covered, shortfall))

    columns = CASE + ["criticality", "required", "covered", "shortfall"]
    result = pd.DataFrame(out, columns=columns).astype(
        {"case_id": str, "year": np.int64, "capability_code": str, "criticality": str,
         "required": np.float64, "covered": np.float64, "shortfall": np.float64}
    )
    order = result["criticality"].map(CRITICALITY_RANK)
    return (
        result.assign(_rank=order)
        .sort_values(CASE + ["_rank"], kind="stable", ignore_index=True)
        .drop(columns="_rank")
    )
