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



MODEL_HEADERS = {
    "en": {"outcome": "Outcome", "estimate": "Coefficient", "std_error": "SE (HC3)", "ci": "95% CI",
           "p_value": "p", "n": "n", "r2": "R²", "district": "District", "mde_r": "Minimum detectable r (80%)",
           "power": "Power at r = {r}", "mean": "Mean", "unweighted": "Unweighted", "weighted": "Weighted",
           "se": "SE"},
    "it": {"outcome": "Esito", "estimate": "Coefficiente", "std_error": "ES (HC3)", "ci": "IC 95%",
           "p_value": "p", "n": "n", "r2": "R²", "district": "Distretto", "mde_r": "r minimo rilevabile (80%)",
           "power": "Potenza con r = {r}", "mean": "Media", "unweighted": "Non ponderata", "weighted": "Ponderata",
           "se": "ES"},
}


def coefficient_rows(fits: dict, term: str, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """One row per outcome: the coefficient of `term` with SE, CI, p, n and R²."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    rows = []
    for outcome, fit in fits.items():
        row = fit.term(term)
        rows.append({h["outcome"]: label(outcome, lang, cb), h["estimate"]: row["estimate"],
                     h["std_error"]: row["std_error"], h["ci"]: f"[{row['ci_low']:.2f}, {row['ci_high']:.2f}]",
                     h["p_value"]: row["p_value"], h["n"]: fit.n, h["r2"]: fit.r2})
    return pd.DataFrame(rows)


def power_rows(power: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Power table with labelled groups and headers."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    out = pd.DataFrame({h["district"]: [cb.label(g, lang) if g in cb.districts else g for g in power["group"]],
                        h["n"]: power["n"]})
    for col in [c for c in power.columns if c.startswith("power_r")]:
        out[h["power"].format(r=col.removeprefix("power_r"))] = power[col]
    out[h["mde_r"]] = power["mde_r"]
    return out


def weighted_rows(weighted: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Unweighted and post-stratified means side by side, with the weighted SE."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    return pd.DataFrame({HEADERS[lang]["variable"]: [label(v, lang, cb) for v in weighted["variable"]],
                         h["unweighted"]: weighted["unweighted_mean"], h["weighted"]: weighted["mean"],
                         h["se"]: weighted["se"]})


def heterogeneity_rows(het: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Per-district slopes for each score and the joint Wald p-value of equal slopes."""
    cb = cb or load_codebook()
    h = MODEL_HEADERS[lang]
    rows = []
    for outcome, result in het.items():
        row = {h["outcome"]: label(outcome, lang, cb)}
        for _, s in result.slopes.iterrows():
            row[cb.label(s["district"], lang)] = f"{s['estimate']:.2f} ({s['std_error']:.2f})"
        row[{"en": "Wald p (equal slopes)", "it": "p di Wald (pendenze uguali)"}[lang]] = result.wald_p_value
        rows.append(row)
    return pd.DataFrame(rows)
