"""Specification curve (multiverse) of the CSR -> competitiveness association (methods.md §2.9).

Simonsohn, Simmons & Nelson (2020, Nat Hum Behav): specify every reasonable analysis, estimate each
on one effect scale, display them sorted with the choices beneath (`figures.specification_curve`)
and test them jointly by bootstrapping under the null. Hand-written: the `specification_curve`
package fits with non-robust SEs and its null test (OLS only, 10% subsamples, t-tests of per-spec
medians) is not the paper's procedure (methods.md §3).

- `specifications`: the choice grid, one row per specification.
- `run`: one estimate per specification, in parallel (joblib locally, or a Dask cluster).
- `joint_test`: the paper's joint inference on the linear specifications.
- `impute`: the multiply imputed datasets `run` uses.

Effect scale: a standardized coefficient, SD of the outcome per SD of the CSR measure (SDs on the
fit's own sample, weighted when the fit is). Linear models: b sd(x) / sd(y). Logit models: the
fully standardized latent-variable coefficient of McKelvey & Zavoina (Long 1997, §5.8),
b sd(x) / sqrt(var(x'b) + pi^2 / 3). SEs are scaled by the same factor, taken as fixed, so z and p
are those of the raw coefficient.

Joint test's bootstrap (issue 28): the linear fits of every draw come from sufficient statistics
(`batched.ols_draws`: per design and sample, each per-draw sum is one matrix product of the draws'
weights with per-firm columns), equal to the residual form (`_ols_cells`, used for the observed
curve) to rounding. Degenerate draws, by rule, in both forms: a fit whose standardized SE is below
SE_TOLERANCE (1e-5) is exact (all residuals zero, e.g. an 'improved' outcome constant among the
firms of a draw, so that y* = y - b x is a line in x); its computed SE and t are rounding noise, so
it is not estimable and, as a non-estimable spec of the observed curve, counts as neither
significant nor in the median or Z (`_exact_fits`). A curve's median within ZERO_TOLERANCE (1e-12)
of zero has direction +1, the convention for an exact zero (`_direction`): under the null, specs
whose draw reproduces their observed sample have slope 0, computed as +-1e-16.
"""
from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs, parallel_config
from scipy import stats
from threadpoolctl import threadpool_limits

from ..data.codebook import Codebook, load_codebook
from ..data.population import population_frame
from . import batched
from .estimability import MIN_RESIDUAL_DF
from .inference import FastMICEData, poststrat_weights, rubin_pool

DIMENSIONS = ("outcome", "coding", "csr", "controls", "weights", "missing", "model")
CODINGS = ("level", "improved")
CONTROL_SETS = {"none": (), "size": ("log_employees",), "full": ("log_employees", "export_share", "firm_age")}
WEIGHTS = ("none", "poststrat")
MISSING = ("complete", "imputed")
MODELS = ("ols", "logit")
NEUTRAL = 3  # Likert "unchanged": "improved" = above it
LEVEL, ALPHA = 0.95, 0.05
M_IMPUTATIONS, K_PMM, N_BURNIN, N_SKIP = 20, 5, 10, 2
DRAWS_PER_TASK = 100  # bootstrap draws of one block per task (a thread or a Dask task)
CELLS_PER_BATCH = 2 ** 17  # draws x groups x targets x firms computed at once (cache-sized, bounds memory)
SD_TOLERANCE = 1e-9  # an outcome or CSR measure with a smaller SD on a fit's sample is constant (rounding)
ZERO_TOLERANCE = 1e-12  # a curve's median (standardized) closer to 0 is 0 (rounding; `_direction`)
SE_TOLERANCE = 1e-5  # a linear fit whose standardized SE is smaller is exact: not estimable (`_exact_fits`)
BOOT_STREAM = 1  # the bootstrap draws from default_rng([seed, BOOT_STREAM]); imputation from seed

# --- 1. Specifications -------------------------------------------------------------------------

def outcome_variables(cb: Codebook | None = None) -> list[str]:
    cb = cb or load_codebook()
    return [f"score_{s}" for s in cb.outcome_scales] + cb.outcome_items()


def csr_measures(cb: Codebook | None = None) -> list[str]:
    cb = cb or load_codebook()
    return ["csr_overall", *(f"csr_{d}" for d in cb.csr_dimensions), "csr_cert_count", "cert_any"]


FAMILIES = ("innovation", "intangible", "market")  # outcome families: the codebook's outcome scales


def outcome_family(outcome: str, cb: Codebook | None = None) -> str:
    """The outcome family (scale) of a specification's outcome: `score_<scale>` or an item of it."""
    cb = cb or load_codebook()
    if outcome.startswith("score_"):
        return outcome.removeprefix("score_")
    return next(scale for scale, items in cb.items_by_scale().items() if outcome in items)


def outcome_families(outcomes: pd.Series, cb: Codebook | None = None) -> pd.Series:
    """`outcome_family` of every outcome of a column (e.g. `specs["outcome"]`), looked up once per
    distinct outcome."""
    cb = cb or load_codebook()
    family = {o: outcome_family(o, cb) for o in pd.unique(outcomes)}
    return outcomes.map(family)


def _coherent(outcome: str, coding: str, model: str) -> bool:
    return not (model == "logit" and coding == "level" and outcome.startswith("score_"))


def specifications(cb: Codebook | None = None, pooled: bool = False) -> pd.DataFrame:
    """Every specification: one row, one column per choice (`DIMENSIONS`) plus `fixed_effects`.

    outcome: the scale scores and every Likert item; coding: "level" (as measured) or "improved"
    (1 if above 3 = unchanged); csr: overall index, each dimension index, certification count and
    dummy (a practice count is 20 x the overall index when all practices are answered, so it would
    duplicate it on the standardized scale); controls: none / size (log employees) / full (+ export
    share, firm age); weights: none / post-stratified; missing: complete cases / multiply imputed;
    model: "ols" (OLS; a linear probability model for "improved") or "logit" (ordered logit for
    items, binary logit for "improved"). Dropped as incoherent: logit on a scale score as measured
    (a mean of items is not an ordinal outcome). Pooled: district fixed effects in every spec.
    With the packaged codebook: 13 x 2 x 2 - 3 = 49 outcome x coding x model cells times
    8 x 3 x 2 x 2 = 4,704 specifications.
    """
    cb = cb or load_codebook()
    grid = itertools.product(outcome_variables(cb), CODINGS, csr_measures(cb), CONTROL_SETS, WEIGHTS, MISSING,
                             MODELS)
    specs = pd.DataFrame([row for row in grid if _coherent(row[0], row[1], row[6])], columns=list(DIMENSIONS))
    return specs.assign(fixed_effects="district" if pooled else "none")


# --- 2. Data: observed, imputed, weights ----------------------------------------------------------

class _Data(NamedTuple):
    values: np.ndarray  # (datasets, firms, columns): [0] observed, [1..m] completed
    columns: dict[str, int]
    weights: np.ndarray  # post-stratification weights, ones if no spec is weighted
    fixed: np.ndarray  # district dummies (firms, districts - 1)
    strata: np.ndarray  # district code of each firm


def analysis_columns(cb: Codebook | None = None) -> list[str]:
    return list(dict.fromkeys(outcome_variables(cb) + csr_measures(cb) + list(CONTROL_SETS["full"])))


