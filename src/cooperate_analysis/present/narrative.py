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
                  "respondent answers both blocks).",
        "power": " With this sample an association is detected with 80% probability only if its partial correlation "
                 "is at least {mde:.2f} (see the power table), {qual}.",
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
        "holm": " After Holm's adjustment for the {m} confirmatory tests, {k} of {m} remain below 0.05.",
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
                  "rispondente risponde a entrambi i blocchi).",
        "power": " Con questo campione un'associazione è rilevata con probabilità dell'80% solo se la sua correlazione "
                 "parziale è almeno {mde:.2f} (si veda la tabella della potenza), {qual}.",
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
        "holm": " Dopo la correzione di Holm per i {m} test di conferma, {k} su {m} restano sotto 0,05.",
        "robust_same": " I segni dei tre coefficienti restano gli stessi con i pesi di post-stratificazione e dopo "
                       "l'imputazione multipla delle risposte mancanti.",
        "robust_diff": " Il segno del coefficiente cambia per {scales} con i pesi di post-stratificazione o dopo "
                       "l'imputazione multipla, quindi quel risultato dipende da come il campione è ponderato o completato.",
    },
}


def power_sentence(mde_r: float | None, lang: str = "en") -> str:
    """What the sample can detect, from its minimum detectable partial r at 80% power (None: not
    computable). Cohen's benchmarks: r = .1 weak, .3 moderate, .5 strong."""
    t = TEXT[lang]
    if mde_r is None or not mde_r == mde_r:
        return t["no_power"]
    qual = "strong" if mde_r >= 0.5 else "moderate" if mde_r > 0.3 else "weak_missed" if mde_r > 0.1 else "weak"
    text = t["power"].format(mde=mde_r, qual=t["qual"][qual])
    return text.replace(f"{mde_r:.2f}", f"{mde_r:.2f}".replace(".", ",")) if lang == "it" else text


def reading(fits: dict, term: str, synthetic: bool, lang: str = "en", p_holm=None, robust: dict | None = None,
            mde_r: float | None = None, missing: list[str] | tuple[str, ...] = ()) -> str:
    """One paragraph: direction and interval of each scale's coefficient, how many survive Holm's
    adjustment (`p_holm`, by outcome), whether the signs hold under the alternative estimators
    (`robust[outcome][method]` rows with an estimate), then the limits and what the sample can detect
    (`power_sentence` of `mde_r`). `fits` holds the estimable regressions; `missing` names the
    outcomes that could not be estimated."""
    cb = load_codebook()
    t = TEXT[lang]
    if not fits:
        return t["none"] + (t["synthetic"] if synthetic else "")
    n = max(fit.n for fit in fits.values())
    parts = []
    for outcome, fit in fits.items():
        row = fit.term(term)
        kind = "pos" if row["ci_low"] > 0 else "neg" if row["ci_high"] < 0 else "null"
        scale = cb.label(outcome.removeprefix("score_"), lang).lower()
        parts.append(t[kind].format(scale=scale, est=row["estimate"], lo=row["ci_low"], hi=row["ci_high"]))
    body = t["lead"] + "; ".join(parts) + "."
    if missing:
        body += t["partial"].format(scales=", ".join(cb.label(o.removeprefix("score_"), lang).lower() for o in missing))
    if p_holm is not None:
        body += t["holm"].format(k=int(sum(p < 0.05 for p in p_holm)), m=len(p_holm))
    if robust is not None:
        flipped = [cb.label(o.removeprefix("score_"), lang).lower() for o, by_method in robust.items()
                   if len({est["estimate"] > 0 for est in by_method.values()}) > 1]
        body += t["robust_diff"].format(scales=", ".join(flipped)) if flipped else t["robust_same"]
    body += " " + t["limits"].format(n=n) + power_sentence(mde_r, lang)
    return body + (t["synthetic"] if synthetic else "")


