"""Derived variables: the one place where the analyses' variables beyond the codebook are defined,
with their labels in each report language (data/derived.yaml).

- `csr_<dimension>`: share of the dimension's practices adopted, among those answered (0-1), missing
  unless at least half of them were answered;
- `csr_overall`: mean of the five dimension indices (0-1), missing unless all five exist;
- `csr_cert_count`: number of CSR certifications held (ISO 14001, EMAS, SA8000, OHSAS 18001);
- `cert_any`: 1 if at least one CSR certification is held;
- `score_<scale>`: mean of the scale's Likert items, if at least half of them were answered;
- `log_employees`: log(1 + employees); `size_class`: EU size class.

Channels and adoption (codebook version 2; every one is NaN on a version-1 survey, whose source
columns are all missing). An "any" variable is 1 if any of its items is 1, else 0 if all were
answered, else NaN:
- `association_member` = ch_association_member (0/1);
- `intermediary_support`: any ch_support_*; `support_count`: how many ch_support_* are 1 (NaN
  unless all six were answered);
- `network_member`: any ch_net_*;
- `informal_exchange` = 1 if ch_informal_exchange is 3 or 4 (sometimes, often), 0 if 1 or 2;
- `joint_initiatives` = ch_joint_initiatives; `district_activities` = ch_district_activities;
- `channels_used`: how many of the six channel kinds (`CHANNEL_KINDS`) the firm uses, NaN if any is NaN;
- `csr_half` = 1 if csr_overall >= 0.5 ("adopts at least half of the practices"), else 0;
- `csr_awareness`: mean of the aw_* items (1-5), among those answered.

`ADOPTION_REGRESSORS` are the regressors of the adoption-driver models (pooled models add district
fixed effects).

`label` names a codebook or derived variable; analysis and presentation both take labels from
here, so analysis code never imports presentation.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from .codebook import Codebook, load_codebook, package_yaml


MIN_ANSWERED_SHARE = 0.5  # a CSR dimension index needs at least half of its practices answered (issue 23)


def csr_indices(df: pd.DataFrame, cb: Codebook | None = None) -> pd.DataFrame:
    """Per-dimension and overall CSR adoption indices, certification count and dummy.

    Missing items (issue 23): `csr_<dimension>` is the share of the dimension's practices adopted
    among those the firm answered, and is missing unless the firm answered at least half of them
    (`MIN_ANSWERED_SHARE`; the same rule as the outcome scores): a share over one or two answered
    practices of a longer list measures something else. `csr_overall`, the mean of the dimension
    indices, is missing unless every dimension index exists: the overall index weights the
    dimensions equally, and averaging only the dimensions a firm has would change that weighting
    from firm to firm. A firm with a few blank practices therefore keeps its indices; one that left
    half of a dimension blank has no overall index, and the missing-data counts show it
    (`index_missing`). Certifications: `csr_cert_count` the number of CSR certifications held
    (missing when none was answered) and `cert_any` = 1 if it is above 0."""
    cb = cb or load_codebook()
    out = pd.DataFrame(index=df.index)
    for dim, items in cb.practices_by_dimension().items():
        values = df[items].astype("float64")
        answered = values.notna().sum(axis=1)
        out[f"csr_{dim}"] = values.mean(axis=1, skipna=True).where(answered >= MIN_ANSWERED_SHARE * len(items))
    out["csr_overall"] = out[[f"csr_{d}" for d in cb.csr_dimensions]].mean(axis=1, skipna=False)
    certs = df[cb.certifications("csr")].astype("float64")
    out["csr_cert_count"] = certs.sum(axis=1, min_count=1)
    out["cert_any"] = (out["csr_cert_count"] > 0).astype("float64").where(out["csr_cert_count"].notna())
    return out


def index_missing(df: pd.DataFrame, cb: Codebook | None = None) -> pd.DataFrame:
    """How the CSR indices and the outcome scores treat missing items, counted: per index, its items
    (k), the firms (n), the firms with at least one of its items missing (with_gaps), the firms whose
    index is missing under the minimum-answered rule (missing), and missing / n (share_missing).
    `df` is the survey (or the analysis frame); the indices are recomputed from its items."""
    cb = cb or load_codebook()
    indices = pd.concat([csr_indices(df, cb), outcome_scores(df, cb)], axis=1)
    dims = cb.practices_by_dimension()
    sets = {f"csr_{d}": items for d, items in dims.items()}
    sets["csr_overall"] = [i for items in dims.values() for i in items]
    sets |= {f"score_{s}": items for s, items in cb.items_by_scale().items()}
    n = len(df)
    rows = [{"index": name, "k": len(items), "n": n, "with_gaps": int(df[items].isna().any(axis=1).sum()),
             "missing": int(indices[name].isna().sum())} for name, items in sets.items()]
    out = pd.DataFrame(rows, columns=["index", "k", "n", "with_gaps", "missing"])
    return out.assign(share_missing=out["missing"] / n if n else np.nan)


def outcome_scores(df: pd.DataFrame, cb: Codebook | None = None) -> pd.DataFrame:
    """Mean of each competitiveness scale's items, missing if fewer than half were answered."""
    cb = cb or load_codebook()
    out = pd.DataFrame(index=df.index)
    for scale, items in cb.items_by_scale().items():
        values = df[items].astype("float64")
        answered = values.notna().sum(axis=1)
        out[f"score_{scale}"] = values.mean(axis=1, skipna=True).where(answered * 2 >= len(items))
    return out


