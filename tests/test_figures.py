"""Figures read in print and in Italian: every text at least 7 pt once printed on A4, decimal commas
in Italian figures, colour scales that cover the data, the pooled scatter coloured by district, and a
specification curve that stays readable at thousands of specifications."""
from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from cooperate_analysis.data import derived
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.present import cross_district, district, figures, regression_figures
from cooperate_analysis.present import speccurve as spec_report
from cooperate_analysis.stats import speccurve

from .conftest import assert_within_edges, make_survey

CB = load_codebook()
# a decimal point, not the Italian thousands separator of a four-digit or longer count ("4.493", CLDR)
DECIMAL_POINT = re.compile(r"(?<!\d)0\.\d|\d\.(?!\d{3}(?!\d))\d")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    figures.style()
    return derived.analysis_frame(make_survey(90, seed=3), CB)


@pytest.fixture(scope="module")
def curve() -> pd.DataFrame:
    """A specification curve of the pooled size (4,704 specifications) with arbitrary estimates."""
    specs = speccurve.specifications(CB, pooled=True)
    rng = np.random.default_rng(5)
    estimate = rng.normal(0.05, 0.2, len(specs))
    se = rng.uniform(0.08, 0.3, len(specs))
    return specs.assign(estimate=estimate, std_error=se, ci_low=estimate - 1.96 * se,
                        ci_high=estimate + 1.96 * se, p_value=rng.uniform(0, 1, len(specs)), n=85)


def _grid(frame: pd.DataFrame) -> pd.DataFrame:
    exposures = [f"csr_{d}" for d in CB.csr_dimensions] + ["cert_any"]
    outcomes = CB.outcome_items()
    rng = np.random.default_rng(2)
    rows = [{"exposure": e, "outcome": o, "effect": rng.uniform(-0.5, 0.5), "p_adj": rng.uniform(0, 1)}
            for e in exposures for o in outcomes]
    rows[3]["effect"] = 0.76  # beyond the old fixed scale of +-0.6
    rows[5]["effect"] = -0.66
    return pd.DataFrame(rows)


def _figures(frame: pd.DataFrame, curve: pd.DataFrame, lang: str) -> dict[str, plt.Figure]:
    firms = frame[frame["district"] == CB.district_ids[0]]
    rng = np.random.default_rng(1)
    return {
        "adoption_bars": district.adoption_bars(firms, lang, CB),
        "likert_stacked": district.likert_stacked(firms, lang, CB),
        "csr_vs_scores": regression_figures.csr_vs_scores(firms, lang, CB),
        "csr_vs_scores_pooled": regression_figures.csr_vs_scores(frame, lang, CB),
        "association_heatmap": district.association_heatmap(_grid(frame), lang, CB),
        "overlap": cross_district.overlap(rng.uniform(0.05, 0.95, 80), rng.integers(0, 2, 80), lang, CB),
        "spec_curve_many": spec_report.specification_curve(curve, lang, CB),
        "spec_curve_few": spec_report.specification_curve(curve.sample(120, random_state=0), lang, CB),
    }


@pytest.fixture(scope="module")
def drawn(frame, curve):
    """`drawn(lang)`: the figures of `_figures` and the paper's district slopes in `lang`, built and drawn
    once for every test of this module that reads them (none changes them); closed when the module ends."""
    from cooperate_analysis.present.paper import figures as paper_figures

    built: dict[str, dict[str, plt.Figure]] = {}

    def figures_in(lang: str) -> dict[str, plt.Figure]:
        if lang not in built:
            figs = _figures(frame, curve, lang)
            figs["paper_district_slopes"] = paper_figures.district_slopes(
                _slopes_values(list(CB.district_ids)), list(CB.district_ids), lang, CB)
            for fig in figs.values():
                fig.canvas.draw()
            built[lang] = figs
        return built[lang]

    yield figures_in
    for figs in built.values():
        for fig in figs.values():
            plt.close(fig)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_figure_text_is_at_least_7_pt_once_printed(drawn, lang):
    for name, fig in drawn(lang).items():
        if name == "paper_district_slopes":  # test_paper.py checks the paper's figures
            continue
        sizes = figures.print_sizes(fig, drawn=True)
        assert sizes, name
        small = [(text, round(pt, 2)) for text, pt in sizes if pt < figures.MIN_PRINT_PT]
        assert not small, f"{name} ({lang}): text below 7 pt in print: {small[:5]}"
        # and the figure is not wider than the text column: it prints at (about) its own size
        assert figures.print_scale(fig) > 0.85, name


