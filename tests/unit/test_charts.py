"""Chart figures that must stay usable at analyst scale (hundreds of scenarios)."""

from __future__ import annotations

import pandas as pd

from pipelines.lib.reports.shortfalls import TOP_WATERFALLS, waterfall_figure


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
