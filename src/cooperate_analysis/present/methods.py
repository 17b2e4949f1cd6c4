"""The "Data and methods" / "Dati e metodi" section of every report.

`section(kind, lang, meta, ...)` returns the section as HTML for kind "district", "cross-district",
"speccurve", "sustainability" or "channels": the COOPERATE project and how it surveyed firms (only
what the sources in present/references.json say, and what they leave unknown), the questionnaire of
this compendium (counted from the codebook), the sample analysed (from the processed survey's
metadata: synthetic or supplied by the user), the population frame behind the weights (from
data/raw/population_frame.csv, each district total with its source or as an assumption) and the
estimators of that kind of report, each with its citation. Every paragraph is a message of the
common catalog, its first sentence the paragraph's bold lead; counts and names come from the
codebook and the data. Citations are written as markers ("[@holm1979]") and linked by
`bibliography.cite_markers`, so the report's references section (`bibliography.references_for`)
lists them.
"""
from __future__ import annotations

import html
import re

import pandas as pd

from ..data.codebook import Codebook, load_codebook
from . import bibliography
from .formatting import integer, join
from .phrases import share_phrase
from .i18n import N_, messages

KINDS = ("district", "cross-district", "speccurve", "sustainability", "channels")
TITLE = N_("Data and methods")
SECTION_ID = "data-and-methods"
CERTIFICATION_NAMES = {"cert_iso14001": "ISO 14001", "cert_emas": "EMAS", "cert_sa8000": "SA8000",
                       "cert_ohsas18001": "OHSAS 18001", "cert_iso9001": "ISO 9001"}

PROJECT = N_("The COOPERATE project. COOPERATE was a project of the Scuola Superiore Sant'Anna (Pisa) and the "
    'development agency of Empolese Valdelsa (ASEV), co-financed by the European Commission (DG '
    'Enterprise and Industry) under its programme “Mainstreaming CSR among SMEs” '
    '[@cooperate_final_report; @santanna_cooperate]. The sources date it differently: launched in '
    '2006 [@pmi_cooperate]; from 1 January 2007 to 1 January 2009 [@santanna_cooperate]. It worked'
    ' through local intermediary institutions (trade associations, unions, local authorities and '
    'consortia) in Tuscan industrial districts: {districts} [@battaglia2010].')
SURVEY = N_('How firms were surveyed. The project interviewed 92 firms of its districts in all, with a '
    'questionnaire in five blocks (awareness of CSR; ethical and environmental certifications held, '
    'and interest in them; key stakeholders; organisation and “atypical” workers such as trainees and'
    ' home-workers; staff training); it also consulted local stakeholders and held focus groups '
    '[@vaasa_cooperate]. No source we could read reports how the firms were selected, how many were '
    'interviewed in each district, the response rate, how the interviews were conducted, who answered'
    " in each firm, or the wording and answer scales of the items; the project's microdata are not "
    'public.')
QUESTIONNAIRE = N_("Questionnaire of this compendium. The analyses follow this compendium's codebook, reconstructed "
    'from those blocks, from the questionnaire of the follow-up COSMIC survey of 2009 '
    '[@cosmic_website] and from the practice list of @battaglia2014; it is not the COOPERATE '
    'questionnaire. Firm profile: employees, turnover class, export share, firm age. CSR: '
    '{n_practices} yes/no practices in {n_dims} dimensions ({dims}), whose shares adopted are '
    'averaged into the overall CSR index (0 to 1), and {n_certs} certifications ({certs}). '
    'Competitiveness: {n_items} items on the change over the last three years compared with '
    'competitors, on a five-point scale from “{low}” to “{high}”, averaged into {n_scales} scores '
    '({scales}) after @battaglia2014.')
SAMPLE_SYNTHETIC = N_('Sample. The survey analysed here is synthetic: {rows} firms ({by_district}) drawn by the '
    "compendium's documented, seeded generator, calibrated to published figures (district "
    'populations, the 92 COOPERATE interviews, the share of certified firms in COSMIC, effect sizes '
    'of the literature). Its numbers illustrate the methods; they are not findings about the real '
    'districts.')
