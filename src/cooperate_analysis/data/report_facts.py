"""The facts the district sustainability reports need beside the indicators file (data/raw/README.md,
"Report facts"): the names and kinds of the indicators' perimeters and of the relations' targets
(`district_labels.csv`), the values that cannot be a headline (`headline_exclusions.csv`) and what
COOPERATE recommended, from its sources (`cooperate_recommendations.csv`). Each loader checks its file
with the rules of `dataset` (one line per broken rule, naming file, column and rows)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import dataset

LABELS = dataset.RAW_DIR / "district_labels.csv"
EXCLUSIONS = dataset.RAW_DIR / "headline_exclusions.csv"
RECOMMENDATIONS = dataset.RAW_DIR / "cooperate_recommendations.csv"
FILES = (LABELS, EXCLUSIONS, RECOMMENDATIONS)

LABEL_COLUMNS = ["field", "text", "kind", "label_en", "label_it"]
# What a perimeter covers: the district as a whole (in any of its published delimitations), a part of it
# (the participants of a project), one plant or consortium, the region or the country.
PERIMETER_KINDS = ("district", "part", "plant", "region", "nation")
EXCLUSION_COLUMNS = ["district", "indicator", "source_id", "value", "reason_en", "reason_it"]
RECOMMENDATION_COLUMNS = ["id", "source_id", "page", "text_en", "text_it"]


def load_labels(path: str | Path = LABELS) -> pd.DataFrame:
    """The English and Italian names of the perimeters of district_indicators.csv (field 'perimeter', with
    the perimeter's `kind`, one of `PERIMETER_KINDS`) and of the targets of district_relations.csv (field
    'target', no kind). All text."""
    table = dataset._facts_table(path, LABEL_COLUMNS)
    perimeter = table["field"] == "perimeter"
    dataset._check_facts(path, table, [
        dataset._allowed(table, "field", ("perimeter", "target")),
        *dataset._required(table, ["text", "label_en", "label_it"]),
        ("kind", perimeter & ~table["kind"].isin(PERIMETER_KINDS),
         f"a perimeter's kind must be one of {', '.join(PERIMETER_KINDS)}"),
        ("kind", ~perimeter & (table["kind"] != ""), "a target has no kind"),
        ("text", table.duplicated(["field", "text"]), "repeats an earlier text of the same field"),
    ])
    return table


def load_exclusions(path: str | Path = EXCLUSIONS, readme: str | Path | None = None) -> pd.DataFrame:
    """Values of district_indicators.csv that their own note says cannot be read as published (a misprint):
    district, indicator, source_id, value (a number) and the reason in English and Italian. `value` float."""
    table = dataset._facts_table(path, EXCLUSION_COLUMNS)
    value = pd.to_numeric(table["value"], errors="coerce")
    dataset._check_facts(path, table, [
        dataset._district_rule(table, ()),
        *dataset._required(table, ["indicator", "reason_en", "reason_it"]),
        ("value", value.isna(), "must be a number"),
        dataset._source_rule(table, dataset._readme_for(path, readme)),
    ])
    return table.assign(value=value)


def load_recommendations(path: str | Path = RECOMMENDATIONS, readme: str | Path | None = None) -> pd.DataFrame:
    """What COOPERATE recommended, each recommendation with its source id and page and its text in English
    and Italian (a paraphrase of the source). All text."""
    table = dataset._facts_table(path, RECOMMENDATION_COLUMNS)
    dataset._check_facts(path, table, [
        *dataset._required(table, RECOMMENDATION_COLUMNS),
        ("id", table["id"].duplicated(), "repeats an earlier id"),
        dataset._source_rule(table, dataset._readme_for(path, readme)),
    ])
    return table


def check(indicators: pd.DataFrame | None = None, relations: pd.DataFrame | None = None) -> None:
    """Every file loads, and every perimeter of the indicators file and every target of the relations file
    has a row of district_labels.csv (FactsError naming the missing texts)."""
    labels = load_labels()
    load_exclusions()
    load_recommendations()
    indicators = dataset.load_indicators() if indicators is None else indicators
    relations = dataset.load_relations() if relations is None else relations
    missing = []
    for field, texts in (("perimeter", indicators["perimeter"]), ("target", relations["target"])):
        known = set(labels.loc[labels["field"] == field, "text"])
        missing += [f"{field} {t!r}" for t in dict.fromkeys(texts) if t and t not in known]
    if missing:
        raise dataset.FactsError(f"{LABELS}: no row for " + "; ".join(missing))