ADOPTION_REGRESSORS = ["log_employees", "export_share", "firm_age", "association_member",
                       "intermediary_support", "network_member", "informal_exchange"]
CHANNEL_KINDS = ["association_member", "intermediary_support", "informal_exchange", "network_member",
                 "joint_initiatives", "district_activities"]


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    """A codebook column as float (NaN = missing); all NaN when the survey lacks it."""
    if name in df.columns:
        return df[name].astype("float64")
    return pd.Series(np.nan, index=df.index, dtype="float64")


def any_of(items: pd.DataFrame) -> pd.Series:
    """1 if any item is 1; else 0 if every item was answered; else NaN."""
    values = items.astype("float64")
    hit = (values == 1).any(axis=1)
    answered = values.notna().all(axis=1)
    return pd.Series(np.where(hit, 1.0, np.where(answered, 0.0, np.nan)), index=items.index)


def channel_variables(df: pd.DataFrame, cb: Codebook | None = None) -> pd.DataFrame:
    """The channel variables of the adoption analyses (module docstring), from the ch_* columns."""
    cb = cb or load_codebook()
    out = pd.DataFrame(index=df.index)
    support = pd.concat([_column(df, c) for c in cb.support_channels()], axis=1)
    nets = pd.concat([_column(df, c) for c in cb.network_channels()], axis=1)
    out["association_member"] = _column(df, "ch_association_member")
    out["intermediary_support"] = any_of(support)
    out["support_count"] = (support == 1).sum(axis=1).astype("float64").where(support.notna().all(axis=1))
    out["network_member"] = any_of(nets)
    exchange = _column(df, "ch_informal_exchange")
    out["informal_exchange"] = (exchange >= 3).astype("float64").where(exchange.notna())
    out["joint_initiatives"] = _column(df, "ch_joint_initiatives")
    out["district_activities"] = _column(df, "ch_district_activities")
    kinds = out[CHANNEL_KINDS]
    out["channels_used"] = kinds.sum(axis=1).where(kinds.notna().all(axis=1))
    out["csr_awareness"] = pd.concat([_column(df, c) for c in cb.awareness_items()], axis=1).mean(axis=1)
    return out


def source_columns(name: str, cb: Codebook | None = None) -> list[str]:
    """The codebook columns a channel variable is computed from (`channel_variables`); [] for a name that
    is not one. A survey that lacks some of them (metadata `absent_columns`) cannot tell a firm that does
    not use the channel from one that answered yes in a missing column."""
    cb = cb or load_codebook()
    single = {"association_member": ["ch_association_member"], "informal_exchange": ["ch_informal_exchange"],
              "joint_initiatives": ["ch_joint_initiatives"], "district_activities": ["ch_district_activities"]}
    groups = {"intermediary_support": list(cb.support_channels()), "support_count": list(cb.support_channels()),
              "network_member": list(cb.network_channels()), "csr_awareness": list(cb.awareness_items())}
    if name == "channels_used":
        return [c for kind in CHANNEL_KINDS for c in source_columns(kind, cb)]
    return single.get(name) or groups.get(name, [])


def analysis_frame(df: pd.DataFrame, cb: Codebook | None = None) -> pd.DataFrame:
    """The survey with every derived variable the analyses use appended."""
    cb = cb or load_codebook()
    derived = pd.concat([csr_indices(df, cb), outcome_scores(df, cb)], axis=1)
    derived["log_employees"] = np.log1p(df["employees"].astype("float64"))
    bins = [spec["min"] for spec in cb.size_classes.values()] + [np.inf]
    derived["size_class"] = pd.cut(df["employees"].astype("float64"), bins=bins, right=False,
                                   labels=list(cb.size_classes))
    derived["csr_half"] = (derived["csr_overall"] >= 0.5).astype("float64").where(derived["csr_overall"].notna())
    derived = pd.concat([derived, channel_variables(df, cb)], axis=1)
    return pd.concat([df, derived], axis=1)


@lru_cache(maxsize=1)
def _labels() -> dict:
    """derived.yaml: the derived variables' labels and the label patterns of csr_* and score_*."""
    text = resources.files(__package__).joinpath("derived.yaml").read_text(encoding="utf-8")
    return package_yaml(text)


def label(col: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """Label of a codebook or derived variable."""
    cb = cb or load_codebook()
    spec = _labels()
    if col in spec["labels"]:
        return spec["labels"][col][lang]
    for prefix, pattern in spec["patterns"].items():
        if col.startswith(prefix):
            return pattern[lang].format(name=cb.label(col[len(prefix):], lang))
    return cb.label(col, lang)