SAMPLE_MIXED = N_("Only {synthetic} of its {rows} firms carry the generator's identifiers; the others come from "
    'another source.')
SAMPLE_USER = N_('Sample. The survey analysed here was supplied by the user ({source}): {rows} firms '
    "({by_district}), validated against the codebook; the file's fingerprint is in the provenance "
    'block at the end.')
SAMPLE_GROUP = N_('This report analyses the {n} firms of the {district}.')
FRAME = N_('Population and weights. Weights post-stratify the sample to the firms of each district by EU '
    'size class [@eu2003]: a firm weighs the population count of its class over the sampled firms of '
    'the class, and classes with fewer than 5 sampled firms are merged with a neighbouring class '
    '[@lumley2010]. District populations: {totals}.')
FRAME_SPLIT = N_('The split of each district total by size class is an assumption of the synthetic generator.')
FRAME_ABSENT = N_('No source gives the number of firms with 250 or more employees: sampled firms of that size are '
    'weighted with the class below.')
OLS = N_('OLS of each competitiveness score on the overall CSR index, controlling for log employees, '
    'export share and firm age, with HC3 standard errors [@mackinnon1985; @long2000] and p-values and'
    ' 95% intervals from t with n − k degrees of freedom; the CSR coefficients on the {n_scales} '
    "scores are the confirmatory tests, adjusted by Holm's method [@holm1979].")
ORDERED = N_('Single items: proportional-odds logit of each item grouped into worse, unchanged and better '
    '[@mccullagh1980], with average marginal effects and the Brant test of proportional odds '
    '[@brant1990].')
ROBUST = N_('Robustness: weighted least squares with the post-stratification weights and HC1 errors; multiple'
    ' imputation by chained equations with predictive mean matching, 20 imputations [@vanbuuren2018],'
    " pooled by Rubin's rules [@rubin1987] with the degrees of freedom of @barnard1999.")
POWER = N_('Power and minimum detectable effect from the F test of one coefficient [@cohen1988].')
SOFTWARE = N_('Computations: statsmodels [@seabold2010] and pingouin [@vallat2018].')
SOFTWARE_SEM = N_('Computations: statsmodels [@seabold2010] and pingouin [@vallat2018], semopy [@igolkina2020].')
DISTRICT_ESTIMATORS = N_("Estimators. Internal consistency: Cronbach's alpha [@cronbach1951], which for yes/no items is "
    'KR-20 [@kuder1937], with Feldt intervals [@feldt1987]. Rank associations, as in the design of '
    "@battaglia2014: Spearman's rho for the dimension indices and, for certification, the "
    'rank-biserial correlation of a Mann-Whitney test [@mann1947]; each block of tests is one family,'
    ' adjusted by the Benjamini-Hochberg method [@benjamini1995].')
DISTRICT_WEIGHTED = N_('Weighted means with linearized standard errors [@lumley2010].')
CROSS_ESTIMATORS = N_('Estimators. Reliability by district as in the district reports [@cronbach1951; @feldt1987]. On '
    'the pooled sample: exploratory factor analysis (minimum residuals, oblimin rotation) and a '
    'confirmatory model of the {n_scales} scales, judged against the cut-offs of @hu1999, with '
    "composite reliability and average variance extracted [@fornell1981]; Harman's single-factor "
    'check for common-method variance [@podsakoff2003].')
CROSS_DIFFERENCES = N_('District differences: CSR × district interactions with a joint Wald test; standard errors are '
    'firm-level, not clustered on the districts, which were chosen, not sampled [@abadie2023].')
CROSS_CERTIFICATION = N_('Certification: inverse probability weighting and its augmented, doubly robust form '
    '[@rosenbaum1983; @robins1994], on the firms whose estimated propensity of certification lies in [0.1, 0.9] '
    "[@crump2009], with Kish's effective sample size of each weighted group; an association, not an effect.")
CROSS_CERTIFICATION_BALANCE = N_('Certification: inverse probability weighting and its augmented, doubly robust form '
    '[@rosenbaum1983; @robins1994], on the firms whose estimated propensity of certification lies in [0.1, 0.9] '
    "[@crump2009], with Kish's effective sample size of each weighted group and covariate balance as "
    'standardized mean differences before and after weighting [@austin2009]; the weighted groups are read as '
    'comparable only when every difference is below 0.1; an association, not an effect.')
