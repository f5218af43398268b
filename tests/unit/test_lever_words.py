"""What a lever file changes, in plain words (lib/reports/levers.py), on rows shaped like
report_lever_changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipelines.lib.reports.levers import capability_words, change_sentence, variant_sentences


def change(kind: str, states=None, capabilities=None, **params) -> dict:
    """A row of report_lever_changes: codes, and names for them where the taxonomy has one
    (the code stands in for a name it lacks)."""
    names = {"AT": "Austria", "IE": "Ireland", "CY": "Cyprus", "MT": "Malta", "PL": "Poland",
             "HU": "Hungary", "DE": "Germany", "NL": "Netherlands",
             "BS.SURV.UAS": "Border surveillance UAS system (tactical)",
             "BS.CUAS": "Counter-UAS system (detect, track, defeat)",
             "DS.CYBER.RRT": "Cyber rapid response team", "CBRN.X": "CBRN defence company"}
    return {
        "change": kind,
        # DuckDB gives VARCHAR[] as numpy arrays, a missing list as pandas' NA.
        "member_states": np.array(states) if states else pd.NA,
        "member_state_names": np.array([names.get(s) for s in states]) if states else pd.NA,
        "capabilities": np.array(capabilities) if capabilities else pd.NA,
        "capability_names": (np.array([names.get(c) for c in capabilities])
                             if capabilities else pd.NA),
        "days": params.get("days", pd.NA), "at_least": params.get("at_least", np.nan),
        "years": params.get("years", pd.NA),
        "options": np.array(params["options"]) if "options" in params else pd.NA,
        "option_titles": np.array(params["titles"]) if "titles" in params else pd.NA,
    }


@pytest.mark.parametrize("row, text", [
    (change("lift_caveats", ["AT", "IE", "CY", "MT"]),
     "Austria, Ireland, Cyprus and Malta lift their caveats (units may act abroad)"),
    (change("lift_caveats", ["AT"], ["BS.CUAS"]),
     "Austria lifts its caveats on its units of counter-UAS system (detect, track, defeat) "
     "(units may act abroad)"),
    (change("lift_caveats"), "Every member state lifts its caveats (units may act abroad)"),
    (change("release_nato"), "NATO commitments released for every capability"),
    (change("release_nato", ["PL", "DE"], ["BS.SURV.UAS"]),
     "Poland's and Germany's NATO commitments released for border surveillance UAS system "
     "(tactical)"),
    (change("readiness", ["PL"], ["BS.SURV.UAS"], days=10),
     "Poland's units of border surveillance UAS system (tactical) at 10 days' notice at most"),
    (change("readiness", days=1), "All units at 1 day's notice at most"),
    (change("readiness", capabilities=["BS.CUAS", "DS.CYBER.RRT"], days=5),
     "All units of counter-UAS system (detect, track, defeat) and cyber rapid response team "
     "at 5 days' notice at most"),
    (change("availability", capabilities=["DS.CYBER.RRT"], at_least=0.9),
     "All units of cyber rapid response team available at least 90 % of the time"),
    (change("extend_service", ["NL"], years=2),
     "Netherlands' units serve 2 years longer (an open end stays open)"),
    (change("extend_service", years=1), "All units serve 1 year longer (an open end stays open)"),
    (change("withdraw", ["HU"]), "Hungary does not take part"),
    (change("withdraw", ["HU", "PL"]), "Hungary and Poland do not take part"),
    (change("withdraw", ["HU"], ["BS.CUAS"]),
     "Hungary's units of counter-UAS system (detect, track, defeat) withdrawn (they do not "
     "take part)"),
    (change("add_options", options=["OPT-UAS-PL"], titles=["Polish UAS squadron"]),
     "Adds option OPT-UAS-PL (Polish UAS squadron)"),
    (change("add_options", ["PL"], options=["OPT-A", "OPT-B"], titles=["A", None]),
     "Adds options OPT-A (A) and OPT-B (only their rows of Poland)"),
])
def test_each_change_in_plain_words(row, text):
    assert change_sentence(row) == text


def test_a_code_without_a_name_is_said_as_the_code():
    row = change("readiness", ["PL"], ["BS.NEW"], days=3)
    row["capability_names"] = np.array([None])
    assert change_sentence(row) == "Poland's units of BS.NEW at 3 days' notice at most"


def test_a_name_keeps_its_acronym_and_loses_a_capital_otherwise():
    assert capability_words("CBRN defence company") == "CBRN defence company"
    assert capability_words("Counter-UAS system") == "counter-UAS system"
    assert capability_words("Light infantry company") == "light infantry company"


def test_a_variant_is_said_change_by_change_in_order():
    changes = pd.DataFrame([
        {"variant_id": "PKG", "step": 2, **change("release_nato")},
        {"variant_id": "PKG", "step": 1, **change("lift_caveats", ["AT"])},
        {"variant_id": "OTHER", "step": 1, **change("withdraw", ["HU"])},
    ])
    assert variant_sentences(changes, "PKG") == [
        "Austria lifts its caveats (units may act abroad)",
        "NATO commitments released for every capability",
    ]
    assert variant_sentences(changes, "NONE") == []
