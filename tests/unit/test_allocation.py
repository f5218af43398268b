"""The reference allocation of methodology §3 and its two invariants.

The invariants are checked against an independent linear program over x[line, band],
not only against the ladder formula the module itself carries.
"""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from pipelines.lib.allocation import (
    CRITICALITIES,
    allocate,
    allocate_group,
    ladder_shortfall,
    max_total,
)

PROPERTY = settings(max_examples=200, derandomize=True, deadline=None, database=None)
# Hypothesis leans towards the first value: a middle one there gives richer examples.
DAYS = [10, 30, 5, 60, 20, 0, 2, 45, 1, 7, 15]


def drawn_by_line(draws):
    out = defaultdict(float)
    for line_id, _r, drawn in draws:
        out[line_id] += drawn
    return out


def totals_by_criticality(lines, draws):
    got = drawn_by_line(draws)
    totals = dict.fromkeys(CRITICALITIES, 0.0)
    for line_id, criticality, _d, _p in lines:
        totals[criticality] += got[line_id]
    return totals


# --- hand cases -------------------------------------------------------------------------


def test_worked_example_of_section_9():
    bands = {5: 3.0, 10: 1.0, 20: 2.0}  # FI 3 @5, PL 1 @10, SE 2 @20
    lines = [("A", "essential", 10, 2 * 3), ("B", "important", 30, 2 * 1)]

    assert allocate_group(lines, bands) == [("A", 10, 1.0), ("A", 5, 3.0), ("B", 20, 2.0)]
    got = drawn_by_line(allocate_group(lines, bands))
    assert 6 - got["A"] == 2 and 2 - got["B"] == 0
    assert ladder_shortfall(lines, bands) == 2
    assert max_total(lines, bands) == 6


def fastest_first(lines, bands):
    """The rule §3 rejects, for comparison: same order, fastest band first."""
    free = dict(bands)
    draws = []
    for line_id, _c, d, need in lines:
        for r in sorted(free):
            if r <= d and need > 0 and free[r] > 0:
                take = min(need, free[r])
                free[r] -= take
                need -= take
                draws.append((line_id, r, take))
    return draws


def test_slowest_first_keeps_fast_units_for_lines_that_need_them():
    bands = {5: 2.0, 30: 2.0}
    lines = [("slow", "essential", 30, 2.0), ("fast", "important", 10, 2.0)]

    assert allocate_group(lines, bands) == [("slow", 30, 2.0), ("fast", 5, 2.0)]
    assert ladder_shortfall(lines, bands) == 0
    # Fastest first would hand the 5-day units to the line that could wait.
    assert sum(d for *_, d in fastest_first(lines, bands)) == 2.0


def test_criticality_order_beats_readiness_order():
    bands = {5: 2.0}
    lines = [("imp", "important", 5, 2.0), ("ess", "essential", 30, 2.0)]
    assert allocate_group(lines, bands) == [("ess", 5, 2.0)]


def test_readiness_order_within_a_criticality():
    bands = {5: 2.0, 30: 1.0}
    lines = [("b", "desirable", 30, 2.0), ("a", "desirable", 5, 2.0)]
    # The tighter line goes first although its id sorts first anyway; swap ids to be sure.
    assert allocate_group(lines, bands) == [("a", 5, 2.0), ("b", 30, 1.0)]
    lines = [("a", "desirable", 30, 2.0), ("b", "desirable", 5, 2.0)]
    assert allocate_group(lines, bands) == [("b", 5, 2.0), ("a", 30, 1.0)]


def test_ties_are_broken_by_line_id_whatever_the_input_order():
    bands = {10: 3.0}
    lines = [("L2", "essential", 10, 2.0), ("L10", "essential", 10, 2.0)]
    # String comparison: "L10" < "L2".
    expected = [("L10", 10, 2.0), ("L2", 10, 1.0)]
    assert allocate_group(lines, bands) == expected
    assert allocate_group(lines[::-1], bands) == expected