SPECCURVE_ESTIMATORS = N_('Estimators. A specification curve [@simonsohn2020], a multiverse of analytic choices '
    '[@steegen2016]: every combination of outcome (a score or a single item), its coding (as '
    'answered, or better versus not), CSR measure, controls, weights or none, complete cases or '
    'multiple imputation [@vanbuuren2018; @rubin1987], and model: linear, with HC3 errors and t with '
    'n − k degrees of freedom [@long2000], or logit. Estimates are standardized (standard deviations '
    'of the outcome per standard deviation of the CSR measure; logits on the latent scale of '
    '@mckelvey1975). The joint test, per outcome family, imposes the null in every linear '
    'specification, resamples firms within districts and compares the median estimate, the share of '
    "significant estimates of the dominant sign and Stouffer's Z with their null distributions "
    '[@simonsohn2020].')
SPECCURVE_ESTIMATORS_N = N_('Estimators. A specification curve [@simonsohn2020], a multiverse of analytic choices '
    '[@steegen2016]: {n_specs} specifications, every combination of outcome (a score or a single '
    'item), its coding (as answered, or better versus not), CSR measure, controls, weights or none, '
    'complete cases or multiple imputation [@vanbuuren2018; @rubin1987], and model: linear, with HC3 '
    'errors and t with n − k degrees of freedom [@long2000], or logit. Estimates are standardized '
    '(standard deviations of the outcome per standard deviation of the CSR measure; logits on the '
    'latent scale of @mckelvey1975). The joint test, per outcome family, imposes the null in every '
    'linear specification, resamples firms within districts and compares the median estimate, the '
    "share of significant estimates of the dominant sign and Stouffer's Z with their null "
    'distributions [@simonsohn2020].')
FPC = N_("Finite population. Where a district's sample holds more than 5% of its firms ({districts}), the "
          "intervals of its shares carry the finite-population correction 1 − n/N, the sample being drawn "
          "without replacement from a known number of firms, as R's survey package applies it [@lumley2010].")
FPC_MEANS = N_("Finite population. Where a district's sample holds more than 5% of its firms ({districts}), the "
               "intervals of its shares and means carry the finite-population correction 1 − n/N, the sample being "
               "drawn without replacement from a known number of firms, as R's survey package applies it "
               "[@lumley2010]; the regressions do not, as their coefficients describe the process behind the firms, "
               "not the firms counted.")
INDEX_MISSING = N_("Missing answers. A CSR dimension index is the share of its practices adopted among those the firm "
                   "answered, and is missing when fewer than half of them were answered; the overall CSR index, the "
                   "mean of the dimension indices, is missing unless every dimension index exists, so that every "
                   "firm's index weights the dimensions equally; a competitiveness score is the mean of its answered "
                   "items, missing when fewer than half were answered. The missing-data table counts, for each index, "
                   "the firms with a gap and the firms whose index is missing; the models use the firms with every "
                   "variable (complete cases), and the robustness section imputes the missing answers.")
SPECCURVE_POOLED = N_("Every specification of the curve over all districts has district fixed effects, so it compares "
                      "firms within their district.")
OLS_FE = N_('OLS of each competitiveness score on the overall CSR index with district fixed effects, '
    'controlling for log employees, export share and firm age, with HC3 standard errors '
    '[@mackinnon1985; @long2000] and p-values and 95% intervals from t with n − k degrees of freedom;'
    " the CSR coefficients on the {n_scales} scores are the confirmatory tests, adjusted by Holm's "
    'method [@holm1979].')
