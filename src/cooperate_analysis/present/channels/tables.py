"""The channels report's tables: adoption models and their average marginal effects, adoption by channel,
the channels gradient, the network moderation, stakeholder salience, barriers and motivations, the
published stakeholder consultation and the questionnaire's blocks. Numbers through `formatting`, words
from the catalog (`names`)."""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...data.derived import ADOPTION_REGRESSORS
from ...stats.estimability import Check
from ...stats import disclosure as sdc
from .. import formatting as fmt
from ..disclosure import attach
from ..i18n import N_, messages
from .names import (CHANNEL_VARIABLES, NBSP, certification_name, awareness_name, headers, is_fit, moderation_family,
                    method_name, outcome_name, percent_interval, regressor_name, sample_name, scaled_ame,
                    score_name, short_item)
from .text import reason_text as reason


def _number(value, lang: str, digits: int = 2, sign: bool = False) -> str:
    return fmt.number(value, digits, lang, sign=sign)


def _interval(estimate, low, high, lang: str = "en", digits: int = 2) -> str:
    """'b [low, high]' in the separators of `lang`, or '–' when the estimate is missing."""
    return fmt.MISSING if pd.isna(estimate) else f"{_number(estimate, lang, digits)} {fmt.interval(low, high, digits, lang)}"


def _ame_cell(result, term: str, lang: str) -> str:
    if not is_fit(result):
        return fmt.MISSING
    est, lo, hi, _ = scaled_ame(result, term)
    return fmt.MISSING if not math.isfinite(est) else f"{_number(est, lang, 2, sign=True)} {fmt.interval(lo, hi, 2, lang)}"


def ame_rows(drivers: dict, models: list[str], lang: str = "en", cb: Codebook | None = None,
             regressors=ADOPTION_REGRESSORS, first: str = "model") -> pd.DataFrame:
    """Average marginal effects of each regressor, one row per model and regressor, one column per sample
    (`drivers`: {group: {model: fit or Check}}, groups in column order): "AME [95% CI]" in the units of
    `names.REGRESSOR_SCALE`; the model's name on its first row; a dash where the model is not estimable (the
    model table says why)."""
    cb = cb or load_codebook()
    h = headers(lang)
    rows = []
    for model in models:
        if not any(is_fit(d.get(model)) for d in drivers.values()):  # no sample: the model table says why
            continue
        name = (h["fraclogit"] if model == "csr_overall" else h["ols"] if model.endswith("_ols")
                else outcome_name(model, lang, cb))
        for i, term in enumerate(regressors):
            row = {h[first]: name if i == 0 else "", h["regressor"]: regressor_name(term, lang)}
            for group, results in drivers.items():
                row[sample_name(group, lang, cb)] = _ame_cell(results.get(model), term, lang)
            rows.append(row)
    return pd.DataFrame(rows)


