"""The working paper (issue 25): verdicts follow the numbers under the analysis policy (random result sets,
as test_readings.py does for the readings), citations resolve, the run declaration, and the Word edition
holds every table and figure of the HTML."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from cooperate_analysis.present import bibliography, paper, word
from cooperate_analysis.present.paper import sources, verdicts as V
from cooperate_analysis.runner import runs
from cooperate_analysis.stats import policy

ROOT = Path(__file__).resolve().parents[1]
HYPS = sources.hypotheses()
ALPHA = policy.ALPHA


def _random_results(rng) -> dict:
    """A random result set with every key the verdicts read; some values missing or non-finite."""
    def maybe(x):
        r = rng.random()
        return None if r < 0.05 else (float("inf") if r < 0.08 else x)

    cross, channels = {}, {}
    raw = []
    for s in ("score_innovation", "score_intangible", "score_market"):
        est = rng.normal(0.3, 0.6)
        se = abs(rng.normal(0.3, 0.1)) + 0.05
        p = float(rng.choice([rng.uniform(0, 0.02), rng.uniform(0, 1)]))
        raw.append(p)
        cross.update({f"ols_pooled.{s}.csr_overall.estimate": est, f"ols_pooled.{s}.csr_overall.std_error": se,
                      f"ols_pooled.{s}.csr_overall.ci_low": maybe(est - 1.98 * se),
                      f"ols_pooled.{s}.csr_overall.ci_high": est + 1.98 * se,
                      f"ols_pooled.{s}.csr_overall.p_value": p,
                      f"heterogeneity.{s}.wald_p_value": maybe(float(rng.uniform(0, 0.2))),
                      f"certification.{s}.AIPW.estimate": rng.normal(0, 0.3),
                      f"certification.{s}.AIPW.std_error": 0.1 + abs(rng.normal(0, 0.1)),
                      f"certification.{s}.AIPW.p_value": float(rng.uniform(0, 0.1)),
                      f"certification.{s}.IPW.estimate": 0.0})
    adj = policy.adjust("confirmatory", raw)
    for s, q in zip(("score_innovation", "score_intangible", "score_market"), adj):
        cross[f"holm.{s}.p_adj"] = maybe(q)
    for cov in ("log_employees", "export_share", "firm_age"):
        cross[f"balance.{cov}.smd_after"] = float(rng.choice([0.02, 0.05, 0.3]))
    for sample in ("pooled", "capannori_paper", "santa_croce_tanning"):
        for ch in ("intermediary_support", "association_member", "network_member", "informal_exchange", "log_employees"):
            for outcome in ("csr_overall", "cert_iso14001"):
                est = rng.normal(0.05, 0.1)
                k = f"drivers.{sample}.{outcome}.{ch}"
                channels.update({k + ".estimate": est, k + ".ci_low": est - 0.1, k + ".ci_high": est + 0.1,
                                 k + ".p_value": float(rng.uniform(0, 0.05) if rng.random() < 0.5 else rng.uniform(0, 1))})
    return {"cross-district": cross, "channels": channels}


def _finite(*xs) -> bool:
    return all(x is not None and math.isfinite(x) for x in xs)


@pytest.mark.parametrize("seed", range(60))
def test_verdicts_follow_the_numbers_under_the_policy(seed):
    rng = np.random.default_rng(seed)
    results = _random_results(rng)
    cross, channels = results["cross-district"], results["channels"]
    verdict = V.hypothesis_verdicts(HYPS, results)
    holm = [cross[f"holm.{s}.p_adj"] for s in ("score_innovation", "score_intangible", "score_market")]
    readable = any(q is not None and math.isfinite(q) and q < ALPHA for q in holm)
    # H1-H3: supported iff the Holm-adjusted p < alpha and the estimate is positive; no verdict when non-finite
    for h, s in zip(("H1", "H2", "H3"), ("score_innovation", "score_intangible", "score_market")):
        q, lo, hi = cross[f"holm.{s}.p_adj"], cross[f"ols_pooled.{s}.csr_overall.ci_low"], cross[f"ols_pooled.{s}.csr_overall.ci_high"]
        est = cross[f"ols_pooled.{s}.csr_overall.estimate"]
        if not _finite(q, lo, hi):
            assert verdict[h].code == V.NOT_TESTABLE
        elif q < ALPHA and est > 0:
            assert verdict[h].code == V.SUPPORTED
        else:
            assert verdict[h].code == V.NOT_SUPPORTED
    # H4: each part is supported only if its BH p (channels family over channels x samples) < alpha with a
    # positive AME and the confirmatory family rejected something
    pvals = {(smp, ch): channels[f"drivers.{smp}.csr_overall.{ch}.p_value"]
             for smp in ("capannori_paper", "pooled", "santa_croce_tanning")
             for ch in ("intermediary_support", "association_member", "network_member", "informal_exchange")}
    bh = dict(zip(pvals, policy.adjust("channels", list(pvals.values()))))
    for part in verdict["H4"].parts:
        ch = next(p["channel"] for p in HYPS[3]["parts"] if p["id"] == part.hypothesis)
        est = channels[f"drivers.pooled.csr_overall.{ch}.estimate"]
        expected = bh[("pooled", ch)] < ALPHA and est > 0 and readable
        assert (part.code == V.SUPPORTED) == expected
        if bh[("pooled", ch)] < ALPHA and est > 0 and not readable:
            assert part.reason == "not_promoted"
    # combination of parts
    for h in ("H4", "H5", "H6"):
        codes = [p.code for p in verdict[h].parts if p.code != V.NOT_TESTABLE]
        if not codes:
            assert verdict[h].code == V.NOT_TESTABLE
        elif all(c == V.SUPPORTED for c in codes):
            assert verdict[h].code == V.SUPPORTED
        elif V.SUPPORTED in codes:
            assert verdict[h].code == V.MIXED
        else:
            assert verdict[h].code == V.NOT_SUPPORTED
    # H6a: the weighted comparison is read only when every covariate is balanced after weighting
    smd = [cross[f"balance.{c}.smd_after"] for c in ("log_employees", "export_share", "firm_age")]
    h6a = verdict["H6"].parts[0]
    if not policy.balanced(smd):
        assert h6a.code == V.NOT_TESTABLE and h6a.reason == "unbalanced"


def test_single_test_rules_on_edge_cases():
    assert V.single("x", 0.5, 0.1, 0.9, 0.049).code == V.SUPPORTED
    assert V.single("x", 0.5, 0.1, 0.9, 0.05).code == V.NOT_SUPPORTED  # not below alpha
    assert V.single("x", -0.5, -0.9, -0.1, 0.01).reason == "opposite_sign"
    assert V.single("x", 0.5, 0.1, math.inf, 0.01).code == V.NOT_TESTABLE  # no verdict on a non-finite interval
    assert V.single("x", 0.5, 0.1, 0.9, None).code == V.NOT_TESTABLE
    assert V.single("x", 0.5, 0.1, 0.9, 0.01, readable=False).reason == "not_promoted"
    assert V.single("x", 0.5, 0.1, 0.9, 0.01, gate="unbalanced").code == V.NOT_TESTABLE


def test_comparison_with_the_literature_follows_the_interval():
    assert V.agreement("+", 0.1, 0.9) == "consistent"
    assert V.agreement("+", -0.9, -0.1) == "opposite"
    assert V.agreement("+", -0.1, 0.9) == "inconclusive"
    assert V.agreement("heterogeneous", 0.1, 0.9) == "not_comparable"
    assert V.agreement("+", 0.1, math.nan) == "no_result"
    assert V.partial_r(2.0, 1.0, 96) == pytest.approx(2 / math.sqrt(4 + 96))


def _markers(text: str) -> set[str]:
    return set(re.findall(r"@([A-Za-z][A-Za-z0-9_-]*)", text))


def test_every_citation_of_the_paper_resolves():
    works = bibliography.load()
    texts = [(ROOT / "src/cooperate_analysis/present/paper/text.yaml").read_text(encoding="utf-8"),
             (ROOT / "src/cooperate_analysis/present/paper/text.py").read_text(encoding="utf-8")]
    keys = set().union(*(_markers(t) for t in texts)) - {"key"}  # "@{key}" is a placeholder
    keys |= {g["key"] for h in HYPS for g in h["grounds"]} | {c["key"] for h in HYPS for c in h.get("compare", [])}
    missing = sorted(k for k in keys if k not in works)
    assert not missing, missing
    for lang in ("en", "it"):
        for section in ("introduction", "implications", "limitations_fixed", "conclusion", "data_availability"):
            assert sources.prose(section, lang), section


def test_pipeline_declares_the_paper_after_the_runs_it_reads():
    configured = runs.load_runs(ROOT / "pipeline.yml")
    by_name = {r.name: r for r in configured}
    assert "paper" in by_name and by_name["paper"].docx
    reads = set(by_name["paper"].reads)
    assert set(paper.READS) <= reads
    assert {f"district-{d}" for d in ("capannori_paper", "empolese_valdelsa_clothing", "santa_croce_tanning")} <= reads
    order = [r.name for stage in runs.stages(configured) for r in stage]
    assert all(order.index(name) < order.index("paper") for name in reads)
    assert {"html", "docx"} <= {p.suffix[1:] for p in by_name["paper"].outputs()}


def _config(tmp_path, runs_spec) -> Path:
    import shutil

    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks/cross_district.ipynb", tmp_path / "notebooks/a.ipynb")
    path = tmp_path / "p.yml"
    path.write_text(yaml.safe_dump({"runs": runs_spec}))
    return path


@pytest.mark.parametrize("spec, message", [
    ([{"name": "a", "notebook": "notebooks/a.ipynb", "reads": ["b"]}], "reads run 'b', which is not declared"),
    ([{"name": "a", "notebook": "notebooks/a.ipynb", "reads": ["a"]}], "reads its own results"),
    ([{"name": "a", "notebook": "notebooks/a.ipynb", "reads": ["b"]},
      {"name": "b", "notebook": "notebooks/a.ipynb", "reads": ["a"]}], "in a cycle"),
    ([{"name": "a", "notebook": "notebooks/a.ipynb", "reads": "b"}], "'reads' must be a list"),
    ([{"name": "a", "notebook": "notebooks/a.ipynb", "docx": "yes"}], "'docx' must be true or false"),
])
def test_bad_reads_are_one_line_config_errors(tmp_path, monkeypatch, spec, message):
    monkeypatch.chdir(tmp_path)
    config = _config(tmp_path, spec)
    with pytest.raises(runs.ConfigError, match=re.escape(message)):
        runs.load_runs(config)


def test_the_reads_key_changes_with_a_results_file_it_reads(tmp_path, monkeypatch):
    from cooperate_analysis.runner import pipeline

    monkeypatch.chdir(tmp_path)
    config = _config(tmp_path, [{"name": "a", "notebook": "notebooks/a.ipynb"},
                                {"name": "b", "notebook": "notebooks/a.ipynb"},
                                {"name": "r", "notebook": "notebooks/a.ipynb", "reads": ["a"]}])
    configured = {r.name: r for r in runs.load_runs(config)}
    Path("reports/results").mkdir(parents=True)
    Path("reports/results/a.json").write_text('{"values": {"x": 1}}')
    Path("reports/results/b.json").write_text('{"values": {"x": 1}}')
    before = pipeline.reads_key(configured["r"], configured)
    Path("reports/results/b.json").write_text('{"values": {"x": 2}}')  # a run it does not read
    assert pipeline.reads_key(configured["r"], configured) == before
    Path("reports/results/a.json").write_text('{"values": {"x": 2}}')
    assert pipeline.reads_key(configured["r"], configured) != before
    assert pipeline.reads_reason(configured["r"], {"b"}) and not pipeline.reads_reason(configured["r"], {"a"})


def test_word_edition_holds_every_table_and_figure(tmp_path):
    import matplotlib.pyplot as plt
    import pandas as pd

    from cooperate_analysis.present import report

    rep = report.Report(["en"], captions={"t": "A table.", "f": "A figure."})
    table = rep.table(pd.DataFrame({"a": [1.5, 2.25], "b": ["x", "y"]}), "t").by_lang["en"]
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    figure = rep.figure(fig, "f").by_lang["en"]
    page = (f"<html><body><nav><ul><li>menu</li></ul></nav><h2>1 Section</h2>{table}{figure}{table}"
            '<section class="provenance"><table><tr><td>x</td></tr></table></section></body></html>')
    html_file = tmp_path / "p.html"
    html_file.write_text(page, encoding="utf-8")
    word.html_to_docx(html_file, tmp_path / "p.docx")
    assert word.html_items(page) == (2, 1)  # the provenance table is not part of the manuscript
    assert word.docx_items(tmp_path / "p.docx") == (2, 1)
    text = word.docx_text(tmp_path / "p.docx")
    assert "Table 1." in text and "Figure 1." in text and "menu" not in text


def test_every_table_and_figure_names_the_code_that_builds_it():
    assert set(paper.CAPTIONS) == set(paper.CODE)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_paper_figures_print_text_at_7_pt_or_more(lang):
    import matplotlib.pyplot as plt

    from cooperate_analysis.data.codebook import load_codebook
    from cooperate_analysis.present import figures as shared
    from cooperate_analysis.present.paper import figures

    shared.style()
    cb = load_codebook()
    cross = {"ols_pooled.score_innovation.csr_overall.estimate": 0.8, "ols_pooled.score_innovation.csr_overall.ci_low": 0.1,
             "ols_pooled.score_innovation.csr_overall.ci_high": 1.6, "robustness.score_innovation.weighted.estimate": 0.9,
             "heterogeneity.score_innovation.capannori_paper.estimate": 0.9,
             "heterogeneity.score_innovation.capannori_paper.std_error": 0.4}
    curve = {"joint.innovation.share_significant.observed": 0.25}
    for fig in (figures.conceptual_model(sources.model(), lang),
                figures.district_slopes(cross, ["capannori_paper"], lang, cb),
                figures.robustness(cross, curve, lang, cb)):
        small = [(t, s) for t, s in shared.print_sizes(fig) if s < shared.MIN_PRINT_PT - 1e-9]
        plt.close(fig)
        assert not small, small
