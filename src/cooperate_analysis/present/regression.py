"""Shared presentation of the regression analyses (district and cross-district reports): the notes on
analyses that could not be run, and (issue 22) the coefficient, power, robustness, ordered-item,
heterogeneity, certification and balance tables and their sentences.

Shared by the report kinds, so its messages are in ``common.po``; it never imports a report kind.
"""
from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from ..data.codebook import Codebook, load_codebook
from ..data.derived import label
from ..stats.inference import fdr_by_family
from ..stats.disclosure import Cell, known_sum
from . import formatting as fmt
from . import phrases, reasons
from .disclosure import attach
from .i18n import N_, messages


NOTE = N_("{variable}: {text}")
CAUTION = N_("{reason}.")
CAUTION_OF = N_("{variable}: {reason}.")


def notes(checks: dict, lang: str = "en", diagnostics: str = "", cb=None) -> str:
    """Why some analyses of a section could not be run, and their cautions: one sentence per
    analysis, named by its variable's label ('Score: Innovation performance: not estimable with these
    data: ...'), then `diagnostics` (`reasons.diagnostics_note`). '' when there is nothing to say."""
    cb = cb or load_codebook()
    _ = messages(lang)
    parts = []
    for name, check in checks.items():
        head = label(name, lang, cb) if name else ""
        if not check.ok:
            text = reasons.check_text(check, lang)
            parts.append(_(NOTE, variable=head, text=phrases.lower_first(text)) if head else text)
        for reason in check.caution:
            text = reasons.reason_text(reason, lang)
            parts.append(_(CAUTION_OF, variable=head, reason=text) if head else _(CAUTION, reason=text))
    if diagnostics:
        parts.append(diagnostics)
    return " ".join(parts)


# --- notes under a table: the reason of every dash ---------------------------------------------------------

DASH = N_("{dash}: {reason}")
DASH_NOT_ESTIMABLE = N_("{dash} ({row}): {reason}")
NO_ANSWER = N_("no firm answered")
NO_SPREAD = N_("a standard deviation needs at least two answering firms")
NOT_FINITE = N_("{dash} in an interval ({row}): the interval is not finite, so it is not given and not read")


def noted(df: pd.DataFrame, notes) -> pd.DataFrame:
    """`df` with the sentences to print under it (`show`): why a cell is a dash, what a mark means.
    Empty sentences are dropped, repeated ones kept once."""
    df.attrs["notes"] = list(dict.fromkeys(n for n in [*df.attrs.get("notes", []), *notes] if n))
    return df


def table_notes(df: pd.DataFrame) -> str:
    """The notes a builder attached to `df` (`noted`), as one paragraph's text."""
    return " ".join(df.attrs.get("notes", []))


def frames(builder, langs) -> dict:
    """{lang: builder(lang)}: a table built once per language, so that `with_notes` can read its notes."""
    return {lang: builder(lang) if callable(builder) else builder for lang in langs}


def with_notes(table, built: dict):
    """A `Report.table` (a Localized table built from `built`, e.g. ``rep.table((t := frames(f, langs)).get,
    key)``) with the builders' notes (`noted`) printed under the table, inside its figure (so they print
    with it): the reason of every dash and the meaning of every mark."""
    for lang, df in built.items():
        text = table_notes(df)
        if text and lang in table.by_lang:
            markup = table.by_lang[lang]
            end = markup.rfind("</figure>")
            table.by_lang[lang] = f'{markup[:end]}<p class="table-note">{html.escape(text)}</p>{markup[end:]}'
    return table


def dash_reasons(checks: dict, lang: str = "en", cb=None) -> list[str]:
    """'– (Innovation performance): not estimable with these data: ...' for each failed check of `checks`
    ({row name (a variable, a district or a free label): `estimability.Check`})."""
    cb = cb or load_codebook()
    _ = messages(lang)
    out = []
    for name, check in checks.items():
        if check is None or check.ok:
            continue
        out.append(_(DASH_NOT_ESTIMABLE, dash=fmt.MISSING, row=row_name(name, lang, cb),
                     reason=phrases.lower_first(reasons.check_text(check, lang))))
    return out


def row_name(name: str, lang: str, cb) -> str:
    """A row of a table named in a note: a score by its scale, a district by its short name, a variable by
    its label, anything else as it is."""
    if name in cb.districts:
        return district_short(name, lang, cb)
    if name == "pooled":
        return messages(lang).pgettext("table header", "Pooled")
    try:
        return outcome_label(name, lang, cb)
    except (KeyError, ValueError):
        return name


def missing_value_notes(df: pd.DataFrame, lang: str, reason_by_column: dict | None = None,
                        skip: tuple = ()) -> list[str]:
    """The generic reason of the dashes of a descriptive table: for each column with a missing cell (other
    than `skip`), `reason_by_column[column]` or 'no firm answered'."""
    _ = messages(lang)
    found = []
    for column in df.columns:
        if column in skip:
            continue
        values = df[column]
        if values.map(lambda v: (v is None) or (isinstance(v, float) and not np.isfinite(v))
                      or (isinstance(v, str) and v.strip() == fmt.MISSING)).any():
            found.append((reason_by_column or {}).get(column, _(NO_ANSWER)))
    return [_(DASH, dash=fmt.MISSING, reason=reason) for reason in dict.fromkeys(found)]


