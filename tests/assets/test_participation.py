"""`reference/participation.csv` through the real ingest assets (data contract,
"Participation"; methodology §10): bad rows land in `ingest_rejects` and fail the
check `participation_complete`, the rest still loads into `stg_participation`,
'*' rows expand to both roles, and a missing file gives an empty table."""

from __future__ import annotations

import pytest
from dagster import AssetSelection

from tests.support import inv, line, run_assets, scenario

UAS = "BS.SURV.UAS"
INGEST = AssetSelection.groups("ingest")
HEADER = ["member_state", "role", "probability", "source"]
STG_COLUMNS = [
    ("member_state", "VARCHAR"), ("role", "VARCHAR"), ("probability", "DOUBLE"),
    ("source", "VARCHAR"), ("source_file", "VARCHAR"), ("row_number", "INTEGER"),
]


def some_inputs(data_dir):
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", UAS, 2, 10)]))
    data_dir.inventory("SE", [inv("SE", UAS, 4, 5)])


def materialised(run, asset: str) -> bool:
    return any(
        e.event_type_value == "ASSET_MATERIALIZATION"
        and e.event_specific_data.materialization.asset_key.to_user_string() == asset
        for e in run.result.all_events
    )


def check_event(run, name: str):
    return next(
        e.event_specific_data for e in run.result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.event_specific_data.check_name == name
    )


def test_no_file_gives_an_empty_table_and_no_reject(data_dir, run_pipeline):
    some_inputs(data_dir)
    run = run_pipeline(data_dir, selection=INGEST)
    assert run.result.success
    assert run.query("SELECT column_name, data_type FROM information_schema.columns "
                     "WHERE table_name = 'stg_participation' ORDER BY ordinal_position") \
        == STG_COLUMNS
    assert run.query("SELECT count(*) FROM stg_participation") == [(0,)]
    assert run.query("SELECT count(*) FROM ingest_rejects") == [(0,)]
    assert run.query("SELECT count(*) FROM ingest_files "
                     "WHERE source_file LIKE '%participation%'") == [(0,)]
    assert run.check_results()["participation_complete"] is True


def test_star_rows_expand_and_a_roles_own_row_wins(data_dir, run_pipeline):
    some_inputs(data_dir)
    data_dir.write_csv("reference/participation.csv", HEADER, [
        ["AT", "*", 0.4, "invented"],
        ["AT", "domestic_support", 0.9, ""],
        [" de ", "Border_Security", "0.7", "Bundestag mandate"],
        ["EL", "*", 1, None],
    ])
    run = run_pipeline(data_dir, selection=INGEST)
    assert run.result.success
    assert run.query("SELECT * FROM stg_participation") == [
        ("AT", "border_security", 0.4, "invented", "reference/participation.csv", 2),
        ("AT", "domestic_support", 0.9, None, "reference/participation.csv", 3),
        ("DE", "border_security", 0.7, "Bundestag mandate", "reference/participation.csv", 4),
        ("GR", "border_security", 1.0, None, "reference/participation.csv", 5),
        ("GR", "domestic_support", 1.0, None, "reference/participation.csv", 5),
    ]
    assert run.check_results()["participation_complete"] is True
    assert run.check_results()["ingest_unique_keys"] is True
    files = run.df("SELECT * FROM ingest_files WHERE source_file = 'reference/participation.csv'")
    assert (files.kind[0], files.rows_read[0], files.rows_accepted[0], files.rows_rejected[0]) == (
        "participation", 4, 4, 0)


def test_bad_rows_are_rejected_the_rest_loads_and_the_check_names_them(
        data_dir, run_pipeline):
    some_inputs(data_dir)
    data_dir.write_csv("reference/participation.csv", HEADER, [
        ["AT", "border_security", 0.3, "invented"],
        ["IE", "*", "1.2", "typo"],
        ["XX", "border_security", 0.5, ""],
        ["AT", "border_security", 0.6, "second thoughts"],
        ["DK", "both", 0.8, ""],
        ["SE", "domestic_support", 0.95, ""],
    ])
    run = run_pipeline(data_dir, selection=INGEST)
    # The failed check is red; every ingest table is built all the same.
    for asset in ("stg_member_states", "stg_inventory", "stg_participation", "ingest_rejects",
                  "ingest_files"):
        assert materialised(run, asset), asset
    assert run.query("SELECT member_state, role, row_number FROM stg_participation") == [
        ("AT", "border_security", 2), ("SE", "domestic_support", 7)]

    got = {(r.row_number, r.column): (r.value, r.reason) for r in run.df(
        "SELECT * FROM ingest_rejects WHERE source_file = 'reference/participation.csv'"
    ).itertuples()}
    assert got == {
        (3, "probability"): ("1.2", "probability must be a share between 0 and 1, got '1.2'"),
        (4, "member_state"): (
            "XX", "member_state 'XX' is not an EU member state in reference/member_states.csv"),
        (5, "role"): ("border_security", "duplicate row for (AT, border_security): the first "
                                         "one, row 2, is used"),
        (6, "role"): ("both", "role must be border_security, domestic_support or * (both "
                              "roles), got 'both'"),
    }
    assert set(run.df("SELECT input_kind FROM ingest_rejects").input_kind) == {"reference"}
    files = run.df("SELECT * FROM ingest_files WHERE source_file = 'reference/participation.csv'")
    assert (files.rows_read[0], files.rows_accepted[0], files.rows_rejected[0]) == (6, 2, 4)

    results = run.check_results()
    assert results["participation_complete"] is False
    assert results["ingest_reconciliation"] is True
    check = check_event(run, "participation_complete")
    for words in ("row 3: probability must be a share", "row 4: member_state 'XX'",
                  "row 5: duplicate row for (AT, border_security)", "row 6: role must be"):
        assert words in check.description, words
    assert check.metadata["rows_rejected"].value == 4


def test_an_unreadable_file_fails_the_check_too(data_dir, run_pipeline):
    some_inputs(data_dir)
    data_dir.write_csv("reference/participation.csv", ["member_state", "probability"],
                       [["AT", 0.5]])
    run = run_pipeline(data_dir, selection=INGEST)
    assert run.query("SELECT count(*) FROM stg_participation") == [(0,)]
    assert run.check_results()["participation_complete"] is False
    description = check_event(run, "participation_complete").description
    assert "lacks the required column role" in description
    assert materialised(run, "ingest_files")


@pytest.mark.parametrize("probability, passed", [("1.2", False), ("0.5", True)])
def test_the_check_holds_nothing_back(data_dir, tmp_path, probability, passed):
    """The check is red while a row is rejected, but not blocking: what reads
    stg_participation runs (the Monte Carlo withholds its own figures, and the reports
    downstream of it must refresh whatever the participation file says)."""
    from dagster import asset

    @asset(deps=["stg_participation"])
    def reads_participation() -> None:
        pass

    some_inputs(data_dir)
    data_dir.write_csv("reference/participation.csv", HEADER, [["AT", "*", probability, ""]])
    run = run_assets(data_dir, tmp_path, horizon_years=1, warehouse=tmp_path / "w.duckdb",
                     extra_assets=[reads_participation], marking="TEST",
                     selection=INGEST | AssetSelection.assets(reads_participation))
    done = {e.event_specific_data.materialization.asset_key.to_user_string()
            for e in run.result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}
    assert {"stg_participation", "ingest_files", "reads_participation"} <= done
    checks = run.check_results()
    assert checks["participation_complete"] is passed
