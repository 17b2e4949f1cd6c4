"""Write the bad-input corpus (run once; the files are committed): PYTHONPATH=. python tests/bad_inputs/make_corpus.py

Every file is small; the same survey of six firms is broken in one way per file. Workbooks are
written with fixed timestamps, so a rerun gives the same bytes.
"""
import re
import zipfile
from io import BytesIO
from pathlib import Path

import pandas as pd

from tests.conftest import make_survey

HERE = Path(__file__).resolve().parent
SHEET = "xl/worksheets/sheet1.xml"


def base() -> pd.DataFrame:
    return make_survey(n=6, seed=11).astype(str)


def csv(name: str, df: pd.DataFrame, **kw) -> None:
    df.to_csv(HERE / name, index=False, lineterminator="\n", **kw)


def edit(name: str, row: int, column: str, value: str) -> None:
    df = base()
    df.loc[row, column] = value
    csv(name, df)


def text() -> str:
    return base().to_csv(index=False, lineterminator="\n")


def lines() -> list[str]:
    """The CSV's lines with their line ends: [header, row 1, ..., row 6]."""
    return text().splitlines(keepends=True)


def raw(name: str, content: str | bytes) -> None:
    (HERE / name).write_bytes(content.encode() if isinstance(content, str) else content)


def numeric() -> pd.DataFrame:
    """The survey with numbers stored as numbers, as a spreadsheet holds it."""
    return make_survey(n=6, seed=11)


def xlsx(name: str, sheets: dict[str, pd.DataFrame], patch=None, cells: dict[str, object] | None = None,
         formats: dict[str, str] | None = None) -> None:
    """A workbook with one sheet per frame; `cells` set on the first sheet (a '=...' text is a
    formula, stored without a value as openpyxl stores it), `formats` gives cell ranges of it a
    number format; `patch` edits the first sheet's XML."""
    buf = BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for title, df in sheets.items():
            df.to_excel(xl, sheet_name=title, index=False)
        first = xl.sheets[next(iter(sheets))]
        for ref, value in (cells or {}).items():
            first[ref] = value
        for cells_range, number_format in (formats or {}).items():
            for row in first[cells_range]:
                for cell in row:
                    cell.number_format = number_format
    _save_zip(HERE / name, buf.getvalue(), patch)


