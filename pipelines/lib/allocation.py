"""Allocation of eligible supply to the lines of one scenario (methodology §3).

The unit of work is a group g = (scenario_id, year, capability_code). Its lines are
served one after another, in criticality order (essential, important, desirable), then
by ``max_readiness_days`` ascending, then by line id; each draws up to its ``required``
from the supply still free, slowest acceptable readiness first, so that fast units stay
free for the lines that need them.

The allocation runs on *bands*, not on inventory rows. The SQL layer (DuckDB) sums the
effective supply e(i, σ) of the eligible rows of a group per readiness value r. Inside
one readiness value a draw is split over the rows pro rata to what each still has free,
so each draw takes the same fraction from every row of the band: every row keeps the
same share of its band through the whole allocation. A band therefore behaves exactly
like one row, and the per-member-state contributions follow afterwards in SQL as
``drawn × supply(row) / supply(band)``, with no loss.

Two theorems (methodology §3) pin the result down and are what the tests check:

- Ladder: the total shortfall equals :func:`ladder_shortfall`, the least any
  allocation can reach.
- Criticality first: essential lines get the most any allocation can give them; given
  that, important lines; then desirable ones.

Both follow from eligibility being nested (a line that accepts readiness D accepts every
r ≤ D) together with the slowest-first rule.

The build-up of §13 (:func:`buildup`) is the same greedy with another readiness limit
per line, min(max_readiness_days, d) or d at each checkpoint day d; the order of the
lines stays §3's.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from math import fsum

import numpy as np
import pandas as pd

CRITICALITIES = ("essential", "important", "desirable")
CRITICALITY_RANK = {c: k for k, c in enumerate(CRITICALITIES)}
# int_line_draws (and int_offer_draws): what each line draws from each readiness band.
DRAW_SCHEMA = {
    "scenario_id": "VARCHAR",
    "year": "INTEGER",
    "capability_code": "VARCHAR",
    "line_id": "VARCHAR",
    "readiness_days": "INTEGER",
    "drawn": "DOUBLE",
}
GROUP = ["scenario_id", "year", "capability_code"]

# (line_id, criticality, max_readiness_days, required)
Line = tuple[str, str, int, float]


def criticality_rank(criticality: str) -> int:
    try:
        return CRITICALITY_RANK[criticality]
    except KeyError:
        raise ValueError(
            f"unknown criticality {criticality!r}; expected one of {CRITICALITIES}"
        ) from None


def allocate_group(
    lines: Iterable[Line], bands: Mapping[int, float]
) -> list[tuple[str, int, float]]:
    """Allocate one group: ``(line_id, readiness_days, drawn)`` for every draw > 0.

    ``lines`` are ``(line_id, criticality, max_readiness_days, required)``; ``bands`` maps
    readiness_days to the supply at that value. Draws come line by line in allocation
    order, each line's from its slowest band downwards.
    """
    order = sorted(lines, key=lambda l: (criticality_rank(l[1]), l[2], str(l[0])))
    readiness = sorted(bands)
    free = [float(bands[r]) for r in readiness]
    draws = _draw([l[2] for l in order], [float(l[3]) for l in order], readiness, free)
    return [(order[k][0], r, drawn) for k, r, drawn in draws]


def _draw(
    limits: Sequence[int],
    required: Sequence[float],
    readiness: Sequence[int],
    free: list[float],
) -> list[tuple[int, int, float]]:
    """The greedy of §3 on lines already in allocation order; ``free`` is consumed.

    Line k may draw only from bands with readiness ≤ ``limits[k]``: its
    max_readiness_days in §3, a checkpoint's bound in §13. Returns ``(line index,
    readiness_days, drawn)``. ``readiness`` is ascending.
    """
    draws = []
    for k, (d, need) in enumerate(zip(limits, required)):
        j = bisect_right(readiness, d) - 1
        while need > 0 and j >= 0:
            take = min(need, free[j])
            if take > 0:
                free[j] -= take
                need -= take
                draws.append((k, readiness[j], take))
            j -= 1
    return draws


def ladder_shortfall(lines: Iterable[Line], bands: Mapping[int, float]) -> float:
    """The least total shortfall any allocation of ``bands`` to ``lines`` can reach.

    Every line with max_readiness_days ≤ D can only use supply with readiness ≤ D, so
    each threshold D bounds the shortfall from below; for nested eligibility the worst
    threshold is also reached (a cut argument), hence the equality with the greedy.
    """
    lines = list(lines)
    worst = 0.0
    for d in {l[2] for l in lines}:
        need = fsum(l[3] for l in lines if l[2] <= d)
        have = fsum(s for r, s in bands.items() if r <= d)
        worst = max(worst, need - have)
    return worst


def max_total(lines: Iterable[Line], bands: Mapping[int, float]) -> float:
    """The most any allocation of ``bands`` can give ``lines`` together."""
    lines = list(lines)
    return fsum(l[3] for l in lines) - ladder_shortfall(lines, bands)


def group_codes(
    left: pd.DataFrame, right: pd.DataFrame, keys: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """One integer per distinct key, shared by both frames and ascending with the keys.

    Sorting both frames by it lines their groups up, so the loop over groups can find a
    group's rows in the other frame by binary search instead of a join per group.
    """
    both = pd.concat([left[keys], right[keys]], ignore_index=True)
    codes = both.groupby(keys, sort=True, dropna=False).ngroup().to_numpy(np.int64)
    return codes[: len(left)], codes[len(left) :]


def runs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of each run of equal values in sorted ``codes``."""
    starts = np.flatnonzero(np.diff(codes, prepend=-1))
    return starts, np.append(starts[1:], len(codes))