SUSTAINABILITY_ESTIMATORS = N_(
    "Indicators. The district's environmental, social and economic indicators are published figures "
    "(data/raw/district_indicators.csv), transcribed with their year, unit and perimeter (what the figure "
    "covers) from the works in the references, each source graded: official statistics, public body, "
    "academic work, district body or association, press, secondary copy; a secondary copy is used only "
    "where no primary source was found. One headline per indicator is chosen by the rule stated under "
    "the fact sheet (the whole district and whole years, the most recent, then the most official source); "
    "the values it passes over are listed in the appendix with the reason, and an indicator no source "
    "gives is marked absent, with the searches made. Figures of other districts, Tuscany or Italy are set "
    "beside a headline only for the same indicator and unit. Survey: the share of the answering firms of "
    "the sample with a practice or a certification, with a Wilson score 95% interval [@wilson1927], "
    "computed with statsmodels [@seabold2010]; the intervals describe sampling uncertainty only, and no "
    "test is made.")
CHANNELS_ESTIMATORS = N_('Estimators. Drivers of adoption: the CSR index, a share between 0 and 1, by the fractional logit'
    ' of @papke1996, a binomial quasi-likelihood with a logit link, with HC3 standard errors '
    '[@mackinnon1985; @long2000], and ordinary least squares with HC3 errors as a sensitivity '
    'analysis; each certification by a logit. The regressors are firm size, export share, firm age, '
    'trade-association membership, support from an intermediary, formal network membership and '
    'informal exchange with other district firms, with district fixed effects in the pooled sample. '
    'Where the firms with and without a certification are separated by the regressors, or too few '
    "firms hold it, the logit is estimated by Firth's penalised likelihood [@firth1993; @heinze2002],"
    ' and each row of the model table names the method used. Effects are average marginal effects: '
    'for a continuous regressor the average derivative, for a yes/no one the average change from no '
    "to yes, with delta-method standard errors from the model's covariance (HC3 for the fractional "
    "and maximum-likelihood logits, the inverse penalised information for Firth's) and normal 95% "
    'intervals. Channels: shares of adopting firms among those that use each channel and those that '
    'do not, with Wilson 95% intervals [@wilson1927]; the trend with the number of channels used by '
    "Spearman's rho and an OLS slope; whether formal network membership changes the association "
    'between the CSR index and the competitiveness scores, by an interaction term, an exploratory '
    "analysis with Benjamini-Hochberg adjusted p [@benjamini1995]. Stakeholder salience: Friedman's "
    'test that every stakeholder is equally important to the firms [@friedman1937], with the tie '
    "correction of R's friedman.test, and Kendall's W of agreement between the firms [@kendall1939]. "
    'Barriers and motivations: means and the shares of firms rating each important (4 or 5), with '
    "Wilson intervals. The published shares of the project's stakeholder consultation are real data, "
    'shown with their source; they come from other respondents and other questions, and are not '
    "compared with the survey. The questionnaire's own blocks (awareness, certification status, "
    'atypical workers, training): shares of answering firms with Wilson intervals, and means.')
BLOCKS_TEXT = N_("Questionnaire blocks and added variables. Of the codebook's blocks, {n_q} follow the blocks of "
    'the COOPERATE firm questionnaire as the sources describe them [@vaasa_cooperate]: '
    "{questionnaire}. {n_o} were added by this compendium to measure the project's stated objectives "
    '[@cooperate_website], with wording and answer scales of our own: {objective}. The sources give '
    "neither the questionnaire's items nor its scales, so every item of this report is a "
    'reconstruction.')
VERSION_FULL = N_('Codebook version. The survey analysed here follows version {v} of the codebook, with every '
    'block.')
VERSION_1 = N_('Codebook version. The survey analysed here follows version 1 of the codebook: it has no answers '
    'for the blocks added in version 2 ({blocks}), so the analyses that need them, the '
    "questionnaire's own blocks, the channels of adoption, stakeholder salience, barriers and "
    'motivations, cannot be supported by its data.')
VERSION_PARTIAL = N_('Codebook version. The survey analysed here follows version 2 of the codebook only in part: it '
    'has no answers for {blocks}; the analyses that need them say so where they would appear.')
VERSION_PARTIAL_COLUMNS = N_('Codebook version. The survey analysed here follows version 2 of the codebook, but {n} of its '
    'items have no answers; the analyses that need them say so where they would appear.')
VERSION_OWN = N_('Those analyses belong to the report on CSR adoption and its channels; this report uses version-1'
    ' variables only.')
