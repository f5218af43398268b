"""Test support: a data folder written by the test itself, row builders, and a handle
on a materialised warehouse."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import yaml

REPO = Path(__file__).resolve().parents[1]
MEMBER_STATES = REPO / "data" / "reference" / "member_states.csv"

CAPABILITIES = [
    # capability_code, name, domain, unit, roles
    ("BS.SURV.UAS", "Surveillance UAS", "isr", "system", "border_security"),
    ("BS.INF.LIGHT", "Light infantry company", "land", "company", "border_security;domestic_support"),
    ("DS.CYBER.RRT", "Cyber rapid response team", "cyber", "team", "domestic_support"),
    ("DS.MED.ROLE2", "Role 2 medical treatment facility", "medical", "system", "domestic_support"),
]
INVENTORY_COLUMNS = [
    "member_state", "capability_code", "quantity", "readiness_days", "availability",
    "deployable_abroad", "nato_committed", "available_from", "available_until", "as_of", "notes",
]


@dataclass
class DataDir:
    """A data folder laid out as the data contract says, written by the test itself."""

    root: Path

    @classmethod
    def existing(cls, root: Path) -> DataDir:
        """An existing data folder, used as it is (nothing written)."""
        obj = cls.__new__(cls)
        obj.root = root
        return obj

    def __post_init__(self) -> None:
        for sub in ("reference", "inbox/inventory", "inbox/offers", "scenarios/concurrency"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        shutil.copy(MEMBER_STATES, self.root / "reference" / "member_states.csv")
        self.write_csv("reference/capabilities.csv", ["capability_code", "name", "domain", "unit", "roles"],
                       CAPABILITIES)

    def write_csv(self, relative: str, header: list[str], rows: list, encoding: str = "utf-8") -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding=encoding) as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    def write_xlsx(self, relative: str, sheet: str, header: list[str], rows: list) -> Path:
        path = self.root / relative
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = sheet
        ws.append(header)
        for row in rows:
            ws.append(list(row))
        wb.save(path)
        return path

    def inventory(self, name: str, rows: list[dict], fmt: str = "csv") -> Path:
        """Inventory rows as dicts; missing optional columns are left blank (defaults apply)."""
        table = [[r.get(c, "") for c in INVENTORY_COLUMNS] for r in rows]
        relative = f"inbox/inventory/{name}.{fmt}"
        if fmt == "xlsx":
            table = [[None if v == "" else v for v in row] for row in table]
            return self.write_xlsx(relative, "inventory", INVENTORY_COLUMNS, table)
        return self.write_csv(relative, INVENTORY_COLUMNS, table)

    def scenario(self, name: str, document: dict | str) -> Path:
        path = self.root / "scenarios" / f"{name}.yaml"
        text = document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    def case(self, name: str, document: dict) -> Path:
        path = self.root / "scenarios" / "concurrency" / f"{name}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return path


def inv(state: str, capability: str, quantity, readiness, **extra) -> dict:
    """One inventory row with an explicit as_of (file times are not reproducible)."""
    return {"member_state": state, "capability_code": capability, "quantity": quantity,
            "readiness_days": readiness, "as_of": "2026-03-31", **extra}


def line(line_id: str, capability: str, quantity, max_readiness_days: int, rotation=1,
         criticality="essential", role="border_security") -> dict:
    return {"id": line_id, "role": role, "capability": capability, "quantity": quantity,
            "max_readiness_days": max_readiness_days, "rotation": rotation,
            "criticality": criticality}


def scenario(sid: str, invoking: str, lines: list[dict], art5: bool = False, likelihood: int = 3) -> dict:
    return {"id": sid, "name": f"Test scenario {sid}", "invoking_state": invoking,
            "nato_article5_concurrent": art5, "likelihood": likelihood, "duration_days": 180,
            "requirements": lines}


@dataclass
class Run:
    result: object
    warehouse: Path

    def query(self, sql: str, params=None) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def df(self, sql: str, params=None):
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).df()
        finally:
            con.close()

    def check_results(self) -> dict[str, bool]:
        """check name -> passed, for every check evaluated in the run."""
        return {
            e.event_specific_data.check_name: e.event_specific_data.passed
            for e in self.result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION"
        }

    def failed_checks(self) -> list[str]:
        results = self.check_results()
        assert results, "no asset check ran"
        return sorted(name for name, passed in results.items() if not passed)


def run_assets(data: DataDir, workdir: Path, base_year: int = 2026, horizon_years: int = 2,
               selection=None, warehouse: Path | None = None, extra_assets=(),
               **settings) -> Run:
    """Materialise the real assets (all, or a selection; with `extra_assets` beside them) on
    a data folder, with the warehouse (default `workdir/warehouse.duckdb`) and reports in
    `workdir`; `settings` overrides other Settings fields (marking, buildup_days, ...)."""
    from dagster import materialize

    from pipelines.definitions import defs
    from pipelines.defs.resources import build_resources
    from pipelines.lib.settings import Settings

    settings = Settings(**{
        "data_dir": data.root,
        "warehouse": warehouse or workdir / "warehouse.duckdb",
        "reports_dir": workdir / "reports",
        "base_year": base_year,
        "horizon_years": horizon_years,
        "marking": "UNCLASSIFIED – TEST",
        **settings,
    })
    result = materialize(
        [*defs.assets, *extra_assets, *defs.asset_checks],
        resources=build_resources(settings),
        selection=selection,
        raise_on_error=False,
    )
    return Run(result, settings.warehouse)
