"""The answer per scenario, in words: the question this tool exists for — if this state
invoked Art. 42.7, could the Union cover the tasks, where are the gaps, how fast does
the cover come, and who gives most — answered in a few sentences from the figures.

The sentences are made from `frames.report_frames` (the same figures the sheets show)
and add nothing to them: every number in a sentence is a number of the Summary,
Shortfalls, Confidence, Build-up, Burden sharing or What if sheet, rounded for reading.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipelines.lib.publish import RunInfo

GAPS_NAMED = 4  # the worst gaps named in a sentence; the Shortfalls sheet lists them all
CONTRIBUTORS_NAMED = 3
SETTLED = 1e-9  # §5's tolerance: a share within it of the next is the same share


@dataclass(frozen=True)
class Answer:
    scenario_id: str
    cover: str  # covered or not per role, in the base year
    gaps: str  # the named capability gaps, their risk and when each closes
    speed: str  # how fast the cover builds up
    helpers: str  # the states that contribute most
    sure: str = ""  # the essential lines met in fewer than 9 of 10 plausible worlds
    levers: str = ""  # the single lever that closes most, and what the package leaves

    @property
    def parts(self) -> list[str]:
        return [part for part in (self.cover, self.gaps, self.sure, self.speed, self.helpers,
                                  self.levers)
                if part]

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def percent(share: float) -> str:
    """A share as a person reads it: never 100 % unless it is whole, never 0 % unless nil."""
    if share >= 1 - SETTLED:
        return "100 %"
    if share <= SETTLED:
        return "0 %"
    return f"{min(max(round(share * 100), 1), 99)} %"


def listing(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def scenario_answers(frames: dict[str, pd.DataFrame], run: RunInfo) -> list[Answer]:
    """One answer per scenario, in the order of the scenarios."""
    roles, shortfalls, buildup, burden, confidence, whatif = (
        _by_scenario(frames.get(name)) for name in
        ("roles", "shortfalls", "buildup", "burden_sharing", "confidence", "whatif"))
    return [
        Answer(
            scenario.scenario_id,
            cover=_cover(scenario, roles(scenario.scenario_id), run),
            gaps=_gaps(scenario.scenario_id, shortfalls(scenario.scenario_id), run),
            speed=_speed(scenario.scenario_id, buildup(scenario.scenario_id)),
            helpers=_helpers(scenario, burden(scenario.scenario_id)),
            sure=_sure(scenario.scenario_id, confidence(scenario.scenario_id), run),
            levers=_levers(scenario.scenario_id, whatif(scenario.scenario_id), run),
        )
        for scenario in frames["scenarios"].itertuples()
    ]


def _by_scenario(frame: pd.DataFrame | None):
    """A scenario's rows of `frame`, in its order, found by one grouping: at 200 scenarios
    a scan of every row per scenario was most of the time the answers took. The sentence
    functions filter what they are given as before, so the rows they see are the same."""
    if frame is None:
        return lambda scenario_id: None
    groups = dict(iter(frame.groupby("scenario_id", sort=False)))
    none = frame.iloc[:0]
    return lambda scenario_id: groups.get(scenario_id, none)


def _cover(scenario, roles: pd.DataFrame, run: RunInfo) -> str:
    state = scenario.invoking_state_name or scenario.invoking_state
    rows = roles[roles.scenario_id == scenario.scenario_id]
    covered = [r.role for r in rows.itertuples() if r.lines_met == r.lines]
    short = [
        f"{r.role} ({r.lines_met} of {r.lines} {'line' if r.lines == 1 else 'lines'} met, "
        f"{percent(r.coverage)} of the requirement)"
        for r in rows.itertuples() if r.lines_met < r.lines
    ]
    opening = f"If {state} invoked Art. 42.7 ({scenario.name}), in {run.base_year} the Union"
    if not short:
        return f"{opening} could cover {listing(covered) or 'every task'} in full."
    if not covered:
        if len(short) == 2:
            return f"{opening} could cover neither {short[0]} nor {short[1]}."
        return f"{opening} could not cover {listing(short)}."
    return f"{opening} could cover {listing(covered)} in full, but not {listing(short)}."


def _gaps(scenario_id: str, shortfalls: pd.DataFrame, run: RunInfo) -> str:
    rows = shortfalls[shortfalls.scenario_id == scenario_id]
    if rows.empty:
        return ""
    named = []
    for gap in rows.head(GAPS_NAMED).itertuples():
        closes = (f"closes in {int(gap.closes_in_year)}" if pd.notna(gap.closes_in_year)
                  else f"still open in {run.last_year}")
        name = f" {gap.capability_name}" if isinstance(gap.capability_name, str) else ""
        named.append(f"{gap.capability_code}{name}: {gap.risk_level} risk, "
                     f"{percent(gap.coverage)} covered, {closes}")
    more = len(rows) - len(named)
    tail = f"; {more} more on the Shortfalls sheet" if more > 0 else ""
    label = "Gap" if len(rows) == 1 else "Gaps"
    return f"{label}: {'; '.join(named)}{tail}."


def _sure(scenario_id: str, confidence: pd.DataFrame | None, run: RunInfo) -> str:
    """The essential lines that fewer than 9 of 10 plausible worlds meet (methodology §10),
    with the risk on expected values beside: 'none' there means the line's supply is
    enough on average but not in enough of the worlds."""
    if confidence is None or confidence.empty:
        return ""
    rows = confidence[(confidence.scenario_id == scenario_id)
                      & (confidence.year == run.base_year)
                      & (confidence.criticality == "essential")]
    if rows.empty:
        return ""
    # Lines met on expected values come first: that they may fail is the news.
    unsure = rows[rows.p_met < 0.9 - SETTLED]
    unsure = unsure.assign(_short=unsure.risk_level != "none").sort_values(
        ["_short", "p_met", "line_id"])
    if unsure.empty:
        return "Every essential line is met in at least 9 of 10 plausible worlds."
    named = []
    for line in unsure.head(GAPS_NAMED).itertuples():
        expected = ("met on expected values" if line.risk_level == "none"
                    else f"{line.risk_level} risk on expected values")
        share = "never" if line.p_met <= SETTLED else f"in {percent(line.p_met)} of them"
        named.append(f"{line.line_id} {line.capability_code} {share} ({expected}; coverage "
                     f"{percent(line.coverage_p05)}–{percent(line.coverage_p95)} in 90 % of "
                     "them)")
    more = len(unsure) - len(named)
    tail = f"; {more} more on the Confidence sheet" if more > 0 else ""
    return ("Essential lines met in fewer than 9 of 10 plausible worlds: "
            f"{'; '.join(named)}{tail}.")


def _levers(scenario_id: str, whatif: pd.DataFrame | None, run: RunInfo) -> str:
    """What if (methodology §12), in the base year: the single lever (a lever file of one
    change) that closes most of the scenario's total shortfall, and what is left after the
    package (a lever file of several changes) that leaves least; figures of the What if
    sheet."""
    if whatif is None or whatif.empty:
        return ""
    rows = whatif[(whatif.scenario_id == scenario_id) & (whatif.year == run.base_year)
                  & (whatif.kind != "baseline")]
    if rows.empty:
        return ""
    total = float(rows.total_shortfall_baseline.iloc[0])
    if total <= SETTLED:
        return ""
    parts = []
    singles = rows[rows.kind == "single lever"].sort_values(["closed", "variant_id"],
                                                            ascending=[False, True])
    if len(singles):
        best = singles.iloc[0]
        if best.closed > SETTLED:
            parts.append(f"the single lever that closes most of the {total:,.1f} shortfall "
                         f"in {run.base_year} is {best.variant_id} ({best.closed:,.1f} "
                         "closed)")
        else:
            parts.append(f"no single lever closes any of the {total:,.1f} shortfall in "
                         f"{run.base_year}")
    packages = rows[rows.kind == "package"].sort_values(["total_shortfall", "variant_id"])
    if len(packages):
        best = packages.iloc[0]
        left = float(best.total_shortfall)
        if left <= SETTLED:
            after = f"the package {best.variant_id} closes all of it"
        elif best.closed <= SETTLED:
            after = f"the package {best.variant_id} closes none of it"
        else:
            after = f"after the package {best.variant_id}, {left:,.1f} is left"
        parts.append(after if parts else
                     f"{after}, of the {total:,.1f} shortfall in {run.base_year}")
    if not parts:
        return ""
    return "What if: " + "; ".join(parts) + " (What if sheet)."


def milestones(days: list[int], shares: list[float]) -> list[tuple[int, float]]:
    """The checkpoints worth saying: the first with any cover, the first at half or more,
    and the first that reaches the final level; each said once, in order of days."""
    final = shares[-1] if shares else 0.0
    if final <= SETTLED:
        return []
    picks = []
    for wanted in (lambda s: s > SETTLED, lambda s: s >= 0.5 - SETTLED,
                   lambda s: s >= final - SETTLED):
        hit = next(((d, s) for d, s in zip(days, shares) if wanted(s)), None)
        if hit and hit not in picks:
            picks.append(hit)
    return sorted(picks)


def _speed(scenario_id: str, buildup: pd.DataFrame) -> str:
    rows = buildup[(buildup.scenario_id == scenario_id) & (buildup.role == "all roles")]
    if rows.empty:
        return ""
    rows = rows.sort_values("day")
    days, shares = rows.day.astype(int).tolist(), rows.share.tolist()
    picks = milestones(days, shares)
    if not picks or shares[-1] <= SETTLED:
        text = f"Nothing arrives within the lines' deadlines by D+{days[-1]}."
    else:
        steps = [f"{percent(s)} by D+{d}" for d, s in picks]
        text = f"Cover builds up to {listing(steps)}"
        text += "." if shares[-1] >= 1 - SETTLED else f", and no further by D+{days[-1]}."
    late = rows.share_if_late.tolist()
    if late[-1] > shares[-1] + SETTLED:
        day = next(d for d, s in zip(days, late) if s >= late[-1] - SETTLED)
        text += (f" If deadlines could slip, {percent(late[-1])} would be there "
                 f"by D+{day}.")
    return text


def _helpers(scenario, burden: pd.DataFrame) -> str:
    rows = burden[(burden.scenario_id == scenario.scenario_id)
                  & ~burden.is_invoking_state.astype(bool)
                  & (burden.line_equivalents > SETTLED)]
    rows = rows.sort_values(["line_equivalents", "member_state"], ascending=[False, True])
    own = burden[(burden.scenario_id == scenario.scenario_id)
                 & burden.is_invoking_state.astype(bool)]
    state = scenario.invoking_state_name or scenario.invoking_state
    own_part = ""
    if not own.empty and own.line_equivalents.iloc[0] > SETTLED:
        own_part = (f"; {state} itself fills {own.line_equivalents.iloc[0]:.1f}")
    if rows.empty:
        return f"No other member state contributes{own_part}."
    top = rows.head(CONTRIBUTORS_NAMED)
    names = [r.member_state_name or r.member_state for r in top.itertuples()]
    worth = [f"{value:.1f}" for value in top.line_equivalents]
    return (f"Most help comes from {listing(names)} ({listing(worth)} requirement lines' "
            f"worth{own_part}).")
