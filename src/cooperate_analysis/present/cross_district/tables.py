"""Tables of the cross-district report that no other report prints."""
from __future__ import annotations

import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...stats import measures
from ...stats.disclosure import Cell, margin
from .. import formatting as fmt
from ..disclosure import attach
from ..i18n import N_, messages
from ..regression import district_short, noted, share_cell


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


HELD_NOTE = N_("Firms holding each certification over the firms answering its held question (the same count in every "
               "report), with Wilson 95% intervals; {fpc}")
HELD_FPC = N_("the intervals of a sample holding more than 5% of its population's firms carry the finite-population "
              "correction ({samples}).")
HELD_NO_FPC = N_("no sample holds more than 5% of its population's firms.")
NO_ANSWER = N_("{dash}: no firm of the district answered.")


def certification_held(frame: pd.DataFrame, districts: list[str], fractions: dict | None = None,
                       cb: Codebook | None = None) -> pd.DataFrame:
    """The certification-held share of each certification by district and pooled (`stats.measures.
    certification_shares`: the one definition every report reads), the Wilson interval of each group
    finite-population corrected by its sampling fraction (`fractions`: `measures.sample_fractions`)."""
    cb = cb or load_codebook()
    shares = measures.certification_shares(frame[frame["district"].isin(districts)], cb.certifications(None))
    shares = shares[shares["group"].isin([*districts, "pooled"])].reset_index(drop=True)
    for i, row in shares.iterrows():
        f = (fractions or {}).get(row["group"], 0.0)
        _s, low, high = measures.wilson_interval(row["k"], row["n"], fraction=f)
        shares.loc[i, ["ci_low", "ci_high"]] = [float(low[0]), float(high[0])]
    return shares


def certification_held_rows(shares: pd.DataFrame, districts: list[str], lang: str = "en", cb: Codebook | None = None,
                            fractions: dict | None = None) -> pd.DataFrame:
    """`certification_held` as a table: one row per certification, one column per district and all districts
    together, each cell 'k/n: share [95% CI]'."""
    cb = cb or load_codebook()
    _ = messages(lang)
    groups = [*districts, "pooled"] if len(districts) > 1 else list(districts)
    columns = {g: _.pgettext("table header", "All districts") if g == "pooled" else district_short(g, lang, cb)
               for g in groups}
    rows, cells, dash = [], {}, False
    for item in dict.fromkeys(shares["item"]):
        row = {_.pgettext("table header", "Certification"): cb.label(item, lang)}
        for g in groups:
            hit = shares[(shares["item"] == item) & (shares["group"] == g)].iloc[0]
            row[columns[g]] = share_cell(hit["k"], hit["n"], hit["share"], hit["ci_low"], hit["ci_high"], lang)
            dash |= int(hit["n"]) == 0
            if int(hit["n"]):
                cells[(len(rows), columns[g])] = Cell.share(int(hit["k"]), int(hit["n"]))
        rows.append(row)
    relations = ([margin([(i, columns[d]) for d in districts], (i, columns["pooled"])) for i in range(len(rows))]
                 if "pooled" in groups else [])
    corrected = [f"{columns[g]} {fmt.percent(f, 1, lang)}" for g, f in (fractions or {}).items() if f and g in columns]
    fpc = _(HELD_FPC, samples="; ".join(corrected)) if corrected else _(HELD_NO_FPC)
    notes = [_(HELD_NOTE, fpc=fpc), _(NO_ANSWER, dash=fmt.MISSING) if dash else ""]
    return noted(attach(pd.DataFrame(rows), cells, relations), notes)
