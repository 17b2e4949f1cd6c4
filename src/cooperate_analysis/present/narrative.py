"""Plain-language findings and readings of the results, generated from the numbers (en/it).

Every number goes through `formatting` (decimal comma in Italian, p-values "< 0.001", intervals
"[a, b]" / "[a; b]"). Every claim follows a stated rule, so a property test can check it against
the numbers it comes from (tests/test_readings.py):

- a confirmatory coefficient is read as positive / negative when its 95% interval excludes zero,
  and as surviving Holm's adjustment when its Holm-adjusted p is below 0.05;
- a secondary result is called significant when its adjusted p (the table's `p_adj`, else the
  adjustment named in the sentence) is below 0.05;
- a coefficient "changes sign" between estimators (complete cases, post-stratification weights,
  multiple imputation) only when two of its 95% intervals exclude zero on opposite sides; point
  estimates of different sign whose intervals overlap zero are said to differ only within noise;
- it "loses" (or "gains") significance when its interval excludes zero on complete cases but not
  under the other estimator (or the reverse);
- a share of specifications that is not zero never prints as "0%".
"""
from __future__ import annotations

import math

from ..data import derived
from ..data.codebook import load_codebook
from . import formatting as fmt
from .regression import balance_label
from .regression import notes  # noqa: F401  (moved to present.regression; kept importable for notebooks not yet converted)

ALPHA = 0.05
METHODS = ("complete", "weighted", "mice")


# --- number and word helpers ---------------------------------------------------------------------------

def _finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _est(value, lang: str, digits: int = 2) -> str:
    """A signed estimate: "+0.82" / "+0,82"."""
    return fmt.number(value, digits, lang, sign=True)


def _ci(low, high, lang: str) -> str:
    return fmt.interval(low, high, 2, lang)


def _p(p, lang: str) -> str:
    """"= 0.123" or "< 0.001" (the operator included, so the text reads "p = 0.123" / "p < 0.001"); a p
    that rounds to 0.050 gets a fourth decimal ("0.0498", "0.0503"), so that a text never calls
    "p = 0.050" significant or not without showing on which side of 0.05 it lies."""
    text = fmt.pvalue(p, lang)
    if text == fmt.number(ALPHA, 3, lang):
        text = fmt.pvalue(p, lang, digits=4)
    return text if text.startswith("<") else f"= {text}"


def _alpha(lang: str) -> str:
    return fmt.number(ALPHA, 2, lang)


def _direction(low, high) -> str:
    """'pos' / 'neg' when the 95% interval excludes zero on that side, 'null' when it includes zero,
    'na' when it is missing."""
    if not (_finite(low) and _finite(high)):
        return "na"
    return "pos" if float(low) > 0 else "neg" if float(high) < 0 else "null"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _scale(outcome: str, lang: str, cb) -> str:
    """The name of a score inside a sentence: "innovation performance" / "performance di innovazione"."""
    return _lower(cb.label(outcome.removeprefix("score_"), lang))


def _scale_title(outcome: str, lang: str, cb) -> str:
    return cb.label(outcome.removeprefix("score_"), lang)


def _join(parts: list[str], lang: str) -> str:
    """"a, b and c" / "a, b e c"."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + {"en": " and ", "it": " e "}[lang] + parts[-1]


def _row(obj) -> dict:
    """A result row (pandas Series or mapping) as a plain dict."""
    return dict(obj.items()) if hasattr(obj, "items") else dict(obj)


def share_text(percent_value, lang: str = "en") -> str:
    """A share in percent for prose, never "0%" for a share that is not zero: one decimal from 1%,
    two below 1% ("0.49%"), "< 0.01%" below that; exactly zero prints "0%"."""
    if not _finite(percent_value):
        return fmt.MISSING
    x = float(percent_value)
    if x == 0:
        return "0%"
    if 0 < x < 0.01:
        return "< " + fmt.number(0.01, 2, lang) + "%"
    digits = 2 if x < 1 else 1
    if x < 100 and round(x, digits) >= 100:
        digits = 2
    return fmt.number(x, digits, lang) + "%"


def _it_article(text: str) -> str:
    """The Italian definite article before a percentage ("il 17%", "l'8%", "l'11%", "lo 0,49%")."""
    if text.startswith("<"):
        return "meno dello "
    integer = text.rstrip("%").split(",")[0].replace(".", "")
    if integer == "0":
        return "lo "
    if integer in ("1", "11") or integer.startswith("8"):
        return "l'"
    return "il "


def _share_phrase(percent_value, lang: str) -> str:
    """A share with its article in Italian ("lo 0,49%"), bare in English."""
    text = share_text(percent_value, lang)
    return _it_article(text) + text if lang == "it" else text


# --- texts ------------------------------------------------------------------------------------------------

TEXT = {
    "en": {
        "pos": "firms with a higher CSR index report better {scale} (a full step of the index, from no practice "
               "to all practices, goes with {est} points on the 1-5 scale, 95% CI {ci})",
        "null": "the association with {scale} cannot be told apart from zero (estimate {est}, 95% CI {ci})",
        "neg": "firms with a higher CSR index report worse {scale} (estimate {est}, 95% CI {ci})",
        "na": "the coefficient on {scale} has no interval",
        "lead": "Holding firm size, export share and firm age fixed, ",
        "limits": "These are associations in one cross-section of self-reported answers from {n} firms: they do not "
                  "show that CSR causes competitiveness (better-performing firms may afford more CSR, and the same "
                  "respondent answers both blocks).",
        "power": " With this sample an association is detected with 80% probability only if its partial correlation "
                 "is at least {mde} (see the power table), {qual}.",
        "qual": {"strong": "so only strong associations can be detected (r of .5 or more in Cohen's terms)",
                 "moderate": "so only moderate to strong associations can be detected and weak ones (r around .1) "
                             "would usually be missed",
                 "weak_missed": "so moderate associations can be detected but weak ones (r around .1) would often be "
                                "missed",
                 "weak": "so weak associations (r around .1) can be detected as well"},
        "no_power": " The power of these tests could not be computed with so few firms.",
        "none": "None of the three regressions can be estimated with these data (see the reasons above).",
        "partial": " The regression on {scales} cannot be estimated with these data.",
        "synthetic": " The data are synthetic: the numbers illustrate the method, not the real district.",
        "synthetic_cross": " The data are synthetic: the numbers illustrate the method, not the real districts.",
        "holm_tests": {1: "the one confirmatory test", "m": "the {m} confirmatory tests"},
        "holm": {0: " After Holm's adjustment for {tests}, none remains below {alpha}.",
                 1: " After Holm's adjustment for {tests}, 1 of {m} remains below {alpha}.",
                 "k": " After Holm's adjustment for {tests}, {k} of {m} remain below {alpha}."},
    },
    "it": {
        "pos": "le imprese con un indice di RSI più alto dichiarano una migliore {scale} (passare da nessuna a tutte "
               "le pratiche si associa a {est} punti sulla scala 1-5, IC 95% {ci})",
        "null": "l'associazione con la {scale} non è distinguibile da zero (stima {est}; IC 95% {ci})",
        "neg": "le imprese con un indice di RSI più alto dichiarano una peggiore {scale} (stima {est}; IC 95% {ci})",
        "na": "il coefficiente sulla {scale} non ha un intervallo",
        "lead": "A parità di dimensione, quota di export ed età dell'impresa, ",
        "limits": "Sono associazioni in un'unica rilevazione di risposte auto-dichiarate di {n} imprese: non mostrano "
                  "che la RSI causi competitività (le imprese più competitive possono permettersi più RSI, e lo stesso "
                  "rispondente risponde a entrambi i blocchi).",
        "power": " Con questo campione un'associazione è rilevata con probabilità dell'80% solo se la sua correlazione "
                 "parziale è almeno {mde} (si veda la tabella della potenza), {qual}.",
        "qual": {"strong": "quindi si possono rilevare solo associazioni forti (r pari o superiore a 0,5 secondo Cohen)",
                 "moderate": "quindi si possono rilevare solo associazioni da moderate a forti, e quelle deboli (r "
                             "intorno a 0,1) sfuggirebbero quasi sempre",
                 "weak_missed": "quindi si possono rilevare associazioni moderate, ma quelle deboli (r intorno a 0,1) "
                                "sfuggirebbero spesso",
                 "weak": "quindi si possono rilevare anche associazioni deboli (r intorno a 0,1)"},
        "no_power": " La potenza di questi test non si può calcolare con così poche imprese.",
        "none": "Nessuna delle tre regressioni è stimabile con questi dati (si vedano i motivi sopra).",
        "partial": " La regressione sulla {scales} non è stimabile con questi dati.",
        "synthetic": " I dati sono sintetici: i numeri illustrano il metodo, non il distretto reale.",
        "synthetic_cross": " I dati sono sintetici: i numeri illustrano il metodo, non i distretti reali.",
        "holm_tests": {1: "l'unico test confermativo", "m": "i {m} test confermativi"},
        "holm": {0: " Dopo la correzione di Holm per {tests}, nessuno resta sotto {alpha}.",
                 1: " Dopo la correzione di Holm per {tests}, 1 su {m} resta sotto {alpha}.",
                 "k": " Dopo la correzione di Holm per {tests}, {k} su {m} restano sotto {alpha}."},
    },
}


def power_sentence(mde_r: float | None, lang: str = "en") -> str:
    """What the sample can detect, from its minimum detectable partial r at 80% power (None: not
    computable). Cohen's benchmarks: r = .1 weak, .3 moderate, .5 strong."""
    t = TEXT[lang]
    if not _finite(mde_r):
        return t["no_power"]
    qual = "strong" if mde_r >= 0.5 else "moderate" if mde_r > 0.3 else "weak_missed" if mde_r > 0.1 else "weak"
    return t["power"].format(mde=fmt.number(mde_r, 2, lang), qual=t["qual"][qual])


