"""Whole units to request: the fractional §3 pieces rounded to whole units, line totals kept.

Methodology §3 splits a line's draw over the member states pro rata, so a state's piece
`gap_contributions.allocated` = a(l, s) is fractional (2.4 patrol boats). A planner asks a
state for whole units. This module rounds the pieces, one group g = (scenario, year,
capability) at a time, by this rule:

1. Every piece is rounded down or up: units(l, s) is floor(a) or ceil(a). A piece within
   1e-9 of a whole number counts as that number and is not rounded.
2. Every line keeps its total: Σ_s units(l, s) is floor(A) or ceil(A), A(l) = Σ_s a(l, s),
   and it equals A rounded half up (a total within 1e-9 of a half rounds up) on as many
   lines of the group as can have it at once.
3. No state is asked for more than it gives, rounded up: Σ_l units(l, s) within g is at
   most ceil(U), U(s) = Σ_l a(l, s); U is at most what the state has free, so the
   request never exceeds its holdings by more than the rounding.
4. Among the roundings that meet 1–3 with the most lines at their rounded total, the
   pieces rounded up are those with the largest fractional parts: the sum of the
   fractional parts of the pieces rounded up is the largest (equivalently, the total
   distance |units − a| is the smallest). Fractional parts are compared to 1e-9.
5. Remaining ties go to the piece that comes first in line order (§3: criticality,
   max_readiness_days, line id), then by member-state code: it is rounded up if any
   best rounding rounds it up, then the next piece likewise, and so on. The result is
   therefore unique, and a rerun gives the same units.

Such a rounding always exists: rounding a table so that every entry, row total and
column total is rounded down or up is always possible (Bacharach 1966; Cox & Ernst's
controlled rounding), and a line with a total rounded half up is kept wherever the
state limits allow it. The choice is made exactly, not by a heuristic: the round-ups form
a flow in a bipartite network (source → line → state → sink; each line takes between
floor(A) and ceil(A) minus its rounded-down pieces, each state at most ceil(U) minus
its rounded-down pieces), whose matrix is totally unimodular. Rules 2, 4 and 5 are one
lexicographic cost in exact integers (Python's unbounded ints), minimised by successive
shortest paths. When every line can take its rounded total from its own largest
fractional parts without pushing a state over its limit, that choice is already the
optimum and no flow is run. Every answer is re-checked against rules 1–3 before it is
returned; a violation raises instead of writing a wrong table.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Sequence
from math import fsum

import numpy as np
import pandas as pd

TOLERANCE = 1e-9
SCALE = 10**9  # fractional parts compared in units of 1e-9
GROUP = ["scenario_id", "year", "capability_code"]


class RoundingError(RuntimeError):
    """A group for which no rounding meets the rules (only on inconsistent input)."""


def whole(x: float) -> int | None:
    """The whole number x counts as (within 1e-9), or None."""
    r = round(x)
    return int(r) if abs(x - r) <= TOLERANCE else None


def floor_ceil(x: float) -> tuple[int, int]:
    w = whole(x)
    return (w, w) if w is not None else (math.floor(x), math.ceil(x))


def round_half_up(x: float) -> int:
    w = whole(x)
    return w if w is not None else math.floor(x + 0.5 + TOLERANCE)


def round_group(lines: Sequence[int], states: Sequence[Hashable], values: Sequence[float]) -> list[int]:
    """Whole units for the pieces of one group, in the order given.

    `lines[i]` is piece i's line position in §3 order (smaller first), `states[i]` its
    member state, `values[i]` its a(l, s) ≥ 0. Each (line, state) appears once.
    """
    n = len(values)
    if n == 0:
        return []
    order = sorted(range(n), key=lambda i: (lines[i], states[i]))
    rank = {i: k for k, i in enumerate(order)}
    units = [0] * n
    variable = []  # pieces that are rounded down or up
    frac = {}
    for i in range(n):
        w = whole(values[i])
        if w is not None:
            units[i] = w
        else:
            units[i] = math.floor(values[i])
            frac[i] = min(max(round((values[i] - units[i]) * SCALE), 1), SCALE - 1)
            variable.append(i)

    line_keys = sorted(set(lines))
    state_keys = sorted(set(states))
    line_pieces = {l: [i for i in order if lines[i] == l] for l in line_keys}
    state_pieces = {s: [i for i in order if states[i] == s] for s in state_keys}
    low, high, target, state_cap = {}, {}, {}, {}
    for l, members in line_pieces.items():
        total = fsum(values[i] for i in members)
        base = sum(units[i] for i in members)
        lo, hi = floor_ceil(total)
        low[l], high[l], target[l] = lo - base, hi - base, round_half_up(total) - base
    for s, members in state_pieces.items():
        total = fsum(values[i] for i in members)
        state_cap[s] = floor_ceil(total)[1] - sum(units[i] for i in members)

    ups = _greedy(line_pieces, states, target, state_cap, frac, rank)
    if ups is None:
        ups = _flow(line_pieces, states, state_keys, low, high, target, state_cap, frac, rank)
    for i in ups:
        units[i] += 1
    _verify(lines, states, values, units)
    return units


def _greedy(line_pieces, states, target, state_cap, frac, rank) -> set[int] | None:
    """Each line rounds up its own largest fractional parts to reach its rounded total.
    That is the optimum whenever no state goes over its limit; else None."""
    ups: set[int] = set()
    for l, members in line_pieces.items():
        candidates = sorted((i for i in members if i in frac), key=lambda i: (-frac[i], rank[i]))
        if not 0 <= target[l] <= len(candidates):
            return None
        ups.update(candidates[: target[l]])
    load: dict = {}
    for i in ups:
        load[states[i]] = load.get(states[i], 0) + 1
    return ups if all(c <= state_cap[s] for s, c in load.items()) else None


def _flow(line_pieces, states, state_keys, low, high, target, state_cap, frac, rank) -> set[int]:
    """The exact choice of round-ups: a min-cost flow with one lexicographic integer cost.

    Source → line l: `low[l]` units that must flow (cost −M), and, when the line's
    rounded total is its ceiling, one more unit (cost −B1: a line at its rounded total).
    Line → state: one unit per piece that can be rounded up (cost −(B2 × fractional
    part in 1e-9 + 2^(n−1−rank)): larger parts first, then earlier pieces). State → sink:
    at most `state_cap[s]`. M > B1 > B2 are chosen so that each level outweighs every
    level below it, so the least cost is the lexicographic optimum of rules 2, 4, 5.
    """
    n = len(rank)
    tie = {i: 1 << (n - 1 - rank[i]) for i in frac}
    b2 = 1 << n
    b1 = (len(frac) * SCALE + 1) * b2
    big = (len(line_pieces) + 2) * b1

    graph: list[list[list]] = []

    def node() -> int:
        graph.append([])
        return len(graph) - 1

    def edge(u: int, v: int, cap: int, cost: int) -> list:
        forward = [v, cap, cost, None]
        backward = [u, 0, -cost, forward]
        forward[3] = backward
        graph[u].append(forward)
        graph[v].append(backward)
        return forward

    source, sink = node(), node()
    state_node = {s: node() for s in state_keys}
    for s in state_keys:
        if state_cap[s] < 0:
            raise RoundingError(f"state {s!r}: its whole pieces already exceed its rounded-up total")
        edge(state_node[s], sink, state_cap[s], 0)
    piece_edge = {}
    for l, members in line_pieces.items():
        if low[l] < 0 or high[l] < low[l]:
            raise RoundingError(f"line {l!r}: inconsistent bounds {low[l]}..{high[l]}")
        v = node()
        edge(source, v, low[l], -big)
        if target[l] == high[l] > low[l]:
            edge(source, v, 1, -b1)
        for i in members:
            if i in frac:
                piece_edge[i] = edge(v, state_node[states[i]], 1, -(b2 * frac[i] + tie[i]))

    while True:
        path = _cheapest_path(graph, source, sink)
        if path is None:
            break
        for e in path:
            e[1] -= 1
            e[3][1] += 1
    return {i for i, e in piece_edge.items() if e[1] == 0}


def _cheapest_path(graph, source: int, sink: int) -> list | None:
    """The cheapest source → sink path in the residual graph if it costs < 0 (Bellman-Ford
    with a queue; the residual graph of a min-cost flow has no negative cycle)."""
    dist: list[int | None] = [None] * len(graph)
    via: list = [None] * len(graph)
    dist[source] = 0
    queue, queued = deque([source]), [False] * len(graph)
    queued[source] = True
    while queue:
        u = queue.popleft()
        queued[u] = False
        for e in graph[u]:
            v, cap, cost = e[0], e[1], e[2]
            if cap > 0 and (dist[v] is None or dist[u] + cost < dist[v]):
                dist[v] = dist[u] + cost
                via[v] = (u, e)
                if not queued[v]:
                    queued[v] = True
                    queue.append(v)
    if dist[sink] is None or dist[sink] >= 0:
        return None
    path, v = [], sink
    while v != source:
        u, e = via[v]
        path.append(e)
        v = u
    return path


def _verify(lines, states, values, units) -> None:
    """Rules 1–3 on the answer, from the pieces themselves."""
    for i, (a, u) in enumerate(zip(values, units)):
        if u not in floor_ceil(a):
            raise RoundingError(f"piece {lines[i]!r}/{states[i]!r}: {u} units for {a}")
    for key, bound in ((lines, "line"), (states, "state")):
        totals: dict = {}
        for k, a, u in zip(key, values, units):
            totals.setdefault(k, ([], 0))
            pieces, count = totals[k]
            pieces.append(a)
            totals[k] = (pieces, count + u)
        for k, (pieces, count) in totals.items():
            lo, hi = floor_ceil(fsum(pieces))
            if count > hi or (bound == "line" and count < lo):
                raise RoundingError(f"{bound} {k!r}: {count} units for {fsum(pieces)}")


def unit_requests(pieces: pd.DataFrame) -> np.ndarray:
    """Whole units for every row of `pieces` (columns scenario_id, year, capability_code,
    line_order, member_state, allocated), aligned with its rows."""
    units = np.zeros(len(pieces), dtype=np.int64)
    if pieces.empty:
        return units
    # One sort and plain lists, not a DataFrame per group: at 200 scenarios there are
    # ~10^5 groups, and pandas' per-group overhead was most of this step. A stable sort
    # keeps each group's rows in their order, so every group sees what groupby gave it.
    group_of = pieces.groupby(GROUP, sort=True).ngroup().to_numpy()
    order = np.argsort(group_of, kind="stable")
    starts = np.flatnonzero(np.diff(group_of[order], prepend=-1))
    ends = np.append(starts[1:], len(order))
    lines = pieces["line_order"].to_numpy()[order].tolist()
    states = pieces["member_state"].to_numpy()[order].tolist()
    values = pieces["allocated"].astype(float).to_numpy()[order].tolist()
    for start, end in zip(starts.tolist(), ends.tolist()):
        units[order[start:end]] = round_group(lines[start:end], states[start:end],
                                              values[start:end])
    return units
