"""Lever files (`levers/*.yaml`, methodology §12) as the data contract says: one what-if
variant a file, accepted or rejected whole; each rule with a failing and a passing
example, its reason and its column (the YAML path); ids across files; hostile YAML."""

from __future__ import annotations

import pytest
import yaml

from pipelines.lib import inputs, validation
from pipelines.lib.validation import LeverReport, Reject, dedupe_levers, validate_lever_file

STATES = {"AT", "IE", "CY", "MT", "PL", "HU", "GR", "FI"}
CAPS = {"BS.SURV.UAS", "DS.CYBER.RRT"}
OPTIONS = {"OPT-UAS-PL", "OPT-RRT-EE"}
REJECTED_OPTIONS = {"OPT-BAD": "options/cat.yaml"}

FULL = """\
id: LIFT-CAVEATS
name: Neutral states lift their caveats; NATO commitments released
changes:
  - lift_caveats: {member_states: [AT, IE, CY, MT]}
  - release_nato: {}
  - readiness: {days: 10, capabilities: [BS.SURV.UAS], member_states: [PL]}
  - availability: {at_least: 0.9, capabilities: [DS.CYBER.RRT]}
  - extend_service: {years: 2}
  - withdraw: {member_states: [HU]}
  - add_options: {options: [OPT-UAS-PL]}
"""


def write(tmp_path, name: str, document: dict | str):
    path = tmp_path / name
    text = document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def check(tmp_path, document: dict | str, name: str = "v.yaml") -> LeverReport:
    path = write(tmp_path, name, document)
    report = validate_lever_file(path, f"levers/{name}", STATES, CAPS, OPTIONS, REJECTED_OPTIONS)
    if report.rejects:
        assert report.lever is None and report.changes == []
    return report


def variant(*changes, **top) -> dict:
    return {"id": "VAR-A", "name": "A variant", **top, "changes": list(changes)}


def problems(report: LeverReport) -> dict[str, str]:
    """column -> reason of every reject (all file-level: row_number None)."""
    assert all(r.row_number is None for r in report.rejects)
    return {r.column: r.reason for r in report.rejects}


# --- the example of the data contract -----------------------------------------