def holm_sentence(p_holm, lang: str = "en") -> str:
    """How many confirmatory tests stay below 0.05 after Holm's adjustment, with the verb agreeing."""
    t = TEXT[lang]
    p = [float(x) for x in p_holm]
    m, k = len(p), int(sum(x < ALPHA for x in p if _finite(x)))
    tests = t["holm_tests"][1] if m == 1 else t["holm_tests"]["m"].format(m=m)
    key = 0 if k == 0 else 1 if k == 1 else "k"
    return t["holm"][key].format(tests=tests, k=k, m=m, alpha=_alpha(lang))


# --- robustness: weights and imputation ---------------------------------------------------------------------

ROBUST = {
    "en": {
        "phrase": {"complete": "on complete cases", "weighted": "when weighted to the population by size class",
                   "mice": "after multiple imputation of the missing answers"},
        "flip": "The {scale} coefficient changes sign: {a} {ci_a} {pa} against {b} {ci_b} {pb}, both intervals "
                "excluding zero.",
        "loses": "The {scale} coefficient, {a} {ci_a} on complete cases, becomes {b} {ci_b}{half} {pb}, an interval "
                 "that includes zero: this result does not survive {short}.",
        "short": {"weighted": "weighting", "mice": "imputation"},
        "gains": "The {scale} coefficient, not distinguishable from zero on complete cases ({a} {ci_a}), becomes "
                 "{b} {ci_b} {pb}, an interval that excludes zero.",
        "half": " (about half)",
        "noise": "The {scale} estimates differ in sign ({values}) only within their confidence intervals, which is "
                 "not a change of sign.",
        "same": "With post-stratification weights and after multiple imputation no coefficient changes verdict "
                "(interval including or excluding zero) and none changes sign beyond noise.",
    },
    "it": {
        "phrase": {"complete": "sui casi completi", "weighted": "con i pesi di post-stratificazione per classe "
                                                                "dimensionale",
                   "mice": "dopo l'imputazione multipla delle risposte mancanti"},
        "flip": "Il coefficiente sulla {scale} cambia segno: {a} {ci_a} {pa} contro {b} {ci_b} {pb}, con entrambi gli "
                "intervalli che escludono lo zero.",
        "loses": "Il coefficiente sulla {scale}, {a} {ci_a} sui casi completi, diventa {b} {ci_b}{half} {pb}, un "
                 "intervallo che include lo zero: il risultato non regge {short}.",
        "short": {"weighted": "alla ponderazione", "mice": "all'imputazione"},
        "gains": "Il coefficiente sulla {scale}, non distinguibile da zero sui casi completi ({a} {ci_a}), diventa "
                 "{b} {ci_b} {pb}, un intervallo che esclude lo zero.",
        "half": " (circa la metà)",
        "noise": "Le stime sulla {scale} differiscono di segno ({values}) solo entro i loro intervalli di confidenza: "
                 "non è un cambiamento di segno.",
        "same": "Con i pesi di post-stratificazione e dopo l'imputazione multipla nessun coefficiente cambia verdetto "
                "(intervallo che include o esclude lo zero) e nessuno cambia segno oltre il rumore statistico.",
    },
}


def sign_change(by_method: dict) -> tuple[str, str] | None:
    """The rule for a change of sign: two estimators whose 95% intervals both exclude zero, on opposite
    sides. Returns the pair of methods (positive first), or None."""
    rows = {m: _row(r) for m, r in by_method.items()}
    pos = [m for m, r in rows.items() if _direction(r.get("ci_low"), r.get("ci_high")) == "pos"]
    neg = [m for m, r in rows.items() if _direction(r.get("ci_low"), r.get("ci_high")) == "neg"]
    return (pos[0], neg[0]) if pos and neg else None