def test_lines_without_eligible_supply_draw_nothing():
    assert allocate_group([("A", "essential", 3, 1.0)], {5: 9.0}) == []
    assert allocate_group([("A", "essential", 3, 1.0)], {}) == []
    assert ladder_shortfall([("A", "essential", 3, 1.0)], {5: 9.0}) == 1.0


def test_unknown_criticality_is_an_error():
    with pytest.raises(ValueError, match="criticality"):
        allocate_group([("A", "vital", 3, 1.0)], {1: 1.0})


# --- an independent linear program ------------------------------------------------------


def lexicographic_optimum(lines, bands):
    """Totals of (essential, essential+important, all) under the lexicographic rule,
    from a transportation LP over x[line, band] with r(band) ≤ D(line)."""
    readiness = sorted(bands)
    pairs = [
        (l, b) for l, line in enumerate(lines) for b, r in enumerate(readiness) if r <= line[2]
    ]
    if not pairs:
        return [0.0, 0.0, 0.0]
    a = np.zeros((len(lines) + len(readiness), len(pairs)))
    for v, (l, b) in enumerate(pairs):
        a[l, v] = 1
        a[len(lines) + b, v] = 1
    b_ub = [line[3] for line in lines] + [bands[r] for r in readiness]
    a_ub, b_ub = list(a), list(b_ub)
    totals = []
    for tier in range(3):
        gain = np.array([float(CRITICALITIES.index(lines[l][1]) <= tier) for l, _ in pairs])
        res = linprog(-gain, A_ub=np.array(a_ub), b_ub=b_ub, bounds=(0, None), method="highs")
        assert res.status == 0
        best = -res.fun
        totals.append(best)
        a_ub.append(-gain)
        b_ub.append(-(best - 1e-9 * max(1.0, best)))
    return totals


# --- properties ---------------------------------------------------------------------------

line_st = st.tuples(
    st.sampled_from(CRITICALITIES),
    st.sampled_from(DAYS),
    st.floats(0.5, 20, allow_nan=False),
)
lines_st = st.lists(line_st, min_size=1, max_size=8).map(
    lambda ls: [(f"L{k}", c, d, p) for k, (c, d, p) in enumerate(ls)]
)
bands_st = st.dictionaries(
    st.sampled_from(DAYS + [3, 12, 90]), st.floats(0.5, 25, allow_nan=False), max_size=8
)


def close(a, b, scale, rel=1e-9):
    return abs(a - b) <= rel * max(1.0, scale)


@PROPERTY
@given(lines_st, bands_st)
def test_greedy_reaches_the_ladder_bound(lines, bands):
    draws = allocate_group(lines, bands)
    got = drawn_by_line(draws)
    required = sum(p for *_, p in lines)
    shortfall = sum(p - got[line_id] for line_id, _c, _d, p in lines)
    assert close(shortfall, ladder_shortfall(lines, bands), required)
    assert close(sum(got.values()), max_total(lines, bands), required)


@PROPERTY
@given(lines_st, bands_st)
def test_criticality_first_against_an_independent_lp(lines, bands):
    totals = totals_by_criticality(lines, allocate_group(lines, bands))
    greedy = [
        totals["essential"],
        totals["essential"] + totals["important"],
        sum(totals.values()),
    ]
    # HiGHS works to ~1e-9 absolute on these sizes; the greedy is exact arithmetic.
    scale = sum(p for *_, p in lines)
    for got, best in zip(greedy, lexicographic_optimum(lines, bands)):
        assert close(got, best, scale, rel=1e-7)


@PROPERTY
@given(lines_st, bands_st)
def test_draws_respect_required_readiness_and_supply(lines, bands):
    by_id = {line[0]: line for line in lines}
    draws = allocate_group(lines, bands)
    taken = defaultdict(float)
    for line_id, r, drawn in draws:
        assert drawn > 0
        assert r in bands and r <= by_id[line_id][2]
        taken[r] += drawn
    for line_id, got in drawn_by_line(draws).items():
        assert got <= by_id[line_id][3] * (1 + 1e-12)
    for r, t in taken.items():
        assert t <= bands[r] * (1 + 1e-12)