def model_rows(drivers: dict, models: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """One row per model and sample: the outcome, the sample, the method that was used (fractional logit,
    OLS, logit by maximum likelihood or Firth's penalised likelihood), firms and adopting firms; a model
    that could not be estimated says why."""
    cb = cb or load_codebook()
    h = headers(lang)
    rows = []
    for model in models:
        for j, (group, results) in enumerate(drivers.items()):
            if model not in results:
                continue
            result = results[model]
            row = {h["outcome"]: outcome_name(model, lang, cb) if j == 0 else "",
                   h["sample"]: sample_name(group, lang, cb)}
            if is_fit(result):
                events = getattr(result, "events", None)
                row |= {h["method"]: method_name(result.method, lang, getattr(result, "cov_type", None)),
                        h["n"]: fmt.integer(result.n, lang),
                        h["events"]: fmt.integer(events, lang) if events is not None and not pd.isna(events)
                        else fmt.MISSING}
            else:
                row |= {h["method"]: reason(result, lang), h["n"]: fmt.MISSING, h["events"]: fmt.MISSING}
            rows.append(row)
    return pd.DataFrame(rows)


def share_cell(k, n, share, low, high, lang: str) -> str:
    """"12/29: 41% [26, 59]" (Italian "41% [26; 59]"): adopters over firms, then the share and its Wilson
    interval in whole percentages; a dash when no firm is in the cell. The share and its interval are held
    together by no-break spaces, so a narrow column wraps only after the count, never inside the interval."""
    if pd.isna(n) or int(n) == 0 or pd.isna(share):
        return fmt.MISSING
    together = f"{fmt.percent(share, 0, lang)} {fmt.interval(100 * low, 100 * high, 0, lang)}".replace(" ", NBSP)
    return f"{fmt.integer(k, lang)}/{fmt.integer(n, lang)}: {together}"


def _share_cell(row) -> "sdc.Cell | None":
    """What stands behind a "k/n: share" cell (`stats.disclosure`), None for a dash."""
    return None if row is None or pd.isna(row["n"]) or int(row["n"]) == 0 else sdc.Cell.share(row["k"], row["n"])


def _mean_cell(row) -> "sdc.Cell | None":
    return None if row is None or pd.isna(row["n"]) or not row["n"] else sdc.Cell.mean(row["n"])


def _protected(rows: list[dict], cells: dict, groups, lang: str, cb, sums: list | None = None) -> pd.DataFrame:
    """The table with its disclosure cells (`present.disclosure.attach`): every row's pooled column is the sum
    of its district columns, plus the builder's `sums` (cells adding up to a known number)."""
    columns = {g: sample_name(g, lang, cb) for g in groups}
    districts = [c for g, c in columns.items() if g != "pooled"]
    relations = [sdc.margin([(i, d) for d in districts], (i, columns["pooled"]))
                 for i in range(len(rows))] if "pooled" in columns and districts else []
    cells = {key: cell for key, cell in cells.items() if cell is not None}
    return attach(pd.DataFrame(rows), cells, relations + list(sums or []))


def channel_rows(by_group: dict, outcome: str, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Adoption (`outcome`: cert_any or csr_half) among the firms that use each channel and those that do
    not, one column per sample (`by_group`: {group: `adoption.adoption_by_channel` table}); each cell
    "adopters/firms: share [Wilson 95% CI]"."""
    from .names import channel_name

    cb = cb or load_codebook()
    h = headers(lang)
    rows, cells = [], {}
    for channel in CHANNEL_VARIABLES:
        for used in (1, 0):
            row = {h["channel"]: channel_name(channel, lang) if used == 1 else "",
                   h["used"]: h["yes" if used else "no"]}
            for group, table in by_group.items():
                hit = table[(table["outcome"] == outcome) & (table["channel"] == channel) & (table["used"] == used)]
                row[sample_name(group, lang, cb)] = (share_cell(*hit.iloc[0][["k", "n", "share", "ci_low", "ci_high"]],
                                                                lang) if len(hit) else fmt.MISSING)
                cells[(len(rows), sample_name(group, lang, cb))] = _share_cell(hit.iloc[0] if len(hit) else None)
            rows.append(row)
    return _protected(rows, cells, by_group, lang, cb)


def gradient_rows(gradients: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The trend of the CSR index with the number of channels a firm uses, one row per sample
    (`gradients`: {group: `adoption.channels_gradient` result or Check}): firms, Spearman's rho with its p,
    and the OLS (HC3) slope per channel with its 95% interval."""
    cb = cb or load_codebook()
    h = headers(lang)
    rows = []
    for group, g in gradients.items():
        if not hasattr(g, "spearman_rho"):
            rows.append({h["sample"]: sample_name(group, lang, cb), h["n"]: fmt.MISSING, h["rho"]: fmt.MISSING,
                         h["p"]: fmt.MISSING, h["slope"]: reason(g, lang)})
            continue
        s = g.slope
        rows.append({h["sample"]: sample_name(group, lang, cb), h["n"]: fmt.integer(g.n, lang),
                     h["rho"]: _number(g.spearman_rho, lang, 2, sign=True), h["p"]: fmt.pvalue(g.spearman_p, lang),
                     h["slope"]: _interval(s["estimate"], s["ci_low"], s["ci_high"], lang, 3)})
    return pd.DataFrame(rows)


def moderation_rows(moderation: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The exploratory interaction CSR index x formal-network membership on each competitiveness score, one
    row per sample and score (`moderation`: {(group, score): interaction row or Check}), with its 95% interval,
    p and the Benjamini-Hochberg p over every interaction of the table (one exploratory family)."""
    cb = cb or load_codebook()
    h = headers(lang)
    keys = [k for k, r in moderation.items() if not isinstance(r, Check)]
    adjusted = moderation_family(moderation)
    rows = []
    last = None
    for (group, score), r in moderation.items():
        row = {h["sample"]: sample_name(group, lang, cb) if group != last else "",
               h["score"]: score_name(score, lang, cb)}
        last = group
        if isinstance(r, Check):
            row |= {h["interaction"]: reason(r, lang), h["p"]: fmt.MISSING, h["bh"]: fmt.MISSING, h["n"]: fmt.MISSING}
        else:
            row |= {h["interaction"]: _interval(r["estimate"], r["ci_low"], r["ci_high"], lang),
                    h["p"]: fmt.pvalue(r["p_value"], lang), h["bh"]: fmt.pvalue(adjusted[(group, score)], lang),
                    h["n"]: fmt.integer(r["n"], lang)}
        rows.append(row)
    return pd.DataFrame(rows)


def salience_rows(salience: dict, items: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Importance of each stakeholder to the firms, one column per sample (`salience`: {group:
    `adoption.salience` result or Check}): "mean (mean rank)", rows in the pooled order of mean rank
    (highest first)."""
    cb = cb or load_codebook()
    h = headers(lang)
    fitted = {g: s for g, s in salience.items() if hasattr(s, "items")}
    order = list(items)
    if fitted:
        first = next(iter(fitted.values())).items.set_index("item")
        order = sorted(items, key=lambda i: -float(first.loc[i, "mean_rank"]) if i in first.index else 0.0)
    rows = []
    for item in order:
        row = {h["stakeholder"]: short_item(item, lang, cb)}
        for group, s in salience.items():
            if group not in fitted:
                row[sample_name(group, lang, cb)] = fmt.MISSING
                continue
            t = s.items.set_index("item")
            row[sample_name(group, lang, cb)] = (f"{_number(t.loc[item, 'mean'], lang, 2)} "
                                                 f"({_number(t.loc[item, 'mean_rank'], lang, 2)})")
        rows.append(row)
    return pd.DataFrame(rows)


def friedman_rows(salience: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Friedman's test that every stakeholder is equally important, and Kendall's W, one row per sample."""
    cb = cb or load_codebook()
    h = headers(lang)
    rows = []
    for group, s in salience.items():
        if not hasattr(s, "items"):
            rows.append({h["sample"]: sample_name(group, lang, cb), h["n"]: fmt.MISSING, h["chi2"]: fmt.MISSING,
                         h["df"]: fmt.MISSING, h["p"]: fmt.MISSING, h["w"]: reason(s, lang)})
            continue
        rows.append({h["sample"]: sample_name(group, lang, cb), h["n"]: fmt.integer(s.n, lang),
                     h["chi2"]: _number(s.statistic, lang, 2), h["df"]: fmt.integer(s.df, lang),
                     h["p"]: fmt.pvalue(s.p_value, lang), h["w"]: _number(s.kendall_w, lang, 3)})
    return pd.DataFrame(rows)


def likert_rows(summaries: dict, items: list[str], lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Barriers and motivations: for each item its kind, the pooled mean (1-5) and, per sample, the share of
    firms rating it important or very important (4-5) with its Wilson 95% interval (`summaries`:
    {group: `adoption.likert_summary` table})."""
    cb = cb or load_codebook()
    h = headers(lang)
    rows, cells = [], {}
    pooled = summaries.get("pooled")
    for item in items:
        kind = h["barrier"] if item.startswith("bar_") else h["motivation"]
        row = {h["kind"]: kind, h["item"]: short_item(item, lang, cb)}
        if pooled is not None:
            hit = pooled[pooled["item"] == item]
            row[h["mean"]] = _number(hit.iloc[0]["mean"], lang, 2) if len(hit) and hit.iloc[0]["n"] > 0 else fmt.MISSING
            cells[(len(rows), h["mean"])] = _mean_cell(hit.iloc[0] if len(hit) else None)
        for group, table in summaries.items():
            hit = table[table["item"] == item]
            row[sample_name(group, lang, cb)] = (percent_interval(*hit.iloc[0][["share", "ci_low", "ci_high"]], lang)
                                                 if len(hit) and hit.iloc[0]["n"] > 0 else fmt.MISSING)
            cells[(len(rows), sample_name(group, lang, cb))] = _share_cell(hit.iloc[0] if len(hit) else None)
        rows.append(row)
    out = _protected(rows, cells, summaries, lang, cb)
    out.loc[out[h["kind"]].duplicated(), h["kind"]] = ""
    return out




# --- the published stakeholder consultation (data/raw/published_figures.csv, source S3) ---------------------
CONSULTATION_PREFIX = "Stakeholder consultation: "
CONSULTATION_SOURCE = "S3"
# Translators: the questions of COOPERATE's stakeholder consultation as the table of published shares names them
CONSULTATION_QUESTIONS = {"barrier": N_("Barriers to adopting CSR tools"), "support measure": N_("Support measures"),
                          "actor that should do more": N_("Who should do more")}
# Translators: the answers of the stakeholder consultation, as published (in English) in the source
CONSULTATION_ANSWERS = {
    "lack of resources and expertise": N_("lack of resources and expertise"),
    "scarce knowledge of the instruments": N_("scarce knowledge of the instruments"),
    "cluster tools": N_("cluster tools"),
    "administrative/normative simplification": N_("administrative/normative simplification"),
    "local institutions": N_("local institutions"), "associations": N_("associations"),
}


def consultation_figures(published: pd.DataFrame) -> pd.DataFrame:
    """The published shares of COOPERATE's stakeholder consultation (data/raw/published_figures.csv, source
    S3, measures 'Stakeholder consultation: ...'), with their row number in the file (1 = first data row)."""
    rows = published.reset_index(drop=True)
    rows = rows.assign(row=np.arange(1, len(rows) + 1))
    mask = ((rows["source_id"].astype(str) == CONSULTATION_SOURCE)
            & rows["measure"].astype(str).str.startswith(CONSULTATION_PREFIX))
    return rows[mask].reset_index(drop=True)


def consultation_text(measure: str, lang: str) -> tuple[str, str]:
    """(question, answer) of a consultation measure in `lang` ("Barriers to adopting CSR tools", "lack of
    resources and expertise"); an answer the catalog does not know is shown as published."""
    _ = messages(lang)
    body = measure.removeprefix(CONSULTATION_PREFIX)
    match = re.match(r"(barrier|support measure|actor that should do more)\s*(?:=\s*|')(.*?)'?$", body)
    if not match:
        return body, ""
    answer = match.group(2).strip()
    return _(CONSULTATION_QUESTIONS[match.group(1)]), _(CONSULTATION_ANSWERS[answer]) if answer in CONSULTATION_ANSWERS else answer


def consultation_share(value, unit, lang: str) -> str:
    """A published share with its base: "27% of answers" / "27% delle risposte"."""
    _ = messages(lang)
    share = fmt.percent(float(value) / 100, 0, lang)
    unit = str(unit).strip()
    if unit == "% of answers":
        # Translators: a published share of the consultation's answers ("27% of answers")
        return _("{share} of answers", share=share)
    if unit == "% of votes":
        # Translators: a published share of the consultation's votes ("34% of votes")
        return _("{share} of votes", share=share)
    return share


def consultation_year(year, lang: str) -> str:
    """The year of a published share: "c. 2008" / "2008 circa"; as written otherwise."""
    if not isinstance(year, str):
        return fmt.MISSING if pd.isna(year) else fmt.year(year)
    match = re.fullmatch(r"c\.\s*(\d{4})", year.strip())
    if match:
        _ = messages(lang)
        # Translators: an approximate year of a published figure
        return _("c. {year}", year=match.group(1))
    return year


def consultation_source(source_id: str) -> str:
    """The citation marker of a published source ("@key", linked when the report is rendered), or its id."""
    from .. import bibliography

    return bibliography.source_marker(source_id) if source_id in bibliography.source_keys() else source_id


def consultation_rows(published: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The stakeholder consultation's published shares as real, cited figures: question, answer, share (as
    published), year and source (a citation marker, linked when the report is rendered)."""
    h = headers(lang)
    out = []
    for _i, r in consultation_figures(published).iterrows():
        question, answer = consultation_text(str(r["measure"]), lang)
        out.append({h["question"]: question, h["answer"]: answer, h["share"]: consultation_share(r["value"], r["unit"], lang),
                    h["year"]: consultation_year(r["year"], lang), h["source"]: consultation_source(r["source_id"])})
    table = pd.DataFrame(out)
    if len(table):
        table.loc[table[h["question"]].duplicated(), h["question"]] = ""
    return table


# --- the questionnaire's own blocks (awareness, certification status, workforce, training) -------------------
def _part(parts: dict, name: str):
    """A part of `adoption.questionnaire_blocks` if it was computed (a table), else None."""
    table = parts.get(name)
    return table if isinstance(table, pd.DataFrame) else None


def _row_of(table, **where):
    if table is None:
        return None
    hit = table
    for column, value in where.items():
        hit = hit[hit[column] == value]
    return hit.iloc[0] if len(hit) else None


def _share_of(row, lang: str) -> str:
    return fmt.MISSING if row is None else share_cell(row["k"], row["n"], row["share"], row["ci_low"], row["ci_high"],
                                                      lang)


def _mean_of(row, lang: str, digits: int) -> str:
    return fmt.MISSING if row is None or not row["n"] or pd.isna(row["mean"]) else _number(row["mean"], lang, digits)


def awareness_rows(questionnaire: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """CSR awareness, one column per sample (`questionnaire`: {group: `adoption.questionnaire_blocks`}): for
    each awareness item the mean answer (1 never heard of it ... 5 know it very well) and the firms knowing
    it well or very well, "firms/answering: share [Wilson 95% CI]"; a dash where the block was not answered."""
    cb = cb or load_codebook()
    h = headers(lang)
    rows, cells = [], {}
    for item in cb.awareness_items():
        for i, measure in enumerate(("mean", "well")):
            row = {h["q_item"]: awareness_name(item, lang) if i == 0 else "", h["measure"]: h[measure]}
            for group, parts in questionnaire.items():
                hit = _row_of(_part(parts, "awareness_summary"), item=item)
                row[sample_name(group, lang, cb)] = _mean_of(hit, lang, 2) if measure == "mean" else _share_of(hit, lang)
                cells[(len(rows), sample_name(group, lang, cb))] = _mean_cell(hit) if measure == "mean" else _share_cell(hit)
            rows.append(row)
    return _protected(rows, cells, questionnaire, lang, cb)


def cert_status_rows(questionnaire: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Certification status, one column per sample: for each certification the firms holding it, planning
    it and not interested (answers of scale `cert_status`), "firms/answering: share [Wilson 95% CI]"."""
    cb = cb or load_codebook()
    h = headers(lang)
    rows, cells, sums = [], {}, []
    for item in cb.cert_status_items():
        first = len(rows)
        for i, (code, answer) in enumerate(cb.answer_labels(item, lang).items()):
            row = {h["certification"]: certification_name(item, lang, cb) if i == 0 else "", h["status"]: answer}
            for group, parts in questionnaire.items():
                hit = _row_of(_part(parts, "cert_status"), item=item, answer=code)
                row[sample_name(group, lang, cb)] = _share_of(hit, lang)
                cells[(len(rows), sample_name(group, lang, cb))] = _share_cell(hit)
            rows.append(row)
        # the statuses of one certification add up to the firms answering, in each sample
        sums += [sdc.known_sum([(r, sample_name(g, lang, cb)) for r in range(first, len(rows))]) for g in questionnaire]
    return _protected(rows, cells, questionnaire, lang, cb, sums)


STAFF_ROWS = (("workforce", "wf_trainees", "trainees_share", "share"), ("workforce", "wf_trainees", "trainees_mean", "mean"),
              ("workforce", "wf_home_workers", "home_share", "share"), ("workforce", "wf_home_workers", "home_mean", "mean"),
              ("training", "tr_staff_trained_share", "trained_mean", "mean"),
              ("training", "tr_csr_training", "csr_training", "share"))


def staff_rows(questionnaire: dict, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Atypical workers and staff training, one column per sample: firms with trainees / home-workers and
    with training on safety, environment or social responsibility ("firms/answering: share [Wilson 95% CI]"),
    and the means over the answering firms (workers per firm, % of staff trained)."""
    cb = cb or load_codebook()
    h = headers(lang)
    rows, cells = [], {}
    for part, item, name, kind in STAFF_ROWS:
        row = {h["measure"]: h[name]}
        for group, parts in questionnaire.items():
            hit = _row_of(_part(parts, part), item=item)
            row[sample_name(group, lang, cb)] = _share_of(hit, lang) if kind == "share" else _mean_of(hit, lang, 1)
            # means of workers per firm or % of staff: magnitudes of a firm quantity, but only their n is kept
            cells[(len(rows), sample_name(group, lang, cb))] = _share_cell(hit) if kind == "share" else _mean_cell(hit)
        rows.append(row)
    return _protected(rows, cells, questionnaire, lang, cb)