@dataclass(frozen=True)
class _Groups:
    """Lines and bands of every group, laid out for the loop over groups.

    ``lines`` is sorted by group, then allocation order; group i's lines are
    ``lines.iloc[starts[i]:ends[i]]`` and its merged bands, ascending by readiness,
    are ``band_r[lo[i]:hi[i]]`` / ``band_s[lo[i]:hi[i]]``.
    """

    lines: pd.DataFrame
    starts: list[int]
    ends: list[int]
    lo: list[int]
    hi: list[int]
    max_days: list[int]
    required: list[float]
    band_r: list[int]
    band_s: list[float]

    def __iter__(self):
        return zip(self.starts, self.ends, self.lo, self.hi)


def _groups(lines: pd.DataFrame, bands: pd.DataFrame) -> _Groups:
    unknown = set(lines["criticality"].unique()) - set(CRITICALITIES)
    if unknown:
        raise ValueError(f"unknown criticality {sorted(map(str, unknown))}")
    line_codes, band_codes = group_codes(lines, bands, GROUP)
    lines = lines.assign(
        _g=line_codes,
        _rank=lines["criticality"].map(CRITICALITY_RANK),
        line_id=lines["line_id"].astype(str),
    ).sort_values(["_g", "_rank", "max_readiness_days", "line_id"], kind="stable")
    # Duplicate (group, readiness) rows would be one band to the rule: merge them.
    merged = (
        pd.DataFrame(
            {
                "_g": band_codes,
                "r": bands["readiness_days"].to_numpy(np.int64),
                "s": bands["supply"].to_numpy(np.float64),
            }
        )
        .groupby(["_g", "r"], sort=True)["s"]
        .sum()
    )
    band_g = merged.index.get_level_values(0).to_numpy(np.int64)
    line_g = lines["_g"].to_numpy(np.int64)
    starts, ends = runs(line_g)
    return _Groups(
        lines=lines,
        starts=starts.tolist(),
        ends=ends.tolist(),
        lo=np.searchsorted(band_g, line_g[starts], "left").tolist(),
        hi=np.searchsorted(band_g, line_g[starts], "right").tolist(),
        max_days=lines["max_readiness_days"].to_numpy(np.int64).tolist(),
        required=lines["required"].to_numpy(np.float64).tolist(),
        band_r=merged.index.get_level_values(1).to_numpy(np.int64).tolist(),
        band_s=merged.to_numpy(np.float64).tolist(),
    )


def _line_keys(lines: pd.DataFrame) -> pd.DataFrame:
    out = lines[GROUP + ["line_id"]].reset_index(drop=True)
    return out.astype({"scenario_id": str, "year": np.int64, "capability_code": str})


