"""The gap methodology as an analyst would write it in plain pandas: the benchmark's peer.

Merge, filter, group by, and a Python loop for the allocation of §3; no DuckDB and
nothing from `pipelines.lib`, so it is an independent second implementation too
(run.py checks that its figures equal the engine's). It starts from the staged tables
as DataFrames and returns gap_lines, gap_capabilities, gap_contributions and gap_roles
with the engine's column names. Concurrency cases, priorities and burden sharing are
left out; the benchmark compares it with the engine steps that build the same tables.

One concession to size: every inventory row is expanded over the years it is in
force and summed per (state, capability, readiness, caveat, year) before it meets
the scenarios. Merging raw rows with requirement lines (about 70 lines a capability
at 200 scenarios) would make 10⁸–10⁹ rows at 10⁶ inventory rows, which pandas cannot
hold; an analyst would meet that wall and aggregate first too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CRITICALITY_ORDER = {"essential": 0, "important": 1, "desirable": 2}
RISK_NAMES = np.array(["none", "low", "moderate", "significant", "high"])
STOCK = ["member_state", "capability_code", "readiness_days", "deployable_abroad", "year"]
GROUP = ["scenario_id", "year", "capability_code"]
BAND = GROUP + ["readiness_days"]
LINE = ["scenario_id", "year", "line_id"]


def gaps(
    inventory: pd.DataFrame,
    scenarios: pd.DataFrame,
    requirements: pd.DataFrame,
    base_year: int,
    horizon_years: int,
) -> dict[str, pd.DataFrame]:
    years = pd.DataFrame({"year": range(base_year, base_year + horizon_years + 1)})
    stock = stock_by_year(inventory, years)
    by_state, bands = eligible_supply(stock, scenarios, requirements)
    lines = requirements.merge(years, how="cross")
    draws = allocate(lines, bands)
    gap_lines = line_gaps(lines, draws)
    return {
        "gap_lines": gap_lines,
        "gap_capabilities": capability_gaps(gap_lines, stock, scenarios),
        "gap_contributions": contributions(draws, by_state, bands),
        "gap_roles": role_gaps(gap_lines),
    }


def stock_by_year(inventory: pd.DataFrame, years: pd.DataFrame) -> pd.DataFrame:
    """Held, available and available-net-of-NATO quantities per state, capability,
    readiness, caveat and year in force (§1, §2)."""
    inv = inventory.assign(
        held=inventory["quantity"],
        available=inventory["quantity"] * inventory["availability"],
        available_free=inventory["quantity"]
        * inventory["availability"]
        * (1 - inventory["nato_committed"]),
        first=inventory["available_from"].astype("float64").fillna(years["year"].min()),
        last=inventory["available_until"].astype("float64").fillna(years["year"].max()),
    )
    rows = inv[
        [
            "member_state",
            "capability_code",
            "readiness_days",
            "deployable_abroad",
            "first",
            "last",
            "held",
            "available",
            "available_free",
        ]
    ].merge(years, how="cross")
    rows = rows[(rows["first"] <= rows["year"]) & (rows["last"] >= rows["year"])]
    return rows.groupby(STOCK, as_index=False)[["held", "available", "available_free"]].sum()


def eligible_supply(stock, scenarios, requirements):
    """Per scenario: effective supply per year, capability, readiness and state, and the
    bands (summed over states) the allocation draws from (§2)."""
    needed = (
        requirements[["scenario_id", "capability_code"]]
        .drop_duplicates()
        .merge(
            scenarios[["scenario_id", "invoking_state", "nato_article5_concurrent"]],
            on="scenario_id",
        )
    )
    supply = needed.merge(stock, on="capability_code")
    supply = supply[
        (supply["member_state"] == supply["invoking_state"]) | supply["deployable_abroad"]
    ]
    supply = supply.assign(
        supply=np.where(
            supply["nato_article5_concurrent"], supply["available_free"], supply["available"]
        )
    )
    by_state = supply.groupby(BAND + ["member_state"], as_index=False)["supply"].sum()
    by_state = by_state[by_state["supply"] > 0]
    bands = by_state.groupby(BAND, as_index=False)["supply"].sum()
    return by_state, bands


def allocate(lines: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
    """§3: lines by criticality, then max_readiness_days, then id; each draws up to its
    required pool from the slowest acceptable band downwards."""
    free = {}
    for scenario, year, capability, readiness, supply in bands[BAND + ["supply"]].itertuples(
        index=False
    ):
        free.setdefault((scenario, year, capability), {})[readiness] = supply
    ordered = lines.assign(rank=lines["criticality"].map(CRITICALITY_ORDER)).sort_values(
        GROUP + ["rank", "max_readiness_days", "line_id"]
    )
    draws = []
    for (scenario, year, capability), group in ordered.groupby(GROUP, sort=False):
        left = free.get((scenario, year, capability))
        if not left:
            continue
        slowest_first = sorted(left, reverse=True)
        for line_id, max_days, need in zip(
            group["line_id"], group["max_readiness_days"], group["required"]
        ):
            for readiness in slowest_first:
                if need <= 0:
                    break
                if readiness > max_days or left[readiness] <= 0:
                    continue
                take = min(need, left[readiness])
                left[readiness] -= take
                need -= take
                draws.append((scenario, year, capability, line_id, readiness, take))
    return pd.DataFrame(draws, columns=GROUP + ["line_id", "readiness_days", "drawn"])


def line_gaps(lines: pd.DataFrame, draws: pd.DataFrame) -> pd.DataFrame:
    """§3 and §5 per line and year: allocated, shortfall, coverage and risk."""
    drawn = draws.groupby(LINE, as_index=False)["drawn"].sum()
    out = lines.merge(drawn, on=LINE, how="left")
    out["drawn"] = np.minimum(out["drawn"].fillna(0.0), out["required"])
    # A shortfall below 1e-9 × required is rounding noise from pro-rata splits.
    out["allocated"] = np.where(
        out["required"] - out["drawn"] < 1e-9 * out["required"], out["required"], out["drawn"]
    )
    out["shortfall"] = out["required"] - out["allocated"]
    out["coverage"] = out["allocated"] / out["required"]
    band = np.select(
        [
            out["allocated"] == out["required"],
            out["coverage"] + 1e-9 >= 0.75,
            out["coverage"] + 1e-9 >= 0.5,
        ],
        [0, 1, 2],
        3,
    )
    table = {"essential": [0, 2, 3, 4], "important": [0, 1, 2, 3], "desirable": [0, 1, 1, 2]}
    out["risk_value"] = [table[c][b] for c, b in zip(out["criticality"], band)]
    out["risk_level"] = RISK_NAMES[out["risk_value"]]
    return out.drop(columns="drawn")


def capability_gaps(gap_lines, stock, scenarios) -> pd.DataFrame:
    """§3 roll-up per capability, with held, the waterfall and the acquisition/management
    split of §4."""
    caps = gap_lines.groupby(GROUP, as_index=False).agg(
        required=("required", "sum"),
        allocated=("allocated", "sum"),
        risk_value=("risk_value", "max"),
        slowest=("max_readiness_days", "max"),
    )
    rows = (
        caps[GROUP + ["slowest"]]
        .merge(
            scenarios[["scenario_id", "invoking_state", "nato_article5_concurrent"]],
            on="scenario_id",
        )
        .merge(stock, on=["capability_code", "year"])
    )
    eligible = (rows["member_state"] == rows["invoking_state"]) | rows["deployable_abroad"]
    art5 = rows["nato_article5_concurrent"]
    effective = np.where(art5, rows["available_free"], rows["available"])
    rows = rows.assign(
        not_deployable=np.where(~eligible, rows["held"], 0.0),
        unavailable=np.where(eligible, rows["held"] - rows["available"], 0.0),
        nato_committed=np.where(eligible & art5, rows["available"] - rows["available_free"], 0.0),
        too_slow=np.where(eligible & (rows["readiness_days"] > rows["slowest"]), effective, 0.0),
        usable=np.where(eligible & (rows["readiness_days"] <= rows["slowest"]), effective, 0.0),
    )
    steps = ["held", "not_deployable", "unavailable", "nato_committed", "too_slow", "usable"]
    waterfall = rows.groupby(GROUP, as_index=False)[steps].sum()
    out = caps.merge(waterfall, on=GROUP, how="left").fillna({s: 0.0 for s in steps})
    out["shortfall"] = out["required"] - out["allocated"]
    out["coverage"] = out["allocated"] / out["required"]
    out["shortfall_acquisition"] = np.minimum(
        out["shortfall"], np.maximum(0.0, out["required"] - out["held"])
    )
    out["shortfall_management"] = out["shortfall"] - out["shortfall_acquisition"]
    out["risk_level"] = RISK_NAMES[out["risk_value"]]
    return out


def contributions(draws, by_state, bands) -> pd.DataFrame:
    """§3.3: each draw split over the states of its band, pro rata to their supply."""
    pieces = draws.merge(bands, on=BAND).merge(by_state, on=BAND, suffixes=("_band", "_state"))
    pieces["allocated"] = pieces["drawn"] * pieces["supply_state"] / pieces["supply_band"]
    return pieces.groupby(LINE + ["member_state"], as_index=False)["allocated"].sum()


def role_gaps(gap_lines) -> pd.DataFrame:
    out = (
        gap_lines.assign(met=gap_lines["shortfall"] == 0)
        .groupby(["scenario_id", "year", "role"], as_index=False)
        .agg(
            lines=("line_id", "count"),
            lines_met=("met", "sum"),
            required=("required", "sum"),
            allocated=("allocated", "sum"),
        )
    )
    out["shortfall"] = out["required"] - out["allocated"]
    return out
