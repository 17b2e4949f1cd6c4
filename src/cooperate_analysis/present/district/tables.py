"""Tables of the district report that no other report prints."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...stats import measures
from ...stats.disclosure import Cell
from .. import formatting as fmt
from ..disclosure import attach
from ..i18n import N_, messages
from ..regression import missing_value_notes, noted, share_cell

FPC_NOTE = N_("Shares of answering firms as firms with the practice or certification over answering firms, with Wilson "
              "95% intervals carrying the finite-population correction (the sample holds {share} of the district's "
              "firms).")
WILSON_NOTE = N_("Shares of answering firms as firms with the practice or certification over answering firms, with "
                 "Wilson 95% intervals.")
HELD_NOTE = N_("A certification is held when the firm answered yes to the held question (the same count in every "
               "report).")
NO_ANSWER = N_("{dash}: no firm answered.")


def adoption_rates(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None,
                   fraction: float = 0.0) -> pd.DataFrame:
    """Share of answering firms that adopted each CSR practice and hold each certification: 'k/n: share
    [95% CI]' (Wilson, finite-population corrected by the sample's `fraction`, `measures.design_fraction`).
    A certification's k and n are `measures.certification_held`, the one definition every report reads."""
    cb = cb or load_codebook()
    h = messages(lang)
    dimension, variable = h.pgettext("table header", "Dimension"), h.pgettext("table header", "Variable")
    adopted = h.pgettext("table header", "Firms (k/n): share [95% CI]")
    groups = [(cb.label(d, lang), items, False) for d, items in cb.practices_by_dimension().items()]
    groups.append((h.pgettext("questionnaire block", "Certifications"), cb.certifications(None), True))
    rows, cells, dash = [], {}, False
    for group, items, certification in groups:
        for item in items:
            if certification:
                k, n = measures.certification_held(df, item)
            else:
                x = df[item].astype("float64")
                k, n = int((x == 1).sum()), int(x.notna().sum())
            share, low, high = (float(v[0]) for v in measures.wilson_interval(k, n, fraction=fraction))
            dash |= n == 0
            rows.append({dimension: group, variable: cb.label(item, lang),
                         adopted: share_cell(k, n, share, low, high, lang)})
            cells[(len(rows) - 1, adopted)] = Cell.share(k, n) if n else None  # disclosure policy
    out = attach(pd.DataFrame(rows), {key: c for key, c in cells.items() if c is not None})
    notes = [h(FPC_NOTE, share=fmt.percent(fraction, 1, lang))
             if fraction else h(WILSON_NOTE), h(HELD_NOTE)]
    if dash:
        notes.append(h(NO_ANSWER, dash=fmt.MISSING))
    return noted(out, notes)


def adoption_shares(df: pd.DataFrame, fraction: float = 0.0, cb: Codebook | None = None) -> pd.DataFrame:
    """The numbers of `adoption_rates` for the results file: item, k, n, share, ci_low, ci_high."""
    cb = cb or load_codebook()
    rows = []
    for item in [i for items in cb.practices_by_dimension().values() for i in items]:
        x = df[item].astype("float64")
        rows.append((item, int((x == 1).sum()), int(x.notna().sum())))
    rows += [(c, *measures.certification_held(df, c)) for c in cb.certifications(None)]
    out = pd.DataFrame(rows, columns=["item", "k", "n"])
    share, low, high = measures.wilson_interval(out["k"].to_numpy(), out["n"].to_numpy(), fraction=fraction)
    return out.assign(share=np.where(out["n"] > 0, share, np.nan), ci_low=low, ci_high=high)


NOT_STATED = N_("the source does not state it")


def published_notes(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The published-figures table (`present.published.published_figures`) with the reason of its dashes: a
    figure's year or perimeter that its source does not state."""
    _ = messages(lang)
    return noted(table, missing_value_notes(table, lang, {c: _(NOT_STATED) for c in table.columns}))
