"""Write the corpus of realistic survey exports from the synthetic survey (all 92 firms).

Each file holds the same firms as data/raw/survey_synthetic.csv, exported the way a real
project would have them; tests/test_mapping.py drafts a mapping for each with `map`, applies
the edit data/raw/README.md documents, and checks that the validated survey equals the
synthetic one cell by cell (except the cells the 99 export codes as "no answer").

    .venv/bin/python tests/real_exports/make_exports.py [NAME ...]
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.data.io import read_survey
from cooperate_analysis.data.validate import validate_survey

HERE = Path(__file__).resolve().parent
SYNTHETIC = HERE.parents[1] / "data" / "raw" / "survey_synthetic.csv"
# cells the 99 export writes as 99 ("no answer"): column -> 0-based rows
CODED_99 = {"out_reputation": [0, 5, 10], "wp_training_plan": [3, 7], "turnover_class": [2],
            "firm_age": [4, 8], "export_share": [6]}
SHORT_DISTRICTS = {"capannori_paper": "Capannori", "empolese_valdelsa_clothing": "Empolese Valdelsa",
                   "santa_croce_tanning": "Santa Croce sull'Arno"}


def version_1_columns() -> list[str]:
    """The codebook's version-1 columns: the exports are version-1 files (issue 16 added optional
    columns; a real export made before it has none of them)."""
    return [v.name for v in load_codebook().variables if v.since == 1]


def base() -> pd.DataFrame:
    """The synthetic survey's version-1 columns, typed as the validator returns them (every later
    codebook column present and all missing), i.e. what each export must validate to."""
    return validate_survey(read_survey(SYNTHETIC)[version_1_columns()], str(SYNTHETIC))


def slug(text: str) -> str:
    """An SPSS variable name from an Italian label: 'Età dell'impresa (anni)' -> 'eta_dell_impresa_anni'."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60]


def semicolon_csv(df: pd.DataFrame, path: Path) -> None:
    """(1) An Italian spreadsheet's CSV: semicolons between fields, decimal comma."""
    df.to_csv(path, sep=";", decimal=",", index=False)


def italian_labels_xlsx(df: pd.DataFrame, path: Path) -> None:
    """(2) A workbook with the district (Italian name), Likert answers (Italian) and certifications
    (Sì/No) written as text labels."""
    cb = load_codebook()
    out = df.astype(object).where(df.notna(), None)
    out["district"] = df["district"].map({d: cb.districts[d]["it"] for d in cb.district_ids})
    for name in cb.outcome_items():
        out[name] = df[name].map({k: v["it"] for k, v in cb.likert_labels.items()}).astype(object)
    for name in cb.certifications(None):
        out[name] = df[name].map({1: "Sì", 0: "No"}).astype(object)
    out = out.astype(object).where(out.notna(), None)
    out.to_excel(path, index=False, sheet_name="Questionario")


def italian_sav(df: pd.DataFrame, path: Path) -> None:
    """(3) SPSS: Italian variable names and labels, numeric codes with Italian value labels."""
    import pyreadstat

    cb = load_codebook()
    names = {v.name: slug(v.labels["it"]) for v in cb.variables if v.name in df.columns}
    out = df.copy()
    out["district"] = df["district"].map({d: i + 1 for i, d in enumerate(cb.district_ids)}).astype("float64")
    for c in out.columns:
        if c not in ("firm_id",):
            out[c] = out[c].astype("float64")
    out["firm_id"] = out["firm_id"].astype(str)
    value_labels = {"district": {float(i + 1): cb.districts[d]["it"] for i, d in enumerate(cb.district_ids)},
                    "turnover_class": {float(k): v for k, v in cb["turnover_class"].value_labels.items()}}
    for v in (v for v in cb.variables if v.name in df.columns):
        if v.type == "likert":
            value_labels[v.name] = {float(k): lab["it"] for k, lab in cb.likert_labels.items()}
        elif v.type == "binary":
            value_labels[v.name] = {0.0: "No", 1.0: "Sì"}
    out = out.rename(columns=names)
    pyreadstat.write_sav(out, str(path), column_labels={names[v.name]: v.labels["it"] for v in cb.variables
                                                        if v.name in df.columns},
                         variable_value_labels={names[k]: lab for k, lab in value_labels.items()})