def notes(checks: dict, lang: str = "en", diagnostics: str = "", cb=None) -> str:
    """Why some analyses of a section could not be run, and their cautions: one sentence per
    analysis, named by its variable's label ('Score: Innovation performance: not estimable with these
    data: ...'), then `diagnostics` (`estimability.Diagnostics.note`). '' when there is nothing to say."""
    from ..data.derived import label

    cb = cb or load_codebook()
    parts = []
    for name, check in checks.items():
        head = label(name, lang, cb) if name else ""
        if not check.ok:
            text = check.text(lang)
            parts.append(f"{head}: {text[0].lower()}{text[1:]}" if head else text)
        for reason in check.caution:
            parts.append(f"{head}: {reason.text(lang)}." if head else f"{reason.text(lang)}.")
    if diagnostics:
        parts.append(diagnostics)
    return " ".join(parts)


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
    "en": {"lead": "Of {k:,} specifications, {e:,} could be estimated. ",
           "family": "{family}: across {k:,} estimable specifications the median standardized estimate is {median:+.2f}; "
                     "{pos:.0f}% find a significant positive association and {neg:.0f}% a significant negative one",
           "joint": "; tested jointly on its {k:,} estimable linear specifications by bootstrapping under the null "
                    "(n = {boot} draws), the curve {verdict} (p {p} for the median, p {p_share} for the share "
                    "significant). ",
           "no_joint": "; the joint test is not estimable ({reason}). ",
           "no_specs": "{family}: no specification could be estimated. ",
           "differs": "differs from what chance alone would produce",
           "same": "cannot be told apart from what chance alone would produce",
           "overall_some": "The association is distinguishable from chance for {families} only. ",
           "overall_all": "The association is distinguishable from chance in every outcome family. ",
           "overall_none": "In no outcome family is the association distinguishable from chance. ",
           "limits": "Specifications are not independent replications: they re-analyse the same {n} firms."},
    "it": {"lead": "Delle {k} specificazioni, {e} sono stimabili. ",
           "family": "{family}: sulle {k} specificazioni stimabili la stima standardizzata mediana è {median:+.2f}; il "
                     "{pos:.0f}% trova un'associazione positiva significativa e il {neg:.0f}% una negativa significativa",
           "joint": "; verificata congiuntamente sulle sue {k} specificazioni lineari stimabili con un bootstrap sotto "
                    "l'ipotesi nulla (n = {boot} estrazioni), la curva {verdict} (p {p} per la mediana, p {p_share} per "
                    "la quota significativa). ",
           "no_joint": "; il test congiunto non è stimabile ({reason}). ",
           "no_specs": "{family}: nessuna specificazione è stimabile. ",
           "differs": "si discosta da ciò che produrrebbe il solo caso",
           "same": "non si distingue da ciò che produrrebbe il solo caso",
           "overall_some": "L'associazione si distingue dal caso solo per {families}. ",
           "overall_all": "L'associazione si distingue dal caso in tutte le famiglie di esiti. ",
           "overall_none": "In nessuna famiglia di esiti l'associazione si distingue dal caso. ",
           "limits": "Le specificazioni non sono repliche indipendenti: rianalizzano le stesse {n} imprese."},
}


def _p_text(p: float, n_boot: int, lang: str) -> str:
    """'= 0.123', or '< 1/n_boot' when no null draw was as extreme (p = 0 means p < 1 / n_boot)."""
    text = f"< {1 / n_boot:.3f}" if p == 0 else f"= {p:.3f}"
    return text.replace(".", ",") if lang == "it" else text


def speccurve(curve, joints: dict, n_firms: int, synthetic: bool, lang: str = "en", cb=None) -> str:
    """One paragraph on a specification curve read per outcome family (`speccurve.outcome_family`):
    each family's estimable specifications, median and shares significant, and its joint test
    (`joints[family]`: a `speccurve.JointTest`, or an `estimability.Check` saying why not), then
    which families differ from chance. Every sentence comes from the numbers."""
    from ..stats.speccurve import outcome_family

    cb = cb or load_codebook()
    t = SPECCURVE[lang]
    summary = curve_summary(curve)
    text = t["lead"].format(k=summary["specs"], e=summary["estimable"])
    family_of = curve["outcome"].map(lambda o: outcome_family(o, cb))
    differs, tested = [], []
    for family, joint in joints.items():
        part = curve[family_of == family]
        name = cb.label(family, lang)
        if not part["estimate"].notna().any():
            text += t["no_specs"].format(family=name)
            continue
        fs = curve_summary(part[part["estimate"].notna()])
        text += t["family"].format(family=name, k=fs["specs"], median=fs["median"], pos=fs["positive"],
                                   neg=fs["negative"])
        if not hasattr(joint, "table"):
            text += t["no_joint"].format(reason=joint.text(lang).rstrip("."))
            continue
        p_joint = joint.table.set_index("statistic")["p_value"]
        verdict = "differs" if min(p_joint["median"], p_joint["share_significant"]) < 0.05 else "same"
        tested.append(name)
        if verdict == "differs":
            differs.append(name.lower())
        text += t["joint"].format(k=joint.n_specs, boot=joint.n_boot, verdict=t[verdict],
                                  p=_p_text(p_joint["median"], joint.n_boot, lang),
                                  p_share=_p_text(p_joint["share_significant"], joint.n_boot, lang))
    if tested:
        text += (t["overall_all"] if len(differs) == len(tested) else t["overall_none"] if not differs
                 else t["overall_some"].format(families=", ".join(differs)))
    text += t["limits"].format(n=n_firms)
    if lang == "it":
        text = text.replace(f"{summary['specs']:,}", f"{summary['specs']:,}".replace(",", "."))
    return text + (TEXT[lang]["synthetic"] if synthetic else "")
