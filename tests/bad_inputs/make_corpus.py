"""Write the bad-input corpus (run once; the files are committed): python tests/bad_inputs/make_corpus.py"""
from pathlib import Path

import pandas as pd

from tests.conftest import make_survey

HERE = Path(__file__).resolve().parent


def base() -> pd.DataFrame:
    return make_survey(n=6, seed=11).astype(str)


def csv(name: str, df: pd.DataFrame, **kw) -> None:
    df.to_csv(HERE / name, index=False, lineterminator="\n", **kw)


def edit(name: str, row: int, column: str, value: str) -> None:
    df = base()
    df.loc[row, column] = value
    csv(name, df)


def main() -> None:
    csv("missing_column.csv", base().drop(columns=["out_profitability"]))
    csv("extra_column.csv", base().assign(notes="called back"))
    csv("misspelled_column.csv", base().rename(columns={"out_reputation": "out_reputaton"}))
    df = base()
    csv("duplicate_column.csv", pd.concat([df, df[["firm_age"]]], axis=1))
    edit("wrong_type_employees.csv", 2, "employees", "twelve")
    edit("likert_out_of_range.csv", 1, "out_market_share", "6")
    edit("likert_non_integer.csv", 3, "out_reputation", "3.5")
    edit("missing_code_99.csv", 4, "out_reputation", "99")
    edit("missing_code_nd.csv", 0, "out_productivity", "n.d.")
    edit("documented_missing_code_9.csv", 0, "out_productivity", "9")
    edit("unknown_district.csv", 5, "district", "prato_textile")
    edit("misspelled_district.csv", 1, "district", "santa_croce_taning")
    edit("duplicate_firm_id.csv", 4, "firm_id", base().loc[1, "firm_id"])
    edit("binary_value_2.csv", 2, "cert_emas", "2")
    edit("negative_firm_age.csv", 3, "firm_age", "-4")
    edit("required_employees_empty.csv", 0, "employees", "")
    edit("huge_number.csv", 2, "employees", "1e30")
    edit("script_in_id.csv", 1, "firm_id", "<script>alert(1)</script>")
    edit("formula_in_id.csv", 3, "firm_id", '=HYPERLINK("http://example.org","x")')
    edit("decimal_comma.csv", 2, "export_share", "12,5")
    (HERE / "empty.csv").write_bytes(b"")
    csv("header_only.csv", base().iloc[:0])
    csv("semicolon_delimited.csv", base(), sep=";")
    latin = base()
    latin.loc[0, "firm_id"] = "Città-001"
    latin.to_csv(HERE / "latin1_encoding.csv", index=False, encoding="latin-1", lineterminator="\n")
    (HERE / "bom_utf8.csv").write_bytes(b"\xef\xbb\xbf" + base().to_csv(index=False, lineterminator="\n").encode())
    (HERE / "binary_named_csv.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (HERE / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this archive was cut short")
    (HERE / "password_protected.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pd.ExcelWriter(HERE / "merged_header_rows.xlsx") as xl:
        titled = pd.concat([pd.DataFrame([base().columns.tolist()], columns=base().columns), base()])
        titled.to_excel(xl, index=False, startrow=1, header=False)
        xl.sheets["Sheet1"]["A1"] = "COOPERATE survey 2008 - firm questionnaire"
        xl.sheets["Sheet1"].merge_cells("A1:F1")
    (HERE / "survey.txt").write_text("firm_id,district\nA,B\n")


if __name__ == "__main__":
    main()