def labelled_dta(df: pd.DataFrame, path: Path) -> None:
    """(4) Stata: codebook names, the district stored as a labelled code (short Italian names)."""
    out = df.copy()
    for c in out.columns:
        if c not in ("firm_id", "district"):
            out[c] = out[c].astype("float64")
    out["firm_id"] = out["firm_id"].astype(str)
    out["district"] = pd.Categorical(df["district"].map(SHORT_DISTRICTS).astype(str),
                                     categories=list(SHORT_DISTRICTS.values()))
    out.to_stata(path, write_index=False, version=118)


def codes_99_csv(df: pd.DataFrame, path: Path) -> None:
    """(5) A CSV with 99 for "no answer" in several columns and a free-text note column."""
    out = df.astype(object).where(df.notna(), None)
    for column, rows in CODED_99.items():
        out.loc[rows, column] = 99
    notes = pd.Series([""] * len(df), dtype=object)
    notes[[1, 4, 30]] = ["intervista telefonica, risponde il titolare", "età non ricordata",
                         "ditta \"storica\"; chiusura estiva ad agosto"]
    out.insert(3, "note", notes)
    out.to_csv(path, index=False)


# cells the labelled-missing Stata export codes 9, labelled "non sa/non risponde" (besides the cells
# the survey leaves empty, which it codes the same way): column -> 0-based rows
LABELLED_MISSING = {"out_reputation": [0, 5], "cert_emas": [3, 10], "gov_code_of_ethics": [7]}
NO_ANSWER = "non sa/non risponde"
ITALIAN_COLUMNS = {"firm_id": "id_impresa", "district": "distretto", "employees": "addetti",
                   "turnover_class": "classe_fatturato", "export_share": "quota_export", "firm_age": "eta_impresa"}


def comma_decimal_csv(df: pd.DataFrame, path: Path) -> None:
    """(6) A comma-separated CSV with every field quoted and a decimal comma ("12,5"), as some
    spreadsheets export with an Italian locale and a comma list separator."""
    import csv

    df.to_csv(path, sep=",", decimal=",", index=False, quoting=csv.QUOTE_ALL)


def labelled_missing_dta(df: pd.DataFrame, path: Path) -> None:
    """(7) Stata: yes/no and Likert answers stored as codes with Italian value labels, no answer
    stored as 9 labelled "non sa/non risponde" (the survey's empty cells and the LABELLED_MISSING ones)."""
    cb = load_codebook()
    out = df.copy()
    labels = {}
    for v in (v for v in cb.variables if v.name in df.columns and v.type in ("likert", "binary")):
        column = out[v.name].astype("float64").fillna(9)
        column[LABELLED_MISSING.get(v.name, [])] = 9
        out[v.name] = column.astype("int8")
        labels[v.name] = ({int(k): lab["it"] for k, lab in cb.likert_labels.items()} if v.type == "likert"
                          else {0: "No", 1: "Sì"}) | {9: NO_ANSWER}
    for c in out.columns:
        if c not in labels and c not in ("firm_id", "district"):
            out[c] = out[c].astype("float64")
    out["firm_id"], out["district"] = out["firm_id"].astype(str), out["district"].astype(str)
    out.to_stata(path, write_index=False, version=118, value_labels=labels)


def italian_columns_csv(df: pd.DataFrame, path: Path) -> None:
    """(8) A CSV whose profile columns have short Italian names (addetti, quota_export, classe_fatturato...)."""
    df.rename(columns=ITALIAN_COLUMNS).to_csv(path, index=False)


EXPORTS = {"semicolon_decimal_comma.csv": semicolon_csv, "italian_labels.xlsx": italian_labels_xlsx,
           "italian_names_labels.sav": italian_sav, "labelled_district.dta": labelled_dta,
           "codes_99_with_note.csv": codes_99_csv, "comma_decimal_comma.csv": comma_decimal_csv,
           "labelled_missing.dta": labelled_missing_dta, "italian_columns.csv": italian_columns_csv}


def main(names: list[str] | None = None) -> None:
    df = base()[version_1_columns()]
    for name, write in EXPORTS.items():
        if names and name not in names:
            continue
        write(df, HERE / name)
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])  # the names of the exports to write (default: all)
