"""Measurement of the CSR and competitiveness constructs (derived variables: `data.derived`).

`likert3` collapses Likert items to worse / same / better for the ordered logits.

The measurement checks of methods.md §2 step 2 follow: `reliability` / `reliability_table`
(Cronbach's alpha = KR-20 for binary items, Feldt CI, pingouin), `efa` / `efa_outcomes`
(factor_analyzer), `fit_cfa` / `cfa_outcomes` (semopy; SRMR, composite reliability and AVE by
hand; 1- vs 3-factor chi-square difference) and `harman_single_factor`.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import pandas as pd
from factor_analyzer import FactorAnalyzer
from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo
from scipy import stats

from ..data.codebook import Codebook, load_codebook

# --- measurement checks (methods.md §2 step 2) -------------------------------------------------
#
# Every check uses listwise deletion on the items it analyses and reports the n it used.

HU_BENTLER_1999 = {"cfi": (">=", 0.95), "tli": (">=", 0.95), "rmsea": ("<=", 0.06), "srmr": ("<=", 0.08)}
RELIABILITY_COLUMNS = ["k", "n", "alpha", "ci_low", "ci_high"]


LIKERT3 = ("worse", "same", "better")


def likert3(df: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Copy of `df` with each 1-5 Likert item collapsed to ordered categories worse (1-2), same (3),
    better (4-5).

    The end categories are sparse (a few firms per district answer 1 or 5): with them, per-district
    ordered logits and the Brant test's binary logits at the outer cut-points separate.
    """
    out = df.copy()
    for item in items:
        out[item] = pd.cut(df[item], [0.5, 2.5, 3.5, 5.5], labels=list(LIKERT3), ordered=True)
    return out


