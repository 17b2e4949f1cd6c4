"""The disclosure policy (issue 27): the one declaration of what a report may publish from real
microdata, and the algorithms that apply it to a table. Numbers and codes only, no sentences (the
reports word them: `present.disclosure`).

Why: the survey's firms answered on the promise that no one would see their answers. In a district
of 26 interviewed firms known by name to their association, a cell of 1 or 2 firms, a mean driven by
one large firm, or a cell that the margins give back, discloses a firm. The rules below follow the
standard tabular rules of statistical disclosure control:

- Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt, E., Spicer, K. &
  de Wolf, P.-P., *Handbook on Statistical Disclosure Control* (ESSnet SDC), online edition
  https://sdctools.github.io/HandbookSDC/ (chapter 4, magnitude tabular data: cells, contributions,
  margins; the threshold and dominance rules; secondary suppression).
- R's sdcTable, `primarySuppression()`
  (https://search.r-project.org/CRAN/refmans/sdcTable/html/primarySuppression.html): the rules
  ``freq`` (cells with counts <= maxN suppressed, default maxN = 3; empty cells not sensitive unless
  allowZeros), ``nk`` (n largest contributions over k% of the cell total; defaults n = 2, k = 85) and
  ``p`` (p-percent). tau-Argus offers the same primary rules and several secondary-suppression
  methods (hypercube, modular, optimal, network; see the rtauargus vignette
  https://rdrr.io/github/InseeFrLab/rtauargus/f/vignettes/options_safety_rules.Rmd).
- sdcMicro (Templ, Kowarik & Meindl 2015, J Stat Softw 67(4), doi:10.18637/jss.v067.i04) is the
  microdata counterpart; this compendium publishes no microdata, so only its principle applies here:
  no firm identifier in any output.

What is declared (`POLICY`, a `Policy`)
---------------------------------------
- **Frequency (threshold) rule**: a published count, share or mean rests on at least
  ``n_min`` = 3 firms; a count of 1 or 2 firms is suppressed (sdcTable's ``freq`` with maxN = 2:
  sdcTable counts "<= maxN", the compendium "fewer than n_min"). A share k/n is a pair of frequency
  cells, the k firms that have the trait and the n - k that do not: both must be 0 or at least
  ``n_min`` (a share of 25/26 tells that one named firm lacks the trait), and n itself at least
  ``n_min``. Empty cells (0) are not sensitive (sdcTable's default allowZeros = FALSE).
- **Magnitudes** (sums or means of a firm quantity with a heavy tail: employees, turnover, export):
  at least ``n_min_magnitude`` = 5 contributors, and the **(n, k) dominance rule** with
  (n, k) = (2, 85) (sdcTable's defaults): a cell is sensitive when its 2 largest contributions exceed
  85% of its total. The **p% rule** is available (`p_percent_sensitive`; off by default,
  ``p_percent`` = None): sensitive when the total minus the two largest contributions is below p% of
  the largest (the second-largest contributor could estimate the largest within p%).
- **Statistics from a sample** (a model's estimate, a correlation, an alpha; a mean of a bounded
  answer scale): estimated on at least ``n_min`` firms (`statistic`); the estimability gates of
  `stats.policy` ask far more, so this binds only for ad hoc cells.
- **Secondary suppression** (`protect`): a suppressed cell must not be recoverable from the other
  published cells through the table's additive relations (a pooled column that is the sum of the
  districts, statuses that add up to the firms answering). Algorithm, for the 1- and 2-way tables
  the reports print: while some suppressed cell is recoverable (its unit vector lies in the row space
  of the relations restricted to the suppressed cells: exact linear algebra, not a heuristic), or a
  relation's suppressed cells together hold fewer than ``n_min`` firms (so that two suppressed
  singletons, or a singleton and a zero, do not give each other away), suppress the unsuppressed cell
  of that relation with the smallest count (at least 1 firm if there is one), the smallest loss of
  information (the approach of the hypercube-style heuristics). It ends: each step suppresses one
  more cell.
- **Figures**: no firm-level point in a figure of real data (`FIRM_POINTS_REAL` = False): binned or
  smoothed displays, each bin holding at least ``n_min_magnitude`` firms (`bin_index`).
- **Figures of survey shares and sentences**: a bar, dot or quoted value is a cell like a table's, with the
  decisions of the table that shows the same numbers (secondary suppression included); a stacked bar with
  a suppressed segment is not drawn at all (the segments after it would give its size back); a sentence
  that ranks values ranks only the publishable ones (`present.disclosure`: `Quotes`, `by_groups`,
  `whole_bars`).
- **Identifiers**: no firm id or name in any output (`IDENTIFIER_COLUMNS` never reach a table).

Mode: with real data (the metadata's ``synthetic`` false) suppressed cells print a mark and a note;
with synthetic data every number prints and the cells the policy would suppress are marked
(`present.disclosure`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping

import numpy as np

# reason codes (the reports word them in the disclosure catalog)
FREQUENCY = "frequency"          # fewer than n_min firms in the cell (or in its complement, for a share)
FEW_CONTRIBUTORS = "few_contributors"  # a magnitude from fewer than n_min_magnitude firms
DOMINANCE = "dominance"          # (n, k) rule
P_PERCENT = "p_percent"          # p% rule
SMALL_SAMPLE = "small_sample"    # a statistic estimated on fewer than n_min firms
SECONDARY = "secondary"          # suppressed so that a primary cell cannot be recovered
CODES = (FREQUENCY, FEW_CONTRIBUTORS, DOMINANCE, P_PERCENT, SMALL_SAMPLE, SECONDARY)

IDENTIFIER_COLUMNS = ("firm_id", "firm_name", "name", "vat_number")
FIRM_POINTS_REAL = False


@dataclass(frozen=True)
class Policy:
    """The disclosure rules (see the module docstring for their sources)."""

    n_min: int = 3
    n_min_magnitude: int = 5
    dominance_n: int = 2
    dominance_k: float = 85.0
    p_percent: float | None = None


POLICY = Policy()


@dataclass(frozen=True)
class Cell:
    """What stands behind one published cell.

    kind: ``"count"`` (k firms out of n; n optional), ``"share"`` (k of n firms), ``"mean"`` (a mean
    of a bounded answer over n firms), ``"magnitude"`` (a sum or mean of a firm quantity: `values` are
    the contributions), ``"statistic"`` (estimated on n firms), ``"quantile"`` (a quartile of n firms'
    values: at least ``n_min_magnitude`` firms, since an order statistic is one firm's value)."""

    kind: str
    n: int | None = None
    k: int | None = None
    values: tuple[float, ...] | None = None

    @classmethod
    def count(cls, k, n=None) -> "Cell":
        return cls("count", n=_int(n), k=_int(k))

    @classmethod
    def share(cls, k, n) -> "Cell":
        return cls("share", n=_int(n), k=_int(k))

    @classmethod
    def mean(cls, n) -> "Cell":
        return cls("mean", n=_int(n))

    @classmethod
    def magnitude(cls, values: Iterable[float]) -> "Cell":
        vals = tuple(float(v) for v in values if v is not None and np.isfinite(float(v)))
        return cls("magnitude", n=len(vals), values=vals)

    @classmethod
    def statistic(cls, n) -> "Cell":
        return cls("statistic", n=_int(n))

    @property
    def weight(self) -> float:
        """The count used to choose secondary partners (the firms the cell shows)."""
        if self.k is not None:
            return float(self.k)
        return float(self.n or 0)


def _int(value) -> int | None:
    if value is None:
        return None
    try:
        if np.isnan(value):
            return None
    except TypeError:
        pass
    return int(value)


def _small(count: int | None, n_min: int) -> bool:
    """A frequency cell is sensitive when it holds 1 .. n_min - 1 firms (0 is not: allowZeros FALSE)."""
    return count is not None and 0 < count < n_min


def dominance_sensitive(values, n: int = POLICY.dominance_n, k: float = POLICY.dominance_k) -> bool:
    """(n, k) rule: the n largest contributions exceed k% of the cell total (absolute values, as the
    Handbook prescribes for contributions of either sign)."""
    vals = np.sort(np.abs(np.asarray(values, dtype=float)))[::-1]
    total = vals.sum()
    return bool(total > 0 and vals[:n].sum() > k / 100 * total)


def p_percent_sensitive(values, p: float) -> bool:
    """p% rule: total - x1 - x2 < p/100 * x1, with x1 >= x2 the two largest contributions: the second
    largest contributor could estimate the largest within p%."""
    vals = np.sort(np.abs(np.asarray(values, dtype=float)))[::-1]
    if len(vals) == 0 or vals[0] == 0:
        return False
    rest = vals.sum() - vals[:2].sum()
    return bool(rest < p / 100 * vals[0])


def primary(cell: Cell, policy: Policy = POLICY) -> str:
    """The primary-suppression code of one cell ('' when it may be published)."""
    if cell.kind in ("count", "share"):
        if cell.kind == "share" and cell.n is not None and cell.n < policy.n_min:
            return FREQUENCY if cell.n > 0 else ""
        if _small(cell.k, policy.n_min):
            return FREQUENCY
        if cell.n is not None and cell.k is not None and _small(cell.n - cell.k, policy.n_min):
            return FREQUENCY
        return ""
    if cell.kind == "mean":
        return FREQUENCY if _small(cell.n, policy.n_min) else ""
    if cell.kind == "statistic":
        return SMALL_SAMPLE if _small(cell.n, policy.n_min) else ""
    if cell.kind == "quantile":  # an order statistic is one firm's value: the magnitude threshold
        return FEW_CONTRIBUTORS if _small(cell.n, policy.n_min_magnitude) else ""
    if cell.kind == "magnitude":
        if not cell.values:
            return ""
        if len(cell.values) < policy.n_min_magnitude:
            return FEW_CONTRIBUTORS
        if dominance_sensitive(cell.values, policy.dominance_n, policy.dominance_k):
            return DOMINANCE
        if policy.p_percent is not None and p_percent_sensitive(cell.values, policy.p_percent):
            return P_PERCENT
        return ""
    raise ValueError(f"unknown cell kind {cell.kind!r}")


def margin(cells: Iterable[Hashable], total: Hashable) -> dict:
    """The relation 'the cells add up to the total cell' (a pooled column, a total row)."""
    relation = {c: 1.0 for c in cells}
    relation[total] = -1.0
    return relation


def known_sum(cells: Iterable[Hashable]) -> dict:
    """The relation 'the cells add up to a known number' (statuses adding up to the firms answering)."""
    return {c: 1.0 for c in cells}


RESIDUAL_TOLERANCE = 1e-9  # `recoverable`: a unit vector this close (squared distance) to the row space lies in it


def recoverable(suppressed: list, relations: list[Mapping]) -> list:
    """The suppressed cells whose value the published cells and the relations determine exactly: cell j
    is determined iff its unit vector lies in the row space of the relations restricted to the
    suppressed cells (the published cells move to the right-hand side)."""
    if not suppressed or not relations:
        return []
    index = {c: j for j, c in enumerate(suppressed)}
    rows = []
    for relation in relations:
        row = np.zeros(len(suppressed))
        for c, coef in relation.items():
            if c in index:
                row[index[c]] = coef
        if row.any():
            rows.append(row)
    if not rows:
        return []
    a = np.vstack(rows)
    # e_j is in the row space iff its projection on it is itself: (V V')_jj = 1, V an orthonormal basis of
    # the row space (one SVD; the relations' coefficients are small integers, so a cell is either
    # determined, up to rounding, or off the row space by far more than RESIDUAL_TOLERANCE)
    _, s, vt = np.linalg.svd(a, full_matrices=False)
    rank = int((s > s.max(initial=0.0) * max(a.shape) * np.finfo(float).eps).sum())
    residual = 1.0 - (vt[:rank] ** 2).sum(axis=0)  # squared distance of each unit vector from the row space
    return [c for c, j in index.items() if residual[j] <= RESIDUAL_TOLERANCE]


def protect(cells: Mapping[Hashable, Cell], relations: list[Mapping] | None = None,
            policy: Policy = POLICY) -> dict:
    """Primary and secondary suppression of one table: {cell key: code} for every cell to suppress
    (`cells`: {key: Cell}; `relations`: additive relations among keys, see `margin`, `known_sum`).
    Keys in a relation but not in `cells` are published values without a count (never chosen as
    partners unless nothing else is left, then they are suppressed too)."""
    codes = {key: code for key, cell in cells.items() if (code := primary(cell, policy))}
    relations = [dict(r) for r in (relations or []) if r]
    if not codes or not relations:
        return codes
    weight = {key: cell.weight for key, cell in cells.items()}

    def partner(relation) -> Hashable | None:
        free = [c for c in relation if c not in codes]
        if not free:
            return None
        # prefer a cell with firms (a zero partner protects nothing), then the smallest count
        return min(free, key=lambda c: (weight.get(c, np.inf) <= 0, weight.get(c, np.inf), str(c)))

    for _ in range(sum(len(r) for r in relations) + 1):
        suppressed = list(codes)
        exposed = recoverable(suppressed, relations)
        thin = [r for r in relations
                if any(c in codes for c in r)
                and sum(weight.get(c, 0.0) for c in r if c in codes) < policy.n_min]
        target = None
        for cell in exposed:
            for relation in relations:
                if cell in relation and (choice := partner(relation)) is not None:
                    target = choice
                    break
            if target is not None:
                break
        if target is None:
            for relation in thin:
                if (choice := partner(relation)) is not None:
                    target = choice
                    break
        if target is None:
            return codes
        codes[target] = SECONDARY
    return codes


def bin_index(values, n_min: int = POLICY.n_min_magnitude, max_bins: int = 8) -> np.ndarray:
    """Quantile bins for a binned figure of real data: the bin (0, 1, ...) of each value, by rank, so that
    every bin holds at least `n_min` firms (as many bins as the data allow, at most `max_bins`); -1 for a
    missing value, and for every value when fewer than `n_min` are present (nothing may be shown)."""
    vals = np.asarray(values, dtype=float)
    out = np.full(len(vals), -1)
    ok = np.isfinite(vals)
    k = int(min(max_bins, ok.sum() // n_min))
    if k < 1:
        return out
    order = np.argsort(vals[ok], kind="stable")
    idx = np.empty(ok.sum(), dtype=int)
    for b, group in enumerate(np.array_split(order, k)):
        idx[group] = b
    out[ok] = idx
    return out
