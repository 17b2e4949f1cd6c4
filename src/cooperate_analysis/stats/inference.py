"""Inferential building blocks (methods.md §2 steps 3, 6, 7, 8); every function returns a tidy DataFrame.

Library first, hand-written only where no kept library does the job:
- bivariate tests: scipy.stats; multiplicity: statsmodels `multipletests` (BH within pre-declared
  families, Holm for confirmatory tests). Hand: the test choice by measurement level and the
  rank-biserial / phi effect sizes (one-line formulas).
- post-stratification weights and the linearized variance of a weighted mean: hand-written.
  statsmodels `DescrStatsW` reads weights as frequency weights (`std_mean` divides by
  sum(w) - 1, i.e. by the population size for N/n weights) and statsmodels has no stratified
  survey variance (issue #3335); samplics is frozen (methods.md §3).
- multiple imputation: statsmodels `MICEData` (predictive mean matching) as `FastMICEData`, the
  same imputation model without patsy and statsmodels' OLS setup in its inner loop (fast on large
  surveys; the same imputations as the library on the tests' data). Hand: Rubin's rules with the
  Barnard-Rubin (1999) degrees of freedom and a t reference, because `MICE.combine` pools with a
  normal reference.
- power: statsmodels `FTestPowerF2` (not `FTestPower`, whose df are reversed).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from scipy import stats
from statsmodels.imputation.mice import MICEData
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import FTestPowerF2
from statsmodels.tools.tools import add_constant

from ..data.codebook import load_codebook
from .policy import holm_adjusted

BINARY, ORDINAL = "binary", "ordinal"
GRID_COLUMNS = ["group", "exposure", "outcome", "test", "effect", "effect_name", "statistic",
                "p_value", "n", "family", "p_adj"]


# --- 1. Bivariate association grid -------------------------------------------------------------

def measurement_level(values: pd.Series) -> str:
    """'binary' if every observed value is 0 or 1, else 'ordinal' (Likert items, indices, scores)."""
    return BINARY if set(pd.unique(values.dropna().astype("float64"))) <= {0.0, 1.0} else ORDINAL


def _blocks(spec: Mapping[str, Sequence[str]] | Sequence[str], default: str) -> dict[str, list[str]]:
    return {k: list(v) for k, v in spec.items()} if isinstance(spec, Mapping) else {default: list(spec)}


def _pair_test(x: np.ndarray, y: np.ndarray, lx: str, ly: str, ordinal_method: str) -> dict:
    """Test chosen by the measurement levels of x and y; NaN results if either does not vary."""
    if lx == ly == ORDINAL:
        test, name = ordinal_method, {"spearman": "spearman_rho", "kendall": "kendall_tau_b"}[ordinal_method]
    elif lx == ly == BINARY:
        test, name = "chi-square", "phi"
    else:
        test, name = "mann-whitney", "rank_biserial"
    out = {"test": test, "effect_name": name, "effect": np.nan, "statistic": np.nan, "p_value": np.nan}
    if len(x) < 3 or np.unique(x).size < 2 or np.unique(y).size < 2:
        return out
    if test == "spearman":
        res = stats.spearmanr(x, y)
        out.update(effect=res.statistic, statistic=res.statistic, p_value=res.pvalue)
    elif test == "kendall":
        res = stats.kendalltau(x, y, variant="b")
        out.update(effect=res.statistic, statistic=res.statistic, p_value=res.pvalue)
    elif test == "mann-whitney":
        # group = the binary variable; value = the ordinal one; effect > 0: higher values where binary = 1
        group, value = (x, y) if lx == BINARY else (y, x)
        v1, v0 = value[group == 1], value[group == 0]
        res = stats.mannwhitneyu(v1, v0, alternative="two-sided")
        out.update(effect=2 * res.statistic / (len(v1) * len(v0)) - 1, statistic=res.statistic,
                   p_value=res.pvalue)
    else:
        table = np.array([[np.sum((x == i) & (y == j)) for j in (0, 1)] for i in (0, 1)])
        (a, b), (c, d) = table
        phi = (a * d - b * c) / np.sqrt(float((a + b) * (c + d) * (a + c) * (b + d)))
        if (stats.contingency.expected_freq(table) < 5).any():
            res = stats.fisher_exact(table)
            out["test"] = "fisher"
        else:
            res = stats.chi2_contingency(table, correction=False)
        out.update(effect=phi, statistic=res.statistic, p_value=res.pvalue)
    return out


def fdr_by_family(p_values: Sequence[float], families: Sequence[str], method: str = "fdr_bh") -> np.ndarray:
    """`multipletests` adjustment applied separately within each family; NaN p-values stay NaN. Holm's is
    `policy.holm_adjusted` (the same numbers, without the full garbage collection of every multipletests
    call), as in `policy.adjust`."""
    p = np.asarray(p_values, dtype="float64")
    fam = np.asarray(families, dtype=object)
    adjusted = np.full(p.shape, np.nan)
    for f in pd.unique(fam):
        idx = np.flatnonzero((fam == f) & np.isfinite(p))
        if idx.size:
            adjusted[idx] = holm_adjusted(p[idx]) if method == "holm" else multipletests(p[idx], method=method)[1]
    return adjusted


def association_grid(df: pd.DataFrame, exposures: Mapping[str, Sequence[str]] | Sequence[str],
                     outcomes: Mapping[str, Sequence[str]] | Sequence[str], by: str | None = "district",
                     *, pooled: bool = False, ordinal_method: str = "spearman",
                     levels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Battaglia-style grid of bivariate tests, BH-adjusted within pre-declared families.

    `exposures` / `outcomes`: blocks {block name: columns} (a plain list is one block named
    "exposures" / "outcomes"). One family = exposure block x outcome block x group; `p_adj` is the
    Benjamini-Hochberg adjustment within the family. Tests by measurement level (inferred with
    `measurement_level` on the whole column, overridable through `levels`): ordinal x ordinal
    Spearman rho (or Kendall tau-b with ordinal_method="kendall"); binary x ordinal Mann-Whitney U
    (U of the binary = 1 group) with rank-biserial r = 2U/(n1 n0) - 1; binary x binary Pearson
    chi-square without continuity correction, or Fisher's exact test (statistic = odds ratio) when
    any expected count is below 5, with signed phi (= Cramer's V in absolute value). Pairwise
    complete cases; groups come from `by` (None: one group "all"), plus "pooled" if requested.
    """
    if ordinal_method not in ("spearman", "kendall"):
        raise ValueError(f"ordinal_method must be 'spearman' or 'kendall', not {ordinal_method!r}")
    exp_blocks, out_blocks = _blocks(exposures, "exposures"), _blocks(outcomes, "outcomes")
    columns = {c for block in (*exp_blocks.values(), *out_blocks.values()) for c in block}
    level = {c: measurement_level(df[c]) for c in columns} | dict(levels or {})
    groups = [("all", df)] if by is None else [(str(g), sub) for g, sub in df.groupby(by, sort=True, observed=True)]
    if pooled and by is not None:
        groups.append(("pooled", df))
    rows = []
    for group, sub in groups:
        for exp_block, exp_cols in exp_blocks.items():
            for out_block, out_cols in out_blocks.items():
                family = f"{exp_block} | {out_block} | {group}"
                for x in exp_cols:
                    for y in out_cols:
                        if x == y:
                            continue
                        pair = sub[[x, y]].astype("float64").dropna()
                        res = _pair_test(pair[x].to_numpy(), pair[y].to_numpy(), level[x], level[y],
                                         ordinal_method)
                        rows.append({"group": group, "exposure": x, "outcome": y, **res,
                                     "n": len(pair), "family": family})
    grid = pd.DataFrame(rows, columns=GRID_COLUMNS[:-1])
    grid["p_adj"] = fdr_by_family(grid["p_value"], grid["family"])
    return grid