ESTIMATORS = {  # the estimator paragraph of each kind: its messages in order
    "district": (DISTRICT_ESTIMATORS, OLS, ORDERED, ROBUST, DISTRICT_WEIGHTED, POWER, SOFTWARE),
    "cross-district": (CROSS_ESTIMATORS, OLS_FE, CROSS_DIFFERENCES, ORDERED, ROBUST, CROSS_CERTIFICATION, POWER,
                       SOFTWARE_SEM),
    "speccurve": (SPECCURVE_ESTIMATORS, SOFTWARE),
    "sustainability": (SUSTAINABILITY_ESTIMATORS,),
    "channels": (CHANNELS_ESTIMATORS, SOFTWARE),
}


def block_label(block: str, lang: str, cb: Codebook) -> str:
    """A codebook block's name in `lang`."""
    return cb.label(block, lang)


def _quoted(names: list[str], lang: str) -> list[str]:
    _ = messages(lang)
    # Translators: a name quoted inside a sentence (Italian uses guillemets: «{name}»)
    return [_.pgettext("quoted name", "\u201c{name}\u201d", name=n) for n in names]


def version_paragraph(meta: dict, lang: str, cb: Codebook, kind: str = "channels") -> str:
    """Which codebook version the survey follows and which blocks it lacks (metadata `survey_version`,
    `absent_blocks`, `absent_columns` of `dataset.prepare_survey`), '' for metadata without them."""
    version = meta.get("survey_version")
    if version is None:
        return ""
    _ = messages(lang)
    blocks = [b for b in meta.get("absent_blocks", []) or [] if b in getattr(cb, "blocks", {})]
    names = join(_quoted([block_label(b, lang, cb) for b in blocks], lang), lang)
    if str(version) == "1":
        text = _(VERSION_1, blocks=names)
        return text + " " + _(VERSION_OWN) if kind != "channels" else text
    if str(version) == "partial":
        if blocks:
            return _(VERSION_PARTIAL, blocks=names)
        return _(VERSION_PARTIAL_COLUMNS, n=integer(len(meta.get("absent_columns", []) or []), lang))
    return _(VERSION_FULL, v=integer(int(version), lang) if str(version).isdigit() else version)


def blocks_paragraph(lang: str, cb: Codebook) -> str:
    """The codebook's blocks that follow the COOPERATE questionnaire and those added for the objectives."""
    blocks = getattr(cb, "blocks", {}) or {}
    questionnaire = [b for b, spec in blocks.items() if spec.get("source") == "questionnaire"]
    objective = [b for b, spec in blocks.items() if spec.get("source") == "objective"]
    if not blocks:
        return ""
    return messages(lang)(
        BLOCKS_TEXT, n_q=integer(len(questionnaire), lang), n_o=integer(len(objective), lang),
        questionnaire=join(_quoted([block_label(b, lang, cb) for b in questionnaire], lang), lang),
        objective=join(_quoted([block_label(b, lang, cb) for b in objective], lang), lang))


def _districts(meta: dict, cb: Codebook, districts: list[str] | None) -> list[str]:
    if districts is not None:
        return list(districts)
    counts = meta.get("rows_by_district", {})
    return [d for d in cb.district_ids if counts.get(d, 0) > 0] or cb.district_ids


