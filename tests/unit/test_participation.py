"""The rules of `reference/participation.csv` (data contract, "Participation";
methodology §10) and the expansion of '*' rows in `sql/stg_participation.sql`."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.lib import loading
from pipelines.lib import validation as v
from pipelines.lib.warehouse import run_sql

STATES = {"AT", "DE", "DK", "FI", "GR", "IE"}
SOURCE = "reference/participation.csv"


def participation(tmp_path: Path, text: str) -> v.FileReport:
    path = tmp_path / "participation.csv"
    path.write_text(text, encoding="utf-8")
    report = v.validate_participation(path, SOURCE, STATES)
    assert report.rows_read == len(report.rows) + report.rows_rejected
    return report


def reasons(report: v.FileReport) -> dict:
    return {(r.row_number, r.column): (r.value, r.reason) for r in report.rejects}


def test_rows_are_typed_codes_and_roles_normalised(tmp_path):
    report = participation(tmp_path, (
        "Member_State,ROLE,probability,source\n"
        " at ,*,0.4,invented\n"
        "EL,Domestic_Support,1,\n"
        "DE,border_security,.55,\"Bundestag mandate, Parlamentsbeteiligungsgesetz\"\n"
    ))
    assert report.kind == "participation" and report.rejects == []
    assert [(r["row_number"], r["member_state"], r["role"], r["probability"], r["source"])
            for r in report.rows] == [
        (2, "AT", "*", 0.4, "invented"),
        (3, "GR", "domestic_support", 1.0, None),
        (4, "DE", "border_security", 0.55, "Bundestag mandate, Parlamentsbeteiligungsgesetz"),
    ]


def test_source_column_is_optional(tmp_path):
    report = participation(tmp_path, "member_state,role,probability\nFI,*,0\n")
    assert report.rejects == [] and report.rows[0]["source"] is None


@pytest.mark.parametrize("value", ["1.2", "-0.1", "70%", "", '"0,7"'])
def test_probability_must_be_a_share(tmp_path, value):
    report = participation(tmp_path, f"member_state,role,probability\nAT,*,{value}\n")
    assert report.rows == []
    (column, reason), = [(r.column, r.reason) for r in report.rejects]
    assert column == "probability"
    assert reason.startswith("probability must be a share between 0 and 1, got ")


def test_each_rule_names_row_column_value_and_reason(tmp_path):
    report = participation(tmp_path, (
        "member_state,role,probability,source\n"
        "AT,border_security,0.3,invented\n"
        "IE,*,1.2,typo\n"
        "XX,border_security,0.5,\n"
        "AT,border_security,0.6,second thoughts\n"
        "DK,both,0.8,\n"
        "\n"
        "AT,*,0.5,\n"
        "FI,domestic_support,0.9,\n"
    ))
    assert reasons(report) == {
        (3, "probability"): ("1.2", "probability must be a share between 0 and 1, got '1.2'"),
        (4, "member_state"): (
            "XX", "member_state 'XX' is not an EU member state in reference/member_states.csv"),
        (5, "role"): ("border_security",
                      "duplicate row for (AT, border_security): the first one, row 2, is used"),
        (6, "role"): ("both", "role must be border_security, domestic_support or * (both roles), "
                              "got 'both'"),
    }
    # A '*' row is a key of its own: it does not repeat a role's own row.
    assert [r["row_number"] for r in report.rows] == [2, 8, 9]
    assert {r.source_file for r in report.rejects} == {SOURCE}


def test_a_row_rejected_for_another_reason_does_not_claim_its_key(tmp_path):
    report = participation(tmp_path, (
        "member_state,role,probability\n"
        "AT,*,2\n"
        "AT,*,0.5\n"
        "at , * ,0.6\n"
    ))
    assert [r["row_number"] for r in report.rows] == [3]
    assert reasons(report)[(4, "role")][1] == (
        "duplicate row for (AT, *): the first one, row 3, is used")


def test_a_file_without_the_required_columns_is_rejected_whole(tmp_path):
    report = participation(tmp_path, "member_state,probability\nAT,0.5\n")
    (reject,) = report.rejects
    assert reject.row_number is None and reject.column == "role"
    assert "lacks the required column role" in reject.reason


def test_a_missing_file_gives_no_report(tmp_path):
    (tmp_path / "reference").mkdir()
    assert loading.validate_participation(tmp_path, STATES) == []
    (tmp_path / "reference" / "participation.csv").write_text(
        "member_state,role,probability\nAT,*,0.5\n", encoding="utf-8")
    (report,) = loading.validate_participation(tmp_path, STATES)
    assert report.source_file == SOURCE and len(report.rows) == 1


def staged(rows: list[dict]) -> list[tuple]:
    con = duckdb.connect()
    try:
        loading.write_raw(con, "raw_participation", [
            {"source_file": SOURCE, "sheet": None, "source": None, **row} for row in rows])
        run_sql(con, "stg_participation")
        return con.execute("SELECT member_state, role, probability, row_number "
                           "FROM stg_participation").fetchall()
    finally:
        con.close()


def test_star_expands_to_both_roles_and_a_roles_own_row_wins():
    rows = [
        {"row_number": 2, "member_state": "AT", "role": "*", "probability": 0.4},
        {"row_number": 3, "member_state": "AT", "role": "domestic_support", "probability": 0.9},
        {"row_number": 4, "member_state": "DE", "role": "border_security", "probability": 0.7},
        {"row_number": 5, "member_state": "IE", "role": "domestic_support", "probability": 0.8},
        {"row_number": 6, "member_state": "IE", "role": "*", "probability": 0.2},
        {"row_number": 7, "member_state": "IE", "role": "border_security", "probability": 0.3},
    ]
    assert staged(rows) == [
        ("AT", "border_security", 0.4, 2),
        ("AT", "domestic_support", 0.9, 3),
        ("DE", "border_security", 0.7, 4),  # no row for DE's domestic support: absent (= 1)
        ("IE", "border_security", 0.3, 7),  # both own rows win; the '*' row adds nothing
        ("IE", "domestic_support", 0.8, 5),
    ]


def test_no_rows_give_the_empty_table_with_its_columns():
    con = duckdb.connect()
    try:
        loading.write_raw(con, "raw_participation", [])
        run_sql(con, "stg_participation")
        assert [
            (name, kind) for name, kind, *_ in con.execute("DESCRIBE stg_participation").fetchall()
        ] == [("member_state", "VARCHAR"), ("role", "VARCHAR"), ("probability", "DOUBLE"),
              ("source", "VARCHAR"), ("source_file", "VARCHAR"), ("row_number", "INTEGER")]
        assert con.execute("SELECT count(*) FROM stg_participation").fetchone() == (0,)
    finally:
        con.close()
