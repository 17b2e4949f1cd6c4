"""The channels report's appendix for a referee (issue 23, item 6): every coefficient of each adoption model
that could be estimated (intercept and district effects included, with its n, its method and its fit
statistic: McFadden's pseudo-R² for the logit-link models, R² for the OLS sensitivity), and, through the
shared `present.appendix`, the descriptive statistics, correlation matrix and VIFs of the models'
variables. A model that failed its gate has one row of dashes and its reason in the note under the table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...stats import referee
from .. import formatting as fmt
from ..appendix import term_label
from ..i18n import N_, messages
from ..regression import ci, noted
from .names import is_fit, method_name, outcome_name, sample_name
from .text import reason_text

NOTE = N_("Every coefficient of each estimated adoption model, on the scale of its link (log-odds for the logit "
          "and fractional logit, points of the 0-1 index for OLS): estimate, standard error (HC3, or the inverse "
          "penalised information for Firth's logit), 95% interval (normal reference; profile penalised likelihood "
          "for Firth's logit) and p. District rows are fixed effects against the first district in alphabetical "
          "order.")


def coefficient_rows(drivers: dict, models: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """One block of rows per sample and model of `drivers` ({group: {model: AdoptionFit or Check}}): the
    model's head row names the sample, the outcome, the method, n and the fit statistic."""
    cb = cb or load_codebook()
    _ = messages(lang)
    h = {"model": _.pgettext("table header", "Model"), "term": _.pgettext("table header", "Term"),
         "estimate": _.pgettext("table header", "Coefficient"), "se": _.pgettext("table header", "SE"),
         "ci": _.pgettext("table header", "95% CI"), "p": "p"}
    rows, reasons = [], []
    for model in models:
        for group, results in drivers.items():
            if model not in results:
                continue
            fit = results[model]
            name = _("{outcome}, {sample}", outcome=outcome_name(model, lang, cb), sample=sample_name(group, lang, cb))
            if not is_fit(fit):
                rows.append({h["model"]: name, h["term"]: fmt.MISSING, h["estimate"]: np.nan, h["se"]: np.nan,
                             h["ci"]: fmt.MISSING, h["p"]: fmt.MISSING})
                reasons.append(_("{model}: {reason}", model=name, reason=reason_text(fit, lang)))
                continue
            table = referee.coefficient_table(fit)
            statistic, value = str(table["fit_statistic"].iloc[0]), float(table["fit_value"].iloc[0])
            values = dict(model=name, method=method_name(fit.method, lang, getattr(fit, "cov_type", None)),
                          n=fmt.integer(int(table["n"].iloc[0]), lang), value=fmt.number(value, 3, lang))
            head = (_("{model}: {method} (n = {n}, pseudo-R² = {value})", **values) if statistic == "pseudo_r2"
                    else _("{model}: {method} (n = {n}, R² = {value})", **values) if statistic == "r2"
                    else _("{model}: {method} (n = {n})", **values))
            for i, r in enumerate(table.itertuples(index=False)):
                rows.append({h["model"]: head if i == 0 else "", h["term"]: term_label(r.term, lang, cb),
                             h["estimate"]: r.estimate, h["se"]: r.std_error, h["ci"]: ci(r.ci_low, r.ci_high, lang, 3),
                             h["p"]: fmt.pvalue(r.p_value, lang)})
    return noted(pd.DataFrame(rows), [_(NOTE), *reasons])


def record_terms(rec, drivers: dict, models: list[str]) -> None:
    """Every term of each estimated adoption model in the results file:
    drivers_terms.<group>.<model>.<term>.{estimate, std_error, p_value, ci_low, ci_high}, with .n and the fit
    statistic (.pseudo_r2 or .r2)."""
    for group, results in drivers.items():
        for model in models:
            fit = results.get(model)
            if not is_fit(fit):
                continue
            table = referee.coefficient_table(fit)
            prefix = f"drivers_terms.{group}.{model}"
            rec.record_table(prefix, table, ["term"], ["estimate", "std_error", "p_value", "ci_low", "ci_high"])
            rec.record(f"{prefix}.n", int(table["n"].iloc[0]))
            statistic = str(table["fit_statistic"].iloc[0])
            if statistic:
                rec.record(f"{prefix}.{statistic}", float(table["fit_value"].iloc[0]))