def _frame_sentences(frame: pd.DataFrame, districts: list[str], lang: str, cb: Codebook) -> tuple[str, str, str]:
    """(district totals with their source or as an assumption, the size-split sentence, the absent-class
    sentence), read from the population frame's N and source columns."""
    _ = messages(lang)
    totals = []
    split = absent = False
    for district in districts:
        rows = frame[frame["district"] == district]
        if rows.empty:
            continue
        counted = rows[rows["N"].notna()]
        total = int(counted["N"].sum())
        text = " ".join(counted["source"].astype(str))
        keys = [bibliography.source_key(s) for s in dict.fromkeys(re.findall(r"\b([DS]\d{1,2})\b", text))
                if s in bibliography.source_keys()]
        published = "[published" in text
        markers = [f"@{k}" for k in keys]
        name = html.escape(short_label(district, lang, cb))
        if published:
            cites = f" [{'; '.join(markers)}]" if keys else ""
            totals.append(_.ngettext("{district}, {n} firm, published{cites}", "{district}, {n} firms, published{cites}",
                                     total, district=name, cites=cites))
        else:
            totals.append(_.ngettext("{district}, {n} firm, assumed from {sources}",
                                     "{district}, {n} firms, assumed from {sources}", total, district=name,
                                     sources=join(markers, lang)) if keys else
                          _.ngettext("{district}, {n} firm, assumed", "{district}, {n} firms, assumed", total,
                                     district=name))
        split = split or "size class: assumption" in text
        absent = absent or rows["N"].isna().any()
    return "; ".join(totals), _(FRAME_SPLIT) if split else "", _(FRAME_ABSENT) if absent else ""


def _fpc_sentence(meta: dict, frame: pd.DataFrame, lang: str, cb: Codebook, districts: list[str] | None = None,
                  message: str = FPC) -> str:
    """The districts (of `districts`, default all) whose sampling fraction exceeds 5% (their intervals are
    finite-population corrected, `stats.measures.design_fraction`), with the fraction, in `message`; '' when
    none does."""
    from ..stats.measures import design_fraction, population_sizes

    _ = messages(lang)
    sizes = population_sizes(frame)
    counts = meta.get("rows_by_district", {})
    listed = []
    for district in (districts or cb.district_ids):
        f = design_fraction(int(counts.get(district, 0)), sizes.get(district))
        if f > 0:
            listed.append(_("{district}: {n} of {N} firms, {share}", district=short_label(district, lang, cb),
                            n=integer(counts[district], lang), N=integer(sizes[district], lang),
                            share=share_phrase(100 * f, lang)))
    return _(message, districts="; ".join(listed)) if listed else ""


def _codebook_facts(lang: str, cb: Codebook) -> dict[str, str]:
    certs = cb.certifications(None)
    scales = cb.outcome_scales
    likert = cb.likert_labels
    return {
        "n_practices": integer(len(cb.practices()), lang), "n_dims": integer(len(cb.csr_dimensions), lang),
        "dims": "; ".join(cb.label(d, lang) for d in cb.csr_dimensions),
        "n_certs": integer(len(certs), lang),
        "certs": join([CERTIFICATION_NAMES.get(c, cb.label(c, lang)) for c in certs], lang),
        "n_items": integer(len(cb.outcome_items()), lang),
        "low": likert[min(likert)][lang], "high": likert[max(likert)][lang],
        "n_scales": integer(len(scales), lang), "scales": "; ".join(cb.label(s, lang) for s in scales),
    }


