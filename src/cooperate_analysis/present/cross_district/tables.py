"""Tables of the cross-district report that no other report prints."""
from __future__ import annotations

import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...stats.disclosure import Cell, margin
from ..disclosure import attach
from ..i18n import messages
from ..regression import district_short


def csr_by_district(frame: pd.DataFrame, districts: list[str], lang: str = "en", cb: Codebook | None = None,
                    pooled: bool = True) -> pd.DataFrame:
    """Mean CSR indices (0-1) and the share of firms with at least one CSR certification, one row per
    index and one column per district (short names), with all districts together when `pooled`:
    narrow enough for a portrait page."""
    cb = cb or load_codebook()
    _ = messages(lang)
    rows = ["csr_overall", *[f"csr_{d}" for d in cb.csr_dimensions], "cert_any"]
    means = frame.groupby("district", observed=True)[rows].mean().reindex(districts)
    out = pd.DataFrame({_.pgettext("table header", "CSR index (0-1)"): [
        _.pgettext("CSR index", "Overall"), *[cb.label(d, lang) for d in cb.csr_dimensions],
        _.pgettext("table row", "Share with a CSR certification")]})
    for d in districts:
        out[district_short(d, lang, cb)] = means.loc[d, rows].astype("float64").to_numpy()
    if pooled and len(districts) > 1:
        out[_.pgettext("table header", "All districts")] = \
            frame.loc[frame["district"].isin(districts), rows].astype("float64").mean().to_numpy()
    # disclosure policy: a mean over the district's answering firms, the certified share as k/n; the pooled
    # column is a (weighted) sum of the district columns, so a suppressed district cell needs a partner
    samples = {district_short(d, lang, cb): frame[frame["district"] == d] for d in districts}
    if len(out.columns) > len(districts) + 1:
        samples[out.columns[-1]] = frame[frame["district"].isin(districts)]
    cells = {}
    for i, var in enumerate(rows):
        for column, part in samples.items():
            x = part[var].astype("float64").dropna()
            cells[(i, column)] = Cell.share(int((x == 1).sum()), len(x)) if var == "cert_any" else Cell.mean(len(x))
    relations = ([margin([(i, c) for c in list(samples)[:-1]], (i, list(samples)[-1])) for i in range(len(rows))]
                 if len(samples) > len(districts) else [])
    return attach(out, cells, relations)
