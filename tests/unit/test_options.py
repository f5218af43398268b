"""The option choice of methodology §11 (pipelines/lib/options.py).

The MILP is held to a brute-force oracle: every subset of a small catalogue, each
evaluated with the engine's own allocation (``allocation.allocate_group``), and §11's
tie-breaks applied literally (least W, then within 1e-9 × W(∅) + 1e-9 the least cost,
then the fewest options, then the smallest sorted list of ids).
"""

from __future__ import annotations

import random
from itertools import combinations
from math import fsum

import pandas as pd
import pytest

from pipelines.lib.allocation import allocate_group
from pipelines.lib.options import (
    WEIGHTS,
    OptionProblem,
    cost_tolerance,
    w_tolerance,
)

GROUP = ["scenario_id", "year", "capability_code"]


def line(s, y, c, lid, crit, d, p, like):
    return dict(scenario_id=s, year=y, capability_code=c, line_id=lid, criticality=crit,
                max_readiness_days=d, required=p, likelihood=like)


def band(s, y, c, r, supply):
    return dict(scenario_id=s, year=y, capability_code=c, readiness_days=r, supply=supply)


def osupply(o, s, y, c, r, supply):
    return dict(option_id=o, **band(s, y, c, r, supply))


def frames(lines, bands, osup, costs):
    return (
        pd.DataFrame(lines, columns=list(line(*[None] * 8))),
        pd.DataFrame(bands, columns=list(band(*[None] * 5))),
        pd.DataFrame(osup, columns=list(osupply(*[None] * 6))),
        pd.DataFrame({"option_id": list(costs), "cost_meur": list(costs.values())}),
    )


# --- the oracle ---------------------------------------------------------------------------


def oracle(lines, bands, osup, costs, budget, excludes=(), requires=()):
    """(chosen ids, W, ties seen at cost / count / ids) by trying every subset."""
    groups = {}
    for l in lines:
        g = (l["scenario_id"], l["year"], l["capability_code"])
        groups.setdefault(g, []).append(l)

    def w_of(chosen):
        supply = {g: {} for g in groups}
        for b in bands + [o for o in osup if o["option_id"] in chosen]:
            g = (b["scenario_id"], b["year"], b["capability_code"])
            if g in supply:
                supply[g][b["readiness_days"]] = supply[g].get(b["readiness_days"], 0.0) + b["supply"]
        parts = []
        for g, ls in groups.items():
            drawn = {}
            for lid, _r, d in allocate_group(
                [(l["line_id"], l["criticality"], l["max_readiness_days"], l["required"])
                 for l in ls], supply[g]
            ):
                drawn[lid] = drawn.get(lid, 0.0) + d
            for l in ls:
                short = l["required"] - drawn.get(l["line_id"], 0.0)
                parts.append(l["likelihood"] * WEIGHTS[l["criticality"]] * short)
        return fsum(parts)

    ids = sorted(costs)
    feasible = []
    for k in range(len(ids) + 1):
        for subset in combinations(ids, k):
            chosen = set(subset)
            if fsum(costs[o] for o in subset) > budget:
                continue
            if any(a in chosen and b in chosen for a, b in excludes):
                continue
            if any(a in chosen and b not in chosen for a, b in requires):
                continue
            feasible.append((subset, w_of(chosen), fsum(costs[o] for o in subset)))
    w_none = w_of(set())
    w_min = min(w for _s, w, _c in feasible)
    tie_w = [f for f in feasible if f[1] <= w_min + w_tolerance(w_none)]
    c_min = min(c for _s, _w, c in tie_w)
    tie_c = [f for f in tie_w if f[2] <= c_min + cost_tolerance(costs.values())]
    n_min = min(len(s) for s, _w, _c in tie_c)
    tie_n = [f for f in tie_c if len(f[0]) == n_min]
    best = min(tie_n, key=lambda f: list(f[0]))
    ties = (len({f[0] for f in tie_w}) > 1, len(tie_c) > 1, len(tie_n) > 1)
    return best[0], best[1], ties


