"""The build-up after an invocation (methodology §13): §3's greedy with a readiness
limit per checkpoint, no Dagster."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pipelines.lib.allocation import allocate, allocate_group, buildup, buildup_group
from tests.unit.test_allocation import PROPERTY, bands_st, lines_st, random_frames

DAYS = (0, 2, 5, 10, 20, 30, 60, 90, 180)
WORKED_LINES = [("A", "essential", 10, 6.0), ("B", "important", 30, 2.0)]
WORKED_BANDS = {5: 3.0, 10: 1.0, 20: 2.0}  # FI 3 @5, PL 1 @10, SE 2 @20


def day_met(points, required, column):
    """First checkpoint at which the column meets required (§5's tolerance), else None."""
    return next((p[0] for p in points if required - p[column] <= 1e-9 * required), None)


def test_worked_example_of_section_9():
    got = buildup_group(WORKED_LINES, WORKED_BANDS, DAYS)
    a = {d: (c, late) for d, c, late in got["A"]}
    b = {d: (c, late) for d, c, late in got["B"]}
    # Nothing is ready before day 5; by day 5 FI's 3 units, by day 10 PL's one too.
    assert [a[d] for d in (0, 2, 5, 10)] == [(0, 0), (0, 0), (3, 3), (4, 4)]
    assert [b[d] for d in (0, 2, 5, 10)] == [(0, 0)] * 4
    # Day 20: SE's 2 units arrive. Within its deadline (10) A still has 4; B takes SE's 2.
    # Were A allowed to slip, it takes SE's units first (slowest acceptable first): 6.
    assert a[20] == (4, 6) and b[20] == (2, 0)
    assert a[180] == (4, 6) and b[180] == (2, 0)
    assert day_met(got["B"], 2, 1) == 20
    assert day_met(got["A"], 6, 1) is None
    assert day_met(got["A"], 6, 2) == 20


def test_batch_worked_example_and_lines_without_supply():
    key = {"scenario_id": "FI-X", "year": 2026, "capability_code": "BS.SURV.UAS"}
    lines = pd.DataFrame(
        [(*key.values(), *line) for line in WORKED_LINES]
        + [("FI-X", 2026, "DS.CYBER.RRT", "C", "desirable", 5, 1.0)],
        columns=[*key, "line_id", "criticality", "max_readiness_days", "required"],
    )
    bands = pd.DataFrame([{**key, "readiness_days": r, "supply": s}
                          for r, s in WORKED_BANDS.items()])
    out = buildup(lines, bands, [20, 0, 20])
    assert list(out.columns) == ["scenario_id", "year", "capability_code", "line_id", "day",
                                 "covered", "covered_if_late"]
    assert list(out.itertuples(index=False, name=None)) == [
        ("FI-X", 2026, "BS.SURV.UAS", "A", 0, 0.0, 0.0),
        ("FI-X", 2026, "BS.SURV.UAS", "A", 20, 4.0, 6.0),
        ("FI-X", 2026, "BS.SURV.UAS", "B", 0, 0.0, 0.0),
        ("FI-X", 2026, "BS.SURV.UAS", "B", 20, 2.0, 0.0),
        ("FI-X", 2026, "DS.CYBER.RRT", "C", 0, 0.0, 0.0),
        ("FI-X", 2026, "DS.CYBER.RRT", "C", 20, 0.0, 0.0),
    ]
    assert out["year"].dtype == np.int64 and out["day"].dtype == np.int64
    assert buildup(lines.iloc[:0], bands, DAYS).empty


def test_a_later_line_can_use_what_an_earlier_one_leaves_as_deadlines_pass():
    # E (essential, D=30) needs 1; I (important, D=5) needs 1. Day 5: only the fast unit
    # has arrived and E takes it. Day 30: E takes the slow unit, the fast one is I's.
    got = buildup_group([("E", "essential", 30, 1.0), ("I", "important", 5, 1.0)],
                        {5: 1.0, 30: 1.0}, [5, 30])
    assert got["E"] == [(5, 1.0, 1.0), (30, 1.0, 1.0)]
    assert got["I"] == [(5, 0.0, 0.0), (30, 1.0, 1.0)]


# --- properties ---------------------------------------------------------------------------

days_st = st.lists(st.integers(0, 120), min_size=1, max_size=8)


@PROPERTY
@given(lines_st, bands_st, days_st)
def test_from_the_slowest_deadline_on_covered_is_the_allocation(lines, bands, days):
    got = buildup_group(lines, bands, days)
    allocated = defaultdict(float)
    for line_id, _r, drawn in allocate_group(lines, bands):
        allocated[line_id] += drawn
    slowest = max(d for _l, _c, d, _p in lines)
    for line_id, _c, _d, p in lines:
        for day, covered, _late in got[line_id]:
            if day >= slowest:
                assert math.isclose(covered, allocated[line_id], rel_tol=1e-12, abs_tol=1e-12)


@PROPERTY
@given(lines_st, bands_st, days_st)
def test_the_build_up_only_grows_and_slipping_never_gives_less(lines, bands, days):
    got = buildup_group(lines, bands, days)
    scale = sum(p for *_, p in lines)
    points = sorted(set(days))
    covered = [sum(got[l[0]][c][1] for l in lines) for c in range(len(points))]
    late = [sum(got[l[0]][c][2] for l in lines) for c in range(len(points))]
    for c in range(1, len(points)):
        assert covered[c] >= covered[c - 1] - 1e-9 * scale
        assert late[c] >= late[c - 1] - 1e-9 * scale
    for c in range(len(points)):
        assert late[c] >= covered[c] - 1e-9 * scale
    for line_id, _crit, _d, p in lines:
        series = got[line_id]
        for (_, _c0, l0), (_, _c1, l1) in zip(series, series[1:]):
            assert l1 >= l0 - 1e-9 * scale  # all limits equal: each line's share only grows
        for _day, c, late_ in series:
            assert -1e-12 <= c <= p * (1 + 1e-12) and -1e-12 <= late_ <= p * (1 + 1e-12)


def test_batch_matches_the_group_function_and_the_allocation():
    lines, bands = random_frames(300, seed=5)
    out = buildup(lines, bands, DAYS)
    assert len(out) == len(lines) * len(DAYS)
    expected = []
    for key, group in lines.groupby(["scenario_id", "year", "capability_code"]):
        b = bands[(bands[["scenario_id", "year", "capability_code"]] == key).all(axis=1)]
        got = buildup_group(
            group[["line_id", "criticality", "max_readiness_days", "required"]].itertuples(
                index=False, name=None),
            dict(zip(b["readiness_days"], b["supply"])),
            DAYS,
        )
        expected += [(*key, line_id, *point) for line_id, points in got.items() for point in points]
    expected = pd.DataFrame(expected, columns=out.columns).sort_values(
        ["scenario_id", "year", "capability_code", "line_id", "day"], ignore_index=True)
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)

    # At the last checkpoint (180, beyond every deadline) covered is §3's allocation.
    drawn = allocate(lines, bands).groupby(
        ["scenario_id", "year", "capability_code", "line_id"])["drawn"].sum()
    last = out[out["day"] == 180].set_index(["scenario_id", "year", "capability_code", "line_id"])
    both = last.join(drawn).fillna({"drawn": 0.0})
    assert np.allclose(both["covered"], both["drawn"], rtol=1e-12, atol=1e-12)

    shuffled = buildup(lines.sample(frac=1, random_state=1), bands.sample(frac=1, random_state=2),
                       list(reversed(DAYS)))
    assert out.to_csv(index=False) == shuffled.to_csv(index=False)