def _save_zip(target: Path, data: bytes, patch=None) -> None:
    """Rewrite a workbook with fixed timestamps (and the first sheet's XML patched)."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2008-06-30T12:00:00Z", body)
            if info.filename == SHEET and patch:
                body = patch(body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2008, 6, 30, 12, 0, 0)), body,
                         compress_type=zipfile.ZIP_DEFLATED)
    target.write_bytes(out.getvalue())


def dimension(ref: str):
    """A patch: the sheet declares another used range than the cells it holds."""
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref.encode() + b'"', xml)


def cached(values: dict[str, str], text_result: bool = False):
    """A patch: the named formula cells get a saved value, as a spreadsheet program saves it."""
    def patch(xml: bytes) -> bytes:
        for ref, value in values.items():
            saved = (rb'\1 t="str"\2' if text_result else rb"\1\2") + rb"\3<v>" + value.encode() + b"</v>"
            xml, n = re.subn(rb'(<c r="' + ref.encode() + rb'")([^>]*>)(<f>[^<]*</f>)<v\s*/>', saved, xml)
            assert n == 1, ref
        return xml
    return patch


def main() -> None:
    # --- the codebook's rules (validator) ------------------------------------------------
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
    (HERE / "bom_utf8.csv").write_bytes(b"\xef\xbb\xbf" + text().encode())
    (HERE / "binary_named_csv.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (HERE / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this archive was cut short")
    (HERE / "password_protected.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    titled = pd.concat([pd.DataFrame([base().columns.tolist()], columns=base().columns), base()])
    buf = BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        titled.to_excel(xl, index=False, startrow=1, header=False)
        xl.sheets["Sheet1"]["A1"] = "COOPERATE survey 2008 - firm questionnaire"
        xl.sheets["Sheet1"].merge_cells("A1:F1")
    _save_zip(HERE / "merged_header_rows.xlsx", buf.getvalue())
    (HERE / "survey.txt").write_text("firm_id,district\nA,B\n")

    # --- rows that do not fit the header (issue 13, item 7) ------------------------------
    h, *rows = lines()
    raw("too_many_fields.csv", h + "".join(rows[:2]) + rows[2].rstrip("\n") + ",extra\n" + "".join(rows[3:]))
    raw("too_few_fields.csv", h + rows[0] + rows[1].rsplit(",", 3)[0] + "\n" + "".join(rows[2:]))
    raw("ragged_rows_both.csv", h + rows[0] + rows[1].rstrip("\n") + ",x,y\n" + rows[2]
        + rows[3].rsplit(",", 1)[0] + "\n" + "".join(rows[4:]))
    raw("trailing_comma_every_row.csv", h + "".join(r.rstrip("\n") + ",\n" for r in rows))
    raw("title_line_above_header.csv", "COOPERATE survey 2008\n" + text())
    raw("excel_sep_line.csv", "sep=,\n" + text())
    raw("cut_mid_row.csv", text()[:-45])
    raw("cut_mid_row_crlf.csv", text().replace("\n", "\r\n")[:-50])
    raw("unclosed_quote.csv", h + "".join(rows[:2]) + rows[2].replace(",", ',"', 1) + "".join(rows[3:]))
    raw("unclosed_quote_last_field.csv", h + "".join(rows[:2]) + rows[2][:-2] + '"' + rows[2][-2:] + "".join(rows[3:]))
    quoted = base()
    quoted.loc[1, "employees"] = f"{quoted.loc[1, 'employees']}\n"  # a line break inside a quoted value
    csv("quoted_line_break_in_value.csv", quoted)
    q = quoted.to_csv(index=False, lineterminator="\n").splitlines(keepends=True)
    raw("quoted_line_break_then_short_row.csv", "".join(q[:4]) + q[4].rsplit(",", 2)[0] + "\n" + "".join(q[5:]))
    raw("crlf_line_endings.csv", text().replace("\n", "\r\n"))
    raw("cr_line_endings.csv", text().replace("\n", "\r"))
    raw("excel_csv_utf8_bom_crlf.csv", b"\xef\xbb\xbf" + text().replace("\n", "\r\n").encode())
    raw("blank_lines.csv", h + rows[0] + "\n" + "".join(rows[1:3]) + "\n\n" + "".join(rows[3:]) + "\n")
    raw("whitespace_only_line.csv", h + "".join(rows[:3]) + "   \n" + "".join(rows[3:]))
    raw("no_final_line_break.csv", text().rstrip("\n"))
    raw("header_repeated_inside.csv", h + "".join(rows[:3]) + h + "".join(rows[3:]))
    raw("two_files_joined_with_bom.csv", "\ufeff" + h + "".join(rows[:3]) + "\ufeff" + h + "".join(rows[3:]))
    raw("trailing_empty_columns.csv", "".join(r.rstrip("\n") + ",,\n" for r in lines()))
    unnamed = base()
    unnamed[""] = ""
    unnamed.loc[2, ""] = "see notes"
    csv("unnamed_column_with_values.csv", unnamed)
    raw("nul_byte_in_cell.csv", h + "".join(rows[:4]) + rows[4].replace(",", ",\x00", 1) + rows[5])

    # --- numbers written the Italian way -------------------------------------------------
    edit("thousands_separator_employees.csv", 2, "employees", "1.000")
    edit("thousands_separator_firm_age.csv", 4, "firm_age", "12.500")
    edit("thousands_separator_two_groups.csv", 0, "employees", "1.234.567")
    edit("thousands_separator_likert.csv", 3, "out_reputation", "1.000")
    edit("thousands_separator_binary.csv", 1, "cert_iso14001", "1.000")
    edit("thousands_separator_category_code.csv", 5, "turnover_class", "2.000")
    edit("thousands_comma_employees.csv", 1, "employees", "1,000")
    edit("three_decimals_in_real_number.csv", 2, "export_share", "12.500")
    edit("italian_number_real_column.csv", 3, "export_share", "1.234,5")

    # --- encodings and widths ------------------------------------------------------------
    raw("utf16_le_bom.csv", text().encode("utf-16"))  # little-endian with BOM, as Excel's "Unicode text"
    raw("utf16_be_bom.csv", b"\xfe\xff" + text().encode("utf-16-be"))
    raw("utf16_le_no_bom.csv", text().encode("utf-16-le"))
    raw("utf32_bom.csv", text().encode("utf-32"))
    wide = base()
    wide = pd.concat([wide, pd.DataFrame("", index=wide.index, columns=[f"q{i}" for i in range(5000)])], axis=1)
    csv("many_unknown_columns.csv", wide)
    csv("many_missing_columns.csv", base()[["firm_id", "district", "employees"]])

    # --- workbooks -----------------------------------------------------------------------
    xlsx("valid_survey.xlsx", {"Sheet1": numeric()})
    xlsx("formula_without_saved_value.xlsx", {"Sheet1": numeric()},
         cells={"E3": "=25/2", "E6": "=E3*2", "F4": "=10+5"})
    xlsx("formula_with_saved_value.xlsx", {"Sheet1": numeric()}, cells={"E3": "=25/2", "F4": "=10+5"},
         patch=cached({"E3": "12.5", "F4": "15"}))
    xlsx("formula_empty_text_result.xlsx", {"Sheet1": numeric()}, cells={"E3": '=""'},
         patch=cached({"E3": ""}, text_result=True))
    xlsx("formula_in_header.xlsx", {"Sheet1": numeric()}, cells={"E1": '=LOWER("EXPORT_SHARE")'})
    xlsx("huge_declared_rows.xlsx", {"Sheet1": numeric()}, patch=dimension("A1:AO300000"))
    xlsx("huge_declared_columns.xlsx", {"Sheet1": numeric()}, patch=dimension("A1:XFD7"))
    by_district = numeric()
    xlsx("survey_split_over_sheets.xlsx", {d[:12]: part for d, part in by_district.groupby("district")})
    xlsx("survey_with_notes_sheet.xlsx", {"survey": numeric(),
                                          "notes": pd.DataFrame({"note": ["collected 2008", "phone interviews"]})})
    shares = numeric()
    shares["export_share"] = (shares["export_share"] / 100).round(3)  # typed as 25% in a percent-formatted column
    xlsx("percent_format_export_share.xlsx", {"Sheet1": shares}, formats={"E2:E7": "0.0%"})
    xlsx("percent_format_on_empty_cells.xlsx", {"Sheet1": numeric()}, formats={"E8:E20": "0%"})
    thousands = numeric().astype(object)
    thousands.loc[2, "employees"] = "1.000"  # a text cell: a number cell would hold 1000
    xlsx("thousands_separator_text_cell.xlsx", {"Sheet1": thousands})

    # --- other formats -------------------------------------------------------------------
    numeric().set_index("firm_id").to_parquet(HERE / "firm_id_as_index.parquet")


if __name__ == "__main__":
    main()