# --- the batch form -----------------------------------------------------------------------


def random_frames(n_groups, seed=0, lines_per_group=5, bands_per_group=10):
    rng = random.Random(seed)
    lines, bands = [], []
    for g in range(n_groups):
        key = (f"S{g % 97:02d}", 2026 + g % 11, f"CAP.{g // 1067:03d}")
        for k in range(rng.randint(1, lines_per_group)):
            lines.append((*key, f"L{k}", rng.choice(CRITICALITIES), rng.choice(DAYS),
                          rng.uniform(0.5, 20)))
        if g % 13 == 0:
            continue  # some groups have no supply at all
        for r in rng.sample(DAYS + [3, 12, 90], rng.randint(1, bands_per_group)):
            bands.append((*key, r, rng.uniform(0, 25)))
    return (
        pd.DataFrame(lines, columns=["scenario_id", "year", "capability_code", "line_id",
                                     "criticality", "max_readiness_days", "required"]),
        pd.DataFrame(bands, columns=["scenario_id", "year", "capability_code",
                                     "readiness_days", "supply"]),
    )


def test_batch_matches_the_group_function():
    lines, bands = random_frames(400, seed=1)
    out = allocate(lines, bands)
    expected = []
    for key, group in lines.groupby(["scenario_id", "year", "capability_code"]):
        b = bands[(bands[["scenario_id", "year", "capability_code"]] == key).all(axis=1)]
        got = allocate_group(
            group[["line_id", "criticality", "max_readiness_days", "required"]].itertuples(
                index=False, name=None),
            dict(zip(b["readiness_days"], b["supply"])),
        )
        expected += [(*key, line_id, r, d) for line_id, r, d in got]
    expected = pd.DataFrame(expected, columns=out.columns).sort_values(
        ["scenario_id", "year", "capability_code", "line_id", "readiness_days"],
        ascending=[True, True, True, True, False], ignore_index=True)
    assert len(out) == len(expected) > 0
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)


def test_batch_output_is_typed_sorted_and_deterministic():
    lines, bands = random_frames(300, seed=2)
    out = allocate(lines, bands)
    assert list(out.columns) == ["scenario_id", "year", "capability_code", "line_id",
                                 "readiness_days", "drawn"]
    assert out["year"].dtype == np.int64
    assert out["readiness_days"].dtype == np.int64
    assert out["drawn"].dtype == np.float64
    assert pd.api.types.is_string_dtype(out["scenario_id"])
    assert pd.api.types.is_string_dtype(out["line_id"])
    assert (out["drawn"] > 0).all()
    resorted = out.sort_values(
        ["scenario_id", "year", "capability_code", "line_id", "readiness_days"],
        ascending=[True, True, True, True, False], ignore_index=True)
    pd.testing.assert_frame_equal(out, resorted)

    shuffled = allocate(lines.sample(frac=1, random_state=3), bands.sample(frac=1, random_state=4))
    assert out.to_csv(index=False) == shuffled.to_csv(index=False)
    assert out.to_csv(index=False) == allocate(lines, bands).to_csv(index=False)


def test_batch_worked_example_and_empty_inputs():
    key = {"scenario_id": "FI-X", "year": 2026, "capability_code": "BS.SURV.UAS"}
    lines = pd.DataFrame(
        [(*key.values(), "A", "essential", 10, 6.0), (*key.values(), "B", "important", 30, 2.0)],
        columns=[*key, "line_id", "criticality", "max_readiness_days", "required"],
    )
    bands = pd.DataFrame([{**key, "readiness_days": r, "supply": s}
                          for r, s in [(5, 3.0), (10, 1.0), (20, 2.0)]])
    out = allocate(lines, bands)
    assert list(out[["line_id", "readiness_days", "drawn"]].itertuples(index=False, name=None)) == [
        ("A", 10, 1.0), ("A", 5, 3.0), ("B", 20, 2.0)]

    assert allocate(lines, bands.iloc[:0]).empty
    assert allocate(lines.iloc[:0], bands).empty
