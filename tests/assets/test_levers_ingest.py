"""Lever files (`levers/*.yaml`, methodology §12) through the real ingest assets on small
real files: stg_levers and stg_lever_changes with the columns and types the what-if
engine reads, their rejects in ingest_rejects, the reconciliation of ingest_files and
the checks; then the bundled lever files."""

from __future__ import annotations

import yaml
from dagster import AssetSelection

from tests.support import REPO, DataDir, inv, line, scenario

SELECTION = AssetSelection.groups("ingest")

LEVERS_COLUMNS = {"variant_id": "VARCHAR", "name": "VARCHAR", "changes": "INTEGER",
                  "source_file": "VARCHAR"}
CHANGES_COLUMNS = {
    "variant_id": "VARCHAR", "step": "INTEGER", "change": "VARCHAR",
    "member_states": "VARCHAR[]", "capabilities": "VARCHAR[]", "days": "INTEGER",
    "at_least": "DOUBLE", "years": "INTEGER", "options": "VARCHAR[]",
    "row_number": "INTEGER", "source_file": "VARCHAR",
}


def write_lever(data_dir, name: str, document: dict | str):
    folder = data_dir.root / "levers"
    folder.mkdir(exist_ok=True)
    text = document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False)
    (folder / name).write_text(text, encoding="utf-8")


def write_options(data_dir):
    """OPT-UAS-PL accepted, OPT-BAD rejected (quantity 0)."""
    folder = data_dir.root / "options"
    folder.mkdir(exist_ok=True)
    option = {"title": "t", "capability": "BS.SURV.UAS", "member_state": "PL", "quantity": 4,
              "readiness_days": 10, "cost_meur": 120}
    (folder / "cat.yaml").write_text(yaml.safe_dump({"budget_meur": 100, "options": [
        {"id": "OPT-UAS-PL", **option}, {"id": "OPT-BAD", **option, "quantity": 0}]},
        sort_keys=False), encoding="utf-8")


def base(data_dir):
    data_dir.inventory("FI", [inv("FI", "BS.SURV.UAS", 3, 5)])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", "BS.SURV.UAS", 2, 10)]))


def columns(run, table: str) -> dict[str, str]:
    return dict(run.query("SELECT column_name, data_type FROM information_schema.columns "
                          "WHERE table_name = ? ORDER BY ordinal_position", [table]))


def test_without_a_levers_folder_the_tables_exist_with_their_columns(data_dir, run_pipeline):
    base(data_dir)
    run = run_pipeline(data_dir, selection=SELECTION)
    assert run.result.success
    assert columns(run, "stg_levers") == LEVERS_COLUMNS
    assert columns(run, "stg_lever_changes") == CHANGES_COLUMNS
    for table in ("stg_levers", "stg_lever_changes"):
        assert run.query(f"SELECT count(*) FROM {table}") == [(0,)]
    assert run.query("SELECT count(*) FROM ingest_files WHERE kind = 'levers'") == [(0,)]
    checks = run.check_results()
    assert checks["ingest_reconciliation"] and checks["lever_references"]


def test_an_empty_levers_folder_gives_empty_tables(data_dir, run_pipeline):
    base(data_dir)
    (data_dir.root / "levers").mkdir()
    (data_dir.root / "levers" / "README.md").write_text("not a lever file")
    run = run_pipeline(data_dir, selection=SELECTION)
    assert run.result.success
    assert run.query("SELECT count(*) FROM stg_levers") == [(0,)]
    assert run.query("SELECT count(*) FROM ingest_files WHERE kind = 'levers'") == [(0,)]