def share_cell(k, n, share, low, high, lang: str) -> str:
    """"5/28: 18% [8, 35]" (Italian "18% [8; 35]"): firms with the answer over the answering firms, the share
    and its 95% interval in whole percentages; a dash when no firm answered."""
    if pd.isna(n) or int(n) == 0 or pd.isna(share):
        return fmt.MISSING
    together = f"{fmt.percent(share, 0, lang)} {fmt.interval(100 * low, 100 * high, 0, lang)}".replace(" ", "\u00a0")
    return f"{fmt.integer(k, lang)}/{fmt.integer(n, lang)}: {together}"


# --- tables ----------------------------------------------------------------------------------------------

Z95 = 1.959963984540054  # normal 97.5% quantile: intervals of likelihood models


def _bh(values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values of one family (missing ones stay missing)."""
    p = np.asarray(list(values), dtype="float64")
    return fdr_by_family(p, ["family"] * len(p)) if len(p) else p


def _p(values, lang: str) -> list[str]:
    return [fmt.pvalue(v, lang) for v in values]


def digits(df: pd.DataFrame, places: dict[str, int]) -> pd.DataFrame:
    """`df` with the decimals of some columns fixed (read by `report.table_html` over its `digits`)."""
    df.attrs["digits"] = {column: d for column, d in places.items() if column in df.columns}
    return df


def ci(low, high, lang: str = "en", places: int = 2) -> str:
    """'[low, high]' ('[low; high]' in Italian), or '–' when the interval is missing."""
    return fmt.interval(low, high, places, lang)


def with_interval(estimate, low, high, lang: str = "en", places: int = 2) -> str:
    """'b [low, high]' in the separators of `lang`, or '–' when the estimate is missing."""
    return fmt.MISSING if pd.isna(estimate) else f"{fmt.number(estimate, places, lang)} {ci(low, high, lang, places)}"


def outcome_label(outcome: str, lang: str, cb: Codebook) -> str:
    """Row label of a modelled outcome: the scale name for a score (the header says it is the
    outcome), else its label."""
    return cb.label(outcome.removeprefix("score_"), lang) if outcome.startswith("score_") and \
        outcome.removeprefix("score_") in cb.outcome_scales else label(outcome, lang, cb)


def district_short(district: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """Short name of a district for a table column ("Capannori (paper)"), its full label otherwise."""
    cb = cb or load_codebook()
    spec = cb.districts.get(district, {})
    return spec["short"][lang] if "short" in spec else cb.label(district, lang)


def _short_number(text: str, lang: str) -> str:
    """A number written in code ("0.1", "0.25") with the separators of `lang`."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return fmt.number(float(text), decimals, lang)


def answer(value: bool, lang: str) -> str:
    _ = messages(lang)
    return _.pgettext("table cell", "yes") if value else _.pgettext("table cell", "no")


def coefficient_rows(fits: dict, term: str, lang: str = "en", cb: Codebook | None = None,
                     p_holm: pd.Series | None = None, checks: dict | None = None) -> pd.DataFrame:
    """One row per outcome: the coefficient of `term` with SE, its 95% interval (the model's own,
    t(n - k) for OLS / WLS), p, n and R²; with `p_holm` (Holm-adjusted p-values by outcome) a column
    for the confirmatory family. With `checks` ({outcome: `estimability.Check`}) an outcome whose model
    failed its gate keeps its row, with dashes and its reason in the note under the table (`noted`):
    no number of a gated model is printed."""
    cb = cb or load_codebook()
    h = messages(lang)
    outcomes = list(dict.fromkeys([*(checks or {}), *fits]))
    rows, gated = [], {}
    for outcome in outcomes:
        name = {h.pgettext("table header", "Outcome"): outcome_label(outcome, lang, cb)}
        if outcome not in fits:
            gated[outcome] = (checks or {}).get(outcome)
            rows.append(name | dict.fromkeys([h.pgettext("table header", "Coefficient"), h.pgettext("table header", "SE (HC3)")], np.nan)
                        | {h.pgettext("table header", "95% CI"): fmt.MISSING, "p": fmt.MISSING}
                        | ({} if p_holm is None else {h.pgettext("table header", "p (Holm)"): fmt.MISSING})
                        | {"n": pd.NA, "R²": np.nan})
            continue
        fit = fits[outcome]
        row = fit.term(term)
        rows.append(name | {h.pgettext("table header", "Coefficient"): row["estimate"],
                            h.pgettext("table header", "SE (HC3)"): row["std_error"],
                            h.pgettext("table header", "95% CI"): ci(row["ci_low"], row["ci_high"], lang),
                            "p": fmt.pvalue(row["p_value"], lang)}
                    | ({} if p_holm is None else {h.pgettext("table header", "p (Holm)"): fmt.pvalue(p_holm[outcome], lang)})
                    | {"n": int(fit.n), "R²": fit.r2})
    out = pd.DataFrame(rows)
    if "n" in out:
        out["n"] = pd.array(out["n"], dtype="Int64")
    notes = dash_reasons({o: c for o, c in gated.items() if c is not None}, lang, cb)
    if p_holm is not None and gated:
        notes.append(h.ngettext("Holm's adjustment is over the {n} estimated test.",
                                "Holm's adjustment is over the {n} estimated tests.", len(fits)))
    return noted(out, notes)


def group_label(group: str, lang: str, cb: Codebook) -> str:
    """A district's name, "Pooled" for the pooled sample."""
    if group in cb.districts:
        return cb.label(group, lang)
    return messages(lang).pgettext("table header", "Pooled") if group == "pooled" else group


def power_rows(power: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Power table with labelled groups (districts and the pooled sample in the report language)."""
    cb = cb or load_codebook()
    h = messages(lang)
    out = pd.DataFrame({h.pgettext("table header", "Sample"): [group_label(g, lang, cb) for g in power["group"]],
                        "n": power["n"].astype("int64")})
    for col in [c for c in power.columns if c.startswith("power_r")]:
        out[h.pgettext("table header", "Power at r = {r}", r=_short_number(col.removeprefix("power_r"), lang))] = power[col]
    out[h.pgettext("table header", "Minimum detectable r (80%)")] = power["mde_r"]
    return out


def weighted_rows(weighted: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Unweighted and post-stratified means side by side, with the weighted SE and 95% interval."""
    cb = cb or load_codebook()
    h = messages(lang)
    out = pd.DataFrame({h.pgettext("table header", "Variable"): [label(v, lang, cb) for v in weighted["variable"]],
                        h.pgettext("table header", "Unweighted"): weighted["unweighted_mean"].to_numpy(),
                        h.pgettext("table header", "Weighted"): weighted["mean"].to_numpy(), h.pgettext("table header", "SE"): weighted["se"].to_numpy()})
    if {"ci_low", "ci_high"} <= set(weighted.columns):
        out[h.pgettext("table header", "95% CI")] = [ci(lo, hi, lang) for lo, hi in zip(weighted["ci_low"], weighted["ci_high"])]
    return noted(out, missing_value_notes(out, lang, {h.pgettext("table header", "Weighted"): messages(lang)(NOT_WEIGHTED),
                                                      h.pgettext("table header", "SE"): messages(lang)(NOT_WEIGHTED),
                                                      h.pgettext("table header", "95% CI"): messages(lang)(NOT_WEIGHTED)}))


def heterogeneity_rows(het: dict, lang: str = "en", cb: Codebook | None = None, checks: dict | None = None) -> pd.DataFrame:
    """Per-district slopes of each score with their 95% intervals (t(n - k), from the pooled model),
    one row per district, and on the first row of each score the Wald p-value of equal slopes and
    its Benjamini-Hochberg adjustment over the scores (a secondary family)."""
    cb = cb or load_codebook()
    h = messages(lang)
    adjusted = dict(zip(het, _bh(result.wald_p_value for result in het.values())))
    rows = []
    for outcome, result in het.items():
        for i, (_, s) in enumerate(result.slopes.iterrows()):
            rows.append({h.pgettext("table header", "Outcome"): outcome_label(outcome, lang, cb) if i == 0 else "",
                         h.pgettext("table header", "District"): district_short(s["district"], lang, cb),
                         h.pgettext("table header", "Slope"): s["estimate"], h.pgettext("table header", "95% CI"): ci(s["ci_low"], s["ci_high"], lang),
                         h.pgettext("table header", "Equal slopes: Wald p"): fmt.pvalue(result.wald_p_value, lang) if i == 0 else "",
                         h.pgettext("table header", "Wald p (BH)"): fmt.pvalue(adjusted[outcome], lang) if i == 0 else ""})
    out = pd.DataFrame(rows)
    notes = []
    if len(out) and (out[h.pgettext("table header", "95% CI")] == fmt.MISSING).any():
        notes.append(_dash_text(lang, NO_SLOPE))
    notes += dash_reasons({o: c for o, c in (checks or {}).items() if o not in het}, lang, cb)
    if notes and checks and any(not c.ok for c in checks.values()):
        notes.append(messages(lang).ngettext("The adjustment is over the {n} estimated score.",
                                             "The adjustment is over the {n} estimated scores.", len(het)))
    return noted(out, notes)


NO_SLOPE = N_("a district's slope and interval need firms of that district with varying CSR index")
UNCOUNTED = N_("no source counts the firms of this size class, so the population figure is not given")
NOT_WEIGHTED = N_("not estimable with the weights (a stratum of one firm or no firm answered)")
NO_BALANCE = N_("the covariate does not vary in a group, so its standardized difference is not defined")
RESIDUAL_GATE = N_("the estimation did not succeed")


def _dash_text(lang: str, reason: str, **values) -> str:
    _ = messages(lang)
    return _(DASH, dash=fmt.MISSING, reason=_(reason, **values))


def sample_vs_population(cells: pd.DataFrame, by: str = "size_class", lang: str = "en",
                         cb: Codebook | None = None) -> pd.DataFrame:
    """Firms in the sample (n) and in the population (N) by size class or by district, from the
    `cells` of `inference.poststrat_weights`; by size class within one district, also the
    post-stratification weight of each class (after merging sparse classes)."""
    cb = cb or load_codebook()
    h = messages(lang)
    order = list(cb.size_classes) if by == "size_class" else list(cb.district_ids)
    sums = cells.groupby(by)[["n", "N"]].sum()
    sums = sums.loc[[k for k in order if k in sums.index]]
    if "uncounted" in cells:  # a class no source counts (firms of 250+ employees): absent, not 0
        uncounted = cells.groupby(by)["uncounted"].all().reindex(sums.index)
        sums["N"] = sums["N"].astype("float64").mask(uncounted.to_numpy())
    group = h.pgettext("table header", "Size class") if by == "size_class" else h.pgettext("table header", "District") if by == "district" else by
    share_n, share_N = h.pgettext("table header", "Sample (%)"), h.pgettext("table header", "Population (%)")
    out = pd.DataFrame({group: [cb.label(k, lang) for k in sums.index],
                        h.pgettext("table header", "Sample firms"): sums["n"].to_numpy(), share_n: 100 * sums["n"].to_numpy() / sums["n"].sum(),
                        h.pgettext("table header", "Population firms"): pd.array(sums["N"].round(), dtype="Int64"),  # a count: no decimals
                        share_N: 100 * sums["N"].to_numpy() / sums["N"].sum()})
    if by == "size_class" and cells["district"].nunique() == 1:
        out[h.pgettext("table header", "Weight per firm")] = cells.set_index(by)["weight"].reindex(sums.index).to_numpy()
    # disclosure policy: the sample counts (the population counts are published figures); they add up to the sample
    sample = h.pgettext("table header", "Sample firms")
    policy = {(i, c): Cell.count(int(n)) for i, n in enumerate(sums["n"]) for c in (sample, share_n)}
    notes = [_dash_text(lang, UNCOUNTED)] if out[h.pgettext("table header", "Population firms")].isna().any() else []
    return noted(attach(digits(out, {share_n: 1, share_N: 1}), policy,
                        [known_sum([(i, c) for i in range(len(out))]) for c in (sample, share_n)]), notes)


def missingness(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Item non-response by block of the questionnaire: share of missing answers and of firms with
    at least one missing answer in the block."""
    cb = cb or load_codebook()
    h = messages(lang)
    _ = messages(lang)
    blocks = {_.pgettext("questionnaire block", "Firm profile"): ["employees", "export_share", "firm_age"]}
    blocks |= {cb.label(d, lang): items for d, items in cb.practices_by_dimension().items()}
    blocks[_.pgettext("questionnaire block", "Certifications")] = cb.certifications(None)
    blocks |= {cb.label(k, lang): items for k, items in cb.items_by_scale().items()}
    cells, firms = h.pgettext("table header", "Missing answers (%)"), h.pgettext("table header", "Firms with a gap (%)")
    rows = [{h.pgettext("table header", "Variables"): name, h.pgettext("table header", "Columns"): len(cols), cells: 100 * df[cols].isna().to_numpy().mean(),
             firms: 100 * df[cols].isna().any(axis=1).mean()} for name, cols in blocks.items()]
    return digits(pd.DataFrame(rows), {cells: 1, firms: 1})


INDEX_RULE = N_("A CSR dimension index is the share of its practices adopted among those the firm answered, and is "
                "missing when fewer than half of them were answered; the overall index is missing unless every "
                "dimension index exists; a competitiveness score is the mean of its answered items, missing when "
                "fewer than half were answered.")


def index_missing_rows(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """How the CSR indices and the scores treat missing items (`data.derived.index_missing`): per index, its
    items, the firms with at least one of its items missing, and the firms whose index is missing (and so
    are left out of every analysis of it), as counts and shares of the firms."""
    from ..data.derived import index_missing

    cb = cb or load_codebook()
    h = messages(lang)
    counts = index_missing(df, cb)
    n = counts["n"].replace(0, np.nan)
    gaps, missing = h.pgettext("table header", "Firms with a gap"), h.pgettext("table header", "Index missing")

    def count(k, share):
        return fmt.MISSING if pd.isna(share) else f"{fmt.integer(int(k), lang)} ({fmt.percent(share, 1, lang)})"

    out = pd.DataFrame({h.pgettext("table header", "Index"): [label(i, lang, cb) for i in counts["index"]],
                        h.pgettext("table header", "Items"): counts["k"].to_numpy(), "n": counts["n"].to_numpy(),
                        gaps: [count(k, k / m) for k, m in zip(counts["with_gaps"], n)],
                        missing: [count(k, k / m) for k, m in zip(counts["missing"], n)]})
    return noted(out, [h(INDEX_RULE)])


def index_missing_values(df: pd.DataFrame, cb: Codebook | None = None) -> pd.DataFrame:
    """`data.derived.index_missing` for the results file (index, k, n, with_gaps, missing, share_missing)."""
    from ..data.derived import index_missing

    return index_missing(df, cb or load_codebook())


MEAN_FPC = N_("95% CI: t interval of the mean with the finite-population correction (the sample holds {share} of the "
              "district's firms).")
MEAN_T = N_("95% CI: t interval of the mean.")


def describe(df: pd.DataFrame, columns: list[str], lang: str = "en", cb: Codebook | None = None,
             population: float | None = None, interval: bool = False) -> pd.DataFrame:
    """Mean, SD, median and missing share of numeric variables, labelled. With `interval` a 95% CI of each
    mean (`stats.measures.mean_interval`: t(n - 1), the variance finite-population corrected when the
    sample's firms exceed 5% of the `population` N)."""
    from ..stats.measures import fpc_factor, mean_interval

    cb = cb or load_codebook()
    h = messages(lang)
    missing = h.pgettext("table header", "Missing (%)")
    rows = []
    corrected = False
    for col in columns:
        x = df[col].astype("float64")
        row = {h.pgettext("table header", "Variable"): label(col, lang, cb), h.pgettext("table header", "Answered"): int(x.notna().sum()), h.pgettext("table header", "Mean"): x.mean()}
        if interval:
            est = mean_interval(x, population)
            row[h.pgettext("table header", "95% CI")] = ci(est["ci_low"], est["ci_high"], lang)
            corrected |= est["fpc"] < 1
        rows.append(row | {h.pgettext("table header", "SD"): x.std(), h.pgettext("table header", "Median"): x.median(), missing: 100 * x.isna().mean()})
    # disclosure policy: mean and SD are magnitudes of the firms' values (threshold and dominance), the median
    # an order statistic (one firm's value: the magnitude threshold)
    policy = {}
    for i, col in enumerate(columns):
        values = df[col].astype("float64").dropna().to_numpy()
        policy |= {(i, h.pgettext("table header", "Mean")): Cell.magnitude(values),
                   (i, h.pgettext("table header", "SD")): Cell.magnitude(values),
                   (i, h.pgettext("table header", "Median")): Cell("quantile", n=len(values))}
    out = attach(digits(pd.DataFrame(rows), {missing: 1}), policy)
    notes = []
    if interval:
        notes.append(h(MEAN_FPC, share=fmt.percent(len(df) / population, 1, lang)) if corrected and population else h(MEAN_T))
    return noted(out, notes + missing_value_notes(out, lang, {h.pgettext("table header", "SD"): messages(lang)(NO_SPREAD),
                                                             h.pgettext("table header", "95% CI"): messages(lang)(NO_SPREAD)}))


def exposure_label(exposure: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """Short column name of an exposure of the association grid: the CSR dimension's name for its
    index ("Workplace"), "Any certification" for `cert_any`, the variable's label otherwise."""
    cb = cb or load_codebook()
    if exposure.startswith("csr_") and exposure.removeprefix("csr_") in cb.csr_dimensions:
        return cb.label(exposure.removeprefix("csr_"), lang)
    if exposure == "cert_any":
        return messages(lang).pgettext("table header", "Any certification")
    return label(exposure, lang, cb)


NO_RANK = N_("the association needs at least 3 firms answering both questions, and both answers must vary")


def grid_rows(grid: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The association grid as a table: outcome items by exposure, 'effect (BH-adjusted p)', with
    short exposure names so that its seven columns fit a portrait page."""
    cb = cb or load_codebook()
    cells = grid.assign(cell=[fmt.MISSING if pd.isna(e) else f"{fmt.number(e, 2, lang)} ({fmt.pvalue(p, lang)})"
                              for e, p in zip(grid["effect"], grid["p_adj"])])
    wide = cells.pivot(index="outcome", columns="exposure", values="cell")
    wide = wide.loc[list(grid["outcome"].drop_duplicates()), list(grid["exposure"].drop_duplicates())]
    out = pd.DataFrame({messages(lang).pgettext("table header", "Competitiveness item"): [cb.label(o, lang) for o in wide.index]})
    for exposure in wide.columns:
        out[exposure_label(exposure, lang, cb)] = wide[exposure].to_numpy()
    return noted(out, [_dash_text(lang, NO_RANK)] if grid["effect"].isna().any() else [])


def _likert3(category: str, lang: str) -> str:
    _ = messages(lang)
    names = {"worse": _.pgettext("answer: compared with competitors", "worse"),
             "same": _.pgettext("answer: compared with competitors", "same"),
             "better": _.pgettext("answer: compared with competitors", "better")}
    return names.get(category, category)


ORDERED_NOT_FITTED = N_("{dash} ({row}): the ordered logit did not converge, so it gives no estimate")
ORDERED_SINGULAR = N_("{dash} ({row}): the ordered logit has a singular information matrix (separation: an answer "
                      "category is perfectly predicted), so it gives no estimate")
BRANT_CATEGORIES = N_("{dash} in Brant p ({row}): the Brant test needs three observed answer categories")
BRANT_FAILED = N_("{dash} in Brant p ({row}): the Brant test could not be computed, because the binary logit at a "
                  "cut-point did not converge or separates")
FLAG_SEPARATION = N_("{mark} separation: a coefficient or cut-point is beyond ±{bound} on the log-odds scale "
                     "(largest {value}), the signature of an answer category (nearly) perfectly predicted; the row "
                     "is estimated but not read")
FLAG_BRANT = N_("{mark} degenerate Brant test (not computable, or p = 1.000 with degrees of freedom left): it says "
                "nothing about proportional odds; the row is not read")
SEPARATION_MARK, BRANT_MARK = "†", "‡"


def ordered_notes(items: pd.DataFrame, lang: str = "en", cb: Codebook | None = None,
                  checks: dict | None = None) -> list[str]:
    """The reason of every dash of `ordered_rows` (a model not estimated: its gate in `checks`, else the
    fit's failure recorded in `items["note"]`; a Brant p not computed), the meaning of the flags, and the
    number of items the Benjamini-Hochberg adjustment is over (counted from the data)."""
    cb = cb or load_codebook()
    _ = messages(lang)
    notes = []
    flagged = {"separation": [], "brant": []}
    for _i, r in items.iterrows():
        row = cb.label(r["outcome"], lang)
        note = r["note"] if isinstance(r.get("note"), str) else ""
        if not phrases.finite(r["estimate"]):
            check = (checks or {}).get(r.get("outcome"))
            if check is not None and not check.ok:
                notes.append(_(DASH_NOT_ESTIMABLE, dash=fmt.MISSING, row=row,
                               reason=phrases.lower_first(reasons.check_text(check, lang))))
            elif "singular" in note or "separat" in note:
                notes.append(_(ORDERED_SINGULAR, dash=fmt.MISSING, row=row))
            else:
                notes.append(_(ORDERED_NOT_FITTED, dash=fmt.MISSING, row=row))
            continue
        if not phrases.finite(r["brant_p_value"]):
            brant = BRANT_CATEGORIES if "categories" in note else BRANT_FAILED
            notes.append(_(brant, dash=fmt.MISSING, row=row))
        if bool(r.get("separation", False)):
            flagged["separation"].append(float(r["max_abs_logodds"]))
        if bool(r.get("brant_degenerate", False)) and phrases.finite(r["brant_p_value"]):
            flagged["brant"].append(row)
    from ..stats.policy import TAU_BOUND

    if flagged["separation"]:
        notes.append(_(FLAG_SEPARATION, mark=SEPARATION_MARK, bound=fmt.number(TAU_BOUND, 0, lang),
                       value=fmt.number(max(flagged["separation"]), 2, lang)))
    if flagged["brant"]:
        notes.append(_(FLAG_BRANT, mark=BRANT_MARK))
    fitted = int(np.isfinite(items["p_value"].astype("float64")).sum())
    if fitted < len(items):
        notes.append(_.ngettext("p (BH) is adjusted over the {n} item whose ordered logit was estimated.",
                                "p (BH) is adjusted over the {n} items whose ordered logit was estimated.", fitted))
    return notes


def ordered_rows(items: pd.DataFrame, lang: str = "en", cb: Codebook | None = None, step: float = 0.1,
                 checks: dict | None = None) -> pd.DataFrame:
    """`models.ordered_items` as a table: log-odds slope with its 95% interval, p and its
    Benjamini-Hochberg adjustment over the items (a secondary family: the items whose model was
    estimated), AMEs on the end categories in percentage points per `step` of the exposure (a tenth of
    the CSR index by default) with their intervals, Brant p. Intervals use the normal reference, as the
    likelihood model's tests. A row flagged for separation is marked † after the item, one whose Brant
    test is degenerate ‡; the notes under the table (`ordered_notes`) give the reason of every dash and
    the meaning of the marks (`checks`: the items' `estimability.ordered` gates)."""
    cb = cb or load_codebook()
    h = messages(lang)
    scale = 100 * step
    ends = items[["lowest", "highest"]].dropna()
    low, high = ends.iloc[0] if len(ends) else ("worse", "better")
    ame = {end: [with_interval(scale * e, scale * (e - Z95 * se), scale * (e + Z95 * se), lang, 1)
                 for e, se in zip(items[f"ame_{end}"], items[f"ame_{end}_se"])] for end in ("lowest", "highest")}
    marks = []
    for _i, r in items.iterrows():
        mark = (SEPARATION_MARK if bool(r.get("separation", False)) else "") + \
            (BRANT_MARK if bool(r.get("brant_degenerate", False)) and phrases.finite(r["brant_p_value"]) else "")
        marks.append("\u00a0" + mark if mark else "")
    out = pd.DataFrame({
        h.pgettext("table header", "Item"): [cb.label(i, lang) + m for i, m in zip(items["outcome"], marks)],
        h.pgettext("table header", "Log-odds [95% CI]"): [with_interval(b, b - Z95 * se, b + Z95 * se, lang)
                                 for b, se in zip(items["estimate"], items["std_error"])],
        "p": _p(items["p_value"], lang),
        h.pgettext("table header", "p (BH)"): _p(_bh(items["p_value"]), lang),
        h.pgettext("table header", "AME on P({cat}) [95% CI]", cat=_likert3(high, lang)): ame["highest"],
        h.pgettext("table header", "AME on P({cat}) [95% CI]", cat=_likert3(low, lang)): ame["lowest"],
        h.pgettext("table header", "Brant p"): _p(items["brant_p_value"], lang), "n": pd.array(items["n"], dtype="Int64")})
    return noted(out, ordered_notes(items, lang, cb, checks))


def method_header(method: str, m: int, lang: str) -> str:
    """The column of an estimator in the robustness table."""
    h = messages(lang)
    if method == "complete":
        return h.pgettext("table header", "Complete cases (OLS)")
    if method == "weighted":
        return h.pgettext("table header", "Post-stratified (WLS, HC1)")
    return h.pgettext("table header", "Multiple imputation (m = {m})", m=fmt.integer(m, lang))


def robustness_rows(estimates: dict[str, dict[str, pd.Series]], m: int, lang: str = "en",
                    cb: Codebook | None = None) -> pd.DataFrame:
    """One row per outcome, 'b [95% CI]' of the same coefficient under each estimator, each with
    the interval of its model (t(n - k) for OLS and WLS, Barnard-Rubin t for multiple imputation).
    A coefficient that is not finite prints a dash, an interval that is not finite (e.g. Barnard-Rubin
    degrees of freedom near 0) a dash after the estimate; the note under the table says why.

    `estimates[outcome][method]` is a row with estimate, ci_low, ci_high; methods 'complete',
    'weighted', 'mice'."""
    cb = cb or load_codebook()
    _ = messages(lang)
    rows, notes = [], []
    for outcome, by_method in estimates.items():
        row = {_.pgettext("table header", "Outcome"): outcome_label(outcome, lang, cb)}
        for method, est in by_method.items():
            header = method_header(method, m, lang)
            if not phrases.finite(est["estimate"]):
                row[header] = fmt.MISSING
                notes.append(_(DASH_NOT_ESTIMABLE, dash=fmt.MISSING, row=f"{row[_.pgettext('table header', 'Outcome')]}, {header}",
                               reason=_(RESIDUAL_GATE)))
            elif not (phrases.finite(est["ci_low"]) and phrases.finite(est["ci_high"])):
                row[header] = f"{fmt.number(est['estimate'], 2, lang)} {fmt.MISSING}"
                notes.append(_(NOT_FINITE, dash=fmt.MISSING, row=f"{row[_.pgettext('table header', 'Outcome')]}, {header}"))
            else:
                row[header] = with_interval(est["estimate"], est["ci_low"], est["ci_high"], lang)
        rows.append(row)
    return noted(pd.DataFrame(rows), notes)


def certification_rows(effects: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """`models.certification_effect` tables stacked: IPW and AIPW differences per outcome with their
    95% intervals (normal reference, GMM standard errors), p and its Benjamini-Hochberg adjustment
    over the outcomes within each estimator (a secondary family), n and certified firms."""
    cb = cb or load_codebook()
    h = messages(lang)
    adjusted = pd.Series(fdr_by_family(effects["p_value"].to_numpy(), effects["model"].to_numpy()), index=effects.index)
    out = pd.DataFrame({h.pgettext("table header", "Outcome"): [outcome_label(o, lang, cb) for o in effects["outcome"]],
                         h.pgettext("table header", "Estimator"): effects["model"].to_numpy(),
                         h.pgettext("table header", "Difference"): effects["estimate"].to_numpy(),
                         h.pgettext("table header", "95% CI"): [ci(lo, hi, lang) for lo, hi in zip(effects["ci_low"], effects["ci_high"])],
                         "p": _p(effects["p_value"], lang), h.pgettext("table header", "p (BH)"): _p(adjusted, lang),
                         h.pgettext("table header", "n (certified)"): [f"{fmt.integer(n, lang)} ({fmt.integer(t, lang)})"
                                              for n, t in zip(effects["n"], effects["n_treated"])]})
    unfinished = effects[["estimate", "ci_low", "ci_high", "p_value"]].astype("float64")
    return noted(out, [_dash_text(lang, RESIDUAL_GATE)] if not np.isfinite(unfinished.to_numpy()).all() else [])


def balance_label(covariate: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """Label of a covariate of the treatment model: a variable, a district, or a district dummy
    written 'district=<id>' (`models.covariate_balance`) or 'district[T.<id>]' (patsy): the district's name."""
    cb = cb or load_codebook()
    dummy = re.fullmatch(r"(\w+)\[T\.(.+)\]", covariate) or re.fullmatch(r"(\w+)=(.+)", covariate)
    name = dummy.group(2) if dummy else covariate
    try:
        return cb.label(name, lang) if name in cb.districts else label(name, lang, cb)
    except KeyError:
        return covariate


def balance_rows(balance: pd.DataFrame, lang: str = "en", cb: Codebook | None = None,
                 threshold: float = 0.1) -> pd.DataFrame:
    """Covariate balance of the IPW / AIPW treatment model: standardized mean differences of each
    covariate between certified and non-certified firms before and after inverse probability
    weighting, and whether |SMD| is below `threshold` (0.1, Austin 2009) after weighting. `balance`
    has columns covariate, smd_before, smd_after (and optionally outcome, shown first)."""
    cb = cb or load_codebook()
    h = messages(lang)
    out = pd.DataFrame({h.pgettext("table header", "Covariate"): [balance_label(c, lang, cb) for c in balance["covariate"]],
                        h.pgettext("table header", "SMD before weighting"): balance["smd_before"].astype("float64").to_numpy(),
                        h.pgettext("table header", "SMD after weighting"): balance["smd_after"].astype("float64").to_numpy(),
                        h.pgettext("table header", "|SMD| < {threshold} after weighting", threshold=fmt.number(threshold, 1, lang)):
                            [None if pd.isna(a) else answer(bool(abs(a) < threshold), lang)
                             for a in balance["smd_after"]]})
    if "outcome" in balance.columns:
        out.insert(0, h.pgettext("table header", "Outcome"), [outcome_label(o, lang, cb) for o in balance["outcome"]])
    missing = balance[["smd_before", "smd_after"]].astype("float64").isna().to_numpy().any()
    return noted(out, [_dash_text(lang, NO_BALANCE)] if missing else [])


# --- the index page's sentence of a district or cross-district run ---------------------------------------

INDEX_COEF = N_("CSR coefficient per full step of the index, points on the 1-5 scale with 95% CI: {list}; {holm}.")
INDEX_COEF_N = N_("CSR coefficient per full step of the index, points on the 1-5 scale with 95% CI (n = {n}): "
                  "{list}; {holm}.")
INDEX_ITEM = N_("{scale} {estimate} {interval}")
INDEX_NOT_ESTIMABLE = N_("{scale} not estimable")
INDEX_ASSOCIATION = N_("associations, not effects")
INDEX_HOLM_NONE_OF_ONE = N_("it does not survive Holm's adjustment")
INDEX_HOLM_NONE = N_("none of the {m} survives Holm's adjustment")


def confirmatory_index_sentence(values: dict, prefix: str, lang: str = "en", cb=None) -> str:
    """One findings sentence for the index page from a run's recorded `values`: the CSR coefficient
    on each score with its 95% CI ('<prefix>.<score>.csr_overall.*', prefix 'ols' or 'ols_pooled'),
    n when recorded, how many survive Holm ('holm.<score>.p_adj'); '' when none is recorded."""
    cb = cb or load_codebook()
    _ = messages(lang)

    def num(key):
        value = values.get(key)
        return float(value) if phrases.finite(value) and not isinstance(value, bool) else None

    parts, ns, holm = [], [], []
    for scale in cb.outcome_scales:
        s = f"score_{scale}"
        name = phrases.lower_first(cb.label(scale, lang))
        est = num(f"{prefix}.{s}.csr_overall.estimate")
        if est is None:
            if f"{prefix}.{s}" in values or f"{prefix}.{s}.csr_overall.estimate" in values:
                parts.append(_(INDEX_NOT_ESTIMABLE, scale=name))
            continue
        parts.append(_(INDEX_ITEM, scale=name, estimate=phrases.estimate(est, lang),
                       interval=phrases.interval(num(f"{prefix}.{s}.csr_overall.ci_low"),
                                                 num(f"{prefix}.{s}.csr_overall.ci_high"), lang)))
        if num(f"{prefix}.{s}.n") is not None:
            ns.append(int(num(f"{prefix}.{s}.n")))
        if num(f"holm.{s}.p_adj") is not None:
            holm.append(num(f"holm.{s}.p_adj"))
    if not parts:
        return ""
    k, m = sum(p < phrases.ALPHA for p in holm), len(holm)
    if not m:
        holm_text = _(INDEX_ASSOCIATION)
    elif k == 0 and m == 1:
        holm_text = _(INDEX_HOLM_NONE_OF_ONE)
    elif k == 0:  # two tests or more
        holm_text = _(INDEX_HOLM_NONE, m=fmt.integer(m, lang))
    else:
        holm_text = _.ngettext("{k} of {n} survives Holm's adjustment", "{k} of {n} survive Holm's adjustment", k,
                               k=fmt.integer(k, lang), n=fmt.integer(m, lang))
    listed = "; ".join(parts)
    if ns:
        return _(INDEX_COEF_N, n=fmt.integer(max(ns), lang), list=listed, holm=holm_text)
    return _(INDEX_COEF, list=listed, holm=holm_text)


TERM_COLUMNS = ("estimate", "std_error", "p_value", "ci_low", "ci_high")


def record_terms(rec, prefix: str, fit) -> None:
    """Record every term of a fitted model (`stats.referee.coefficient_table`: intercept and fixed effects
    included) under `prefix`: `<prefix>.<term>.<column>` for estimate, std_error, p_value, ci_low and
    ci_high, and `<prefix>.n`, `<prefix>.r2` (or the model's fit statistic) and `<prefix>.df_resid` (n minus
    the number of coefficients), so a paper can print the full coefficient table from the results."""
    from ..stats import referee

    table = referee.coefficient_table(fit)
    for row in table.itertuples(index=False):
        for column in TERM_COLUMNS:
            rec.record(f"{prefix}.{row.term}.{column}", getattr(row, column))
    n = int(table["n"].iloc[0])
    rec.record(f"{prefix}.n", n)
    rec.record(f"{prefix}.{table['fit_statistic'].iloc[0] or 'fit'}", table["fit_value"].iloc[0])
    rec.record(f"{prefix}.df_resid", n - len(table))
