"""The channels report (issue 16): its notebook on a tiny survey and on a version-1 survey (the sections
its data cannot support say so), findings sentences read back against the numbers they come from,
Italian tables with decimal commas and no English, and the stakeholder consultation's published shares
shown exactly as data/raw/published_figures.csv gives them."""
from __future__ import annotations

import csv
import html
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from types import SimpleNamespace
from statsmodels.stats.multitest import multipletests

from cooperate_analysis.data import dataset, derived
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.present import channels, figures, methods
from cooperate_analysis.present.index.entries import findings_sentence
from cooperate_analysis.present.channels import findings as ch_findings
from cooperate_analysis.present.channels import names as ch_names
from cooperate_analysis.present.channels import tables as ch_tables
from cooperate_analysis.present.channels import text as ch_text
from cooperate_analysis.present.phrases import lower_first as phrases_lower
from cooperate_analysis.present import formatting as fmt
from cooperate_analysis.stats import adoption, estimability

from .conftest import assert_within_edges, make_survey
from .test_tables_locale import decimal_points, english_words, has_intervals, table_text, zero_pvalues

ROOT = Path(__file__).resolve().parents[1]
CB = load_codebook()
NOTEBOOK = ROOT / "notebooks" / "channels.ipynb"
SECTIONS = ("drivers", "channels", "moderation", "questionnaire", "salience", "barriers")
# the table builders of the channels report, checked here as test_tables_locale checks the others
CHANNEL_BUILDERS = ["ame_rows", "model_rows", "channel_rows", "gradient_rows", "moderation_rows", "salience_rows",
                    "friedman_rows", "likert_rows", "consultation_rows", "consultation_figures", "awareness_rows",
                    "cert_status_rows", "staff_rows"]


