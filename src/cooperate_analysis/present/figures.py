"""The figures' shared style: sizes, fonts and colours of every report's figures (each report kind
draws its own figures in its package and imports its style from here).

Figures are drawn at the printed text width (`WIDTH` inches, about the 17.4 cm column of an A4 page
with the reports' margins), so a figure prints at close to its own size and every text in it at
7 pt or more (`print_sizes` measures it). Numbers in figures (ticks, legends, annotations) go through
`formatting`, so an Italian figure shows decimal commas; every word comes from the codebook or from the
report kind's message catalog.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.legend import Legend  # noqa: E402
import seaborn as sns  # noqa: E402

from .formatting import localize_axes  # noqa: E402

DISTRICT_COLORS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9"]  # Okabe-Ito, colour-blind safe

# Print geometry: the A4 text width of the reports (210 mm less 2 x 18 mm margins, compendium.css);
# report.Report.figure saves PNGs at SAVE_DPI and the browser shows them at 96 CSS pixels per inch,
# scaled down to the text width when wider.
PRINT_WIDTH_IN = (210 - 2 * 18) / 25.4
SAVE_DPI = 110
CSS_DPI = 96
SAVE_PAD_IN = 0.1  # savefig(bbox_inches="tight") pads the drawn area by this much on each side
MIN_PRINT_PT = 7.0
WIDTH = 6.6  # figure width in inches: the text width less the tight-bbox padding

FONT = {"base": 9.0, "title": 9.5, "label": 9.0, "tick": 8.5, "legend": 8.5, "annotation": 8.5}

def style() -> None:
    """Apply the compendium's plotting style (deterministic fonts, sizes at least 7 pt in print)."""
    sns.set_theme(context="notebook", style="whitegrid")
    plt.rcParams.update({
        "figure.dpi": SAVE_DPI, "svg.hashsalt": "cooperate", "axes.titleweight": "bold",
        "font.size": FONT["base"], "axes.titlesize": FONT["title"], "axes.labelsize": FONT["label"],
        "xtick.labelsize": FONT["tick"], "ytick.labelsize": FONT["tick"], "legend.fontsize": FONT["legend"],
        "legend.title_fontsize": FONT["legend"], "figure.titlesize": FONT["title"],
        "axes.formatter.use_locale": False,
    })


def png(fig: plt.Figure, dpi: float = SAVE_DPI) -> bytes:
    """The figure as a PNG at `dpi`: its drawn area with SAVE_PAD_IN of the figure's colour around it, the
    image `savefig(bbox_inches="tight")` gives, from one drawing. savefig draws a figure twice, once to
    find its drawn area and once more, shifted, to save it, and measures every text again the second time;
    here the drawn canvas is cut (the specification-curve figure: 0.28-0.35 s instead of 0.36-0.40 s). The
    cut differs from savefig's image by less than a pixel in its offset and size. A figure with something
    drawn past its edges (which a cut would lose) is saved by savefig."""
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgba
    from matplotlib.image import imsave

    buffer = io.BytesIO()
    drawn = None
    if fig.dpi == dpi and isinstance(fig.canvas, FigureCanvasAgg):
        fig.canvas.draw()
        drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
        width, height = fig.get_size_inches()
    if drawn is None or drawn.x0 < 0 or drawn.y0 < 0 or drawn.x1 > width or drawn.y1 > height:
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        return buffer.getvalue()
    image = np.asarray(fig.canvas.buffer_rgba())
    rows, columns = image.shape[:2]
    pad = int(round(SAVE_PAD_IN * dpi))  # the padding is cut from the canvas too: antialiased edges reach into it
    left, right = int(np.floor(drawn.x0 * dpi)) - pad, int(np.ceil(drawn.x1 * dpi)) + pad
    top, bottom = rows - int(np.ceil(drawn.y1 * dpi)) - pad, rows - int(np.floor(drawn.y0 * dpi)) + pad
    out = np.empty((bottom - top, right - left, 4), dtype=np.uint8)
    out[...] = np.round(np.array(to_rgba(fig.get_facecolor())) * 255).astype(np.uint8)  # beyond the canvas
    inside = image[max(top, 0):min(bottom, rows), max(left, 0):min(right, columns)]
    out[max(-top, 0):max(-top, 0) + inside.shape[0], max(-left, 0):max(-left, 0) + inside.shape[1]] = inside
    imsave(buffer, out, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def print_scale(fig: plt.Figure) -> float:
    """How much `fig` is scaled when printed: printed width / drawn width of its saved PNG (tight
    bounding box plus padding), shown at SAVE_DPI / CSS_DPI and at most the A4 text width."""
    renderer = fig.canvas.get_renderer()
    drawn = fig.get_tightbbox(renderer).width + 2 * SAVE_PAD_IN  # inches
    shown = min(drawn * SAVE_DPI / CSS_DPI, PRINT_WIDTH_IN)
    return shown / drawn


def print_sizes(fig: plt.Figure, drawn: bool = False) -> list[tuple[str, float]]:
    """Every visible, non-empty text of `fig` with its size in points once printed; `drawn`: the figure
    is drawn as it stands (its tick labels and layout are those of its last drawing), else it is drawn."""
    from matplotlib.text import Text

    if not drawn:
        fig.canvas.draw()
    scale = print_scale(fig)
    return [(t.get_text(), t.get_fontsize() * scale) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.get_figure() is not None]


def legend_below(fig: plt.Figure, handles: list, labels: list, max_ncol: int, **kwargs) -> Legend:
    """A frameless legend under a constrained-layout figure, centred on it, in as many columns (at most
    `max_ncol`) as fit within the figure's width: longer labels (Italian) take more rows instead of running
    past the figure's edges, which would widen the saved image and print the whole figure smaller."""
    renderer = fig.canvas.get_renderer()
    for ncol in range(max(1, min(max_ncol, len(labels))), 0, -1):
        legend = fig.legend(handles, labels, loc="outside lower center", ncol=ncol, frameon=False, **kwargs)
        if ncol == 1 or legend.get_window_extent(renderer).width <= fig.bbox.width:
            return legend
        legend.remove()


def _finish(fig: plt.Figure, lang: str) -> plt.Figure:
    """Localized tick labels (decimal comma in Italian)."""
    localize_axes(fig, lang)
    return fig


PROFILE_MARKERS = ["o", "s", "^", "D"]  # shape as well as colour tells the groups apart
