"""Options: what closes the gaps for the money (methodology §11), as a plain library.

A planner's candidate options are extra inventory rows; a set X of them is judged by the
weighted shortfall

    W(X) = Σ over groups g = (scenario_id, year, capability_code) and their lines ℓ of
           likelihood(σ) × w(criticality(ℓ)) × shortfall(ℓ, y | X),   w = 100 / 10 / 1

where shortfall is §3's (:func:`pipelines.lib.allocation.allocate`) on the baseline
supply plus the options of X. :class:`OptionProblem` chooses X exactly, with one
mixed-integer program (``scipy.optimize.milp``, HiGHS) and further solves for §11's
tie-breaks; no subset is enumerated.

**The model.** Within a group the amounts x(ℓ) the lines can receive are the polymatroid
{0 ≤ x(ℓ) ≤ P(ℓ); Σ_{ℓ: D(ℓ) ≤ t} x(ℓ) ≤ S(≤ t) for every threshold t among the group's
max_readiness_days D}, and §3's greedy reaches the largest Σ w x over it, so the §3
shortfall is that linear program's. Written with shortfall variables s = P − x, for
every threshold t whose deficit d(t) = Σ_{D(ℓ) ≤ t} P(ℓ) − S_base(≤ t) is positive:

    Σ_{ℓ: D(ℓ) ≤ t} s(ℓ) + Σ_o min(S_o(≤ t), d(t)) · z_o ≥ d(t),   0 ≤ s(ℓ) ≤ P(ℓ)

(a threshold without deficit holds for every X; capping an option's coefficient at the
deficit is exact for binary z and tightens the relaxation), minimise Σ likelihood·w·s,
with z_o ∈ {0, 1}, Σ cost·z ≤ budget, z_a + z_b ≤ 1 for every exclusion and z_a ≤ z_b
when a requires b. Lines of a group with the same criticality and D are one variable.
Groups no option can change (no deficit, or no option supply within a deficit's
threshold) are left out of the model: their part of W is a constant, taken from the
engine's allocation of the baseline.

**The tie-breaks of §11.** With tol_W = 1e-9 × W(∅) + 1e-9 and the band W ≤ W* +
tol_W, W* the least W:

1. least W: W* is the engine's W of the first solve's set;
2. least total cost in the band; costs within tol_C = 1e-9 × (1 + Σ cost of all
   options) of each other are equal (they are sums of decimals);
3. then the fewest options;
4. then the smallest sorted list of ids: for sets of one size the sorted list is
   smaller exactly when the smallest id of the symmetric difference is in it, so ids
   are decided in ascending order, each put in when some set of stages 1–3 holds it
   together with the decisions already taken.

Every solve minimises W; each tie-break is a question "what is the least W of the
sets that are cheaper by more than tol_C / have fewer options / hold one of these ids,
given the decisions so far", answered yes when that least W lies in the band, and
repeated from the better set found until the answer is no. (Asked the other way round,
"least cost with W in the band", HiGHS took ~10× longer: the relaxation bounds W well
and cost badly.) A guide term in the objective, below 1/100 of tol_W in total, leans each
solve towards the cheaper, smaller, lower-id set among equal W, so that the first set
is usually the answer and each question is asked once; the answer does not rest on it
(it can move a set's W by at most tol_W / 100, far below the solver's own accuracy).
The id questions ask for all ids before the next id of the last set found at once
("at least one of them"), so one "no" rules them all out.

Most often the set of the first solve is the only set in the band that costs no more
than it; one question ("the least W of the other sets that cost no more than this one",
a no-good row over z) shows it, and stages 2–4 are not asked: each would only prove a
"no" as dear as the first solve (at 10⁶ inventory rows and 100 options this cuts a
frontier point from ~25 s to ~10 s).

An option that costs nothing and changes nothing is left out by stage 3 (unless an
option of the set requires it).

**Proof.** Every solve must end with HiGHS's status *optimal* (a tie-break question
may also end *infeasible*: no such set); anything else raises
:class:`OptionSolveError` naming the status. The chosen set is then re-evaluated with the
engine (:meth:`OptionProblem.evaluate`, i.e. ``allocation.allocate`` on the baseline plus
the chosen options' supply) and must agree with the model's objective for that set to
1e-6 relative, and lie within the tie band of the first solve's W.

Inputs (pandas frames; the caller applies §2 to options just as to inventory rows):

- ``lines``: scenario_id, year, capability_code, line_id, criticality,
  max_readiness_days, required (P(ℓ) = quantity × rotation), likelihood (of the
  scenario). (group, line_id) is unique.
- ``bands``: scenario_id, year, capability_code, readiness_days, supply: the baseline
  eligible effective supply per group and readiness value, as ``allocation.allocate``
  takes it.
- ``option_supply``: option_id, scenario_id, year, capability_code, readiness_days,
  supply: e(o, g, r), the option's eligible effective supply (in force in y; own state
  of the scenario or deployable abroad; quantity × availability × (1 − nato_committed
  when Art. 5 runs concurrently)). Rows of groups without lines change nothing.
- ``options``: option_id, cost_meur (≥ 0). Every option, whether it has supply or not.
- ``excludes``: pairs (a, b), "a excludes b" (symmetric in effect); ``requires``: pairs
  (a, b), "a requires b". Either an iterable of 2-tuples or a frame whose first two
  columns are the pair.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from math import fsum

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .allocation import CRITICALITIES, CRITICALITY_RANK, GROUP, allocate

WEIGHTS = {"essential": 100.0, "important": 10.0, "desirable": 1.0}
PROOF_RTOL = 1e-6

LINE_COLUMNS = GROUP + [
    "line_id", "criticality", "max_readiness_days", "required", "likelihood",
]
BAND_COLUMNS = GROUP + ["readiness_days", "supply"]
OPTION_SUPPLY_COLUMNS = ["option_id"] + BAND_COLUMNS

_SCIPY_STATUS = {
    0: "optimal",
    1: "iteration or time limit reached",
    2: "infeasible",
    3: "unbounded",
    4: "other (numerical trouble)",
}


class OptionSolveError(RuntimeError):
    """A solve that did not end proven optimal, or an answer the engine does not confirm."""


def w_tolerance(w_none: float) -> float:
    """§11's tie band on W: 1e-9 × W(∅) + 1e-9."""
    return 1e-9 * w_none + 1e-9


