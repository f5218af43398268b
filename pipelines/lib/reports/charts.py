"""The report's charts in reading order; each figure is drawn by its topic's module.
"""

from __future__ import annotations

import pandas as pd

from pipelines.lib.publish import RunInfo
from pipelines.lib.reports import (
    buildup, burden_sharing, concurrency, confidence, offers, options, scorecard, shortfalls,
    trajectory, what_if,
)
from pipelines.lib.reports.figures import Chart


def build_charts(frames: dict[str, pd.DataFrame], run: RunInfo) -> list[Chart]:
    years = frames["capability_years"]
    base = years[years.year == run.base_year]
    # With no lever file there is nothing to compare: the chart is left out.
    whatif = [] if frames["levers"].empty else [
        Chart("whatif", "What if: the shortfall each lever and package closes",
              "Each scenario's total shortfall (force-pool units, over its capabilities) under "
              "the baseline (grey), under each single lever and under each package of levers "
              "(navy), as the lever files (levers/*.yaml) would make the inventory; scenarios "
              f"with the largest shortfall in {run.base_year} first. What a variant closes is "
              "the drop from the grey bar; hover a bar for it. Move the year slider for the "
              f"years {run.base_year}–{run.last_year}; the workbook's What if sheet says what "
              "each variant changes.",
              what_if.whatif_figure(frames["whatif"], run)),
    ]
    return [
        Chart("scorecard", "Scorecard: risk per capability and scenario",
              "Colour is the risk of each scenario's lines for the capability, the figure its "
              "coverage. Move the year slider to see gaps open and close as forces enter and "
              "leave service. Blank: the scenario does not need the capability."
              + scorecard.scorecard_scope(years, frames["scenarios"], run),
              scorecard.scorecard_figure(years, frames["scenarios"], run)),
        Chart("top_shortfalls", "Largest shortfalls by scenario and role",
              f"The requirement lines with the largest shortfall in {run.base_year}, in force-pool "
              "units (quantity × rotation), coloured by risk.",
              shortfalls.top_shortfalls_figure(frames["line_shortfalls"])),
        Chart("buildup", "How fast: the cover after an invocation, day by day",
              f"Share of each scenario's requirement covered by each day after the invocation, in "
              f"{run.base_year}, per role and for the scenario as a whole, counting units that "
              "arrive within each line's deadline; dashed: if deadlines could slip. Dotted "
              "verticals: the lines' deadlines. Choose the scenario in the menu.",
              buildup.buildup_figure(frames["buildup"], frames["buildup_lines"])),
        Chart("confidence", "How sure: coverage over the plausible worlds",
              "Each Monte Carlo draw is a plausible world in which units are available or not "
              "and member states take part or not. The band holds the middle 90 % of the "
              "draws' coverage, the line the median draw, the dashes the figure on expected "
              f"values. Choose one of the {confidence.TOP_FANS} lines least likely to be met "
              "in the menu; the workbook's Confidence sheet lists every line.",
              confidence.fan_figure(frames["confidence"], run)),
        Chart("waterfall", "From held to usable, against required",
              "For one scenario and capability: every unit held in the base year, less what "
              "may not deploy, is unavailable, is committed to NATO or is too slow, leaves what "
              f"is usable. Choose one of the {shortfalls.TOP_WATERFALLS} largest shortfalls in "
              "the menu, largest first; the workbook's Shortfalls sheet lists every one.",
              shortfalls.waterfall_figure(base)),
        Chart("trajectories", "Shortfall trajectories over the horizon",
              f"The {trajectory.TOP_TRAJECTORIES} scenario–capability pairs with the largest "
              f"shortfall in any year from {run.base_year} to {run.last_year}.",
              trajectory.trajectory_figure(years)),
        Chart("options_frontier", "What the money buys: the efficient frontier",
              "For each budget, the weighted shortfall left by the best choice of options "
              "(likelihood × weight × shortfall over every scenario, year and line), the "
              "essential shortfall left (dashed, right axis) and how many options it takes "
              "(labels). Hover a point for the options; the workbook's Options sheet lists them.",
              options.frontier_figure(frames["option_frontier"])),
        Chart("options_effect", "What the choice closes, capability by capability",
              "Shortfall in the base year over all scenarios, before and after the options "
              "chosen at the options file's budget.",
              options.before_after_figure(frames["option_effects"])),
        *whatif,
        Chart("burden_sharing", "Burden sharing: contribution share against GDP share",
              "Among the states other than the invoking one, in the base year. A state above its "
              "GDP share carries more than its weight. Choose the scenario in the menu.",
              burden_sharing.burden_sharing_figure(frames["burden_sharing"])),
        Chart("concurrency", "Concurrency: scenarios at once against the single-scenario view",
              "Shortfall when the case's scenarios compete for one inventory, beside the sum of "
              "their shortfalls one at a time, in the base year. Choose the case in the menu.",
              concurrency.concurrency_figure(frames["concurrency"])),
        Chart("offers", "After an invocation: needs against offers",
              "Per requirement line of a scenario with offers: what is required, what was offered "
              "quickly enough, and what was accepted. The gap between the last two bars is the "
              "unmet need; the Offers sheet says whom to ask.",
              offers.offers_figure(frames["offer_lines"])),
        Chart("coordination", "Coordination matrix: accepted offers by member state and capability",
              "What each member state's accepted offers cover, so the coordinator sees who does "
              "what and where offers concentrate. Outlined cells: NATO double-hatting.",
              offers.coordination_figure(frames["offer_coordination"])),
    ]
