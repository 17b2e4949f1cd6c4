"""Plain-language reading of the results, generated from the numbers (en/it)."""
from __future__ import annotations

from ..data.codebook import load_codebook
from .tables import curve_summary

TEXT = {
    "en": {
        "pos": "firms with a higher CSR index report better {scale} (a full step of the index, from no practice "
               "to all practices, goes with {est:+.2f} points on the 1-5 scale, 95% CI {lo:.2f} to {hi:.2f})",
        "null": "the association with {scale} cannot be told apart from zero (estimate {est:+.2f}, "
                "95% CI {lo:.2f} to {hi:.2f})",
        "neg": "firms with a higher CSR index report worse {scale} ({est:+.2f}, 95% CI {lo:.2f} to {hi:.2f})",
        "lead": "Holding firm size, export share and firm age fixed, ",
        "limits": "These are associations in one cross-section of self-reported answers from {n} firms: they do not "
                  "show that CSR causes competitiveness (better-performing firms may afford more CSR, and the same "
                  "respondent answers both blocks). With this sample only fairly strong associations can be "
                  "detected (see the power table).",
        "synthetic": " The data are synthetic: the numbers illustrate the method, not the real district.",
        "holm": " After Holm's adjustment for the three confirmatory tests, {k} of 3 remain below 0.05.",
        "robust_same": " The signs of the three coefficients are the same with post-stratification weights and after "
                       "multiple imputation of the missing answers.",
        "robust_diff": " The sign of the coefficient changes for {scales} with post-stratification weights or after "
                       "multiple imputation, so that result depends on how the sample is weighted or completed.",
    },
    "it": {
        "pos": "le imprese con un indice di RSI più alto dichiarano una migliore {scale} (passare da nessuna a tutte "
               "le pratiche si associa a {est:+.2f} punti sulla scala 1-5, IC 95% da {lo:.2f} a {hi:.2f})",
        "null": "l'associazione con la {scale} non è distinguibile da zero (stima {est:+.2f}, IC 95% da "
                "{lo:.2f} a {hi:.2f})",
        "neg": "le imprese con un indice di RSI più alto dichiarano una peggiore {scale} ({est:+.2f}, IC 95% da "
               "{lo:.2f} a {hi:.2f})",
        "lead": "A parità di dimensione, quota di export ed età dell'impresa, ",
        "limits": "Sono associazioni in un'unica rilevazione di risposte auto-dichiarate di {n} imprese: non mostrano "
                  "che la RSI causi competitività (le imprese più competitive possono permettersi più RSI, e lo stesso "
                  "rispondente risponde a entrambi i blocchi). Con questo campione si possono rilevare solo "
                  "associazioni piuttosto forti (si veda la tabella della potenza).",
        "synthetic": " I dati sono sintetici: i numeri illustrano il metodo, non il distretto reale.",
        "holm": " Dopo la correzione di Holm per i tre test di conferma, {k} su 3 restano sotto 0,05.",
        "robust_same": " I segni dei tre coefficienti restano gli stessi con i pesi di post-stratificazione e dopo "
                       "l'imputazione multipla delle risposte mancanti.",
        "robust_diff": " Il segno del coefficiente cambia per {scales} con i pesi di post-stratificazione o dopo "
                       "l'imputazione multipla, quindi quel risultato dipende da come il campione è ponderato o completato.",
    },
}


def reading(fits: dict, term: str, synthetic: bool, lang: str = "en", p_holm=None, robust: dict | None = None) -> str:
    """One paragraph: direction and interval of each scale's coefficient, how many survive Holm's
    adjustment (`p_holm`, by outcome), whether the signs hold under the alternative estimators
    (`robust[outcome][method]` rows with an estimate), then the limits."""
    n = max(fit.n for fit in fits.values())
    cb = load_codebook()
    t = TEXT[lang]
    parts = []
    for outcome, fit in fits.items():
        row = fit.term(term)
        kind = "pos" if row["ci_low"] > 0 else "neg" if row["ci_high"] < 0 else "null"
        scale = cb.label(outcome.removeprefix("score_"), lang).lower()
        parts.append(t[kind].format(scale=scale, est=row["estimate"], lo=row["ci_low"], hi=row["ci_high"]))
    body = t["lead"] + "; ".join(parts) + "."
    if p_holm is not None:
        body += t["holm"].format(k=int(sum(p < 0.05 for p in p_holm)))
    if robust is not None:
        flipped = [cb.label(o.removeprefix("score_"), lang).lower() for o, by_method in robust.items()
                   if len({est["estimate"] > 0 for est in by_method.values()}) > 1]
        body += t["robust_diff"].format(scales=", ".join(flipped)) if flipped else t["robust_same"]
    body += " " + t["limits"].format(n=n)
    return body + (t["synthetic"] if synthetic else "")


