"""Options files (`options/*.yaml`, methodology §11) as the data contract says: each
rule with a failing and a passing example, the rules across files, and the budgets."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from pipelines.lib import validation
from pipelines.lib.validation import resolve_options, validate_option_file

STATES = {"FI", "PL", "SE", "GR"}
CAPS = {"BS.SURV.UAS", "DS.CYBER.RRT"}


def option(oid: str = "OPT-A", **fields) -> dict:
    return {"id": oid, "title": f"Option {oid}", "capability": "BS.SURV.UAS",
            "member_state": "PL", "quantity": 4, "readiness_days": 10, "cost_meur": 120,
            **fields}


def write(tmp_path, name: str, document: dict | str) -> tuple:
    path = tmp_path / name
    text = document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path, f"options/{name}"


def catalogue(*options, budget=400, budgets=None, **extra) -> dict:
    doc = {"id": "CAT", "budget_meur": budget}
    if budgets is not None:
        doc["budgets_meur"] = budgets
    return {**doc, **extra, "options": list(options)}


def load(tmp_path, *documents) -> validation.OptionSet:
    reports = [
        validate_option_file(*write(tmp_path, f"f{i}.yaml", doc), STATES, CAPS)
        for i, doc in enumerate(documents)
    ]
    return resolve_options(reports)


def line_of(tmp_path, oid: str, file: str = "f0.yaml") -> int:
    """The line where option `oid` starts in a written file (its "- id:" line)."""
    lines = (tmp_path / file).read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.strip() == f"- id: {oid}")


def accepted_ids(result) -> list[str]:
    return [o["option_id"] for o in result.options]


def problems(result) -> dict:
    return {(r.row_number, r.column): r.reason for r in result.rejects}


# --- one option, each rule: a failing and a passing value --------------------

RULES = [
    # key, bad value, words of the reason, good value
    ("id", "opt-a", "capital letters", "OPT-A"),
    ("id", "AB", "3 to 48", "ABC"),
    ("id", "A" * 49, "3 to 48", "A" * 48),
    ("title", "", "title is required", "Four UAS"),
    ("capability", "BS.NOPE", "capability taxonomy", "ds.cyber.rrt"),
    ("member_state", "UK", "not an EU member state", "se"),
    ("quantity", 0, "greater than 0", 0.5),
    ("quantity", "four", "greater than 0", 4),
    ("readiness_days", 366, "between 0 and 365", 365),
    ("readiness_days", 2.5, "between 0 and 365", 0),
    ("availability", 1.2, "share between 0 and 1", 0.8),
    ("deployable_abroad", "maybe", "true or false", False),
    ("nato_committed", -0.1, "share between 0 and 1", 0.5),
    ("available_from", 1800, "whole year", 2029),
    ("available_until", "soon", "whole year", 2040),
    ("cost_meur", -1, "0 or more", 0),
    ("excludes", "OPT-B", "must be a list", []),
    ("requires", "OPT-B", "must be a list", []),
    ("excludes", [["OPT-B"]], "must list option ids", ["OPT-B"]),
]


@pytest.mark.parametrize(("key", "bad", "words", "good"), RULES)
def test_each_rule_rejects_a_bad_value_and_accepts_a_good_one(tmp_path, key, bad, words, good):
    other = option("OPT-B")
    result = load(tmp_path, catalogue(option("OPT-A", **{key: bad}), other))
    assert accepted_ids(result) == ["OPT-B"]
    (reject,) = result.rejects
    assert reject.column == key and words in reject.reason, reject
    assert reject.source_file == "options/f0.yaml"
    assert reject.row_number == (4 if key == "id" else line_of(tmp_path, "OPT-A"))

    result = load(tmp_path, catalogue(option(good if key == "id" else "OPT-A", **(
        {} if key == "id" else {key: good})), other))
    assert not result.rejects, result.rejects
    assert len(result.options) == 2


def test_required_keys_are_named_when_missing(tmp_path):
    incomplete = {"id": "OPT-A"}
    result = load(tmp_path, catalogue(incomplete))
    missing = {r.column for r in result.rejects}
    assert missing == {"title", "capability", "member_state", "quantity", "readiness_days",
                       "cost_meur"}
    assert all(r.reason.endswith("is required") for r in result.rejects)


def test_defaults_and_normalised_codes(tmp_path):
    result = load(tmp_path, catalogue(option(member_state="el", capability=" bs.surv.uas ")))
    (row,) = result.options
    assert row["member_state"] == "GR" and row["capability_code"] == "BS.SURV.UAS"
    assert (row["availability"], row["deployable_abroad"], row["nato_committed"]) == (1.0, True, 0.0)
    assert (row["available_from"], row["available_until"]) == (None, None)
    assert row["source_file"] == "options/f0.yaml" and row["row_number"] == 4


def test_available_until_must_not_be_before_available_from(tmp_path):
    bad = load(tmp_path, catalogue(option(available_from=2030, available_until=2029)))
    assert "must not be before available_from (2030)" in problems(bad)[(4, "available_until")]
    same = load(tmp_path, catalogue(option(available_from=2030, available_until=2030)))
    assert accepted_ids(same) == ["OPT-A"]


def test_an_unknown_key_is_an_error_with_a_suggestion(tmp_path):
    result = load(tmp_path, catalogue(option(readines_days=5)))
    assert "did you mean 'readiness_days'" in problems(result)[(4, "readines_days")]


def test_yaml_1_1_words_are_not_booleans(tmp_path):
    # The strict loader keeps 'yes' as text; the contract's booleans still accept it.
    text = textwrap.dedent("""\
        budget_meur: 100
        options:
          - {id: OPT-A, title: A, capability: BS.SURV.UAS, member_state: NO, quantity: 1,
             readiness_days: 1, cost_meur: 1, deployable_abroad: yes}
        """)
    result = resolve_options([validate_option_file(*write(tmp_path, "a.yaml", text),
                                                   STATES | {"NO"}, CAPS)])
    assert result.options[0]["member_state"] == "NO"
    assert result.options[0]["deployable_abroad"] is True


def test_each_option_row_is_its_own_yaml_line(tmp_path):
    result = load(tmp_path, catalogue(option("OPT-A"), option("OPT-B", quantity=0)))
    assert [o["row_number"] for o in result.options] == [line_of(tmp_path, "OPT-A")] == [4]
    assert [r.row_number for r in result.rejects] == [line_of(tmp_path, "OPT-B")] == [11]


# --- ids and links across options and files ----------------------------------


def test_ids_are_unique_within_and_across_files(tmp_path):
    result = load(tmp_path, catalogue(option("OPT-A"), option("OPT-A")),
                  catalogue(option("OPT-A"), option("OPT-B")))
    assert accepted_ids(result) == ["OPT-A", "OPT-B"]
    reasons = [r.reason for r in result.rejects]
    assert len(reasons) == 2
    assert all("already used by options/f0.yaml line 4" in r for r in reasons)
    assert {(r.source_file, r.column) for r in result.rejects} == {
        ("options/f0.yaml", "id"), ("options/f1.yaml", "id")}


def test_excludes_and_requires_must_name_known_options(tmp_path):
    bad = load(tmp_path, catalogue(option("OPT-A", excludes=["OPT-X"]),
                                   option("OPT-B", requires=["OPT-Y"])))
    assert accepted_ids(bad) == []
    found = problems(bad)
    assert "'OPT-X', which is not an option" in found[(line_of(tmp_path, "OPT-A"), "excludes")]
    assert "'OPT-Y', which is not an option" in found[(line_of(tmp_path, "OPT-B"), "requires")]

    good = load(tmp_path, catalogue(option("OPT-A", excludes=["opt-b "]),
                                    option("OPT-B", requires=["OPT-C"])),
                catalogue(option("OPT-C")))
    assert accepted_ids(good) == ["OPT-A", "OPT-B", "OPT-C"]
    assert good.links == [
        {"option_id": "OPT-A", "kind": "excludes", "other_id": "OPT-B"},
        {"option_id": "OPT-B", "kind": "requires", "other_id": "OPT-C"},
    ]


def test_an_option_cannot_name_itself_nor_require_what_it_excludes(tmp_path):
    result = load(tmp_path, catalogue(option("OPT-A", requires=["OPT-A"]),
                                      option("OPT-B", excludes=["OPT-C"], requires=["OPT-C"]),
                                      option("OPT-C")))
    assert accepted_ids(result) == ["OPT-C"]
    found = problems(result)
    assert "cannot list itself in requires" in found[(line_of(tmp_path, "OPT-A"), "requires")]
    assert "both required and excluded" in found[(line_of(tmp_path, "OPT-B"), "excludes")]


def test_requiring_a_rejected_option_rejects_the_whole_chain(tmp_path):
    result = load(tmp_path, catalogue(
        option("OPT-HEAD", requires=["OPT-MID"]),
        option("OPT-MID", requires=["OPT-BAD"]),
        option("OPT-BAD", quantity=-1),
        option("OPT-FREE"),
    ))
    assert accepted_ids(result) == ["OPT-FREE"]
    head = next(r for r in result.rejects if r.row_number == line_of(tmp_path, "OPT-HEAD"))
    mid = next(r for r in result.rejects if r.row_number == line_of(tmp_path, "OPT-MID"))
    assert (head.column, head.value, mid.column, mid.value) == (
        "requires", "OPT-MID", "requires", "OPT-BAD")
    assert head.reason.startswith("requires OPT-MID, which is rejected, so this option is "
                                  "rejected with it (OPT-MID requires OPT-BAD: quantity must")
    assert "(OPT-BAD: quantity must be a number greater than 0, got '-1')" in mid.reason
    assert result.links == []


def test_a_rejected_option_in_excludes_only_makes_the_exclusion_moot(tmp_path):
    result = load(tmp_path, catalogue(
        option("OPT-A", excludes=["OPT-BAD", "OPT-B"]),
        option("OPT-B"),
        option("OPT-BAD", capability="BS.NOPE"),
    ))
    assert accepted_ids(result) == ["OPT-A", "OPT-B"]
    assert [r.column for r in result.rejects] == ["capability"]
    assert result.links == [{"option_id": "OPT-A", "kind": "excludes", "other_id": "OPT-B"}]


def test_options_of_a_file_rejected_whole_are_known_but_rejected(tmp_path):
    result = load(tmp_path,
                  catalogue(option("OPT-A", requires=["OPT-B"]), option("OPT-C",
                                                                      excludes=["OPT-B"])),
                  catalogue(option("OPT-B"), budget=0))
    assert accepted_ids(result) == ["OPT-C"]
    reason = problems(result)[(line_of(tmp_path, "OPT-A"), "requires")]
    assert "OPT-B: its file options/f1.yaml is not used" in reason
    assert result.links == []


# --- files and budgets -------------------------------------------------------


@pytest.mark.parametrize(("changes", "column", "words"), [
    ({"budget_meur": 0}, "budget_meur", "greater than 0"),
    ({"budget_meur": None}, "budget_meur", "greater than 0"),
    ({"budgets_meur": 100}, "budgets_meur", "must be a list"),
    ({"budgets_meur": [0, -5]}, "budgets_meur", "each 0 or more"),
    ({"budgets_meur": [0, "lots"]}, "budgets_meur", "each 0 or more"),
    ({"budget": 100}, "budget", "unknown key 'budget'"),
    ({"id": "my catalogue"}, "id", "capital letters"),
    ({"options": []}, "options", "at least one option"),
])
def test_bad_budgets_or_file_keys_reject_the_file_whole(tmp_path, changes, column, words):
    document = {**catalogue(option("OPT-A"), budgets=[0, 100]), **changes}
    document = {k: v for k, v in document.items() if v is not None}
    result = load(tmp_path, document)
    assert result.options == [] and result.budgets == []
    file_level = [r for r in result.rejects if r.row_number is None]
    assert [r.column for r in file_level] == [column]
    assert words in file_level[0].reason
    (report,) = result.files
    assert report.file_rejected
    assert report.rows_read == len(document["options"])
    assert len(report.rejected) == report.rows_read


def test_good_budgets(tmp_path):
    result = load(tmp_path, catalogue(option(), budget=250.5, budgets=[800, 0, 100, 100]))
    assert result.budgets == [
        {"budget_meur": 0.0, "is_choice": False},
        {"budget_meur": 100.0, "is_choice": False},
        {"budget_meur": 250.5, "is_choice": True},
        {"budget_meur": 800.0, "is_choice": False},
    ]
    without = load(tmp_path, catalogue(option(), budget=300))
    assert without.budgets == [{"budget_meur": 300.0, "is_choice": True}]


@pytest.mark.parametrize("text", [
    "budget_meur: 100\noptions:\n  - id: OPT-A\n    id: OPT-B\n",   # a repeated key
    "budget_meur: 100\noptions: [\n",                               # broken YAML
    "base: &b {quantity: 1}\nbudget_meur: 100\noptions: [*b]\n",    # an alias
    "- just\n- a list\n",                                           # not a mapping
])
def test_a_broken_file_is_rejected_whole(tmp_path, text):
    result = load(tmp_path, text)
    assert result.options == [] and result.budgets == []
    assert result.files[0].file_rejected
    assert all(r.row_number is None for r in result.rejects)


def test_several_files_the_smallest_budget_and_the_union_of_budgets(tmp_path):
    result = load(tmp_path,
                  catalogue(option("OPT-A"), budget=400, budgets=[0, 200, 400]),
                  catalogue(option("OPT-B"), budget=300, budgets=[0, 600]),
                  catalogue(option("OPT-C"), budget=100, budgets=[50], id="my catalogue"))
    # The third file is rejected whole (a bad id), so its budget does not count.
    assert accepted_ids(result) == ["OPT-A", "OPT-B"]
    assert [(b["budget_meur"], b["is_choice"]) for b in result.budgets] == [
        (0.0, False), (200.0, False), (300.0, True), (400.0, False), (600.0, False)]