def robustness_sentences(robust: dict, lang: str = "en", cb=None) -> list[str]:
    """What weighting and imputation do to each confirmatory coefficient (`robust[outcome][method]`: rows
    with estimate, ci_low, ci_high for 'complete', 'weighted', 'mice'): a change of sign (`sign_change`),
    a result that loses or gains an interval excluding zero, point signs that differ only within noise;
    one sentence saying nothing changes when that is so."""
    cb = cb or load_codebook()
    t = ROBUST[lang]
    out = []
    for outcome, by_method in robust.items():
        rows = {m: _row(r) for m, r in by_method.items()}
        scale = _scale(outcome, lang, cb)
        flip = sign_change(rows)
        if flip:
            a, b = rows[flip[0]], rows[flip[1]]
            out.append(t["flip"].format(scale=scale, a=_est(a["estimate"], lang), ci_a=_ci(a["ci_low"], a["ci_high"], lang),
                                        pa=t["phrase"][flip[0]], b=_est(b["estimate"], lang),
                                        ci_b=_ci(b["ci_low"], b["ci_high"], lang), pb=t["phrase"][flip[1]]))
            continue
        base = rows.get("complete")
        if base is None:
            continue
        d0 = _direction(base.get("ci_low"), base.get("ci_high"))
        for method in [m for m in rows if m != "complete"]:
            alt = rows[method]
            d1 = _direction(alt.get("ci_low"), alt.get("ci_high"))
            if "na" in (d0, d1) or not _finite(alt.get("estimate")):
                continue
            args = dict(scale=scale, a=_est(base["estimate"], lang), ci_a=_ci(base["ci_low"], base["ci_high"], lang),
                        b=_est(alt["estimate"], lang), ci_b=_ci(alt["ci_low"], alt["ci_high"], lang),
                        pb=t["phrase"][method])
            if d0 in ("pos", "neg") and d1 == "null":
                ratio = float(alt["estimate"]) / float(base["estimate"])
                out.append(t["loses"].format(half=t["half"] if 0.35 <= ratio <= 0.65 else "",
                                             short=t["short"].get(method, args["pb"]), **args))
            elif d0 == "null" and d1 in ("pos", "neg"):
                out.append(t["gains"].format(**args))
        printed = [_est(r["estimate"], lang) for r in rows.values() if _finite(r.get("estimate"))]
        if len({text[0] for text in printed if text != _est(0.0, lang)}) > 1:
            out.append(t["noise"].format(scale=scale, values={"en": ", ", "it": "; "}[lang].join(printed)))
    return out or [t["same"]]


# --- secondary results -----------------------------------------------------------------------------------------

SECONDARY = {
    "en": {
        "exposure_dim": "the {dim} CSR index", "exposure_cert": "CSR certification",
        "effect": {"spearman_rho": "rho", "kendall_tau_b": "tau", "rank_biserial": "r", "phi": "phi"},
        "grid_none": "None of the {n} rank associations is significant after the Benjamini-Hochberg adjustment "
                     "within its family.",
        "grid_one": "1 of the {n} rank associations is significant after the Benjamini-Hochberg adjustment within its "
                    "family: {cells}.",
        "grid_k": "{k} of the {n} rank associations are significant after the Benjamini-Hochberg adjustment within "
                  "their family: {cells}.",
        "cell": "{exposure} with {outcome} ({name} = {effect}, adjusted p {p})",
        "more": "{k} more (see the table)",
        "items_none": "No single item's ordered logit has a CSR coefficient significant after the {adj} adjustment "
                      "over the {n} items.",
        "items_some": "In the ordered logits of the single items, after the {adj} adjustment over the {n} items, a "
                      "higher CSR index goes with {list}.",
        "item_pos": "better answers on {item} (logit coefficient {est}, adjusted p {p})",
        "item_neg": "worse answers on {item} (logit coefficient {est}, adjusted p {p})",
        "adj": {"bh": "Benjamini-Hochberg", "holm": "Holm"},
        "cert_none": "Certified firms and comparable uncertified firms cannot be told apart on any score by IPW or "
                     "AIPW after the Benjamini-Hochberg adjustment over the scores within each estimator.",
        "cert_some": "Certified firms report {dir} {scale} than comparable uncertified firms: {list} (p adjusted by "
                     "Benjamini-Hochberg over the scores within each estimator); an association, not an effect of "
                     "certification.",
        "cert_row": "{est} points by {model} (95% CI {ci}, adjusted p {p})",
        "higher": "higher", "lower": "lower",
        "het_none": "The CSR slope does not differ detectably between districts for any score (equal-slope Wald "
                    "tests: {tests}; none below {alpha} after the Benjamini-Hochberg adjustment over the {m} scores).",
        "het_some": "The CSR slope differs between districts for {scales} after the Benjamini-Hochberg adjustment "
                    "over the {m} scores (equal-slope Wald tests: {tests}).",
        "het_test": "{scale} p {p}",
        "het_test_adj": "{scale} p {p}, adjusted p {p_adj}",
    },
    "it": {
        "exposure_dim": "l'indice di RSI «{dim}»", "exposure_cert": "la certificazione di RSI",
        "effect": {"spearman_rho": "rho", "kendall_tau_b": "tau", "rank_biserial": "r", "phi": "phi"},
        "grid_none": "Nessuna delle {n} associazioni di rango è significativa dopo la correzione di Benjamini-Hochberg "
                     "entro la sua famiglia.",
        "grid_one": "Una delle {n} associazioni di rango è significativa dopo la correzione di Benjamini-Hochberg "
                    "entro la sua famiglia: {cells}.",
        "grid_k": "{k} delle {n} associazioni di rango sono significative dopo la correzione di Benjamini-Hochberg "
                  "entro la loro famiglia: {cells}.",
        "cell": "{exposure} con la voce «{Outcome}» ({name} = {effect}; p corretto {p})",
        "more": "altre {k} (si veda la tabella)",
        "items_none": "In nessun logit ordinale delle singole voci il coefficiente della RSI è significativo dopo la "
                      "correzione di {adj} sulle {n} voci.",
        "items_some": "Nei logit ordinali delle singole voci, dopo la correzione di {adj} sulle {n} voci, un indice di "
                      "RSI più alto si associa a {list}.",
        "item_pos": "risposte migliori alla voce «{Item}» (coefficiente logit {est}; p corretto {p})",
        "item_neg": "risposte peggiori alla voce «{Item}» (coefficiente logit {est}; p corretto {p})",
        "adj": {"bh": "Benjamini-Hochberg", "holm": "Holm"},
        "cert_none": "Le imprese certificate e imprese simili non certificate non si distinguono su alcun punteggio "
                     "con IPW o AIPW dopo la correzione di Benjamini-Hochberg sui punteggi entro ciascuno stimatore.",
        "cert_some": "Le imprese certificate dichiarano una {scale} {dir} rispetto a imprese simili non certificate: "
                     "{list} (p corretti con Benjamini-Hochberg sui punteggi entro ciascuno stimatore); è "
                     "un'associazione, non un effetto della certificazione.",
        "cert_row": "{est} punti con {model} (IC 95% {ci}; p corretto {p})",
        "higher": "più alta", "lower": "più bassa",
        "het_none": "La pendenza della RSI non differisce in modo rilevabile tra i distretti per alcun punteggio "
                    "(test di Wald di pendenze uguali: {tests}; nessuno sotto {alpha} dopo la correzione di "
                    "Benjamini-Hochberg sui {m} punteggi).",
        "het_some": "La pendenza della RSI differisce tra i distretti per {scales} dopo la correzione di "
                    "Benjamini-Hochberg sui {m} punteggi (test di Wald di pendenze uguali: {tests}).",
        "het_test": "{scale} p {p}",
        "het_test_adj": "{scale} p {p}; p corretto {p_adj}",
    },
}


