"""Tables of the cross-district report that no other report prints."""
from __future__ import annotations

import pandas as pd

from ...data.codebook import Codebook, load_codebook
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
    return out