def holm(pvalues: Mapping[str, float] | pd.Series | Sequence[float], alpha: float = 0.05) -> pd.DataFrame:
    """Holm step-down adjustment for a short list of confirmatory tests."""
    p = pd.Series(pvalues, dtype="float64")
    if p.isna().any():
        raise ValueError("holm: every confirmatory test needs a p-value")
    reject, p_adj, *_ = multipletests(p.to_numpy(), alpha=alpha, method="holm")
    return pd.DataFrame({"hypothesis": p.index, "p_value": p.to_numpy(), "p_adj": p_adj, "reject": reject})


# --- 2. Post-stratification weights and weighted means --------------------------------------------

class PostStratification(NamedTuple):
    weights: pd.Series  # w_i = N_g / n_g, aligned with the survey's index
    cells: pd.DataFrame  # one row per district x size class
    strata: pd.Series  # collapsed cell of each firm, "district:class[+class]", for weighted_mean


def _collapse(n: list[int], min_n: int, N: list[int] | None = None) -> list[list[int]]:
    """Merge ordered cells until each merged cell has >= min_n respondents (or one cell is left) and
    every merged cell with respondents has a population count (`N` > 0)."""
    N = N if N is not None else [1] * len(n)
    groups = [[i] for i in range(len(n))]
    while len(groups) > 1:
        sizes = [sum(n[i] for i in g) for g in groups]
        counted = [sum(N[i] for i in g) > 0 for g in groups]
        small = [k for k, s in enumerate(sizes) if s < min_n or (s > 0 and not counted[k])]
        if not small:
            break
        k = min(small, key=lambda k: (counted[k], sizes[k], k))  # uncounted cells first
        j = min((j for j in (k - 1, k + 1) if 0 <= j < len(groups)), key=lambda j: (sizes[j], j))
        lo, hi = sorted((k, j))
        groups[lo:hi + 1] = [groups[lo] + groups[hi]]
    return groups


