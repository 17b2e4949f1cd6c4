"""The disclosure policy (issue 27): planted small cells (1, 2 firms; dominance by one firm) are suppressed,
secondary suppression leaves no suppressed cell recoverable from the margins, tables mark or hide the cells
by the survey's mode, and binned figures of real data hold no bin below the threshold."""
from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.present import disclosure, report
from cooperate_analysis.stats import disclosure as sdc
from cooperate_analysis.stats.disclosure import Cell


def _two_way(counts: np.ndarray):
    """Cells and relations of a 2-way frequency table with row totals, column totals and a grand total."""
    r, c = counts.shape
    cells = {(i, j): Cell.count(counts[i, j]) for i in range(r) for j in range(c)}
    cells |= {(i, "total"): Cell.count(counts[i].sum()) for i in range(r)}
    cells |= {("total", j): Cell.count(counts[:, j].sum()) for j in range(c)}
    cells[("total", "total")] = Cell.count(counts.sum())
    relations = [sdc.margin([(i, j) for j in range(c)], (i, "total")) for i in range(r)]
    relations += [sdc.margin([(i, j) for i in range(r)], ("total", j)) for j in range(c)]
    relations += [sdc.margin([(i, "total") for i in range(r)], ("total", "total")),
                  sdc.margin([("total", j) for j in range(c)], ("total", "total"))]
    return cells, relations


def _values(counts):
    r, c = counts.shape
    v = {(i, j): counts[i, j] for i in range(r) for j in range(c)}
    v |= {(i, "total"): counts[i].sum() for i in range(r)} | {("total", j): counts[:, j].sum() for j in range(c)}
    v[("total", "total")] = counts.sum()
    return v