def impute(frame: pd.DataFrame, *, m: int = M_IMPUTATIONS, seed: int = 0) -> list[pd.DataFrame]:
    """`m` completed copies of the `analysis_columns()` of `frame`, statsmodels `MICEData` (as
    `inference.FastMICEData`).

    Imputation model [ours, small for n of about 30]: each incomplete column by predictive mean
    matching (K_PMM donors, Gaussian parameter perturbation) on the core predictors only: the scale
    scores, the overall CSR index, log employees and district dummies (core columns, if incomplete,
    on the other core columns). `cert_any` is passive, 1(csr_cert_count > 0). With a complete core
    every cycle redraws each incomplete column from the core afresh, so one cycle per dataset
    suffices; otherwise N_BURNIN cycles, then N_SKIP + 1 cycles between kept datasets. All
    randomness from `seed`.
    """
    columns = analysis_columns()
    core = [c for c in analysis_columns() if c.startswith("score_")] + ["csr_overall", "log_employees"]
    used = list(dict.fromkeys(core + [c for c in columns if c != "cert_any"] + ["csr_cert_count"]))
    districts = pd.get_dummies(frame["district"].astype(str), drop_first=True, dtype="float64")
    dummies = [f"district_{i}" for i in range(districts.shape[1])]
    data = pd.DataFrame(np.column_stack([frame[used].astype("float64").to_numpy(), districts.to_numpy()]),
                        columns=pd.Index(used + dummies, dtype=object))
    imp = FastMICEData(data, k_pmm=K_PMM, rng=np.random.default_rng(seed))
    for name in data.columns[data.isna().any()]:
        predictors = [c for c in core + dummies if c != name]
        imp.set_imputer(name, formula=" + ".join(predictors), k_pmm=K_PMM)
    burnin, skip = (N_BURNIN, N_SKIP) if data[core].isna().any().any() else (0, 0)
    imp.update_all(burnin)
    completed = []
    for _ in range(m):
        imp.update_all(skip + 1)
        out = imp.data.copy()
        out["cert_any"] = (out["csr_cert_count"] > 0).astype("float64")
        completed.append(out[columns].set_axis(frame.index))
    return completed


_IMPUTED: dict[tuple, list[np.ndarray]] = {}  # the last few groups' completed datasets (`_completed`)
IMPUTED_KEPT = 2  # groups whose imputations are kept: `run` then `joint_tests` of one group impute once


def _firms_digest(frame: pd.DataFrame, observed: np.ndarray):
    """sha256 of a frame's analysis columns (`observed`) and districts: the key of what is kept from them."""
    district = frame["district"].astype(str).to_numpy()
    return hashlib.sha256(observed.tobytes() + "\0".join(district).encode())


def _keep(memo: dict, key, value, kept: int) -> None:
    """`value` kept in `memo` under `key`, with at most the `kept` latest entries (the oldest dropped first)."""
    while len(memo) >= kept:
        memo.pop(next(iter(memo)))
    memo[key] = value


def _completed(frame: pd.DataFrame, observed: np.ndarray, m: int, seed: int) -> list[np.ndarray]:
    """The m completed datasets of `impute(frame, m=m, seed=seed)` as arrays (read-only), all NaN
    if the imputation model cannot be fitted (too few firms: the imputed specs are not estimable).
    Kept for the last IMPUTED_KEPT inputs (keyed by the analysis columns' and districts' bytes, m and
    seed), so the curve and the joint test of one group share one imputation."""
    key = (_firms_digest(frame, observed).hexdigest(), observed.shape, m, seed)
    if key not in _IMPUTED:
        try:
            completed = [d.to_numpy() for d in impute(frame, m=m, seed=seed)]
        except (np.linalg.LinAlgError, ValueError):
            completed = [np.full(observed.shape, np.nan)] * m
        for array in completed:
            array.flags.writeable = False
        _keep(_IMPUTED, key, completed, IMPUTED_KEPT)
    return _IMPUTED[key]


def _prepare(frame: pd.DataFrame, specs: pd.DataFrame, m: int, seed: int,
             population: pd.DataFrame | None) -> _Data:
    columns = analysis_columns()
    observed = frame[columns].astype("float64").to_numpy()
    completed = []
    if (specs["missing"] == "imputed").any():
        completed = _completed(frame, observed, m, seed)
    weights = np.ones(len(frame))
    if (specs["weights"] == "poststrat").any():
        population = population_frame() if population is None else population
        weights = poststrat_weights(frame, population).weights.to_numpy()
    district = frame["district"].astype(str)
    return _Data(np.stack([observed, *completed]), {c: i for i, c in enumerate(columns)}, weights,
                 pd.get_dummies(district, drop_first=True, dtype="float64").to_numpy(),
                 pd.factorize(district, sort=True)[0])


def _fits(specs: pd.DataFrame, m: int) -> pd.DataFrame:
    """One row per model fit: a spec on the observed data, or on each of the m completed datasets;
    `spec` is the position of the spec in `specs`, fits of one spec are consecutive."""
    datasets = [[0] if missing == "complete" else list(range(1, m + 1)) for missing in specs["missing"]]
    fits = specs.reset_index(drop=True).assign(dataset=datasets).explode("dataset")
    return fits.rename_axis("spec").reset_index().astype({"dataset": int}).reset_index(drop=True)


# --- 3. Linear specifications: OLS-HC3 / WLS-HC1, batched over fits and bootstrap draws ------------