def poststrat_weights(df: pd.DataFrame, population: pd.DataFrame, *, by: str = "district",
                      cell: str = "size_class", min_n: int = 5,
                      order: Sequence[str] | None = None) -> PostStratification:
    """Post-stratification to population counts by district x size class: w = N_hk / n_hk.

    Collapsing rule [ours, methods.md §2.6]: within a district, size classes are ordered (codebook
    order unless `order` is given); while some cell has fewer than `min_n` respondents (empty cells
    with N > 0 included), the smallest such cell (ties: the smaller class) is merged with its
    adjacent class having fewer respondents (ties: the smaller class), and the merged cell gets
    w = N_g / n_g. A class with respondents but no population count (N missing or 0, e.g. firms of
    250+ employees in an SME frame) is merged first in the same way, so those firms are weighted
    with their neighbouring class (`uncounted` in `cells` says so). Classes with neither
    respondents nor N are left out of `cells`; respondents of a district without any population
    count are an error. Within each district the weights sum to N_d.
    """
    order = list(order or load_codebook().size_classes)
    if df[[by, cell]].isna().any().any():
        raise ValueError(f"poststrat_weights: {by!r} and {cell!r} must be observed for every firm")
    keys = pd.MultiIndex.from_arrays([df[by].astype(str), df[cell].astype(str)])
    sample = pd.Series(1, index=keys).groupby(level=[0, 1]).size()
    pop = population.set_index([by, cell])["N"].astype("float64").fillna(0)
    no_frame = sorted(set(sample.index.get_level_values(0)) - set(pop[pop > 0].index.get_level_values(0)))
    if no_frame:
        raise ValueError(f"poststrat_weights: no population count for district(s) {', '.join(no_frame)}")
    rows = []
    for district, counts in pop.groupby(level=0, sort=False):
        counts = counts.droplevel(0)
        extra = [c for c in sample.get(district, pd.Series(dtype=int)).index if c not in counts.index]
        classes = [c for c in order if c in counts.index or c in extra]
        classes += [c for c in [*counts.index, *extra] if c not in classes]
        n = [int(sample.get((district, c), 0)) for c in classes]
        N = [int(counts.get(c, 0)) for c in classes]
        keep = [i for i in range(len(classes)) if N[i] > 0 or n[i] > 0]
        for group in _collapse([n[i] for i in keep], min_n, [N[i] for i in keep]):
            members = [keep[i] for i in group]
            n_g, N_g = sum(n[i] for i in members), sum(N[i] for i in members)
            label = "+".join(classes[i] for i in members)
            for i in members:
                rows.append({by: district, cell: classes[i], "N": N[i], "n": n[i], "group": label,
                             "N_group": N_g, "n_group": n_g, "weight": N_g / n_g if n_g else np.nan,
                             "collapsed": len(members) > 1, "uncounted": N[i] == 0})
    cells = pd.DataFrame(rows)
    lookup = cells.set_index([by, cell]).reindex(keys)
    weights = pd.Series(lookup["weight"].to_numpy(), index=df.index, name="weight")
    strata = pd.Series(keys.get_level_values(0).to_numpy() + ":" + lookup["group"].to_numpy(),
                       index=df.index, name="stratum")
    return PostStratification(weights, cells, strata)


