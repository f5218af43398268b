"""Options files (`options/*.yaml`, methodology §11) through the real ingest assets on
small real files: stg_options, stg_option_links, stg_option_budgets, their rejects in
ingest_rejects and the reconciliation of ingest_files."""

from __future__ import annotations

import yaml
from dagster import AssetSelection

from tests.support import inv, line, scenario

SELECTION = AssetSelection.groups("ingest")


def option(oid: str, **fields) -> dict:
    return {"id": oid, "title": f"Option {oid}", "capability": "BS.SURV.UAS",
            "member_state": "PL", "quantity": 4, "readiness_days": 10, "cost_meur": 120,
            **fields}


def write_options(data_dir, name: str, document: dict | str):
    folder = data_dir.root / "options"
    folder.mkdir(exist_ok=True)
    text = document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False)
    (folder / name).write_text(text, encoding="utf-8")


def line_of(data_dir, name: str, oid: str) -> int:
    """The YAML line where option `oid` starts in options/`name`."""
    lines = (data_dir.root / "options" / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.strip() == f"- id: {oid}")


def base(data_dir):
    data_dir.inventory("FI", [inv("FI", "BS.SURV.UAS", 3, 5)])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", "BS.SURV.UAS", 2, 10)]))


def test_without_an_options_folder_the_tables_exist_and_are_empty(data_dir, run_pipeline):
    base(data_dir)
    run = run_pipeline(data_dir, selection=SELECTION)
    assert run.result.success
    for table in ("stg_options", "stg_option_links", "stg_option_budgets"):
        assert run.query(f"SELECT count(*) FROM {table}") == [(0,)]
    assert run.query("SELECT count(*) FROM ingest_files WHERE kind = 'options'") == [(0,)]
    assert run.check_results()["ingest_reconciliation"] is True


def test_options_are_staged_with_links_budgets_rejects_and_reconciled(data_dir, run_pipeline):
    base(data_dir)
    write_options(data_dir, "a.yaml", {
        "id": "CAT-A", "budget_meur": 400, "budgets_meur": [0, 200, 800],
        "options": [
            option("OPT-UAS-PL", excludes=["OPT-UAS-PL-B", "OPT-BAD"], available_from=2029,
                   available_until=2040),
            option("OPT-UAS-PL-B", member_state="el", quantity=2, cost_meur=60,
                   deployable_abroad=False, availability=0.5, nato_committed=0.25),
            option("OPT-CYBER", capability="DS.CYBER.RRT", requires=["OPT-RRT-EE"]),
            option("OPT-BAD", quantity=0),
            option("OPT-NEEDS-BAD", requires=["OPT-BAD"]),
        ],
    })
    write_options(data_dir, "b.yaml", {
        "budget_meur": 300, "budgets_meur": [0, 600],
        "options": [option("OPT-RRT-EE", capability="DS.CYBER.RRT", member_state="EE",
                           readiness_days=2, cost_meur=14)],
    })
    write_options(data_dir, "c.yaml", "budget_meur: 100\noptions: [\n")  # broken: not used
    run = run_pipeline(data_dir, selection=SELECTION)
    assert run.result.success
    checks = run.check_results()
    assert checks["ingest_reconciliation"] and checks["ingest_unique_keys"]
    assert checks["option_references"]

    staged = run.df("SELECT * FROM stg_options")
    assert list(staged.columns) == [
        "option_id", "title", "capability_code", "member_state", "quantity", "readiness_days",
        "availability", "deployable_abroad", "nato_committed", "available_from",
        "available_until", "cost_meur", "source_file", "row_number"]
    assert list(staged.option_id) == ["OPT-CYBER", "OPT-RRT-EE", "OPT-UAS-PL", "OPT-UAS-PL-B"]
    b = staged.set_index("option_id").loc["OPT-UAS-PL-B"]
    assert (b.member_state, b.quantity, b.availability, b.deployable_abroad, b.nato_committed,
            b.cost_meur, b.source_file) == ("GR", 2.0, 0.5, False, 0.25, 60.0, "options/a.yaml")
    a = staged.set_index("option_id").loc["OPT-UAS-PL"]
    assert (a.available_from, a.available_until, a.availability, a.row_number) == (
        2029, 2040, 1.0, line_of(data_dir, "a.yaml", "OPT-UAS-PL"))

    assert run.query("SELECT * FROM stg_option_links") == [
        ("OPT-CYBER", "requires", "OPT-RRT-EE"),
        ("OPT-UAS-PL", "excludes", "OPT-UAS-PL-B"),
    ]
    assert run.query("SELECT * FROM stg_option_budgets") == [
        (0.0, False), (200.0, False), (300.0, True), (600.0, False), (800.0, False)]
    types = dict(run.query("SELECT column_name, data_type FROM information_schema.columns "
                           "WHERE table_name = 'stg_option_budgets'"))
    assert types == {"budget_meur": "DOUBLE", "is_choice": "BOOLEAN"}

    rejects = run.query("SELECT source_file, row_number, \"column\", value, reason "
                        "FROM ingest_rejects WHERE input_kind = 'options'")
    got = {(file, row, column): (value, reason) for file, row, column, value, reason in rejects}
    assert got[("options/a.yaml", line_of(data_dir, "a.yaml", "OPT-BAD"), "quantity")][0] == "0"
    needs = got[("options/a.yaml", line_of(data_dir, "a.yaml", "OPT-NEEDS-BAD"), "requires")]
    assert needs[0] == "OPT-BAD" and "requires OPT-BAD, which is rejected" in needs[1]
    broken = got[("options/c.yaml", None, None)]
    assert "the YAML is not valid" in broken[1]

    files = run.df("SELECT source_file, kind, file_rejected, rows_read, rows_accepted, "
                   "rows_rejected FROM ingest_files WHERE kind = 'options'")
    assert [tuple(r) for r in files.itertuples(index=False)] == [
        ("options/a.yaml", "options", False, 5, 3, 2),
        ("options/b.yaml", "options", False, 1, 1, 0),
        ("options/c.yaml", "options", True, 0, 0, 0),
    ]