def random_problem(rng: random.Random):
    scenarios = {f"S{k}": rng.choice([0.3, 0.5, 1.0]) for k in range(rng.randint(1, 2))}
    years = [2026, 2027][: rng.randint(1, 2)]
    caps = ["CAP.A", "CAP.B"][: rng.randint(1, 2)]
    lines, bands = [], []
    for s, like in scenarios.items():
        for y in years:
            for c in caps:
                for k in range(rng.randint(1, 3)):
                    lines.append(line(s, y, c, f"L{k}", rng.choice(list(WEIGHTS)),
                                      rng.choice([5, 10, 30]), rng.choice([1, 2, 3, 4]), like))
                for _ in range(rng.randint(0, 2)):
                    bands.append(band(s, y, c, rng.choice([2, 5, 10, 20, 40]),
                                      rng.choice([0.5, 1.0, 2.0])))
    groups = sorted({(l["scenario_id"], l["year"], l["capability_code"]) for l in lines})
    n = rng.randint(3, 9)
    osup, costs = [], {}
    for k in range(n):
        o = f"OPT-{k:02d}"
        costs[o] = float(rng.choice([0, 1, 2, 3, 5]))
        earlier = [p for p in costs if p != o]
        if earlier and rng.random() < 0.25:  # a twin of an earlier option: ties on ids
            twin = rng.choice(earlier)
            osup += [dict(r, option_id=o) for r in osup if r["option_id"] == twin]
            costs[o] = costs[twin] if rng.random() < 0.7 else costs[o]
            continue
        for g in rng.sample(groups, rng.randint(0, min(3, len(groups)))):
            osup.append(osupply(o, *g, rng.choice([2, 5, 10, 20, 40]),
                                rng.choice([0.5, 1.0, 2.0, 3.0])))
    ids = sorted(costs)
    excludes = [tuple(rng.sample(ids, 2)) for _ in range(rng.randint(0, 2))]
    requires = [tuple(rng.sample(ids, 2)) for _ in range(rng.randint(0, 2))]
    budget = float(rng.choice([0, 2, 4, 7, 100]))
    return lines, bands, osup, costs, budget, excludes, requires


def test_milp_agrees_with_brute_force_on_random_problems():
    rng = random.Random(20260611)
    seen_ties = [0, 0, 0]
    alone = {True: 0, False: 0}
    for _case in range(200):
        lines, bands, osup, costs, budget, excludes, requires = random_problem(rng)
        expected, w_expected, ties = oracle(lines, bands, osup, costs, budget, excludes, requires)
        problem = OptionProblem(*frames(lines, bands, osup, costs), excludes, requires)
        choice = problem.choose(budget)
        assert choice.option_ids == tuple(expected), (lines, bands, osup, costs, budget,
                                                      excludes, requires)
        assert choice.weighted_shortfall == pytest.approx(w_expected, rel=1e-9, abs=1e-9)
        assert choice.milp_objective == pytest.approx(choice.weighted_shortfall,
                                                      rel=1e-6, abs=1e-9)
        seen_ties = [a + b for a, b in zip(seen_ties, ties)]
        alone[choice.stages["alone"]] += 1
    # The random problems do exercise each tie-break, and both ways to the answer: the
    # least-W set alone in the band at its cost, and the tie-breaks of stages 2-4.
    assert all(t >= 5 for t in seen_ties), seen_ties
    assert min(alone.values()) >= 20, alone


# --- hand cases -----------------------------------------------------------------------------


def two_scenarios():
    lines = [
        line("HOME", 2026, "CAP", "E", "essential", 10, 4, 1.0),
        line("HOME", 2026, "CAP", "D", "desirable", 30, 2, 1.0),
        line("AWAY", 2026, "CAP", "E", "essential", 10, 4, 0.5),
    ]
    bands = [band("HOME", 2026, "CAP", 5, 2), band("AWAY", 2026, "CAP", 5, 1)]
    return lines, bands


def test_option_after_the_horizon_changes_nothing_and_is_not_chosen_even_free():
    lines, bands = two_scenarios()
    # LATE is in service only after the horizon: the caller's §2 gives it no supply.
    osup = [osupply("HELP", "HOME", 2026, "CAP", 5, 1)]
    costs = {"HELP": 3.0, "LATE": 0.0}
    p = OptionProblem(*frames(lines, bands, osup, costs))
    assert p.evaluate(["LATE"]) == p.w_none
    for budget in (0.0, 2.0, 10.0):
        assert "LATE" not in p.choose(budget).option_ids
    assert p.choose(10.0).option_ids == ("HELP",)
    assert p.choose(0.0).option_ids == ()


def test_option_eligible_for_one_scenario_helps_only_that_one():
    lines, bands = two_scenarios()
    # Not deployable abroad: the caller's §2 puts its supply on the home scenario only.
    osup = [osupply("HOMEONLY", "HOME", 2026, "CAP", 10, 5)]
    costs = {"HOMEONLY": 1.0}
    p = OptionProblem(*frames(lines, bands, osup, costs))
    choice = p.choose(5.0)
    assert choice.option_ids == ("HOMEONLY",)
    eff = p.effects(choice.option_ids).set_index("scenario_id")
    assert eff.loc["HOME", "shortfall_before"] == 4.0
    assert eff.loc["HOME", "shortfall_after"] == 0.0
    assert eff.loc["AWAY", "shortfall_after"] == eff.loc["AWAY", "shortfall_before"] == 3.0
    assert choice.weighted_shortfall == pytest.approx(0.5 * 100 * 3)