def paragraphs(kind: str, lang: str, meta: dict, *, district: str | None = None, frame: pd.DataFrame | None = None,
               cb: Codebook | None = None, n_specs: int | None = None, balance: bool = True) -> list[str]:
    """The section's paragraphs as escaped HTML text with citation markers (not yet linked).

    `meta` is the processed survey's metadata (`dataset.load_processed`); `district` the district a
    district report (or a district's specification curve) analyses, None for all districts; `frame`
    the population frame (default: `population.population_frame()`); `n_specs` the number of
    specifications of a curve; `balance` whether the report shows the IPW covariate balance table.
    """
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not valid; valid: {', '.join(KINDS)}")
    bibliography._check(lang)
    _ = messages(lang)
    cb = cb or load_codebook()
    if frame is None:
        from ..data.population import population_frame
        frame = population_frame()
    esc = html.escape
    districts = [district] if district else _districts(meta, cb, None)
    all_districts = _districts(meta, cb, None)
    counts = meta.get("rows_by_district", {})
    project = cb.cooperate_districts or cb.district_ids
    facts = _codebook_facts(lang, cb)
    out = [esc(_(PROJECT, districts=join([short_label(d, lang, cb) for d in project], lang))),
           esc(_(SURVEY)),
           esc(_(QUESTIONNAIRE, **facts))]
    if kind == "channels":
        out.append(esc(blocks_paragraph(lang, cb)))
    version = version_paragraph(meta, lang, cb, kind)
    if version:
        out.append(esc(version))
    by_district = "; ".join(f"{short_label(d, lang, cb)}, {integer(counts.get(d, 0), lang)}" for d in all_districts)
    rows = integer(meta.get("rows", sum(counts.values())), lang)
    if meta.get("synthetic"):
        synthetic, n_rows = meta.get("synthetic_rows", 0), meta.get("rows", 0)
        sample = _(SAMPLE_SYNTHETIC, rows=rows, by_district=by_district)
        if 0 < synthetic < n_rows:
            sample += " " + _(SAMPLE_MIXED, synthetic=integer(synthetic, lang), rows=integer(n_rows, lang))
    else:
        sample = _(SAMPLE_USER, source=str(meta.get("source_name", "")), rows=rows, by_district=by_district)
    if district:
        sample += " " + _(SAMPLE_GROUP, n=integer(counts.get(district, 0), lang),
                          district=short_label(district, lang, cb))
    out.append(esc(sample))
    totals, split, absent = _frame_sentences(frame, districts, lang, cb)
    if kind in ("channels", "district", "cross-district"):  # the intervals that carry the correction
        fpc = _fpc_sentence(meta, frame, lang, cb, districts if kind == "district" else None,
                            FPC_MEANS if kind == "district" else FPC)
        if fpc:
            out.append(esc(fpc))
    if kind in ("district", "cross-district"):
        out.append(esc(_(INDEX_MISSING)))
    if kind not in ("sustainability", "channels"):  # these reports use no weights
        out.append(" ".join(t for t in (esc(_(FRAME, totals="\0")).replace("\0", totals), esc(split), esc(absent)) if t))
    values = {"n_scales": integer(len(cb.outcome_scales), lang)}
    parts = list(ESTIMATORS[kind])
    if kind == "cross-district" and balance:
        parts[parts.index(CROSS_CERTIFICATION)] = CROSS_CERTIFICATION_BALANCE
    if kind == "speccurve" and n_specs:
        parts[0] = SPECCURVE_ESTIMATORS_N
        values["n_specs"] = integer(n_specs, lang)
    if kind == "speccurve" and district is None:  # the pooled curve
        parts.insert(1, SPECCURVE_POOLED)
    out.append(" ".join(esc(_(part, **{k: v for k, v in values.items() if "{" + k + "}" in part})) for part in parts))
    return out


def short_label(district: str, lang: str, cb: Codebook) -> str:
    """A district's name for use inside a sentence: the codebook's `in_sentence` name ("il distretto
    cartario di Capannori" reads "distretto" in lower case), else its label without the parenthesis
    ("(Lucca)")."""
    spec = cb.districts.get(district, {}) if isinstance(getattr(cb, "districts", None), dict) else {}
    inside = spec.get("in_sentence", {}) if isinstance(spec, dict) else {}
    if isinstance(inside, dict) and inside.get(lang):
        return inside[lang]
    return re.sub(r"\s*\([^)]*\)", "", cb.label(district, lang)).strip()


def section(kind: str, lang: str, meta: dict, *, district: str | None = None, frame: pd.DataFrame | None = None,
            cb: Codebook | None = None, n_specs: int | None = None, balance: bool = True,
            heading_level: int = 2) -> str:
    """The "Data and methods" section as HTML: a heading the table of contents picks up, then one
    paragraph per topic, each opening with its topic in bold, citations linked to the references."""
    paras = paragraphs(kind, lang, meta, district=district, frame=frame, cb=cb, n_specs=n_specs, balance=balance)
    body = []
    for text in paras:
        lead, _, rest = text.partition(". ")
        body.append(f"<p><strong>{lead}.</strong> {rest}</p>")
    h = f"h{heading_level}"
    # the topics are plain words; the citations of every paragraph in one call (at most one pandoc run)
    return (f'<section class="data-methods"><{h} id="{SECTION_ID}">{messages(lang)(TITLE)}'
            f'<a class="anchor-link" href="#{SECTION_ID}"></a></{h}>{bibliography.cite_markers("".join(body), lang)}'
            '</section>')