def _exposure_name(exposure: str, lang: str, cb) -> str:
    t = SECONDARY[lang]
    if exposure == "cert_any":
        return t["exposure_cert"]
    dim = exposure.removeprefix("csr_")
    try:
        name = cb.label(dim, lang)
    except KeyError:
        from ..data.derived import label

        return label(exposure, lang, cb)
    return t["exposure_dim"].format(dim=name)


def _item_name(item: str, lang: str, cb) -> str:
    try:
        return _lower(cb.label(item, lang))
    except KeyError:
        from ..data.derived import label

        return _lower(label(item, lang, cb))


def _item_title(item: str, lang: str, cb) -> str:
    name = _item_name(item, lang, cb)
    return name[:1].upper() + name[1:]


def grid_sentence(grid, lang: str = "en", cb=None, limit: int = 5) -> str:
    """The rank associations whose Benjamini-Hochberg adjusted p (`p_adj`) is below 0.05, strongest
    evidence first (at most `limit` named), or that there is none."""
    cb = cb or load_codebook()
    t = SECONDARY[lang]
    tested = grid[grid["p_adj"].notna()]
    sig = tested[tested["p_adj"] < ALPHA].sort_values("p_adj", kind="stable")
    n, k = len(tested), len(sig)
    if not n:
        return ""
    if not k:
        return t["grid_none"].format(n=fmt.integer(n, lang))
    cells = [t["cell"].format(exposure=_exposure_name(r["exposure"], lang, cb), outcome=_item_name(r["outcome"], lang, cb),
                              Outcome=_item_title(r["outcome"], lang, cb),
                              name=t["effect"].get(r.get("effect_name"), "r"), effect=fmt.number(r["effect"], 2, lang),
                              p=_p(r["p_adj"], lang))
             for _, r in sig.head(limit).iterrows()]
    if k > limit:
        cells.append(t["more"].format(k=k - limit))
    key = "grid_one" if k == 1 else "grid_k"
    return t[key].format(k=fmt.integer(k, lang), n=fmt.integer(n, lang), cells=_join(cells, lang))


def _adjusted(p, method: str = "bh"):
    """Adjusted p-values of one family (NaN kept, not counted): Benjamini-Hochberg ('bh') or Holm
    ('holm'), by the same statsmodels `multipletests` call the tables use (`inference.fdr_by_family`)."""
    import numpy as np

    from ..stats.inference import fdr_by_family

    methods = {"bh": "fdr_bh", "holm": "holm"}
    if method not in methods:
        raise ValueError(f"adjustment must be 'bh' or 'holm', not {method!r}")
    p = np.asarray(p, dtype=float)
    return fdr_by_family(p, ["family"] * len(p), methods[method]) if len(p) else np.full(p.shape, np.nan)


def items_sentence(items, lang: str = "en", cb=None, adjustment: str = "bh") -> str:
    """The single items whose ordered-logit CSR coefficient is significant after adjustment over the
    items (the table's `p_adj` when it has one, else `adjustment`: 'bh' or 'holm' over the estimable
    items), with its direction; or that there is none."""
    cb = cb or load_codebook()
    t = SECONDARY[lang]
    p_adj = items["p_adj"].to_numpy(dtype=float) if "p_adj" in items else _adjusted(items["p_value"], adjustment)
    rows = items.assign(_p_adj=p_adj)
    tested = rows[rows["_p_adj"].notna() & rows["estimate"].notna()]
    if not len(tested):
        return ""
    sig = tested[tested["_p_adj"] < ALPHA].sort_values("_p_adj", kind="stable")
    adj = t["adj"][adjustment]
    if not len(sig):
        return t["items_none"].format(adj=adj, n=fmt.integer(len(tested), lang))
    parts = [t["item_pos" if r["estimate"] > 0 else "item_neg"].format(
        item=_item_name(r["outcome"], lang, cb), Item=_item_title(r["outcome"], lang, cb), est=_est(r["estimate"], lang),
        p=_p(r["_p_adj"], lang))
        for _, r in sig.iterrows()]
    return t["items_some"].format(adj=adj, n=fmt.integer(len(tested), lang), list=_join(parts, lang))


def certification_p(certification):
    """The adjusted p of each IPW / AIPW row: the table's `p_adj` when it has one, else Benjamini-Hochberg
    over the scores within each estimator (as `tables.certification_rows`)."""
    from ..stats.inference import fdr_by_family

    if "p_adj" in certification:
        return certification["p_adj"].to_numpy(dtype=float)
    return fdr_by_family(certification["p_value"].to_numpy(dtype=float), certification["model"].to_numpy())


def certification_sentence(certification, lang: str = "en", cb=None) -> str:
    """IPW / AIPW differences between certified and comparable uncertified firms whose adjusted p
    (`certification_p`) is below 0.05, by score and direction; or that none is."""
    cb = cb or load_codebook()
    t = SECONDARY[lang]
    rows = certification.assign(_p_adj=certification_p(certification))
    ok = rows[rows["estimate"].notna() & rows["_p_adj"].notna()]
    if not len(ok):
        return ""
    sig = ok[ok["_p_adj"] < ALPHA]
    if not len(sig):
        return t["cert_none"]
    sentences = []
    for outcome, part in sig.groupby("outcome", sort=False):
        for sign in (True, False):
            same = part[(part["estimate"] > 0) == sign]
            if not len(same):
                continue
            listed = [t["cert_row"].format(est=_est(r["estimate"], lang), model=r["model"],
                                           ci=_ci(r["ci_low"], r["ci_high"], lang), p=_p(r["_p_adj"], lang))
                      for _, r in same.iterrows()]
            sentences.append(t["cert_some"].format(dir=t["higher" if sign else "lower"],
                                                   scale=_scale(outcome, lang, cb), list=_join(listed, lang)))
    return " ".join(sentences)