def _column(df: pd.DataFrame, spec: str | pd.Series | None, name: str) -> pd.Series:
    if spec is None:
        return pd.Series("all", index=df.index, name=name)
    return df[spec] if isinstance(spec, str) else spec.reindex(df.index).rename(name)


def weighted_mean(df: pd.DataFrame, var: str | Sequence[str], weights: str | pd.Series, *,
                  by: str | None = None, strata: str | pd.Series | None = None,
                  level: float = 0.95) -> pd.DataFrame:
    """Weighted (Hajek ratio) mean or share with a Taylor-linearization standard error, hand-written.

    mean = sum(w y) / sum(w); linearized scores z_i = w_i (y_i - mean) / sum(w);
    var = sum_h n_h / (n_h - 1) * sum_{i in h} (z_i - zbar_h)^2 over `strata` (None: one stratum),
    with-replacement (no finite-population correction, hence conservative for large sampling
    fractions). With post-stratification weights, passing the collapsed cells (`PostStratification.
    strata`) as strata is the usual approximation to the post-stratified variance. CI: t with
    n - H df. Rows with missing y or weight are dropped per variable. A share is the mean of a 0/1
    variable. Columns: [by], variable, n, mean, se, ci_low, ci_high, unweighted_mean.
    """
    variables = [var] if isinstance(var, str) else list(var)
    w_all = _column(df, weights, "weight").astype("float64")
    h_all = _column(df, strata, "stratum")
    groups = [("all", df.index)] if by is None else list(df.groupby(by, sort=True, observed=True).groups.items())
    rows = []
    for group, index in groups:
        for v in variables:
            frame = pd.DataFrame({"y": df.loc[index, v].astype("float64"), "w": w_all.loc[index],
                                  "h": h_all.loc[index]}).dropna()
            total = frame["w"].sum()
            mean = (frame["w"] * frame["y"]).sum() / total
            z = frame["w"] * (frame["y"] - mean) / total
            n_h = frame.groupby("h")["y"].transform("size")
            if (n_h < 2).any():
                raise ValueError(f"weighted_mean: stratum with a single observation in group {group!r}")
            centred = z - z.groupby(frame["h"]).transform("mean")
            se = float(np.sqrt((n_h / (n_h - 1) * centred ** 2).sum()))
            q = stats.t.ppf(0.5 + level / 2, len(frame) - frame["h"].nunique())
            row = {} if by is None else {by: group}
            rows.append(row | {"variable": v, "n": len(frame), "mean": mean, "se": se,
                               "ci_low": mean - q * se, "ci_high": mean + q * se,
                               "unweighted_mean": frame["y"].mean()})
    return pd.DataFrame(rows)


