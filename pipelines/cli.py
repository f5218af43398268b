"""`cdp-gap`: the command line of planners and national points of contact.

cdp-gap validate FILE...      check submissions against the pipeline's own rules
cdp-gap template FILE         an Excel template (inventory, offers), options.yaml or levers.yaml
cdp-gap refresh               materialise every asset (what `make run` does)
cdp-gap report                where the latest workbook, web report and snapshot are
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import textwrap
import time
from pathlib import Path

from pipelines.lib.settings import Settings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# Under CDP_REPORTS_DIR: the newest set through the link `latest`, and the snapshot.
LATEST_FILES = (
    ("Workbook", "latest/cdp_gap_report.xlsx"),
    ("Web report", "latest/index.html"),
    ("Snapshot", "warehouse_snapshot.duckdb"),
)


# --- validate ---------------------------------------------------------------


def validate(args: argparse.Namespace) -> int:
    from pipelines.lib import file_check

    data_dir = args.data_dir or Settings.from_env().data_dir
    missing = [path for path in args.files if not path.is_file()]
    if missing:
        return _usage_error(f"no such file: {', '.join(map(str, missing))}")
    try:
        reference = file_check.load_reference(data_dir)
    except file_check.NoReferenceData as error:
        return _usage_error(f"{error}; point --data-dir (or CDP_DATA_DIR) at the data folder")

    problems = []
    for path in args.files:
        kind = args.kind or file_check.guess_kind(path)
        if kind is None:
            print(
                f"{path}: cannot tell whether this is an inventory, offers, scenario, "
                "concurrency case, participation, options or levers file; say which with --kind"
            )
            problems.append((str(path), "", "", "", "", "kind of file unknown (use --kind)"))
            continue
        result = file_check.check_file(path, kind, reference)
        print(f"{path}: {kind}, {_counted(result)}")
        problems += [
            (
                r.source_file,
                r.sheet or "",
                "" if r.row_number is None else str(r.row_number),
                r.column or "",
                _shortened(r.value or "", 30),
                r.reason,
            )
            for r in result.rejects
        ]
    if not problems:
        print(f"No problems in {_plural(len(args.files), 'file')}.")
        return EXIT_OK
    print()
    print(_table(("file", "sheet", "row", "column", "value", "reason"), problems))
    print(
        f"\n{_plural(len(problems), 'problem')}. Rows with a problem are not used "
        "(a file-level problem, with no row, rejects the whole file)."
    )
    return EXIT_PROBLEMS


def _counted(result) -> str:
    if result.kind in ("scenario", "case", "levers"):
        return "accepted" if result.rows_accepted else "rejected whole"
    if result.kind == "options":
        whole = next((r for r in result.rejects if r.row_number is None), None)
        if whole is not None:
            return f"rejected whole: {whole.reason}"
        rejected = result.rows_read - result.rows_accepted
        return f"{_plural(result.rows_read, 'option')}, {result.rows_accepted} accepted, {rejected} rejected"
    whole = next((r for r in result.rejects if r.row_number is None), None)
    if whole is not None:
        return f"the file cannot be used: {whole.reason}"
    rejected = result.rows_read - result.rows_accepted
    read = _plural(result.rows_read, "row")
    return f"{read} read, {result.rows_accepted} accepted, {rejected} rejected"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Columns padded to their widest cell; the last column (the reason) runs free."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, str(row[-1])]).rstrip())
    return "\n".join(lines)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- template ---------------------------------------------------------------


def template(args: argparse.Namespace) -> int:
    from pipelines.lib import file_check, templates

    path: Path = args.file
    kind = args.kind or next(
        (k for k in (*templates.KINDS, templates.OPTIONS, templates.LEVERS)
         if k in path.stem.lower()), None
    )
    if kind is None:
        return _usage_error(
            f"cannot tell which template {path.name} should be; name it "
            "inventory.xlsx, offers.xlsx, options.yaml or levers.yaml, or give --kind"
        )
    if kind in (templates.OPTIONS, templates.LEVERS):
        return _yaml_template(args, path, kind)
    if path.suffix.lower() != ".xlsx":
        return _usage_error(f"a template is an Excel workbook: name it {path.stem}.xlsx")
    if path.exists() and not args.force:
        return _usage_error(f"{path} exists; give --force to replace it")
    data_dir = args.data_dir or Settings.from_env().data_dir
    try:
        reference = file_check.load_reference(data_dir)
    except file_check.NoReferenceData as error:
        return _usage_error(f"{error}; point --data-dir (or CDP_DATA_DIR) at the data folder")
    lists = templates.Lists(
        member_states=sorted(reference.member_states.items()),
        capabilities=sorted(reference.capabilities.items()),
        scenarios=sorted(
            (r.scenario["scenario_id"], r.scenario["name"]) for r in reference.scenarios
        ),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    templates.write_template(path, kind, lists)
    print(f"Wrote {path}: fill in the sheet '{kind}', then check it with: cdp-gap validate {path}")
    if kind == "offers" and not lists.scenarios:
        print(f"Note: no scenarios in {data_dir / 'scenarios'}, so the scenario_id list is empty.")
    return EXIT_OK


def _yaml_template(args: argparse.Namespace, path: Path, kind: str) -> int:
    from pipelines.lib import file_check, loading, templates

    if path.suffix.lower() not in (".yaml", ".yml"):
        return _usage_error(f"{'an options' if kind == templates.OPTIONS else 'a lever'} file "
                            f"is YAML: name it {path.stem}.yaml")
    if path.exists() and not args.force:
        return _usage_error(f"{path} exists; give --force to replace it")
    data_dir = args.data_dir or Settings.from_env().data_dir
    try:
        reference = file_check.load_reference(data_dir)
    except file_check.NoReferenceData as error:
        return _usage_error(f"{error}; point --data-dir (or CDP_DATA_DIR) at the data folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == templates.OPTIONS:
        templates.write_options_template(path, reference.member_states, reference.capabilities)
        what, folder = "put your options in it", loading.OPTIONS_FOLDER
    else:
        options = loading.validate_option_folder(
            data_dir, reference.member_states, reference.capabilities)
        templates.write_levers_template(
            path, reference.member_states, reference.capabilities,
            sorted(o["option_id"] for o in options.options))
        what, folder = "write your variant's changes in it", loading.LEVERS_FOLDER
    print(
        f"Wrote {path}: {what}, check it with: cdp-gap validate {path}, "
        f"then copy it to {data_dir / folder}/"
    )
    return EXIT_OK


# --- refresh ----------------------------------------------------------------


class _Progress(logging.Handler):
    """One line per finished step of a run, from Dagster's structured events."""

    def __init__(self, total: int):
        super().__init__()
        self.total = total
        self.done = 0

    def emit(self, record: logging.LogRecord) -> None:
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        if event is None:
            return
        kind = event.event_type_value
        if kind == "STEP_SUCCESS":
            self._line(
                "ok", event.step_key, f"{event.event_specific_data.duration_ms / 1000:.1f} s"
            )
        elif kind == "STEP_FAILURE":
            self._line("FAILED", event.step_key, event.event_specific_data.error.message.strip())
        elif kind == "STEP_SKIPPED":
            self._line("skipped", event.step_key, "an upstream step or blocking check failed")
        elif kind == "STEP_UP_FOR_RETRY":
            print(f"{'':9}retry  {event.step_key}: will try again", flush=True)
        elif kind == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed:
            data = event.event_specific_data
            print(
                f"{'':9}check failed: {data.asset_key.to_user_string()} {data.check_name}",
                flush=True,
            )

    def _line(self, status: str, step: str, detail: str) -> None:
        self.done += 1
        print(
            f"  [{self.done:>{len(str(self.total))}}/{self.total}] {status:<7} {step}  ({detail})",
            flush=True,
        )


