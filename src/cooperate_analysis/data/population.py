"""The population frame behind the post-stratification weights: firms by district and size class.

It is data, not code: `data/raw/population_frame.csv` (columns district, size_class, N, source),
one row per district and size class the codebook allows, each with its source or stated
assumption; N is empty where no source gives a count (firms of 250+ employees), and sampled
firms of such a class are weighted with the adjacent class (`stats.inference.poststrat_weights`).
A researcher with better figures edits that file (and records the change in data/raw/SHA256SUMS
and data/raw/README.md); the reports then weight to it.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

FRAME = Path("data/raw/population_frame.csv")
COLUMNS = ["district", "size_class", "N", "source"]


def population_frame(path: str | Path = FRAME) -> pd.DataFrame:
    """The frame as a table (district, size_class, N, source), checked against the codebook."""
    from .codebook import load_codebook

    path = Path(path)
    frame = pd.read_csv(path, dtype={"district": str, "size_class": str, "N": "Int64", "source": str},
                        keep_default_na=False, na_values={"N": [""]})
    if list(frame.columns) != COLUMNS:
        raise ValueError(f"{path}: columns must be {', '.join(COLUMNS)}; found {', '.join(frame.columns)}")
    cb = load_codebook()
    bad = ~frame["district"].isin(cb.district_ids) | ~frame["size_class"].isin(list(cb.size_classes))
    negative = (frame["N"] < 0).fillna(False)
    if bad.any() or negative.any() or frame.duplicated(["district", "size_class"]).any():
        rows = ", ".join(str(i + 1) for i in frame.index[bad | negative
                                                         | frame.duplicated(["district", "size_class"])])
        raise ValueError(f"{path}: rows {rows}: district and size_class must be codebook codes, unique, "
                         "with N >= 0 or empty (no count)")
    return frame


def uncounted_classes(survey: pd.DataFrame, frame: pd.DataFrame) -> list[str]:
    """Sentences naming the sampled district x size classes that the frame gives no count for
    (their firms are weighted with the adjacent class); empty when every sampled class is counted."""
    from .codebook import load_codebook

    cb = load_codebook()
    bins = [spec["min"] for spec in cb.size_classes.values()] + [float("inf")]
    classes = pd.cut(survey["employees"].astype("float64"), bins=bins, right=False, labels=list(cb.size_classes))
    sampled = pd.DataFrame({"district": survey["district"].astype(str), "size_class": classes.astype(str)})
    counts = sampled.value_counts().rename("n").reset_index()
    known = frame.set_index(["district", "size_class"])["N"]
    notes = []
    for row in counts.itertuples():
        N = known.get((row.district, row.size_class))
        if N is None or pd.isna(N) or N == 0:
            notes.append(f"{row.n} firm(s) of size class {row.size_class} in {row.district}: the population frame "
                         "has no count for this class, so they are weighted with the adjacent size class")
    return sorted(notes)