BALANCE = {
    "en": {"balanced": "After inverse probability weighting every covariate is balanced between certified and "
                       "uncertified firms (|standardized mean difference| below {t} for all {k}).",
           "imbalanced": "After inverse probability weighting {list} remain{s} imbalanced (|standardized mean "
                         "difference| of {t} or more), so the IPW comparison is not fully adjusted for {them}; AIPW, "
                         "which also models the outcome, stays consistent if that model is right.",
           "row": "{name} ({smd})", "s": ("s", ""), "them": ("it", "them")},
    "it": {"balanced": "Dopo la ponderazione per l'inverso della probabilità tutte le covariate sono bilanciate tra "
                       "imprese certificate e non certificate (|differenza media standardizzata| inferiore a {t} per "
                       "tutte le {k}).",
           "imbalanced": "Dopo la ponderazione per l'inverso della probabilità {list} {s} sbilanciat{o} (|differenza "
                         "media standardizzata| di almeno {t}): il confronto IPW non è del tutto corretto per "
                         "{them}; l'AIPW, che modella anche l'esito, resta consistente se quel modello è corretto.",
           "row": "{name} ({smd})", "s": ("resta", "restano"), "o": ("a", "e"), "them": ("essa", "esse")},
}


def balance_sentence(balance, lang: str = "en", cb=None, threshold: float = 0.1) -> str:
    """Whether inverse probability weighting balances the covariates (`models.covariate_balance(...).table`:
    covariate, smd_after): the covariates with |SMD| >= `threshold` after weighting (Austin 2009), by name
    and SMD, or that all are balanced; '' without estimable SMDs."""
    cb = cb or load_codebook()
    t = BALANCE[lang]
    rows = balance[balance["smd_after"].notna()]
    if not len(rows):
        return ""
    off = rows[rows["smd_after"].abs() >= threshold]
    limit = fmt.number(threshold, 1, lang)
    if not len(off):
        return t["balanced"].format(t=limit, k=fmt.integer(len(rows), lang))
    many = len(off) > 1
    def name(covariate: str) -> str:  # district names keep their capital
        text = balance_label(covariate, lang, cb)
        return text if "=" in covariate or "[T." in covariate else _lower(text)

    names = [t["row"].format(name=name(r["covariate"]), smd=_est(r["smd_after"], lang)) for _, r in off.iterrows()]
    extra = {"o": t["o"][many]} if lang == "it" else {}
    return t["imbalanced"].format(list=_join(names, lang), t=limit, s=t["s"][many] if lang == "it" else t["s"][many],
                                  them=t["them"][many], **extra)


def heterogeneity_sentence(het: dict, lang: str = "en", cb=None) -> str:
    """The equal-slope Wald test of each score (`het[outcome].wald_p_value`) with its Benjamini-Hochberg
    adjustment over the scores (as `tables.heterogeneity_rows`): which scores' CSR slopes differ
    between districts (adjusted p < 0.05), or that none does."""
    cb = cb or load_codebook()
    t = SECONDARY[lang]
    ps = {o: float(h.wald_p_value) for o, h in het.items() if _finite(h.wald_p_value)}
    if not ps:
        return ""
    adjusted = dict(zip(ps, _adjusted(list(ps.values()), "bh")))
    sig = [o for o in ps if adjusted[o] < ALPHA]
    tests = "; ".join(t["het_test_adj" if o in sig else "het_test"].format(
        scale=_scale(o, lang, cb), p=_p(p, lang), p_adj=_p(adjusted[o], lang)) for o, p in ps.items())
    if not sig:
        return t["het_none"].format(tests=tests, alpha=_alpha(lang), m=len(ps))
    return t["het_some"].format(scales=_join([_scale(o, lang, cb) for o in sig], lang), tests=tests, m=len(ps))


def secondary_sentences(grid=None, items=None, certification=None, het=None, lang: str = "en", cb=None,
                        only_significant: bool = False) -> list[str]:
    """The secondary families in one list (association grid, single-item ordered logits, certification,
    heterogeneity), each a sentence; with `only_significant`, only those that report a significant
    result (for the findings)."""
    cb = cb or load_codebook()
    out = []
    if grid is not None and len(grid):
        text = grid_sentence(grid, lang, cb)
        out.append((text, len(grid[grid["p_adj"] < ALPHA])))
    if items is not None and len(items):
        text = items_sentence(items, lang, cb)
        p_adj = items["p_adj"] if "p_adj" in items else _adjusted(items["p_value"])
        out.append((text, int((p_adj < ALPHA).sum())))
    if certification is not None and len(certification):
        out.append((certification_sentence(certification, lang, cb),
                    int((certification_p(certification) < ALPHA).sum())))
    if het:
        ps = [float(h.wald_p_value) for h in het.values() if _finite(h.wald_p_value)]
        out.append((heterogeneity_sentence(het, lang, cb), int((_adjusted(ps, "bh") < ALPHA).sum()) if ps else 0))
    return [text for text, k in out if text and (k or not only_significant)]


# --- readings -------------------------------------------------------------------------------------------------

def _synthetic(lang: str, cross: bool) -> str:
    return TEXT[lang]["synthetic_cross" if cross else "synthetic"]


def reading(fits: dict, term: str, synthetic: bool, lang: str = "en", p_holm=None, robust: dict | None = None,
            mde_r: float | None = None, missing: list[str] | tuple[str, ...] = (), grid=None, items=None,
            certification=None, het: dict | None = None, cross: bool = False, cb=None) -> str:
    """One paragraph: direction and interval of each scale's coefficient, how many survive Holm's
    adjustment (`p_holm`, by outcome), what weighting and imputation do to them (`robustness_sentences`:
    a change of sign only beyond noise), the secondary families (`secondary_sentences`: significant
    results named, or that there are none), then the limits and what the sample can detect
    (`power_sentence` of `mde_r`). `fits` holds the estimable regressions; `missing` names the
    outcomes that could not be estimated; `cross`: the reading of the cross-district report."""
    cb = cb or load_codebook()
    t = TEXT[lang]
    if not fits:
        return t["none"] + (_synthetic(lang, cross) if synthetic else "")
    n = max(fit.n for fit in fits.values())
    parts = []
    for outcome, fit in fits.items():
        row = fit.term(term)
        kind = _direction(row["ci_low"], row["ci_high"])
        parts.append(t[kind].format(scale=_scale(outcome, lang, cb), est=_est(row["estimate"], lang),
                                    ci=_ci(row["ci_low"], row["ci_high"], lang)))
    body = t["lead"] + "; ".join(parts) + "."
    if missing:
        body += t["partial"].format(scales=_join([_scale(o, lang, cb) for o in missing], lang))
    if p_holm is not None:
        body += holm_sentence(p_holm, lang)
    if robust:
        body += " " + " ".join(robustness_sentences(robust, lang, cb))
    secondary = secondary_sentences(grid, items, certification, het, lang, cb)
    if secondary:
        body += " " + " ".join(secondary)
    body += " " + t["limits"].format(n=fmt.integer(n, lang)) + power_sentence(mde_r, lang)
    return body + (_synthetic(lang, cross) if synthetic else "")


