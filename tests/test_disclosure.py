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
    """One lean build (a district, the cross-district and the channels report, English) of the synthetic
    survey without its synthetic label: no k/n cell of 1 or 2 firms (or their complement) in any table of any
    report, suppression marks with their note, no firm id anywhere, no synthetic banner."""
    import yaml

    from cooperate_analysis.runner import pipeline

    raw = pd.read_csv(project / "data" / "raw" / "survey_synthetic.csv")
    raw["firm_id"] = [f"IMPRESA{i:04d}" for i in range(1, len(raw) + 1)]
    raw.to_csv(project / "real.csv", index=False)
    config = yaml.safe_load((project / "pipeline.yml").read_text(encoding="utf-8"))
    keep = {"district-capannori_paper", "cross-district", "channels"}
    config["runs"] = [run | {"title": run["title"]["en"]} for run in config["runs"] if run["name"] in keep]
    config["languages"] = ["en"]
    (project / "real.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assert pipeline.build(data=Path("real.csv"), jobs=1, config=Path("real.yml")) == 0
    pages = [project / "reports" / f"{name}.html" for name in keep]
    marks = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "IMPRESA0" not in text and 'class="synthetic-banner"' not in text
        for table in re.findall(r'<table class="report-table">.*?</table>', text, flags=re.S):
            assert _small_shares(table) == [], (page.name, _small_shares(table))
            assert disclosure.FLAG not in table
        marks += text.count(f">{disclosure.SUPPRESSED}<")
        assert (f">{disclosure.SUPPRESSED}<" in text) == ("disclosure-note" in text)
    assert marks > 0  # the survey has small cells: the real-data build hides them
