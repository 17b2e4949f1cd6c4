"""Tables of the district report that no other report prints."""
from __future__ import annotations

import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...stats.disclosure import Cell
from ..disclosure import attach
from ..i18n import messages
from ..regression import digits


def adoption_rates(df: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """Share of answering firms that adopted each CSR practice and hold each certification."""
    cb = cb or load_codebook()
    h = messages(lang)
    dimension, variable = h.pgettext("table header", "Dimension"), h.pgettext("table header", "Variable")
    adopted, answered = h.pgettext("table header", "Adopted (%)"), h.pgettext("table header", "Answered")
    groups = [(cb.label(d, lang), items) for d, items in cb.practices_by_dimension().items()]
    groups.append((h.pgettext("questionnaire block", "Certifications"), cb.certifications(None)))
    rows, cells = [], {}
    for group, items in groups:
        for item in items:
            n = df[item].notna().sum()
            rows.append({dimension: group, variable: cb.label(item, lang),
                         adopted: 100 * df[item].astype("float64").mean() if n else float("nan"), answered: int(n)})
            cells[(len(rows) - 1, adopted)] = Cell.share(int((df[item] == 1).sum()), int(n))  # disclosure policy
    return attach(digits(pd.DataFrame(rows), {adopted: 1}), cells)
