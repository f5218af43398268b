"""One input file checked before it is sent: what `cdp-gap validate` runs.

The rules are the pipeline's own: the functions of `validation`, given the reference
data the ingest assets give them (member states and capabilities from `reference/`,
scenarios from `scenarios/`, read by `loading`). Nothing here is a second copy of a
rule; this module only picks which rule set a file needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.lib import loading, validation
from pipelines.lib.inputs import UnreadableFile, read_input, read_text_file, table_of
from pipelines.lib.safe_yaml import YamlError, load_yaml_with_lines

KINDS = ("inventory", "offers", "scenario", "case", "participation", "options", "levers")
# The folders of the data contract, by their last part.
FOLDER_KINDS = {
    "inventory": "inventory",
    "offers": "offers",
    "scenarios": "scenario",
    "concurrency": "case",
    "options": "options",
    "levers": "levers",
}
YAML_SUFFIXES = (".yaml", ".yml")
# Table kinds, by the sheet the pipeline reads; participation is a reference file.
TABLE_KINDS = ("offers", "inventory", "participation")


class NoReferenceData(Exception):
    """The data folder has no usable reference data, so no file can be checked."""


@dataclass(frozen=True)
class Reference:
    """What the pipeline checks references against, read from a data folder."""

    data_dir: Path
    member_states: dict[str, str]  # code -> name
    capabilities: dict[str, str]  # code -> name
    scenarios: tuple[validation.ScenarioReport, ...]  # accepted ones

    @property
    def invoking_states(self) -> dict[str, str]:
        return {r.scenario["scenario_id"]: r.scenario["invoking_state"] for r in self.scenarios}


@dataclass(frozen=True)
class FileCheck:
    path: Path
    kind: str
    rows_read: int
    rows_accepted: int
    rejects: list[validation.Reject]

    @property
    def clean(self) -> bool:
        return not self.rejects


def load_reference(data_dir: Path) -> Reference:
    states, capabilities = loading.validate_reference(data_dir)
    member_states = {row["code"]: row["name"] for row in states.rows}
    codes = {row["capability_code"]: row["name"] for row in capabilities.rows}
    if not member_states or not codes:
        reasons = "; ".join(
            r.reason for r in states.rejects + capabilities.rejects if r.row_number is None
        )
        raise NoReferenceData(
            f"no usable reference data in {data_dir / 'reference'}"
            + (f" ({reasons})" if reasons else "")
        )
    scenarios, _ = loading.validate_scenario_folder(data_dir, member_states, codes)
    return Reference(data_dir, member_states, codes, tuple(r for r in scenarios if r.scenario))


def guess_kind(path: Path) -> str | None:
    """The kind of input a file is: by its folder, else by its name (participation),
    else by its content; None if unsure."""
    by_folder = FOLDER_KINDS.get(path.parent.name.lower())
    if by_folder:
        return by_folder
    if "participation" in path.stem.lower():
        return "participation"
    if path.suffix.lower() in YAML_SUFFIXES:
        return _yaml_kind(path)
    return _table_kind(path)


def _yaml_kind(path: Path) -> str | None:
    try:
        document, _ = load_yaml_with_lines(read_text_file(path))
    except (UnreadableFile, YamlError):
        return None
    if isinstance(document, dict) and "requirements" in document:
        return "scenario"
    if isinstance(document, dict) and "scenarios" in document:
        return "case"
    if isinstance(document, dict) and "options" in document:
        return "options"
    if isinstance(document, dict) and "changes" in document:
        return "levers"
    return None


def _table_kind(path: Path) -> str | None:
    read = read_input(path)
    if read.error:
        return None
    columns: set[str] = set()
    for kind in TABLE_KINDS:
        try:
            table = table_of(read, preferred_sheet=kind)
        except UnreadableFile:
            continue  # perhaps only the first sheet is unreadable: try the other name
        if (table.sheet or "").strip().lower() == kind:
            return kind
        columns |= set(table.columns)
    # A column only offers have, or only inventories have, decides.
    if columns & (set(validation.OFFER_REQUIRED) - set(validation.INVENTORY_REQUIRED)):
        return "offers"
    if columns & (set(validation.INVENTORY_REQUIRED) - set(validation.OFFER_REQUIRED)):
        return "inventory"
    if {"role", "probability"} <= columns:
        return "participation"
    return None


def check_file(path: Path, kind: str, reference: Reference) -> FileCheck:
    """Validate one file as the ingest asset for its kind would."""
    source = loading.relative_name(path, reference.data_dir)
    states, capabilities = reference.member_states, reference.capabilities
    if kind == "inventory":
        report = validation.validate_inventory(
            path, source, states, capabilities, loading.modification_date(path)
        )
        return FileCheck(path, kind, report.rows_read, report.rows_accepted, report.rejects)
    if kind == "offers":
        report = validation.validate_offers(
            path, source, states, capabilities, reference.invoking_states
        )
        return FileCheck(path, kind, report.rows_read, report.rows_accepted, report.rejects)
    if kind == "scenario":
        return _check_scenario(path, source, reference)
    if kind == "case":
        report = validation.validate_case(path, source, reference.invoking_states.keys())
        return FileCheck(path, kind, 1, int(report.case is not None), report.rejects)
    if kind == "participation":
        report = validation.validate_participation(path, source, states)
        return FileCheck(path, kind, report.rows_read, report.rows_accepted, report.rejects)
    if kind == "options":
        return _check_options(path, source, reference)
    if kind == "levers":
        return _check_levers(path, source, reference)
    raise ValueError(f"unknown kind of file {kind!r}; one of {', '.join(KINDS)}")


def _check_scenario(path: Path, source: str, reference: Reference) -> FileCheck:
    mine = validation.validate_scenario(
        path, source, reference.member_states, reference.capabilities
    )
    # Ids must be unique across files: of two files with one id the pipeline uses the
    # first in name order, so either this file or one already there would be dropped.
    others = [r for r in reference.scenarios if r.source_file != source]
    after = validation.dedupe_scenarios([*others, mine])
    mine = next(r for r in after if r.source_file == source)
    dropped = [
        reject for r in after if r is not mine and r.scenario is None for reject in r.rejects
    ]
    return FileCheck(path, "scenario", 1, int(mine.scenario is not None), mine.rejects + dropped)


def _check_options(path: Path, source: str, reference: Reference) -> FileCheck:
    """An options file checked together with the other files of `options/` (ids are
    unique across them, and `excludes` and `requires` may name their options), as if it
    were there; besides its own problems, it lists what it would newly break in the
    others."""
    states, capabilities = reference.member_states, reference.capabilities
    folder = reference.data_dir / loading.OPTIONS_FOLDER
    if not source.startswith(f"{loading.OPTIONS_FOLDER}/"):
        # Judged as it would be once copied into options/ (file-name order decides which
        # of two options with one id is used), replacing a file of the same name there.
        source = loading.relative_name(folder / path.name, reference.data_dir)
    # resolve_options adds to the reports it is given, so each resolution reads afresh.
    before = set(validation.resolve_options(_others(reference, source)).rejects)
    mine = validation.validate_option_file(path, source, states, capabilities)
    together = validation.resolve_options([*_others(reference, source), mine])
    caused = [r for f in together.files if f.source_file != source for r in f.rejects
              if r not in before]
    own = sorted(mine.rejects, key=lambda r: (r.row_number is not None, r.row_number or 0))
    return FileCheck(path, "options", mine.rows_read, len(mine.accepted), own + caused)


def _others(reference: Reference, skip: str) -> list[validation.OptionFileReport]:
    data_dir = reference.data_dir
    return [
        validation.validate_option_file(
            p, loading.relative_name(p, data_dir), reference.member_states, reference.capabilities
        )
        for p in loading.yaml_files(data_dir / loading.OPTIONS_FOLDER)
        if loading.relative_name(p, data_dir) != skip
    ]


def _check_levers(path: Path, source: str, reference: Reference) -> FileCheck:
    """A lever file checked as the ingest would check it in `levers/`: against the
    reference data and the accepted options of `options/` (what add_options may name),
    and together with the other lever files (variant ids are unique across them, the
    first in file-name order is used); besides its own problems, it lists a file there
    that it would push out."""
    data_dir = reference.data_dir
    states, capabilities = reference.member_states, reference.capabilities
    folder = data_dir / loading.LEVERS_FOLDER
    if not source.startswith(f"{loading.LEVERS_FOLDER}/"):
        # Judged as it would be once copied into levers/, replacing a file of that name.
        source = loading.relative_name(folder / path.name, data_dir)
    accepted, rejected = loading.option_ids(
        loading.validate_option_folder(data_dir, states, capabilities))
    mine = validation.validate_lever_file(path, source, states, capabilities, accepted, rejected)
    others = [
        validation.validate_lever_file(p, loading.relative_name(p, data_dir), states,
                                       capabilities, accepted, rejected)
        for p in loading.yaml_files(folder)
        if loading.relative_name(p, data_dir) != source
    ]
    after = validation.dedupe_levers([*others, mine])
    mine = next(r for r in after if r.source_file == source)
    before = {r.source_file for r in validation.dedupe_levers(others) if r.lever is None}
    pushed_out = [
        reject for r in after
        if r is not mine and r.lever is None and r.source_file not in before
        for reject in r.rejects
    ]
    return FileCheck(path, "levers", 1, int(mine.lever is not None), mine.rejects + pushed_out)
