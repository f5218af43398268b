"""The report's look and words, shared by the workbook and the web pages: sober EU/EUMS
blues, a stoplight for risk, and the plain-language explanations every reader needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.lib.publish import RunInfo


RISK_LEVELS = ("none", "low", "moderate", "significant", "high")


RISK_COLOURS = {
    "none": "#63BE7B",
    "low": "#C5E17A",
    "moderate": "#FFC000",
    "significant": "#ED7D31",
    "high": "#C00000",
}


RISK_TEXT_COLOURS = {level: "#FFFFFF" if level == "high" else "#1F1F1F" for level in RISK_LEVELS}


RISK_MEANINGS = {
    "none": "no shortfall",
    "low": "an important line covered 75 % or more, or a desirable line 50 % or more",
    "moderate": "an essential line covered 75 % or more, an important line 50 % or more, "
                "or a desirable line less than 50 %",
    "significant": "an essential line covered 50 % or more, or an important line less than 50 %",
    "high": "an essential line covered less than 50 %",
}

# What a line's criticality says, in the words of the scenario files' authors.
CRITICALITY_MEANINGS = {
    "essential": "the task fails without it; served first",
    "important": "the task is degraded without it; served next",
    "desirable": "adds margin; served last",
}
# The scenario file's likelihood (1–5) in words; it weights the Priorities (methodology §6).
LIKELIHOOD_SCALE = {
    1: "very unlikely", 2: "unlikely", 3: "possible", 4: "likely", 5: "very likely",
}
LIKELIHOOD_TEXT = "; ".join(f"{k} {v}" for k, v in LIKELIHOOD_SCALE.items())


NAVY = "#1F3864"


EU_BLUE = "#003399"


MARKING_BAND = "#FFF2CC"


MARKING_TEXT = "#3A3A3A"


GREY_TEXT = "#595959"


LINK_BLUE = "#0563C1"


FONT = "Segoe UI, Helvetica Neue, Arial, sans-serif"  # installed fonts only: nothing to fetch


# Muted, distinguishable line colours (not the stoplight's, which mean risk).
COLOURWAY = ["#1F3864", "#C55A11", "#2E75B6", "#7F7F7F", "#548235", "#BF9000", "#7030A0",
             "#9DC3E6", "#843C0C", "#404040"]


ROLE_ORDER = ("border security", "domestic support")


# What a reader needs to know to use the figures; the Method sheet and index.html show it.
METHOD = [
    ("What a figure means",
     "Required = quantity × rotation: the force pool that keeps the quantity deployed for "
     "the whole scenario. Allocated = what the inventory provides to the line under the rules "
     "below. Shortfall = required − allocated. Coverage = allocated ÷ required. Quantities are "
     "counted in each capability's own unit (team, company, aircraft, vessel …) and shown to "
     "one decimal; the warehouse holds them exactly."),
    ("Which units count",
     "A unit counts for a scenario in a year when it is in service that year, is of the line's "
     "capability, and belongs to the invoking state or may deploy abroad. It counts with "
     "quantity × availability, less the share committed to NATO when NATO's Article 5 runs at "
     "the same time. It may serve a line only if its notice to move is within the line's "
     "maximum readiness."),
    ("Allocation within a scenario",
     "Lines take supply in order of criticality (essential, important, desirable), then the "
     "tightest readiness first. Each line draws the slowest acceptable units first, keeping "
     "fast units for the lines that need them; within one readiness it draws from every "
     "holder in proportion to what each still has free. The Contributions sheet lists every "
     "piece: a line's contributions add up to its allocated."),
    ("Fractional figures",
     "A figure like 1.4 is not a number of units anyone can send. Supply counts as quantity × "
     "availability (less the NATO share when Article 5 runs at the same time), and a line's "
     "draw is split over every holder of a readiness in proportion to what each has free, so "
     "allocated figures are expected shares of units. 'Units to request' (Contributions) turns "
     "them into whole units: each state's piece is rounded down or up, each line's total is its "
     "allocated rounded (half up wherever the states' limits allow), and no state is asked for "
     "more than its pieces in that scenario and capability add up to, rounded up; the largest "
     "fractions are rounded up first."),
    ("How sure",
     "Every figure above uses expected values: a unit counts with its availability, and "
     "every member state answers every call. The Confidence sheet draws the uncertain parts "
     "many times instead (a Monte Carlo): in each draw, a plausible world, every unit is "
     "available or not (its availability is the chance) and every state other than the "
     "invoking one takes part in a role or not (the chance from reference/participation.csv; "
     "1 where the file says nothing); then the lines are served by the same rule. 'Met in "
     "share of draws' is how often a line gets all it requires: confidence high at 90 % or "
     "more, medium at 50 % or more, else low. A line met on expected values may be met in "
     "only half the worlds; the draws are seeded, so a rerun gives the same figures."),
    ("How fast",
     "The Build-up sheet counts, for each day after the invocation (D+0, D+2 … D+180), what "
     "each line has from units ready by that day and within its own deadline, by the same "
     "rule as above. A line is met by the first such day at which it has all it requires. "
     "'If it may slip' counts units that arrive after the line's deadline too."),
    ("Risk",
     "From coverage and criticality, per line (table below); a capability in a scenario takes "
     "the highest risk of its lines. Risk values for scoring: none 0, low 1, moderate 2, "
     "significant 3, high 4."),
    ("Acquisition or management",
     "Held = every unit in service in the year, whatever its state, caveat, availability, "
     "commitment or readiness. The part of a shortfall beyond what the Union holds "
     "(required − held) closes only with new capability: acquisition. The rest could be "
     "closed by better management of existing forces (readiness, caveats, availability, NATO "
     "deconfliction), the split the Helsinki Headline Goal reviews used. The waterfall chart "
     "shows where held units drop out: not deployable, unavailable, NATO-committed, too slow."),
    ("Concurrency",
     "A concurrency case runs several scenarios at once against one inventory, solved as a "
     "linear program that first gives essential lines the most it can, then important, then "
     "desirable lines. 'Only at once' is the shortfall the single-scenario view hides."),
    ("Priorities",
     "For each capability in the base year: score = Σ over scenarios of likelihood × risk "
     "value; ranked by score, then total shortfall, then code. 'Closes in' is the first year "
     "from which no scenario is short of the capability up to the end of the horizon; blank "
     "when it is still open at the end."),
    ("Burden sharing",
     "For each state other than the invoking one: its share of what all of them contribute, "
     "against its share of their GDP. Fair-share index = contribution share ÷ GDP share; 1 means "
     "a state pulls its weight. These add units of every kind alike (a cyber team counts as "
     "much as an infantry battalion), as the methodology defines them. Lines' worth weighs "
     "them explicitly instead: each unit counts as the share of its requirement line it fills, "
     "so a whole line counts 1 whatever its unit. The invoking state's own effort is shown, "
     "but it is not burden sharing."),
    ("What if",
     "A lever file (levers/*.yaml) is a variant of the inventory: a list of changes made in "
     "order to the accepted rows (lift caveats, release NATO commitments, shorter notice, "
     "higher availability, longer service, a state that does not take part, options added), "
     "each limited to the member states and capabilities it names; then every figure is "
     "computed again by the same rules as above. The What if sheet says each change in "
     "words and sets the variant's lines met, high-risk lines and total shortfall beside the "
     "baseline's (the inventory as it is) per scenario and year; closed = the baseline's "
     "shortfall − the variant's, negative where the variant opens more. A single lever is a "
     "file of one change, a package a file of several."),
    ("Years",
     "Every sheet shows the base year, except Trajectory, which covers the whole horizon; the "
     "charts' year slider does too. The warehouse holds every year."),
    ("Changes",
     "The Changes sheet compares the two latest refreshes recorded in gap_history: a risk "
     "level that moved, or a shortfall that changed beyond rounding noise; one row per "
     "scenario and capability with the years it affects, and the input row that explains "
     "it (file, row, column, old → new) where a single one does."),
    ("Rounding",
     "Quantities split pro rata carry rounding noise: a shortfall below 1e-9 × required counts "
     "as zero, and a coverage within 1e-9 of a band's edge belongs to the higher band. Figures "
     "are kept exact and rounded only for display."),
    ("Following a figure",
     "A column of this workbook → its gap_* table in the warehouse → the sql/gap_*.sql that "
     "builds it → stg_inventory → the row of the national submission (source file and row "
     "number). The Data issues sheet lists every input row that is not used, and why."),
    ("Text from submissions",
     "Shown as written. Text that a spreadsheet would read as a formula is stored as text; "
     "characters a spreadsheet cannot hold are replaced by � with a comment on the cell; text "
     "longer than a cell can hold is cut with a visible note."),
]


@dataclass(frozen=True)
class Col:
    """One column of a table: a frame column shown under a header in a format.

    fmt: text, wrap (long text), yesno, risk (coloured by conditional formatting), or a
    key of NUMBER_FORMATS. link: a frame column holding an internal link ("'Sheet'!A5").
    fill_by: a frame column holding a risk level that colours the cell itself.
    """

    key: str
    header: str
    fmt: str = "text"
    width: float | None = None
    link: str | None = None
    fill_by: str | None = None


def run_years(run: RunInfo) -> range:
    return range(run.base_year, run.last_year + 1)
