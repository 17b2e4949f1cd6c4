"""Derived variables: the one place where the analyses' variables beyond the codebook are defined,
with their labels in each report language.

- `csr_<dimension>`: share of the dimension's practices adopted, among those answered (0-1);
- `csr_overall`: mean of the five dimension indices (0-1);
- `csr_cert_count`: number of CSR certifications held (ISO 14001, EMAS, SA8000, OHSAS 18001);
- `cert_any`: 1 if at least one CSR certification is held;
- `score_<scale>`: mean of the scale's Likert items, if at least half of them were answered;
- `log_employees`: log(1 + employees); `size_class`: EU size class.

`label` names a codebook or derived variable; analysis and presentation both take labels from
here, so analysis code never imports presentation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .codebook import Codebook, load_codebook


def csr_indices(df: pd.DataFrame, cb: Codebook | None = None) -> pd.DataFrame:
    """Per-dimension and overall CSR adoption indices, certification count and dummy."""
    cb = cb or load_codebook()
    out = pd.DataFrame(index=df.index)
    for dim, items in cb.practices_by_dimension().items():
        out[f"csr_{dim}"] = df[items].astype("float64").mean(axis=1, skipna=True)
    out["csr_overall"] = out[[f"csr_{d}" for d in cb.csr_dimensions]].mean(axis=1, skipna=True)
    certs = df[cb.certifications("csr")].astype("float64")
    out["csr_cert_count"] = certs.sum(axis=1, min_count=1)
    out["cert_any"] = (out["csr_cert_count"] > 0).astype("float64").where(out["csr_cert_count"].notna())
    return out


def outcome_scores(df: pd.DataFrame, cb: Codebook | None = None) -> pd.DataFrame:
    """Mean of each competitiveness scale's items, missing if fewer than half were answered."""
    cb = cb or load_codebook()
    out = pd.DataFrame(index=df.index)
    for scale, items in cb.items_by_scale().items():
        values = df[items].astype("float64")
        answered = values.notna().sum(axis=1)
        out[f"score_{scale}"] = values.mean(axis=1, skipna=True).where(answered * 2 >= len(items))
    return out


def analysis_frame(df: pd.DataFrame, cb: Codebook | None = None) -> pd.DataFrame:
    """The survey with every derived variable the analyses use appended."""
    cb = cb or load_codebook()
    derived = pd.concat([csr_indices(df, cb), outcome_scores(df, cb)], axis=1)
    derived["log_employees"] = np.log1p(df["employees"].astype("float64"))
    bins = [spec["min"] for spec in cb.size_classes.values()] + [np.inf]
    derived["size_class"] = pd.cut(df["employees"].astype("float64"), bins=bins, right=False,
                                   labels=list(cb.size_classes))
    return pd.concat([df, derived], axis=1)


DERIVED_LABELS = {
    "csr_overall": {"en": "CSR index, overall (0-1)", "it": "Indice complessivo di RSI (0-1)"},
    "csr_cert_count": {"en": "CSR certifications held", "it": "Certificazioni di RSI possedute"},
    "cert_any": {"en": "At least one CSR certification", "it": "Almeno una certificazione di RSI"},
    "log_employees": {"en": "log(1 + employees)", "it": "log(1 + addetti)"},
}


def label(col: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """Label of a codebook or derived variable."""
    cb = cb or load_codebook()
    if col in DERIVED_LABELS:
        return DERIVED_LABELS[col][lang]
    for prefix in ("csr_", "score_"):
        if col.startswith(prefix):
            name = col[len(prefix):]
            suffix = {"csr_": {"en": "CSR index: ", "it": "Indice di RSI: "},
                      "score_": {"en": "Score: ", "it": "Punteggio: "}}[prefix][lang]
            return suffix + cb.label(name, lang)
    return cb.label(col, lang)
