"""The Monte Carlo of methodology §10 (lib/monte_carlo.py), without Dagster.

Exact cases are worked out by hand; an estimate from N draws must lie within 4 standard
errors, sqrt(p (1 − p) / N), of the exact value (for a mean of values in [0, 1] the
standard error is at most 0.5 / sqrt(N)).
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipelines.lib import allocation
from pipelines.lib import monte_carlo as mc

N = 20_000
BS, DS = "border_security", "domestic_support"


def row(state, quantity, readiness=5, availability=1.0, capability="C", deployable=True,
        nato=0.0, first=None, last=None) -> dict:
    return dict(capability_code=capability, member_state=state, readiness_days=readiness,
                deployable_abroad=deployable, available_from=first, available_until=last,
                availability=availability, nato_committed=nato, quantity=float(quantity))


def line(line_id, required, days=10, role=BS, criticality="essential", capability="C",
         scenario="S") -> dict:
    return dict(scenario_id=scenario, line_id=line_id, role=role, capability_code=capability,
                criticality=criticality, max_readiness_days=days, required=float(required))


def run(rows, lines, participation=(), invoking="FI", art5=False, draws=N, seed=42,
        years=(2026,), scenarios=None, only=None) -> mc.Result:
    rows = pd.DataFrame(rows)
    rows["available_from"] = rows["available_from"].astype("Int64")
    rows["available_until"] = rows["available_until"].astype("Int64")
    lines = pd.DataFrame(lines)
    scenarios = scenarios or [(s, invoking, art5) for s in sorted(set(lines["scenario_id"]))]
    scenarios = pd.DataFrame(scenarios, columns=["scenario_id", "invoking_state",
                                                 "nato_article5_concurrent"])
    participation = pd.DataFrame(list(participation),
                                 columns=["member_state", "role", "probability"])
    return mc.simulate(mc.cells_from_rows(rows), lines, scenarios, participation, years,
                       draws, seed, only=only)


def p_met(result: mc.Result, line_id="L1", scenario="S", year=2026) -> float:
    lines = result.lines
    hit = lines[(lines.line_id == line_id) & (lines.scenario_id == scenario) & (lines.year == year)]
    return float(hit.p_met.iloc[0])


def assert_close(estimate: float, exact: float, draws: int = N) -> None:
    se = max(math.sqrt(exact * (1 - exact) / draws), 0.5 / math.sqrt(draws) / 10)
    assert abs(estimate - exact) <= 4 * se, (estimate, exact, se)


# --- exact cases ------------------------------------------------------------------------


def test_four_units_at_availability_one_half_against_three():
    # P(Binomial(4, 0.5) ≥ 3) = (4 + 1) / 16
    result = run([row("FI", 4, availability=0.5)], [line("L1", 3)])
    assert_close(p_met(result), 5 / 16)
    # E[min(A, 3)] / 3 = (0·1 + 1·4 + 2·6 + 3·5) / 16 / 3
    assert_close(result.lines.coverage_mean.iloc[0], (4 + 12 + 15) / 16 / 3)


def test_a_state_with_participation_0_3_whose_units_are_the_only_eligible_ones():
    result = run([row("SE", 2), row("FI", 5, deployable=False, readiness=30)],
                 [line("L1", 2)], participation=[("SE", BS, 0.3)])
    assert_close(p_met(result), 0.3)
    assert_close(result.lines.shortfall_mean.iloc[0] / 2, 0.7)
    # The same state's estimate for the other role does not matter to this line.
    other = run([row("SE", 2)], [line("L1", 2)], participation=[("SE", DS, 0.3)])
    assert p_met(other) == 1.0


def test_the_invoking_state_always_acts_for_itself():
    result = run([row("FI", 2)], [line("L1", 2)], participation=[("FI", BS, 0.0)])
    assert p_met(result) == 1.0


def test_a_fractional_quantity_2_5_at_availability_0_8():
    # A = Binomial(2, 0.8) + 0.5 × Bernoulli(0.8); E[A] = 2.5 × 0.8
    result = run([row("FI", 2.5, availability=0.8)],
                 [line("L1", 2.5), line("L2", 2, scenario="T")])
    assert_close(p_met(result), 0.8**3)  # A = 2.5 needs all three
    assert_close(result.lines.coverage_mean.iloc[0], 0.8)
    assert_close(p_met(result, "L2", scenario="T"), 0.8**2)  # A ≥ 2 needs both whole units


def test_a_line_two_states_can_fill_where_one_participates_with_one_half():
    # Met unless FR stays away (0.5) and DE has fewer than 2 of 2 available (0.75).
    result = run([row("DE", 2, availability=0.5), row("FR", 2)], [line("L1", 2)],
                 participation=[("FR", BS, 0.5)])
    assert_close(p_met(result), 1 - 0.5 * 0.75)


def test_nato_share_is_discounted_only_when_article_5_runs_too():
    rows = [row("PL", 4, nato=0.5)]
    assert p_met(run(rows, [line("L1", 3)])) == 1.0
    assert p_met(run(rows, [line("L1", 3)], art5=True)) == 0.0


def test_a_row_counts_only_in_the_years_it_is_in_force():
    result = run([row("FI", 2, first=2027)], [line("L1", 2)], years=(2026, 2027))
    assert list(result.lines.sort_values("year").p_met) == [0.0, 1.0]


def test_common_random_numbers_one_unit_draw_for_every_scenario_and_year():
    result = run([row("FI", 3, availability=0.5)],
                 [line("L1", 2, scenario="S"), line("L1", 2, scenario="T")], years=(2026, 2027))
    assert result.lines.p_met.nunique() == 1
    assert result.lines.coverage_p50.nunique() == 1


# --- the both-roles rule -------------------------------------------------------------------


def test_a_line_draws_pro_rata_only_from_the_rows_it_may_see():
    # SE takes part in domestic support only; PL in both. The domestic line comes first
    # (essential) and sees SE 2 + PL 2 at readiness 5: it takes 1 from each. The border
    # line then sees only what is left of PL: 1 of its 2.
    rows = [row("SE", 2), row("PL", 2)]
    lines = [line("L1", 2, role=DS, criticality="essential"),
             line("L2", 2, role=BS, criticality="important")]
    result = run(rows, lines, participation=[("SE", BS, 0.0)], draws=50)
    by_line = result.lines.set_index("line_id")
    assert by_line.loc["L1", "p_met"] == 1.0
    assert by_line.loc["L2", "coverage_p50"] == pytest.approx(0.5)
    assert by_line.loc["L2", "p_met"] == 0.0
    # What a line cannot see stays free for the lines after it.
    lines = [line("L1", 2, role=BS, criticality="essential"),
             line("L2", 2, role=DS, criticality="important")]
    result = run(rows, lines, participation=[("SE", BS, 0.0)], draws=50)
    assert list(result.lines.p_met) == [1.0, 1.0]


def reference(rows: pd.DataFrame, lines: pd.DataFrame, invoking: str,
              takes_part: dict[tuple[str, str], bool]) -> dict[str, float]:
    """§10 step 4 row by row for one draw with certain units: the oracle for the
    participation classes. Lines in §3 order; each draws at each readiness value, slowest
    acceptable first, pro rata over the rows it may see."""
    free = {i: r.quantity for i, r in rows.iterrows()
            if r.member_state == invoking or r.deployable_abroad}
    out = {}
    order = lines.assign(rank=lines.criticality.map(allocation.CRITICALITY_RANK)).sort_values(
        ["rank", "max_readiness_days", "line_id"])
    for ln in order.itertuples():
        need = ln.required
        sees = [i for i in free if rows.loc[i, "readiness_days"] <= ln.max_readiness_days
                and (rows.loc[i, "member_state"] == invoking
                     or takes_part[(rows.loc[i, "member_state"], ln.role)])]
        for r in sorted({rows.loc[i, "readiness_days"] for i in sees}, reverse=True):
            band = [i for i in sees if rows.loc[i, "readiness_days"] == r]
            have = sum(free[i] for i in band)
            take = min(need, have)
            for i in band:
                free[i] -= take * free[i] / have if have > 0 else 0
            need -= take
        out[ln.line_id] = ln.required - need
    return out


@pytest.mark.parametrize("case", range(25))
def test_participation_classes_equal_a_row_by_row_allocation(case):
    rng = np.random.default_rng(case)
    states = ["AT", "BE", "DE", "FI", "FR", "PL", "SE"]
    rows = [row(str(rng.choice(states)), int(rng.integers(1, 5)),
                readiness=int(rng.choice([2, 5, 10, 30])), deployable=bool(rng.random() < 0.8))
            for _ in range(int(rng.integers(3, 12)))]
    lines = [line(f"L{k}", int(rng.integers(1, 6)), days=int(rng.choice([2, 5, 10, 30])),
                  role=str(rng.choice([BS, DS])),
                  criticality=str(rng.choice(allocation.CRITICALITIES)))
             for k in range(int(rng.integers(1, 6)))]
    takes_part = {(s, r): bool(rng.random() < 0.6) for s in states for r in (BS, DS)}
    participation = [(s, r, 1.0 if v else 0.0) for (s, r), v in takes_part.items()]
    result = run(rows, lines, participation=participation, draws=3)
    expected = reference(pd.DataFrame(rows), pd.DataFrame(lines), "FI", takes_part)
    for ln in result.lines.itertuples():
        allocated = ln.required * ln.coverage_mean
        assert allocated == pytest.approx(expected[ln.line_id], abs=1e-9), ln.line_id
        assert ln.coverage_p05 == ln.coverage_p95


def test_with_everything_certain_the_draws_are_the_deterministic_allocation():
    rng = np.random.default_rng(7)
    rows = [row(str(rng.choice(["DE", "FI", "FR", "SE"])), float(rng.integers(1, 6)) + 0.5,
                readiness=int(rng.choice([2, 5, 10, 30])), deployable=bool(rng.random() < 0.7),
                nato=float(rng.choice([0, 0.5])))
            for _ in range(30)]
    lines = [line(f"L{k}", int(rng.integers(1, 12)), days=int(rng.choice([2, 5, 10, 30])),
                  role=str(rng.choice([BS, DS])),
                  criticality=str(rng.choice(allocation.CRITICALITIES)))
             for k in range(8)]
    result = run(rows, lines, art5=True, draws=5)
    frame = pd.DataFrame(rows)
    eligible = frame[(frame.member_state == "FI") | frame.deployable_abroad]
    bands = (eligible.quantity * (1 - eligible.nato_committed)).groupby(
        eligible.readiness_days).sum().to_dict()
    drawn = allocation.allocate_group(
        [(l["line_id"], l["criticality"], l["max_readiness_days"], l["required"]) for l in lines],
        bands)
    expected = {l["line_id"]: 0.0 for l in lines}
    for line_id, _r, d in drawn:
        expected[line_id] += d
    for ln in result.lines.itertuples():
        assert ln.required * ln.coverage_mean == pytest.approx(expected[ln.line_id], rel=1e-12)
        met = ln.required - expected[ln.line_id] <= 1e-9 * ln.required
        assert ln.p_met == (1.0 if met else 0.0)


# --- figures, quantiles, determinism --------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 7, 19, 20, 21, 999, 1000, 1001])
def test_quantiles_are_duckdbs_quantile_disc(n):
    values = [int(v) for v in np.random.default_rng(n).permutation(n)]
    with duckdb.connect() as con:
        expected = con.execute(
            "SELECT quantile_disc(x, 0.05), quantile_disc(x, 0.5), quantile_disc(x, 0.95) "
            "FROM unnest($v) t(x)", {"v": values}).fetchone()
    ordered = sorted(values)
    assert tuple(ordered[mc.quantile_index(q, n)] for q in mc.QUANTILES) == expected


def test_capability_and_role_figures():
    # Two lines of one capability: an essential one that is certain, an important one
    # that is met only when the unit at availability 0.5 is there.
    rows = [row("FI", 2), row("FI", 1, availability=0.5, readiness=20)]
    lines = [line("L1", 2, criticality="essential"),
             line("L2", 1, days=30, criticality="important", role=DS)]
    result = run(rows, lines)
    cap = result.capabilities.iloc[0]
    assert_close(cap.p_no_shortfall, 0.5)
    assert_close(cap.shortfall_mean, 0.5)
    assert cap.shortfall_p50 in (0.0, 1.0) and cap.shortfall_p95 == 1.0
    roles = result.roles.set_index("role").p_essential_met
    assert roles[BS] == 1.0 and roles[DS] == 1.0  # the role without essential lines: 1
    assert list(result.scenarios.p_essential_met) == [1.0]


def test_the_same_seed_gives_byte_identical_tables_whatever_the_input_order():
    rows = [row(s, q, availability=a, readiness=r)
            for s, q, a, r in [("DE", 3, 0.7, 5), ("FR", 2.5, 0.6, 10), ("SE", 4, 0.9, 2),
                               ("FI", 1, 0.5, 5)]]
    lines = [line("L1", 3), line("L2", 2, days=5, role=DS, criticality="important"),
             line("L1", 4, scenario="T")]
    participation = [("DE", BS, 0.8), ("SE", DS, 0.4)]
    one = run(rows, lines, participation, draws=2000)
    two = run(rows[::-1], lines[::-1], participation[::-1], draws=2000)
    for a, b in zip(vars(one).values(), vars(two).values()):
        assert a.to_csv() == b.to_csv()
    other = run(rows, lines, participation, draws=2000, seed=7)
    assert not one.lines.p_met.equals(other.lines.p_met)
    tolerance = 4 * 0.5 / math.sqrt(2000) * math.sqrt(2)  # two independent estimates
    assert (one.lines.p_met - other.lines.p_met).abs().max() <= tolerance
    assert (one.lines.coverage_mean - other.lines.coverage_mean).abs().max() <= tolerance


def test_adding_a_scenario_does_not_change_another_scenarios_draws():
    rows = [row("DE", 3, availability=0.7), row("FR", 2, availability=0.6)]
    base = [line("L1", 3, scenario="S")]
    alone = run(rows, base, [("FR", BS, 0.5)], draws=500)
    more = run(rows, base + [line("L1", 2, scenario="A"), line("L9", 1, capability="D",
                                                                scenario="S")],
               [("FR", BS, 0.5)], draws=500)
    s_alone = alone.lines[alone.lines.line_id == "L1"].reset_index(drop=True)
    s_more = more.lines[(more.lines.scenario_id == "S") & (more.lines.line_id == "L1")]
    pd.testing.assert_frame_equal(s_alone, s_more.reset_index(drop=True))


def test_a_line_without_any_supply_is_never_met():
    result = run([row("FI", 2, capability="D")], [line("L1", 2)])
    assert p_met(result) == 0.0
    assert result.lines.shortfall_mean.iloc[0] == 2.0


def test_scenario_by_scenario_gives_exactly_the_run_over_all_scenarios():
    """The fan-out (one scenario per partition, methodology §10) rests on this: a
    scenario's figures do not depend on which scenarios are drawn with it, even where
    they share a capability (common unit draws), invoke different states (a state only
    one scenario's cells or invoker names) or run under Art. 5."""
    rng = np.random.default_rng(11)
    states = ["DE", "FI", "FR", "PL", "SE"]
    rows = [row(str(rng.choice(states)), float(rng.integers(0, 6)) + float(rng.choice([0, 0.5])),
                readiness=int(rng.choice([2, 5, 10, 30])),
                availability=float(rng.choice([0.5, 0.8, 1.0])),
                capability=str(rng.choice(["C", "D", "E"])), deployable=bool(rng.random() < 0.7),
                nato=float(rng.choice([0, 0.5])), last=rng.choice([None, 2026]))
            for _ in range(60)]
    lines = [line(f"L{k}", int(rng.integers(1, 10)), days=int(rng.choice([2, 5, 10, 30])),
                  role=str(rng.choice([BS, DS])), capability=str(rng.choice(["C", "D", "E"])),
                  criticality=str(rng.choice(allocation.CRITICALITIES)), scenario=s)
             for s in ("S1", "S2", "S3", "S4") for k in range(5)]
    scenarios = [("S1", "FI", True), ("S2", "PL", False), ("S3", "LU", False),
                 ("S4", "FI", False), ("S5", "SE", False)]  # LU has no units, S5 no lines
    participation = [("SE", BS, 0.6), ("PL", DS, 0.3), ("DE", BS, 0.9)]
    whole = run(rows, lines, participation, draws=300, years=(2026, 2027), scenarios=scenarios)
    parts = [run(rows, lines, participation, draws=300, years=(2026, 2027),
                 scenarios=scenarios, only=[s]) for s in ("S3", "S1", "S5", "S4", "S2")]
    combined = mc.combine(parts)
    for name in ("lines", "capabilities", "roles", "scenarios"):
        pd.testing.assert_frame_equal(getattr(combined, name), getattr(whole, name),
                                      check_exact=True)
    assert len(parts[2].lines) == 0  # a scenario without lines: nothing, not an error
    assert ((whole.lines.p_met > 0) & (whole.lines.p_met < 1)).any()