def channel_survey(n: int, seed: int) -> pd.DataFrame:
    """A codebook-valid version-2 survey whose channels are not near-universal: each kind of support
    is received by about one firm in five (with six independent kinds at 50%, almost every firm would
    have some support and the models would be separated)."""
    survey = make_survey(n, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for column in CB.support_channels():
        survey[column] = rng.binomial(1, 0.2, n)
    for column in CB.network_channels():
        survey[column] = rng.binomial(1, 0.25, n)
    return survey


def run_notebook(tmp_path: Path, survey: pd.DataFrame) -> dict:
    """The notebook's code cells run in this process (parameters injected after the parameters cell, as
    papermill does) on `survey`; returns the notebook's variables."""
    source = tmp_path / "survey.csv"
    survey.to_csv(source, index=False)
    dataset.prepare_survey(source, tmp_path / "survey.parquet")
    scope: dict = {}
    for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        exec(compile("".join(cell["source"]), str(NOTEBOOK), "exec"), scope)
        if "parameters" in cell["metadata"].get("tags", []):
            scope.update(data_path=str(tmp_path / "survey.parquet"), results_path=str(tmp_path / "channels.json"),
                         langs=["en", "it"])
    scope["values"] = json.loads((tmp_path / "channels.json").read_text(encoding="utf-8"))["values"]
    return scope


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


# --- the notebook --------------------------------------------------------------------------------------------

def test_notebook_on_a_tiny_survey_records_numbers_or_reasons(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    scope = run_notebook(tmp_path, channel_survey(36, seed=2))  # 12 firms per district
    values = scope["values"]
    bad = {k: v for k, v in values.items() if v is None or (isinstance(v, float) and not math.isfinite(v))}
    assert not bad
    reasons = [v for v in values.values() if isinstance(v, str) and v.startswith("not ")]
    assert all(len(v.split(":", 1)[-1].strip()) > 5 for v in reasons), reasons
    # the pooled models run; a district of 12 firms cannot carry 8 coefficients and 10 residual df
    assert values["drivers.pooled.csr_overall.n"] == 36
    assert values["drivers.capannori_paper.csr_overall"].startswith("not estimable")
    findings = scope["findings"].filled
    assert set(findings) == {"en", "it"} and "Key findings" in findings["en"] and "Sintesi" in findings["it"]
    assert "Synthetic data" not in findings["en"]  # test ids are not the generator's
    keys = [c["key"] for c in scope["rep"].contents["en"]]
    assert {"adoption_models", "adoption_ame_csr", "adoption_by_channel_cert", "stakeholder_friedman",
            "barriers_motivations", "consultation_published", "questionnaire_awareness", "questionnaire_cert_status",
            "questionnaire_staff", "questionnaire_awareness_figure", "questionnaire_cert_status_figure"} <= set(keys)
    # the questionnaire's numbers read back against the survey itself
    frame = scope["frame"]
    for district in ("pooled", "santa_croce_tanning"):
        firms = frame if district == "pooled" else frame[frame["district"] == district]
        x = firms["aw_csr_concept"].astype("float64")
        key = f"questionnaire.{district}.awareness.aw_csr_concept"
        for code in range(1, 6):
            assert values[f"{key}.{code}.k"] == int((x == code).sum()) and values[f"{key}.{code}.n"] == x.notna().sum()
        planned = firms["cst_emas"].astype("float64")
        assert values[f"questionnaire.{district}.cert_status.cst_emas.2.share"] == pytest.approx(
            (planned == 2).sum() / planned.notna().sum())
        trainees = firms["wf_trainees"].astype("float64").dropna()
        assert values[f"questionnaire.{district}.workforce.wf_trainees.k"] == int((trainees > 0).sum())
        assert values[f"questionnaire.{district}.workforce.wf_trainees.mean"] == pytest.approx(trainees.mean())
        trained = firms["tr_staff_trained_share"].astype("float64").dropna()
        assert values[f"questionnaire.{district}.training.tr_staff_trained_share.mean"] == pytest.approx(trained.mean())
        assert f"questionnaire.{district}.training.tr_staff_trained_share.share" not in values  # a mean, no share
    for row in channels.consultation_figures(dataset.load_published()).itertuples():
        assert values[f"published.consultation.row{row.row}"] == pytest.approx(row.value)


def test_a_version_1_survey_builds_and_says_which_sections_its_data_cannot_support(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    survey = make_survey(45, seed=4)[[v.name for v in CB.variables if v.since == 1]]
    scope = run_notebook(tmp_path, survey)
    values, meta = scope["values"], scope["meta"]
    assert str(meta["survey_version"]) == "1" and values["survey_version"] == "1"
    for section in SECTIONS:
        assert values[section].startswith("not supported: This survey has no answers for"), section
    assert not any(k.startswith(("drivers.", "channels.", "salience.", "likert.", "questionnaire.")) for k in values)
    assert any(k.startswith("published.consultation.") for k in values)  # the published figures still show
    en, it = _text(scope["findings"].filled["en"]), _text(scope["findings"].filled["it"])
    assert "cannot support the drivers of adoption, adoption by channel, the network moderation, the " \
           "questionnaire's blocks, stakeholder salience and barriers and motivations" in en
    assert "“CSR awareness”, “Certifications: held, planned or not of interest”, “Organisation and atypical " \
           "workers”, “Staff training”" in en and "la sintesi dei blocchi del questionario" in it
    assert "non consentono l'analisi dei fattori dell'adozione" in it and "versione 2 del dizionario dei dati" in it
    shown = [c["key"] for c in scope["rep"].contents["en"]]
    assert shown == ["consultation_published"]
    for lang in ("en", "it"):  # the data-and-methods section names the codebook version and the absent blocks
        text = _text(methods.section("district", lang, meta, district="capannori_paper", cb=CB))
        assert {"en": "follows version 1 of the codebook", "it": "segue la versione 1 del dizionario dei dati"}[lang] in text
        assert methods.block_label("channels", lang, CB) in text


def test_methods_say_a_full_or_partial_version_2_survey():
    meta = {"synthetic": False, "rows": 10, "rows_by_district": {"capannori_paper": 10}}
    full = _text(methods.section("district", "en", meta | {"survey_version": "2"}, district="capannori_paper", cb=CB))
    assert "follows version 2 of the codebook, with every block" in full
    partial = meta | {"survey_version": "partial", "absent_blocks": ["barriers"], "absent_columns": CB.barrier_items()}
    text = _text(methods.section("cross-district", "it", partial, cb=CB))
    assert "solo in parte" in text and "«Ostacoli alla RSI»" in text
    assert "version" not in _text(methods.section("district", "en", meta, district="capannori_paper", cb=CB))
    assert channels.unsupported_sections(partial) == ["barriers"]
    assert channels.unsupported_sentence("drivers", partial) == ""


# --- results on a larger survey, for the tables, figures and findings ------------------------------------------

@pytest.fixture(scope="module")
def analysis() -> dict:
    frame = derived.analysis_frame(channel_survey(240, seed=21), CB)
    groups = ["pooled", *CB.district_ids]
    samples = {g: frame if g == "pooled" else frame[frame["district"] == g] for g in groups}
    drivers = {g: adoption.adoption_drivers(frame, g, CB) for g in groups}
    by_channel = {g: adoption.adoption_by_channel(samples[g]) for g in groups}
    gradients = {g: adoption.channels_gradient(samples[g]) for g in groups}
    moderation = {}
    for g in groups:
        for s in [f"score_{k}" for k in CB.outcome_scales]:
            table = adoption.network_moderation(samples[g], s, controls=["log_employees", "export_share", "firm_age"],
                                                fixed_effects="district" if g == "pooled" else None)
            moderation[(g, s)] = table[table["row"] == "interaction"].iloc[0]
    moderation[("pooled", "score_market")] = estimability.Check((estimability.Reason("no_firms"),))  # a reason row
    salience = {g: adoption.salience(samples[g], CB.stakeholder_items()) for g in groups}
    items = [*CB.barrier_items(), *CB.motivation_items()]
    likert = {g: adoption.likert_summary(samples[g], items) for g in groups}
    published = dataset.load_published()
    meta = {"synthetic": True, "survey_version": "2", "absent_blocks": []}
    questionnaire = adoption.questionnaire_by_group(samples, CB)
    return dict(frame=frame, drivers=drivers, by_channel=by_channel, gradients=gradients, moderation=moderation,
                salience=salience, likert=likert, published=published, meta=meta, items=items,
                questionnaire=questionnaire)


def _builders(a: dict, lang: str) -> dict[str, pd.DataFrame]:
    models = ["csr_overall", "csr_overall_ols", *CB.certifications(None)]
    return {
        "ame_rows": channels.ame_rows(a["drivers"], ["csr_overall", "csr_overall_ols", *CB.certifications(None)], lang, CB),
        "model_rows": channels.model_rows(a["drivers"], models, lang, CB),
        "channel_rows": channels.channel_rows(a["by_channel"], "cert_any", lang, CB),
        "gradient_rows": channels.gradient_rows(a["gradients"], lang, CB),
        "moderation_rows": channels.moderation_rows(a["moderation"], lang, CB),
        "salience_rows": channels.salience_rows(a["salience"], CB.stakeholder_items(), lang, CB),
        "friedman_rows": channels.friedman_rows(a["salience"], lang, CB),
        "likert_rows": channels.likert_rows(a["likert"], a["items"], lang, CB),
        "consultation_rows": channels.consultation_rows(a["published"], lang),
        "consultation_figures": channels.consultation_figures(a["published"])[["measure", "value"]],
        "awareness_rows": channels.awareness_rows(a["questionnaire"], lang, CB),
        "cert_status_rows": channels.cert_status_rows(a["questionnaire"], lang, CB),
        "staff_rows": channels.staff_rows(a["questionnaire"], lang, CB),
    }


def test_every_channels_builder_is_checked():
    assert set(CHANNEL_BUILDERS) == {n for n in dir(ch_tables) if n in CHANNEL_BUILDERS}
    new = {n for n in dir(ch_tables) if n.endswith(("_rows", "_figures")) and callable(getattr(ch_tables, n))}
    from .test_tables_locale import BUILDERS
    assert new <= set(BUILDERS) | set(CHANNEL_BUILDERS) | {"published_figures"}


@pytest.mark.parametrize("lang", ["en", "it"])
def test_channels_tables_are_publishable_in_each_language(analysis, lang):
    built = _builders(analysis, lang)
    for name, table in built.items():
        if name == "consultation_figures":
            continue
        assert len(table), name
        text = " | ".join(table_text(table, lang))
        assert not zero_pvalues(table, lang), name
        if lang == "it":
            assert not decimal_points(text), (name, decimal_points(text))
            assert not english_words(text), (name, english_words(text))
            assert "CSR" not in text and "takeholder" not in text, name
    for name in ("ame_rows", "gradient_rows"):
        assert has_intervals(built[name].iloc[:, 2:] if name == "ame_rows" else built[name].iloc[:, -1:].rename(
            columns=lambda c: c), lang, header=False), name
    models = built["model_rows"]
    method = models.columns[2]
    fitted = models[~models[method].str.startswith(("Not estimable", "Non stimabile"))][method]
    assert set(fitted) <= set({ch_names.method_name(m, lang) for m in ch_names.METHOD_NAMES})  # every row names its method


def test_ame_table_shows_each_fit_scaled_as_its_label_says(analysis):
    table = channels.ame_rows(analysis["drivers"], ["csr_overall"], "en", CB)
    fit = analysis["drivers"]["pooled"]["csr_overall"]
    for term in adoption_terms():
        row = table[table["Regressor"] == channels.regressor_name(term, "en")].iloc[0]
        ame = fit.ame.set_index("term").loc[term]
        k = 10.0 if term in ("export_share", "firm_age") else 1.0
        expected = f"{fmt.number(k * ame['estimate'], 2, 'en', sign=True)} {fmt.interval(k * ame['ci_low'], k * ame['ci_high'], 2, 'en')}"
        assert row["All districts"] == expected, term


def adoption_terms() -> list[str]:
    return list(derived.ADOPTION_REGRESSORS)


def test_channel_cells_are_the_wilson_shares(analysis):
    table = channels.channel_rows(analysis["by_channel"], "csr_half", "en", CB)
    source = analysis["by_channel"]["pooled"]
    hit = source[(source["outcome"] == "csr_half") & (source["channel"] == "network_member") & (source["used"] == 1)].iloc[0]
    row = table[table["Channel"] == channels.channel_name("network_member", "en")].iloc[0]
    assert row["All districts"].replace("\xa0", " ") == (f"{hit['k']}/{hit['n']}: {fmt.percent(hit['share'], 0)} "
                                                 f"{fmt.interval(100 * hit['ci_low'], 100 * hit['ci_high'], 0)}")
    # the share and its interval are one unbreakable piece: a narrow column never wraps inside "[51, 67]"
    assert row["All districts"].split(": ", 1)[1].count(" ") == 0 and "\xa0[" in row["All districts"]


def test_channel_gap_sentence_gives_the_largest_difference_with_its_interval(analysis):
    """The difference between users and non-users is stated with Newcombe's interval (statsmodels), never
    read from whether two Wilson intervals overlap (issue 23)."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    table = analysis["by_channel"]["pooled"]
    text = channels.channel_gaps(table, "en")
    for outcome in ("cert_any", "csr_half"):
        part = table[table["outcome"] == outcome]
        wide = part.pivot(index="channel", columns="used", values="share")
        channel = (wide[1] - wide[0]).abs().idxmax()
        u = part[(part["channel"] == channel) & (part["used"] == 1)].iloc[0]
        v = part[(part["channel"] == channel) & (part["used"] == 0)].iloc[0]
        sentence = next(s for s in re.split(r"(?<=\.) (?=[A-Z])", text)
                        if s.startswith(ch_text.GAP_OUTCOMES[outcome]))
        assert phrases_lower(channels.channel_name(channel, "en")) in sentence
        assert f"{fmt.percent(u['share'])} {fmt.interval(100 * u['ci_low'], 100 * u['ci_high'], 1)}" in sentence
        low, high = confint_proportions_2indep(int(u["k"]), int(u["n"]), int(v["k"]), int(v["n"]), method="newcomb")
        diff = fmt.number(100 * (u["k"] / u["n"] - v["k"] / v["n"]), 1, sign=True)
        assert f"a difference of {diff} percentage points, 95% CI {fmt.interval(100 * low, 100 * high, 1)}" in sentence
        assert "overlap" not in sentence
    assert not re.search(r"\d\.\d", channels.channel_gaps(table, "it"))


# --- findings against their numbers ---------------------------------------------------------------------------

NUMBER = r"([+\-\u2212]?\d+\.\d+)"


def test_findings_sentences_match_the_numbers_they_come_from(analysis):
    a = analysis
    sentences = channels.findings_channels(a["drivers"], a["by_channel"], a["gradients"], a["moderation"],
                                            a["salience"], a["likert"], a["published"], a["meta"], "en", CB)
    text = " ".join(sentences)
    fit = a["drivers"]["pooled"]["csr_overall"]
    first = next(s for s in sentences if s.startswith("CSR index, all districts"))
    assert f"n = {fit.n}" in first
    for term in channels.CHANNEL_TERMS:
        est, low, high, _ = channels.scaled_ame(fit, term)
        name = channels.regressor_name(term, "en").lower()
        got = re.search(re.escape(name) + rf" {NUMBER} \[{NUMBER}, {NUMBER}\]", first)
        assert got, term
        assert [float(x.replace("\u2212", "-")) for x in got.groups()] == pytest.approx([est, low, high], abs=0.0051)
    # the verdict follows the declared family (stats.policy "channels"): BH over the channel AMEs of the
    # CSR index in every sample where the model was estimated, recomputed here with statsmodels
    keys, pvalues = [], []
    for group, models in a["drivers"].items():
        f = models.get("csr_overall")
        if channels.is_fit(f):
            for term in channels.CHANNEL_TERMS:
                p = channels.scaled_ame(f, term)[3]
                if math.isfinite(p):
                    keys.append((group, term)), pvalues.append(p)
    adjusted = dict(zip(keys, multipletests(pvalues, method="fdr_bh")[1]))
    significant = [channels.regressor_name(t, "en").lower() for t in channels.CHANNEL_TERMS
                   if adjusted.get(("pooled", t), 1) < 0.05]
    assert f"adjustment over the {len(keys)} channel effects of every sample" in first
    if significant:
        tail = first.split("significant:")[1]
        assert all(name in tail for name in significant)
    else:
        assert "no channel's effect is significant" in first
    ols = a["drivers"]["pooled"]["csr_overall_ols"]

    def side(lo, hi):
        return "pos" if lo > 0 else "neg" if hi < 0 else "null"

    same = sum(side(*channels.scaled_ame(fit, t)[1:3]) == side(*channels.scaled_ame(ols, t)[1:3]) for t in adoption_terms())
    assert (f"for {same} of the 7 regressors; not for" in text) if same < 7 else ("for all 7 regressors" in text)
    g = a["gradients"]["pooled"]
    verb = "shows no clear trend" if g.spearman_p >= 0.05 else "rises" if g.spearman_rho > 0 else "falls"
    assert f"The CSR index {verb} with the number of channels" in text
    assert f"Spearman ρ {fmt.number(g.spearman_rho, 2, sign=True)}" in text
    estimated = {key: r["p_value"] for key, r in a["moderation"].items() if not isinstance(r, estimability.Check)}
    tests = list(estimated)
    k = 0
    for score in {s for _g, s in estimated}:  # the declared family: per score across samples
        ps = [p for (_g, s), p in estimated.items() if s == score]
        k += int((multipletests(ps, method="fdr_bh")[1] < 0.05).sum())
    said = f"none of the {len(tests)} tests" if k == 0 else f"{k} of the {len(tests)} tests"
    assert f"Exploratory: {said} of the CSR index" in text and "Benjamini-Hochberg p below 0.05" in text
    s = a["salience"]["pooled"]
    verdict = "differ in importance" if s.p_value < 0.05 else "cannot be told apart in importance"
    line = next(x for x in sentences if x.startswith("All districts:"))
    assert verdict in line and f"Friedman χ² = {fmt.number(s.statistic, 2)}" in line
    assert f"Kendall's W = {fmt.number(s.kendall_w, 3)}" in line
    assert channels.short_item(s.items.iloc[0]["item"], "en", CB).lower() in line
    districts = {g: r for g, r in a["salience"].items() if g != "pooled"}
    line = next(x for x in sentences if x.startswith("Per district, the stakeholders"))
    assert f"in {sum(r.p_value < 0.05 for r in districts.values())} of {len(districts)} districts" in line
    ws = [r.kendall_w for r in districts.values()]
    assert f"from {fmt.number(min(ws), 2)} to {fmt.number(max(ws), 2)}" in line
    first = {g: r.items.sort_values("mean_rank", ascending=False).iloc[0]["item"] for g, r in districts.items()}
    if len(set(first.values())) == 1:  # one stakeholder first everywhere: named once
        assert f"{channels.short_item(next(iter(first.values())), 'en', CB).lower()} in every district" in line
    else:
        for g, item in first.items():
            assert f"{channels.short_item(item, 'en', CB).lower()} in {channels.sample_name(g, 'en', CB)}" in line
    pooled = a["likert"]["pooled"]
    top = pooled[pooled["item"].str.startswith("bar_")].sort_values("share", ascending=False).iloc[0]
    assert channels.short_item(top["item"], "en", CB).lower() in text
    assert "27%" in text and "25%" in text and "[@vaasa_cooperate]" in text  # the published shares, cited
    assert sentences[-1].startswith("Synthetic data")


def test_italian_findings_have_decimal_commas_and_no_english(analysis):
    a = analysis
    text = " ".join(channels.findings_channels(a["drivers"], a["by_channel"], a["gradients"], a["moderation"],
                                               a["salience"], a["likert"], a["published"], a["meta"], "it", CB))
    assert re.search(r"\d,\d", text) and not re.search(r"\d\.\d", text)
    assert "CSR" not in text and "RSI" in text
    assert not english_words(text.replace("[@vaasa_cooperate]", ""))


def test_index_sentence_reads_the_pooled_channel_effects():
    values = {"drivers.pooled.csr_overall.n": 92}
    for term, est in (("intermediary_support", 0.061), ("network_member", -0.02)):
        values |= {f"drivers.pooled.csr_overall.{term}.estimate": est,
                   f"drivers.pooled.csr_overall.{term}.ci_low": est - 0.04,
                   f"drivers.pooled.csr_overall.{term}.ci_high": est + 0.04}
    en = channels.index_sentence(values, {"seed": 1}, "en", CB)
    assert en == ("CSR index, all districts (fractional logit, n = 92), average marginal effect of intermediary "
                  "support +0.06 [0.02, 0.10] and formal network \u22120.02 [\u22120.06, 0.02].")
    run = SimpleNamespace(notebook=Path("notebooks/channels.ipynb"), parameters={"seed": 1})
    assert findings_sentence(run, values, "en", CB) == en  # the index's route: the declared entry point
    it = channels.index_sentence(values, {}, "it", CB)
    assert "+0,06 [0,02; 0,10]" in it and "n = 92" in it
    assert findings_sentence(run, {"drivers": "not supported: x"}, "en", CB).startswith(
        "The survey has no answers on the channels (codebook version 1)")
    assert findings_sentence(run, {"drivers.pooled.csr_overall": "not estimable: x"}, "it", CB) == \
        "Fattori dell'adozione non stimabili con questi dati."


# --- the published stakeholder consultation -------------------------------------------------------------------

def test_consultation_shares_shown_equal_published_figures_csv():
    with open(ROOT / "data/raw/published_figures.csv", encoding="utf-8", newline="") as handle:
        raw = [r for r in csv.DictReader(handle)
               if r["source_id"] == "S3" and r["measure"].startswith("Stakeholder consultation: ")]
    assert len(raw) == 6
    published = dataset.load_published()
    for lang in ("en", "it"):
        table = channels.consultation_rows(published, lang)
        assert len(table) == len(raw)
        shares = [float(re.match(r"(\d+)%", cell).group(1)) for cell in table.iloc[:, 2]]
        assert shares == [float(r["value"]) for r in raw]
        assert set(table.iloc[:, -1]) == {"@vaasa_cooperate"}  # cited, linked when rendered
        assert all(cell.endswith({"en": ("of answers", "of votes"), "it": ("delle risposte", "dei voti")}[lang])
                   for cell in table.iloc[:, 2])
    rows = channels.consultation_figures(published)
    assert list(rows["value"]) == [float(r["value"]) for r in raw]
    lines = (ROOT / "data/raw/published_figures.csv").read_text(encoding="utf-8").splitlines()
    for row in rows.itertuples():  # row numbers count data rows from 1 (the header is line 1 of the file)
        assert lines[row.row].split(",")[2] == row.measure.split(",")[0]


# --- figures ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "it"])
def test_channels_figures_print_at_7_points_with_local_decimals(analysis, lang):
    import matplotlib.pyplot as plt

    figures.style()
    made = [channels.adoption_ame(analysis["drivers"], ["csr_overall", "cert_iso14001"], lang, CB),
            channels.channel_adoption(analysis["by_channel"]["pooled"], ["cert_any", "csr_half"], lang, CB),
            channels.channels_gradient(analysis["gradients"], lang, CB)]
    for i, fig in enumerate(made):
        sizes = figures.print_sizes(fig)
        assert min(size for _text, size in sizes) >= figures.MIN_PRINT_PT - 1e-6
        if lang == "it":
            assert not [t for t, _ in sizes if re.search(r"\d\.\d", t)]
        assert_within_edges(fig, f"channels figure {i} ({lang})", drawn=True)  # as print_sizes drew it
        plt.close(fig)


# --- the questionnaire's own blocks -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def questionnaire(analysis) -> dict:
    frame = analysis["frame"]
    samples = {"pooled": frame, **{d: frame[frame["district"] == d] for d in CB.district_ids}}
    return adoption.questionnaire_by_group(samples, CB)


def _share_text(k, n, share, low, high, lang="en"):
    return f"{fmt.integer(k, lang)}/{fmt.integer(n, lang)}: {fmt.percent(share, 0, lang)} " \
           f"{fmt.interval(100 * low, 100 * high, 0, lang)}"


def test_questionnaire_tables_show_the_survey_counts_with_wilson_intervals(analysis, questionnaire):
    from statsmodels.stats.proportion import proportion_confint

    frame = analysis["frame"]
    firms = frame[frame["district"] == "capannori_paper"]
    column = channels.sample_name("capannori_paper", "en", CB)
    status = channels.cert_status_rows(questionnaire, "en", CB)
    x = firms["cst_iso14001"].astype("float64").dropna()
    for i, code in enumerate((1, 2, 3)):  # held, planned, not interested: the first three rows
        k, n = int((x == code).sum()), len(x)
        low, high = proportion_confint(k, n, method="wilson")
        assert status.iloc[i][column].replace("\xa0", " ") == _share_text(k, n, k / n, max(low, 0), min(high, 1))
    assert list(status["Answer"][:3]) == ["held", "planned", "not interested"]
    aware = channels.awareness_rows(questionnaire, "en", CB)
    x = firms["aw_csr_tools"].astype("float64").dropna()
    k = int((x >= 4).sum())
    low, high = proportion_confint(k, len(x), method="wilson")
    assert aware.iloc[2][column] == fmt.number(x.mean(), 2)
    assert aware.iloc[3][column].replace("\xa0", " ") == _share_text(k, len(x), k / len(x), max(low, 0), min(high, 1))
    staff = channels.staff_rows(questionnaire, "en", CB).set_index("Measure")
    home = firms["wf_home_workers"].astype("float64").dropna()
    assert staff.loc["Home-workers per firm (mean)", column] == fmt.number(home.mean(), 1)
    assert staff.loc["Firms with home-workers", column].startswith(f"{int((home > 0).sum())}/{len(home)}: ")
    trained = firms["tr_staff_trained_share"].astype("float64").dropna()
    assert staff.loc["Staff trained in the last year (mean %)", column] == fmt.number(trained.mean(), 1)


def test_questionnaire_findings_sentence_matches_its_table(questionnaire):
    parts = questionnaire["pooled"]
    text = channels.questionnaire_sentence(parts, "en", CB)
    summary = parts["awareness_summary"].set_index("item")
    for item in CB.awareness_items():
        r = summary.loc[item]
        assert f"{fmt.percent(r['share'])} {fmt.interval(100 * r['ci_low'], 100 * r['ci_high'], 1)}" in text
    status = parts["cert_status"]
    planned = status[status["answer"] == 2].sort_values("share", ascending=False).iloc[0]
    assert f"most often planned is {channels.certification_name(planned['item'])}: {fmt.percent(planned['share'])}" in text
    held = status[(status["item"] == planned["item"]) & (status["answer"] == 1)].iloc[0]
    assert f"while {fmt.percent(held['share'])}" in text
    it = channels.questionnaire_sentence(parts, "it", CB)
    assert re.search(r"\d,\d", it) and not re.search(r"\d\.\d", it) and "RSI" in it and "CSR" not in it
    assert not english_words(it)
    assert channels.questionnaire_sentence({"awareness_summary": estimability.Check((estimability.Reason("no_firms"),))},
                                            "en", CB) == ""


@pytest.mark.parametrize("lang", ["en", "it"])
def test_questionnaire_figures_print_at_7_points_with_local_decimals(questionnaire, lang):
    import matplotlib.pyplot as plt

    figures.style()
    for fig in (channels.awareness_distribution(questionnaire, lang, CB),
                channels.cert_status_bars(questionnaire["pooled"], lang, CB)):
        sizes = figures.print_sizes(fig)
        assert min(size for _text, size in sizes) >= figures.MIN_PRINT_PT - 1e-6
        texts = [t for t, _ in sizes]
        assert any(t.endswith("%") for t in texts)  # the segments carry their percentages
        if lang == "it":
            assert not [t for t in texts if re.search(r"\d\.\d", t)]
            words = " ".join(" ".join(texts).split())  # legend labels are wrapped
            assert "mai sentito nominare" in words or "posseduta" in words
        assert_within_edges(fig, f"{texts[0]} ({lang})", drawn=True)  # as print_sizes drew it
        plt.close(fig)


def test_a_survey_without_one_block_shows_the_others_and_says_why(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    survey = channel_survey(60, seed=8).drop(columns=CB.block("workforce"))
    scope = run_notebook(tmp_path, survey)
    values = scope["values"]
    assert "questionnaire" not in values  # the section is shown, with the parts the survey has
    assert values["questionnaire.pooled.workforce"] == "not estimable: no_block(block=workforce)"  # codes, no words
    assert "questionnaire.pooled.training.tr_csr_training.share" in values
    note = channels.questionnaire_notes(scope["questionnaire"], "it", CB)
    assert note.startswith("«Organizzazione e lavoratori atipici» (Tutti i distretti, ")
    table = channels.staff_rows(scope["questionnaire"], "en", CB)
    assert set(table.iloc[0, 1:]) == {fmt.MISSING} and table.iloc[-1, 1] != fmt.MISSING


def test_district_salience_names_each_top_stakeholder_or_one_for_all():
    """The per-district salience sentence names the first stakeholder of each district, or once when it is
    the same everywhere."""
    from types import SimpleNamespace

    def result(top):
        items = pd.DataFrame({"item": [top, "sh_unions"], "mean": [4.0, 2.0], "mean_rank": [6.0, 2.0]})
        return SimpleNamespace(items=items, p_value=0.01, statistic=20.0, df=7, kendall_w=0.4, n=20)

    def line(tops, lang):
        salience = {d: result(top) for d, top in zip(["capannori_paper", "santa_croce_tanning"], tops)}
        out = channels.findings_channels({}, {}, {}, {}, salience, {}, None, {}, lang, CB)
        return next(x for x in out if x.startswith(("Per district", "Per distretto")))

    assert "customers in Capannori (paper); employees in Santa Croce (tanning)." in line(
        ["sh_customers", "sh_employees"], "en")
    assert "highest mean rank: customers in every district." in line(["sh_customers", "sh_customers"], "en")
    assert "rango medio più alto: clienti in tutti i distretti." in line(["sh_customers", "sh_customers"], "it")


# --- counted sentences: a count of 1 and of 2 read grammatically in both languages (issue 22) -----------------

def _reason_check(code, **values):
    return estimability.Check((estimability.Reason(code, values),))


@pytest.mark.parametrize(("code", "values"), [
    ("few_level", {"name": "network_member", "value": 1, "min": 3}),
    ("few_events", {"name": "cert_iso14001", "min": 5}),
    ("few_epv", {"name": "cert_iso14001", "k": 9, "epv": 0.2, "min": 5, "need": 45}),
])
def test_counted_reasons_agree_with_one_and_two_firms(code, values):
    for count, en_word, it_word in ((1, "1 firm ", "1 impresa "), (2, "2 firms ", "2 imprese ")):
        check = _reason_check(code, count=count, **values)
        en, it = ch_text.reason_text(check, "en"), ch_text.reason_text(check, "it")
        assert en_word in en and it_word in it, (en, it)
        assert "/e" not in it and "(s)" not in en and "troppe poche" not in it
        assert ("1 imprese" not in it) and ("1 firms" not in en)
    it = ch_text.reason_text(_reason_check("few_level", count=1, name="network_member", value=1, min=3), "it")
    assert "«" in it and " = 1" not in it  # the channel named in quotes, not "con <label> = 1"
    for n, en_word, it_word in ((1, "1 firm;", "1 impresa;"), (2, "2 firms;", "2 imprese;")):
        check = _reason_check("small_n", n=n, min=25)
        assert en_word in ch_text.reason_text(check, "en") and it_word in ch_text.reason_text(check, "it")


class _Fit:
    def __init__(self, method, events=None, n=40):
        self.ame = pd.DataFrame({"term": list(derived.ADOPTION_REGRESSORS), "estimate": 0.01, "ci_low": -0.02,
                                 "ci_high": 0.04, "p_value": 0.5})
        self.method, self.events, self.n = method, events, n


@pytest.mark.parametrize("count", [1, 2])
def test_counted_findings_agree_with_one_and_two(count):
    """Certified firms and Firth models: the singular for 1, the plural for 2, in both languages. A count of 1 or 2
    certified firms is below the disclosure threshold: printed and marked for synthetic data, left out for real
    data (issue 27)."""
    from cooperate_analysis.present import disclosure

    fits = [_Fit("logit (Firth)", events=count) for _ in range(count)] + [_Fit("logit (ML)", events=count)]
    drivers = {"pooled": {"cert_iso14001": fits[0], **{f"cert_x{i}": f for i, f in enumerate(fits[1:])}}}
    synthetic = {"synthetic": True}
    en = " ".join(channels.findings_channels(drivers, {}, {}, {}, {}, {}, None, synthetic, "en", CB))
    it = " ".join(channels.findings_channels(drivers, {}, {}, {}, {}, {}, None, synthetic, "it", CB))
    mark = disclosure.NBSP + disclosure.FLAG
    if count == 1:
        assert f"1{mark} certified firm)" in en and f"1{mark} impresa certificata)" in it
        assert f"{count} used Firth" in en and "1 ha usato" in it
    else:
        assert f"2{mark} certified firms)" in en and f"2{mark} imprese certificate)" in it
        assert "2 used Firth" in en and "2 hanno usato" in it
    real = " ".join(channels.findings_channels(drivers, {}, {}, {}, {}, {}, None, {}, "en", CB))
    assert "certified firm" not in real and "(Firth's penalised logit; n = " in real
    assert "three" not in en and "tre distretti" not in it and "tutti i distretti" in it


@pytest.mark.parametrize("count", [1, 2])
def test_district_salience_count_agrees_with_one_and_two(count):
    class S:
        def __init__(self, p):
            self.items = pd.DataFrame({"item": ["sh_customers"], "mean": [4.0], "mean_rank": [5.0]})
            self.p_value, self.kendall_w, self.statistic, self.df, self.n = p, 0.3, 10.0, 7, 30

    groups = dict.fromkeys(CB.districts, None)
    salience = {g: S(0.01 if i < count else 0.5) for i, g in enumerate(list(groups)[:3])}
    it = " ".join(channels.findings_channels({}, {}, {}, {}, salience, {}, None, {}, "it", CB))
    en = " ".join(channels.findings_channels({}, {}, {}, {}, salience, {}, None, {}, "en", CB))
    word = "distretto" if count == 1 else "distretti"
    assert f"in {count} {word} su 3" in it and f"in {count} of 3 districts" in en


def test_a_block_with_some_columns_absent_is_not_read_as_unanswered(tmp_path):
    """Issue 24: with three of the six support columns absent, a firm without support in the others may have
    had it in the missing ones: the results say the columns are missing (not "no firm answered") and the
    report says so under the channel tables, in both languages."""
    from cooperate_analysis.present.channels import results as ch_results

    raw = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "raw" / "survey_synthetic.csv")
    missing = list(CB.support_channels())[:3]
    source = tmp_path / "partial.csv"
    raw.drop(columns=missing).to_csv(source, index=False)
    dataset.prepare_survey(source, processed=tmp_path / "survey.parquet")
    survey, meta = dataset.load_processed(tmp_path / "survey.parquet")
    frame = derived.analysis_frame(survey, CB)
    by_channel = adoption.channels_by_group({"pooled": frame})

    class Recorder:
        def __init__(self):
            self.values = {}

        def record_table(self, key, table, index, columns):
            for _, row in table.iterrows():
                for c in columns:
                    self.values[".".join([key, *(str(row[i]) for i in index), c])] = row[c]

    rec = Recorder()
    ch_results.record_channels(rec, by_channel, meta)
    unused = rec.values["channels.pooled.cert_any.intermediary_support.0.share"]
    assert unused == "not computable: the survey has no column " + ", ".join(missing)
    assert rec.values["channels.pooled.cert_any.association_member.0.share"] != unused
    en, it = channels.partial_block_note(meta, "en", CB), channels.partial_block_note(meta, "it", CB)
    assert all(c in en and c in it for c in missing) and channels.channel_name("intermediary_support", "en").lower() in en.lower()
    assert channels.partial_block_note({"absent_columns": []}, "en", CB) == ""


def test_appendix_gives_every_coefficient_of_each_estimated_model_and_the_reason_of_each_gated_one(analysis):
    """Issue 23, item 6: the channels report's appendix has every term of each estimated adoption model (the
    referee's full coefficient table, from stats.referee.coefficient_table) and, for a gated model, one row
    of dashes with its reason in the note."""
    from cooperate_analysis.stats import referee

    drivers = analysis["drivers"]
    models = ["csr_overall", "csr_overall_ols"]
    for lang in ("en", "it"):
        table = channels.coefficient_rows(drivers, models, lang, CB)
        fitted = [(g, m) for g in drivers for m in models if m in drivers[g] and channels.is_fit(drivers[g][m])]
        gated = [(g, m) for g in drivers for m in models if m in drivers[g] and not channels.is_fit(drivers[g][m])]
        expected_rows = sum(len(referee.coefficient_table(drivers[g][m])) for g, m in fitted) + len(gated)
        assert len(table) == expected_rows
        notes = " ".join(table.attrs.get("notes", []))
        for g, m in gated:
            assert ch_text.reason_text(drivers[g][m], lang) in notes
        pooled = referee.coefficient_table(drivers["pooled"]["csr_overall"])
        first = table.iloc[0]
        assert f"n = {fmt.integer(int(pooled['n'].iloc[0]), lang)}" in first.iloc[0]
        assert first.iloc[2] == pytest.approx(float(pooled["estimate"].iloc[0]))