def refresh(args: argparse.Namespace) -> int:
    from dagster import DagsterInstance, logger

    from pipelines.definitions import defs
    from pipelines.lib.refresh_summary import output_paths, summary_lines

    settings = Settings.from_env()
    job = defs.resolve_job_def("refresh_all")
    progress = _Progress(total=len(job.graph.node_dict))

    @logger
    def progress_logger(_):
        log = logging.Logger("cdp-gap.progress", level=logging.DEBUG)
        log.addHandler(progress)
        return log

    # Only the progress lines unless asked: Dagster's own console log is for debugging.
    console = {"console": {"config": {"log_level": "DEBUG"}}} if args.verbose else {}
    loggers = {"progress": {}, **console}
    job = job.with_logger_defs({"progress": progress_logger, **job.loggers})
    instance = (
        DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    )
    print(
        f"Refreshing from {settings.data_dir} (base year {settings.base_year}, "
        f"horizon {settings.horizon_years} years): {_plural(progress.total, 'step')}",
        flush=True,
    )
    started = time.monotonic()
    with instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": loggers},
            tags={"cdp/trigger": "command line"},
        )
    elapsed = time.monotonic() - started
    failed_checks = [
        e
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
    ]
    print()
    for line in _when_unlocked(summary_lines, settings) + output_paths(settings):
        print(line)
    for event in failed_checks:
        data = event.event_specific_data
        print(f"CHECK FAILED: {data.asset_key.to_user_string()} {data.check_name}", file=sys.stderr)
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                error = event.event_specific_data.error.message.strip()
                print(f"STEP FAILED: {event.step_key}: {error}", file=sys.stderr)
        print(f"Refresh FAILED after {elapsed:.1f} s (run {result.run_id}).", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Refresh succeeded in {elapsed:.1f} s (run {result.run_id}).")
    return EXIT_PROBLEMS if failed_checks else EXIT_OK


def _when_unlocked(read, *args, attempts: int = 60):
    """Read the warehouse, waiting while another process's refresh is writing it (DuckDB
    lets no reader in meanwhile)."""
    import duckdb

    for _ in range(attempts - 1):
        try:
            return read(*args)
        except duckdb.IOException:
            time.sleep(0.5)
    return read(*args)


# --- report -----------------------------------------------------------------


def report(args: argparse.Namespace) -> int:
    reports = Settings.from_env().reports_dir
    found = [(label, reports / name) for label, name in LATEST_FILES if (reports / name).exists()]
    for label, path in found:
        print(f"{label + ':':<12}{path}")
    missing = [reports / name for _, name in LATEST_FILES if not (reports / name).exists()]
    for path in missing:
        print(f"{'Not yet:':<12}{path}")
    if missing:
        print("Run `cdp-gap refresh` (or `make run`) to publish what is missing.")
    return EXIT_OK if found else EXIT_PROBLEMS


# --- the parser ------------------------------------------------------------


def _usage_error(message: str) -> int:
    print(f"cdp-gap: {message}", file=sys.stderr)
    return EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    from pipelines.lib.file_check import KINDS

    def described(text: str) -> dict:
        return {
            "description": textwrap.dedent(text).strip(),
            "formatter_class": argparse.RawDescriptionHelpFormatter,
        }

    parser = argparse.ArgumentParser(
        prog="cdp-gap",
        **described("""
            Capability Development Plan scenario-gap analysis for EU Art. 42.7 contingencies.

            Settings come from the environment: CDP_DATA_DIR (inputs), CDP_WAREHOUSE,
            CDP_REPORTS_DIR, CDP_BASE_YEAR, CDP_HORIZON_YEARS (see README.md).
        """),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_dir = {
        "type": Path,
        "metavar": "DIR",
        "help": "the data folder with reference/ and scenarios/ (default: CDP_DATA_DIR or data/)",
    }

    p = commands.add_parser(
        "validate",
        help="check national submissions, scenario, participation, options or lever files",
        **described("""
            Check input files against exactly the rules the pipeline applies, and list every
            problem (file, sheet, row, column, value, reason). Exits 1 if there is any.

            The kind of each file is told by its folder (inventory/, offers/, scenarios/,
            concurrency/, options/, levers/), else by its name (participation*.csv: the
            participation estimates of reference/), its sheet, columns or YAML keys; --kind
            forces it. Member states and capability codes come from DIR/reference/, the
            scenarios an offer or a concurrency case may name from DIR/scenarios/, and an
            options file is checked together with the files of DIR/options/ (ids unique
            across them; excludes and requires may name their options). A lever file is
            checked together with the files of DIR/levers/ (variant ids unique across
            them); add_options may name the accepted options of DIR/options/.

            examples:  cdp-gap validate inventory_FI_2026.xlsx
                       cdp-gap validate participation.csv
                       cdp-gap validate --kind options my_options.yaml
                       cdp-gap validate --kind levers my_variant.yaml
        """),
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="CSV, XLSX or YAML files")
    p.add_argument("--kind", choices=KINDS, help="treat every FILE as this kind of input")
    p.add_argument("--data-dir", **data_dir)
    p.set_defaults(func=validate)

    p = commands.add_parser(
        "template",
        help="write an Excel template (inventory, offers) or a commented options.yaml or "
        "levers.yaml",
        **described("""
            Write an Excel workbook to fill in: an instructions sheet, the data sheet the
            pipeline reads (named inventory or offers) with the contract's columns, and
            Excel data validation on every column (drop-down lists of member states,
            capability codes and scenarios; whole-number, range and date rules).
            For options.yaml: a commented example options file (methodology §11) that
            validates as it is, to edit and copy to DIR/options/. For levers.yaml: a
            commented example lever file, one what-if variant (methodology §12), that
            validates as it is, to edit and copy to DIR/levers/.

            examples:  cdp-gap template inventory.xlsx
                       cdp-gap template offers.xlsx
                       cdp-gap template options.yaml
                       cdp-gap template levers.yaml
        """),
    )
    p.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="where to write it; the name says which (inventory.xlsx, offers.xlsx, options.yaml, "
        "levers.yaml)",
    )
    p.add_argument(
        "--kind",
        choices=("inventory", "offers", "options", "levers"),
        help="which template, whatever the name",
    )
    p.add_argument("--data-dir", **data_dir)
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=template)

    p = commands.add_parser(
        "refresh",
        help="ingest every input, compute every gap, publish the reports",
        **described("""
            Materialise every asset in this process, showing each step as it finishes,
            then summarise the tables, the headline per scenario and where the reports
            are. This is what `make run` does. Exits 1 if a step or an asset check fails.
        """),
    )
    p.add_argument("--verbose", action="store_true", help="also show Dagster's own log")
    p.set_defaults(func=refresh)

    p = commands.add_parser(
        "report",
        help="print where the latest workbook, web report and snapshot are",
        **described("""
            Print the paths of the latest published workbook, web report and warehouse
            snapshot (CDP_REPORTS_DIR/latest/ and CDP_REPORTS_DIR/warehouse_snapshot.duckdb).
            Exits 1 if none has been published yet.
        """),
    )
    p.set_defaults(func=report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
