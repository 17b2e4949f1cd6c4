"""The numbers of the firm benchmark reports (issue 27): each district's distribution, computed once for
all its firms, and the adoption model read for "what the firms that adopt more do differently".

Everything a firm's report shows about other firms passes the disclosure policy (`stats.disclosure`):
quartiles only where at least ``n_min_magnitude`` firms answered, shares as k/n cells under the
frequency rule. The firm's own answers are its own and are shown as they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...data.derived import ADOPTION_REGRESSORS, CHANNEL_KINDS
from ...stats import adoption
from ...stats import disclosure as sdc

QUANTILES = (0.25, 0.5, 0.75)


def measures(cb: Codebook) -> list[str]:
    """The measures set beside the district's distribution: the CSR index, its dimensions, the scores."""
    return ["csr_overall", *[f"csr_{d}" for d in cb.csr_dimensions], *[f"score_{s}" for s in cb.outcome_scales]]


@dataclass
class District:
    """One district's benchmark: `quartiles` (measure -> (n, q25, q50, q75)), `certs` (certification -> (k, n)),
    `channels` (channel -> (users, answering)), `adoption_by_channel` (channel -> (k, n) of firms with a CSR
    certification among users), and `n` firms."""

    district: str
    n: int
    quartiles: dict = field(default_factory=dict)
    certs: dict = field(default_factory=dict)
    channels: dict = field(default_factory=dict)
    adoption_by_channel: dict = field(default_factory=dict)


@dataclass
class Benchmarks:
    """The benchmarks of every district and the pooled adoption model's channel effects (`effects`: term ->
    (ame, ci_low, ci_high, n), empty when the model was not estimable)."""

    districts: dict
    effects: dict
    model_n: int | None
    synthetic: bool


def district_benchmark(firms: pd.DataFrame, district: str, cb: Codebook) -> District:
    out = District(district, int(len(firms)))
    for m in measures(cb):
        x = firms[m].astype("float64").dropna().to_numpy()
        q = np.quantile(x, QUANTILES) if len(x) else (np.nan,) * 3
        out.quartiles[m] = (int(len(x)), *map(float, q))
    for c in cb.certifications(None):
        x = firms[c].astype("float64").dropna()
        out.certs[c] = (int((x == 1).sum()), int(len(x)))
    by_channel = adoption.adoption_by_channel(firms, outcomes=("cert_any",), channels=CHANNEL_KINDS)
    for c in CHANNEL_KINDS:
        x = firms[c].astype("float64").dropna()
        out.channels[c] = (int((x == 1).sum()), int(len(x)))
        used = by_channel[(by_channel["channel"] == c) & (by_channel["used"] == 1)].iloc[0]
        out.adoption_by_channel[c] = (int(used["k"]), int(used["n"]))
    return out


def benchmarks(frame: pd.DataFrame, meta: dict, cb: Codebook | None = None) -> Benchmarks:
    """Every district's benchmark and the pooled adoption model of the CSR index (fractional logit with
    district effects, `stats.adoption.adoption_drivers`), computed once for all the firm reports."""
    cb = cb or load_codebook()
    districts = {d: district_benchmark(frame[frame["district"] == d], d, cb)
                 for d in cb.district_ids if (frame["district"] == d).any()}
    effects, model_n = {}, None
    fit = adoption.adoption_drivers(frame, "pooled", cb, certifications=())["csr_overall"]
    if isinstance(fit, adoption.AdoptionFit):
        model_n = int(fit.n)
        for term in ADOPTION_REGRESSORS:
            if term in CHANNEL_KINDS:
                row = fit.effect(term)
                effects[term] = (float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"]))
    return Benchmarks(districts, effects, model_n, bool(meta.get("synthetic")))


def position(value: float, quartiles: tuple) -> str:
    """Where a firm's value stands in its district: "below" the lower quartile, "above" the upper one, or
    "middle" (a code; '' when either is missing)."""
    _, q25, _, q75 = quartiles
    if value is None or not np.isfinite(value) or not np.isfinite(q25):
        return ""
    return "below" if value < q25 else "above" if value > q75 else "middle"


def quartile_cell(quartiles: tuple) -> sdc.Cell:
    """The disclosure cell behind a district quartile: a distribution of n firms (a magnitude for the rule)."""
    return sdc.Cell("quantile", n=quartiles[0])