def test_levers_are_staged_rejected_whole_and_reconciled(data_dir, run_pipeline):
    base(data_dir)
    write_options(data_dir)
    write_lever(data_dir, "a.yaml", (
        "id: LIFT-CAVEATS\n"
        "name: Neutral states lift their caveats\n"
        "changes:\n"
        "  - lift_caveats: {member_states: [at, IE, CY, MT]}\n"
        "  - release_nato: {}\n"
        "  - readiness: {days: 10, capabilities: [bs.surv.uas], member_states: [PL]}\n"
        "  - availability: {at_least: 0.9, capabilities: [DS.CYBER.RRT]}\n"
        "  - extend_service: {years: 2}\n"
        "  - withdraw: {member_states: [HU]}\n"
        "  - add_options: {options: [OPT-UAS-PL]}\n"))
    write_lever(data_dir, "b.yaml", "id: NOTHING\nname: No change at all\nchanges: []\n")
    # Rejected whole: a bad value, an unknown change, a rejected option, a reused id,
    # the reserved id, broken YAML.
    write_lever(data_dir, "c_days.yaml", {"id": "TOO-SLOW", "name": "n", "changes": [
        {"release_nato": None}, {"readiness": {"days": 400}}]})
    write_lever(data_dir, "d_kind.yaml", {"id": "BUY-IT", "name": "n", "changes": [
        {"purchase": {"options": ["OPT-UAS-PL"]}}]})
    write_lever(data_dir, "e_option.yaml", {"id": "BUY-BAD", "name": "n", "changes": [
        {"add_options": {"options": ["OPT-BAD"]}}]})
    write_lever(data_dir, "f_again.yaml", {"id": "NOTHING", "name": "again", "changes": []})
    write_lever(data_dir, "g_base.yaml", {"id": "Baseline", "name": "n", "changes": []})
    write_lever(data_dir, "h_broken.yaml", "id: X-1\nchanges: [\n")
    run = run_pipeline(data_dir, selection=SELECTION)
    assert run.result.success
    checks = run.check_results()
    assert checks["ingest_reconciliation"] and checks["ingest_unique_keys"]
    assert checks["lever_references"]

    assert columns(run, "stg_levers") == LEVERS_COLUMNS
    assert columns(run, "stg_lever_changes") == CHANGES_COLUMNS
    assert run.query("SELECT * FROM stg_levers") == [
        ("LIFT-CAVEATS", "Neutral states lift their caveats", 7, "levers/a.yaml"),
        ("NOTHING", "No change at all", 0, "levers/b.yaml"),
    ]
    changes = run.query("SELECT * FROM stg_lever_changes")
    assert changes == [
        ("LIFT-CAVEATS", 1, "lift_caveats", ["AT", "IE", "CY", "MT"], None, None, None, None,
         None, 4, "levers/a.yaml"),
        ("LIFT-CAVEATS", 2, "release_nato", None, None, None, None, None, None, 5,
         "levers/a.yaml"),
        ("LIFT-CAVEATS", 3, "readiness", ["PL"], ["BS.SURV.UAS"], 10, None, None, None, 6,
         "levers/a.yaml"),
        ("LIFT-CAVEATS", 4, "availability", None, ["DS.CYBER.RRT"], None, 0.9, None, None, 7,
         "levers/a.yaml"),
        ("LIFT-CAVEATS", 5, "extend_service", None, None, None, None, 2, None, 8,
         "levers/a.yaml"),
        ("LIFT-CAVEATS", 6, "withdraw", ["HU"], None, None, None, None, None, 9,
         "levers/a.yaml"),
        ("LIFT-CAVEATS", 7, "add_options", None, None, None, None, None, ["OPT-UAS-PL"], 10,
         "levers/a.yaml"),
    ]

    rejects = run.query("SELECT source_file, row_number, \"column\", value, reason "
                        "FROM ingest_rejects WHERE input_kind = 'levers'")
    assert all(row is None for _, row, _, _, _ in rejects)
    got = {file: (column, value, reason) for file, _, column, value, reason in rejects}
    assert set(got) == {"levers/c_days.yaml", "levers/d_kind.yaml", "levers/e_option.yaml",
                        "levers/f_again.yaml", "levers/g_base.yaml", "levers/h_broken.yaml"}
    assert got["levers/c_days.yaml"] == (
        "changes[1].readiness.days", "400",
        "change 2 (readiness): days must be a whole number of days between 0 and 365, "
        "got '400' (line 6)")
    assert got["levers/d_kind.yaml"][0] == "changes[0].purchase"
    assert "unknown change 'purchase'" in got["levers/d_kind.yaml"][2]
    assert got["levers/e_option.yaml"][:2] == ("changes[0].add_options.options[0]", "OPT-BAD")
    assert ("OPT-BAD, an option that is rejected in options/cat.yaml"
            in got["levers/e_option.yaml"][2])
    assert got["levers/f_again.yaml"] == (
        "id", "NOTHING", "variant id 'NOTHING' is already used by levers/b.yaml; each lever "
        "file needs its own id, so this file is not used")
    assert got["levers/g_base.yaml"][0] == "id" and "reserved" in got["levers/g_base.yaml"][2]
    assert got["levers/h_broken.yaml"][0] is None
    assert "the YAML is not valid" in got["levers/h_broken.yaml"][2]

    files = run.query("SELECT source_file, kind, file_rejected, rows_read, rows_accepted, "
                      "rows_rejected FROM ingest_files WHERE kind = 'levers'")
    assert files == [
        ("levers/a.yaml", "levers", False, 1, 1, 0),
        ("levers/b.yaml", "levers", False, 1, 1, 0),
        *[(f"levers/{name}.yaml", "levers", True, 1, 0, 1)
          for name in ("c_days", "d_kind", "e_option", "f_again", "g_base", "h_broken")],
    ]
    sha = run.query("SELECT count(DISTINCT sha256) FROM ingest_files WHERE kind = 'levers'")
    assert sha == [(8,)]