def test_a_file_with_bad_budgets_is_rejected_whole_and_reconciles(data_dir, run_pipeline):
    base(data_dir)
    write_options(data_dir, "a.yaml", {"budget_meur": -5, "options": [
        option("OPT-A"), option("OPT-B", quantity=0)]})
    run = run_pipeline(data_dir, selection=SELECTION)
    assert run.result.success
    assert run.query("SELECT count(*) FROM stg_options") == [(0,)]
    assert run.query("SELECT count(*) FROM stg_option_budgets") == [(0,)]
    assert run.query("SELECT rows_read, rows_accepted, rows_rejected, file_rejected "
                     "FROM ingest_files WHERE kind = 'options'") == [(2, 0, 2, True)]
    whole = run.query("SELECT \"column\", reason FROM ingest_rejects "
                      "WHERE input_kind = 'options' AND row_number IS NULL")
    assert [c for c, _ in whole] == ["budget_meur"]
    assert "a file without a valid budget is not used" in whole[0][1]
    assert run.check_results()["ingest_reconciliation"] is True


def test_options_sharing_a_line_still_reconcile(data_dir, run_pipeline):
    base(data_dir)
    write_options(data_dir, "flow.yaml", "budget_meur: 100\noptions: ["
                  "{id: OPT-A, title: A, capability: BS.SURV.UAS, member_state: PL, quantity: 0, "
                  "readiness_days: 1, cost_meur: 1}, "
                  "{id: OPT-B, title: B, capability: BS.SURV.UAS, member_state: PL, quantity: -1, "
                  "readiness_days: 1, cost_meur: 1}]\n")
    run = run_pipeline(data_dir, selection=SELECTION)
    assert run.query("SELECT rows_read, rows_accepted, rows_rejected FROM ingest_files "
                     "WHERE kind = 'options'") == [(2, 0, 2)]
    assert run.check_results()["ingest_reconciliation"] is True
