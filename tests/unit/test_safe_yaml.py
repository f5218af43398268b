"""The strict YAML loader: booleans, duplicate keys, no objects, no aliases, size."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.lib import inputs
from pipelines.lib.safe_yaml import YamlError, load_yaml, load_yaml_with_lines


@pytest.mark.parametrize("word", ["NO", "no", "No", "ON", "on", "OFF", "off", "yes", "YES",
                                  "y", "Y", "n", "N"])
def test_yaml_1_1_boolean_words_stay_strings(word):
    assert load_yaml(f"value: {word}") == {"value": word}


@pytest.mark.parametrize("word, expected", [("true", True), ("True", True), ("TRUE", True),
                                            ("false", False), ("False", False),
                                            ("FALSE", False)])
def test_true_and_false_are_booleans_in_any_case(word, expected):
    assert load_yaml(f"value: {word}") == {"value": expected}


@given(st.from_regex(r"[A-Z]{2}", fullmatch=True))
def test_every_two_letter_code_stays_a_string(code):
    assert load_yaml(f"invoking_state: {code}\nstates: [{code}]") == {
        "invoking_state": code, "states": [code]}


def test_explicit_bool_tag_accepts_only_true_or_false():
    assert load_yaml("a: !!bool true") == {"a": True}
    with pytest.raises(YamlError, match="'yes' is not a boolean"):
        load_yaml("a: !!bool yes")


def test_ordinary_scalars_still_resolve():
    assert load_yaml("a: 3\nb: 2.5\nc: -4\nd: 2026-01-31\ne: null\nf: text\n") == {
        "a": 3, "b": 2.5, "c": -4, "d": dt.date(2026, 1, 31), "e": None, "f": "text"}


def test_leading_zeros_and_base_60_are_not_numbers():
    assert load_yaml("id: 010\nt: 1:30\nh: 0x1A") == {"id": "010", "t": "1:30", "h": "0x1A"}


def test_duplicate_key_is_rejected_naming_key_and_lines():
    with pytest.raises(YamlError) as caught:
        load_yaml("id: A\nname: x\nid: B\n")
    assert "the key 'id' appears twice (first on line 1)" in caught.value.reason
    assert "line 3" in caught.value.reason


def test_duplicate_key_in_a_nested_mapping_is_rejected():
    text = "requirements:\n  - id: BS-01\n    quantity: 6\n    quantity: 60\n"
    with pytest.raises(YamlError, match=r"line 4.*'quantity' appears twice \(first on line 3\)"):
        load_yaml(text)


def test_same_key_in_different_mappings_is_fine():
    assert load_yaml("- id: A\n- id: B\n") == [{"id": "A"}, {"id": "B"}]


@pytest.mark.parametrize("text", [
    "!!python/object/apply:os.system ['echo hacked']",
    "a: !!python/name:os.system",
    "a: !!python/object:collections.OrderedDict {}",
])
def test_python_objects_are_never_constructed(text):
    with pytest.raises(YamlError, match="could not determine a constructor"):
        load_yaml(text)


def test_anchors_and_aliases_are_refused():
    bomb = 'a: &a ["x","x","x"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n'
    with pytest.raises(YamlError, match="aliases"):
        load_yaml(bomb)


def test_syntax_error_gives_the_line():
    with pytest.raises(YamlError, match="not valid at line 3"):
        load_yaml("a: 1\nb: [1, 2\nc: 3\n")


def test_several_documents_are_refused():
    with pytest.raises(YamlError, match="single document"):
        load_yaml("a: 1\n---\nb: 2\n")


def test_empty_text_is_none():
    assert load_yaml("") is None
    assert load_yaml("# only a comment\n") is None


def test_size_limit(monkeypatch):
    monkeypatch.setattr(inputs, "MAX_YAML_BYTES", 20)
    assert load_yaml("a: 1") == {"a": 1}
    with pytest.raises(YamlError, match="more than the limit of 20 bytes"):
        load_yaml("a: " + "x" * 30)


def test_deep_nesting_is_refused_cleanly():
    with pytest.raises(YamlError):
        load_yaml("[" * 100_000)


def test_lines_of_every_value():
    text = "id: X\nrequirements:\n  - id: A\n    quantity: 3\n  - id: B\n"
    data, lines = load_yaml_with_lines(text)
    assert data == {"id": "X", "requirements": [{"id": "A", "quantity": 3}, {"id": "B"}]}
    assert lines[("id",)] == 1
    assert lines[("requirements", 0, "quantity")] == 4
    assert lines[("requirements", 1, "id")] == 5
