"""Plain-language reading of the model results, generated from the numbers (en/it)."""
from __future__ import annotations

from .codebook import load_codebook

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
    },
}


def reading(fits: dict, term: str, synthetic: bool, lang: str = "en") -> str:
    """One paragraph: direction and interval of each scale's coefficient, then the limits."""
    n = max(fit.n for fit in fits.values())
    cb = load_codebook()
    t = TEXT[lang]
    parts = []
    for outcome, fit in fits.items():
        row = fit.term(term)
        kind = "pos" if row["ci_low"] > 0 else "neg" if row["ci_high"] < 0 else "null"
        scale = cb.label(outcome.removeprefix("score_"), lang).lower()
        parts.append(t[kind].format(scale=scale, est=row["estimate"], lo=row["ci_low"], hi=row["ci_high"]))
    body = t["lead"] + "; ".join(parts) + ". " + t["limits"].format(n=n)
    return body + (t["synthetic"] if synthetic else "")