# --- 3. Multiple imputation and Rubin / Barnard-Rubin pooling ---------------------------------------

def rubin_pool(estimates, variances, df_complete: float, level: float = 0.95) -> pd.DataFrame:
    """Rubin's rules with Barnard-Rubin (1999) small-sample df and a t reference.

    `estimates`, `variances`: m x p (imputations x terms; DataFrame columns name the terms).
    qbar = mean Q; ubar = mean U (within); b = var(Q, ddof=1) (between); t = ubar + (1 + 1/m) b;
    riv = (1 + 1/m) b / ubar; lambda = (1 + 1/m) b / t; df_old = (m - 1) / lambda^2;
    df_obs = (df_com + 1) / (df_com + 3) * df_com * (1 - lambda); df = 1 / (1/df_old + 1/df_obs);
    fmi = (riv + 2 / (df + 3)) / (1 + riv) (as mice::pool). With b = 0, df = df_obs =
    df_com (df_com + 1) / (df_com + 3); with df_complete = inf, df = df_old (Rubin 1987).
    """
    terms = estimates.columns if isinstance(estimates, pd.DataFrame) else None
    q = np.asarray(estimates, dtype="float64")
    u = np.asarray(variances, dtype="float64")
    if q.ndim == 1:
        q, u = q[:, None], u[:, None]
    if q.shape != u.shape or q.shape[0] < 2:
        raise ValueError("rubin_pool: estimates and variances must both be m x p with m >= 2")
    m = q.shape[0]
    # between variance of the deviations from the first imputation: the same number, but exactly 0
    # when every imputation gives the same estimate (q.var can leave 1e-32 there, machine-dependent)
    qbar, ubar, b = q.mean(axis=0), u.mean(axis=0), (q - q[0]).var(axis=0, ddof=1)
    total = ubar + (1 + 1 / m) * b
    riv = (1 + 1 / m) * b / ubar
    lam = (1 + 1 / m) * b / total
    with np.errstate(divide="ignore"):
        df_old = (m - 1) / lam ** 2
        df_obs = (np.full_like(lam, np.inf) if np.isinf(df_complete)
                  else (df_complete + 1) / (df_complete + 3) * df_complete * (1 - lam))
        df = 1 / (1 / df_old + 1 / df_obs)
    se = np.sqrt(total)
    tq = stats.t.ppf(0.5 + level / 2, df)
    return pd.DataFrame({
        "term": list(terms) if terms is not None else list(range(q.shape[1])),
        "estimate": qbar, "within": ubar, "between": b, "total": total, "se": se,
        "riv": riv, "lambda": lam, "fmi": (riv + 2 / (df + 3)) / (1 + riv),
        "df_old": df_old, "df_obs": df_obs, "df": df, "t": qbar / se,
        "p_value": 2 * stats.t.sf(np.abs(qbar / se), df),
        "ci_low": qbar - tq * se, "ci_high": qbar + tq * se})