# --- key findings ----------------------------------------------------------------------------------------------

FINDINGS = {
    "en": {
        "heading": "Key findings",
        "estimate": "{Scale}: {est} points on the 1-5 scale for a full step of the CSR index (from no practice to all "
                    "practices), 95% CI {ci}, Holm-adjusted p {p}, n = {n}: {words}.",
        "estimate_next": "{Scale}: {est} points, 95% CI {ci}, Holm-adjusted p {p}, n = {n}: {words}.",
        "words": {"pos": "firms with more CSR practices report better {scale}",
                  "neg": "firms with more CSR practices report worse {scale}",
                  "null": "the association cannot be told apart from zero",
                  "na": "no interval could be computed"},
        "holm_yes": ", and this survives Holm's adjustment for {tests}",
        "holm_no": ", but this does not survive Holm's adjustment for {tests}",
        "missing": "The regression on {scale} cannot be estimated with these data.",
        "none": "None of the three confirmatory regressions can be estimated with these data.",
        "power": "With {n} firms in the model, an association is detected with 80% probability only if its partial "
                 "correlation is at least {mde}.",
        "no_power": "The power of the tests could not be computed with so few firms.",
        "limits": "These are associations in one cross-section of self-reported answers, not effects of CSR.",
        "synthetic": "Synthetic data: the numbers are illustrative, not a finding about the real district.",
        "synthetic_cross": "Synthetic data: the numbers are illustrative, not a finding about the real districts.",
    },
    "it": {
        "heading": "Sintesi",
        "estimate": "{Scale}: {est} punti sulla scala 1-5 per un passo intero dell'indice di RSI (da nessuna a tutte "
                    "le pratiche); IC 95% {ci}; p corretto con Holm {p}; n = {n}: {words}.",
        "estimate_next": "{Scale}: {est} punti; IC 95% {ci}; p corretto con Holm {p}; n = {n}: {words}.",
        "words": {"pos": "le imprese con più pratiche di RSI dichiarano una migliore {scale}",
                  "neg": "le imprese con più pratiche di RSI dichiarano una peggiore {scale}",
                  "null": "l'associazione non è distinguibile da zero",
                  "na": "non è stato possibile calcolare un intervallo"},
        "holm_yes": ", e il risultato resta significativo dopo la correzione di Holm per {tests}",
        "holm_no": ", ma il risultato non resta significativo dopo la correzione di Holm per {tests}",
        "missing": "La regressione sulla {scale} non è stimabile con questi dati.",
        "none": "Nessuna delle tre regressioni confermative è stimabile con questi dati.",
        "power": "Con {n} imprese nel modello, un'associazione è rilevata con probabilità dell'80% solo se la sua "
                 "correlazione parziale è almeno {mde}.",
        "no_power": "La potenza dei test non si può calcolare con così poche imprese.",
        "limits": "Sono associazioni in un'unica rilevazione di risposte auto-dichiarate, non effetti della RSI.",
        "synthetic": "Dati sintetici: i numeri sono illustrativi, non un risultato sul distretto reale.",
        "synthetic_cross": "Dati sintetici: i numeri sono illustrativi, non un risultato sui distretti reali.",
    },
}


def _holm_by_outcome(p_holm, fits: dict) -> dict:
    """Holm-adjusted p by outcome from a `inference.holm` table, a Series/dict by outcome, or a list in
    the order of `fits`."""
    if p_holm is None:
        return {}
    if hasattr(p_holm, "columns"):
        return dict(zip(p_holm["hypothesis"], p_holm["p_adj"].astype(float)))
    if hasattr(p_holm, "items") and set(dict(p_holm.items())) <= set(fits):
        return {k: float(v) for k, v in p_holm.items()}
    return {o: float(p) for o, p in zip(fits, list(p_holm))}


def confirmatory_sentences(fits: dict, term: str, p_holm=None, lang: str = "en", cb=None) -> list[str]:
    """One sentence per confirmatory coefficient: estimate, 95% CI, Holm-adjusted p and n in numbers,
    then in words: its direction (from the interval) and whether it survives Holm (adjusted p < 0.05)."""
    cb = cb or load_codebook()
    t = FINDINGS[lang]
    holm = _holm_by_outcome(p_holm, fits)
    tests = (TEXT[lang]["holm_tests"][1] if len(holm) == 1
             else TEXT[lang]["holm_tests"]["m"].format(m=len(holm)))
    out = []
    for outcome, fit in fits.items():
        row = fit.term(term)
        kind = _direction(row["ci_low"], row["ci_high"])
        scale = _scale(outcome, lang, cb)
        words = t["words"][kind].format(scale=scale)
        p = holm.get(outcome)
        if _finite(p) and (kind in ("pos", "neg") or p < ALPHA):
            words += t["holm_yes" if p < ALPHA else "holm_no"].format(tests=tests)
        out.append(t["estimate_next" if out else "estimate"].format(Scale=_scale_title(outcome, lang, cb), est=_est(row["estimate"], lang),
                                        ci=_ci(row["ci_low"], row["ci_high"], lang),
                                        p=_p(p, lang) if _finite(p) else "–", n=fmt.integer(fit.n, lang), words=words))
    return out


def _findings(fits, term, p_holm, robust, mde_r, missing, synthetic, lang, cb, cross, secondary) -> list[str]:
    t = FINDINGS[lang]
    if not fits:
        out = [t["none"]]
    else:
        out = confirmatory_sentences(fits, term, p_holm, lang, cb)
        out += [t["missing"].format(scale=_scale(o, lang, cb)) for o in missing]
        if robust:
            out += robustness_sentences(robust, lang, cb)
        out += secondary
        n = max(fit.n for fit in fits.values())
        out.append(t["power"].format(n=fmt.integer(n, lang), mde=fmt.number(mde_r, 2, lang)) if _finite(mde_r)
                   else t["no_power"])
        out.append(t["limits"])
    if synthetic:
        out.append(t["synthetic_cross" if cross else "synthetic"])
    return out


def findings_district(fits: dict, confirmatory=None, robust: dict | None = None, mde_r: float | None = None,
                      synthetic: bool = False, lang: str = "en", grid=None, items=None,
                      missing: list[str] | tuple[str, ...] = (), term: str = "csr_overall", cb=None) -> list[str]:
    """The "Key findings" of a district report, a short list of sentences: each confirmatory CSR
    coefficient (estimate, 95% CI, Holm-adjusted p from `confirmatory` (`inference.holm` table), n;
    direction and Holm in words), what weighting and imputation do to them (`robust`), significant
    secondary results (BH-significant association cells of `grid`, single items of `items` significant
    after adjustment), what the sample can detect (`mde_r`), that these are associations, and the
    synthetic-data caveat."""
    cb = cb or load_codebook()
    secondary = secondary_sentences(grid, items, None, None, lang, cb, only_significant=True)
    return _findings(fits, term, confirmatory, robust, mde_r, missing, synthetic, lang, cb, False, secondary)