MEASUREMENT = {
    "en": {"good": "fits well", "fair": "fits acceptably", "poor": "fits poorly",
           "cfa": "The three-scale measurement model {fit} (CFI {cfi:.2f}, SRMR {srmr:.3f}) and {cmp} a single common "
                  "factor (chi-square difference p {p}). ",
           "better": "fits better than", "same": "does not fit better than",
           "harman": "The first unrotated component takes {share:.0%} of the variance of the competitiveness and CSR "
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
           "cfa": "Il modello di misura a tre scale {fit} (CFI {cfi:.2f}, SRMR {srmr:.3f}) e {cmp} un unico fattore "
                  "comune (p della differenza chi quadrato {p}). ",
           "better": "si adatta meglio di", "same": "non si adatta meglio di",
           "harman": "La prima componente non ruotata raccoglie il {share:.0%} della varianza delle voci di "
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
        text = t["cfa"].format(fit=t[fit], cfi=three["cfi"], srmr=three["srmr"],
                               cmp=t["better" if p < 0.05 else "same"], p="< 0.001" if p < 0.001 else f"{p:.3f}")
    text += t["harman"].format(share=share, side=t["below" if share < 0.5 else "above"])
    return text + t["limits"]


SPECCURVE = {
    "en": {"lead": "Across {k:,} specifications, the median standardized estimate is {median:+.2f}; {pos:.0f}% of "
                   "the specifications find a significant positive association and {neg:.0f}% a significant negative "
                   "one. ",
           "joint": "Tested jointly on the {k:,} linear specifications by bootstrapping under the null (n = {boot} "
                    "draws), the curve {verdict} (p = {p:.3f} for the median, {p_share:.3f} for the share "
                    "significant). ",
           "differs": "differs from what chance alone would produce",
           "same": "cannot be told apart from what chance alone would produce",
           "limits": "Specifications are not independent replications: they re-analyse the same {n} firms."},
    "it": {"lead": "Su {k} specificazioni, la stima standardizzata mediana è {median:+.2f}; il {pos:.0f}% delle "
                   "specificazioni trova un'associazione positiva significativa e il {neg:.0f}% una negativa "
                   "significativa. ",
           "joint": "Verificata congiuntamente sulle {k} specificazioni lineari con un bootstrap sotto l'ipotesi "
                    "nulla (n = {boot} estrazioni), la curva {verdict} (p = {p:.3f} per la mediana, {p_share:.3f} per "
                    "la quota significativa). ",
           "differs": "si discosta da ciò che produrrebbe il solo caso",
           "same": "non si distingue da ciò che produrrebbe il solo caso",
           "limits": "Le specificazioni non sono repliche indipendenti: rianalizzano le stesse {n} imprese."},
}


def speccurve(curve, joint, n_firms: int, synthetic: bool, lang: str = "en") -> str:
    """One paragraph on a specification curve and its joint test (`speccurve.JointTest`)."""
    t = SPECCURVE[lang]
    summary = curve_summary(curve)
    p_joint = joint.table.set_index("statistic")["p_value"]
    text = t["lead"].format(k=summary["specs"], median=summary["median"], pos=summary["positive"],
                            neg=summary["negative"])
    verdict = "differs" if min(p_joint["median"], p_joint["share_significant"]) < 0.05 else "same"
    text += t["joint"].format(k=joint.n_specs, boot=joint.n_boot, verdict=t[verdict], p=p_joint["median"],
                              p_share=p_joint["share_significant"])
    text += t["limits"].format(n=n_firms)
    return text + (TEXT[lang]["synthetic"] if synthetic else "")
