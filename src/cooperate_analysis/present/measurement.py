"""Shared presentation of the measurement checks (reliability, EFA, CFA, Harman's single-factor check,
construct reliability and validity): their tables and the paragraph that reads the CFA and Harman.

Shared by the district and cross-district reports, so its messages are in ``common.po``; it never
imports a report kind.
"""
from __future__ import annotations

import pandas as pd

from ..data.codebook import Codebook, load_codebook
from ..data.derived import label
from . import formatting as fmt
from . import phrases
from .i18n import N_, messages
from .regression import _p, answer, ci, district_short, noted, with_interval

NO_ALPHA = N_("{dash}: not estimable: fewer than 2 firms answered every item, or the total score does not vary.")


def _block_label(block: str, kind: str, lang: str, cb: Codebook) -> str:
    return label(f"csr_{block}" if kind == "csr dimension" else f"score_{block}", lang, cb)


def reliability_rows(rel: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """`measures.reliability_table` of one group: alpha with its Feldt CI per measure."""
    cb = cb or load_codebook()
    h = messages(lang)
    out = pd.DataFrame({h.pgettext("table header", "Measure"): [_block_label(b, k, lang, cb) for b, k in zip(rel["block"], rel["kind"])],
                        h.pgettext("table header", "Items"): rel["k"].to_numpy(), "n": rel["n"].to_numpy(), h.pgettext("table header", "Alpha"): rel["alpha"].to_numpy(),
                        h.pgettext("table header", "95% CI (Feldt)"): [ci(lo, hi, lang) for lo, hi in zip(rel["ci_low"], rel["ci_high"])]})
    dash = rel[["alpha", "ci_low", "ci_high"]].astype("float64").isna().to_numpy().any()
    return noted(out, [h(NO_ALPHA, dash=fmt.MISSING)] if dash else [])


def reliability_by_group(rel: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """`measures.reliability_table` wide: one row per measure, 'alpha [CI]' per district and pooled."""
    cb = cb or load_codebook()
    h = messages(lang)
    cells = rel.assign(cell=[with_interval(a, lo, hi, lang)
                             for a, lo, hi in rel[["alpha", "ci_low", "ci_high"]].itertuples(index=False)])
    wide = cells.pivot(index=["kind", "block"], columns="group", values="cell")
    groups = [g for g in cb.district_ids if g in wide.columns] + ["all"]
    order = list(dict.fromkeys(zip(rel["kind"], rel["block"])))
    wide = wide.loc[order, groups]
    out = pd.DataFrame({h.pgettext("table header", "Measure"): [_block_label(b, k, lang, cb) for k, b in wide.index]})
    for g in groups:
        out[h.pgettext("table header", "Pooled") if g == "all" else district_short(g, lang, cb)] = wide[g].to_numpy()
    dash = rel["alpha"].astype("float64").isna().any()
    return noted(out, [h(NO_ALPHA, dash=fmt.MISSING)] if dash else [])


def efa_rows(result, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """EFA pattern loadings with the intended scale, communality and item MSA."""
    cb = cb or load_codebook()
    h = messages(lang)
    load = result.loadings
    out = pd.DataFrame({h.pgettext("table header", "Item"): [cb.label(i, lang) for i in load["item"]],
                        h.pgettext("table header", "Scale"): [cb.label(s, lang) for s in load["scale"]]})
    for factor in [c for c in load.columns if c.startswith("F") and c[1:].isdigit()]:
        out[factor] = load[factor].to_numpy()
    out[h.pgettext("table header", "Communality")] = load["communality"].to_numpy()
    out["MSA"] = load["msa"].to_numpy()
    return out


def cfa_rows(result, lang: str = "en") -> pd.DataFrame:
    """CFA fit of the model with one factor per scale ('3-factor') and the 1-factor (common-method)
    model, and whether each solution is admissible (`measures.improper_solution`)."""
    h = messages(lang)
    _ = messages(lang)
    fit = result.fit
    names = {"3-factor": _.pgettext("measurement model", "One factor per scale"),
             "1-factor": _.pgettext("measurement model", "One common factor")}
    return pd.DataFrame({h.pgettext("table header", "Model"): fit["model"].map(names), "n": fit["n"],
                         "χ²": fit["chi2"], h.pgettext("table header", "df"): fit["df"], "p": _p(fit["p"], lang), "CFI": fit["cfi"],
                         "TLI": fit["tli"], "RMSEA": fit["rmsea"], "SRMR": fit["srmr"],
                         h.pgettext("table header", "Admissible solution"): [answer(bool(a), lang) for a in fit["admissible"]]})


def construct_rows(result, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Composite reliability and AVE per scale, with the largest squared factor correlation
    (Fornell-Larcker: AVE above it supports discriminant validity)."""
    cb = cb or load_codebook()
    h = messages(lang)
    rel = result.reliability
    return pd.DataFrame({h.pgettext("table header", "Scale"): [cb.label(f, lang) for f in rel["factor"]], h.pgettext("table header", "Items"): rel["k"],
                         h.pgettext("table header", "Composite reliability"): rel["cr"], "AVE": rel["ave"],
                         h.pgettext("table header", "Largest shared variance"): rel["max_r2"]})


def harman_rows(harman: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Harman's single-factor check: variance share of the first unrotated component and factor."""
    h = messages(lang)
    _ = messages(lang)
    sets = {"outcome items": _.pgettext("item set", "Competitiveness items"),
            "outcome and CSR practice items": _.pgettext("item set", "Competitiveness and CSR practice items")}
    return pd.DataFrame({h.pgettext("table header", "Item set"): harman["item_set"].map(sets), h.pgettext("table header", "Items"): harman["k"], "n": harman["n"],
                         h.pgettext("table header", "First component (share)"): harman["first_component_share"],
                         h.pgettext("table header", "First factor (share)"): harman["first_factor_share"]})


# --- the measurement paragraph ---------------------------------------------------------------------------

FIT = {  # (fit by Hu & Bentler's cut-offs, whether it fits better than one common factor)
    ("good", True): N_("The measurement model with one factor per scale fits well (CFI {cfi}, SRMR {srmr}) and fits "
                       "better than a single common factor (chi-square difference p {p})."),
    ("good", False): N_("The measurement model with one factor per scale fits well (CFI {cfi}, SRMR {srmr}) but does "
                        "not fit better than a single common factor (chi-square difference p {p})."),
    ("fair", True): N_("The measurement model with one factor per scale fits acceptably (CFI {cfi}, SRMR {srmr}) and "
                       "fits better than a single common factor (chi-square difference p {p})."),
    ("fair", False): N_("The measurement model with one factor per scale fits acceptably (CFI {cfi}, SRMR {srmr}) but "
                        "does not fit better than a single common factor (chi-square difference p {p})."),
    ("poor", True): N_("The measurement model with one factor per scale fits poorly (CFI {cfi}, SRMR {srmr}), although "
                       "it fits better than a single common factor (chi-square difference p {p})."),
    ("poor", False): N_("The measurement model with one factor per scale fits poorly (CFI {cfi}, SRMR {srmr}) and "
                        "does not fit better than a single common factor (chi-square difference p {p})."),
}
IMPROPER = N_("The measurement model with one factor per scale has no admissible solution ({problems}), so its fit "
              "indices, composite reliabilities and AVEs cannot be interpreted; the scales rest on their alphas alone.")
PROBLEM = {"convergence": N_("the estimation did not converge"),
           "heywood": N_("a residual variance at zero for {0}"),
           "factor_variance": N_("a variance of zero for the {0} factor"),
           "loading": N_("a standardized loading of 1 or more in absolute value for {0}"),
           "correlation": N_("a correlation at or beyond ±1 between the {0} and {1} factors")}
HARMAN_BELOW = N_("The first unrotated component takes {share} of the variance of the competitiveness and CSR "
                  "items, below the 50% that would signal one dominant common source.")
HARMAN_ABOVE = N_("The first unrotated component takes {share} of the variance of the competitiveness and CSR "
                  "items, above the 50% that would signal one dominant common source.")
LIMITS = N_("Neither check can rule out common-method bias: one respondent per firm answered every question.")


def _share(share: float, lang: str) -> str:
    """A whole-percent share as it stands in a sentence (with its Italian article: "il 36%", "l'8%")."""
    _ = messages(lang)
    text = fmt.percent(share, 0, lang)
    sound = phrases._sound(text)
    if sound == "zero":
        return _.pgettext("share read from zero", "{share}", share=text)
    if sound == "vowel":
        return _.pgettext("share read from a vowel", "{share}", share=text)
    return _.pgettext("share read from a consonant", "{share}", share=text)


def measurement(cfa, harman, lang: str = "en", cb=None) -> str:
    """One paragraph on the CFA fit (Hu & Bentler 1999 cut-offs: CFI >= .95 and SRMR <= .08 good,
    CFI >= .90 acceptable) and the 1- vs 3-factor test, or why the CFA solution is improper
    (`measures.improper_solution`: up to three reasons, variables by their labels), then Harman's
    check on all items."""
    cb = cb or load_codebook()
    _ = messages(lang)
    share = float(harman["first_component_share"].iloc[-1])
    if cfa.problems:
        reasons = [_(PROBLEM[p.kind]).format(*(cb.label(name, lang) for name in p.names)) for p in cfa.problems]
        listed = "; ".join(reasons[:3])
        if len(reasons) > 3:
            listed = _.ngettext("{listed} and {n} more", "{listed} and {n} more", len(reasons) - 3, listed=listed)
        text = _(IMPROPER, problems=listed)
    else:
        three = cfa.fit.set_index("model").loc["3-factor"]
        fit = "good" if three["cfi"] >= 0.95 and three["srmr"] <= 0.08 else "fair" if three["cfi"] >= 0.90 else "poor"
        p = float(cfa.difference["p"].iloc[0])
        text = _(FIT[(fit, bool(p < phrases.ALPHA))], cfi=fmt.number(three["cfi"], 2, lang),
                 srmr=fmt.number(three["srmr"], 3, lang), p=phrases.p_text(p, lang))
    harman_text = _(HARMAN_BELOW if share < 0.5 else HARMAN_ABOVE, share=_share(share, lang))
    return f"{text} {harman_text} {_(LIMITS)}"