def findings_cross(pooled: dict, confirmatory=None, robust: dict | None = None, mde_r: float | None = None,
                   synthetic: bool = False, lang: str = "en", het: dict | None = None, items=None,
                   certification=None, missing: list[str] | tuple[str, ...] = (), term: str = "csr_overall",
                   cb=None, balance=None) -> list[str]:
    """The "Key findings" of the cross-district report: as `findings_district` for the pooled model
    with district fixed effects, plus the heterogeneity test (always: it says whether the districts
    differ), the significant secondary results (ordered logits after adjustment, IPW / AIPW) and, when
    an IPW / AIPW result is significant, whether the weights balance the covariates (`balance`)."""
    cb = cb or load_codebook()
    secondary = secondary_sentences(None, items, certification, None, lang, cb, only_significant=True)
    if balance is not None and certification is not None and certification_sentence(certification, lang, cb) \
            not in ("", SECONDARY[lang]["cert_none"]):
        secondary.append(balance_sentence(balance, lang, cb))
    if het:
        secondary.insert(0, heterogeneity_sentence(het, lang, cb))
    return _findings(pooled, term, confirmatory, robust, mde_r, missing, synthetic, lang, cb, True,
                     [s for s in secondary if s])


def findings_heading(lang: str = "en") -> str:
    return FINDINGS[lang]["heading"]


def findings_html(sentences: list[str], lang: str = "en", level: int = 2) -> str:
    """The findings as an escaped HTML block: heading ("Key findings" / "Sintesi") and a list."""
    import html

    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    return (f'<section class="key-findings"><h{level}>{html.escape(findings_heading(lang))}</h{level}>'
            f"<ul>{items}</ul></section>")


# --- consistency across reports ------------------------------------------------------------------------------

CONSISTENCY = {
    "en": {"pair": "{scale} {own} in this report, {pooled} in the interaction model",
           "text": "In the cross-district report the CSR slope of this district comes from one interaction model of "
                   "all three districts: {pairs}. The numbers differ because that model estimates one set of control "
                   "coefficients (firm size, export share, firm age) shared by the three districts, while this report "
                   "estimates them on this district's firms alone: two models of the same firms, not a discrepancy."},
    "it": {"pair": "{scale} {own} in questo rapporto e {pooled} nel modello con interazioni",
           "text": "Nel rapporto sui tre distretti la pendenza della RSI di questo distretto viene da un unico modello "
                   "con interazioni per tutti e tre i distretti: {pairs}. I numeri differiscono perché quel modello "
                   "stima un solo insieme di coefficienti di controllo (dimensione, quota di export, età "
                   "dell'impresa) comune ai tre distretti, mentre questo rapporto li stima sulle sole imprese del "
                   "distretto: due modelli delle stesse imprese, non una discrepanza."},
}


INTERACTION_NOTE = {
    "en": "Each district's slope here comes from one model of the three districts together, with one set of control "
          "coefficients (firm size, export share, firm age) shared by all of them; each district report estimates "
          "its controls on its own firms, so its CSR coefficient differs from the slope here (both are given in the "
          "district report).",
    "it": "La pendenza di ciascun distretto viene qui da un unico modello dei tre distretti insieme, con un solo "
          "insieme di coefficienti di controllo (dimensione, quota di export, età dell'impresa) comune a tutti; ogni "
          "rapporto di distretto stima i controlli sulle proprie imprese, quindi il suo coefficiente della RSI "
          "differisce dalla pendenza qui riportata (entrambi i valori sono nel rapporto di distretto).",
}


def interaction_note(lang: str = "en") -> str:
    """Under the heterogeneity table of the cross-district report: why its district slopes differ from
    the coefficients of the district reports (the counterpart of `district_vs_pooled`)."""
    return INTERACTION_NOTE[lang]


def district_vs_pooled(fits: dict, het: dict, district: str, lang: str = "en", term: str = "csr_overall",
                       cb=None) -> str:
    """Why a district's CSR coefficient in its own report (`fits[outcome]`) differs from its slope in the
    cross-district interaction model (`het[outcome]`, `models.district_heterogeneity`): both numbers
    for each score where they differ at the printed rounding, and the reason; '' when none differs."""
    cb = cb or load_codebook()
    t = CONSISTENCY[lang]
    pairs = []
    for outcome, fit in fits.items():
        if outcome not in het:
            continue
        slopes = het[outcome].slopes
        row = slopes[slopes["district"] == district]
        if not len(row):
            continue
        own, pooled = fit.term(term)["estimate"], row["estimate"].iloc[0]
        if _finite(own) and _finite(pooled) and _est(own, lang) != _est(pooled, lang):
            pairs.append(t["pair"].format(scale=_scale(outcome, lang, cb), own=_est(own, lang),
                                          pooled=_est(pooled, lang)))
    return t["text"].format(pairs="; ".join(pairs)) if pairs else ""


MEASUREMENT = {
    "en": {"good": "fits well", "fair": "fits acceptably", "poor": "fits poorly",
           "cfa": "The three-scale measurement model {fit} (CFI {cfi}, SRMR {srmr}) and {cmp} a single common "
                  "factor (chi-square difference p {p}). ",
           "better": "fits better than", "same": "does not fit better than",
           "harman": "The first unrotated component takes {share} of the variance of the competitiveness and CSR "
                     "items, {side} the 50% that would signal one dominant common source. ",
           "below": "below", "above": "above",
           "improper": "The three-scale measurement model has no admissible solution ({problems}), so its fit "
                       "indices, composite reliabilities and AVEs cannot be interpreted; the scales rest on their "
                       "alphas alone. ",
           "problem": {"convergence": "the estimation did not converge",
                       "heywood": "a residual variance at zero for {0}",
                       "factor_variance": "a variance of zero for the {0} factor",
                       "loading": "a standardized loading of 1 or more in absolute value for {0}",
                       "correlation": "a correlation at or beyond ±1 between the {0} and {1} factors"},
           "more": "and {k} more",
           "limits": "Neither check can rule out common-method bias: one respondent per firm answered every question."},
    "it": {"good": "si adatta bene ai dati", "fair": "si adatta in modo accettabile ai dati",
           "poor": "si adatta male ai dati",
           "cfa": "Il modello di misura a tre scale {fit} (CFI {cfi}, SRMR {srmr}) e {cmp} un unico fattore "
                  "comune (p della differenza chi quadrato {p}). ",
           "better": "si adatta meglio di", "same": "non si adatta meglio di",
           "harman": "La prima componente non ruotata raccoglie {share} della varianza delle voci di "
                     "competitività e di RSI, {side} il 50% che segnalerebbe un'unica fonte comune dominante. ",
           "below": "sotto", "above": "sopra",
           "improper": "Il modello di misura a tre scale non ha una soluzione ammissibile ({problems}): i suoi indici "
                       "di adattamento, le affidabilità composite e le AVE non sono interpretabili, e le scale si "
                       "reggono solo sui loro alfa. ",
           "problem": {"convergence": "la stima non converge",
                       "heywood": "una varianza residua nulla per {0}",
                       "factor_variance": "una varianza nulla per il fattore {0}",
                       "loading": "un carico standardizzato pari o superiore a 1 in valore assoluto per {0}",
                       "correlation": "una correlazione pari o oltre ±1 tra i fattori {0} e {1}"},
           "more": "e altri {k}",
           "limits": "Nessuno dei due controlli può escludere la distorsione da metodo comune: un solo rispondente per "
                     "impresa ha risposto a tutte le domande."},
}