def allocate(lines: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
    """The allocation of §3 for every group at once: one row per draw > 0.

    ``lines``: scenario_id, year, capability_code, line_id, criticality,
    max_readiness_days, required. ``bands``: scenario_id, year, capability_code,
    readiness_days, supply. Returns scenario_id, year, capability_code, line_id,
    readiness_days, drawn, sorted by the first four and readiness_days descending; the
    output depends only on the content of the inputs, not on their row order.
    """
    g = _groups(lines, bands)
    rows, readiness, drawn = [], [], []
    for s, e, b0, b1 in g:
        if b0 == b1:
            continue
        for k, r, d in _draw(g.max_days[s:e], g.required[s:e], g.band_r[b0:b1], g.band_s[b0:b1]):
            rows.append(s + k)
            readiness.append(r)
            drawn.append(d)

    out = _line_keys(g.lines.iloc[rows])
    out["readiness_days"] = np.asarray(readiness, dtype=np.int64)
    out["drawn"] = np.asarray(drawn, dtype=np.float64)
    return out.sort_values(
        GROUP + ["line_id", "readiness_days"],
        ascending=[True, True, True, True, False],
        kind="stable",
        ignore_index=True,
    )


# --- §13: the build-up after an invocation ------------------------------------------------


def _line_totals(n: int, draws: list[tuple[int, int, float]]) -> list[float]:
    totals = [0.0] * n
    for k, _r, take in draws:
        totals[k] += take
    return totals


def _all_met(totals: Sequence[float], required: Sequence[float]) -> bool:
    return all(t >= p * (1 - 1e-12) for t, p in zip(totals, required))


def _buildup_one(
    max_days: Sequence[int],
    required: Sequence[float],
    readiness: Sequence[int],
    supply: Sequence[float],
    days: Sequence[int],
) -> tuple[list[list[float]], list[list[float]]]:
    """Covered and covered-if-late of one group's lines (in allocation order) at each
    checkpoint of ``days`` (ascending): ``(covered[c][k], late[c][k])`` for checkpoint c
    and line k.

    Both run §3's greedy, on a fresh copy of the bands, with another limit per line:
    min(max_readiness_days, d) for covered, d for covered-if-late. A result depends on d
    only through the slowest band that has arrived by d (and, for covered, no further
    than the band of the slowest deadline, where it is §3's allocation itself), so each
    distinct one is computed once. Before the band of the earliest deadline both limits
    are the same, and once every line is met it stays met (the greedy reaches the most
    any allocation can give, and more supply can only raise that): neither is recomputed.
    """
    n = len(required)
    zeros = [0.0] * n
    first = bisect_right(readiness, min(max_days, default=-1)) - 1
    top = bisect_right(readiness, max(max_days, default=-1)) - 1
    covered, late = [], []
    # (band index, totals, every line met) of the checkpoint before
    last_covered = last_late = None
    for d in days:
        j = bisect_right(readiness, d) - 1
        if j < 0:  # nothing has arrived yet
            covered.append(zeros)
            late.append(zeros)
            continue
        key = min(j, top)
        if last_covered is None or (key != last_covered[0] and not last_covered[2]):
            limits = [min(m, d) for m in max_days]
            totals = _line_totals(n, _draw(limits, required, readiness, list(supply)))
            last_covered = (key, totals, _all_met(totals, required))
        if j <= first:  # every line's limit falls in band j either way
            last_late = (j, *last_covered[1:])
        elif last_late is None or (j != last_late[0] and not last_late[2]):
            totals = _line_totals(n, _draw([d] * n, required, readiness, list(supply)))
            last_late = (j, totals, _all_met(totals, required))
        covered.append(last_covered[1])
        late.append(last_late[1])
    return covered, late


def buildup_group(
    lines: Iterable[Line], bands: Mapping[int, float], days: Iterable[int]
) -> dict[str, list[tuple[int, float, float]]]:
    """The build-up of one group (methodology §13): per line id, ``(day, covered,
    covered_if_late)`` for every checkpoint day, ascending."""
    order = sorted(lines, key=lambda l: (criticality_rank(l[1]), l[2], str(l[0])))
    days = sorted(set(days))
    readiness = sorted(bands)
    covered, late = _buildup_one(
        [l[2] for l in order], [float(l[3]) for l in order], readiness,
        [float(bands[r]) for r in readiness], days,
    )
    return {
        line[0]: [(d, covered[c][k], late[c][k]) for c, d in enumerate(days)]
        for k, line in enumerate(order)
    }


def buildup(lines: pd.DataFrame, bands: pd.DataFrame, days: Iterable[int]) -> pd.DataFrame:
    """The build-up of §13 for every group at once: one row per line and checkpoint.

    Inputs as :func:`allocate`'s; ``days`` are the checkpoints. Returns scenario_id,
    year, capability_code, line_id, day, covered, covered_if_late, sorted by the first
    five; a line whose group has no supply has rows of zeros.
    """
    days = sorted(set(int(d) for d in days))
    g = _groups(lines, bands)
    # Line by line, each line's checkpoints in order: the rows of the result.
    covered, late = [], []
    for s, e, b0, b1 in g:
        if b0 == b1:
            covered.extend([0.0] * ((e - s) * len(days)))
            late.extend([0.0] * ((e - s) * len(days)))
            continue
        c, l = _buildup_one(
            g.max_days[s:e], g.required[s:e], g.band_r[b0:b1], g.band_s[b0:b1], days
        )
        covered.extend(chain.from_iterable(zip(*c)))
        late.extend(chain.from_iterable(zip(*l)))

    keys = _line_keys(g.lines)
    out = keys.loc[keys.index.repeat(len(days))].reset_index(drop=True)
    out["day"] = np.tile(np.asarray(days, dtype=np.int64), len(keys))
    out["covered"] = np.asarray(covered, dtype=np.float64)
    out["covered_if_late"] = np.asarray(late, dtype=np.float64)
    return out.sort_values(GROUP + ["line_id", "day"], kind="stable", ignore_index=True)