def test_the_contract_example_is_accepted_with_its_changes_in_order(tmp_path):
    report = check(tmp_path, FULL)
    assert report.rejects == []
    assert report.lever == {"variant_id": "LIFT-CAVEATS",
                            "name": "Neutral states lift their caveats; NATO commitments released",
                            "changes": 7, "source_file": "levers/v.yaml"}
    rows = report.changes
    assert [c["step"] for c in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [c["change"] for c in rows] == [
        "lift_caveats", "release_nato", "readiness", "availability", "extend_service",
        "withdraw", "add_options"]
    assert [c["row_number"] for c in rows] == [4, 5, 6, 7, 8, 9, 10]
    assert rows[0]["member_states"] == ["AT", "IE", "CY", "MT"] and rows[0]["capabilities"] is None
    assert rows[1]["member_states"] is None and rows[1]["capabilities"] is None
    assert (rows[2]["days"], rows[2]["capabilities"], rows[2]["member_states"]) == (
        10, ["BS.SURV.UAS"], ["PL"])
    assert rows[3]["at_least"] == 0.9
    assert rows[4]["years"] == 2
    assert rows[6]["options"] == ["OPT-UAS-PL"]
    for row in rows:
        assert row["variant_id"] == "LIFT-CAVEATS" and row["source_file"] == "levers/v.yaml"
        unused = {"days", "at_least", "years", "options"} - {
            {"readiness": "days", "availability": "at_least", "extend_service": "years",
             "add_options": "options"}.get(row["change"])}
        assert all(row[key] is None for key in unused), row


@pytest.mark.parametrize("value", [None, {}])
def test_a_change_without_parameters_may_be_null_or_empty(tmp_path, value):
    for kind in ("lift_caveats", "release_nato", "withdraw"):
        report = check(tmp_path, variant({kind: value}))
        assert report.rejects == [], kind
        assert report.changes[0]["member_states"] is None


def test_an_empty_list_of_changes_is_a_variant_with_no_change(tmp_path):
    report = check(tmp_path, "id: NOTHING\nname: Nothing changes\nchanges: []\n")
    assert report.rejects == []
    assert report.lever["changes"] == 0 and report.changes == []


def test_codes_are_normalised_like_the_other_inputs(tmp_path):
    report = check(tmp_path, variant(
        {"lift_caveats": {"member_states": [" at", "el"], "capabilities": ["bs.surv.uas"]}},
        {"add_options": {"options": ["opt-rrt-ee"]}}))
    assert report.rejects == []
    first, second = report.changes
    assert first["member_states"] == ["AT", "GR"] and first["capabilities"] == ["BS.SURV.UAS"]
    assert second["options"] == ["OPT-RRT-EE"]


def test_yaml_1_1_words_are_not_booleans(tmp_path):
    # NO (Norway) is not an EU member state; it must say so, not be read as false.
    report = check(tmp_path, "id: V-NO\nname: n\nchanges:\n  - withdraw: {member_states: [NO]}\n")
    assert problems(report) == {
        "changes[0].withdraw.member_states[0]":
            "change 1 (withdraw): member_states 'NO' is not an EU member state in "
            "reference/member_states.csv (line 4)"}


# --- each rule: the reason and the column ---------------------------------------

RULES = [
    # the document, the column of the reject, words of its reason
    (variant(), None, None),
    ({"id": "VAR-A", "name": "n", "changes": [], "chnages": []}, "chnages",
     "unknown key 'chnages' (did you mean 'changes'?); the allowed keys are id, name, changes"),
    ({"name": "n", "changes": []}, "id", "id is required"),
    (variant(id="var-a"), "id", "id must be 3 to 48 capital letters"),
    (variant(id="AB"), "id", "id must be 3 to 48 capital letters"),
    (variant(id="BASELINE"), "id", "'BASELINE' is reserved for the inventory as it is"),
    (variant(id="baseline"), "id", "'baseline' is reserved"),
    (variant(id=" Baseline "), "id", "'Baseline' is reserved"),
    ({"id": "VAR-A", "changes": []}, "name", "name is required"),
    (variant(name=["a", "b"]), "name", "name must be text"),
    ({"id": "VAR-A", "name": "n"}, "changes", "changes must be a list of changes"),
    ({"id": "VAR-A", "name": "n", "changes": None}, "changes",
     "(changes: [] is a variant with no change)"),
    ({"id": "VAR-A", "name": "n", "changes": {"withdraw": {}}}, "changes", "got a mapping"),
    (variant("lift_caveats"), "changes[0]", "got 'lift_caveats' alone; write - lift_caveats: {}"),
    (variant({}), "changes[0]", "must be a mapping with exactly one key, the kind of change"),
    (variant(["withdraw"]), "changes[0]", "must be a mapping with exactly one key"),
    (variant({"readiness": None, "days": 10}), "changes[0]",
     "it has 2 keys (readiness, days); put the parameters under the kind"),
    (variant({"readines": {"days": 3}}), "changes[0].readines",
     "change 1: unknown change 'readines' (did you mean 'readiness'?); the changes are "
     "lift_caveats, release_nato, readiness, availability, extend_service, withdraw, add_options"),
    (variant({"buy": {}}), "changes[0].buy", "unknown change 'buy'"),
    (variant({"withdraw": 3}), "changes[0].withdraw",
     "change 1 (withdraw): its value must be a mapping of member_states, capabilities"),
    (variant({"withdraw": ["HU"]}), "changes[0].withdraw", "got a list"),
    (variant({"withdraw": {"states": ["HU"]}}), "changes[0].withdraw.states",
     "unknown key 'states'"),
    (variant({"lift_caveats": {"member_state": ["AT"]}}), "changes[0].lift_caveats.member_state",
     "(did you mean 'member_states'?); the allowed keys are member_states, capabilities"),
    (variant({"release_nato": {"days": 3}}), "changes[0].release_nato.days",
     "unknown key 'days'"),
    (variant({"readiness": {"days": 5, "at_least": 0.5}}), "changes[0].readiness.at_least",
     "the allowed keys are days, member_states, capabilities"),
    # readiness
    (variant({"readiness": {}}), "changes[0].readiness.days",
     "change 1 (readiness): days is required"),
    (variant({"readiness": None}), "changes[0].readiness.days", "days is required"),
    (variant({"readiness": {"days": 366}}), "changes[0].readiness.days",
     "days must be a whole number of days between 0 and 365, got '366'"),
    (variant({"readiness": {"days": -1}}), "changes[0].readiness.days", "between 0 and 365"),
    (variant({"readiness": {"days": 2.5}}), "changes[0].readiness.days", "between 0 and 365"),
    (variant({"readiness": {"days": "2 weeks"}}), "changes[0].readiness.days", "got '2 weeks'"),
    (variant({"readiness": {"days": True}}), "changes[0].readiness.days", "between 0 and 365"),
    # availability
    (variant({"availability": {}}), "changes[0].availability.at_least", "at_least is required"),
    (variant({"availability": {"at_least": 1.2}}), "changes[0].availability.at_least",
     "at_least must be a share between 0 and 1, got '1.2'"),
    (variant({"availability": {"at_least": "90%"}}), "changes[0].availability.at_least",
     "share between 0 and 1"),
    # extend_service
    (variant({"extend_service": {}}), "changes[0].extend_service.years", "years is required"),
    (variant({"extend_service": {"years": 0}}), "changes[0].extend_service.years",
     "years must be a whole number of years between 1 and 100, got '0'"),
    (variant({"extend_service": {"years": 1.5}}), "changes[0].extend_service.years",
     "between 1 and 100"),
    (variant({"extend_service": {"years": 10**12}}), "changes[0].extend_service.years",
     "between 1 and 100"),
    # add_options
    (variant({"add_options": {}}), "changes[0].add_options.options",
     "change 1 (add_options): options is required"),
    (variant({"add_options": None}), "changes[0].add_options.options", "options is required"),
    (variant({"add_options": {"options": []}}), "changes[0].add_options.options",
     "options must be a list of at least one option id, like [OPT-A, OPT-B], got an empty list"),
    (variant({"add_options": {"options": "OPT-UAS-PL"}}), "changes[0].add_options.options",
     "must be a list of at least one option id"),
    (variant({"add_options": {"options": ["OPT-NONE"]}}), "changes[0].add_options.options[0]",
     "options names 'OPT-NONE', which is not an option in any options file (options/*.yaml)"),
    (variant({"add_options": {"options": ["OPT-BAD"]}}), "changes[0].add_options.options[0]",
     "options names OPT-BAD, an option that is rejected in options/cat.yaml (see "
     "ingest_rejects); only accepted options can be added"),
    (variant({"add_options": {"options": ["OPT-UAS-PL", "opt-uas-pl"]}}),
     "changes[0].add_options.options[1]", "options lists OPT-UAS-PL twice"),
    (variant({"add_options": {"options": ["OPT-UAS-PL"]}},
             {"add_options": {"options": ["OPT-UAS-PL"]}}),
     "changes[1].add_options.options[0]",
     "change 2 (add_options): OPT-UAS-PL is already added by change 1; an option is added once"),
    # filters
    (variant({"withdraw": {"member_states": []}}), "changes[0].withdraw.member_states",
     "member_states must be a list of at least one member state code, like [AT, IE] (leave "
     "member_states out for no filter), got an empty list"),
    (variant({"withdraw": {"member_states": None}}), "changes[0].withdraw.member_states",
     "got nothing"),
    (variant({"withdraw": {"member_states": "HU"}}), "changes[0].withdraw.member_states",
     "got 'HU'"),
    (variant({"withdraw": {"member_states": ["HU", "UK"]}}),
     "changes[0].withdraw.member_states[1]",
     "change 1 (withdraw): member_states 'UK' is not an EU member state in "
     "reference/member_states.csv"),
    (variant({"withdraw": {"member_states": ["HU", " hu"]}}),
     "changes[0].withdraw.member_states[1]", "member_states lists HU twice"),
    (variant({"readiness": {"days": 3, "capabilities": ["BS.NOPE"]}}),
     "changes[0].readiness.capabilities[0]",
     "capabilities 'BS.NOPE' is not in the capability taxonomy (reference/capabilities.csv)"),
    (variant({"readiness": {"days": 3, "capabilities": {}}}), "changes[0].readiness.capabilities",
     "capabilities must be a list of at least one capability code"),
]


@pytest.mark.parametrize(("document", "column", "words"), RULES)
def test_each_rule_names_its_column_and_rejects_the_file_whole(tmp_path, document, column, words):
    report = check(tmp_path, document)
    if column is None:
        assert report.rejects == [] and report.lever is not None
        return
    found = problems(report)
    assert column in found, found
    assert words in found[column], found[column]
    assert report.lever is None and report.changes == []


def test_a_reason_names_the_file_the_value_and_the_line(tmp_path):
    text = FULL.replace("days: 10", "days: 400")
    report = check(tmp_path, text, "cap.yaml")
    assert report.rejects == [Reject(
        "levers/cap.yaml", None, None, "changes[2].readiness.days", "400",
        "change 3 (readiness): days must be a whole number of days between 0 and 365, "
        "got '400' (line 6)")]


def test_every_problem_of_a_file_is_listed(tmp_path):
    report = check(tmp_path, variant(
        {"readiness": {"days": 400}},
        {"lift_caveats": {"member_states": ["UK"]}},
        {"extend_service": {"years": 0}},
        id="BASELINE"))
    assert set(problems(report)) == {
        "id", "changes[0].readiness.days", "changes[1].lift_caveats.member_states[0]",
        "changes[2].extend_service.years"}


def test_a_missing_parameter_points_at_its_change(tmp_path):
    text = ("id: V-A\nname: n\nchanges:\n  - release_nato:\n  - readiness:\n"
            "      member_states: [PL]\n")
    report = check(tmp_path, text)
    assert problems(report) == {
        "changes[1].readiness.days": "change 2 (readiness): days is required (line 6)"}


def test_without_options_add_options_names_no_accepted_option(tmp_path):
    path = write(tmp_path, "v.yaml", variant({"add_options": {"options": ["OPT-UAS-PL"]}}))
    report = validate_lever_file(path, "levers/v.yaml", STATES, CAPS, set())
    assert "not an option in any options file" in report.rejects[0].reason


# --- variant ids across files ---------------------------------------------------


def test_a_later_file_reusing_a_variant_id_is_rejected_whole(tmp_path):
    first = check(tmp_path, variant({"release_nato": {}}), "b.yaml")
    again = check(tmp_path, variant({"withdraw": {}}), "a.yaml")
    other = check(tmp_path, variant(id="VAR-B"), "c.yaml")
    broken = check(tmp_path, "id: [", "d.yaml")
    result = dedupe_levers([first, other, broken, again])
    assert [r.source_file for r in result] == [
        "levers/a.yaml", "levers/b.yaml", "levers/c.yaml", "levers/d.yaml"]
    assert result[0] is again and result[2] is other and result[3] is broken
    dropped = result[1]
    assert dropped.lever is None and dropped.changes == [] and dropped.sha256 == first.sha256
    assert dropped.rejects == [Reject(
        "levers/b.yaml", None, None, "id", "VAR-A",
        "variant id 'VAR-A' is already used by levers/a.yaml; each lever file needs its own "
        "id, so this file is not used")]


def test_a_rejected_file_does_not_take_its_id(tmp_path):
    bad = check(tmp_path, variant({"readiness": {}}), "a.yaml")
    good = check(tmp_path, variant({"readiness": {"days": 3}}), "b.yaml")
    result = dedupe_levers([bad, good])
    assert result[0].lever is None and result[1].lever["variant_id"] == "VAR-A"


# --- hostile or broken YAML: refused like every other YAML input -----------------


@pytest.mark.parametrize(("text", "words"), [
    ("!!python/object/apply:os.system ['echo hacked']\n", "could not determine a constructor"),
    ("id: !!python/name:os.system\nname: n\nchanges: []\n", "could not determine a constructor"),
    ("id: V-A\nname: n\nchanges: [!!python/object:collections.OrderedDict {}]\n",
     "could not determine a constructor"),
    ('a: &a ["x","x","x"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\nid: V-A\nname: n\nchanges: []\n',
     "aliases"),
    ("base: &b {member_states: [AT]}\nid: V-A\nname: n\nchanges: [{lift_caveats: *b}]\n",
     "aliases"),
    ("id: V-A\nid: V-B\nname: n\nchanges: []\n", "the key 'id' appears twice"),
    ("id: V-A\nname: n\nchanges:\n  - readiness: {days: 3, days: 5}\n", "appears twice"),
    ("id: V-A\nname: n\nchanges: [\n", "not valid"),
    ("id: V-A\nname: n\nchanges: []\n---\nid: V-B\n", "single document"),
    ("[" * 100_000, ""),
    ("- just\n- a list\n", "must be a YAML mapping"),
    ("", "must be a YAML mapping"),
])
def test_hostile_or_broken_yaml_is_refused_whole(tmp_path, text, words):
    report = check(tmp_path, text)
    assert report.lever is None and len(report.rejects) == 1
    (reject,) = report.rejects
    assert reject.row_number is None and reject.column is None
    assert words in reject.reason


def test_a_huge_or_binary_file_is_refused_without_reading_it_as_yaml(tmp_path, monkeypatch):
    path = tmp_path / "v.yaml"
    path.write_bytes(b"\x00\x01binary")
    report = validate_lever_file(path, "levers/v.yaml", STATES, CAPS, OPTIONS)
    assert "binary" in report.rejects[0].reason
    monkeypatch.setattr(inputs, "MAX_YAML_BYTES", 100)
    path.write_text(FULL, encoding="utf-8")
    report = validate_lever_file(path, "levers/v.yaml", STATES, CAPS, OPTIONS)
    assert report.lever is None and "larger than the limit" in report.rejects[0].reason


def test_the_reserved_id_is_the_engines_baseline():
    from pipelines.lib import whatif

    assert validation.BASELINE_VARIANT == whatif.BASELINE