@contextmanager
def _quiet_factor_analyzer():
    """factor_analyzer 0.5.1 passes scikit-learn's renamed `force_all_finite`; silence that FutureWarning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*force_all_finite.*", category=FutureWarning)
        yield


def _complete(df: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """The items as float64, rows with any missing item dropped."""
    return df[list(items)].astype("float64").dropna()


def reliability(df: pd.DataFrame, items: list[str], ci: float = 0.95) -> pd.DataFrame:
    """Cronbach's alpha with Feldt CI (pingouin ``cronbach_alpha``), listwise deletion.

    For binary (0/1) items alpha is KR-20. Incomplete rows are dropped before pingouin is
    called, so the Feldt CI uses the n actually analysed (pingouin's ``nan_policy='listwise'``
    alone keeps the pre-deletion row count in the CI degrees of freedom). pingouin rounds the
    bounds to 3 decimals. Alpha is NaN with fewer than 2 complete rows or a constant total score.
    Returns one row: k, n, alpha, ci_low, ci_high.
    """
    data = _complete(df, items)
    n, k = data.shape
    alpha, low, high = np.nan, np.nan, np.nan
    if n >= 2 and data.sum(axis=1).var() > 0:
        import pingouin as pg  # on first use: it imports matplotlib.pyplot (about 1 s per process)

        alpha, (low, high) = pg.cronbach_alpha(data, nan_policy="listwise", ci=ci)
    return pd.DataFrame([[k, n, float(alpha), float(low), float(high)]], columns=RELIABILITY_COLUMNS)


def reliability_table(df: pd.DataFrame, by: str | None = "district", cb: Codebook | None = None) -> pd.DataFrame:
    """Alpha (KR-20 for the binary CSR practices) of every CSR dimension and outcome scale.

    Per value of ``by`` (sorted) and pooled (group 'all'). Columns: group, block,
    kind ('csr dimension' | 'outcome scale'), k, n, alpha, ci_low, ci_high.
    """
    cb = cb or load_codebook()
    blocks = ([("csr dimension", dim, items) for dim, items in cb.practices_by_dimension().items()]
              + [("outcome scale", scale, items) for scale, items in cb.items_by_scale().items()])
    groups = [] if by is None else [(str(g), df[df[by] == g]) for g in sorted(df[by].dropna().unique(), key=str)]
    groups.append(("all", df))
    rows = [reliability(part, items).assign(group=group, block=block, kind=kind)
            for group, part in groups for kind, block, items in blocks]
    return pd.concat(rows, ignore_index=True)[["group", "block", "kind", *RELIABILITY_COLUMNS]]


@dataclass(frozen=True)
class EFAResult:
    """Exploratory factor analysis.

    loadings: item, F1..Fm (rotated pattern loadings), communality, msa (per-item KMO);
    variance: factor, ss_loadings, proportion, cumulative (of the pattern loadings: under an
        oblique rotation they do not add up to the total communality);
    factor_correlations: factor_a, factor_b, r;
    adequacy: one row with n, k, n_factors, method, rotation, kmo, bartlett_chi2, bartlett_df, bartlett_p.
    """

    loadings: pd.DataFrame
    variance: pd.DataFrame
    factor_correlations: pd.DataFrame
    adequacy: pd.DataFrame


def efa(df: pd.DataFrame, items: list[str], n_factors: int = 3, method: str = "minres",
        rotation: str | None = "oblimin") -> EFAResult:
    """EFA of ``items`` with factor_analyzer on Pearson correlations (complete cases).

    Default minres extraction with oblimin rotation, the R psych ``fa()`` default that
    factor_analyzer ports; the scales are expected to correlate, hence an oblique rotation.
    Factors are ordered by variance. Two quantities are derived by hand because factor_analyzer
    0.5.1 gets them wrong for oblique rotations: the factor correlations (its ``phi_`` is not
    permuted when the factors are re-ordered; here Phi solves structure = pattern @ Phi) and the
    communalities (its ``get_communalities`` sums squared pattern loadings; here diag(P Phi P')).
    """
    data = _complete(df, items)
    with _quiet_factor_analyzer():
        fa = FactorAnalyzer(n_factors=n_factors, method=method, rotation=rotation).fit(data)
    pattern = fa.loadings_
    if fa.structure_ is None:
        phi = np.eye(n_factors)
    else:
        phi = np.linalg.lstsq(pattern, fa.structure_, rcond=None)[0]
    names = [f"F{j + 1}" for j in range(n_factors)]
    msa, kmo = calculate_kmo(data.to_numpy())
    chi2, p = calculate_bartlett_sphericity(data.to_numpy())
    k = len(items)
    loadings = pd.DataFrame(pattern, columns=names)
    loadings.insert(0, "item", list(items))
    loadings["communality"] = np.einsum("ij,jk,ik->i", pattern, phi, pattern)
    loadings["msa"] = msa
    ss, proportion, cumulative = fa.get_factor_variance()
    variance = pd.DataFrame({"factor": names, "ss_loadings": ss, "proportion": proportion, "cumulative": cumulative})
    pairs = [(a, b) for a in range(n_factors) for b in range(a + 1, n_factors)]
    correlations = pd.DataFrame({"factor_a": [names[a] for a, _ in pairs], "factor_b": [names[b] for _, b in pairs],
                                 "r": [float(phi[a, b]) for a, b in pairs]})
    adequacy = pd.DataFrame([{"n": len(data), "k": k, "n_factors": n_factors, "method": method,
                              "rotation": rotation, "kmo": float(kmo), "bartlett_chi2": float(chi2),
                              "bartlett_df": k * (k - 1) // 2, "bartlett_p": float(p)}])
    return EFAResult(loadings, variance, correlations, adequacy)


def efa_outcomes(df: pd.DataFrame, n_factors: int = 3, method: str = "minres", rotation: str | None = "oblimin",
                 cb: Codebook | None = None) -> EFAResult:
    """`efa` of the pooled competitiveness items; the loadings table gains a ``scale`` column."""
    cb = cb or load_codebook()
    result = efa(df, cb.outcome_items(), n_factors, method, rotation)
    scale = {item: s for s, items in cb.items_by_scale().items() for item in items}
    loadings = result.loadings.copy()
    loadings.insert(1, "scale", loadings["item"].map(scale))
    return replace(result, loadings=loadings)


class Problem(NamedTuple):
    """One reason a CFA solution is improper: kind ('convergence', 'heywood', 'factor_variance',
    'loading', 'correlation'), the variables concerned, and the offending value (NaN if none)."""

    kind: str
    names: tuple[str, ...]
    value: float

    def __str__(self) -> str:
        names = " and ".join(self.names)
        return {"convergence": "the optimizer did not converge",
                "heywood": f"residual variance of {names} at or below zero (Heywood case)",
                "factor_variance": f"variance of factor {names} not positive",
                "loading": f"standardized loading of {names} = {self.value:.3f}",
                "correlation": f"correlation of factors {names} = {self.value:.3g}"}[self.kind]


@dataclass(frozen=True)
class CFAFit:
    """One fitted CFA.

    fit: one row with n, chi2, df, p, cfi (bounded, `bounded_cfi`), rni (unbounded), tli, rmsea, srmr,
        converged, admissible, problems
        (`improper_solution`, "; "-joined);
    loadings: factor, item, estimate, std_loading (completely standardized), se, p;
    factor_correlations: factor_a, factor_b, r.
    """

    fit: pd.DataFrame
    loadings: pd.DataFrame
    factor_correlations: pd.DataFrame
    problems: tuple[Problem, ...] = ()  # why the solution is improper (`improper_solution`), if it is


def srmr(sample_cov: np.ndarray, implied_cov: np.ndarray) -> float:
    """Standardized root mean square residual (Bentler; lavaan's ``srmr`` without mean structure).

    Root mean square of (s_ij - sigma_ij) / sqrt(s_ii s_jj) over the p(p+1)/2 distinct elements.
    """
    sd = np.sqrt(np.diag(sample_cov))
    residual = (sample_cov - implied_cov) / np.outer(sd, sd)
    return float(np.sqrt(np.mean(residual[np.triu_indices_from(residual)] ** 2)))


def bounded_cfi(chi2: float, df: float, chi2_base: float, df_base: float) -> float:
    """Bentler's (1990) comparative fit index, bounded to [0, 1] as lavaan computes it
    (`lav_fit_cfi`): CFI = 1 - max(chi2 - df, 0) / max(chi2 - df, chi2_base - df_base, 0), and 1 when
    both are 0. semopy's `calc_cfi` is the unbounded 1 - (chi2 - df) / (chi2_base - df_base) (the
    relative noncentrality index, RNI), which exceeds 1 when chi2 < df. NaN if an input is not finite.
    TLI is not bounded, in lavaan either (its `lav_fit_tli` leaves it above 1 when chi2 < df)."""
    values = np.array([chi2, df, chi2_base, df_base], dtype="float64")
    if not np.isfinite(values).all():
        return float("nan")
    t1 = max(chi2 - df, 0.0)
    t2 = max(chi2 - df, chi2_base - df_base, 0.0)
    return 1.0 if np.isclose(t1, 0.0) and np.isclose(t2, 0.0) else float(1 - t1 / t2)


def fit_cfa(description: str, data: pd.DataFrame) -> CFAFit:
    """Fit a CFA written in semopy/lavaan syntax by maximum likelihood (semopy 'MLW').

    Complete cases of the model's observed variables; items are treated as continuous.
    semopy's ``calc_stats`` has no SRMR, so it is computed by `srmr` from semopy's sample
    covariance (divisor n, as lavaan) and model-implied covariance. CFI is bounded to [0, 1] as
    lavaan's (`bounded_cfi`); semopy's unbounded value is kept as ``rni`` (issue 23: a CFI of 1.017
    was printed). RMSEA is semopy's, already floored at 0 when chi2 < df, as lavaan's.
    """
    import semopy  # imported on first use: it loads sympy (about 0.8 s), which most reports never need

    model = semopy.Model(description)
    sample = _complete(data, model.vars["observed"])
    result = model.fit(sample)
    indices = semopy.calc_stats(model).iloc[0]
    implied, _ = model.calc_sigma()
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero factor variance: flagged by improper_solution
        est = model.inspect(std_est=True)
    latent = set(model.vars["latent"])
    problems = improper_solution(est, sample.var(ddof=0), latent, bool(result.success))
    fit = pd.DataFrame([{"n": len(sample), "chi2": indices["chi2"], "df": int(indices["DoF"]),
                         "p": indices["chi2 p-value"],
                         "cfi": bounded_cfi(indices["chi2"], indices["DoF"], indices["chi2 Baseline"],
                                            indices["DoF Baseline"]),
                         "rni": indices["CFI"], "tli": indices["TLI"],
                         "rmsea": indices["RMSEA"], "srmr": srmr(model.mx_cov, implied),
                         "converged": bool(result.success), "admissible": not problems,
                         "problems": "; ".join(map(str, problems))}])
    rows = _loading_rows(est, latent)
    loadings = pd.DataFrame({"factor": rows["rval"], "item": rows["lval"], "estimate": rows["Estimate"],
                             "std_loading": rows["Est. Std"],
                             "se": pd.to_numeric(rows["Std. Err"], errors="coerce"),
                             "p": pd.to_numeric(rows["p-value"], errors="coerce")})
    rows = _factor_covariance_rows(est, latent)
    correlations = pd.DataFrame({"factor_a": rows["lval"], "factor_b": rows["rval"], "r": rows["Est. Std"]})
    return CFAFit(fit, loadings.reset_index(drop=True), correlations.reset_index(drop=True), tuple(problems))


def _loading_rows(est: pd.DataFrame, latent: set[str]) -> pd.DataFrame:
    """The factor loadings of a semopy `inspect` table."""
    return est[(est["op"] == "~") & est["rval"].isin(latent)]


def _factor_covariance_rows(est: pd.DataFrame, latent: set[str]) -> pd.DataFrame:
    """The covariances between two different factors of a semopy `inspect` table."""
    return est[(est["op"] == "~~") & est["lval"].isin(latent) & est["rval"].isin(latent) & (est["lval"] != est["rval"])]


def improper_solution(est: pd.DataFrame, item_variance: pd.Series, latent: set[str], converged: bool,
                      tol: float = 1e-6) -> list[Problem]:
    """Why a fitted CFA (semopy `inspect(std_est=True)` table) is not an admissible solution, if it is not.

    Checked as lavaan's post-fit checks and the Heywood-case literature (Kolenikov & Bollen 2012):
    the optimizer converged; every residual variance of an item and every factor variance is
    positive (above `tol` times the variance of the item, or of the factor's marker item: semopy
    keeps variances at or above zero, so a Heywood case shows as a variance on the boundary); no
    completely standardized loading and no factor correlation reaches 1 in absolute value (a
    correlation of a factor without variance is undefined, not reported again). An improper
    solution's fit indices, loadings, CR and AVE cannot be interpreted (typically too few firms, or
    items that share no factor).
    """
    problems = [] if converged else [Problem("convergence", (), np.nan)]
    loadings = _loading_rows(est, latent)
    marker = loadings.groupby("rval", sort=False)["lval"].first()   # semopy fixes the first loading at 1
    scale = {**item_variance.astype(float).to_dict(),
             **{factor: float(item_variance[item]) for factor, item in marker.items()}}
    variances = est[(est["op"] == "~~") & (est["lval"] == est["rval"])]
    degenerate = set()
    for name, value in zip(variances["lval"], variances["Estimate"].astype(float)):
        if not value > tol * scale[name]:
            problems.append(Problem("factor_variance" if name in latent else "heywood", (name,), value))
            degenerate |= {name} & latent
    problems += [Problem("loading", (item,), value) for item, value in
                 zip(loadings["lval"], loadings["Est. Std"].astype(float)) if not abs(value) < 1 - tol]
    pairs = _factor_covariance_rows(est, latent)
    problems += [Problem("correlation", tuple(sorted((a, b))), value) for a, b, value in
                 zip(pairs["lval"], pairs["rval"], pairs["Est. Std"].astype(float))
                 if not abs(value) < 1 - tol and not {a, b} & degenerate]
    return problems


def composite_reliability(loadings: pd.DataFrame) -> pd.DataFrame:
    """Composite reliability and AVE per factor from completely standardized loadings.

    CR = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)); AVE = mean(l^2) (Fornell & Larcker 1981).
    Input columns factor, std_loading; returns factor, k, cr, ave.
    """
    rows = []
    for factor, lam in loadings.groupby("factor", sort=False)["std_loading"]:
        lam = lam.to_numpy(dtype=float)
        true = lam.sum() ** 2
        rows.append({"factor": factor, "k": len(lam), "cr": true / (true + np.sum(1 - lam**2)),
                     "ave": float(np.mean(lam**2))})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CFAResult:
    """CFA of the outcome scales with a one-factor (common-method) comparison.

    fit: one row per model ('3-factor', '1-factor'), columns model + `CFAFit.fit`;
    loadings, factor_correlations: of the 3-factor model (see `CFAFit`);
    reliability: factor, k, cr, ave, max_r2 (largest squared correlation with another factor;
        Fornell-Larcker discriminant validity asks ave > max_r2);
    difference: one row, delta_chi2, delta_df, p (1-factor vs 3-factor likelihood-ratio test);
    note: how to read the fit indices;
    problems: why the 3-factor solution is improper, if it is (then nothing above is interpretable).
    """

    fit: pd.DataFrame
    loadings: pd.DataFrame
    factor_correlations: pd.DataFrame
    reliability: pd.DataFrame
    difference: pd.DataFrame
    note: str
    problems: tuple[Problem, ...] = ()


def outcome_cfa_model(cb: Codebook | None = None, single_factor: bool = False) -> str:
    """semopy/lavaan syntax of the outcome measurement model (one factor per scale, or one common factor)."""
    cb = cb or load_codebook()
    if single_factor:
        return f"common =~ {' + '.join(cb.outcome_items())}"
    return "\n".join(f"{scale} =~ {' + '.join(items)}" for scale, items in cb.items_by_scale().items())


def cfa_outcomes(df: pd.DataFrame, cb: Codebook | None = None) -> CFAResult:
    """Three-factor CFA of the pooled outcome items (ML, complete cases), CR/AVE, and 1- vs 3-factor Δχ².

    The Δχ² test is the common-method check: a single factor that fits about as well as the
    three scales (non-significant Δχ²) suggests one source, such as the respondent, drives
    the answers.
    """
    cb = cb or load_codebook()
    three = fit_cfa(outcome_cfa_model(cb), df)
    one = fit_cfa(outcome_cfa_model(cb, single_factor=True), df)
    fit = pd.concat([three.fit.assign(model="3-factor"), one.fit.assign(model="1-factor")], ignore_index=True)
    fit = fit[["model", *three.fit.columns]]
    delta_chi2 = float(one.fit["chi2"].iloc[0] - three.fit["chi2"].iloc[0])
    delta_df = int(one.fit["df"].iloc[0] - three.fit["df"].iloc[0])
    difference = pd.DataFrame([{"delta_chi2": delta_chi2, "delta_df": delta_df,
                                "p": float(stats.chi2.sf(delta_chi2, delta_df))}])
    rel = composite_reliability(three.loadings)
    r2 = pd.concat([three.factor_correlations.rename(columns={"factor_a": "factor", "factor_b": "other"}),
                    three.factor_correlations.rename(columns={"factor_b": "factor", "factor_a": "other"})])
    rel["max_r2"] = rel["factor"].map((r2.set_index("factor")["r"] ** 2).groupby(level=0).max())
    cutoffs = ", ".join(f"{name.upper()} {op} {value}" for name, (op, value) in HU_BENTLER_1999.items())
    note = (f"ML on complete cases (n = {int(three.fit['n'].iloc[0])}), Likert items treated as continuous. "
            f"Hu & Bentler (1999) cut-offs: {cutoffs}. At small n TLI and RMSEA over-reject true models "
            "(Hu & Bentler 1999), so read them together with CFI and SRMR rather than as pass/fail.")
    return CFAResult(fit, three.loadings, three.factor_correlations, rel, difference, note, three.problems)


def harman_single_factor(df: pd.DataFrame, include_csr: bool = False, cb: Codebook | None = None) -> pd.DataFrame:
    """Harman's single-factor test on the outcome items (and, optionally, outcome + CSR practice items).

    first_component_share: largest eigenvalue of the item correlation matrix over k (the
    unrotated first principal component, the usual 'Harman' figure); first_factor_share: variance
    of a one-factor minres solution over k (factor_analyzer, no rotation). ``exceeds_half`` flags
    first_component_share > 0.5, the threshold applied papers use (Podsakoff et al. 2003). Binary
    practices enter as Pearson (phi) correlations. Complete cases per item set.
    Columns: item_set, k, n, first_component_share, first_factor_share, exceeds_half.
    """
    cb = cb or load_codebook()
    sets = {"outcome items": cb.outcome_items()}
    if include_csr:
        sets["outcome and CSR practice items"] = cb.outcome_items() + cb.practices()
    rows = []
    for name, items in sets.items():
        data = _complete(df, items)
        with _quiet_factor_analyzer():
            fa = FactorAnalyzer(n_factors=1, method="minres", rotation=None).fit(data)
        eigenvalues, _ = fa.get_eigenvalues()
        component = float(eigenvalues[0] / len(items))
        rows.append({"item_set": name, "k": len(items), "n": len(data), "first_component_share": component,
                     "first_factor_share": float(fa.get_factor_variance()[1][0]), "exceeds_half": component > 0.5})
    return pd.DataFrame(rows)


# --- shares of firms with Wilson intervals (the district sustainability reports) -----------------

def wilson_interval(successes, n, level: float = 0.95, fraction: float = 0.0) -> tuple[np.ndarray, np.ndarray,
                                                                                      np.ndarray]:
    """Share successes / n with its Wilson score interval (Wilson 1927; Newcombe 1998, method 3), as
    statsmodels' ``proportion_confint(method="wilson")`` computes it: (share, low, high), arrays of the
    shape of the inputs. The interval stays inside [0, 1] and is not degenerate at 0 or n successes,
    unlike the Wald interval, which matters for the rare practices of a 30-firm district. Where n is
    0 all three are NaN.

    `fraction`: the design's sampling fraction f (`design_fraction`: the sample's firms over the
    population's, 0 at or below 5%). The binomial variance is multiplied by 1 - f, the finite-population
    correction of R's `survey` (Lumley 2010), and the Wilson interval taken at the effective size
    n / (1 - f) (`wilson_interval_fpc`); the same f applies to every share of the sample, a domain
    included, as `svyby` does on a design with `fpc`."""
    from statsmodels.stats.proportion import proportion_confint

    k = np.atleast_1d(np.asarray(successes, dtype="float64"))
    m = np.atleast_1d(np.asarray(n, dtype="float64"))
    k, m = np.broadcast_arrays(k, m)
    if np.any((k < 0) | (k > m) | (m < 0)):
        raise ValueError("wilson_interval: successes must lie between 0 and n")
    share, low, high = (np.full(k.shape, np.nan) for _ in range(3))
    ok = m > 0
    if ok.any():
        share[ok] = k[ok] / m[ok]
        if fraction and fraction > 0:
            if fraction >= 1:
                low[ok], high[ok] = share[ok], share[ok]  # a census: the share is known
                return share, low, high
            eff = m[ok] / (1 - fraction)
            low[ok], high[ok] = proportion_confint(share[ok] * eff, eff, alpha=1 - level, method="wilson")
        else:
            low[ok], high[ok] = proportion_confint(k[ok], m[ok], alpha=1 - level, method="wilson")
        # rounding leaves 1e-17 at 0 successes (and the share a hair outside at 0 or n): exact bounds
        low[ok], high[ok] = np.clip(low[ok], 0.0, share[ok]), np.clip(high[ok], share[ok], 1.0)
    return share, low, high


def design_fraction(n: int, N: float | None) -> float:
    """The sampling fraction n / N of a sample of `n` firms from `N`, when it exceeds the policy's 5%
    (`policy.needs_fpc`); 0 otherwise, when N is unknown, and when the sample holds more firms than the
    population count (a frame that does not fit the survey: no correction rather than a negative variance).
    Passed as `fraction` to the intervals."""
    from .policy import needs_fpc

    return float(n / N) if N and np.isfinite(N) and n <= N and needs_fpc(n, N) else 0.0


def sample_fractions(samples: dict[str, pd.DataFrame], population: dict[str, float] | None) -> dict[str, float]:
    """{group: design_fraction} of each sample of a report ({"pooled" or a district: its firms}): a
    district against its population (`population_sizes`), the pooled sample against the sum of the
    populations of its districts (0 when one of them is unknown)."""
    out = {}
    for group, sample in samples.items():
        if not population:
            out[group] = 0.0
            continue
        districts = sorted(set(sample["district"].astype(str))) if "district" in sample else [group]
        sizes = [population.get(d) for d in districts]
        out[group] = design_fraction(len(sample), sum(sizes)) if all(sizes) else 0.0
    return out


def dimension_adoption(df: pd.DataFrame, items: list[str]) -> pd.Series:
    """Whether a firm adopts at least one of `items` (yes/no practices): 1 when any is adopted, 0 when
    every one was answered and none adopted, missing otherwise (a firm that left items blank and
    adopted none of the others cannot be told apart)."""
    values = df[items].astype("float64")
    anyone = (values == 1).any(axis=1)
    return pd.Series(np.where(anyone, 1.0, np.where(values.notna().all(axis=1), 0.0, np.nan)), index=df.index)


def share_rows(df: pd.DataFrame, columns: dict[str, pd.Series | str], level: float = 0.95,
               fraction: float = 0.0) -> pd.DataFrame:
    """Share of answering firms with each yes/no indicator, with Wilson intervals (finite-population
    corrected by the sample's `fraction`, see `wilson_interval`). `columns` maps a row name to a column of
    `df` or to a 0/1 series aligned with it. Columns: item, k, n, share, ci_low, ci_high (NaN when no
    firm answered)."""
    rows = []
    for name, column in columns.items():
        x = (df[column] if isinstance(column, str) else column).astype("float64")
        rows.append({"item": name, "k": int((x == 1).sum()), "n": int(x.notna().sum())})
    out = pd.DataFrame(rows, columns=["item", "k", "n"])
    share, low, high = (wilson_interval(out["k"].to_numpy(), out["n"].to_numpy(), level, fraction) if len(out)
                        else ([], [], []))
    return out.assign(share=share, ci_low=low, ci_high=high)


def adoption_profile(frame: pd.DataFrame, district: str, cb: Codebook | None = None,
                     level: float = 0.95) -> pd.DataFrame:
    """A district's CSR profile beside the other districts and the pooled sample: for each group (the
    district, each other district with firms, then 'pooled'), the share of answering firms adopting each
    practice, adopting at least one practice of each dimension (`dimension_adoption`) and holding each
    certification, with Wilson intervals: the rows `share_rows` gives for each part, counted in one pass
    over each group's answers (a test holds them equal). Columns: group, kind (practice, dimension,
    certification), dimension, item, k, n, share, ci_low, ci_high."""
    cb = cb or load_codebook()
    present = [d for d in cb.district_ids if (frame["district"] == d).any()]
    groups = [district] + [d for d in present if d != district] + ["pooled"]
    dimensions, certifications = cb.practices_by_dimension(), cb.certifications(None)
    practices = [item for items in dimensions.values() for item in items]
    values = frame[practices + certifications].astype("float64").to_numpy()
    column = {name: i for i, name in enumerate(practices + certifications)}
    district_of = frame["district"].to_numpy()
    labels, k, n = [], [], []
    for group in groups:  # the parts in `share_rows` order
        x = values if group == "pooled" else values[district_of == group]
        yes, answered = (x == 1).sum(axis=0), (~np.isnan(x)).sum(axis=0)
        for dim, items in dimensions.items():
            cols = [column[i] for i in items]
            part = x[:, cols]  # `dimension_adoption`: any adopted, or every one answered
            anyone = (part == 1).any(axis=1)
            labels.append((group, "dimension", dim, dim))
            k.append(int(anyone.sum()))
            n.append(int((anyone | ~np.isnan(part).any(axis=1)).sum()))
            for i, c in zip(items, cols):
                labels.append((group, "practice", dim, i))
                k.append(int(yes[c]))
                n.append(int(answered[c]))
        for c in certifications:
            labels.append((group, "certification", "", c))
            k.append(int(yes[column[c]]))
            n.append(int(answered[column[c]]))
    out = pd.DataFrame(labels, columns=["group", "kind", "dimension", "item"])
    share, low, high = wilson_interval(np.array(k), np.array(n), level)
    return out.assign(k=np.array(k, dtype="int64"), n=np.array(n, dtype="int64"), share=share, ci_low=low,
                      ci_high=high)


def answer_shares(df: pd.DataFrame, items: list[str], codes, level: float = 0.95, fraction: float = 0.0) -> pd.DataFrame:
    """For each coded item (a Likert or category variable), the share of the answering firms giving each
    answer `code`, with Wilson intervals (`share_rows`: the base n is the firms answering the item, so the
    shares of an item sum to 1). Columns: item, answer, k, n, share, ci_low, ci_high (NaN when no firm
    answered)."""
    parts = []
    for item in items:
        x = df[item].astype("float64")
        indicators = {code: (x == code).astype("float64").where(x.notna()) for code in codes}
        part = share_rows(df, indicators, level, fraction).rename(columns={"item": "answer"})
        parts.append(part.assign(item=item))
    columns = ["item", "answer", "k", "n", "share", "ci_low", "ci_high"]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    out["answer"] = out["answer"].astype(int)
    return out[columns]


# --- one definition per quantity (issue 23) ----------------------------------------------------------

def certification_held(df: pd.DataFrame, cert: str) -> tuple[int, int]:
    """The share of firms holding certification `cert` ("cert_iso14001" or its status item
    "cst_iso14001"), as (k, n): k firms holding it among the n firms that answered the held/not-held
    question `cert_<cert>`.

    The one definition every report uses. It reads the `cert_*` dummy, not the `cst_*` status item:
    the dummy is in every codebook version (version-1 surveys have no status block), it is the
    variable of every model (cert_any, csr_cert_count, the certification logits, the rank grid), and
    the validator holds the two items equal where both are answered (rule `consistent`), so the
    status adds information only about firms that do not hold the certification (planned / not
    interested: `certification_status`). Firms that left the dummy blank are not in n."""
    held = cert if cert.startswith("cert_") else "cert_" + cert.removeprefix("cst_")
    if held not in df.columns:  # a validated survey always has it (version 1); a bare table may not
        return 0, 0
    x = df[held].astype("float64")
    return int((x == 1).sum()), int(x.notna().sum())


CERT_STATUS_ANSWERS = {1: "held", 2: "planned", 3: "not_interested"}


def certification_status(df: pd.DataFrame, cert: str, level: float = 0.95, fraction: float = 0.0) -> pd.DataFrame:
    """Held, planned and not interested for one certification over ONE denominator: the n firms that
    answered the held question (`certification_held`). Held = the dummy is 1; planned / not interested
    = the dummy is 0 and the status item says 2 / 3; firms with the dummy 0 and no status answer are
    counted in n only (so the three shares sum to at most 1; `unstated` is their number). Columns:
    item (the cst_ item), answer (1, 2, 3), status, k, n, share, ci_low, ci_high (Wilson), unstated."""
    name = cert.removeprefix("cert_").removeprefix("cst_")
    held, status = f"cert_{name}", f"cst_{name}"
    x = df[held].astype("float64") if held in df.columns else pd.Series(np.nan, index=df.index)
    s = df[status].astype("float64") if status in df.columns else pd.Series(np.nan, index=df.index)
    answered = x.notna()
    k_held, n = certification_held(df, held)
    counts = {1: k_held, 2: int((answered & (x == 0) & (s == 2)).sum()),
              3: int((answered & (x == 0) & (s == 3)).sum())}
    share, low, high = wilson_interval(list(counts.values()), [n] * 3, level, fraction)
    return pd.DataFrame({"item": status, "answer": list(counts), "status": list(CERT_STATUS_ANSWERS.values()),
                         "k": list(counts.values()), "n": n, "share": share, "ci_low": low, "ci_high": high,
                         "unstated": n - sum(counts.values())})


def certification_shares(df: pd.DataFrame, certs: list[str] | None = None, by: str | None = "district",
                         level: float = 0.95) -> pd.DataFrame:
    """`certification_held` of each certification (default: every one of the codebook), per value of
    `by` and pooled ("pooled"), with Wilson intervals: group, item, k, n, share, ci_low, ci_high. The
    table a report reads the held share from, so that every report prints the same k / n."""
    certs = certs or load_codebook().certifications(None)
    groups = [] if by is None else [(str(g), df[df[by] == g]) for g in sorted(df[by].dropna().unique(), key=str)]
    groups.append(("pooled", df))
    rows = [{"group": g, "item": c, **dict(zip(("k", "n"), certification_held(part, c)))}
            for g, part in groups for c in certs]
    out = pd.DataFrame(rows, columns=["group", "item", "k", "n"])
    share, low, high = wilson_interval(out["k"].to_numpy(), out["n"].to_numpy(), level)
    return out.assign(share=share, ci_low=low, ci_high=high)


# --- finite-population correction (issue 23) ----------------------------------------------------------

def population_sizes(frame: pd.DataFrame) -> dict[str, float]:
    """{district: N firms} from the population frame (`data.population.population_frame`): the sum of
    the size classes with a count (classes without one, e.g. 250+ employees, add nothing)."""
    counts = frame.assign(N=frame["N"].astype("Float64")).groupby("district")["N"].sum(min_count=1)
    return {str(d): float(v) for d, v in counts.items() if pd.notna(v)}


def fpc_factor(n: int, N: float | None) -> float:
    """The finite-population correction of a variance, 1 - n / N, when the sampling fraction n / N
    exceeds `policy.FPC_FRACTION` (5%); 1 otherwise or when N is unknown. As R's `survey` with `fpc`
    for a simple random sample without replacement: var(mean) = (1 - n/N) s^2 / n (Lumley 2010)."""
    from .policy import needs_fpc

    if N is not None and np.isfinite(N) and n > N:
        return 1.0  # a sample larger than the population count: the frame does not fit this survey, no correction
    return float(1 - n / N) if needs_fpc(n, N) else 1.0


def mean_interval(values, N: float | None = None, level: float = 0.95) -> dict:
    """Mean of `values` (NaN dropped) with its standard error and t(n - 1) interval, the variance
    multiplied by `fpc_factor(n, N)` when the sampling fraction exceeds 5%. Returns n, N, fraction,
    fpc (the factor applied; 1 = none), mean, sd, se, ci_low, ci_high (NaN where n < 2)."""
    x = pd.Series(values, dtype="float64").dropna()
    n = len(x)
    factor = fpc_factor(n, N)
    mean = float(x.mean()) if n else np.nan
    sd = float(x.std(ddof=1)) if n > 1 else np.nan
    se = float(np.sqrt(factor) * sd / np.sqrt(n)) if n > 1 else np.nan
    q = stats.t.ppf(0.5 + level / 2, n - 1) if n > 1 else np.nan
    return {"n": n, "N": N, "fraction": n / N if N else np.nan, "fpc": factor, "mean": mean, "sd": sd, "se": se,
            "ci_low": mean - q * se, "ci_high": mean + q * se}


def wilson_interval_fpc(successes, n, N=None, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                            np.ndarray]:
    """`wilson_interval` with the finite-population correction: the binomial variance p (1 - p) / n
    multiplied by 1 - n / N (`fpc_factor`), i.e. the Wilson score interval at the effective sample
    size n / (1 - n / N) [ours: Wilson's interval with the design's variance, the effective-sample-size
    form]. Where n / N <= 5% or N is unknown (NaN) it is `wilson_interval`; at n = N (a census) the
    interval is the share itself. Returns (share, low, high, fpc factor), arrays."""
    k = np.atleast_1d(np.asarray(successes, dtype="float64"))
    m = np.atleast_1d(np.asarray(n, dtype="float64"))
    pop = np.atleast_1d(np.asarray(np.nan if N is None else N, dtype="float64"))
    k, m, pop = np.broadcast_arrays(k, m, pop)
    factor = np.array([fpc_factor(int(a), None if not np.isfinite(b) else float(b)) for a, b in zip(m, pop)])
    share, low, high = wilson_interval(k, m, level)
    corrected = (factor < 1) & (m > 0)
    census = corrected & (factor <= 0)
    scaled = corrected & ~census
    if scaled.any():
        n_eff = m[scaled] / factor[scaled]
        _, low[scaled], high[scaled] = wilson_interval(share[scaled] * n_eff, n_eff, level)
    low[census], high[census] = share[census], share[census]
    return share, low, high, factor


def share_difference(k1, n1, k2, n2, level: float = 0.95) -> tuple[float, float, float]:
    """The difference of two independent shares k1/n1 - k2/n2 with Newcombe's hybrid score interval
    (Newcombe 1998, method 10: from the two Wilson intervals; statsmodels'
    `confint_proportions_2indep(method="newcomb")`), the interval a report gives for a difference between
    groups instead of reading whether two Wilson intervals overlap. NaNs when a group has no firm."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    if not (n1 and n2) or n1 <= 0 or n2 <= 0:
        return (np.nan, np.nan, np.nan)
    low, high = confint_proportions_2indep(int(k1), int(n1), int(k2), int(n2), method="newcomb", compare="diff",
                                           alpha=1 - level)
    return (k1 / n1 - k2 / n2, float(low), float(high))