def _slopes_values(districts: list[str]) -> dict:
    """Cross-district results the paper's slope figure reads: a pooled estimate with its interval and each
    district's slope with its standard error, for every score."""
    from cooperate_analysis.present.paper import tables as paper_tables

    values = {}
    for i, score in enumerate(paper_tables.SCORES):
        values |= {f"ols_pooled.{score}.csr_overall.estimate": 0.4 + 0.2 * i,
                   f"ols_pooled.{score}.csr_overall.ci_low": -0.3, f"ols_pooled.{score}.csr_overall.ci_high": 1.4}
        values |= {f"heterogeneity.{score}.{d}.{k}": v for j, d in enumerate(districts)
                   for k, v in (("estimate", 0.2 * j - 0.1), ("std_error", 0.4))}
    return values


@pytest.mark.parametrize("lang", ["en", "it"])
def test_no_figure_text_runs_past_the_figures_edge(drawn, lang):
    """No label or legend past the canvas's edge (`conftest.assert_within_edges`): the Italian Likert legend ran
    10 px past it, the paper's district names 34 px, the Italian specification-curve note 3-8 px."""
    for name, fig in drawn(lang).items():
        assert_within_edges(fig, f"{name} ({lang})", drawn=True)


def test_print_scale_follows_the_saved_width():
    """A figure wider than the A4 text is scaled down by text width / drawn width; a narrow one is
    shown at SAVE_DPI / CSS_DPI (the browser's 96 px per inch)."""
    wide = plt.figure(figsize=(12, 3))
    wide.add_subplot().plot([0, 1])
    drawn = wide.get_tightbbox(wide.canvas.get_renderer()).width + 2 * figures.SAVE_PAD_IN
    assert figures.print_scale(wide) == pytest.approx(figures.PRINT_WIDTH_IN / drawn, rel=1e-6)
    narrow = plt.figure(figsize=(3, 3))
    narrow.add_subplot().plot([0, 1])
    assert figures.print_scale(narrow) == pytest.approx(figures.SAVE_DPI / figures.CSS_DPI, rel=1e-6)
    plt.close("all")


