"""The What if sheet (lib/reports/what_if.py) laid out from frames made by hand, read back
with openpyxl: with lever files, and without any."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports import what_if
from pipelines.lib.reports.writer import Links, ReportBook
from tests.unit.test_charts import whatif_rows

RUN = RunInfo("t", dt.datetime(2026, 1, 1), "TEST", 2026, 2)
LINKS = Links(contents={}, shortfalls={}, contributions={})


def frames(with_levers: bool = True) -> dict[str, pd.DataFrame]:
    levers = pd.DataFrame([
        ("LIFT", "Caveats lifted", 1, "levers/lift.yaml", "single lever", 1),
        ("OUT", "A state does not take part", 1, "levers/out.yaml", "single lever", 1),
        ("PKG", "Management package", 2, "levers/pkg.yaml", "package", 2),
        ("NONE", "Nothing", 0, "levers/none.yaml", "no change", 3),
    ], columns=["variant_id", "name", "changes", "source_file", "kind", "kind_order"])
    changes = pd.DataFrame([
        ("LIFT", 1, "lift_caveats", np.array(["AT"]), np.array(["Austria"])),
        ("OUT", 1, "withdraw", np.array(["NL"]), np.array(["Netherlands"])),
        ("PKG", 1, "lift_caveats", np.array(["AT"]), np.array(["Austria"])),
        ("PKG", 2, "release_nato", pd.NA, pd.NA),
    ], columns=["variant_id", "step", "change", "member_states", "member_state_names"])
    moves = pd.DataFrame([
        ("PKG", "FI-X", "BS.CUAS", "Counter-UAS system", "high", "moderate", 6.0, 2.0, 4.0,
         2026, 2028, 10.0),
    ], columns=["variant_id", "scenario_id", "capability_code", "capability_name",
                "risk_level_baseline", "risk_level", "shortfall_baseline", "shortfall",
                "closed_in_base_year", "first_year", "last_year", "closed_over_the_horizon"])
    whatif = whatif_rows()
    if not with_levers:
        levers, changes = levers.iloc[0:0], changes.iloc[0:0]
        moves, whatif = moves.iloc[0:0], whatif[whatif.variant_id == "BASELINE"]
    return {"levers": levers, "lever_changes": changes, "whatif": whatif,
            "whatif_capabilities": moves}


def written(tmp_path, data) -> openpyxl.worksheet.worksheet.Worksheet:
    report = ReportBook("TEST")
    what_if.sheet(report, data, RUN, LINKS)
    report.save(tmp_path / "book.xlsx")
    return openpyxl.load_workbook(tmp_path / "book.xlsx")[what_if.NAME]


def table(ws, name: str) -> list[dict]:
    cells = ws[ws.tables[name].ref]
    header = [c.value for c in cells[0]]
    return [dict(zip(header, (c.value for c in row))) for row in cells[1:]]


def texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_each_variant_in_words_beside_the_baseline_then_what_it_moves(tmp_path):
    ws = written(tmp_path, frames())
    # First the base year side by side: the baseline and every variant, per scenario.
    side = {r["Scenario"]: r for r in table(ws, "WhatIfShortfall")}
    assert side["FI-X"] == {"Scenario": "FI-X", "Baseline": 10.0, "LIFT": 8.0, "OUT": 11.5,
                            "PKG": 3.0, "NONE": 10.0}
    said = texts(ws)
    assert "LIFT — Caveats lifted" in said
    assert "Austria lifts its caveats (units may act abroad)" in said
    assert "Netherlands does not take part" in said
    assert "a package of several changes, from levers/pkg.yaml" in said
    # Per scenario and year, beside the baseline: every scenario, every year.
    pkg = table(ws, "WhatIf3")
    assert len(pkg) == 3 * 3
    fi = next(r for r in pkg if (r["Scenario"], r["Year"]) == ("FI-X", 2027))
    assert (fi["Shortfall, baseline"], fi["Shortfall, variant"], fi["Closed"]) == (9.0, 2.0, 7.0)
    out = next(r for r in table(ws, "WhatIf2") if (r["Scenario"], r["Year"]) == ("FI-X", 2026))
    assert out["Closed"] == -1.5  # a withdrawal opens more
    moved, = table(ws, "WhatIfMoves3")
    assert (moved["Capability"], moved["Risk 2026, baseline"], moved["Risk 2026, variant"],
            moved["Closed over the horizon"]) == ("BS.CUAS", "high", "moderate", 10.0)
    nothing, = table(ws, "WhatIfMoves1")  # the header and the line that says so
    assert nothing["Scenario"] == "It moves no capability's shortfall or risk in any year."
    # A variant with no change says so, and has no table of its own.
    assert "none: every figure is the baseline's" in said
    assert set(ws.tables) == {"WhatIfShortfall", "WhatIf1", "WhatIfMoves1", "WhatIf2",
                              "WhatIfMoves2", "WhatIf3", "WhatIfMoves3"}


def test_without_a_lever_file_the_sheet_says_so_in_one_line(tmp_path):
    ws = written(tmp_path, frames(with_levers=False))
    assert list(ws.tables) == ["WhatIfShortfall"]
    assert what_if.NO_LEVERS in texts(ws)
    assert "How to read it" not in texts(ws)