def _bounds(values: dict, suppressed: set, relations: list, cell) -> tuple[float, float]:
    """The interval an attacker gets for `cell` from the published cells and the relations (non-negative
    counts): linear programs min / max of the cell."""
    from scipy.optimize import linprog

    hidden = sorted(suppressed, key=str)
    index = {c: j for j, c in enumerate(hidden)}
    a_eq, b_eq = [], []
    for relation in relations:
        row = np.zeros(len(hidden))
        rhs = 0.0
        for c, coef in relation.items():
            if c in index:
                row[index[c]] += coef
            else:
                rhs -= coef * values[c]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    goal = np.zeros(len(hidden))
    goal[index[cell]] = 1
    low = linprog(goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
    high = -linprog(-goal, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
    return low, high


def test_the_policy_is_one_declaration_with_the_sources_it_names():
    assert (sdc.POLICY.n_min, sdc.POLICY.n_min_magnitude) == (3, 5)
    assert (sdc.POLICY.dominance_n, sdc.POLICY.dominance_k) == (2, 85.0)
    doc = sdc.__doc__
    for source in ("sdctools.github.io/HandbookSDC", "sdcTable", "10.18637/jss.v067.i04", "tau-Argus"):
        assert source in doc


@pytest.mark.parametrize("k", [1, 2])
def test_a_planted_count_of_one_or_two_firms_is_suppressed(k):
    assert sdc.primary(Cell.count(k)) == sdc.FREQUENCY
    assert sdc.primary(Cell.share(k, 26)) == sdc.FREQUENCY
    assert sdc.primary(Cell.share(26 - k, 26)) == sdc.FREQUENCY  # the complement: one named firm lacks the trait
    assert sdc.primary(Cell.mean(k)) == sdc.FREQUENCY
    assert sdc.primary(Cell.statistic(k)) == sdc.SMALL_SAMPLE


def test_cells_at_the_threshold_and_empty_cells_are_published():
    assert sdc.primary(Cell.count(3)) == sdc.primary(Cell.count(0)) == ""
    assert sdc.primary(Cell.share(0, 26)) == sdc.primary(Cell.share(26, 26)) == sdc.primary(Cell.share(3, 6)) == ""
    assert sdc.primary(Cell.share(1, 2)) == sdc.FREQUENCY  # a share of fewer than 3 firms


def test_dominance_by_one_firm_is_suppressed_and_an_even_cell_is_not():
    assert sdc.primary(Cell.magnitude([1000, 5, 5, 5, 5, 5])) == sdc.DOMINANCE
    assert sdc.primary(Cell.magnitude([10, 11, 12, 9, 10, 13])) == ""
    assert sdc.primary(Cell.magnitude([10, 11, 12, 9])) == sdc.FEW_CONTRIBUTORS
    # the p% rule (off in the default policy): 100, 90 and a rest of 5 (< 10% of 100)
    assert sdc.p_percent_sensitive([100, 90, 3, 2], 10) and not sdc.p_percent_sensitive([100, 90, 30, 20], 10)
    strict = sdc.Policy(dominance_k=99.9, p_percent=10)
    assert sdc.primary(Cell.magnitude([100, 90, 3, 2, 0]), strict) == sdc.P_PERCENT


PLANTED = [
    np.array([[1, 8, 9], [7, 6, 12], [10, 9, 4]]),      # a single firm in a corner
    np.array([[2, 8, 9, 5], [7, 1, 12, 6], [10, 9, 4, 8]]),  # two sensitive cells in different rows
    np.array([[1, 1, 9], [7, 6, 12]]),                    # two singletons in one row
    np.array([[1, 0, 9], [7, 6, 12]]),                    # a singleton beside an empty cell
]


@pytest.mark.parametrize("counts", PLANTED)
def test_secondary_suppression_leaves_no_suppressed_cell_recoverable(counts):
    cells, relations = _two_way(counts)
    codes = sdc.protect(cells, relations)
    primary = {c for c, code in codes.items() if code != sdc.SECONDARY}
    assert primary == {(i, j) for i, j in zip(*np.nonzero((counts > 0) & (counts < 3)))}
    assert any(code == sdc.SECONDARY for code in codes.values())
    assert sdc.recoverable(list(codes), relations) == []
    values = _values(counts)
    for cell in primary:  # the margins leave the attacker an interval, not the value
        low, high = _bounds(values, set(codes), relations, cell)
        assert high - low >= 1 - 1e-9, (cell, low, high)
    for relation in relations:  # no relation's suppressed cells hold fewer than 3 firms together
        held = [values[c] for c in relation if c in codes]
        assert not held or sum(held) >= 3


def test_without_secondary_suppression_the_margin_gives_the_cell_back():
    counts = PLANTED[0]
    cells, relations = _two_way(counts)
    only_primary = [c for c, cell in cells.items() if sdc.primary(cell)]
    assert sdc.recoverable(only_primary, relations) == only_primary
    low, high = _bounds(_values(counts), set(only_primary), relations, only_primary[0])
    assert low == pytest.approx(high) == pytest.approx(1)



def _recoverable_by_rank(suppressed, relations):
    """The definition `recoverable` computes: cell j is determined iff adding its unit vector to the
    relations (restricted to the suppressed cells) does not raise their rank."""
    index = {c: j for j, c in enumerate(suppressed)}
    rows = [row for row in ([relation.get(c, 0.0) for c in suppressed] for relation in relations) if any(row)]
    if not suppressed or not rows:
        return []
    a = np.array(rows, dtype=float)
    rank = np.linalg.matrix_rank(a)
    return [c for c, j in index.items() if np.linalg.matrix_rank(np.vstack([a, np.eye(len(suppressed))[j]])) == rank]


def test_recoverable_equals_the_rank_definition_on_random_suppression_patterns():
    rng = np.random.default_rng(31)
    found = 0
    for _ in range(150):
        counts = rng.integers(0, 12, size=(rng.integers(2, 6), rng.integers(2, 6)))
        cells, relations = _two_way(counts)
        keys = list(cells)
        relations = relations + [sdc.known_sum([keys[i] for i in rng.choice(len(keys), size=3, replace=False)])
                                 for _ in range(rng.integers(0, 3))]
        suppressed = [keys[i] for i in np.flatnonzero(rng.random(len(keys)) < rng.uniform(0.1, 0.7))]
        expected = _recoverable_by_rank(suppressed, relations)
        assert sdc.recoverable(suppressed, relations) == expected
        found += bool(expected)
    assert found > 20  # the patterns include cells that are and are not determined

def test_secondary_suppression_on_random_tables():
    rng = np.random.default_rng(27)
    for _ in range(40):
        counts = rng.integers(0, 12, size=(rng.integers(2, 5), rng.integers(2, 5)))
        counts[rng.integers(counts.shape[0]), rng.integers(counts.shape[1])] = rng.integers(1, 3)
        cells, relations = _two_way(counts)
        codes = sdc.protect(cells, relations)
        assert sdc.recoverable(list(codes), relations) == []
        for (i, j) in itertools.product(range(counts.shape[0]), range(counts.shape[1])):
            if 0 < counts[i, j] < 3:
                assert (i, j) in codes


def _share_table():
    """A table as the builders make it: a pooled column that adds up the district columns; the first row's
    Capannori cell holds 1 firm of 9."""
    df = pd.DataFrame({"item": ["a", "b"], "pooled": ["8/30", "15/30"], "cap": ["1/9", "5/9"],
                       "emp": ["4/10", "5/10"], "sc": ["3/11", "5/11"]})
    ks = {"cap": (1, 5), "emp": (4, 5), "sc": (3, 5), "pooled": (8, 15)}
    ns = {"cap": 9, "emp": 10, "sc": 11, "pooled": 30}
    cells = {(r, col): Cell.share(ks[col][r], ns[col]) for r in range(2) for col in ks}
    relations = [sdc.margin([(r, d) for d in ("cap", "emp", "sc")], (r, "pooled")) for r in range(2)]
    return disclosure.attach(df, cells, relations)


def test_a_real_data_table_prints_marks_and_the_rule_and_no_small_number():
    df = _share_table()
    for lang in ("en", "it"):
        markup = report.table_html(df, lang=lang, disclosure_mode=disclosure.ENFORCE)
        # the primary cell and its partner in the row (the smallest other count), nothing else
        assert "1/9" not in markup and "3/11" not in markup and "4/10" in markup and "8/30" in markup
        assert markup.count(f">{disclosure.SUPPRESSED}<") == 2
        assert 'class="disclosure-note"' in markup
    assert "frequency rule" in report.table_html(df, lang="en", disclosure_mode=disclosure.ENFORCE)
    assert "regola di frequenza" in report.table_html(df, lang="it", disclosure_mode=disclosure.ENFORCE)


def test_a_synthetic_table_shows_every_number_and_marks_what_would_be_suppressed():
    df = _share_table()
    markup = report.table_html(df, lang="en", disclosure_mode=disclosure.MARK)
    assert "1/9" in markup and disclosure.FLAG in markup and "would not be published" in markup
    assert "would-suppress" in markup
    plain = pd.DataFrame({"a": [1, 2]})
    assert "disclosure-note" not in report.table_html(plain, disclosure_mode=disclosure.ENFORCE)


def test_the_report_takes_its_mode_from_the_metadata():
    captions = {"t": "A table."}
    real = report.Report("en", captions, meta={"synthetic": False})
    assert real.disclosure == disclosure.ENFORCE
    assert "1/9" not in real.table(_share_table(), "t").by_lang["en"]
    synthetic = report.Report("en", captions)
    synthetic.banner({"synthetic": True})
    assert synthetic.disclosure == disclosure.MARK and disclosure.firm_points_allowed()
    assert "1/9" in synthetic.table(_share_table(), "t").by_lang["en"]
    disclosure.use({"synthetic": False})
    assert not disclosure.firm_points_allowed()
    assert disclosure.mode(None) == disclosure.ENFORCE  # unknown origin: confidential by default


def test_bins_of_a_binned_figure_hold_at_least_the_threshold():
    rng = np.random.default_rng(1)
    for n in (4, 5, 9, 26, 31, 200):
        values = rng.normal(size=n)
        values[rng.integers(n)] = np.nan
        idx = sdc.bin_index(values)
        kept = idx[idx >= 0]
        if np.isfinite(values).sum() < 5:
            assert len(kept) == 0
        else:
            assert np.bincount(kept).min() >= 5
    ties = np.r_[np.zeros(12), np.ones(3)]
    assert np.bincount(sdc.bin_index(ties)).min() >= 5


# --- the report kinds' tables and figures on the survey ------------------------------------------------------

def _frame(real: bool = False):
    from cooperate_analysis.data import derived
    from cooperate_analysis.data.validate import validate_survey

    raw = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "raw" / "survey_synthetic.csv")
    return derived.analysis_frame(validate_survey(raw, "survey_synthetic.csv"))


SHARE = re.compile(r">(?:[^<]*?\s)?(\d+)/(\d+)")


def _small_shares(markup: str) -> list[tuple[int, int]]:
    return [(int(k), int(n)) for k, n in SHARE.findall(markup)
            if int(n) < 3 or int(k) in (1, 2) or int(n) - int(k) in (1, 2)]


def test_the_builders_declare_their_cells_marked_on_synthetic_data_hidden_on_real_data():
    from cooperate_analysis.present import channels, cross_district
    from cooperate_analysis.present.district.tables import adoption_rates
    from cooperate_analysis.stats import adoption

    frame = _frame()
    groups = ["pooled", *sorted(frame["district"].unique())]
    samples = {g: frame if g == "pooled" else frame[frame["district"] == g] for g in groups}
    by_channel = adoption.channels_by_group(samples)
    tables = [channels.channel_rows(by_channel, "cert_any", "en"),
              cross_district.csr_by_district(frame, groups[1:], "en"),
              adoption_rates(frame[frame["district"] == groups[1]], "en")]
    assert all(t.attrs.get(disclosure.ATTR) for t in tables)
    flagged = 0
    for table in tables:
        real = report.table_html(table, disclosure_mode=disclosure.ENFORCE)
        assert _small_shares(real) == []
        synthetic = report.table_html(table, disclosure_mode=disclosure.MARK)
        flagged += synthetic.count(disclosure.FLAG + "<")
        assert real.count(f">{disclosure.SUPPRESSED}<") == synthetic.count("would-suppress")
    share_table = report.table_html(tables[0], disclosure_mode=disclosure.MARK)
    assert _small_shares(share_table)  # the synthetic survey has small cells: they show, marked
    assert flagged > 0


def test_the_csr_figure_of_real_data_draws_bins_not_firms():
    import matplotlib.pyplot as plt

    from cooperate_analysis.present import regression_figures

    frame = _frame()
    one = frame[frame["district"] == frame["district"].iloc[0]]
    for data in (one, frame):
        shown = regression_figures.csr_vs_scores(data, "en", points=True)
        binned = regression_figures.csr_vs_scores(data, "en", points=False)
        firms = sum(len(c.get_offsets()) for c in shown.axes[0].collections)
        bins = sum(len(c.get_offsets()) for c in binned.axes[0].collections)
        assert firms >= len(data.dropna(subset=["csr_overall", "score_innovation"])) - 1
        assert 0 < bins <= firms / sdc.POLICY.n_min_magnitude
        plt.close(shown)
        plt.close(binned)
    disclosure.use({"synthetic": False})
    real = regression_figures.csr_vs_scores(one, "en")
    assert sum(len(c.get_offsets()) for c in real.axes[0].collections) <= len(one) / 5
    plt.close(real)


@pytest.mark.slow
def test_a_real_data_build_publishes_no_cell_below_the_threshold_and_no_firm_id(project):
    """One lean build (a district, the cross-district, the channels and a sustainability report, English) of the
    synthetic survey without its synthetic label, with a planted district where 2 firms hold ISO 14001, 1 holds
    EMAS and 1 plans SA8000: no k/n cell of 1 or 2 firms (or their complement) in any table of any report, no
    sentence quoting the planted shares or "1 firm of" anywhere (reports and index), suppression marks with their
    note, withheld words and figure notes, no firm id anywhere, no synthetic banner, no mark of synthetic data."""
    import html

    import yaml

    from cooperate_analysis.runner import pipeline

    planted = "santa_croce_tanning"
    raw = pd.read_csv(project / "data" / "raw" / "survey_synthetic.csv")
    raw["firm_id"] = [f"IMPRESA{i:04d}" for i in range(1, len(raw) + 1)]
    idx = raw.index[raw["district"] == planted]
    for cert, holders in (("iso14001", idx[:2]), ("emas", idx[2:3]), ("sa8000", [])):
        raw.loc[idx, f"cert_{cert}"] = 0
        raw.loc[holders, f"cert_{cert}"] = 1
        raw.loc[idx, f"cst_{cert}"] = 3
        raw.loc[holders, f"cst_{cert}"] = 1
    raw.loc[idx[3:4], "cst_sa8000"] = 2
    raw.to_csv(project / "real.csv", index=False)
    config = yaml.safe_load((project / "pipeline.yml").read_text(encoding="utf-8"))
    keep = {"district-capannori_paper", "cross-district", "channels", f"sustainability-{planted}"}
    config["runs"] = [run | {"title": run["title"]["en"]} for run in config["runs"] if run["name"] in keep]
    config["languages"] = ["en"]
    (project / "real.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assert pipeline.build(data=Path("real.csv"), jobs=1, config=Path("real.yml")) == 0
    pages = [project / "reports" / f"{name}.html" for name in keep]
    n = len(idx)
    quoted = [_wilson_text(2, n, "en"), _wilson_text(1, n, "en")]  # the planted shares as a sentence prints them
    marks = 0
    for page in [*pages, project / "reports" / "index.html"]:
        text = page.read_text(encoding="utf-8")
        assert "IMPRESA0" not in text and 'class="synthetic-banner"' not in text
        for table in re.findall(r'<table class="report-table">.*?</table>', text, flags=re.S):
            assert _small_shares(table) == [], (page.name, _small_shares(table))
        assert disclosure.FLAG not in text
        words = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", text)))
        words = re.sub(r"\s+", " ", words)
        assert not any(q in words for q in quoted), page.name
        assert not re.search(r"\b[12] firms? of \d", words), page.name
        small = [(k, m) for k, m in re.findall(r"(?<![\d/.,])(\d+)/(\d+)(?![\d/])", words)
                 if int(m) < 3 or int(k) in (1, 2) or int(m) - int(k) in (1, 2)]
        assert small == [], (page.name, small)  # no k/n of 1-2 firms anywhere, sentences included
        marks += text.count(f">{disclosure.SUPPRESSED}<")
        assert (f">{disclosure.SUPPRESSED}<" in text) == ('disclosure-note">x' in text)
    assert marks > 0  # the survey has small cells: the real-data build hides them
    sustainability = (project / "reports" / f"sustainability-{planted}.html").read_text(encoding="utf-8")
    assert "withheld (" in sustainability and "SA8000" in sustainability
    assert re.search(r'class="disclosure-note">\d+ values? resting on too few firms (is|are) not drawn', sustainability)
    channels = (project / "reports" / "channels.html").read_text(encoding="utf-8")
    assert "not drawn, to protect the confidentiality" in channels


# --- sentences and figures (issue 27): a quoted survey value passes the policy like a table cell ---------------

def _planted_frame(district: str = "santa_croce_tanning"):
    """The synthetic survey's analysis frame with planted small cells in `district`: ISO 14001 held by 2 firms,
    EMAS by 1, SA8000 planned by 1 (every other firm answering 'not interested')."""
    frame = _frame().copy()
    idx = frame.index[frame["district"] == district]
    for cert, holders in (("iso14001", idx[:2]), ("emas", idx[2:3]), ("sa8000", [])):
        frame.loc[idx, f"cert_{cert}"] = 0
        frame.loc[holders, f"cert_{cert}"] = 1
        frame.loc[idx, f"cst_{cert}"] = 3
        frame.loc[holders, f"cst_{cert}"] = 1
    frame.loc[idx[3:4], "cst_sa8000"] = 2
    return frame


def _wilson_text(k: int, n: int, lang: str) -> str:
    from cooperate_analysis.present.sustainability import share_interval
    from cooperate_analysis.stats.measures import wilson_interval

    share, low, high = (float(np.asarray(v).ravel()[0]) for v in wilson_interval([k], [n]))
    return share_interval(share, low, high, lang)


@pytest.mark.parametrize("k", [1, 2, 25, 24])
def test_a_quoted_share_of_one_or_two_firms_is_withheld_with_real_data_and_marked_with_synthetic(k):
    for lang, word in (("en", "withheld"), ("it", "non pubblicato")):
        real = disclosure.Quotes(lang, disclosure.ENFORCE)
        text = real("3.8% [0.7, 18.9]", Cell.share(k, 26))
        assert isinstance(text, disclosure.Withheld) and word in text and "3.8" not in text
        assert real.hidden and real.note() == ""  # the words say why: no note
        synthetic = disclosure.Quotes(lang, disclosure.MARK)
        marked = synthetic("3.8% [0.7, 18.9]", Cell.share(k, 26))
        assert marked.startswith("3.8% [0.7, 18.9]") and marked.endswith(disclosure.FLAG)
        assert synthetic.note().startswith(disclosure.FLAG) and ("synthetic" in synthetic.note()) == (lang == "en")
    assert "3" in disclosure.Quotes("en", disclosure.ENFORCE)("x", Cell.share(k, 26))  # names the threshold


def test_a_quoted_share_at_the_threshold_prints_and_a_table_decision_is_followed():
    quotes = disclosure.Quotes("en", disclosure.ENFORCE)
    assert quotes("11.5%", Cell.share(3, 26)) == "11.5%" and quotes("0.0%", Cell.share(0, 26)) == "0.0%"
    assert not quotes.hidden
    # a cell the table hides as a secondary partner is withheld in the sentence too, with its own words
    secondary = quotes("19.2%", Cell.share(5, 26), code=sdc.SECONDARY)
    assert isinstance(secondary, disclosure.Withheld) and "give back" in secondary
    assert "regola" not in secondary and disclosure.Quotes("it", disclosure.ENFORCE)("1", code=sdc.SECONDARY) \
        == "dato non pubblicato (permetterebbe di ricostruire un dato non pubblicato)"


def test_by_groups_makes_the_decisions_of_the_table_with_a_pooled_margin():
    cells = {("a", "cap"): Cell.share(1, 9), ("a", "emp"): Cell.share(4, 10), ("a", "sc"): Cell.share(3, 11),
             ("a", "pooled"): Cell.share(8, 30), ("b", "cap"): Cell.share(5, 9), ("b", "emp"): Cell.share(5, 10),
             ("b", "sc"): Cell.share(5, 11), ("b", "pooled"): Cell.share(15, 30)}
    codes = disclosure.by_groups(cells)
    assert codes == {("a", "cap"): sdc.FREQUENCY, ("a", "sc"): sdc.SECONDARY}  # the smallest other count
    table = report.table_html(_share_table(), disclosure_mode=disclosure.ENFORCE)
    assert "3/11" not in table and "1/9" not in table  # the table of the same numbers hides the same cells
    relation = [sdc.margin([("a", g) for g in ("cap", "emp", "sc")], ("a", "pooled"))]
    assert sdc.recoverable(list(codes), relation) == []


def test_survey_findings_of_a_planted_district_quote_no_small_cell_with_real_data():
    from cooperate_analysis.present import sustainability
    from cooperate_analysis.stats import measures

    frame = _planted_frame()
    district = "santa_croce_tanning"
    profile = measures.adoption_profile(frame, district)
    n = int((frame["district"] == district).sum())
    for lang in ("en", "it"):
        planted = [_wilson_text(2, n, lang), _wilson_text(1, n, lang)]
        real = " ".join(sustainability.survey_findings(profile, district, False, lang))
        assert not any(t in real for t in planted), real
        assert ("withheld (" if lang == "en" else "dato non pubblicato (") in real
        # the table of the same profile hides them as well, and the pooled shares stay
        table = report.table_html(sustainability.profile_table(profile, lang), lang=lang,
                                  disclosure_mode=disclosure.ENFORCE)
        assert not any(t.replace(" ", "") in table.replace(" ", "").replace("\xa0", "") for t in planted)
        synthetic = sustainability.survey_findings(profile, district, True, lang)
        assert all(t + disclosure.NBSP + disclosure.FLAG in " ".join(synthetic) for t in planted)
        assert any(s.startswith(disclosure.FLAG + ":") for s in synthetic)


def test_planned_certifications_and_barriers_of_a_planted_district():
    from cooperate_analysis.present import sustainability

    frame = _planted_frame()
    firms = frame[frame["district"] == "santa_croce_tanning"]
    real = sustainability.planned(firms, False, "en", frame=frame)
    assert "SA8000" in real and "1 firm of" not in real and "withheld (" in real
    assert real.index("SA8000") > max(real.find(f"{k} firms of") for k in range(3, 40))  # after the ranked ones
    synthetic = sustainability.planned(firms, True, "en", frame=frame)
    assert "1 firm of" in synthetic and disclosure.FLAG in synthetic and "would not be published" in synthetic
    italian = sustainability.planned(firms, False, "it", frame=frame)
    assert "1 impresa su" not in italian and "dato non pubblicato" in italian
    # a barrier rated important by 1 firm of the district
    few = firms.copy()
    items = [c for c in few.columns if c.startswith("bar_")]
    few.loc[:, items[0]] = 1.0
    few.loc[few.index[:1], items[0]] = 5.0
    text = sustainability.barriers(few, False, "en")
    assert text is not None and "withheld (" in text


def test_channel_sentences_quote_no_small_cell_with_real_data():
    from cooperate_analysis.present import channels
    from cooperate_analysis.stats import adoption

    frame = _frame()
    groups = ["pooled", *sorted(frame["district"].unique())]
    samples = {g: frame if g == "pooled" else frame[frame["district"] == g] for g in groups}
    by_channel = adoption.channels_by_group(samples)
    pooled = by_channel["pooled"].copy()
    # plant: among the firms using an intermediary, 1 holds a certification
    hit = (pooled["outcome"] == "cert_any") & (pooled["channel"] == "intermediary_support") & (pooled["used"] == 1)
    n = int(pooled.loc[hit, "n"].iloc[0])
    pooled.loc[hit, ["k", "share", "ci_low", "ci_high"]] = [1, 1 / n, 0.001, 0.1]
    real = channels.channel_gaps(pooled, "en", mode=disclosure.ENFORCE)
    assert f"{100 / n:.1f}%" not in real
    marked = channels.channel_gaps(pooled, "en", mode=disclosure.MARK)
    assert f"{100 / n:.1f}%" in marked and disclosure.FLAG in marked and "would not be published" in marked
    # the questionnaire sentence: the pooled certification statuses the status table hides are not quoted
    from cooperate_analysis.present.channels.names import percent_interval
    from cooperate_analysis.present.channels.text import questionnaire_codes

    questionnaire = adoption.questionnaire_by_group(samples)
    codes = questionnaire_codes(questionnaire)
    status = questionnaire["pooled"]["cert_status"]
    hidden = [percent_interval(r.share, r.ci_low, r.ci_high, "en") for r in status.itertuples()
              if codes.get(("status", r.item, int(r.answer), "pooled"))]
    assert hidden  # the synthetic survey has such cells (secondary partners of the districts' small cells)
    real = channels.questionnaire_sentence(questionnaire["pooled"], "en", None,
                                           disclosure.Quotes("en", disclosure.ENFORCE), questionnaire)
    assert real and not any(t in real for t in hidden)
    quotes = disclosure.Quotes("en", disclosure.MARK)
    marked = channels.questionnaire_sentence(questionnaire["pooled"], "en", None, quotes, questionnaire)
    assert quotes.hidden == (disclosure.FLAG in marked)


def _drawn_points(fig) -> int:
    """The dots of an errorbar figure (markers of its lines)."""
    return sum(len(line.get_xdata()) for ax in fig.axes for line in ax.lines
               if line.get_marker() not in (None, "None", "", " "))


def test_survey_figures_draw_no_small_cell_with_real_data_and_say_so():
    import matplotlib.pyplot as plt

    from cooperate_analysis.present import sustainability
    from cooperate_analysis.present.district import figures as district_figures
    from cooperate_analysis.stats import measures

    frame = _planted_frame()
    profile = measures.adoption_profile(frame, "santa_croce_tanning")
    synthetic = sustainability.csr_profile(profile, "en", mode=disclosure.MARK)
    real = sustainability.csr_profile(profile, "en", mode=disclosure.ENFORCE)
    codes = getattr(real, disclosure.FIGURE_ATTR)["codes"]
    assert codes and _drawn_points(synthetic) - _drawn_points(real) == len(codes)
    assert "not drawn" in disclosure.figure_note(real, "en") and "would not be drawn" in disclosure.figure_note(
        synthetic, "en")
    assert "non sono rappresentati" in disclosure.figure_note(real, "it")
    rep = report.Report("en", {"f": "A figure."}, meta={"synthetic": False})
    assert 'class="disclosure-note"' in rep.figure(real, "f").by_lang["en"]
    plt.close(synthetic)
    # a practice adopted by one firm of the district has no bar; the other bars stay
    firms = frame[frame["district"] == "santa_croce_tanning"].copy()
    practice = next(iter(next(iter(_codebook().practices_by_dimension().values()))))
    firms[practice] = 0.0
    firms.loc[firms.index[:1], practice] = 1.0

    def bars(fig) -> int:
        return sum(1 for p in fig.axes[0].patches if np.isfinite(p.get_width()) and p.get_width() > 0)

    real_bars = district_figures.adoption_bars(firms, "en", mode=disclosure.ENFORCE)
    marked_bars = district_figures.adoption_bars(firms, "en", mode=disclosure.MARK)
    hidden = getattr(real_bars, disclosure.FIGURE_ATTR)["codes"]
    assert practice_code(real_bars, practice) and bars(marked_bars) - bars(real_bars) == len(hidden) >= 1
    assert disclosure.figure_note(marked_bars, "en").startswith("With real data")
    # stacked bars: an item with a suppressed answer has no segment at all
    real_likert = district_figures.likert_stacked(firms, "en", mode=disclosure.ENFORCE)
    marked_likert = district_figures.likert_stacked(firms, "en", mode=disclosure.MARK)
    codes = getattr(real_likert, disclosure.FIGURE_ATTR)["codes"]
    positive = sum(1 for i in _codebook().outcome_items() for a in range(1, 6)
                   if (firms[i] == a).any() and any((firms[i] == b).sum() in (1, 2) for b in range(1, 6))
                   or (firms[i] == a).any() and (firms[i].notna().sum() - (firms[i] == a).sum()) in (1, 2))
    assert codes and bars(marked_likert) - bars(real_likert) >= positive > 0
    assert "not drawn" in disclosure.figure_note(real_likert, "en")
    plt.close("all")


def practice_code(fig, practice: str) -> bool:
    return bool(getattr(fig, disclosure.FIGURE_ATTR)["codes"])


def _codebook():
    from cooperate_analysis.data.codebook import load_codebook

    return load_codebook()


def test_stacked_bars_with_a_suppressed_segment_are_not_drawn_at_all():
    codes = {("a", 2): sdc.FREQUENCY}
    bars = {"a": [("a", 1), ("a", 2), ("a", 3)], "b": [("b", 1), ("b", 2)]}
    assert disclosure.whole_bars(codes, bars) == {("a", 1): sdc.SECONDARY, ("a", 2): sdc.FREQUENCY,
                                                  ("a", 3): sdc.SECONDARY}
    assert disclosure.undrawn(codes, disclosure.MARK) == set()
    assert disclosure.undrawn(codes, disclosure.ENFORCE) == {("a", 2)}


def test_the_index_sentence_withholds_a_small_share_of_a_real_survey():
    from cooperate_analysis.present import sustainability

    values = {"n_firms": 30, "headline.firms": 1.0}
    for group, k, n in (("santa_croce_tanning", 2, 30), ("capannori_paper", 17, 28), ("empolese_valdelsa_clothing",
                                                                                         10, 31), ("pooled", 29, 89)):
        share = k / n
        values |= {f"profile.{group}.cert_iso14001.{c}": v for c, v in
                   (("k", k), ("n", n), ("share", share), ("ci_low", share / 2), ("ci_high", min(1, share * 2)))}
    disclosure.use({"synthetic": False})
    real = sustainability.index_sentence(values, {"district": "santa_croce_tanning"}, "en", None)
    assert "6.7%" not in real and "withheld (" in real
    disclosure.use({"synthetic": True})
    marked = sustainability.index_sentence(values, {"district": "santa_croce_tanning"}, "en", None)
    assert "6.7%" in marked and disclosure.FLAG in marked
    disclosure.use({"synthetic": False})
