"""Publication tables: descriptive summaries with codebook labels in the report language."""
from __future__ import annotations

import pandas as pd

from .codebook import Codebook, load_codebook

HEADERS = {
    "en": {"variable": "Variable", "dimension": "Dimension", "adopted": "Adopted (%)", "n": "Answered",
           "size_class": "Size class", "firms": "Firms", "share": "Share (%)", "mean": "Mean",
           "sd": "SD", "median": "Median", "missing": "Missing (%)", "scale": "Scale"},
    "it": {"variable": "Variabile", "dimension": "Dimensione", "adopted": "Adottata (%)", "n": "Risposte",
           "size_class": "Classe dimensionale", "firms": "Imprese", "share": "Quota (%)", "mean": "Media",
           "sd": "DS", "median": "Mediana", "missing": "Mancanti (%)", "scale": "Scala"},
}


def adoption_rates(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Share of answering firms that adopted each CSR practice and hold each certification."""
    cb = cb or load_codebook()
    h = HEADERS[lang]
    rows = []
    groups = [(cb.label(d, lang), items) for d, items in cb.practices_by_dimension().items()]
    groups.append(({"en": "Certifications", "it": "Certificazioni"}[lang], cb.certifications(None)))
    for group, items in groups:
        for item in items:
            answered = df[item].notna().sum()
            rows.append({h["dimension"]: group, h["variable"]: cb.label(item, lang),
                         h["adopted"]: 100 * df[item].astype("float64").mean() if answered else float("nan"),
                         h["n"]: int(answered)})
    return pd.DataFrame(rows)


def size_structure(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Firms by EU size class in the sample."""
    cb = cb or load_codebook()
    h = HEADERS[lang]
    counts = df["size_class"].value_counts().reindex(list(cb.size_classes), fill_value=0)
    counts = counts[counts.index != "large"] if counts.get("large", 0) == 0 else counts
    return pd.DataFrame({h["size_class"]: [cb.label(c, lang) for c in counts.index],
                         h["firms"]: counts.to_numpy(),
                         h["share"]: 100 * counts.to_numpy() / max(counts.sum(), 1)})


def describe(df: pd.DataFrame, columns: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Mean, SD, median and missing share of numeric variables, labelled."""
    cb = cb or load_codebook()
    h = HEADERS[lang]
    rows = []
    for col in columns:
        x = df[col].astype("float64")
        rows.append({h["variable"]: label(col, lang, cb), h["n"]: int(x.notna().sum()), h["mean"]: x.mean(),
                     h["sd"]: x.std(), h["median"]: x.median(), h["missing"]: 100 * x.isna().mean()})
    return pd.DataFrame(rows)


DERIVED_LABELS = {
    "csr_overall": {"en": "CSR index, overall (0-1)", "it": "Indice CSR complessivo (0-1)"},
    "csr_cert_count": {"en": "CSR certifications held", "it": "Certificazioni CSR possedute"},
    "cert_any": {"en": "At least one CSR certification", "it": "Almeno una certificazione CSR"},
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
            suffix = {"csr_": {"en": "CSR index: ", "it": "Indice CSR: "},
                      "score_": {"en": "Score: ", "it": "Punteggio: "}}[prefix][lang]
            return suffix + cb.label(name, lang)
    return cb.label(col, lang)

