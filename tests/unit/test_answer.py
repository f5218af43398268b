"""The answer per scenario in words (lib/reports/answer.py), on frames made by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports.answer import listing, milestones, percent, scenario_answers

RUN = RunInfo("test", dt.datetime(2026, 1, 1), "TEST", 2026, 10)


def frames(*, roles, shortfalls=(), buildup=(), burden=()) -> dict[str, pd.DataFrame]:
    return {
        "scenarios": pd.DataFrame([{
            "scenario_id": "FI-X", "name": "Hybrid aggression against Finland",
            "invoking_state": "FI", "invoking_state_name": "Finland",
        }]),
        "roles": pd.DataFrame(roles, columns=["scenario_id", "role", "lines", "lines_met",
                                              "coverage"]),
        "shortfalls": pd.DataFrame(shortfalls, columns=[
            "scenario_id", "capability_code", "capability_name", "risk_level", "coverage",
            "closes_in_year"]),
        "buildup": pd.DataFrame(buildup, columns=["scenario_id", "role", "day", "share",
                                                  "share_if_late"]),
        "burden_sharing": pd.DataFrame(burden, columns=[
            "scenario_id", "member_state", "member_state_name", "is_invoking_state",
            "line_equivalents"]),
    }


@pytest.mark.parametrize("share, text", [
    (1.0, "100 %"), (1 - 1e-12, "100 %"), (0.996, "99 %"), (0.5, "50 %"), (0.004, "1 %"),
    (0.0, "0 %"), (1e-12, "0 %"),
])
def test_a_percentage_is_never_rounded_to_whole_or_nil(share, text):
    assert percent(share) == text


def test_listing():
    assert listing([]) == ""
    assert listing(["a"]) == "a"
    assert listing(["a", "b", "c"]) == "a, b and c"


def test_milestones_first_cover_half_and_the_final_level():
    days = [0, 2, 5, 10, 20, 30]
    assert milestones(days, [0, 0.2, 0.4, 0.7, 0.9, 0.9]) == [(2, 0.2), (10, 0.7), (20, 0.9)]
    # Reaching half and the final level on the same day is said once.
    assert milestones(days, [0, 0.2, 0.2, 1.0, 1.0, 1.0]) == [(2, 0.2), (10, 1.0)]
    assert milestones(days, [0] * 6) == []


def test_an_answer_says_what_is_covered_where_the_gaps_are_how_fast_and_who_helps():
    answer, = scenario_answers(frames(
        roles=[("FI-X", "border security", 4, 3, 0.8), ("FI-X", "domestic support", 2, 2, 1.0)],
        shortfalls=[("FI-X", "BS.CUAS", "Counter-UAS system", "high", 0.31, 2029),
                    ("FI-X", "BS.EW", None, "moderate", 0.8, None)],
        buildup=[("FI-X", "all roles", d, s, late) for d, s, late in
                 [(0, 0.0, 0.0), (2, 0.25, 0.25), (10, 0.6, 0.7), (30, 0.9, 0.95)]],
        burden=[("FI-X", "FI", "Finland", True, 5.04), ("FI-X", "SE", "Sweden", False, 2.1),
                ("FI-X", "PL", "Poland", False, 1.26), ("FI-X", "DE", "Germany", False, 1.26),
                ("FI-X", "AT", "Austria", False, 0.4), ("FI-X", "IE", "Ireland", False, 0.0)],
    ), RUN)
    assert answer.cover == (
        "If Finland invoked Art. 42.7 (Hybrid aggression against Finland), in 2026 the Union "
        "could cover domestic support in full, but not border security (3 of 4 lines met, "
        "80 % of the requirement).")
    assert answer.gaps == (
        "Gaps: BS.CUAS Counter-UAS system: high risk, 31 % covered, closes in 2029; "
        "BS.EW: moderate risk, 80 % covered, still open in 2036.")
    assert answer.speed == (
        "Cover builds up to 25 % by D+2, 60 % by D+10 and 90 % by D+30, and no further by "
        "D+30. "
        "If deadlines could slip, 95 % would be there by D+30.")
    # Ties in lines' worth go by state code: DE before PL.
    assert answer.helpers == (
        "Most help comes from Sweden, Germany and Poland (2.1, 1.3 and 1.3 requirement "
        "lines' worth; Finland itself fills 5.0).")
    assert answer.text.startswith(answer.cover + " " + answer.gaps)


def test_a_scenario_fully_covered_with_nobody_else_helping():
    answer, = scenario_answers(frames(
        roles=[("FI-X", "border security", 2, 2, 1.0)],
        buildup=[("FI-X", "all roles", 0, 0.0, 0.0), ("FI-X", "all roles", 5, 1.0, 1.0)],
        burden=[("FI-X", "FI", "Finland", True, 2.0), ("FI-X", "SE", "Sweden", False, 0.0)],
    ), RUN)
    assert answer.cover.endswith("the Union could cover border security in full.")
    assert answer.gaps == ""
    assert answer.speed == "Cover builds up to 100 % by D+5."
    assert answer.helpers == "No other member state contributes; Finland itself fills 2.0."


def test_neither_role_covered():
    answer, = scenario_answers(frames(roles=[("FI-X", "border security", 4, 3, 0.8),
                                             ("FI-X", "domestic support", 2, 1, 0.5)]), RUN)
    assert answer.cover.endswith(
        "could cover neither border security (3 of 4 lines met, 80 % of the requirement) nor "
        "domestic support (1 of 2 lines met, 50 % of the requirement).")


def test_nothing_arrives_in_time():
    answer, = scenario_answers(frames(
        roles=[("FI-X", "border security", 1, 0, 0.0)],
        buildup=[("FI-X", "all roles", 0, 0.0, 0.0), ("FI-X", "all roles", 30, 0.0, 0.5)],
    ), RUN)
    assert answer.cover.endswith("could not cover border security (0 of 1 line met, 0 % of "
                                 "the requirement).")
    assert answer.speed == ("Nothing arrives within the lines' deadlines by D+30. If deadlines "
                            "could slip, 50 % would be there by D+30.")


def test_the_essential_lines_that_fewer_than_9_of_10_worlds_meet():
    data = frames(roles=[("FI-X", "border security", 3, 2, 0.8)])
    data["confidence"] = pd.DataFrame([
        ("FI-X", 2026, "A", "BS.CUAS", "essential", "high", 0.0, 0.15, 0.36),
        ("FI-X", 2026, "B", "BS.SURV.UAS", "essential", "none", 0.61, 0.75, 1.0),
        ("FI-X", 2026, "C", "BS.EW", "essential", "none", 0.95, 0.9, 1.0),
        ("FI-X", 2026, "D", "BS.K9", "important", "none", 0.2, 0.5, 1.0),
        ("FI-X", 2027, "B", "BS.SURV.UAS", "essential", "none", 0.1, 0.5, 1.0),
    ], columns=["scenario_id", "year", "line_id", "capability_code", "criticality",
                "risk_level", "p_met", "coverage_p05", "coverage_p95"])
    answer, = scenario_answers(data, RUN)
    # The line met on expected values comes first; important lines and other years are
    # not in it; a line never met says so.
    assert answer.sure == (
        "Essential lines met in fewer than 9 of 10 plausible worlds: B BS.SURV.UAS in 61 % of "
        "them (met on expected values; coverage 75 %–100 % in 90 % of them); A BS.CUAS never "
        "(high risk on expected values; coverage 15 %–36 % in 90 % of them).")
    assert answer.parts.index(answer.sure) == 1  # after the cover, before how fast
    data["confidence"] = data["confidence"][data["confidence"].line_id == "C"]
    answer, = scenario_answers(data, RUN)
    assert answer.sure == "Every essential line is met in at least 9 of 10 plausible worlds."
    data["confidence"] = data["confidence"].iloc[0:0]
    answer, = scenario_answers(data, RUN)
    assert answer.sure == ""  # withheld or not computed: nothing said


def whatif(*variants) -> pd.DataFrame:
    """report_whatif's base-year rows for FI-X: (variant, kind, shortfall left) beside a
    baseline shortfall of 28.9."""
    rows = [("BASELINE", "baseline", 28.9), *variants]
    return pd.DataFrame([{
        "variant_id": v, "kind": kind, "scenario_id": "FI-X", "year": 2026,
        "total_shortfall": left, "total_shortfall_baseline": 28.9, "closed": 28.9 - left,
    } for v, kind, left in rows])


def test_the_lever_that_closes_most_and_what_the_package_leaves():
    data = frames(roles=[("FI-X", "border security", 3, 2, 0.8)])
    data["whatif"] = whatif(("LIFT", "single lever", 25.0), ("BUY", "single lever", 19.9),
                            ("OUT", "single lever", 31.0), ("PKG", "package", 14.2),
                            ("NONE", "no change", 28.9))
    answer, = scenario_answers(data, RUN)
    assert answer.levers == (
        "What if: the single lever that closes most of the 28.9 shortfall in 2026 is BUY "
        "(9.0 closed); after the package PKG, 14.2 is left (What if sheet).")
    assert answer.parts[-1] == answer.levers
    # Only packages: what is left, of what.
    data["whatif"] = whatif(("PKG", "package", 14.2))
    answer, = scenario_answers(data, RUN)
    assert answer.levers == ("What if: after the package PKG, 14.2 is left, of the 28.9 "
                             "shortfall in 2026 (What if sheet).")
    # Nothing closes; a package that closes everything.
    data["whatif"] = whatif(("OUT", "single lever", 31.0), ("PKG", "package", 0.0))
    answer, = scenario_answers(data, RUN)
    assert answer.levers == ("What if: no single lever closes any of the 28.9 shortfall in "
                             "2026; the package PKG closes all of it (What if sheet).")


def test_no_lever_file_no_sentence():
    data = frames(roles=[("FI-X", "border security", 3, 2, 0.8)])
    answer, = scenario_answers(data, RUN)
    assert answer.levers == ""
    data["whatif"] = whatif()  # the baseline alone
    answer, = scenario_answers(data, RUN)
    assert answer.levers == ""