def test_hostile_yaml_in_levers_is_refused_and_the_others_load(data_dir, run_pipeline):
    base(data_dir)
    write_lever(data_dir, "good.yaml", "id: NATO-RELEASE\nname: n\nchanges:\n  - release_nato:\n")
    write_lever(data_dir, "evil.yaml", "!!python/object/apply:os.system ['echo hacked']\n")
    write_lever(data_dir, "bomb.yaml", 'a: &a ["x","x","x"]\nb: &b [*a,*a,*a]\n'
                                       'c: [*b,*b,*b]\nid: BOMB\nname: n\nchanges: []\n')
    run = run_pipeline(data_dir, selection=SELECTION)
    assert run.result.success
    assert run.query("SELECT variant_id FROM stg_levers") == [("NATO-RELEASE",)]
    reasons = dict(run.query("SELECT source_file, reason FROM ingest_rejects "
                             "WHERE input_kind = 'levers'"))
    assert "could not determine a constructor" in reasons["levers/evil.yaml"]
    assert "aliases" in reasons["levers/bomb.yaml"]
    assert run.check_results()["ingest_reconciliation"] is True


def test_the_bundled_lever_files_all_load_with_no_reject(tmp_path, run_pipeline):
    run = run_pipeline(DataDir.existing(REPO / "data"), selection=SELECTION,
                       warehouse=tmp_path / "bundled.duckdb")
    assert run.result.success
    assert run.failed_checks() == []
    files = sorted(p.name for p in (REPO / "data" / "levers").glob("*.yaml"))
    assert len(files) == 6
    assert run.query("SELECT count(*) FROM ingest_rejects WHERE input_kind = 'levers'") == [(0,)]
    staged = dict(run.query("SELECT source_file, variant_id FROM stg_levers"))
    assert sorted(staged) == [f"levers/{name}" for name in files]
    assert sorted(staged.values()) == ["BUY-CUAS-FI", "LIFT-CAVEATS", "MGMT-PACKAGE",
                                       "NATO-RELEASE", "NL-WITHDRAWS", "READINESS-5D"]
    kinds = {k for (k,) in run.query("SELECT DISTINCT change FROM stg_lever_changes")}
    assert kinds == {"lift_caveats", "release_nato", "readiness", "availability", "withdraw",
                     "add_options"}
    # add_options names options of the bundled catalogue, accepted there.
    assert run.query("SELECT o FROM (SELECT unnest(options) AS o FROM stg_lever_changes) "
                     "WHERE o NOT IN (SELECT option_id FROM stg_options)") == []