@dataclass(frozen=True)
class _Block:
    """Linear specs sharing controls, weights, fixed effects and missing-data handling.

    Cells: groups g (dataset x CSR measure: one X) times targets t (outcome x coding: one y). The
    arrays of a cell are built from `data` when needed, a few groups at a time (`_arrays`), so
    memory does not grow with the number of groups; within a group a cell's sample is one of the
    group's distinct complete-case patterns, so X'WX, its inverse and the leverages are computed
    once per pattern (once per group for imputed data).
    """

    data: _Data
    groups: tuple[tuple[int, str], ...]  # (dataset, CSR measure) of each group
    targets: tuple[tuple[str, str], ...]  # (outcome, coding) of each target
    controls: str
    fixed_effects: str
    weighted: bool
    cells: np.ndarray  # (K, r): flat cell index g * q + t of each spec's fits (r = 1 or m)
    specs: np.ndarray  # (K,): positions of the specs in the spec table
    df_complete: float | None = None  # n - p, complete-data df for Rubin's rules
    factor: np.ndarray | None = None  # (G * q,): sd(x) / sd(y) on each cell's sample
    n: np.ndarray | None = None  # (G * q,): each cell's sample size
    null_slope: np.ndarray | None = None  # (G * q,): if set, every y is replaced by y* = y - b x
    n_params: int = 0  # p, coefficients of each fit (constant, CSR measure, controls, dummies)

    @property
    def w(self) -> np.ndarray:
        """(n,) sampling weights, ones if unweighted."""
        return self.data.weights if self.weighted else np.ones(self.data.values.shape[1])

    def chunks(self, per_group: int) -> list[slice]:
        """Consecutive groups whose arrays of `per_group` elements each stay within CELLS_PER_BATCH."""
        size = max(1, CELLS_PER_BATCH // per_group)
        return [slice(i, i + size) for i in range(0, len(self.groups), size)]


class _Arrays(NamedTuple):
    """The arrays of a block's groups `groups`; 0 where missing."""

    X: np.ndarray  # (G, n, p): constant, CSR measure, controls, dummies
    Y: np.ndarray  # (G, q, n)
    patterns: np.ndarray  # (G, U, n): distinct complete-case indicators within each group
    which: np.ndarray  # (G, q): pattern of each cell

    def masks(self) -> np.ndarray:
        """(G, q, n) sample indicator of every cell."""
        return np.take_along_axis(self.patterns, self.which[:, :, None], axis=1)


def _arrays(block: _Block, groups: slice) -> _Arrays:
    data = block.data
    chosen = block.groups[groups]
    datasets = np.array([d for d, _ in chosen])
    regressors = np.array([[data.columns[c] for c in (csr, *CONTROL_SETS[block.controls])] for _, csr in chosen])
    X = np.take_along_axis(data.values[datasets], regressors[:, None, :], axis=2)  # CSR measure, controls
    fixed = data.fixed if block.fixed_effects == "district" else data.fixed[:, :0]
    X = np.concatenate([np.ones(X.shape[:2] + (1,)), X, np.broadcast_to(fixed, (len(chosen),) + fixed.shape)], axis=2)
    Y = data.values[datasets][:, :, [data.columns[o] for o, _ in block.targets]].transpose(0, 2, 1)
    improved = np.array([c == "improved" for _, c in block.targets])[None, :, None]
    Y = np.where(improved & np.isfinite(Y), (Y > NEUTRAL).astype("float64"), Y)
    mask = (np.isfinite(X).all(axis=2)[:, None, :] & np.isfinite(Y)).astype("float64")
    X, Y = np.nan_to_num(X), np.nan_to_num(Y)
    if block.null_slope is not None:
        q = len(block.targets)
        b = block.null_slope.reshape(-1, q)[groups]
        Y = (Y - b[:, :, None] * X[:, None, :, 1]) * mask
    return _Arrays(X, Y, *_patterns(mask))


def _weighted_sd(v: np.ndarray, W: np.ndarray, axis: int) -> np.ndarray:
    total = W.sum(axis, keepdims=True)
    mean = (W * v).sum(axis, keepdims=True) / total
    return np.sqrt((W * (v - mean) ** 2).sum(axis) / total.squeeze(axis))


def _distinct_rows(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a (q, n) 0/1 mask and the row of each: the rows packed into bytes and
    compared as one key each (`np.unique(axis=0)` compares n fields, slow for large n)."""
    packed = np.ascontiguousarray(np.packbits(mask.astype(bool), axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return mask[first], inverse


def _distinct_float_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a 2-d float array, compared by their bytes: the index of the first of
    each and, for every row, its distinct row (as `np.unique(axis=0)`, one key per row)."""
    rows = np.ascontiguousarray(rows, dtype="float64")
    keys = rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _patterns(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of each group's (q, n) mask, padded by repetition: (G, U, n) and (G, q).

    Within a group the distinct rows are in the order of their packed bytes (as `_distinct_rows` of
    the group alone); the rows of every group are compared at once."""
    G, q, n = mask.shape
    unique, row = _distinct_rows(mask.reshape(G * q, n))  # in byte order, over all groups
    pairs, pair = np.unique(np.repeat(np.arange(G), q) * len(unique) + row.ravel(), return_inverse=True)
    pair_group, pair_row = np.divmod(pairs, len(unique))  # sorted by group, then byte order
    local = np.arange(pairs.size) - np.searchsorted(pair_group, pair_group)  # position within the group
    U = local.max() + 1
    slots = np.repeat(pair_row[np.searchsorted(pair_group, np.arange(G))][:, None], U, axis=1)  # pad: first row
    slots[pair_group, local] = pair_row
    return unique[slots], local[pair.ravel()].reshape(G, q)


def _block(data: _Data, fits: pd.DataFrame) -> _Block:
    first = fits.iloc[0]
    g, groups = pd.MultiIndex.from_frame(fits[["dataset", "csr"]]).factorize()  # in order of appearance
    t, targets = pd.MultiIndex.from_frame(fits[["outcome", "coding"]]).factorize()
    cells = (g * len(targets) + t).reshape(-1, (fits["spec"] == fits["spec"].iloc[0]).sum())
    block = _Block(data, tuple(groups), tuple(targets),
                   first["controls"], first["fixed_effects"], first["weights"] == "poststrat", cells,
                   fits["spec"].to_numpy()[::cells.shape[1]])
    factor, n = [], []
    for groups_ in block.chunks(len(targets) * data.values.shape[1]):
        arrays = _arrays(block, groups_)
        masks = arrays.masks()
        W = masks * block.w
        sd_x, sd_y = _weighted_sd(arrays.X[:, None, :, 1], W, 2), _weighted_sd(arrays.Y, W, 2)
        with np.errstate(divide="ignore", invalid="ignore"):  # a constant is not estimable (SD at rounding level)
            factor.append(np.where((sd_x > SD_TOLERANCE) & (sd_y > SD_TOLERANCE), sd_x / sd_y, np.nan).ravel())
        n.append(masks.sum(axis=2).ravel())
    _, n_firms, p = arrays.X.shape
    factor, n = np.concatenate(factor), np.concatenate(n)
    # not estimable: outcome or CSR measure constant, or fewer than MIN_RESIDUAL_DF residual df (n - p)
    factor[~(np.isfinite(factor) & (factor > 0)) | (n - p < MIN_RESIDUAL_DF)] = np.nan
    return replace(block, df_complete=float(n_firms - p), factor=factor, n=n, n_params=p)


def _blocks(data: _Data, specs: pd.DataFrame, m: int) -> list[_Block]:
    fits = _fits(specs, m)
    keys = ["controls", "weights", "fixed_effects", "missing"]
    return [_block(data, part) for _, part in fits.groupby(keys, sort=False)]


_OBSERVED: dict[tuple, tuple] = {}  # the linear blocks of the last group's curve, with their observed fits
OBSERVED_KEPT = 1  # `run` then `joint_tests` of one group build them once (a census-size group holds 200 MB)


def _observed_blocks(frame: pd.DataFrame, linear: pd.DataFrame, m: int, seed: int, population: pd.DataFrame | None,
                     data: _Data | None = None) -> tuple[_Data, list[tuple[_Block, tuple]]]:
    """The data (`_prepare`) and linear blocks (`_blocks`) of the linear specs `linear`, each block with its
    fits on the observed data (`_ols_cells` with draw weights 1). Kept for the last OBSERVED_KEPT inputs,
    keyed by the analysis columns' and districts' bytes, the specs' choices, m, seed and the population:
    the curve (`run`) and the joint test (`joint_tests`) of one group, whose linear specs are the same
    when all are estimable, build and fit them once. `data`: `_prepare` of these inputs or of specs
    that include `linear` (the curve's), if at hand."""
    observed = frame[analysis_columns()].astype("float64").to_numpy()
    choices = linear[list(DIMENSIONS) + ["fixed_effects"]].astype(str).to_numpy()
    digest = _firms_digest(frame, observed)
    digest.update("\0".join("\1".join(row) for row in choices).encode())
    if population is not None:
        digest.update(pd.util.hash_pandas_object(population, index=True).to_numpy().tobytes())
    key = (digest.hexdigest(), observed.shape, len(linear), m, seed, population is None)
    if key not in _OBSERVED:
        data = _prepare(frame, linear, m, seed, population) if data is None else data
        ones = np.ones((1, data.values.shape[1]))
        blocks = [(block, _ols_cells(block, ones)) for block in _blocks(data, linear, m)]
        _keep(_OBSERVED, key, (data, blocks), OBSERVED_KEPT)
    return _OBSERVED[key]


def _ols_cells(block: _Block, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw CSR coefficient and its variance in every cell and draw: arrays (G * q, B).

    `counts` (B, n): how often each firm enters each draw (ones: the observed data). Fit weights
    W = counts x sample x w. Unweighted: OLS with HC3, leverage h = x'(X'WX)^-1 x of each copy.
    Weighted: WLS with HC1, meat sum W w e^2 x x' times n / (n - p), n the number of firm copies.
    Both equal statsmodels on the data with rows repeated. NaN where X'WX is singular or h = 1.
    Computed a few groups and draws at a time (at most about CELLS_PER_BATCH cells x firms x
    draws per step), so memory is bounded for any survey size.
    """
    q, n = len(block.targets), counts.shape[1]
    b, var = [], []
    for groups in block.chunks(q * n):
        arrays = _arrays(block, groups)
        step = max(1, CELLS_PER_BATCH // arrays.Y.size)
        parts = [_ols_batch(block, arrays, counts[i:i + step]) for i in range(0, len(counts), step)]
        b.append(np.concatenate([part[0] for part in parts], axis=1))
        var.append(np.concatenate([part[1] for part in parts], axis=1))
    return np.concatenate(b), np.concatenate(var)


def _ols_batch(block: _Block, arrays: _Arrays, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_ols_cells` for the groups of `arrays` and the draws `counts`."""
    X, w = arrays.X, block.w
    G, n, p = X.shape
    B, U, q = counts.shape[0], arrays.patterns.shape[1], arrays.Y.shape[1]
    outer = (X[:, :, :, None] * X[:, :, None, :]).reshape(G, n, p * p)
    W = arrays.patterns[:, None] * counts[:, None, :] * w  # (G, B, U, n)
    Ainv, ok = batched._scaled_inverse((W.reshape(G, B * U, n) @ outer).reshape(G, B, U, p, p))
    z = (Ainv[..., 1, :].reshape(G, B * U, p) @ X.transpose(0, 2, 1)).reshape(G, B, U, n)  # row 1 of (X'WX)^-1 X'
    if block.weighted:
        n_eff = (arrays.patterns[:, None] * counts[:, None, :]).sum(axis=-1, keepdims=True)
        meat = W * w * z ** 2 * n_eff / (n_eff - p)
    else:
        h = (Ainv.reshape(G, B * U, p * p) @ outer.transpose(0, 2, 1)).reshape(G, B, U, n)
        ok &= ~((W > 0) & (h > 1 - 1e-10)).any(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            meat = np.where(W > 0, W * z ** 2 / (1 - h) ** 2, 0.0)

    def per_cell(a: np.ndarray) -> np.ndarray:  # (G, B, U, ...) -> (G, B, q, ...); U = 1 broadcasts
        if U == 1:
            return a
        return np.take_along_axis(a, arrays.which.reshape(G, 1, q, *([1] * (a.ndim - 3))), axis=2)

    XtWy = ((per_cell(W) * arrays.Y[:, None]).reshape(G, B * q, n) @ X).reshape(G, B, q, p)
    beta = (per_cell(Ainv) @ XtWy[..., None])[..., 0]
    e = arrays.Y[:, None] - (beta.reshape(G, B * q, p) @ X.transpose(0, 2, 1)).reshape(G, B, q, n)
    with np.errstate(invalid="ignore"):  # 0 x inf where h = 1: flagged below
        var = (e ** 2 * per_cell(meat)).sum(axis=-1)
    ok = np.broadcast_to(per_cell(ok), (G, B, q))
    b, var = np.where(ok, beta[..., 1], np.nan), np.where(ok, var, np.nan)
    return b.transpose(0, 2, 1).reshape(-1, B), var.transpose(0, 2, 1).reshape(-1, B)


def _combine(est: np.ndarray, var: np.ndarray, cells: np.ndarray, df_complete: float,
             df_t: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Spec-level results (K, B) from fit-level standardized estimates and variances (F, B).

    cells (K, r): the fits of each spec. r = 1: t with `df_t` (K,) degrees of freedom (linear fits:
    n - p of each spec's sample, as `models.ols_hc3`), or the normal reference when `df_t` is None
    (logit fits); r = m: Rubin's rules with Barnard-Rubin df (`inference.rubin_pool`).
    """
    q, u = est[cells], var[cells]  # (K, r, B)
    K, r, B = q.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        if r == 1:
            se = np.sqrt(u[:, 0])
            ref = stats.norm if df_t is None else stats.t(np.where(df_t >= 1, df_t, np.nan)[:, None])
            half = ref.ppf(0.5 + LEVEL / 2) * se
            return {"estimate": q[:, 0], "std_error": se, "p_value": 2 * ref.sf(np.abs(q[:, 0] / se)),
                    "ci_low": q[:, 0] - half, "ci_high": q[:, 0] + half}
        pooled = rubin_pool(q.transpose(1, 0, 2).reshape(r, K * B), u.transpose(1, 0, 2).reshape(r, K * B),
                            df_complete, level=LEVEL)
    return {key: pooled[col].to_numpy().reshape(K, B) for key, col in
            [("estimate", "estimate"), ("std_error", "se"), ("p_value", "p_value"), ("ci_low", "ci_low"),
             ("ci_high", "ci_high")]}


def _exact_fits(b: np.ndarray, var: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw slopes and variances (cells, B) with NaN where a fit is exact: its standardized SE
    sqrt(var) f below SE_TOLERANCE (var f^2 < SE_TOLERANCE^2). An exact fit (every residual zero: e.g. an outcome constant on
    the firms of a bootstrap draw, so that y* = y - b x is a line in x) has SE zero in exact
    arithmetic, and the computed one is rounding noise (1e-35 to 1e-7, by the order of the sums), as
    is its t; so it is not estimable, like a spec whose outcome is constant on its sample. A real
    standardized SE of 1e-5 would need billions of firms (the default survey's smallest is 0.01)."""
    exact = var * f ** 2 < SE_TOLERANCE ** 2  # the computed variance of an exact fit may be below 0
    return np.where(exact, np.nan, b), np.where(exact, np.nan, var)


def _linear(block: _Block, counts: np.ndarray, raw: tuple[np.ndarray, np.ndarray] | None = None
            ) -> dict[str, np.ndarray]:
    """Spec-level results (K, B) of the block's specs; `raw`: `_ols_cells(block, counts)` if known."""
    f = block.factor[:, None]
    b, var = _exact_fits(*(raw or _ols_cells(block, counts)), f)
    df_t = block.n[block.cells[:, 0]] - block.n_params if block.cells.shape[1] == 1 else None
    return _combine(b * f, var * f ** 2, block.cells, block.df_complete, df_t)


def _ols_draw_cells(block: _Block, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_ols_cells` for bootstrap draws by `batched.ols_draws`: (G * q, B) raw slopes and variances.

    A fit unit is a distinct design X with a distinct sample (complete-case pattern); its outcomes
    are the distinct outcome columns of the cells fitted on it. Cells that are the same fit (the
    same X, sample and y: e.g. a spec on completed datasets whose imputed values enter neither its
    regressors nor its outcome) are computed once, and X'WX, its inverse and the leverages are
    formed once per unit and draw. Units are batched together, or by their number of outcomes (within
    a factor sqrt(2)) where padding them to the largest would add more than half. Equal to
    `_ols_cells` to rounding where the draw's fit is not exact."""
    q, n = len(block.targets), counts.shape[1]
    b_out, v_out = [], []
    for groups in block.chunks(q * n):
        arrays = _arrays(block, groups)
        G, U = arrays.patterns.shape[:2]
        pair = np.repeat(np.arange(G), q) * U + arrays.which.ravel()  # (G * q,) design and sample of each cell
        pairs, pair_of_cell = np.unique(pair, return_inverse=True)
        pair_group, pair_pattern = np.divmod(pairs, U)
        sample = arrays.patterns[pair_group, pair_pattern]
        if G > 1:  # designs of several groups (datasets) may coincide
            unit_first, unit_of_pair = _distinct_float_rows(np.concatenate(
                [arrays.X[pair_group].reshape(pairs.size, -1), sample], axis=1))
        else:  # one design: its samples are distinct
            unit_first = unit_of_pair = np.arange(pairs.size)
        unit = unit_of_pair[pair_of_cell.ravel()]  # (G * q,)
        Y = arrays.Y.reshape(G * q, n)
        column_first, column = _distinct_float_rows(np.concatenate([unit[:, None].astype("float64"), Y], axis=1))
        column_unit = unit[column_first]  # the unit of each distinct outcome column
        slope, var = np.empty((column_first.size, len(counts))), np.empty((column_first.size, len(counts)))
        width = np.bincount(column_unit, minlength=unit_first.size)  # outcomes of each unit
        size_class = np.ceil(2 * np.log2(width)).astype(int)
        if width.size * width.max() <= 1.5 * width.sum():  # little to pad: one batch
            size_class[:] = 0
        for size in np.unique(size_class):
            units = np.flatnonzero(size_class == size)
            slot = np.full(unit_first.size, -1)
            slot[units] = np.arange(units.size)
            chosen = np.flatnonzero(slot[column_unit] >= 0)  # the columns of these units,
            chosen = chosen[np.argsort(slot[column_unit[chosen]], kind="stable")]  # grouped by unit
            owner = slot[column_unit[chosen]]
            rank = np.arange(chosen.size) - np.searchsorted(owner, owner)  # position of each in its unit
            Yu = np.zeros((units.size, width[units].max(), n))
            Yu[owner, rank] = Y[column_first[chosen]]
            pairs_u = unit_first[units]
            s_u, v_u = batched.ols_draws(arrays.X[pair_group[pairs_u]], sample[pairs_u], Yu, counts, block.w,
                                         block.weighted)
            slope[chosen], var[chosen] = s_u[owner, :, rank], v_u[owner, :, rank]
        b_out.append(slope[column])
        v_out.append(var[column])
    return np.concatenate(b_out), np.concatenate(v_out)


def _null_draws(block: _Block, counts: np.ndarray, cells=None) -> tuple[np.ndarray, np.ndarray]:
    """Estimate and p-value (K, B) of the block's specs in the draws `counts`: those of `_linear`
    (the joint test needs no interval, so no t quantiles are computed), NaN where the draw's fit
    is exact (`SE_TOLERANCE`). `cells`: the function giving the raw slopes and variances
    (default `_ols_draw_cells`; `_ols_cells`, the residual form, gives the same to rounding)."""
    f = block.factor[:, None]
    b, var = _exact_fits(*(cells or _ols_draw_cells)(block, counts), f)
    est, var = (b * f)[block.cells], (var * f ** 2)[block.cells]  # (K, r, B)
    if block.cells.shape[1] > 1:
        return batched.rubin_estimate_p(est.transpose(1, 0, 2), var.transpose(1, 0, 2), block.df_complete)
    df_t = block.n[block.cells[:, 0]] - block.n_params
    with np.errstate(divide="ignore", invalid="ignore"):
        return est[:, 0], batched.t_two_sided(np.abs(est[:, 0] / np.sqrt(var[:, 0])),
                                              np.where(df_t >= 1, df_t, np.nan)[:, None])


# --- 4. Logit specifications: ordered / binary logit, batched Newton-Raphson (`batched.ordinal_fits`) --

LOGIT_ROWS_PER_BATCH = 2 ** 16  # fits x firms per batched Newton step (bounds memory for any survey size)
LOGIT_DESIGN_CELLS = 2 ** 22  # fits x firms whose designs are built at once (`_logit_task`; bounds memory)
PARALLEL_MIN_WORK = 2e9  # firm-level operations below which one thread beats a pool (default survey: 4e8)
# ONE_BLAS_THREAD: `run` and `joint_tests` keep BLAS to one thread. Their matrix products are small (a few dozen
# to a few hundred rows), and their parallel work is their own: joblib threads over blocks of the work (`_map`)
# when it is large. With a second BLAS thread in each joblib thread, the pooled joint tests took 2.9 s of wall
# time and 5.3 s of CPU on 2 cores; with one, 1.6 s and 2.7 s (bench/speccurve.py, its defaults).


def _logit_design(data: _Data, fits: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Outcome (F, n), regressors (F, n, k: CSR measure, controls, dummies), case weights (F, n) and
    robust flag (F,) of fits sharing controls and fixed effects; NaN where missing."""
    first = fits.iloc[0]
    n = data.values.shape[1]
    ds = fits["dataset"].to_numpy()
    y = data.values[ds, :, fits["outcome"].map(data.columns).to_numpy()]
    improved = (fits["coding"] == "improved").to_numpy()[:, None]
    y = np.where(improved & np.isfinite(y), (y > NEUTRAL).astype("float64"), y)
    controls = [data.columns[c] for c in CONTROL_SETS[first["controls"]]]
    cols = np.column_stack([fits["csr"].map(data.columns).to_numpy(dtype=np.intp),
                            np.broadcast_to(np.array(controls, dtype=np.intp), (len(fits), len(controls)))])
    X = data.values[ds[:, None, None], np.arange(n)[None, :, None], cols[:, None, :]]
    fixed = data.fixed if first["fixed_effects"] == "district" else data.fixed[:, :0]
    X = np.concatenate([X, np.broadcast_to(fixed, (len(fits),) + fixed.shape)], axis=2)
    poststrat = (fits["weights"] == "poststrat").to_numpy()
    w = np.where(poststrat[:, None], data.weights[None, :], 1.0)
    return y, X, w, poststrat


def _codes(y: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of y (F, n): codes 0..J-1 of the distinct kept values (as `np.unique(..., return_inverse)`)
    and J, the number of distinct values."""
    sort = np.where(keep, y, np.inf)
    order = np.argsort(sort, axis=1, kind="stable")
    ordered = np.take_along_axis(sort, order, axis=1)
    rank = np.concatenate([np.zeros((len(y), 1), dtype=np.intp),
                           np.cumsum(ordered[:, 1:] != ordered[:, :-1], axis=1)], axis=1)
    codes = np.empty_like(rank)
    np.put_along_axis(codes, order, rank, axis=1)
    J = keep.any(axis=1) + ((ordered[:, 1:] != ordered[:, :-1]) & np.isfinite(ordered[:, 1:])).sum(axis=1)
    return np.where(keep, codes, 0), J


def _logit_batch(y: np.ndarray, X: np.ndarray, w: np.ndarray, robust: np.ndarray,
                 start: np.ndarray | None = None) -> tuple[np.ndarray, list]:
    """Raw CSR slope, its variance, the McKelvey-Zavoina factor and n of each fit, (F, 4), and
    the fitted parameters of each (None if not estimable: no fit, outcome constant, factor not
    positive, fewer than MIN_RESIDUAL_DF residual df). `start` (F,) parameters or None per fit."""
    keep = np.isfinite(y) & np.isfinite(X).all(axis=2)
    codes, J = _codes(y, keep)
    F, n, k = X.shape
    n_kept = keep.sum(axis=1)
    out = np.full((F, 4), np.nan)
    out[:, 3] = n_kept
    thetas: list = [None] * F
    Xz = np.where(keep[..., None], X, 0.0)
    for levels in np.unique(J[J > 1]):
        rows = np.flatnonzero(J == levels)
        if start is not None:
            rows = np.array([r for r in rows if start[r] is not None and start[r].size == k + levels - 1], dtype=int)
            if rows.size == 0:
                continue
        for chunk in np.array_split(rows, max(1, -(-rows.size * n // LOGIT_ROWS_PER_BATCH))):
            theta, cov, ok = batched.ordinal_fits(codes[chunk], Xz[chunk], w[chunk], keep[chunk], int(levels),
                                                  robust[chunk],
                                                  None if start is None else np.stack([start[r] for r in chunk]))
            Wk = w[chunk] * keep[chunk]
            total = Wk.sum(axis=1)
            eta = np.einsum("fnk,fk->fn", Xz[chunk], np.nan_to_num(theta[:, :k]))
            mean = (Wk * eta).sum(axis=1) / total
            sd_latent = np.sqrt((Wk * (eta - mean[:, None]) ** 2).sum(axis=1) / total + np.pi ** 2 / 3)
            x = Xz[chunk, :, 0]
            x_mean = (Wk * x).sum(axis=1) / total
            sd_x = np.sqrt((Wk * (x - x_mean[:, None]) ** 2).sum(axis=1) / total)
            factor = sd_x / sd_latent
            good = ok & np.isfinite(factor) & (factor > 0) & (n_kept[chunk] - theta.shape[1] >= MIN_RESIDUAL_DF)
            out[chunk[good], 0] = theta[good, 0]
            out[chunk[good], 1] = cov[good, 0, 0]
            out[chunk[good], 2] = factor[good]
            for r, t in zip(chunk[good], theta[good]):
                thetas[r] = t
    return out, thetas


def _logit_task(data: _Data, fits: pd.DataFrame) -> np.ndarray:
    """(F, 4) raw results of logit fits sharing controls and fixed effects (`_logit_batch`).

    All fits start cold; then, as one fit per dataset in sequence would, a fit on a completed
    dataset that failed is retried from the parameters of the same specification on the previous
    dataset when that one was estimable and has as many parameters (the m completed datasets
    differ only in their imputed values), repeated while retries succeed. Where both starts
    converge they reach the same maximum. Fits are taken a few specifications at a time (at most
    about LOGIT_DESIGN_CELLS fits x firms, all fits of a specification together), so the designs'
    memory is bounded for any survey size; within each part a fit identical to an earlier one (the
    same outcome, regressors and weights: on completed datasets whose imputed values do not enter
    it, or coincide) is computed once (`_distinct_fits`)."""
    spec = fits["spec"].to_numpy()
    per_part = max(1, LOGIT_DESIGN_CELLS // data.values.shape[1])
    cuts, previous = [0], 0
    for edge in np.r_[np.flatnonzero(spec[1:] != spec[:-1]) + 1, len(fits)]:  # end of each spec's fits
        if edge - cuts[-1] > per_part and previous > cuts[-1]:
            cuts.append(previous)
        previous = edge
    cuts.append(len(fits))
    out = np.empty((len(fits), 4))
    for first, last in zip(cuts[:-1], cuts[1:]):
        out[first:last] = _logit_part(data, fits.iloc[first:last])
    return out


def _distinct_fits(fits: pd.DataFrame, y: np.ndarray, X: np.ndarray, robust: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The distinct fits among `fits` (designs y, X, `_logit_design`): the index of the first of each
    distinct fit and, for every fit, its distinct fit (as `np.unique`). Two fits are the same when
    they have the same outcome and coding with equal values, the same CSR measure with equal
    regressors, and the same weighting: the values are compared once per dataset
    (`_versions`), not once per fit."""
    dataset = fits["dataset"].to_numpy()
    target = pd.factorize(fits["outcome"] + "\0" + fits["coding"])[0]
    csr = pd.factorize(fits["csr"])[0]
    key = np.column_stack([target, _versions(y, target, dataset), csr,
                           _versions(X.reshape(len(X), -1), csr, dataset), robust])
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _versions(values: np.ndarray, label: np.ndarray, dataset: np.ndarray) -> np.ndarray:
    """For each row of `values`, an id of its value among the rows with its `label`: equal ids for
    equal bytes. Rows with the same label and dataset must be equal; each is compared once."""
    pairs, first, inverse = np.unique(label * (dataset.max() + 1) + dataset, return_index=True, return_inverse=True)
    ids = np.empty(pairs.size, dtype=np.intp)
    for each in np.unique(label[first]):
        chosen = np.flatnonzero(label[first] == each)
        ids[chosen] = _distinct_float_rows(values[first[chosen]])[1]
    return ids[inverse.ravel()]


def _logit_part(data: _Data, fits: pd.DataFrame) -> np.ndarray:
    """`_logit_task` on fits that hold whole specifications."""
    y, X, w, robust = _logit_design(data, fits)
    first, inverse = _distinct_fits(fits, y, X, robust)
    distinct, distinct_thetas = _logit_batch(y[first], X[first], w[first], robust[first])
    out, thetas = distinct[inverse], [distinct_thetas[i] for i in inverse]
    spec, dataset = fits["spec"].to_numpy(), fits["dataset"].to_numpy()
    follows = np.zeros(len(fits), dtype=bool)  # the previous fit is the same spec on the previous dataset
    follows[1:] = (spec[1:] == spec[:-1]) & (dataset[1:] > 1) & (dataset[:-1] > 0)
    tried = np.zeros(len(fits), dtype=bool)
    while True:
        retry = np.flatnonzero(follows & np.isnan(out[:, 0]) & ~tried
                               & np.array([False] + [t is not None for t in thetas[:-1]]))
        if retry.size == 0:
            return out
        tried[retry] = True
        starts = np.empty(retry.size, dtype=object)
        starts[:] = [thetas[r - 1] for r in retry]
        again, again_thetas = _logit_batch(y[retry], X[retry], w[retry], robust[retry], starts)
        for i, r in enumerate(retry):
            if again_thetas[i] is not None:
                out[r], thetas[r] = again[i], again_thetas[i]


# --- 5. Running the curve ---------------------------------------------------------------------------

def _map(func, tasks: list[tuple], n_jobs: int, scheduler, work: float = 0.0) -> list:
    """`func(*task)` for every task, in order. Locally in this thread, or in joblib threads when
    `n_jobs` allows and the `work` (firm-level operations) is worth it (large numpy operations
    release the GIL, and the arrays are shared, not copied); no process pool, whose start-up costs
    more than the default survey's whole curve. With `scheduler` (a Dask scheduler address or a
    `distributed.Client`), the same joblib calls run on the Dask cluster."""
    if scheduler is None:
        if len(tasks) < 2 or not _parallel(n_jobs, scheduler, work):
            return [func(*task) for task in tasks]
        return Parallel(n_jobs=n_jobs, prefer="threads")(delayed(func)(*task) for task in tasks)
    from distributed import Client  # only needed for a cluster

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        with parallel_config(backend="dask", client=client):
            return Parallel(n_jobs=-1)(delayed(func)(*task) for task in tasks)
    finally:
        if client is not scheduler:
            client.close()


def _parallel(n_jobs: int, scheduler, work: float) -> bool:
    """Whether `_map` runs tasks in parallel: on a cluster, or locally when the work is large and joblib
    would use more than one thread (n_jobs=-1 counts the cores joblib may use: LOKY_MAX_CPU_COUNT, which
    a build sets to each run's share of the cores)."""
    return scheduler is not None or (work >= PARALLEL_MIN_WORK and effective_n_jobs(n_jobs) > 1)


RESULT_COLUMNS = ["estimate", "std_error", "ci_low", "ci_high", "p_value", "n"]
LOGIT_ITERATIONS = 8  # a typical Newton fit's iterations, for the work estimate of `_map`


@threadpool_limits.wrap(limits=1, user_api="blas")  # see ONE_BLAS_THREAD
def run(frame: pd.DataFrame, specs: pd.DataFrame, *, m: int = M_IMPUTATIONS, seed: int = 0, n_jobs: int = -1,
        scheduler=None, population: pd.DataFrame | None = None) -> pd.DataFrame:
    """Estimate every specification: `specs` plus estimate, std_error, ci_low, ci_high, p_value, n.

    `frame`: one district's firms or the pooled frame (`derived.analysis_frame`). Estimates are
    standardized (module docstring), 95% CIs. Linear specs: OLS with HC3 (WLS with HC1 when
    weighted), t with n - p df on complete cases (as `models.ols_hc3`), batched in numpy; in the
    joint test's bootstrap draws the df of the observed sample. Logit specs: Newton-Raphson ML,
    inverse-information SEs (sandwich when weighted), batched over specifications and datasets
    (`batched.ordinal_fits`, the algorithm of `ordinal.fit`). Imputed
    specs: `impute(frame, m=m, seed=seed)`, each completed dataset fitted, pooled by Rubin's rules
    with Barnard-Rubin df (n - p for linear fits, infinite for logit); n is then the frame's size.
    Post-stratification weights: `inference.poststrat_weights` to `population` (default
    `population.population_frame()`). Estimates are NaN where a fit is not estimable (singular
    design, HC3 leverage 1, logit separation, outcome or CSR measure constant on the fit's sample,
    an imputation model that cannot be fitted, fewer than `estimability.MIN_RESIDUAL_DF` residual
    degrees of freedom). Same results for any n_jobs and backend.
    """
    data = _prepare(frame, specs, m, seed, population)
    out = pd.DataFrame(np.nan, index=range(len(specs)), columns=RESULT_COLUMNS)
    linear = specs["model"].to_numpy() == "ols"
    if linear.any():
        ones = np.ones((1, data.values.shape[1]))
        for block, raw in _observed_blocks(frame, specs[linear], m, seed, population, data)[1]:
            positions = np.flatnonzero(linear)[block.specs]
            for key, values in _linear(block, ones, raw).items():
                out.loc[positions, key] = values[:, 0]
            out.loc[positions, "n"] = block.n[block.cells[:, 0]]
    fits = _fits(specs[~linear], m)
    raw = np.empty((len(fits), 4))
    parts = list(fits.groupby(["controls", "fixed_effects"], sort=False).indices.values())
    n_firms = data.values.shape[1]
    work = len(fits) * n_firms * 8 * 8 * LOGIT_ITERATIONS
    for rows, result in zip(parts, _map(_logit_task, [(data, fits.iloc[rows]) for rows in parts], n_jobs,
                                        scheduler, work)):
        raw[rows] = result
    positions = np.flatnonzero(~linear)
    for missing, r in (("complete", 1), ("imputed", m)):
        chosen = (fits["missing"] == missing).to_numpy()
        if chosen.any():
            cells = np.flatnonzero(chosen).reshape(-1, r)
            result = _combine(raw[:, :1] * raw[:, 2:3], raw[:, 1:2] * raw[:, 2:3] ** 2, cells, np.inf)
            spec_pos = positions[fits["spec"].to_numpy()[cells[:, 0]]]
            for key, values in result.items():
                out.loc[spec_pos, key] = values[:, 0]
            out.loc[spec_pos, "n"] = raw[cells[:, 0], 3]
    out.index = specs.index
    return pd.concat([specs, out.astype({"n": "int64"})], axis=1)


# --- 6. Joint inference (Simonsohn et al. 2020) -------------------------------------------------------

EXCLUDED_REASON = (
    "logit specifications (ordered logit on items, binary logit on 'improved') are not in the joint test: "
    "the null cannot be imposed as y* = y - b x on a categorical outcome, refitting them in every draw "
    "is too costly, and a joint test is meaningful only across equivalent specifications (specr docs; "
    "Simonsohn et al. 2020): the linear specifications share one estimator and effect scale")


@dataclass(frozen=True)
class JointTest:
    """Joint test of a specification curve.

    table: statistic (median, share_significant, stouffer_z), observed, null_median (median over
    the draws), p_value; null: the statistics in each bootstrap draw; dominant_sign: the sign of
    the observed median; scope: the specifications tested; n_specs: the estimable linear
    specifications tested, of n_linear; excluded_specs / excluded_reason: the (logit)
    specifications left out and why.
    """

    table: pd.DataFrame
    null: pd.DataFrame
    n_specs: int
    n_boot: int
    dominant_sign: int
    scope: str
    excluded_specs: int
    excluded_reason: str
    n_linear: int = 0  # linear specifications in `specs`; `n_specs` of them were estimable and tested


def _direction(median: np.ndarray) -> np.ndarray:
    """The dominant direction of curves with these medians: -1 below -ZERO_TOLERANCE, else +1. A
    median within rounding of zero (a null draw in which the middle specs reproduce their observed
    samples has slopes of exactly 0 under the null, computed as +-1e-16) is zero, whose direction
    is +1 by convention; its computed sign would be rounding noise."""
    return np.where(median < -ZERO_TOLERANCE, -1.0, 1.0)


def _statistics(est: np.ndarray, p: np.ndarray) -> pd.DataFrame:
    """Per column (one curve: observed or a null draw), in the curve's dominant direction s (the
    sign of its median estimate): the median estimate, the share of specs with p < ALPHA and sign
    s, and Stouffer's Z of the one-sided p-values in direction s. Non-estimable specs count as not
    significant and are left out of the median and of Z. A median zero to rounding has direction +1
    (`_direction`)."""
    median = np.nanmedian(est, axis=0)
    sign = _direction(median)
    with np.errstate(invalid="ignore"):
        z = stats.norm.isf(p / 2) * np.sign(est) * sign
    return pd.DataFrame({"median": median,
                         "share_significant": ((p < ALPHA) & (np.sign(est) == sign)).mean(axis=0),
                         "stouffer_z": np.nansum(z, axis=0) / np.sqrt(np.isfinite(z).sum(axis=0))})


def _size(statistics: pd.DataFrame) -> pd.DataFrame:
    """How extreme each statistic is: |median|, the share and Z as they are."""
    return statistics.assign(median=statistics["median"].abs())


def _bootstrap_counts(strata: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """(n_boot, n) frequency of each firm in each draw; firms resampled within districts."""
    rng = np.random.default_rng([seed, BOOT_STREAM])
    counts = np.zeros((n_boot, strata.size), dtype=np.int32)
    for s in np.unique(strata):
        rows = np.flatnonzero(strata == s)
        counts[:, rows] = rng.multinomial(rows.size, np.full(rows.size, 1 / rows.size), size=n_boot)
    return counts


def _under_null(block: _Block, b: np.ndarray | None = None) -> _Block:
    """The block with y* = y - b x in every cell (b: the cell's raw coefficient on the observed data,
    `_ols_cells(block, ones)[0]` if not given)."""
    b = _ols_cells(block, np.ones((1, block.data.values.shape[1])))[0] if b is None else b
    return replace(block, null_slope=b[:, 0])


def joint_test(frame: pd.DataFrame, specs: pd.DataFrame, curve: pd.DataFrame, *, n_boot: int = 500,
               seed: int = 0, m: int = M_IMPUTATIONS, n_jobs: int = -1, scheduler=None,
               population: pd.DataFrame | None = None) -> JointTest:
    """Simonsohn, Simmons & Nelson (2020) joint inference on the linear specs of `curve`.

    `curve` = `run(frame, specs, m=m, seed=seed)` with the same `m` and `seed`, which fix the
    imputations (checked: a mismatch raises) and the bootstrap draws. For each spec
    (and, if imputed, each completed dataset) the null is imposed on its own sample,
    y* = y - b x. Each of `n_boot` draws resamples firms with replacement within districts, the
    same firms for every spec (keeping their dependence), and re-estimates every spec as `run`
    does (Rubin pooling included), vectorised over specs and draws. Statistics (`_statistics`),
    each curve in its own dominant direction: median estimate, share significant with the dominant
    sign, Stouffer's Z. p = share of null draws at least as extreme: |median| at least the observed
    |median|, share and Z at least the observed (so the direction is not chosen after seeing the
    data; p = 0 means p < 1 / n_boot). Logit specs are excluded (`EXCLUDED_REASON`), and so are
    linear specs that are not estimable on the observed data (NaN in `curve`): the test is over the
    `n_specs` estimable ones (ValueError if there are none). Results do not depend on n_jobs or the
    backend.
    """
    groups = pd.Series("all", index=specs.index)
    return joint_tests(frame, specs, curve, groups, n_boot=n_boot, seed=seed, m=m, n_jobs=n_jobs,
                       scheduler=scheduler, population=population)["all"]


@threadpool_limits.wrap(limits=1, user_api="blas")  # see ONE_BLAS_THREAD
def joint_tests(frame: pd.DataFrame, specs: pd.DataFrame, curve: pd.DataFrame, groups: pd.Series, *,
                n_boot: int = 500, seed: int = 0, m: int = M_IMPUTATIONS, n_jobs: int = -1, scheduler=None,
                population: pd.DataFrame | None = None) -> dict[str, JointTest]:
    """`joint_test` of each group of specifications (`groups`: a label per row of `specs`, e.g. the
    outcome family) from one bootstrap: every estimable linear spec is re-estimated on the same
    draws once, and each group's statistics are taken over its own specs, so a group's result is
    `joint_test` on that group alone. Groups without an estimable linear spec are left out."""
    linear = specs[specs["model"] == "ols"]
    n_linear = linear.groupby(groups.loc[linear.index]).size()
    linear = linear[curve.loc[linear.index, "estimate"].notna().to_numpy()]  # estimable ones only
    if linear.empty:
        raise ValueError("joint_test needs estimable linear specifications (model 'ols'); "
                         "check with estimability.joint first")
    data, observed_blocks = _observed_blocks(frame, linear, m, seed, population)
    blocks = [block for block, _ in observed_blocks]
    est = np.full((len(linear), 1), np.nan)
    ones, null_blocks = np.ones((1, data.values.shape[1])), []
    for block, raw in observed_blocks:
        est[block.specs] = _linear(block, ones, raw)["estimate"]
        null_blocks.append(_under_null(block, raw[0]))
    observed = curve.loc[linear.index]
    # the curve must be the one of these data; an exact fit's estimate is rounding noise (seen: 6.1e-16 and
    # 3.4e-16 for the same spec in two block layouts), so standardized estimates agree to 1e-12 absolute
    if not np.allclose(est[:, 0], observed["estimate"], rtol=1e-9, atol=ZERO_TOLERANCE, equal_nan=True):
        raise ValueError(f"curve does not match run(frame, specs, m={m}, seed={seed})")
    counts = _bootstrap_counts(data.strata, n_boot, seed)
    work = sum(block.cells.size * n_boot * data.values.shape[1] * 4 * block.n_params for block in blocks)
    per_task = DRAWS_PER_TASK if _parallel(n_jobs, scheduler, work) else n_boot  # one task per block in one thread
    tasks, slots = [], []
    for block, null_block in zip(blocks, null_blocks):
        for i in range(0, n_boot, per_task):
            tasks.append((null_block, counts[i:i + per_task]))
            slots.append((block.specs, slice(i, i + per_task)))
    null_est, null_p = np.full((len(linear), n_boot), np.nan), np.full((len(linear), n_boot), np.nan)
    for (rows, draws), (e, p) in zip(slots, _map(_null_draws, tasks, n_jobs, scheduler, work)):
        null_est[rows, draws], null_p[rows, draws] = e, p
    label = groups.loc[linear.index].to_numpy()
    results = {}
    for group in pd.unique(label):
        rows = label == group
        obs = _statistics(observed.loc[rows, ["estimate"]].to_numpy(), observed.loc[rows, ["p_value"]].to_numpy())
        null = _statistics(null_est[rows], null_p[rows])
        extreme = _size(null) >= _size(obs).to_numpy() - 1e-12
        table = pd.DataFrame({"statistic": obs.columns, "observed": obs.iloc[0].to_numpy(),
                              "null_median": null.median().to_numpy(), "p_value": extreme.mean().to_numpy()})
        in_group = int((groups == group).sum())
        results[group] = JointTest(table, null, int(rows.sum()), n_boot, int(_direction(obs["median"].to_numpy())[0]),
                                   "linear specifications (OLS / LPM, WLS when weighted)",
                                   in_group - int(n_linear.get(group, 0)), EXCLUDED_REASON, int(n_linear.get(group, 0)))
    return results