def measurement(cfa, harman, lang: str = "en", cb=None) -> str:
    """One paragraph on the CFA fit (Hu & Bentler 1999 cut-offs: CFI >= .95 and SRMR <= .08 good,
    CFI >= .90 acceptable) and the 1- vs 3-factor test, or why the CFA solution is improper
    (`measures.improper_solution`: up to three reasons, variables by their labels), then Harman's
    check on all items."""
    cb = cb or load_codebook()
    t = MEASUREMENT[lang]
    share = float(harman["first_component_share"].iloc[-1])
    if cfa.problems:
        reasons = [t["problem"][p.kind].format(*(cb.label(name, lang) for name in p.names)) for p in cfa.problems]
        listed = "; ".join(reasons[:3]) + (f" {t['more'].format(k=len(reasons) - 3)}" if len(reasons) > 3 else "")
        text = t["improper"].format(problems=listed)
    else:
        three = cfa.fit.set_index("model").loc["3-factor"]
        fit = "good" if three["cfi"] >= 0.95 and three["srmr"] <= 0.08 else "fair" if three["cfi"] >= 0.90 else "poor"
        p = float(cfa.difference["p"].iloc[0])
        text = t["cfa"].format(fit=t[fit], cfi=fmt.number(three["cfi"], 2, lang), srmr=fmt.number(three["srmr"], 3, lang),
                               cmp=t["better" if p < ALPHA else "same"], p=_p(p, lang))
    share_text_ = fmt.percent(share, 0, lang)
    share_text_ = (_it_article(share_text_) + share_text_) if lang == "it" else share_text_
    text += t["harman"].format(share=share_text_, side=t["below" if share < 0.5 else "above"])
    return text + t["limits"]


# --- one sentence per report for the index ----------------------------------------------------------------------

INDEX = {
    "en": {"coef": "CSR coefficient per full step of the index, points on the 1-5 scale with 95% CI{n}: {list}; {holm}.",
           "item": "{scale} {est} {ci}", "not_estimable": "{scale} not estimable",
           "n": " (n = {n})",
           "holm": {0: "none of the {m} survives Holm's adjustment", 1: "1 of {m} survives Holm's adjustment",
                    "k": "{k} of {m} survive Holm's adjustment"},
           "association": "associations, not effects"},
    "it": {"coef": "Coefficiente della RSI per un passo intero dell'indice, punti sulla scala 1-5 con IC 95%{n}: "
                   "{list}; {holm}.",
           "item": "{scale} {est} {ci}", "not_estimable": "{scale} non stimabile",
           "n": " (n = {n})",
           "holm": {0: "nessuno dei {m} resta significativo dopo la correzione di Holm",
                    1: "1 su {m} resta significativo dopo la correzione di Holm",
                    "k": "{k} su {m} restano significativi dopo la correzione di Holm"},
           "association": "associazioni, non effetti"},
}


def index_sentence(doc: dict, lang: str = "en", cb=None, n_boot: int | None = None) -> str:
    """One findings sentence for the index page from a results file (`runner.results`: a dict with run,
    parameters and values) or from its `values` alone. District and cross-district runs: the CSR
    coefficient on each score with its 95% CI ('ols.<score>.csr_overall.*' or 'ols_pooled.<score>...'),
    n when recorded, how many survive Holm ('holm.<score>.p_adj'). (Specification curves: `present.speccurve.index_sentence`.) Sustainability reports ('profile.*', with the district
    from the parameters): `index_sentence_sustainability`. '' when the values hold none of these."""
    cb = cb or load_codebook()
    t = INDEX[lang]
    values = doc.get("values", {}) if isinstance(doc.get("values"), dict) else doc
    n_boot = n_boot or (doc.get("parameters") or {}).get("n_boot") if isinstance(doc.get("parameters"), dict) else n_boot

    def num(key):
        value = values.get(key)
        return float(value) if _finite(value) and not isinstance(value, bool) else None

    if any(key == "drivers" or key.startswith("drivers.") for key in values):  # the channels report
        from .channels import index_sentence as channels_sentence  # until the index reads each kind's entry point

        return channels_sentence(values, doc.get("parameters") if isinstance(doc.get("parameters"), dict) else {},
                                 lang, cb)
    if any(key.startswith("profile.") for key in values):  # a district sustainability report
        parameters = doc.get("parameters") if isinstance(doc.get("parameters"), dict) else {}
        district = parameters.get("district")
        from .sustainability import index_sentence as sustainability_sentence  # the report's entry point

        return sustainability_sentence(values, {"district": district}, lang, cb) if district else ""
    prefix = "ols_pooled" if any(k.startswith("ols_pooled.") for k in values) else "ols"
    parts, ns, holm = [], [], []
    for scale in cb.outcome_scales:
        s = f"score_{scale}"
        name = _lower(cb.label(scale, lang))
        est = num(f"{prefix}.{s}.csr_overall.estimate")
        if est is None:
            if f"{prefix}.{s}" in values or f"{prefix}.{s}.csr_overall.estimate" in values:
                parts.append(t["not_estimable"].format(scale=name))
            continue
        parts.append(t["item"].format(scale=name, est=_est(est, lang),
                                      ci=_ci(num(f"{prefix}.{s}.csr_overall.ci_low"),
                                             num(f"{prefix}.{s}.csr_overall.ci_high"), lang)))
        if num(f"{prefix}.{s}.n") is not None:
            ns.append(int(num(f"{prefix}.{s}.n")))
        if num(f"holm.{s}.p_adj") is not None:
            holm.append(num(f"holm.{s}.p_adj"))
    if not parts:
        return ""
    k, m = sum(p < ALPHA for p in holm), len(holm)
    n_text = t["n"].format(n=fmt.integer(max(ns), lang)) if ns else ""
    holm_text = t["holm"][0 if k == 0 else 1 if k == 1 else "k"].format(k=k, m=m) if m else t["association"]
    return t["coef"].format(n=n_text, list="; ".join(parts), holm=holm_text)
