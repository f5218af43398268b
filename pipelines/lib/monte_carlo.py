"""Confidence of coverage by Monte Carlo (methodology §10). Plain numpy, no Dagster.

§2–§3 count a row as ``quantity × availability`` and every state as answering every
call. Here both are drawn, N times (``draws``):

- **Units.** Row i with quantity q = n + f gives A_k(i) = Binomial(n, a) + f ×
  Bernoulli(a) in draw k, one value per draw and row, shared by every scenario and year
  (common random numbers).
- **Participation.** B_k(σ, s, r) = Bernoulli(p(s, r)) per scenario, other state and
  role; the invoking state always acts for itself.
- **Allocation** exactly as §3 on A × B × (1 − nato_committed if Art. 5 runs too). Where a
  capability has lines of both roles and a state takes part in only one, a line draws
  at each readiness value only from the rows it may see, pro rata to what each still
  has free, and leaves the rest free.

How the work is laid out, so that 10⁶ rows × 1000 draws never become one matrix:

- Rows are summed, before drawing, into *cells* that draw alike: same group (state,
  readiness, caveat, years in service: what every later rule looks at), availability,
  NATO share and fractional part f. A sum of independent Binomial(n_i, a) is
  Binomial(Σ n_i, a), and Σ f × Bernoulli_i(a) over m rows is f × Binomial(m, a), so a
  cell's draw has exactly the distribution of the sum of its rows' draws.
- The loop runs capability by capability. A capability's unit draws are made once, as
  an array (groups × draws), and serve every scenario and year (common random numbers).
- Per (scenario, capability) the draws axis and the years are one vector axis (years ×
  draws); Python loops only over what §3 makes sequential: the lines in order and, for
  each, the readiness values from its slowest acceptable down. §3 is never run per draw.
- Within a readiness value, states that take part in the same roles in a draw keep the
  same shares of what is free through every pro-rata draw, so they are carried as one
  participation class ("both roles", "border security only", "domestic support only").

Seeding: one root seed; every random stream is its own ``SeedSequence(seed,
spawn_key=(domain, key...))`` with keys from a stable hash (BLAKE2b) of the capability
code, scenario id and state code, never Python's salted ``hash()``. A rerun is
byte-identical; adding a scenario or capability does not change another's draws.
Sums run in a fixed order over inputs sorted by content, so the row order of the
inputs does not matter either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.lib.allocation import CRITICALITY_RANK

ROLES = ("border_security", "domestic_support")
TOLERANCE = 1e-9  # §5: a shortfall below 1e-9 × required is zero
QUANTILES = (5, 50, 95)  # percent
UNITS, PARTICIPATION = 0, 1  # domains of the keyed random streams
CELL_CHUNK = 4096  # cells drawn at once: bounds the (cells × draws) temporaries

CELL_COLUMNS = [
    "capability_code", "member_state", "readiness_days", "deployable_abroad",
    "available_from", "available_until", "availability", "nato_committed",
    "fraction", "whole", "rows",
]
LINE_COLUMNS = [
    "scenario_id", "line_id", "role", "capability_code", "criticality",
    "max_readiness_days", "required",
]


def stable_key(text: str) -> int:
    """A 64-bit integer from a string that is the same in every process and version
    (unlike ``hash()``, which Python salts per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def generator(seed: int, *keys: int) -> np.random.Generator:
    """The random stream of one key under the root seed: independent of every other key."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=keys)))


def quantile_index(percent: int, n: int) -> int:
    """Position in ascending order of the lower empirical quantile: the smallest value v
    with at least ``percent``% of the n values ≤ v (DuckDB's ``quantile_disc``)."""
    return max((percent * n + 99) // 100 - 1, 0)


def cells_from_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Inventory rows (capability_code, member_state, readiness_days, deployable_abroad,
    available_from, available_until, availability, nato_committed, quantity) summed into
    the cells :func:`simulate` takes; what ``sql/select_mc_cells.sql`` does in DuckDB."""
    q = rows["quantity"].to_numpy(np.float64)
    whole = np.floor(q)
    frame = rows.assign(fraction=q - whole, whole=whole.astype(np.int64), rows=1)
    keys = CELL_COLUMNS[:9]
    return (
        frame.groupby(keys, dropna=False, sort=True)
        .agg(whole=("whole", "sum"), rows=("rows", "sum"))
        .reset_index()
    )


@dataclass
class Result:
    """The §10 figures: ``lines`` per (scenario, year, line), ``capabilities`` per
    (scenario, year, capability), ``roles`` per (scenario, year, role) and ``scenarios``
    per (scenario, year): the chance that every essential line of the scenario is met."""

    lines: pd.DataFrame
    capabilities: pd.DataFrame
    roles: pd.DataFrame
    scenarios: pd.DataFrame


@dataclass
class _Capability:
    """One capability's groups and their unit draws, draws on the last axis."""

    state: np.ndarray  # index into the state list, per group
    readiness: np.ndarray
    deployable: np.ndarray
    first: np.ndarray  # available_from, -inf-like sentinel when open
    last: np.ndarray
    available: np.ndarray  # (groups, draws): Σ A_k(i)
    free: np.ndarray  # (groups, draws): Σ A_k(i) × (1 − nato_committed(i))


OPEN_FIRST, OPEN_LAST = -(2**31), 2**31 - 1


def _unit_draws(cells: pd.DataFrame, states: dict[str, int], draws: int,
                rng: np.random.Generator) -> _Capability:
    """Draw A_k for every cell of one capability (cells sorted by group, then by the rest)
    and sum them per group."""
    state = cells["member_state"].map(states).to_numpy(np.int64)
    readiness = cells["readiness_days"].to_numpy(np.int64)
    deployable = cells["deployable_abroad"].to_numpy(bool)
    first = cells["available_from"].fillna(OPEN_FIRST).to_numpy(np.int64)
    last = cells["available_until"].fillna(OPEN_LAST).to_numpy(np.int64)
    a = cells["availability"].to_numpy(np.float64)
    keep = cells["nato_committed"].to_numpy(np.float64)
    keep = 1.0 - keep
    fraction = cells["fraction"].to_numpy(np.float64)
    whole = cells["whole"].to_numpy(np.int64)
    count = cells["rows"].to_numpy(np.int64)

    key = np.stack([state, readiness, deployable, first, last])
    new_group = np.ones(len(cells), bool)
    new_group[1:] = (key[:, 1:] != key[:, :-1]).any(axis=0)
    starts = np.flatnonzero(new_group)
    groups = len(starts)
    available = np.zeros((groups, draws))
    free = np.zeros((groups, draws))

    # Chunks of whole groups, so each group's cells are summed in one place, in order.
    bounds = [0]
    for s in starts[1:]:
        if s - bounds[-1] >= CELL_CHUNK:
            bounds.append(int(s))
    bounds.append(len(cells))
    g0 = 0
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        value = np.empty((hi - lo, draws))
        aa = a[lo:hi]
        certain = aa >= 1.0
        value[certain] = (whole[lo:hi][certain] + fraction[lo:hi][certain] * count[lo:hi][certain])[:, None]
        value[aa <= 0.0] = 0.0
        drawn = np.flatnonzero((aa > 0.0) & ~certain)
        if drawn.size:
            p = aa[drawn][:, None]
            value[drawn] = rng.binomial(whole[lo:hi][drawn][:, None], p, size=(drawn.size, draws))
            part = drawn[fraction[lo:hi][drawn] > 0]
            if part.size:
                value[part] += fraction[lo:hi][part][:, None] * rng.binomial(
                    count[lo:hi][part][:, None], aa[part][:, None], size=(part.size, draws)
                )
        local = starts[(starts >= lo) & (starts < hi)] - lo
        g1 = g0 + len(local)
        available[g0:g1] = np.add.reduceat(value, local, axis=0)
        free[g0:g1] = np.add.reduceat(value * keep[lo:hi][:, None], local, axis=0)
        g0 = g1
    return _Capability(state[starts], readiness[starts], deployable[starts], first[starts],
                       last[starts], available, free)


def _participation(scenario_id: str, states: Sequence[str], invoking: int,
                   p: dict[tuple[str, str], float], draws: int, seed: int) -> np.ndarray:
    """B_k(σ, s, r) for every state s and role r: bool (states, roles, draws). Each state
    has its own stream under the scenario's key; the invoking state always takes part."""
    out = np.empty((len(states), len(ROLES), draws), bool)
    scenario_key = stable_key(scenario_id)
    for i, state in enumerate(states):
        u = generator(seed, PARTICIPATION, scenario_key, stable_key(state)).random((len(ROLES), draws))
        out[i] = u < np.array([[p.get((state, r), 1.0)] for r in ROLES])
    if invoking >= 0:
        out[invoking] = True
    return out


def _supply(cap: _Capability, eligible: np.ndarray, bands: np.ndarray, years: Sequence[int],
            values: np.ndarray) -> np.ndarray:
    """Supply per (band, class, year × draw) from per-group class values (groups, classes,
    draws) of the eligible groups: each group counts in the years it is in force."""
    g = np.flatnonzero(eligible)
    n_years, n_bands = len(years), len(bands)
    classes, draws = values.shape[1], values.shape[2]
    y = np.asarray(years, np.int64)
    in_force = (cap.first[g][None, :] <= y[:, None]) & (cap.last[g][None, :] >= y[:, None])
    year_of, group_of = np.nonzero(in_force)  # year-major
    target = year_of * n_bands + np.searchsorted(bands, cap.readiness[g][group_of])
    order = np.argsort(target, kind="stable")
    target, group_of = target[order], group_of[order]
    supply = np.zeros((n_years * n_bands, classes, draws))
    if target.size:
        cuts = np.flatnonzero(np.diff(target, prepend=-1))
        supply[target[cuts]] = np.add.reduceat(values[group_of], cuts, axis=0)
    # (years, bands, classes, draws) → (bands, classes, years × draws)
    return np.ascontiguousarray(
        supply.reshape(n_years, n_bands, classes, draws).transpose(1, 2, 0, 3)
    ).reshape(n_bands, classes, n_years * draws)


def allocate_draws(free: np.ndarray, bands: np.ndarray, limits: Sequence[int],
                   required: Sequence[float], visible: Sequence[Sequence[int]]) -> np.ndarray:
    """§3's greedy on every draw at once. ``free`` (bands, classes, M) is consumed; lines
    come in allocation order with their readiness limit, requirement and the classes
    they may see. Returns what each line still lacks, (lines, M).

    A line draws at each readiness value, slowest acceptable first, up to what it still
    needs from what its classes hold free there, pro rata over those classes."""
    m = free.shape[2]
    lacking = np.empty((len(required), m))
    for k, (limit, need_k, classes) in enumerate(zip(limits, required, visible)):
        need = np.full(m, float(need_k))
        for j in range(int(np.searchsorted(bands, limit, side="right")) - 1, -1, -1):
            if len(classes) == 1:
                f = free[j, classes[0]]
                take = np.minimum(need, f)
                f -= take
            else:
                parts = [free[j, c] for c in classes]
                seen = parts[0] + parts[1] if len(parts) == 2 else sum(parts[1:], parts[0])
                take = np.minimum(need, seen)
                share = np.divide(take, seen, out=np.zeros(m), where=seen > 0)
                for f in parts:
                    f -= f * share
            need -= take
        lacking[k] = need
    return lacking


# Participation classes of a capability with lines of both roles: which class each role sees.
BOTH, BORDER_ONLY, DOMESTIC_ONLY = 0, 1, 2
SEES = {"border_security": (BOTH, BORDER_ONLY), "domestic_support": (BOTH, DOMESTIC_ONLY)}


def _class_values(supply: np.ndarray, takes_part: np.ndarray, roles: list[str]) -> np.ndarray:
    """Per group, its supply in each participation class: (groups, classes, draws).
    ``takes_part``: (groups, roles, draws) bool."""
    if len(roles) == 1:
        r = ROLES.index(roles[0])
        return (supply * takes_part[:, r])[:, None, :]
    border, domestic = takes_part[:, 0], takes_part[:, 1]
    return np.stack([supply * (border & domestic), supply * (border & ~domestic),
                     supply * (~border & domestic)], axis=1)


def _summary(values: np.ndarray) -> list[np.ndarray]:
    """Lower empirical quantiles over the draws (last axis) of (lines, years, draws)."""
    ordered = np.sort(values, axis=-1)
    n = values.shape[-1]
    # Copies: a view would keep the whole sorted array alive for as long as the figure.
    return [ordered[..., quantile_index(q, n)].copy() for q in QUANTILES]


def simulate(cells: pd.DataFrame, lines: pd.DataFrame, scenarios: pd.DataFrame,
             participation: pd.DataFrame, years: Sequence[int], draws: int,
             seed: int, only: Collection[str] | None = None) -> Result:
    """The Monte Carlo of §10 over every scenario, year and line (or over the scenarios
    in ``only``).

    ``cells``: :data:`CELL_COLUMNS` (see :func:`cells_from_rows`); ``lines``:
    :data:`LINE_COLUMNS` (required = quantity × rotation); ``scenarios``: scenario_id,
    invoking_state, nato_article5_concurrent; ``participation``: member_state, role,
    probability (a state or role without a row has p = 1). The result depends only on
    the content of the inputs, ``draws`` and ``seed``.

    A scenario's figures do not depend on which other scenarios are drawn with it: the
    unit draws are keyed by capability and the participation draws by scenario and
    state, so ``combine`` of runs over disjoint ``only`` sets equals the run over their
    union, byte for byte (how the Monte Carlo fans out, one scenario per process)."""
    if only is not None:
        lines = lines[lines["scenario_id"].isin(set(only))]
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    years = sorted(int(y) for y in years)
    n_years = len(years)
    unknown = set(lines["criticality"]) - set(CRITICALITY_RANK)
    if unknown:
        raise ValueError(f"unknown criticality {sorted(map(str, unknown))}")
    bad_roles = set(lines["role"]) - set(ROLES)
    if bad_roles:
        raise ValueError(f"unknown role {sorted(map(str, bad_roles))}")

    cells = cells.sort_values(CELL_COLUMNS[:9], kind="stable", na_position="first",
                              ignore_index=True)
    cells = cells[cells["capability_code"].isin(set(lines["capability_code"]))]
    state_names = sorted(set(cells["member_state"]) | set(scenarios["invoking_state"]))
    states = {s: i for i, s in enumerate(state_names)}
    p = {(r.member_state, r.role): float(r.probability) for r in participation.itertuples()}
    scenario_info = {
        r.scenario_id: (states.get(r.invoking_state, -1), bool(r.nato_article5_concurrent))
        for r in scenarios.itertuples()
    }
    lines = lines.assign(
        _rank=lines["criticality"].map(CRITICALITY_RANK), line_id=lines["line_id"].astype(str)
    ).sort_values(["capability_code", "scenario_id", "_rank", "max_readiness_days", "line_id"],
                  kind="stable", ignore_index=True)

    takes_part: dict[str, np.ndarray] = {}  # per scenario, (states, roles, draws)
    essential_met: dict[tuple[str, str], np.ndarray] = {}  # (scenario, role) → (years, draws)
    for scenario_id, role in set(zip(lines["scenario_id"], lines["role"])):
        essential_met[(scenario_id, role)] = np.ones((n_years, draws), bool)
    line_rows, capability_rows = [], []
    cell_groups = dict(tuple(cells.groupby("capability_code", sort=True)))

    codes = lines["capability_code"].to_numpy(object)
    scenario_ids = lines["scenario_id"].to_numpy(object)
    line_ids = lines["line_id"].to_numpy(object)
    line_roles = lines["role"].to_numpy(object)
    criticality = lines["criticality"].to_numpy(object)
    all_limits = lines["max_readiness_days"].to_numpy(np.int64)
    all_required = lines["required"].to_numpy(np.float64)
    # Runs of one (capability, scenario) in the sorted lines: one allocation each.
    pair = np.ones(len(lines), bool)
    pair[1:] = (codes[1:] != codes[:-1]) | (scenario_ids[1:] != scenario_ids[:-1])
    pair_starts = np.flatnonzero(pair).tolist()
    pair_ends = pair_starts[1:] + [len(lines)]

    code, cap = None, None
    for s, e in zip(pair_starts, pair_ends):
        if codes[s] != code:  # the next capability: its unit draws, once for every scenario
            code = codes[s]
            cap_cells = cell_groups.get(code)
            cap = (
                _unit_draws(cap_cells, states, draws, generator(seed, UNITS, stable_key(code)))
                if cap_cells is not None and len(cap_cells) else None
            )
        scenario_id = scenario_ids[s]
        invoking, art5 = scenario_info[scenario_id]
        roles = sorted(set(line_roles[s:e]))
        limits, required = all_limits[s:e], all_required[s:e]
        if cap is not None:
            eligible = ((cap.state == invoking) | cap.deployable) & (cap.readiness <= limits.max())
        if cap is None or not eligible.any():
            bands = np.zeros(0, np.int64)
            free = np.zeros((0, 1, n_years * draws))
        else:
            if scenario_id not in takes_part:
                takes_part[scenario_id] = _participation(
                    scenario_id, state_names, invoking, p, draws, seed
                )
            g = np.flatnonzero(eligible)
            bands = np.unique(cap.readiness[g])
            supply = (cap.free if art5 else cap.available)[g]
            values = _class_values(supply, takes_part[scenario_id][cap.state[g]], roles)
            free = _supply(cap, eligible, bands, years, values)
        visible = [(0,) if len(roles) == 1 else SEES[r] for r in line_roles[s:e]]
        lacking = allocate_draws(free, bands, limits, required, visible)
        lacking = lacking.reshape(e - s, n_years, draws)
        met = lacking <= TOLERANCE * required[:, None, None]
        shortfall = np.where(met, 0.0, lacking)
        coverage = (required[:, None, None] - shortfall) / required[:, None, None]
        p_met = met.sum(axis=2) / draws
        coverage_mean = coverage.mean(axis=2)
        low, middle, high = _summary(coverage)
        shortfall_mean = shortfall.mean(axis=2)
        total = np.zeros((n_years, draws))
        for k in range(e - s):
            total += shortfall[k]
            if criticality[s + k] == "essential":
                essential_met[(scenario_id, line_roles[s + k])] &= met[k]
            line_rows.append((scenario_id, line_ids[s + k], line_roles[s + k], code,
                              criticality[s + k], required[k], p_met[k], coverage_mean[k],
                              low[k], middle[k], high[k], shortfall_mean[k]))
        _, total_p50, total_p95 = _summary(total[None])
        capability_rows.append((scenario_id, code, met.all(axis=0).sum(axis=1) / draws,
                                total.mean(axis=1), total_p50[0], total_p95[0]))

    year_col = np.asarray(years, np.int64)
    line_frame = _expand(line_rows, ["scenario_id", "line_id", "role", "capability_code",
                                     "criticality", "required"],
                         ["p_met", "coverage_mean", "coverage_p05", "coverage_p50",
                          "coverage_p95", "shortfall_mean"], year_col)
    capability_frame = _expand(capability_rows, ["scenario_id", "capability_code"],
                               ["p_no_shortfall", "shortfall_mean", "shortfall_p50",
                                "shortfall_p95"], year_col)
    role_rows, scenario_all = [], {}
    for (scenario_id, role), met in sorted(essential_met.items()):
        role_rows.append((scenario_id, role, met.sum(axis=1) / draws))
        scenario_all[scenario_id] = scenario_all.get(scenario_id, True) & met
    role_frame = _expand(role_rows, ["scenario_id", "role"], ["p_essential_met"], year_col)
    scenario_frame = _expand(
        [(s, met.sum(axis=1) / draws) for s, met in sorted(scenario_all.items())],
        ["scenario_id"], ["p_essential_met"], year_col,
    )
    frames = (line_frame, capability_frame, role_frame, scenario_frame)
    return _ordered([f.assign(draws=np.int64(draws), seed=np.int64(seed)) for f in frames])


# The keys each figure of a Result is ordered by (the tables are written in this order).
ORDER = (["scenario_id", "year", "line_id"], ["scenario_id", "year", "capability_code"],
         ["scenario_id", "year", "role"], ["scenario_id", "year"])


def _ordered(frames: Sequence[pd.DataFrame]) -> Result:
    return Result(*(f.sort_values(keys, kind="stable", ignore_index=True)
                    for f, keys in zip(frames, ORDER, strict=True)))


def combine(results: Sequence[Result]) -> Result:
    """One Result from the Results of disjoint sets of scenarios (see ``only`` of
    :func:`simulate`), in the order :func:`simulate` gives."""
    if not results:
        raise ValueError("nothing to combine")
    fields = ("lines", "capabilities", "roles", "scenarios")
    return _ordered([pd.concat([getattr(r, name) for r in results], ignore_index=True)
                     for name in fields])


def _expand(rows: list[tuple], keys: list[str], figures: list[str],
            years: np.ndarray) -> pd.DataFrame:
    """Rows of (keys..., one array per figure over the years) → one row per key and year."""
    n = len(years)
    data = {k: np.repeat(np.asarray([r[i] for r in rows], dtype=object), n)
            for i, k in enumerate(keys)}
    data["year"] = np.tile(years, len(rows))
    for i, name in enumerate(figures):
        column = [r[len(keys) + i] for r in rows]
        data[name] = np.concatenate(column) if column else np.zeros(0)
    frame = pd.DataFrame(data, columns=keys[:1] + ["year"] + keys[1:] + figures)
    for k in keys:
        if k == "required":
            frame[k] = frame[k].astype(np.float64)
        else:
            frame[k] = frame[k].astype(str)
    return frame
