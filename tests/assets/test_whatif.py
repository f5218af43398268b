"""The §12 what-if assets on small real files: every change kind with its effect worked out
by hand (filters, order within a file, the open end of service, readiness that never slows
a row), the checks, and a metamorphic test: a variant's figures equal a refresh on an
inventory edited by hand the same way."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml
from dagster import AssetSelection

from tests.assets.test_options_ingest import option, write_options
from tests.support import REPO, DataDir, inv, line, run_assets, scenario

UAS, INF, CYBER = "BS.SURV.UAS", "BS.INF.LIGHT", "DS.CYBER.RRT"
# The what-if group with what it reads (ingest, the gap engine) and their checks.
UPSTREAM_OF_WHATIF = AssetSelection.groups("ingest", "gaps", "whatif")


def write_lever(data_dir: DataDir, name: str, variant_id: str, changes: list) -> None:
    folder = data_dir.root / "levers"
    folder.mkdir(exist_ok=True)
    document = {"id": variant_id, "name": f"Test variant {variant_id}", "changes": changes}
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False),
                                         encoding="utf-8")


def world(data_dir: DataDir) -> None:
    """FI needs 6 UAS within 10 days and gets 3 (FI 2, SE 2 × 0.5; AT's 3 may act only at
    home, PL's 2 take 30 days). LT, with Art. 5 running, needs 4 light infantry companies
    and gets 3 (LT 1, DE 4 × (1 − 0.75), HU 1). EE needs 2 cyber teams: EE's 2 serve
    until 2026, LV's 1 has no end; from 2027 EE is 1 short."""
    data_dir.inventory("rows", [
        inv("FI", UAS, 2, 5),
        inv("AT", UAS, 3, 5, deployable_abroad="false"),
        inv("PL", UAS, 2, 30),
        inv("SE", UAS, 2, 5, availability=0.5),
        inv("LT", INF, 1, 5),
        inv("DE", INF, 4, 5, nato_committed=0.75),
        inv("HU", INF, 1, 5),
        inv("EE", CYBER, 2, 5, available_until=2026),
        inv("LV", CYBER, 1, 5),
    ])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", UAS, 6, 10)]))
    data_dir.scenario("lt", scenario("LT-A", "LT", [line("L2", INF, 4, 10)], art5=True))
    data_dir.scenario("ee", scenario("EE-A", "EE", [line("L3", CYBER, 2, 10,
                                                         role="domestic_support")]))
    write_options(data_dir, "catalogue.yaml", {"budget_meur": 100, "options": [
        option("OPT-HU-INF", capability=INF, member_state="HU", quantity=2, readiness_days=5,
               cost_meur=50)]})


VARIANTS = {
    # variant: (changes, {(scenario, year): shortfall})
    "CAVEATS-AT": ([{"lift_caveats": {"member_states": ["AT"]}}], {("FI-A", 2026): 0}),
    "CAVEATS-IE": ([{"lift_caveats": {"member_states": ["IE"]}}], {("FI-A", 2026): 3}),
    "CAVEATS-AT-INF": ([{"lift_caveats": {"member_states": ["AT"], "capabilities": [INF]}}],
                       {("FI-A", 2026): 3}),
    "NATO": ([{"release_nato": {}}], {("LT-A", 2026): 0}),
    "READY-PL": ([{"readiness": {"days": 10, "member_states": ["PL"]}}], {("FI-A", 2026): 1}),
    "READY-60": ([{"readiness": {"days": 60}}], {("FI-A", 2026): 3, ("LT-A", 2026): 1}),
    "AVAIL-SE": ([{"availability": {"at_least": 1, "member_states": ["SE"]}}],
                 {("FI-A", 2026): 2}),
    "AVAIL-LOW": ([{"availability": {"at_least": 0.1}}], {("FI-A", 2026): 3}),
    "EXTEND-1": ([{"extend_service": {"years": 1}}],
                 {("EE-A", 2026): 0, ("EE-A", 2027): 0, ("EE-A", 2028): 1}),
    "EXTEND-OPEN": ([{"extend_service": {"years": 5, "member_states": ["LV"]}}],
                    {("EE-A", 2027): 1, ("EE-A", 2028): 1}),
    "HU-OUT": ([{"withdraw": {"member_states": ["HU"]}}], {("LT-A", 2026): 2}),
    "HU-OUT-THEN-OPT": ([{"withdraw": {"member_states": ["HU"]}},
                         {"add_options": {"options": ["OPT-HU-INF"]}}], {("LT-A", 2026): 0}),
    "OPT-THEN-HU-OUT": ([{"add_options": {"options": ["OPT-HU-INF"]}},
                         {"withdraw": {"member_states": ["HU"]}}], {("LT-A", 2026): 2}),
    "NOTHING": ([], {("FI-A", 2026): 3, ("LT-A", 2026): 1, ("EE-A", 2027): 1}),
}


@pytest.fixture(scope="module")
def hand_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("whatif")
    data = DataDir(root / "data")
    world(data)
    for number, (variant, (changes, _expected)) in enumerate(VARIANTS.items()):
        write_lever(data, f"{number:02d}", variant, changes)
    return run_assets(data, root, horizon_years=2, selection=UPSTREAM_OF_WHATIF)


def shortfall(run, variant: str) -> dict:
    return {(s, y): v for s, y, v in run.query(
        "SELECT scenario_id, year, sum(shortfall) FROM whatif_capabilities "
        "WHERE variant_id = ? GROUP BY ALL", [variant])}


def test_the_baseline_by_hand(hand_run):
    assert hand_run.result.success
    base = shortfall(hand_run, "BASELINE")
    assert base[("FI-A", 2026)] == pytest.approx(3)
    assert base[("LT-A", 2026)] == pytest.approx(1)
    assert base[("EE-A", 2026)] == pytest.approx(0) and base[("EE-A", 2027)] == pytest.approx(1)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_each_change_by_hand(hand_run, variant):
    got = shortfall(hand_run, variant)
    for key, expected in VARIANTS[variant][1].items():
        assert got[key] == pytest.approx(expected), (variant, key)


def test_what_a_variant_does_not_touch_keeps_the_baseline(hand_run):
    base = shortfall(hand_run, "BASELINE")
    for variant, (_changes, expected) in VARIANTS.items():
        got = shortfall(hand_run, variant)
        scenarios_moved = {s for s, _y in expected}
        for key, value in got.items():
            if key[0] not in scenarios_moved:
                assert value == pytest.approx(base[key]), (variant, key)


def test_the_summary_counts_lines_met_and_high_risk(hand_run):
    rows = hand_run.df("SELECT * FROM whatif_summary WHERE scenario_id = 'FI-A' AND year = 2026 "
                       "ORDER BY variant_id")
    base = rows[rows.variant_id == "BASELINE"].iloc[0]
    lifted = rows[rows.variant_id == "CAVEATS-AT"].iloc[0]
    # FI: 3 of 6 essential UAS is coverage 0.5: significant risk, not met.
    assert (base.lines, base.lines_met, base.high_risk_lines) == (1, 0, 0)
    assert base.total_shortfall == pytest.approx(3)
    assert (lifted.lines_met, lifted.total_shortfall) == (1, 0)
    assert (lifted.lines_met_baseline, lifted.total_shortfall_baseline) == (0, pytest.approx(3))
    # Withdrawing HU and DE's NATO share: LT gets 2 of 4 essential companies.
    hu = hand_run.df("SELECT * FROM whatif_summary WHERE variant_id = 'OPT-THEN-HU-OUT' "
                     "AND scenario_id = 'LT-A' AND year = 2026").iloc[0]
    assert hu.total_shortfall == pytest.approx(2) and hu.total_shortfall_baseline == 1


def test_deltas_and_checks(hand_run):
    checks = hand_run.check_results()
    assert checks["whatif_is_the_engine"] and checks["whatif_baseline"]
    assert hand_run.query("SELECT count(*) FROM whatif_capabilities WHERE variant_id = 'NOTHING' "
                          "AND shortfall_delta <> 0") == [(0,)]
    assert hand_run.query("SELECT shortfall_delta FROM whatif_capabilities "
                          "WHERE variant_id = 'CAVEATS-AT' AND scenario_id = 'FI-A' "
                          "AND year = 2026") == [(pytest.approx(-3),)]
    # No working schema is left in the warehouse.
    assert hand_run.query("SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'whatif'") \
        == [(0,)]


def test_the_check_catches_a_tampered_baseline(hand_run, data_dir, run_pipeline, tmp_path):
    import duckdb

    warehouse = tmp_path / "w.duckdb"
    shutil.copy(hand_run.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE whatif_capabilities SET shortfall = shortfall + 1 "
                    "WHERE variant_id = 'BASELINE' AND scenario_id = 'FI-A'")
        con.execute("UPDATE gap_capabilities SET allocated = allocated + 1 "
                    "WHERE scenario_id = 'LT-A'")
    run = run_pipeline(data_dir, warehouse=warehouse,
                       selection=AssetSelection.checks_for_assets("whatif_capabilities"))
    assert run.check_results() == {"whatif_baseline": False, "whatif_is_the_engine": False}


# --- metamorphic: a variant equals a refresh on an inventory edited by hand ----------------

PACKAGE = [
    {"lift_caveats": {"member_states": ["AT", "IE", "CY", "MT"]}},
    {"release_nato": {"capabilities": ["BS.SURV.UAS", "BS.INF.LIGHT"]}},
    {"readiness": {"days": 10, "member_states": ["PL", "DE"]}},
    {"availability": {"at_least": 0.9}},
    {"extend_service": {"years": 3}},
    {"withdraw": {"member_states": ["HU"]}},
]


def edited_by_hand(rows: pd.DataFrame) -> pd.DataFrame:
    """PACKAGE applied to staged inventory rows, one plain pandas step per change."""
    rows = rows.copy()
    rows.loc[rows.member_state.isin(["AT", "IE", "CY", "MT"]), "deployable_abroad"] = True
    nato = rows.capability_code.isin(["BS.SURV.UAS", "BS.INF.LIGHT"])
    rows.loc[nato, "nato_committed"] = 0.0
    fast = rows.member_state.isin(["PL", "DE"])
    rows.loc[fast, "readiness_days"] = rows.loc[fast, "readiness_days"].clip(upper=10)
    rows["availability"] = rows["availability"].clip(lower=0.9)
    rows["available_until"] = rows["available_until"] + 3  # an open end stays open (NaN)
    return rows[rows.member_state != "HU"]


def test_a_variant_equals_a_refresh_on_an_inventory_edited_by_hand(tmp_path, run_pipeline):
    bundled = tmp_path / "bundled"
    shutil.copytree(REPO / "data", bundled, ignore=shutil.ignore_patterns("*.duckdb", "levers"))
    data = DataDir.existing(bundled)
    write_lever(data, "package", "PACKAGE", PACKAGE)
    first = run_pipeline(data, horizon_years=4, selection=UPSTREAM_OF_WHATIF,
                         warehouse=tmp_path / "variant.duckdb")
    assert first.result.success and all(first.check_results().values())
    staged = first.df("SELECT * FROM stg_inventory")

    edited = tmp_path / "edited"
    shutil.copytree(bundled, edited, ignore=shutil.ignore_patterns("levers", "inventory"))
    (edited / "inbox" / "inventory").mkdir()
    columns = ["member_state", "capability_code", "quantity", "readiness_days", "availability",
               "deployable_abroad", "nato_committed", "available_from", "available_until",
               "as_of"]
    table = edited_by_hand(staged)[columns]
    for year in ("available_from", "available_until"):
        table[year] = table[year].astype("Int64")
    table.to_csv(edited / "inbox" / "inventory" / "edited.csv", index=False)
    gaps = AssetSelection.groups("ingest", "gaps")
    second = run_pipeline(DataDir.existing(edited), horizon_years=4, selection=gaps,
                          warehouse=tmp_path / "edited.duckdb")
    assert second.result.success

    key = ["scenario_id", "year", "capability_code"]
    variant = first.df("SELECT scenario_id, year, capability_code, required, allocated, "
                       "shortfall, risk_level FROM whatif_capabilities "
                       "WHERE variant_id = 'PACKAGE' ORDER BY ALL").set_index(key)
    refreshed = second.df("SELECT scenario_id, year, capability_code, required, allocated, "
                          "shortfall, risk_level FROM gap_capabilities ORDER BY ALL").set_index(key)
    assert len(variant) == len(refreshed) > 100
    pd.testing.assert_frame_equal(variant, refreshed, check_exact=False, rtol=1e-12, atol=1e-9)
    baseline = first.df("SELECT sum(shortfall) FROM whatif_capabilities "
                        "WHERE variant_id = 'BASELINE'").iloc[0, 0]
    assert refreshed.shortfall.sum() < baseline  # the package does close something