def cost_tolerance(costs: Iterable[float]) -> float:
    """Costs within this of the least are equal: 1e-9 × (1 + Σ cost of all options)."""
    return 1e-9 * (1.0 + fsum(float(c) for c in costs))


def _pairs(pairs, what: str) -> list[tuple[str, str]]:
    if pairs is None:
        return []
    if isinstance(pairs, pd.DataFrame):
        if pairs.shape[1] < 2:
            raise ValueError(f"{what}: a frame of pairs needs two columns")
        pairs = pairs.iloc[:, :2].itertuples(index=False, name=None)
    return [(str(a), str(b)) for a, b in pairs]


def _need(frame: pd.DataFrame, columns: Sequence[str], what: str) -> pd.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing}")
    out = frame[list(columns)].reset_index(drop=True)
    return out.astype({"scenario_id": str, "year": np.int64, "capability_code": str})


@dataclass(frozen=True)
class Choice:
    """The §11 choice for one budget.

    ``weighted_shortfall`` is the engine's W of the set (the proof), ``milp_objective``
    the model's; ``status`` and ``mip_gap`` are the worst over the solves (every one
    proven optimal, or the feasibility checks of stage 4 infeasible).
    """

    budget_meur: float
    option_ids: tuple[str, ...]
    cost_meur: float
    weighted_shortfall: float
    milp_objective: float
    weighted_shortfall_none: float
    essential_shortfall: float
    status: str
    mip_gap: float
    solves: int
    seconds: float
    stages: dict = field(default_factory=dict)

    @property
    def options(self) -> int:
        return len(self.option_ids)


