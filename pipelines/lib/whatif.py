"""What if: the gap engine on a changed inventory (methodology §12), as a plain library.

A lever file (staged as stg_levers / stg_lever_changes) is a named variant of the
inventory: changes applied in order to the accepted rows. A variant's figures are not a
second implementation of the gap rules: the engine's own SQL files
(int_inventory_groups → int_supply_by_state → int_supply_bands, gap_lines,
gap_capabilities) and its own allocation (:func:`pipelines.lib.allocation.allocate`) run
on the variant's inventory, in a schema of their own (``whatif``), where the tables the
variant changes shadow those of ``main``.

Only the capabilities a variant changes are computed again (a capability's gap depends
on its own rows only); every other capability keeps the baseline's figures. So a lever
that moves two capabilities costs a fraction of a full pass.

Steps for one variant (sql/whatif_*.sql):

1. ``whatif_rows``: the rows its changes may act on (those matching some change's filters);
2. ``whatif_change``: each change in order (UPDATE, or INSERT for ``add_options``);
3. ``whatif_variant``: the capabilities touched, and the engine's inputs for them;
4. the engine's steps there, then ``select_whatif_figures``; after every variant,
   ``int_whatif_figures`` in ``main``.

``whatif_capabilities`` (and ``whatif_summary`` on it) then put every variant beside the
baseline.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pandas as pd

from . import allocation
from .warehouse import query_df, run_sql, write_frame

SCHEMA = "whatif"
BASELINE = "BASELINE"

FIGURES_SCHEMA = {
    "variant_id": "VARCHAR", "scenario_id": "VARCHAR", "year": "INTEGER",
    "capability_code": "VARCHAR", "required": "DOUBLE", "allocated": "DOUBLE",
    "shortfall": "DOUBLE", "risk_level": "VARCHAR", "lines": "INTEGER",
    "lines_met": "INTEGER", "high_risk_lines": "INTEGER",
}
# The steps of the gap engine a variant runs, in order (the rest of the gaps group does
# not feed whatif_capabilities).
ENGINE_SQL_BEFORE = ("int_inventory_groups", "int_supply_by_state", "int_supply_bands")
ENGINE_SQL_AFTER = ("gap_lines", "gap_capabilities")


def variants(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The lever files' variant ids, in order."""
    return [v for (v,) in con.execute(
        "SELECT variant_id FROM stg_levers ORDER BY variant_id").fetchall()]


def _engine(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """The gap engine's steps that lead to gap_capabilities, as the gaps group runs them."""
    for step in ENGINE_SQL_BEFORE:
        run_sql(con, step, params)
    lines = query_df(con, "select_allocation_lines", params)
    bands = query_df(con, "select_allocation_bands", params)
    write_frame(con, "int_line_draws", allocation.allocate(lines, bands),
                allocation.DRAW_SCHEMA)
    for step in ENGINE_SQL_AFTER:
        run_sql(con, step, params)


@contextmanager
def _variant_schema(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """``whatif`` as the schema where unqualified tables are created and first looked up
    (``main`` after it) while the block runs; always back to ``main``, schema dropped."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    try:
        con.execute(f"USE {SCHEMA}")
        con.execute(f"SET search_path = '{SCHEMA},main'")
        yield
    finally:
        con.execute("USE main")
        con.execute("RESET search_path")
        con.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def figures(con: duckdb.DuckDBPyConnection, params: dict, variant_id: str | None,
            all_capabilities: bool = False) -> tuple[list[str], pd.DataFrame]:
    """One variant (``variant_id`` of stg_levers): the capabilities it touches, and its
    figures for them (rows like int_whatif_figures).

    ``variant_id=None, all_capabilities=True`` runs the same path with no change over
    every capability: the baseline again, for the check that the path is the engine."""
    with _variant_schema(con):
        run_sql(con, "whatif_rows", {"variant_id": variant_id})
        steps = [] if variant_id is None else [s for (s,) in con.execute(
            "SELECT step FROM stg_lever_changes WHERE variant_id = $v ORDER BY step",
            {"v": variant_id}).fetchall()]
        for step in steps:
            run_sql(con, "whatif_change", {"variant_id": variant_id, "step": step})
        run_sql(con, "whatif_variant", {"all_capabilities": all_capabilities})
        touched = [c for (c,) in con.execute(
            "SELECT capability_code FROM whatif_touched ORDER BY ALL").fetchall()]
        if not touched:
            return [], figures_frame()
        _engine(con, params)
        return touched, query_df(con, "select_whatif_figures",
                                 {"variant_id": variant_id or BASELINE})


def build(con: duckdb.DuckDBPyConnection, params: dict) -> dict[str, list[str]]:
    """int_whatif_figures (the baseline's figures as BASELINE, then what every lever file
    touches), then whatif_capabilities; per variant, the capabilities it touched. What
    the asset runs (whatif_summary is SQL on top)."""
    touched, frames = {}, [query_df(con, "select_whatif_figures", {"variant_id": BASELINE})]
    for variant_id in variants(con):
        touched[variant_id], frame = figures(con, params, variant_id)
        frames.append(frame)
    write_frame(con, "int_whatif_figures", pd.concat(frames, ignore_index=True),
                FIGURES_SCHEMA)
    run_sql(con, "whatif_capabilities", params)
    return touched


def baseline_again(con: duckdb.DuckDBPyConnection, params: dict) -> pd.DataFrame:
    """The baseline recomputed by the variant path over every capability, with no change
    (variant_id BASELINE): it must equal gap_capabilities, which shows that a variant is
    the engine run on a changed inventory."""
    return figures(con, params, None, all_capabilities=True)[1]


def figures_frame() -> pd.DataFrame:
    """An empty frame of int_whatif_figures' columns."""
    return pd.DataFrame({c: [] for c in FIGURES_SCHEMA})