def _pixels(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_a_figure_is_saved_as_savefig_tight_saves_it_from_one_drawing(frame):
    """`figures.png` cuts the drawn canvas to its drawn area and pads it, as savefig(bbox_inches="tight") does
    from a second drawing: the cut holds every pixel drawn on the canvas (as many pixels that are not the
    background: antialiased edges reach past the drawn area's extents) and its size is savefig's to within
    2 px (savefig draws the text at another sub-pixel offset, so the pixels differ slightly). A figure with
    text past its edge is saved by savefig itself, byte for byte."""
    import io

    firms = frame[frame["district"] == CB.district_ids[0]]
    fig = district.adoption_bars(firms, "it", CB)  # dense text, a legend under the axes
    old = io.BytesIO()
    fig.savefig(old, format="png", dpi=figures.SAVE_DPI, bbox_inches="tight", metadata={"Software": None})
    cut = _pixels(figures.png(fig))
    canvas = np.asarray(fig.canvas.buffer_rgba())  # the drawing the cut was taken from
    plt.close(fig)
    background = canvas[0, 0]
    assert (background == [255, 255, 255, 255]).all()
    drawn = lambda image: int((image != background).any(axis=2).sum())  # noqa: E731
    assert drawn(cut) == drawn(canvas) > 0
    assert np.abs(np.array(cut.shape) - _pixels(old.getvalue()).shape).max() <= 2
    past = plt.figure(figsize=(3, 2))
    past.add_subplot().plot([0, 1])
    past.text(1.05, 0.5, "past the edge", transform=past.transFigure)
    old = io.BytesIO()
    past.savefig(old, format="png", dpi=figures.SAVE_DPI, bbox_inches="tight", metadata={"Software": None})
    assert figures.png(past) == old.getvalue()
    plt.close(past)


def _texts(fig: plt.Figure) -> list[str]:
    """The visible texts of a drawn figure (tick labels are made when it is drawn)."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_italian_figures_have_decimal_commas_and_no_english(drawn):
    english = {"Score", "Firms", "Estimated", "Firms adopting", "Share of answering", "Rank correlation", "Median", "positive",
               "negative", "Specifications", "Least-squares", "yes", "intervals"}
    for name, fig in drawn("it").items():
        texts = _texts(fig)
        pointed = [t for t in texts if DECIMAL_POINT.search(t)]
        assert not pointed, f"{name}: decimal point in an Italian figure: {pointed[:5]}"
        left = [t for t in texts if any(re.search(rf"\b{word}\b", t) for word in english)]
        assert not left, f"{name}: English in an Italian figure: {left[:5]}"
    assert any(DECIMAL_POINT.search(t) for t in _texts(drawn("en")["association_heatmap"]))


@pytest.mark.parametrize("values, limit", [([0.76, -0.2], 0.8), ([0.3, -0.41], 0.5), ([0.6], 0.6),
                                            ([-1.0, 0.2], 1.0), ([0.0], 0.1), ([np.nan], 1.0)])
def test_colour_limit_covers_the_largest_correlation(values, limit):
    assert district.colour_limit(values) == pytest.approx(limit)


def test_heatmap_colour_scale_covers_the_data(frame):
    grid = _grid(frame)
    fig = district.association_heatmap(grid, "en", CB)
    mesh = fig.axes[0].collections[0]
    low, high = mesh.get_clim()
    assert low <= grid["effect"].min() and high >= grid["effect"].max()
    assert high == pytest.approx(-low)  # symmetric around zero
    annotations = [t.get_text() for t in fig.axes[0].texts]
    assert "0.76" in {a.rstrip("*") for a in annotations}
    plt.close(fig)


def test_pooled_scatter_is_coloured_by_district_with_a_legend_in_the_report_language(frame):
    for lang in ("en", "it"):
        fig = regression_figures.csr_vs_scores(frame, lang, CB)
        legend = fig.legends[0]
        names = [t.get_text() for t in legend.get_texts()]
        for district in CB.district_ids:
            assert CB.label(district, lang) in names
        colours = {tuple(np.round(c.get_facecolor()[0], 3)) for c in fig.axes[0].collections if len(c.get_offsets())}
        assert len(colours) >= len(CB.district_ids)
        plt.close(fig)
    one = regression_figures.csr_vs_scores(frame[frame["district"] == CB.district_ids[0]], "en", CB)
    assert not one.legends  # one district: no district legend
    plt.close(one)


def test_overlap_shows_both_groups_on_the_unit_interval():
    rng = np.random.default_rng(0)
    score, treated = rng.uniform(0, 1, 60), np.r_[np.ones(20), np.zeros(40)]
    for lang, words in (("en", ("yes (n = 20)", "no (n = 40)")), ("it", ("sì (n = 20)", "no (n = 40)"))):
        fig = cross_district.overlap(score, treated, lang, CB)
        ax = fig.axes[0]
        assert ax.get_xlim() == (0, 1)
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert labels == list(words)
        heights = [p.get_height() for p in ax.patches]
        assert sum(h for h in heights if h > 0) == 20 and -sum(h for h in heights if h < 0) == 40
        plt.close(fig)


def test_spec_curve_at_thousands_of_specifications_uses_few_large_elements(curve):
    fig = spec_report.specification_curve(curve, "en", CB)
    top, bottom = fig.axes[:2]
    # the choice panel is one image of strips, not thousands of marks
    assert len(bottom.images) == 1 and not bottom.collections
    strips = bottom.images[0].get_array()
    assert strips.shape[1] <= 60
    # every option row is there, labelled, and its shading averages to about 1 (as common as overall)
    n_options = sum(curve[d].nunique() for d in speccurve.DIMENSIONS)
    assert len(bottom.texts) == n_options + len(speccurve.DIMENSIONS)  # one label per row (texts, not ticks)
    rows = strips[~strips.mask.all(axis=1)] if np.ma.isMaskedArray(strips) else strips
    assert len(rows) == n_options
    assert np.allclose(np.asarray(rows).mean(axis=1), 1, atol=0.1)
    # intervals as one band; points rasterized so the PDF does not carry 4,704 vector marks
    assert all(c.get_rasterized() for c in top.collections)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    counts = sum(int(re.search(r"\(([\d,]+)\)", t).group(1).replace(",", "")) for t in legend if t.startswith("p "))
    assert counts == len(curve)
    plt.close(fig)
