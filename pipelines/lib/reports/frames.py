"""Every figure the workbook and the web pages show, read from the warehouse's
`sql/report_*.sql` queries: the reports arrange figures, they compute none.
"""

from __future__ import annotations

import pandas as pd

from pipelines.lib.warehouse import query_df


def report_frames(con, params: dict) -> dict[str, pd.DataFrame]:
    """Every figure the workbook and the charts show, read from the warehouse."""
    names = [
        "facts", "scenarios", "sources", "roles", "history_runs",
        "capability_years", "shortfalls", "line_shortfalls", "concurrency", "priorities",
        "burden_sharing", "contributions", "data_issues",
        "offer_lines", "offer_accepted", "offer_whom_to_ask", "offer_surplus",
        "offer_coordination", "buildup", "buildup_lines", "gap_changes", "confidence",
        "confidence_status", "options", "option_effects", "option_frontier",
        "levers", "lever_changes", "whatif", "whatif_capabilities",
    ]
    frames = {name: query_df(con, f"report_{name}", params) for name in names}
    frames["headline"] = query_df(con, "select_headline", params).merge(
        frames["scenarios"], on="scenario_id", how="left"
    )
    return frames
