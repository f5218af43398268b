"""`cdp-gap refresh` (what `make run` calls) on a data set laid out as the contract says,
found only through the CDP_* variables."""

import os
import subprocess
import sys

import duckdb

from tests.support import inv, line, scenario


def test_refresh_runs_on_another_data_set_through_the_environment(data_dir, tmp_path):
    data_dir.inventory("PL", [inv("PL", "BS.SURV.UAS", 3, 5), inv("PL", "BS.SURV.UAS", "x", 5)])
    data_dir.scenario("fi", scenario("FI-A", "FI", [line("L1", "BS.SURV.UAS", 2, 10)]))
    warehouse = tmp_path / "elsewhere" / "gaps.duckdb"
    env = {**os.environ, "CDP_DATA_DIR": str(data_dir.root), "CDP_WAREHOUSE": str(warehouse),
           "CDP_REPORTS_DIR": str(tmp_path / "reports"), "CDP_BASE_YEAR": "2027",
           "CDP_HORIZON_YEARS": "1", "DAGSTER_HOME": str(tmp_path / "home")}
    (tmp_path / "home").mkdir()
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "refresh"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "FI-A: 1 of 1 requirement lines met" in done.stdout
    assert str(warehouse) in done.stdout
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT DISTINCT year FROM gap_lines ORDER BY 1").fetchall() == [(2027,), (2028,)]
        assert con.execute("SELECT row_number, \"column\" FROM ingest_rejects").fetchall() == [(3, "quantity")]
    finally:
        con.close()