@dataclass
class _Model:
    """The arrays of the MILP. Columns: z (one per option, in ``ids`` order), then s."""

    n: int
    c: np.ndarray  # objective of the s columns, scaled (likelihood·w / scale)
    scale: float
    upper: np.ndarray  # P of the s columns
    a: sparse.csr_matrix  # threshold rows over [z, s]
    lb: np.ndarray  # their deficits
    constant: float  # engine W of the groups left out of the model


class OptionProblem:
    """One §11 problem: lines, baseline supply, options. Build once, choose per budget.

    See the module docstring for the frames. :meth:`choose` gives the choice for a
    budget, :meth:`frontier` for several, :meth:`evaluate` the engine's W of any set,
    :meth:`effects` the shortfall per group before and after a set.
    """

    def __init__(
        self,
        lines: pd.DataFrame,
        bands: pd.DataFrame,
        option_supply: pd.DataFrame,
        options: pd.DataFrame,
        excludes=(),
        requires=(),
        *,
        time_limit: float | None = None,
    ):
        self.time_limit = time_limit
        self._solves = 0
        self._gap = 0.0
        self.lines = _need(lines, LINE_COLUMNS, "lines")
        self.lines["line_id"] = self.lines["line_id"].astype(str)
        self.bands = _need(bands, BAND_COLUMNS, "bands")
        self.option_supply = _need(option_supply, OPTION_SUPPLY_COLUMNS, "option_supply")
        self.option_supply["option_id"] = self.option_supply["option_id"].astype(str)
        opts = options[["option_id", "cost_meur"]].reset_index(drop=True)
        opts = opts.astype({"option_id": str, "cost_meur": np.float64})
        self._check(opts)

        opts = opts.sort_values("option_id", kind="stable", ignore_index=True)
        self.ids: list[str] = opts["option_id"].tolist()
        self.index = {o: k for k, o in enumerate(self.ids)}
        self.cost = opts["cost_meur"].to_numpy(np.float64)
        self.cost_tol = cost_tolerance(self.cost)
        self.excludes = _pairs(excludes, "excludes")
        self.requires = _pairs(requires, "requires")
        for a, b in self.excludes + self.requires:
            for o in (a, b):
                if o not in self.index:
                    raise ValueError(f"unknown option {o!r} in excludes/requires")

        # Line weights and the engine's baseline, line by line.
        self.weight = (
            self.lines["likelihood"].to_numpy(np.float64)
            * self.lines["criticality"].map(WEIGHTS).to_numpy(np.float64)
        )
        self._essential = (self.lines["criticality"] == "essential").to_numpy()
        # One integer per group, shared by the three frames.
        keys = pd.concat(
            [self.lines[GROUP], self.bands[GROUP], self.option_supply[GROUP]], ignore_index=True
        )
        codes = keys.groupby(GROUP, sort=True, dropna=False).ngroup().to_numpy(np.int64)
        nl, nb = len(self.lines), len(self.bands)
        self._lc, self._bc, self._oc = codes[:nl], codes[nl : nl + nb], codes[nl + nb :]
        self._cache: dict[tuple[str, ...], np.ndarray] = {}
        self._base_short = self._shortfall(self.lines, self.bands)
        self.w_none = fsum(self.weight * self._base_short)
        self.w_tol = w_tolerance(self.w_none)
        self.model = self._build()

    # --- input checks -----------------------------------------------------------------

    def _check(self, opts: pd.DataFrame) -> None:
        lines = self.lines
        bad = set(lines["criticality"].unique()) - set(CRITICALITIES)
        if bad:
            raise ValueError(f"unknown criticality {sorted(map(str, bad))}")
        if lines.duplicated(GROUP + ["line_id"]).any():
            raise ValueError("lines: (scenario_id, year, capability_code, line_id) repeats")
        if (lines["required"] < 0).any() or (lines["likelihood"] < 0).any():
            raise ValueError("lines: required and likelihood must be ≥ 0")
        if lines.groupby("scenario_id")["likelihood"].nunique().gt(1).any():
            raise ValueError("lines: one likelihood per scenario")
        if (self.bands["supply"] < 0).any() or (self.option_supply["supply"] < 0).any():
            raise ValueError("supply must be ≥ 0")
        if opts["option_id"].duplicated().any():
            raise ValueError("options: option_id repeats")
        if (opts["cost_meur"] < 0).any() or not np.isfinite(opts["cost_meur"]).all():
            raise ValueError("options: cost_meur must be finite and ≥ 0")
        unknown = set(self.option_supply["option_id"]) - set(opts["option_id"])
        if unknown:
            raise ValueError(f"option_supply: unknown options {sorted(unknown)}")

    # --- the engine -------------------------------------------------------------------

    def _shortfall(self, lines: pd.DataFrame, bands: pd.DataFrame) -> np.ndarray:
        """§3's shortfall of each row of ``lines`` (same order), by ``allocate``."""
        if lines.empty:
            return np.zeros(0)
        draws = allocate(lines, bands)
        drawn = draws.groupby(GROUP + ["line_id"], sort=False)["drawn"].sum()
        keys = pd.MultiIndex.from_frame(lines[GROUP + ["line_id"]])
        got = drawn.reindex(keys).fillna(0.0).to_numpy(np.float64)
        return np.maximum(lines["required"].to_numpy(np.float64) - got, 0.0)

    def line_shortfall(self, option_ids: Iterable[str]) -> np.ndarray:
        """§3's shortfall per line (in ``self.lines`` order) on baseline + the options.

        Only the groups the options supply are allocated again; the others keep the
        baseline's allocation (groups are independent in §3).
        """
        chosen = tuple(sorted(set(map(str, option_ids))))
        for o in chosen:
            if o not in self.index:
                raise ValueError(f"unknown option {o!r}")
        if chosen in self._cache:
            return self._cache[chosen].copy()
        sup = self.option_supply
        pick = (sup["option_id"].isin(chosen) & (sup["supply"] > 0)).to_numpy()
        out = self._base_short.copy()
        if pick.any():
            touched = np.unique(self._oc[pick])
            mask = np.isin(self._lc, touched)
            if mask.any():
                extra = sup.loc[pick, BAND_COLUMNS]
                bands = pd.concat(
                    [self.bands[np.isin(self._bc, touched)], extra], ignore_index=True
                )
                out[mask] = self._shortfall(self.lines[mask], bands)
        self._cache[chosen] = out
        return out.copy()

    def evaluate(self, option_ids: Iterable[str]) -> float:
        """W(X) by the engine's own allocation (``allocation.allocate``)."""
        return fsum(self.weight * self.line_shortfall(option_ids))

    def essential_shortfall(self, option_ids: Iterable[str]) -> float:
        return fsum(self.line_shortfall(option_ids)[self._essential])

    def effects(self, option_ids: Iterable[str]) -> pd.DataFrame:
        """Per group: scenario_id, year, capability_code, shortfall_before (baseline),
        shortfall_after (baseline + the options), both by the engine."""
        out = self.lines[GROUP].copy()
        out["shortfall_before"] = self._base_short
        out["shortfall_after"] = self.line_shortfall(option_ids)
        return out.groupby(GROUP, sort=True, as_index=False)[
            ["shortfall_before", "shortfall_after"]
        ].sum()

    # --- the model --------------------------------------------------------------------

    def _build(self) -> _Model:
        n = len(self.ids)
        lines = self.lines
        lc, bc, oc = self._lc, self._bc, self._oc
        known = set(lc.tolist())
        # Variables: lines merged by (group, criticality, D).
        var = (
            pd.DataFrame({
                "g": lc,
                "rank": lines["criticality"].map(CRITICALITY_RANK).to_numpy(),
                "D": lines["max_readiness_days"].to_numpy(np.int64),
                "P": lines["required"].to_numpy(np.float64),
                "w": self.weight,
            })
            .groupby(["g", "rank", "D"], sort=True, as_index=False)
            .agg(P=("P", "sum"), w=("w", "first"))
        )
        # Thresholds and their deficits.
        thr = var.groupby(["g", "D"], sort=True, as_index=False)["P"].sum()
        thr["cumP"] = thr.groupby("g")["P"].cumsum()
        base = (
            pd.DataFrame({"g": bc, "r": self.bands["readiness_days"].to_numpy(np.int64),
                          "s": self.bands["supply"].to_numpy(np.float64)})
            .groupby(["g", "r"], sort=True, as_index=False)["s"].sum()
        )
        base["cumS"] = base.groupby("g")["s"].cumsum()
        thr = pd.merge_asof(
            thr.sort_values("D", kind="stable"), base.sort_values("r", kind="stable"),
            left_on="D", right_on="r", by="g", direction="backward",
        )
        thr["deficit"] = thr["cumP"] - thr["cumS"].fillna(0.0)
        thr = thr[thr["deficit"] > 0][["g", "D", "deficit"]]

        osup = pd.DataFrame({
            "g": oc,
            "o": self.option_supply["option_id"].map(self.index).to_numpy(np.int64),
            "r": self.option_supply["readiness_days"].to_numpy(np.int64),
            "s": self.option_supply["supply"].to_numpy(np.float64),
        })
        osup = osup[(osup["s"] > 0) & osup["g"].isin(known)]
        osup = osup.groupby(["g", "o", "r"], sort=True, as_index=False)["s"].sum()
        osup["cumS"] = osup.groupby(["g", "o"])["s"].cumsum()
        pairs = thr.merge(osup[["g", "o"]].drop_duplicates(), on="g")
        coef = pd.merge_asof(
            pairs.sort_values("D", kind="stable"), osup.sort_values("r", kind="stable"),
            left_on="D", right_on="r", by=["g", "o"], direction="backward",
        )
        coef = coef[coef["cumS"].fillna(0.0) > 0]
        coef = coef.assign(a=np.minimum(coef["cumS"], coef["deficit"]))

        groups = np.unique(coef["g"].to_numpy(np.int64))
        thr = thr[thr["g"].isin(groups)].sort_values(["g", "D"], ignore_index=True)
        thr["row"] = np.arange(len(thr))
        var = var[var["g"].isin(groups)].reset_index(drop=True)
        var["col"] = n + np.arange(len(var))

        inside = np.isin(lc, groups)
        constant = fsum((self.weight * self._base_short)[~inside])
        scale = float(var["w"].max()) if len(var) and var["w"].max() > 0 else 1.0

        srows = thr[["g", "D", "row"]].merge(var[["g", "D", "col"]], on="g",
                                             suffixes=("", "_v"))
        srows = srows[srows["D_v"] <= srows["D"]]
        zrows = coef.merge(thr[["g", "D", "row"]], on=["g", "D"])
        rows = np.concatenate([srows["row"].to_numpy(), zrows["row"].to_numpy()])
        cols = np.concatenate([srows["col"].to_numpy(), zrows["o"].to_numpy()])
        vals = np.concatenate([np.ones(len(srows)), zrows["a"].to_numpy(np.float64)])
        a = sparse.csr_matrix(
            (vals, (rows.astype(np.int64), cols.astype(np.int64))),
            shape=(len(thr), n + len(var)),
        )
        return _Model(
            n=n,
            c=var["w"].to_numpy(np.float64) / scale,
            scale=scale,
            upper=var["P"].to_numpy(np.float64),
            a=a,
            lb=thr["deficit"].to_numpy(np.float64),
            constant=constant,
        )

    # --- solving ----------------------------------------------------------------------

    def _solve(self, objective, extra, zlb, zub, what, *, may_be_infeasible=False):
        """One MILP over [z, s] with the structural rows, the budget etc. in ``extra``.

        Returns the result, or None when infeasible and ``may_be_infeasible``; raises
        :class:`OptionSolveError` on any other status than optimal.
        """
        m = self.model
        nvar = m.n + len(m.c)
        rows = [m.a] + [r[0] for r in extra]
        lbs = [m.lb] + [np.atleast_1d(r[1]) for r in extra]
        ubs = [np.full(m.a.shape[0], np.inf)] + [np.atleast_1d(r[2]) for r in extra]
        a = sparse.vstack(rows, format="csr")
        lo = np.concatenate(lbs)
        hi = np.concatenate(ubs)
        integrality = np.zeros(nvar, dtype=np.uint8)
        integrality[: m.n] = 1
        lb = np.concatenate([zlb, np.zeros(len(m.c))])
        ub = np.concatenate([zub, m.upper])
        options = {
            "mip_rel_gap": 0.0,
            # passed to HiGHS verbatim (scipy warns that it does not know them)
            "mip_abs_gap": 1e-12,
            "mip_feasibility_tolerance": 1e-9,
            "primal_feasibility_tolerance": 1e-9,
            "dual_feasibility_tolerance": 1e-9,
        }
        if self.time_limit is not None:
            options["time_limit"] = float(self.time_limit)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Unrecognized options")
            res = milp(
                c=np.asarray(objective, dtype=np.float64),
                integrality=integrality,
                bounds=Bounds(lb, ub),
                constraints=LinearConstraint(a, lo, hi) if a.shape[0] else None,
                options=options,
            )
        self._solves += 1
        gap = res.get("mip_gap")
        if gap is not None and np.isfinite(gap):
            self._gap = max(self._gap, float(gap))
        if res.status == 2 and may_be_infeasible:
            return None
        if res.status != 0:
            name = _SCIPY_STATUS.get(res.status, str(res.status))
            raise OptionSolveError(
                f"§11 {what}: HiGHS did not prove an optimum (status {res.status}: "
                f"{name}; {res.message})"
            )
        z = res.x[: m.n]
        if np.abs(z - np.round(z)).max(initial=0.0) > 1e-6:
            raise OptionSolveError(f"§11 {what}: a choice variable is not 0 or 1: {z}")
        return res

    def _structural(self, budget: float) -> list:
        """Budget, excludes and requires rows (over [z, s])."""
        m = self.model
        nvar = m.n + len(m.c)
        out = [(sparse.csr_matrix(np.concatenate([self.cost, np.zeros(len(m.c))])[None, :]),
                -np.inf, budget)]
        pair_rows = []
        for a, b in self.excludes:
            pair_rows.append(({self.index[a]: 1.0, self.index[b]: 1.0}, 1.0))
        for a, b in self.requires:
            pair_rows.append(({self.index[a]: 1.0, self.index[b]: -1.0}, 0.0))
        if pair_rows:
            r, c, v, hi = [], [], [], []
            for k, (coefs, bound) in enumerate(pair_rows):
                for j, x in coefs.items():
                    r.append(k)
                    c.append(j)
                    v.append(x)
                hi.append(bound)
            mat = sparse.csr_matrix((v, (r, c)), shape=(len(pair_rows), nvar))
            out.append((mat, np.full(len(pair_rows), -np.inf), np.asarray(hi)))
        return out

    def _w_of(self, res) -> float:
        """W in engine units from a solve whose s columns are at their optimum."""
        m = self.model
        return m.constant + m.scale * float(m.c @ res.x[m.n:])

    def model_w(self, option_ids: Iterable[str]) -> float:
        """W(X) by the model (one LP with the choice fixed): the MILP's claim for X."""
        m = self.model
        if not len(m.c):
            return m.constant
        z = np.zeros(m.n)
        for o in option_ids:
            z[self.index[str(o)]] = 1.0
        res = self._solve(np.concatenate([np.zeros(m.n), m.c]), [], z, z, "model W")
        return self._w_of(res)

    def choose(self, budget_meur: float) -> Choice:
        """§11's choice within ``budget_meur``; proven by the engine or an error."""
        if not np.isfinite(budget_meur) or budget_meur < 0:
            raise ValueError(f"budget must be finite and ≥ 0, got {budget_meur}")
        t0 = time.perf_counter()
        self._solves = 0
        self._gap = 0.0
        m = self.model
        n = m.n
        if n == 0:
            w = self.evaluate(())
            return Choice(float(budget_meur), (), 0.0, w, w, self.w_none,
                          self.essential_shortfall(()), "optimal", 0.0, 0,
                          time.perf_counter() - t0)
        zlb = np.zeros(n)
        zub = np.where(self.cost <= budget_meur, 1.0, 0.0)
        structural = self._structural(float(budget_meur))
        stages = {}
        nvar = n + len(m.c)

        # Every solve minimises W. A guide term, below a hundredth of the tie band in
        # total, leans each one towards the cheaper, smaller, lower-id sets of equal W;
        # the answer does not rest on it: every tie-break is settled by asking for the
        # least W under a restriction (cheaper, fewer, holding certain ids) and
        # comparing it with the band. (Asked the other way round, "least cost with W in
        # the band", HiGHS needs ~10x longer: the relaxation bounds W well, cost badly.)
        guide = (
            self.cost / (fsum(self.cost) + 1.0)
            + 1e-3 / (n + 1)
            + 1e-6 * np.arange(1.0, n + 1) / (n * (n + 1) / 2 + 1)
        ) * (self.w_tol / m.scale / 100.0)
        objective = np.concatenate([guide, m.c])
        cost_vec = np.concatenate([self.cost, np.zeros(len(m.c))])[None, :]
        ones_vec = np.concatenate([np.ones(n), np.zeros(len(m.c))])[None, :]

        def least_w(rows, lo, hi, what):
            """(z, model W) of the least-W set under ``rows``; None when there is none."""
            res = self._solve(objective, structural + rows, lo, hi, what,
                              may_be_infeasible=True)
            if res is None:
                return None
            return np.round(res.x[:n]) > 0.5, self._w_of(res)

        def cost_of(z):
            return fsum(self.cost[z])

        # 1. least W (the empty set is always allowed: this solve cannot be infeasible)
        found = least_w([], zlb, zub, "least weighted shortfall")
        if found is None:
            raise OptionSolveError("§11 least weighted shortfall: infeasible, but ∅ is allowed")
        current, w_model1 = found
        w1 = self.evaluate(self._ids_of(current))
        self._prove(w_model1, w1, "first solve")
        band = max(w_model1, w1) + self.w_tol
        stages["w_star"] = w1
        stages["seconds_to_w"] = time.perf_counter() - t0

        def in_band(found):
            return found is not None and found[1] <= band

        # 0. Usually no other set in the band costs as little: the least-W set is then
        # the answer of stages 2-4 without asking them. One question ("the least W of
        # the sets other than this one that cost no more") settles it.
        other = np.zeros((1, nvar))
        other[0, :n] = np.where(current, -1.0, 1.0)
        found = least_w(
            [(sparse.csr_matrix(cost_vec), -np.inf, cost_of(current) + self.cost_tol),
             (sparse.csr_matrix(other), 1.0 - float(current.sum()), np.inf)],
            zlb, zub, "another set as good for no more",
        )
        stages["alone"] = not in_band(found)

        def break_ties(current):
            """Stages 2-4 of §11 from a set in the band; the set they choose."""
            # 2. least cost among the ties on W: is there a tie cheaper by more than tol_C?
            while cost_of(current) > self.cost_tol:
                row = (sparse.csr_matrix(cost_vec), -np.inf, cost_of(current) - self.cost_tol)
                found = least_w([row], zlb, zub, "least cost")
                if not in_band(found):
                    break
                current = found[0]
            c_star = cost_of(current)
            cost_row = (sparse.csr_matrix(cost_vec), -np.inf, c_star + self.cost_tol)
            stages["cost_star"] = c_star
            stages["seconds_to_cost"] = time.perf_counter() - t0

            # 3. fewest options among those
            while current.sum() > 0:
                row = (sparse.csr_matrix(ones_vec), -np.inf, float(current.sum()) - 1.0)
                found = least_w([cost_row, row], zlb, zub, "fewest options")
                if not in_band(found):
                    break
                current = found[0]
            k = int(current.sum())
            count_row = (sparse.csr_matrix(ones_vec), -np.inf, float(k))
            stages["count_star"] = k
            witness = current

            # 4. the smallest sorted list of ids. For sets of one size, the sorted list is
            # smaller exactly when the smallest id of the symmetric difference is in it, so
            # ids are decided in ascending order, each put in when some set of stages 1-3
            # holds it together with the decisions so far. The witness (the last such set
            # found) settles its own ids without a solve; the ids before its next one are
            # asked together ("at least one of them"): one answer rules them all out.
            lo4, hi4 = zlb.copy(), zub.copy()
            while True:
                undecided = (lo4 == 0.0) & (hi4 == 1.0)
                if int(lo4.sum()) == k:
                    hi4[undecided] = 0.0
                    break
                nxt = int(np.flatnonzero(witness & undecided)[0])
                before = np.flatnonzero(undecided[:nxt])
                if len(before) == 0:
                    lo4[nxt] = 1.0
                    continue
                some = np.zeros((1, nvar))
                some[0, before] = 1.0
                found = least_w(
                    [cost_row, count_row, (sparse.csr_matrix(some), 1.0, np.inf)], lo4, hi4,
                    f"smallest ids (any of {[self.ids[b] for b in before]})",
                )
                if in_band(found):
                    witness = found[0]
                else:
                    hi4[before] = 0.0
                    lo4[nxt] = 1.0
            return witness

        witness = current if stages["alone"] else break_ties(current)
        stages["seconds_to_ids"] = time.perf_counter() - t0
        chosen = tuple(self._ids_of(witness))

        # Proof: the model's W for the set, the engine's, and the tie band.
        w_model = self.model_w(chosen)
        w = self.evaluate(chosen)
        self._prove(w_model, w, "chosen set")
        if w > band + PROOF_RTOL * max(1.0, abs(w1)):
            raise OptionSolveError(f"§11: the chosen set's W {w} is outside the tie band of {w1}")
        cost = fsum(self.cost[[self.index[o] for o in chosen]])
        if cost > budget_meur + self.cost_tol:
            raise OptionSolveError(f"§11: the chosen set costs {cost} > budget {budget_meur}")
        return Choice(
            budget_meur=float(budget_meur),
            option_ids=chosen,
            cost_meur=cost,
            weighted_shortfall=w,
            milp_objective=w_model,
            weighted_shortfall_none=self.w_none,
            essential_shortfall=self.essential_shortfall(chosen),
            status="optimal",
            mip_gap=self._gap,
            solves=self._solves,
            seconds=time.perf_counter() - t0,
            stages=stages,
        )

    def _ids_of(self, z) -> list[str]:
        return [self.ids[j] for j in np.flatnonzero(np.asarray(z) > 0.5)]

    @staticmethod
    def _prove(model: float, engine: float, what: str) -> None:
        if abs(model - engine) > PROOF_RTOL * max(1.0, abs(engine)):
            raise OptionSolveError(
                f"§11 {what}: the MILP's W {model!r} and the engine's {engine!r} disagree"
            )

    def frontier(self, budgets: Iterable[float]) -> pd.DataFrame:
        """The choice per budget (ascending, distinct): budget_meur, weighted_shortfall,
        cost_meur, options, option_ids (sorted, ';'-separated), essential_shortfall,
        weighted_shortfall_none, mip_gap, solves, seconds."""
        rows = []
        for b in sorted(set(float(b) for b in budgets)):
            ch = self.choose(b)
            rows.append({
                "budget_meur": b,
                "weighted_shortfall": ch.weighted_shortfall,
                "cost_meur": ch.cost_meur,
                "options": ch.options,
                "option_ids": ";".join(ch.option_ids),
                "essential_shortfall": ch.essential_shortfall,
                "weighted_shortfall_none": ch.weighted_shortfall_none,
                "mip_gap": ch.mip_gap,
                "solves": ch.solves,
                "seconds": ch.seconds,
            })
        return pd.DataFrame(rows)

    def choice_table(self, choice: Choice) -> pd.DataFrame:
        """``option_choice`` rows for one choice: budget_meur, option_id, selected,
        cost_meur (every option, in id order)."""
        chosen = set(choice.option_ids)
        return pd.DataFrame({
            "budget_meur": choice.budget_meur,
            "option_id": self.ids,
            "selected": [o in chosen for o in self.ids],
            "cost_meur": self.cost,
        })


def choose(lines, bands, option_supply, options, budget_meur, excludes=(), requires=()):
    """Shorthand: ``OptionProblem(...).choose(budget_meur)``."""
    return OptionProblem(lines, bands, option_supply, options, excludes, requires).choose(
        budget_meur
    )
