"""Chart figures that must stay usable at analyst scale (hundreds of scenarios)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.shortfalls import TOP_WATERFALLS, waterfall_figure
from pipelines.lib.reports.what_if import whatif_figure

RUN = RunInfo("t", dt.datetime(2026, 1, 1), "TEST", 2026, 2)


def base_year_pairs(n: int) -> pd.DataFrame:
    """`n` scenario–capability rows of the base year, shortfall falling with the index,
    the shape `waterfall_figure` reads from report_capability_years."""
    rows = []
    for k in range(n):
        required = 100.0
        usable = float(k % 90)
        rows.append({
            "scenario_id": f"S-{k % 7}", "capability_code": f"CAP.{k:04d}",
            "held": 120.0, "not_deployable": 5.0, "unavailable": 10.0, "nato_committed": 0.0,
            "too_slow": 105.0 - usable, "usable": usable, "required": required,
            "allocated": usable, "shortfall": required - usable - k * 1e-3,
            "shortfall_acquisition": 1.0, "shortfall_management": required - usable - 1.0,
        })
    return pd.DataFrame(rows)


def test_the_waterfall_menu_holds_the_largest_shortfalls_only():
    base = base_year_pairs(TOP_WATERFALLS * 5)
    fig = waterfall_figure(base)
    buttons = fig.layout.updatemenus[0].buttons
    largest = base.sort_values("shortfall", ascending=False).head(TOP_WATERFALLS)
    expected = [f"{r.scenario_id} · {r.capability_code}" for r in largest.itertuples()]
    assert [b.label for b in buttons] == expected
    # Two traces per pair, one visibility switch per trace in every menu entry.
    assert len(fig.data) == 2 * TOP_WATERFALLS
    assert all(len(b.args[0]["visible"]) == 2 * TOP_WATERFALLS for b in buttons)
    assert [t.visible for t in fig.data[:3]] == [True, True, False]


def test_a_few_pairs_are_all_shown():
    base = base_year_pairs(3)
    assert len(waterfall_figure(base).layout.updatemenus[0].buttons) == 3


# --- What if (methodology §12) -----------------------------------------------------

def whatif_rows(years=(2026, 2027, 2028)) -> pd.DataFrame:
    """report_whatif's shape: the baseline, a single lever that closes part of FI-X's
    shortfall and opens none, a withdrawal that opens more in LT-Y, a package that
    closes most, and a variant with no change."""
    variants = [("BASELINE", "the inventory as it is", "baseline", 0),
                ("LIFT", "Caveats lifted", "single lever", 1),
                ("OUT", "A state does not take part", "single lever", 1),
                ("PKG", "Management package", "package", 2),
                ("NONE", "Nothing", "no change", 3)]
    baseline = {"FI-X": 10.0, "LT-Y": 4.0, "EE-Z": 0.0}
    closed = {"BASELINE": 0.0, "LIFT": 2.0, "OUT": -1.5, "PKG": 7.0, "NONE": 0.0}
    rows = []
    for variant_id, name, kind, order in variants:
        for year in years:
            for sid, base in baseline.items():
                shrink = year - years[0]  # the baseline's shortfall falls by 1 a year
                b = max(base - shrink, 0.0)
                c = min(closed[variant_id], b) if b else 0.0
                rows.append({
                    "variant_id": variant_id, "variant_name": name, "kind": kind,
                    "kind_order": order, "scenario_id": sid, "year": year, "lines": 5,
                    "lines_met": 3, "lines_met_baseline": 3, "high_risk_lines": 1,
                    "high_risk_lines_baseline": 1, "total_shortfall": b - c,
                    "total_shortfall_baseline": b, "closed": c,
                    "share_closed": c / b if b else None,
                })
    return pd.DataFrame(rows)


def test_the_what_if_chart_has_a_trace_per_variant_and_a_year_slider():
    rows = whatif_rows()
    fig = whatif_figure(rows, RUN)
    # The baseline, then each lever and the package; the variant with no change is the
    # baseline again and is left out.
    assert [t.name for t in fig.data] == ["baseline", "LIFT", "OUT", "PKG (package)"]
    assert all(t.type == "bar" for t in fig.data)  # bars: nothing smoothed between years
    # Scenarios short in some year, largest baseline shortfall first; EE-Z never is.
    assert list(fig.data[0].x) == ["FI-X", "LT-Y"]
    assert list(fig.data[3].y) == [3.0, 0.0]  # the base year first
    # The hover says what each variant does, a withdrawal included.
    assert fig.data[3].customdata[0] == "closes 7.0 (70 %) of the baseline's 10.0"
    assert fig.data[2].customdata[0] == "opens 1.5 more than the baseline's 10.0"
    slider, = fig.layout.sliders
    assert [s.label for s in slider.steps] == ["2026", "2027", "2028"]
    assert slider.active == 0
    for step in slider.steps:
        assert step.method == "restyle"
        # Every trace and its hover move with the year.
        assert len(step.args[0]["y"]) == len(step.args[0]["customdata"]) == len(fig.data)
    assert step.args[0]["y"][0] == [8.0, 2.0]  # 2028's baseline
    # One axis for every year, the tallest bar of any year (OUT opens more) within it,
    # and little room above it.
    top = float(rows.total_shortfall.max())
    low, high = fig.layout.yaxis.range
    assert low == 0 and top <= high <= 1.1 * top


def test_the_what_if_chart_says_so_without_a_shortfall():
    rows = whatif_rows()
    rows = rows[rows.scenario_id == "EE-Z"]
    fig = whatif_figure(rows, RUN)
    assert not fig.data and "no scenario is short" in fig.layout.title.text


# --- Scorecard ----------------------------------------------------------------------

def capability_years(n_scenarios: int, years=(2026, 2027, 2028)) -> pd.DataFrame:
    """report_capability_years' shape: `n_scenarios` scenarios × 2 capabilities; scenario
    k is short by k in the base year (so the largest ids are the largest shortfalls)."""
    rows = []
    for k in range(n_scenarios):
        for year in years:
            for code in ("CAP.A", "CAP.B"):
                short = float(k) if year == years[0] and code == "CAP.A" else 0.0
                rows.append({
                    "scenario_id": f"S-{k:03d}", "year": year, "capability_code": code,
                    "capability_name": code, "priority_rank": 1 if code == "CAP.A" else 2,
                    "required": 200.0, "allocated": 200.0 - short, "shortfall": short,
                    "coverage": (200.0 - short) / 200.0, "risk_value": 1 if short else 0,
                    "risk_level": "low" if short else "none", "p_no_shortfall": None,
                })
    return pd.DataFrame(rows)


def test_the_scorecard_heatmap_shows_the_scenarios_with_the_largest_shortfall():
    from pipelines.lib.reports.scorecard import (
        SCORECARD_SCENARIOS, scorecard_figure, scorecard_scope,
    )

    n = SCORECARD_SCENARIOS + 170
    years = capability_years(n)
    scenarios = pd.DataFrame({"scenario_id": [f"S-{k:03d}" for k in range(n)]})
    fig = scorecard_figure(years, scenarios, RUN)
    expected = [f"S-{k:03d}" for k in range(n - SCORECARD_SCENARIOS, n)]
    assert all(list(trace.x) == expected for trace in fig.data)
    assert len(fig.data) == 3  # one heatmap per year, behind the slider
    scope = scorecard_scope(years, scenarios, RUN)
    assert f"{SCORECARD_SCENARIOS} of {n} scenarios" in scope and "Scorecard sheet" in scope


def test_a_few_scenarios_are_all_in_the_scorecard():
    from pipelines.lib.reports.scorecard import scorecard_figure, scorecard_scope

    years = capability_years(4)
    scenarios = pd.DataFrame({"scenario_id": ["S-003", "S-000", "S-002", "S-001"]})
    fig = scorecard_figure(years, scenarios, RUN)
    assert list(fig.data[0].x) == ["S-003", "S-000", "S-002", "S-001"]
    assert scorecard_scope(years, scenarios, RUN) == ""