def numeric_frame(df: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Numeric copy of `columns`; non-numeric ones become 0/1 dummies (the first level in sorted
    order dropped), named `<column>_<level>` with non-word characters as "_". Returns the frame and,
    per column, its names in it."""
    parts, names = [pd.DataFrame(index=df.index)], {}
    for c in columns:
        if pd.api.types.is_numeric_dtype(df[c]):
            parts.append(df[c].astype("float64"))
            names[c] = [c]
            continue
        if df[c].isna().any():
            raise ValueError(f"categorical {c!r} must be complete to be coded as dummies "
                             "(MICE imputes numeric columns only)")
        dummies = pd.get_dummies(df[c].astype(str), prefix=c, drop_first=True, dtype="float64")
        dummies.columns = [re.sub(r"\W", "_", name) for name in dummies.columns]
        parts.append(dummies)
        names[c] = list(dummies.columns)
    return pd.concat(parts, axis=1), names


class _LinearPredictor:
    """What `MICEData.impute_pmm` needs of an OLS imputation model: predict(params, exog) = exog @ params."""

    @staticmethod
    def predict(params, exog):
        return exog @ params


class FastMICEData(MICEData):
    """statsmodels `MICEData` with the same imputation model at a fraction of the cost on large surveys.

    For main-effects imputation formulas ("y ~ a + b", numeric columns, OLS, Gaussian perturbation:
    the library's defaults) two steps are done directly, once per update:
    - the design is sliced from the data with numpy instead of being rebuilt by patsy for each of the
      two steps of an update (the same arrays: intercept first, then the terms in formula order);
    - the OLS that the parameter draw is centred on comes from the normal equations, pinv(X'X) X'y
      with covariance s^2 pinv(X'X), s^2 = e'e / (n - rank), instead of statsmodels `OLS`, whose
      setup and three SVDs of X dominated an update at 10^5 firms (bench/scale.py). The draw
      itself, N(b, cov) from the chain's generator, and predictive mean matching are the library's.
    Any other imputation model goes through the library unchanged.
    """

    _design: tuple[str, np.ndarray, np.ndarray] | None = None  # (vname, endog, exog) during `update`

    def set_imputer(self, endog_name, *args, **kwargs):
        super().set_imputer(endog_name, *args, **kwargs)
        self.__dict__.setdefault("_terms", {}).pop(endog_name, None)

    def _term_positions(self, vname: str) -> tuple[int, list[int], bool] | None:
        """Column positions of `vname` and of its formula's terms, and whether every column of the data is
        a float one, if the formula is plain main effects of float columns, else None. Found once per
        imputer (`set_imputer` forgets it): its formula, keywords and the columns' types do not change
        while the chain runs, and the pandas lookups cost 1 ms per update."""
        cache = self.__dict__.setdefault("_terms", {})
        if vname not in cache:
            lhs, _, rhs = self.conditional_formula[vname].partition("~")
            terms = [t.strip() for t in rhs.split("+")]
            columns = list(self.data.columns)
            plain = (lhs.strip() == vname and vname not in self.predict_kwds and not self.init_kwds[vname]
                     and not self.fit_kwds[vname] and set(terms) <= set(columns) and len(set(columns)) == len(columns)
                     and all(pd.api.types.is_float_dtype(self.data[c]) for c in [vname, *terms]))
            every = all(pd.api.types.is_float_dtype(dtype) for dtype in self.data.dtypes)
            cache[vname] = (columns.index(vname), [columns.index(c) for c in terms], every) if plain else None
        return cache[vname]

    def _main_effects(self, vname: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(endog, exog with intercept) of `vname`'s formula if it is plain main effects, else None."""
        if self._design is not None and self._design[0] == vname:
            return self._design[1:]
        positions = self._term_positions(vname)
        if positions is None:
            return None
        column, terms, every_float = positions
        if every_float:  # the whole table as one float array (a view where the frame is one block)
            values = self.data.to_numpy()
        else:
            values = self.data.iloc[:, [column, *terms]].to_numpy()
            column, terms = 0, list(range(1, len(terms) + 1))
        return values[:, column].copy(), np.column_stack([np.ones(len(values)), values[:, terms]])

    def update(self, vname):
        """The library's update (perturb the parameters, then impute); the design is built once for
        both steps, as the data do not change between them."""
        design = self._main_effects(vname)
        self._design = None if design is None else (vname, *design)
        try:
            super().update(vname)
        finally:
            self._design = None

    def _perturb_gaussian(self, vname):
        design = self._main_effects(vname)
        if design is None or self.model_class[vname] is not OLS:
            return super()._perturb_gaussian(vname)
        endog, exog, _, _ = self.get_fitting_data(vname)
        xtx_inv = np.linalg.pinv(exog.T @ exog, hermitian=True)
        params = xtx_inv @ (exog.T @ endog)
        resid = endog - exog @ params
        scale = resid @ resid / (len(endog) - np.linalg.matrix_rank(xtx_inv, hermitian=True))
        self.models[vname] = _LinearPredictor()
        self.params[vname] = self.rng.multivariate_normal(mean=params, cov=scale * xtx_inv)

    def get_split_data(self, vname):
        design = self._main_effects(vname)
        if design is None:
            return super().get_split_data(vname)
        endog, exog = design
        ixo, ixm = self.ix_obs[vname], self.ix_miss[vname]
        return endog[ixo, None], exog[ixo], exog[ixm], {}, {}

    def get_fitting_data(self, vname):
        design = self._main_effects(vname)
        if design is None:
            return super().get_fitting_data(vname)
        endog, exog = design
        ixo = self.ix_obs[vname]
        return endog[ixo], exog[ixo], {}, {}


def mice_ols(df: pd.DataFrame, outcome: str | Sequence[str], exposure: str, controls: Sequence[str] = (), *,
             m: int = 20, seed: int = 0, n_burnin: int = 10,
             n_skip: int = 3, k_pmm: int = 20, cov_type: str = "HC3", level: float = 0.95) -> pd.DataFrame:
    """OLS of each outcome on exposure + controls after MICE (PMM), pooled with `rubin_pool`.

    Imputation model: statsmodels `MICEData` (as `FastMICEData`; each variable on all others,
    predictive mean matching with `k_pmm` donors, Gaussian parameter perturbation) over the
    outcome(s), exposure and controls, so each outcome is imputed with the others in the model
    (methods.md §2.7). Several outcomes share one chain: the m completed datasets are the same for
    all of them, as `MICE.fit` would give each (n_burnin cycles, then n_skip + 1 cycles before each
    dataset).
    Non-numeric columns (district) enter as dummies and must be complete. Each of the `m` analyses
    is OLS with `cov_type` (HC3) SEs; complete-data df = n - number of coefficients. All randomness
    comes from `seed`. Returns outcome, then the `rubin_pool` columns, plus m and n.
    """
    outcomes = [outcome] if isinstance(outcome, str) else list(outcome)
    used = list(dict.fromkeys([*outcomes, exposure, *controls]))
    data, names = numeric_frame(df, used)
    rhs = [name for c in [exposure, *controls] for name in names[c]]
    imp = FastMICEData(data, k_pmm=k_pmm, rng=np.random.default_rng(seed))
    imp.update_all(n_burnin)
    fits: dict[str, list] = {y: [] for y in outcomes}  # (params, variances, df_resid, nobs) of each analysis
    for _ in range(m):
        imp.update_all(n_skip + 1)
        exog = add_constant(imp.data[rhs], has_constant="add").rename(columns={"const": "Intercept"})
        for y in outcomes:
            fit = OLS(imp.data[y], exog).fit(cov_type=cov_type)  # only its numbers are kept: memory
            fits[y].append((fit.params, np.diag(fit.cov_params()), fit.df_resid, int(fit.nobs)))
    pooled = []
    for y, results in fits.items():
        estimates = pd.DataFrame([params for params, *_ in results])
        variances = pd.DataFrame([variance for _, variance, *_ in results], columns=estimates.columns)
        pooled.append(rubin_pool(estimates, variances, df_complete=results[0][2], level=level)
                      .assign(m=m, n=results[0][3]))
    return pd.concat(pooled, keys=outcomes, names=["outcome", None]).reset_index(level=0).reset_index(drop=True)


# --- 4. Power and minimum detectable effects ----------------------------------------------------

def power_table(n: int | Mapping[str, int], n_regressors: int | Mapping[str, int], alpha: float = 0.05,
                power: float = 0.8, r: Sequence[float] = (0.1, 0.2, 0.3)) -> pd.DataFrame:
    """Power of the t/F test of one coefficient and the minimum detectable partial r, per group.

    `n`: sample size, or {group: n} (e.g. each district and "pooled"); `n_regressors`: regressors
    besides the intercept, tested one included (scalar or per group). statsmodels `FTestPowerF2`,
    df_num = 1, df_denom = n - n_regressors - 1, effect f2 = r^2 / (1 - r^2) with r a partial
    correlation (noncentrality f2 (df_denom + 2), as R pwr.f2.test). Columns: group, n,
    n_regressors, df_denom, power_r<r> for each r, mde_f2, mde_r (partial r with the given power).
    The minimum detectable effect is solved by bracketing and checked (`_solve_f2`): a computation
    that fails raises ValueError, it never returns a number (check `estimability.power` first).
    """
    sizes = n if isinstance(n, Mapping) else {"all": n}
    k = dict(n_regressors) if isinstance(n_regressors, Mapping) else dict.fromkeys(sizes, n_regressors)
    rows = []
    for group, size in sizes.items():
        df_denom = size - k[group] - 1
        if df_denom < 1:
            raise ValueError(f"power_table: n = {size} leaves no residual df with {k[group]} regressors")
        row = {"group": group, "n": size, "n_regressors": k[group], "df_denom": df_denom}
        for r_ in r:
            row[f"power_r{r_:.2f}"] = float(FTestPowerF2().power(
                effect_size=r_ ** 2 / (1 - r_ ** 2), df_num=1, df_denom=df_denom, alpha=alpha))
        f2 = _solve_f2(df_denom, alpha, power)
        rows.append(row | {"mde_f2": f2, "mde_r": np.sqrt(f2 / (1 + f2))})
    return pd.DataFrame(rows)


def _power_f2(f2: float, df_denom: float, alpha: float) -> float:
    return float(FTestPowerF2().power(effect_size=f2, df_num=1, df_denom=df_denom, alpha=alpha))


def _solve_f2(df_denom: float, alpha: float, power: float) -> float:
    """The f2 at which the one-coefficient F test has `power`, by bracketing (brentq on power(f2),
    increasing in f2) and checked. statsmodels' `solve_power` can return its start value without
    converging and without a warning at small df (f2 = 5e-6, "r = 0.00", at n = 9): a result that
    does not give the requested power is an error, never a number."""
    from scipy.optimize import brentq

    low, high = -20.0, 8.0  # log10 f2: r from 1e-10 to 0.99999999
    if not _power_f2(10 ** low, df_denom, alpha) < power < _power_f2(10 ** high, df_denom, alpha):
        raise ValueError(f"power: no effect size gives power {power} with {df_denom} residual df (not computable)")
    f2 = 10 ** brentq(lambda e: _power_f2(10 ** e, df_denom, alpha) - power, low, high, xtol=1e-13, maxiter=500)
    if abs(_power_f2(f2, df_denom, alpha) - power) > 1e-6:
        raise ValueError(f"power: the minimum detectable effect with {df_denom} residual df did not converge "
                         "(not computable)")
    return float(f2)


def required_n(r: float | Sequence[float], n_regressors: int, alpha: float = 0.05,
               power: float = 0.8) -> pd.DataFrame:
    """Sample size giving `power` for a partial correlation r of one of `n_regressors` regressors.

    Solves `FTestPowerF2` for df_denom (df_num = 1); n_exact = df_denom + n_regressors + 1 and
    n = ceil(n_exact). Columns: r, f2, df_denom, n_exact, n.
    """
    rows = []
    for r_ in np.atleast_1d(r):
        f2 = r_ ** 2 / (1 - r_ ** 2)
        df_denom = float(np.squeeze(FTestPowerF2().solve_power(effect_size=f2, df_num=1, df_denom=None,
                                                               alpha=alpha, power=power)))
        if not np.isfinite(df_denom) or abs(_power_f2(f2, df_denom, alpha) - power) > 1e-4:
            raise ValueError(f"required_n: no sample size found for r = {r_} (not computable)")
        n_exact = df_denom + n_regressors + 1
        rows.append({"r": float(r_), "f2": f2, "df_denom": df_denom, "n_exact": n_exact,
                     "n": int(np.ceil(n_exact))})
    return pd.DataFrame(rows)
