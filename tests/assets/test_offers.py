"""Matching offers to needs after an invocation (methodology §8), hand-computed."""

from __future__ import annotations

import pytest

from tests.support import inv, line, scenario

UAS = "BS.SURV.UAS"
INF = "BS.INF.LIGHT"
CYBER = "DS.CYBER.RRT"
MED = "DS.MED.ROLE2"
OFFER_COLUMNS = ["scenario_id", "member_state", "capability_code", "quantity", "available_in_days", "caveats"]


def setup(data_dir, art5=False):
    data_dir.scenario("fi", scenario("FI-A", "FI", [
        line("FAST", UAS, 2, 5, criticality="essential"),
        line("SLOW", UAS, 3, 30, criticality="important"),
        line("CYB", CYBER, 2, 10, criticality="essential", role="domestic_support"),
    ], art5=art5))
    data_dir.inventory("inv", [
        inv("SE", CYBER, 3, 4),
        inv("DE", CYBER, 5, 4, availability=0.4),           # 2 eligible @4
        inv("PL", CYBER, 1, 2),                             # fastest
        inv("NL", CYBER, 9, 20),                            # too slow for CYB
        inv("AT", CYBER, 9, 1, deployable_abroad="false"),  # may not deploy
        inv("FI", CYBER, 9, 1),                             # the invoking state itself
        inv("DK", UAS, 4, 5, nato_committed=0.5),
    ])
    data_dir.write_csv("inbox/offers/offers.csv", OFFER_COLUMNS, [
        ["FI-A", "SE", UAS, 2, 3, "=HYPERLINK(\"http://x\")"],   # fast: fills FAST
        ["FI-A", "DK", UAS, 4, 20, "national command"],          # slower: still fills SLOW
        ["FI-A", "IE", MED, 1, 10, ""],                          # nobody needs it: surplus
    ])


def test_offers_fill_needs_slow_offers_serve_lines_that_can_wait(data_dir, run_pipeline):
    setup(data_dir)
    run = run_pipeline(data_dir)
    assert run.result.success and run.failed_checks() == []
    lines = {r[0]: r[1:] for r in run.query(
        "SELECT line_id, required, offered, allocated, unmet FROM offer_lines")}
    assert lines["FAST"] == pytest.approx((2, 2, 2, 0))
    assert lines["SLOW"] == pytest.approx((3, 6, 3, 0))
    assert lines["CYB"] == pytest.approx((2, 0, 0, 2))
    allocation = sorted(run.query("SELECT line_id, member_state, allocated FROM offer_allocation"))
    assert allocation == [("FAST", "SE", pytest.approx(2)), ("SLOW", "DK", pytest.approx(3))]


def test_surplus_says_what_is_left_and_why(data_dir, run_pipeline):
    setup(data_dir)
    run = run_pipeline(data_dir)
    surplus = {r[0]: r[1:] for r in run.query(
        "SELECT member_state, offered, used, unused, status FROM offer_surplus")}
    assert surplus["SE"] == (2, pytest.approx(2), pytest.approx(0), "fully used")
    assert surplus["DK"] == (4, pytest.approx(3), pytest.approx(1), "more than the lines need")
    assert surplus["IE"] == (1, 0, 1, "no line of the scenario needs this capability")


def test_whom_to_ask_for_a_need_nobody_offered_for(data_dir, run_pipeline):
    setup(data_dir)
    run = run_pipeline(data_dir)
    ask = run.query("SELECT ask_rank, member_state, fastest_readiness_days, eligible_quantity "
                    "FROM offer_whom_to_ask WHERE line_id = 'CYB' ORDER BY ask_rank")
    # PL answers fastest (2 days); SE and DE both at 4 days, SE holds more eligible (3 > 2);
    # NL is too slow, AT may not deploy abroad, FI is the invoking state.
    assert ask == [(1, "PL", 2, 1.0), (2, "SE", 4, 3.0), (3, "DE", 4, pytest.approx(2.0))]


@pytest.mark.parametrize("art5, flagged", [(True, True), (False, False)])
def test_offers_of_nato_committed_units_are_flagged_when_article5_runs(data_dir, run_pipeline, art5, flagged):
    setup(data_dir, art5=art5)
    run = run_pipeline(data_dir)
    rows = dict(run.query("SELECT member_state, nato_double_hatting FROM offer_allocation"))
    assert rows == {"SE": False, "DK": flagged}


def test_offer_text_never_reaches_sql_or_formulas_unchanged(data_dir, run_pipeline):
    setup(data_dir)
    run = run_pipeline(data_dir)
    assert run.query("SELECT caveats FROM offer_allocation WHERE member_state = 'SE'") == \
        [('=HYPERLINK("http://x")',)]