def test_two_options_that_exclude_each_other():
    lines, bands = two_scenarios()
    osup = [osupply("BIG", "HOME", 2026, "CAP", 10, 2), osupply("BIG", "AWAY", 2026, "CAP", 10, 3),
            osupply("SMALL", "HOME", 2026, "CAP", 10, 2)]
    costs = {"BIG": 2.0, "SMALL": 1.0}
    both = OptionProblem(*frames(lines, bands, osup, costs))
    assert both.choose(10.0).option_ids == ("BIG", "SMALL")
    p = OptionProblem(*frames(lines, bands, osup, costs), excludes=[("SMALL", "BIG")])
    choice = p.choose(10.0)
    assert choice.option_ids == ("BIG",)
    assert p.choose(1.0).option_ids == ("SMALL",)


def test_requires_chain_whose_head_is_too_expensive():
    lines, bands = two_scenarios()
    osup = [osupply("A", "HOME", 2026, "CAP", 5, 2), osupply("C", "HOME", 2026, "CAP", 30, 2),
            osupply("X", "HOME", 2026, "CAP", 5, 1)]
    costs = {"A": 1.0, "B": 1.0, "C": 50.0, "X": 2.0}
    req = [("A", "B"), ("B", "C")]
    p = OptionProblem(*frames(lines, bands, osup, costs), requires=req)
    # A alone would be best, but it needs B, which needs C, which the budget cannot pay.
    assert p.choose(10.0).option_ids == ("X",)
    assert p.choose(52.0).option_ids == ("A", "B", "C")
    assert p.choose(51.0).option_ids == ("X",)


def test_budget_zero_takes_only_free_options_that_help():
    lines, bands = two_scenarios()
    osup = [osupply("FREE", "AWAY", 2026, "CAP", 5, 1), osupply("PAID", "HOME", 2026, "CAP", 5, 2),
            osupply("FREE-NOTHING", "HOME", 2026, "CAP", 60, 9)]  # too slow for every line
    costs = {"FREE": 0.0, "PAID": 0.5, "FREE-NOTHING": 0.0, "FREE-EMPTY": 0.0}
    p = OptionProblem(*frames(lines, bands, osup, costs))
    choice = p.choose(0.0)
    assert choice.option_ids == ("FREE",)
    assert choice.cost_meur == 0.0


def test_frontier_never_rises_and_evaluate_equals_the_milp():
    rng = random.Random(7)
    for _ in range(5):
        lines, bands, osup, costs, _b, excludes, requires = random_problem(rng)
        p = OptionProblem(*frames(lines, bands, osup, costs), excludes, requires)
        front = p.frontier([0, 1, 2, 3, 5, 8, 13, 100])
        w = front["weighted_shortfall"].tolist()
        assert all(b <= a + w_tolerance(p.w_none) for a, b in zip(w, w[1:]))
        assert (front["cost_meur"] <= front["budget_meur"]).all()
        assert (front["weighted_shortfall_none"] == p.w_none).all()
        for ids in front["option_ids"]:
            chosen = [o for o in ids.split(";") if o]
            assert p.evaluate(chosen) == pytest.approx(p.model_w(chosen), rel=1e-6, abs=1e-9)


def test_cost_ties_count_ties_and_id_ties():
    lines, bands = two_scenarios()
    osup = [osupply("B-TWIN", "HOME", 2026, "CAP", 10, 2), osupply("A-TWIN", "HOME", 2026, "CAP", 10, 2),
            osupply("PART1", "HOME", 2026, "CAP", 10, 1), osupply("PART2", "HOME", 2026, "CAP", 10, 1),
            osupply("PRICEY", "HOME", 2026, "CAP", 10, 2)]
    costs = {"B-TWIN": 2.0, "A-TWIN": 2.0, "PART1": 1.0, "PART2": 1.0, "PRICEY": 3.0}
    bands.append(band("HOME", 2026, "CAP", 20, 2))  # the desirable line is met already
    p = OptionProblem(*frames(lines, bands, osup, costs))
    assert p.evaluate(["A-TWIN"]) == p.evaluate(["PART1", "PART2"]) == 0.5 * 100 * 3
    # Same W: PRICEY loses on cost, PART1+PART2 on count, B-TWIN on ids.
    assert p.choose(10.0).option_ids == ("A-TWIN",)


def test_unknown_option_in_a_pair_is_an_error():
    lines, bands = two_scenarios()
    with pytest.raises(ValueError, match="unknown option"):
        OptionProblem(*frames(lines, bands, [], {"A": 1.0}), excludes=[("A", "NOPE")])


def test_a_solve_not_proven_optimal_is_an_error(monkeypatch):
    import pipelines.lib.options as options
    from scipy.optimize import OptimizeResult

    lines, bands = two_scenarios()
    p = OptionProblem(*frames(lines, bands, [osupply("A", "HOME", 2026, "CAP", 5, 1)], {"A": 1.0}))

    def time_limit(**_kwargs):
        return OptimizeResult(status=1, message="Time limit reached", x=None, mip_gap=0.5)

    monkeypatch.setattr(options, "milp", time_limit)
    with pytest.raises(options.OptionSolveError, match="status 1"):
        p.choose(5.0)
