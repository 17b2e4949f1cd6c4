"""Property-style tests of the generated findings and readings (issue 15, item 4).

Hundreds of random result sets (fixed seeds; edge cases: zero and tiny estimates, a p-value of
exactly 0.05 with an interval ending at zero, missing estimates, missing analyses) go through the
text generators, and a checker compares every claim of each text with the numbers it came from:

- every number printed is one of the inputs (or a count derived from them) at the printed rounding;
- "significant" / "survives Holm" only when the relevant p is below 0.05, and the direction words
  follow the intervals;
- "changes sign" only under the stated rule (two 95% intervals excluding zero on opposite sides);
- a share that is not zero never prints as "0%";
- the Italian text has no decimal point, no English word and "RSI" for CSR; no text has "0.000".

The checker is itself tested: deliberately wrong texts (a changed number, a false "survives", a
sign change that is noise, a decimal point in Italian, "0%" for 0.49%) are caught.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cooperate_analysis.stats import policy
from cooperate_analysis.data.codebook import load_codebook
from cooperate_analysis.present import formatting as fmt
from cooperate_analysis.present import cross_district, phrases, secondary
from cooperate_analysis.present import district as district_report
from cooperate_analysis.present import findings as findings_text
from cooperate_analysis.stats import estimability
from cooperate_analysis.stats.models import Fit, TIDY_COLUMNS

CB = load_codebook()
SCORES = [f"score_{s}" for s in CB.outcome_scales]
ITEMS = CB.outcome_items()
EXPOSURES = [f"csr_{d}" for d in CB.csr_dimensions] + ["cert_any"]
DISTRICTS = list(CB.districts)
CONSTANTS = [0, 1, 3, 5, 50, 80, 95, 100, 0.05, 0.1, 0.3, 0.5, 0.001, 0.01]
ENGLISH = {"the", "and", "of", "with", "not", "significant", "significantly", "estimate", "estimates", "firms",
           "weighted", "weights", "sample", "which", "after", "points", "interval", "none", "remains", "remain",
           "survives", "adjusted", "report", "better", "worse", "higher", "lower", "when", "more", "than", "from",
           "association", "specifications", "median", "chance", "tests", "index"}
# result sets per language: a sample in `make test`, several hundred in `make test-slow`
RUNS = [pytest.param(60, id="60"), pytest.param(400, id="400", marks=pytest.mark.slow)]
CURVES = [pytest.param(40, id="40"), pytest.param(300, id="300", marks=pytest.mark.slow)]


def fast_holm(p) -> np.ndarray:
    """Holm's step-down adjustment in numpy, NaN kept: builds the inputs of hundreds of random result
    sets (statsmodels' multipletests 'holm', which the package uses, takes about 60 ms a call); equal to
    statsmodels (tested below)."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    out[order] = np.minimum(np.maximum.accumulate(p[order] * (len(ok) - np.arange(len(ok)))), 1.0)
    return out


def holm(pvalues: dict) -> pd.DataFrame:
    """`inference.holm`'s table (hypothesis, p_value, p_adj), adjusted by `fast_holm`."""
    p = pd.Series(pvalues, dtype="float64")
    return pd.DataFrame({"hypothesis": p.index, "p_value": p.to_numpy(), "p_adj": fast_holm(p)})


# --- random result sets -----------------------------------------------------------------------------------------

def coefficient(rng, df: int) -> dict:
    """One coefficient row as `models.ols` gives it (t(df) p and 95% interval), edge cases included."""
    se = float(rng.uniform(0.05, 1.5))
    q = float(stats.t.ppf(0.975, df))
    kind = rng.choice(["normal", "normal", "normal", "zero", "tiny", "edge", "strong"])
    est = {"normal": rng.normal(0, 1), "zero": 0.0, "tiny": rng.choice([-1, 1]) * 1e-4, "edge": q * se,
           "strong": rng.choice([-1, 1]) * rng.uniform(3, 6) * se}[kind] * (rng.choice([-1, 1]) if kind == "edge" else 1)
    row = {"estimate": float(est), "std_error": se, "statistic": est / se,
           "p_value": float(2 * stats.t.sf(abs(est / se), df)), "ci_low": est - q * se, "ci_high": est + q * se}
    if kind == "edge":  # p exactly 0.05 and an interval ending exactly at zero
        row |= {"p_value": 0.05, "ci_low": 0.0 if est > 0 else est - q * se, "ci_high": 0.0 if est < 0 else est + q * se}
    return row


def fit(rng, n: int) -> Fit:
    row = coefficient(rng, n - 5)
    table = pd.DataFrame([{"term": "csr_overall", **row}])[TIDY_COLUMNS]
    return Fit(table, n, 0.2, "HC3")


def result_set(rng) -> dict:
    """Random inputs of one report: fits (some scores missing), Holm table, robustness rows (some
    missing), association grid, ordered items, certification, heterogeneity, MDE."""
    n = int(rng.integers(12, 500))
    estimable = [s for s in SCORES if rng.random() > 0.15]
    fits = {s: fit(rng, n) for s in estimable}
    confirmatory = holm({s: f.term("csr_overall")["p_value"] for s, f in fits.items()}) if fits else None
    robust = {}
    for s, f in fits.items():
        rows = {"complete": dict(f.term("csr_overall"))}
        for method in ("weighted", "mice"):
            row = coefficient(rng, n - 5)
            if rng.random() < 0.3:  # the weighted / imputed estimate close to the complete-case one
                shift = rows["complete"]["estimate"] * rng.uniform(0.3, 1.2) - row["estimate"]
                row |= {k: row[k] + shift for k in ("estimate", "ci_low", "ci_high")}
            if rng.random() < 0.07:
                row = {k: np.nan for k in row}
            rows[method] = row
        robust[s] = rows
    grid = pd.DataFrame([{"exposure": e, "outcome": i, "effect": rng.uniform(-1, 1),
                          "effect_name": "rank_biserial" if e == "cert_any" else "spearman_rho",
                          "p_adj": rng.choice([rng.uniform(0, 0.06), rng.uniform(0, 1), 0.05, np.nan],
                                              p=[0.15, 0.75, 0.05, 0.05])}
                         for e in EXPOSURES for i in ITEMS])
    items = pd.DataFrame([{"outcome": i, "estimate": rng.normal(0, 2), "std_error": rng.uniform(0.3, 1.5),
                           "p_value": rng.choice([rng.uniform(0, 0.01), rng.uniform(0, 1), np.nan], p=[0.2, 0.7, 0.1])}
                          for i in ITEMS])
    if rng.random() < 0.3:
        items["p_adj"] = fast_holm(items["p_value"])
    certification = pd.DataFrame([{"outcome": s, "model": m, **{k: v for k, v in coefficient(rng, n - 7).items()
                                                                 if k in ("estimate", "ci_low", "ci_high", "p_value")}}
                                  for s in SCORES for m in ("IPW", "AIPW")])
    het = {s: SimpleNamespace(slopes=pd.DataFrame({"district": DISTRICTS, "estimate": rng.normal(0, 1, 3)}),
                              wald_p_value=float(rng.choice([rng.uniform(0, 0.05), rng.uniform(0, 1)])))
           for s in SCORES if rng.random() > 0.1}
    mde = rng.choice([rng.uniform(0.1, 0.8), None, np.nan], p=[0.8, 0.1, 0.1])
    return dict(n=n, fits=fits, confirmatory=confirmatory, robust=robust, grid=grid, items=items,
                certification=certification, het=het, mde_r=mde, missing=[s for s in SCORES if s not in fits],
                synthetic=bool(rng.random() < 0.5))


# --- the checker ------------------------------------------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.,])[+\-\u2212]?\d+(?:[.,]\d+)*")  # a true minus sign (U+2212) too


def numbers(text: str, lang: str) -> list[tuple[float, int]]:
    """Every number printed in `text` as (value, decimals), read with the separators of `lang`."""
    out = []
    for token in NUMBER.findall(text):
        decimal, thousands = (".", ",") if lang == "en" else (",", ".")
        body = token.replace(thousands, "").replace("\u2212", "-")
        out.append((float(body.replace(decimal, ".")), len(body.split(decimal)[1]) if decimal in body else 0))
    return out


def allowed_values(case: dict) -> list[float]:
    """Every number a text about `case` may print: its inputs and the counts derived from them."""
    values = list(CONSTANTS) + [case["n"]]
    for f in case["fits"].values():
        values += list(f.term("csr_overall")[["estimate", "ci_low", "ci_high", "p_value"]]) + [f.n]
    if case["confirmatory"] is not None:
        p = case["confirmatory"]["p_adj"]
        values += list(p) + [len(p), int((p < 0.05).sum())]
    for rows in case["robust"].values():
        for row in rows.values():
            values += [row["estimate"], row["ci_low"], row["ci_high"]]
    grid = case["grid"]
    values += list(grid["effect"]) + list(grid["p_adj"]) + [int(grid["p_adj"].notna().sum()),
                                                           int((grid["p_adj"] < 0.05).sum()),
                                                           int((grid["p_adj"] < 0.05).sum()) - 5]
    items = case["items"]
    p_items = items["p_adj"] if "p_adj" in items else secondary.adjusted(items["p_value"])
    values += list(items["estimate"]) + list(p_items) + [int(items["p_value"].notna().sum())]
    cert = case["certification"]
    values += list(cert["estimate"]) + list(cert["ci_low"]) + list(cert["ci_high"]) + list(cert["p_value"])
    values += list(cert_adjusted(cert))
    for h in case["het"].values():
        values += [h.wald_p_value, len(case["het"])] + list(h.slopes["estimate"])
    values += list(het_adjusted(case["het"]).values())
    if case["mde_r"] is not None:
        values.append(case["mde_r"])
    return [float(v) for v in values if v is not None and np.isfinite(v)]


def cert_adjusted(cert: pd.DataFrame) -> np.ndarray:
    """Benjamini-Hochberg over the scores within each estimator, as the certification table."""
    out = np.full(len(cert), np.nan)
    for model in cert["model"].unique():
        idx = np.flatnonzero(cert["model"].to_numpy() == model)
        out[idx] = secondary.adjusted(cert["p_value"].to_numpy()[idx], "bh")
    return out


def het_adjusted(het: dict) -> dict:
    """Benjamini-Hochberg over the scores' equal-slope Wald tests, as the heterogeneity table."""
    return dict(zip(het, secondary.adjusted([h.wald_p_value for h in het.values()], "bh")))


def unmatched_numbers(text: str, lang: str, values: list[float]) -> list[str]:
    """Printed numbers that are none of `values` at the printed rounding (sign included)."""
    arr = np.asarray(values)
    bad = []
    for value, digits in numbers(text, lang):
        if not np.any(np.abs(arr - value) <= 0.5 * 10.0 ** -digits + 1e-9):
            bad.append(f"{value:.{digits}f}")
    return bad


def language_problems(text: str, lang: str) -> list[str]:
    problems = [f"ambiguous {p}" for p in ambiguous_p(text)]
    if re.search(r"(?<![\d.,])0[.,]000(?!\d)", text):
        problems.append("0.000 printed")
    if re.search(r"\bnan\b|\binf\b|\bNone\b(?! of)", text):
        problems.append("missing value printed as a word")
    if lang == "it":
        grouped = re.compile(r"[+\-\u2212]?\d{1,3}(\.\d{3})+(,\d+)?")  # "1.255", "12.500": thousands (CLDR groups four digits)
        if any("." in token and not grouped.fullmatch(token) for token in NUMBER.findall(text)):
            problems.append("decimal point in Italian")
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        if words & ENGLISH:
            problems.append(f"English words in Italian: {sorted(words & ENGLISH)}")
        if "CSR" in text:
            problems.append("CSR in Italian (RSI)")
    return problems


def direction(row) -> str:
    low, high = row["ci_low"], row["ci_high"]
    return "na" if not (np.isfinite(low) and np.isfinite(high)) else "pos" if low > 0 else "neg" if high < 0 else "null"


PHRASES = {"en": {"pos": "report better", "neg": "report worse", "null": "cannot be told apart from zero",
                  "holm_yes": "this survives Holm", "holm_no": "does not survive Holm", "flip": "changes sign:",
                  "loses": "an interval that includes zero", "half": "(about half)", "none_left": "none remains",
                  "k_of_m": r"(\d+) of (\d+) (remains?) below"},
           "it": {"pos": "dichiarano una migliore", "neg": "dichiarano una peggiore", "null": "non è distinguibile da zero",
                  "holm_yes": "resta significativo dopo la correzione di Holm",
                  "holm_no": "non resta significativo dopo la correzione di Holm", "flip": "cambia segno:",
                  "loses": "un intervallo che include lo zero", "half": "(circa la metà)", "none_left": "nessuno resta",
                  "k_of_m": r"(\d+) su (\d+) (restano|resta) sotto"}}


def sentence_about(sentences: list[str], start: str) -> str | None:
    return next((s for s in sentences if s.startswith(start)), None)


def confirmatory_problems(findings: list[str], case: dict, lang: str) -> list[str]:
    """Each score's findings sentence against its interval and Holm p."""
    t, problems = PHRASES[lang], []
    holm_p = dict(zip(case["confirmatory"]["hypothesis"], case["confirmatory"]["p_adj"])) if case["fits"] else {}
    for s, f in case["fits"].items():
        text = sentence_about(findings, CB.label(s.removeprefix("score_"), lang) + ":")
        if text is None:
            problems.append(f"no findings sentence for {s}")
            continue
        row = f.term("csr_overall")
        close = lambda printed, value: abs(printed[0] - value) <= 0.5 * 10.0 ** -printed[1] + 1e-9
        printed = numbers(text, lang)
        interval = numbers(re.search(r"\[([^\]]+)\]", text)[1], lang)
        p_text = re.search(r"(?:Holm-adjusted p|p corretto con Holm) ([=<]) (\d[\d.,]*)", text)
        n_text = re.search(r"n = (\d[\d.,]*)", text)
        if not close(printed[0], row["estimate"]) or not all(map(close, interval, [row["ci_low"], row["ci_high"]])):
            problems.append(f"{s}: estimate or interval misquoted")
        if p_text[1] == "=" and not close(numbers(p_text[2], lang)[0], holm_p[s]) or \
                p_text[1] == "<" and not holm_p[s] < numbers(p_text[2], lang)[0][0]:
            problems.append(f"{s}: Holm p misquoted")
        if numbers(n_text[1], lang)[0][0] != f.n:
            problems.append(f"{s}: n misquoted")
        d = direction(row)
        for kind in ("pos", "neg", "null"):
            if (t[kind] in text) != (kind == d):
                problems.append(f"{s}: direction '{kind}' {'stated' if t[kind] in text else 'missing'} for {d}")
        survives = t["holm_yes"] in text and t["holm_no"] not in text
        if survives and not holm_p[s] < 0.05:
            problems.append(f"{s}: survives Holm stated at p_holm {holm_p[s]}")
        if t["holm_no"] in text and holm_p[s] < 0.05:
            problems.append(f"{s}: does not survive stated at p_holm {holm_p[s]}")
        if d in ("pos", "neg") and not (t["holm_yes"] in text or t["holm_no"] in text):
            problems.append(f"{s}: Holm verdict missing")
    return problems


def holm_count_problems(reading: str, case: dict, lang: str) -> list[str]:
    if not case["fits"]:
        return []
    t = PHRASES[lang]
    p = case["confirmatory"]["p_adj"]
    k, m = int((p < 0.05).sum()), len(p)
    if k == 0:
        return [] if t["none_left"] in reading else ["Holm count: 'none' missing"]
    found = re.search(t["k_of_m"], reading)
    if not found or (int(found[1]), int(found[2])) != (k, m):
        return [f"Holm count: {found[0] if found else 'nothing'} for {k} of {m}"]
    singular = found[3] in ("remains", "resta")
    return [] if singular == (k == 1) else [f"Holm count: verb '{found[3]}' for {k}"]


def robust_problems(text: str, case: dict, lang: str) -> list[str]:
    """'changes sign' exactly under the rule; 'loses' only for an interval that moved across zero."""
    t, problems = PHRASES[lang], []
    for s, rows in case["robust"].items():
        name = phrases.scale_name(s, lang, CB)
        subject = f"The {name} coefficient" if lang == "en" else f"Il coefficiente sulla {name}"
        dirs = {m: direction(r) for m, r in rows.items()}
        rule = "pos" in dirs.values() and "neg" in dirs.values()
        stated = f"{subject} {t['flip']}" in text
        if stated != rule:
            problems.append(f"{s}: sign change {'stated' if stated else 'missing'}, directions {dirs}")
        for sentence in re.split(r"(?<=\.) (?=[A-Z])", text):
            if sentence.startswith(subject + ",") and t["loses"] in sentence:
                base, method = dirs["complete"], ("weighted" if "weight" in sentence or "pesi" in sentence else "mice")
                if not (base in ("pos", "neg") and dirs[method] == "null"):
                    problems.append(f"{s}: 'loses' stated for {base} -> {dirs[method]}")
                if t["half"] in sentence:
                    ratio = rows[method]["estimate"] / rows["complete"]["estimate"]
                    if not 0.35 <= ratio <= 0.65:
                        problems.append(f"{s}: 'about half' for a ratio of {ratio:.2f}")
    return problems


def ambiguous_p(text: str) -> list[str]:
    """p-values printed as exactly 0.050: the reader cannot tell on which side of 0.05 they are."""
    return re.findall(r"p (?:= )?0[.,]050(?!\d)", text)


def listed_p(text: str, lang: str, marker: str) -> list[float]:
    """The p-values printed after `marker` ('adjusted p' / 'p corretto' / 'p') in `text`."""
    decimal = "." if lang == "en" else ","
    return [float(v.replace(decimal, ".")) for op, v in re.findall(marker + r" ([=<]) (\d[\d.,]*\d)", text)]


def same_p(printed: list[float], expected) -> bool:
    """The printed p-values are the expected ones, in order, at the printed rounding (3 decimals, 4 near 0.05)."""
    expected = list(expected)
    return len(printed) == len(expected) and all(abs(a - b) <= 0.0005 + 1e-9 for a, b in zip(printed, expected))


def secondary_problems(case: dict, lang: str) -> list[str]:
    """Each secondary family's sentence against its adjusted p-values."""
    problems = []
    grid = case["grid"]
    text = secondary.grid_sentence(grid, lang, CB)
    sig = grid[grid["p_adj"] < 0.05].sort_values("p_adj", kind="stable")
    marker = "adjusted p" if lang == "en" else "p corretto"
    printed = listed_p(text, lang, marker)
    expected = [max(p, 0.001) for p in sig["p_adj"].head(5)]
    if not same_p(printed, expected):
        problems.append(f"grid: printed p {printed}, significant cells {expected}")
    count = re.match(r"(?:Delle [\d.]+ associazioni di rango, )?(\d+|None|Nessuna)", text)
    k = {"None": 0, "Nessuna": 0}.get(count[1], None) if count else None
    k = int(count[1]) if count and count[1].isdigit() else k
    if k != len(sig):
        problems.append(f"grid: {k} stated significant, {len(sig)} are")
    items = case["items"]
    p_items = items["p_adj"].to_numpy() if "p_adj" in items else secondary.adjusted(items["p_value"])
    text = secondary.items_sentence(items, lang, CB, "holm" if "p_adj" in items else "bh")
    sig_items = items.assign(p=p_items)[(p_items < 0.05) & items["estimate"].notna()].sort_values("p", kind="stable")
    if not same_p(listed_p(text, lang, marker), [max(p, 0.001) for p in sig_items["p"]]):
        problems.append("items: listed p-values are not the significant ones")
    better = "better answers" if lang == "en" else "risposte migliori"
    worse = "worse answers" if lang == "en" else "risposte peggiori"
    if text.count(better) != int((sig_items["estimate"] > 0).sum()) or \
            text.count(worse) != int((sig_items["estimate"] < 0).sum()):
        problems.append("items: direction words do not match the signs")
    cert = case["certification"]
    text = secondary.certification_sentence(cert, lang, CB)
    adjusted = cert_adjusted(cert)
    sig_cert = cert.assign(p_adj=adjusted)[adjusted < 0.05]
    printed = sorted(listed_p(text, lang, marker))
    if not same_p(printed, sorted(max(p, 0.001) for p in sig_cert["p_adj"])):
        problems.append(f"certification: printed p {printed}")
    higher = "higher" if lang == "en" else "più alta"
    lower = "lower" if lang == "en" else "più bassa"
    expected_words = ({s for s in sig_cert[sig_cert["estimate"] > 0]["outcome"]},
                      {s for s in sig_cert[sig_cert["estimate"] < 0]["outcome"]})
    if text.count(higher) != len(expected_words[0]) or text.count(lower) != len(expected_words[1]):
        problems.append("certification: direction words do not match the signs")
    if case["het"]:
        text = secondary.heterogeneity_sentence(case["het"], lang, CB)
        differs = any(p < 0.05 for p in het_adjusted(case["het"]).values())
        says = ("differs between districts" if lang == "en" else "differisce tra i distretti") in text
        if says != differs:
            problems.append(f"heterogeneity: 'differs' {'stated' if says else 'missing'}")
    return problems


def check_report(case: dict, lang: str, findings: list[str], reading: str) -> list[str]:
    values = allowed_values(case)
    problems = []
    for text in [*findings, reading]:
        problems += [f"number {v} not in the inputs: {text[:80]}" for v in unmatched_numbers(text, lang, values)]
        problems += language_problems(text, lang)
    if case["fits"]:
        problems += confirmatory_problems(findings, case, lang)
        problems += holm_count_problems(reading, case, lang)
        problems += robust_problems(reading, case, lang)
        problems += robust_problems(" ".join(findings), case, lang)
    return problems


def texts(case: dict, lang: str, cross: bool) -> tuple[list[str], str]:
    common = dict(robust=case["robust"], mde_r=case["mde_r"], synthetic=case["synthetic"], lang=lang,
                  items=case["items"], missing=case["missing"])
    if cross:
        findings = cross_district.findings_cross(case["fits"], case["confirmatory"], het=case["het"],
                                            certification=case["certification"], **common)
    else:
        findings = district_report.findings_district(case["fits"], case["confirmatory"], grid=case["grid"], **common)
    reading = findings_text.reading(case["fits"], "csr_overall", case["synthetic"], lang,
                                p_holm=case["confirmatory"]["p_adj"] if case["fits"] else None,
                                robust=case["robust"], mde_r=case["mde_r"], missing=case["missing"],
                                grid=None if cross else case["grid"], items=case["items"],
                                certification=case["certification"] if cross else None,
                                het=case["het"] if cross else None, cross=cross)
    return findings, reading


# --- properties over random result sets -----------------------------------------------------------------------

@pytest.mark.parametrize("runs", RUNS)
@pytest.mark.parametrize("lang", ["en", "it"])
def test_findings_and_readings_never_contradict_their_numbers(lang, runs):
    rng = np.random.default_rng(20261201 + runs + (lang == "it"))
    seen = {"flip": 0, "loses": 0, "noise": 0, "survives": 0, "missing": 0, "edge": 0}
    for run in range(runs):
        case = result_set(rng)
        findings, reading = texts(case, lang, cross=bool(run % 2))
        problems = check_report(case, lang, findings, reading) + secondary_problems(case, lang)
        assert not problems, (run, problems, findings, reading)
        t = PHRASES[lang]
        seen["flip"] += t["flip"] in reading
        seen["loses"] += t["loses"] in reading
        seen["noise"] += ("not a change of sign" if lang == "en" else "non è un cambiamento di segno") in reading
        seen["survives"] += any(t["holm_yes"] in s and t["holm_no"] not in s for s in findings)
        seen["missing"] += bool(case["missing"])
        seen["edge"] += any(f.term("csr_overall")["p_value"] == 0.05 for f in case["fits"].values())
    assert all(count >= max(2, runs // 60) for count in seen.values()), seen  # every kind of claim was exercised


def test_findings_state_the_synthetic_data_and_what_the_sample_can_detect():
    rng = np.random.default_rng(7)
    for _ in range(20):
        case = result_set(rng)
        for lang in ("en", "it"):
            findings, _ = texts(case, lang, cross=False)
            synthetic = any(("Synthetic data" if lang == "en" else "Dati sintetici") in s for s in findings)
            assert synthetic == case["synthetic"]
            if case["fits"]:
                mde = case["mde_r"]
                power = [s for s in findings if "80%" in s]
                assert len(power) == 1 if mde is not None and np.isfinite(mde) else not power


def random_curve(rng) -> tuple[pd.DataFrame, dict, int]:
    k = int(rng.integers(4, 2000))
    outcomes = rng.choice(SCORES + ITEMS, k)
    est = rng.normal(rng.normal(0, 0.2), 0.2, k)
    est[rng.random(k) < rng.choice([0, 0.01, 0.2])] = np.nan
    p = np.where(np.isnan(est), np.nan, rng.beta(rng.uniform(0.2, 3), 1, k))
    if rng.random() < 0.3:  # a rare significant negative share, as 0.49% in the issue
        p = np.where(est < 0, np.maximum(p, 0.06), p)
        p[np.flatnonzero(est < 0)[:int(rng.integers(0, 3))]] = 0.01
    curve = pd.DataFrame({"outcome": outcomes, "estimate": est, "p_value": p})
    n_boot = int(rng.choice([100, 500, 10000]))
    joints = {}
    for family in CB.outcome_scales:
        if rng.random() < 0.15:
            joints[family] = estimability.joint(pd.DataFrame({"model": ["ols"], "estimate": [np.nan]}))
            continue
        ps = [rng.choice([0.0, 0.05, round(rng.uniform(0, 1), 3), round(rng.uniform(0.02, 0.08), 3)],
                         p=[0.2, 0.1, 0.5, 0.2]) for _ in range(3)]
        joints[family] = SimpleNamespace(table=pd.DataFrame({"statistic": ["median", "share_significant", "stouffer_z"],
                                                             "p_value": ps}), n_specs=k, n_boot=n_boot)
    return curve, joints, int(rng.integers(5, 500))


@pytest.mark.parametrize("runs", CURVES)
@pytest.mark.parametrize("lang", ["en", "it"])
def test_specification_curve_findings_quote_the_shares_and_the_joint_tests(lang, runs):
    from cooperate_analysis.present import phrases
    from cooperate_analysis.present import speccurve as spec_report
    from cooperate_analysis.present.speccurve import curve_summary
    from cooperate_analysis.stats.speccurve import outcome_family

    rng = np.random.default_rng(99 + runs + (lang == "it"))
    small_negative = 0
    for _ in range(runs):
        curve, joints, n_firms = random_curve(rng)
        findings = spec_report.findings_speccurve(curve, joints, n_firms, True, lang)
        reading = spec_report.speccurve(curve, joints, n_firms, True, lang)
        summary = curve_summary(curve)
        shares = [100 * float((curve["estimate"] > 0).mean()), summary["positive"], summary["negative"]]
        printed = re.findall(r"(< )?(\d[\d.,]*)%", findings[0])
        assert [phrases.share_text(s, lang) for s in shares] == [f"{a}{b}%" for a, b in printed], findings[0]
        for share, (_, text) in zip(shares, printed):
            assert (text == "0") == (share == 0)  # "0%" only for a share that is zero
        small_negative += 0 < summary["negative"] < 1
        family_of = curve["outcome"].map(lambda o: outcome_family(o, CB))
        values = [*CONSTANTS, *shares, summary["specs"], summary["estimable"], summary["median"], n_firms]
        for family, joint in joints.items():
            part = curve[family_of == family]
            fs = curve_summary(part[part["estimate"].notna()])
            values += [part["estimate"].median(), fs["specs"], fs["positive"], fs["negative"], fs["median"]]
            if hasattr(joint, "table"):
                ps = dict(zip(joint.table["statistic"], joint.table["p_value"]))
                values += [*joint.table["p_value"], 1 / joint.n_boot, joint.n_specs, joint.n_boot, 0.05, 3]
                values += [policy.mc_error(p, joint.n_boot) for p in ps.values() if p > 0]
                values += [policy.n_boot_needed(p) or 0 for p in ps.values()]
                values += [sum(policy.near_alpha(p, joint.n_boot) for p in ps.values())]
                name = CB.label(family, lang)
                sentence = sentence_about(findings, name + ":")
                # the declared reading of the three joint statistics (stats.policy.joint_verdict)
                decided = policy.joint_verdict(ps, joint.n_boot)
                phrase = {"differs": ("so the curve differs from", "quindi la curva differisce"),
                          "same": ("cannot be told apart", "non si distingue"),
                          "mixed": ("evidence against chance is mixed", "contrastante"),
                          "undecided": ("cannot", "non ")}[decided][lang == "it"]
                if decided == "undecided":
                    assert any(w in sentence for w in (("cannot decide", "cannot be decided", "could not be computed")
                                                       if lang == "en" else ("non bastano", "non può essere deciso",
                                                                             "non è calcolabile"))), sentence
                assert phrase in sentence, (decided, sentence)
        if "controls" in curve:
            for option in dict.fromkeys(curve["controls"]):
                part = curve[(curve["controls"] == option) & curve["estimate"].notna()]
                if len(part):
                    values.append(100 * float(((part["estimate"] > 0) & (part["p_value"] < 0.05)).mean()))
                if (joint.table["p_value"] == 0).any():
                    assert "< " + fmt.number(1 / joint.n_boot, max(3, len(str(joint.n_boot)) - 1), lang) in sentence
        for text in [*findings, reading]:
            assert not unmatched_numbers(text, lang, [v for v in values if np.isfinite(v)]), text
            assert not language_problems(text, lang), (language_problems(text, lang), text)
    assert small_negative >= max(2, runs // 60)


def test_index_sentence_quotes_the_results_file():
    rng = np.random.default_rng(3)
    for _ in range(40):
        case = result_set(rng)
        values = {"n_firms": case["n"]}
        for s, f in case["fits"].items():
            row = f.term("csr_overall")
            values |= {f"ols.{s}.csr_overall.{k}": row[k] for k in ("estimate", "ci_low", "ci_high", "p_value")}
            values[f"ols.{s}.n"] = f.n
        for s in case["missing"]:
            values[f"ols.{s}"] = "not estimable: few firms"
        if case["fits"]:
            values |= {f"holm.{h}.p_adj": p for h, p in zip(case["confirmatory"]["hypothesis"],
                                                            case["confirmatory"]["p_adj"])}
        for lang in ("en", "it"):
            text = district_report.index_sentence(values, {}, lang, CB)
            if not case["fits"]:
                assert text == ""
                continue
            assert not unmatched_numbers(text, lang, allowed_values(case)), text
            assert not language_problems(text, lang), text
            assert "→" not in text and "caus" not in text
            k = int((case["confirmatory"]["p_adj"] < 0.05).sum())
            none = ("none of", "nessuno dei", "it does not survive", "non resta significativo")  # of several tests, of one
            assert any(word in text for word in none) == (k == 0), text


# --- the checker catches wrong texts -------------------------------------------------------------------------

def issue_case() -> dict:
    """The cross-district numbers the issue quotes (Tables 10-12 of the old report)."""
    def f(est, low, high, p):
        return Fit(pd.DataFrame([{"term": "csr_overall", "estimate": est, "std_error": (high - low) / 3.96,
                                  "statistic": 0.0, "p_value": p, "ci_low": low, "ci_high": high}]), 85, 0.2, "HC3")

    fits = {"score_innovation": f(0.537, -0.032, 1.107, 0.064), "score_intangible": f(0.959, 0.414, 1.505, 0.00076),
            "score_market": f(-0.009, -0.605, 0.587, 0.976)}
    row = lambda e, lo, hi: {"estimate": e, "ci_low": lo, "ci_high": hi}
    robust = {"score_innovation": {"complete": row(0.537, -0.032, 1.107), "weighted": row(0.502, -0.1, 1.1),
                                   "mice": row(0.530, -0.02, 1.08)},
              "score_intangible": {"complete": row(0.959, 0.414, 1.505), "weighted": row(0.475, -0.16, 1.11),
                                   "mice": row(1.010, 0.45, 1.57)},
              "score_market": {"complete": row(-0.009, -0.605, 0.587), "weighted": row(0.054, -0.6, 0.7),
                               "mice": row(-0.048, -0.65, 0.55)}}
    items = pd.DataFrame({"outcome": ["out_customer_loyalty", "out_reputation", "out_market_share"],
                          "estimate": [3.10, 2.41, -0.80], "std_error": [0.84, 0.84, 0.76],
                          "p_value": [0.0002, 0.004, 0.29]})
    certification = pd.DataFrame({"outcome": ["score_intangible"] * 2 + ["score_market"] * 2,
                                  "model": ["IPW", "AIPW"] * 2, "estimate": [0.490, 0.461, -0.092, -0.067],
                                  "ci_low": [0.171, 0.139, -0.424, -0.405], "ci_high": [0.809, 0.783, 0.241, 0.271],
                                  "p_value": [0.0026, 0.0050, 0.588, 0.698]})
    het = {s: SimpleNamespace(slopes=pd.DataFrame({"district": DISTRICTS, "estimate": [0.12, 0.18, 1.23]}),
                              wald_p_value=p) for s, p in zip(SCORES, [0.100, 0.077, 0.849])}
    grid = pd.DataFrame({"exposure": ["cert_any", "csr_workplace"], "outcome": ["out_reputation", "out_reputation"],
                         "effect": [0.76, 0.2], "effect_name": ["rank_biserial", "spearman_rho"], "p_adj": [0.007, 0.6]})
    return dict(n=85, fits=fits, robust=robust, missing=[], grid=grid, items=items, certification=certification,
                het=het, mde_r=0.302, synthetic=True,
                confirmatory=holm({s: x.term("csr_overall")["p_value"] for s, x in fits.items()}))


MUTATIONS = {
    "en": [("+0.96 points", "+0.97 points"), ("zero.", "zero, and this survives Holm's adjustment for the 3 confirmatory tests."),
           ("1 of 3 remains", "2 of 3 remain"),
           ("The market performance estimates differ in sign", "The market performance coefficient changes sign: "
            "-0.01 [-0.60, 0.59] on complete cases against +0.05 [-0.60, 0.70]. The market performance estimates differ in sign"),
           ("The association cannot be told apart from zero.", "Firms with more CSR practices report better innovation performance."),
           ("0.002", "0.000")],
    "it": [("+0,96 punti", "+0.96 punti"), ("1 su 3 resta", "1 su 3 restano"), ("RSI", "CSR"),
           ("non è distinguibile da zero", "non è distinguibile da zero, not significant"),
           ("Le stime sulla performance di mercato differiscono di segno", "Il coefficiente sulla performance di "
            "mercato cambia segno: -0,01 [-0,60; 0,59] sui casi completi contro +0,05 [-0,60; 0,70]. Le stime sulla "
            "performance di mercato differiscono di segno")],
}


@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_checker_catches_deliberately_wrong_texts(lang):
    case = issue_case()
    findings, reading = texts(case, lang, cross=True)
    assert not check_report(case, lang, findings, reading), check_report(case, lang, findings, reading)
    assert PHRASES[lang]["flip"] not in reading and PHRASES[lang]["half"] in reading  # the issue's two complaints
    caught = 0
    for old, new in MUTATIONS[lang]:
        joined = "\n".join(findings)
        if old not in joined and old not in reading:
            pytest.fail(f"mutation target {old!r} not in the text")
        wrong = check_report(case, lang, joined.replace(old, new, 1).split("\n"), reading.replace(old, new, 1))
        assert wrong, f"mutation {old!r} -> {new!r} not caught"
        caught += 1
    assert caught == len(MUTATIONS[lang])


def test_a_nonzero_share_never_prints_as_zero_percent():
    assert phrases.share_text(0.49, "en") == "0.49%" and phrases.share_text(0.49, "it") == "0,49%"
    assert phrases.share_text(0.004, "en") == "< 0.01%" and phrases.share_text(0, "it") == "0%"
    assert phrases.share_text(99.97, "en") == "99.97%" and phrases.share_text(17.08, "en") == "17.1%"
    assert [phrases.share_phrase(x, "it") for x in (0, 0.49, 1.2, 8.9, 11, 17)] == \
        ["lo 0%", "lo 0,49%", "l'1,2%", "l'8,9%", "l'11,0%", "il 17,0%"]
    wrong = "0% a significant negative one"
    assert unmatched_numbers(wrong, "en", [0.49]) == ["0"] or phrases.share_text(0.49) not in wrong


def test_the_adjustments_equal_statsmodels():
    """The readings' adjustment is statsmodels' (through `inference.fdr_by_family`); the test-side Holm
    that builds the random inputs equals statsmodels too."""
    from statsmodels.stats.multitest import multipletests

    from cooperate_analysis.stats import inference

    rng = np.random.default_rng(11)
    for _ in range(4):
        p = rng.uniform(0, 1, rng.integers(1, 30)) ** 3
        for method, name in (("bh", "fdr_bh"), ("holm", "holm")):
            assert secondary.adjusted(p, method) == pytest.approx(multipletests(p, method=name)[1])
        assert fast_holm(p) == pytest.approx(multipletests(p, method="holm")[1])
        named = {f"h{i}": v for i, v in enumerate(p)}
        assert holm(named)["p_adj"].tolist() == pytest.approx(inference.holm(named)["p_adj"].tolist())
    assert np.isnan(secondary.adjusted([0.01, np.nan, 0.04], "bh")[1])
    assert np.isnan(fast_holm([0.01, np.nan, 0.04])[1])
    with pytest.raises(ValueError, match="'bh' or 'holm'"):
        secondary.adjusted([0.1], "bonferroni")


def test_a_p_value_next_to_0_05_shows_its_side():
    assert ambiguous_p("adjusted p = 0.050)") and not ambiguous_p("p = 0.0498")
    items = pd.DataFrame({"outcome": ITEMS[:2], "estimate": [1.0, 2.0], "std_error": [0.5, 0.5],
                          "p_value": [0.0249, 0.2]})  # BH over two items: 0.0498
    for lang in ("en", "it"):
        text = secondary.items_sentence(items, lang, CB)
        assert ("0.0498" if lang == "en" else "0,0498") in text and not ambiguous_p(text), text


def test_a_district_slope_that_differs_from_the_interaction_model_is_explained_with_both_numbers():
    rng = np.random.default_rng(5)
    district = DISTRICTS[0]
    for _ in range(30):
        fits = {s: fit(rng, 30) for s in SCORES}
        slopes = {s: (fits[s].term("csr_overall")["estimate"] + rng.choice([0, 0.001, 0.3, -0.7])) for s in SCORES}
        het = {s: SimpleNamespace(slopes=pd.DataFrame({"district": DISTRICTS, "estimate": [slopes[s], 9.0, -9.0]}))
               for s in SCORES}
        for lang in ("en", "it"):
            text = district_report.district_vs_pooled(fits, het, district, lang)
            differ = [s for s in SCORES if phrases.estimate(slopes[s], lang) !=
                      phrases.estimate(fits[s].term("csr_overall")["estimate"], lang)]
            assert bool(text) == bool(differ)
            for s in differ:  # both numbers, the district's own first
                own, pooled = (phrases.estimate(v, lang) for v in (fits[s].term("csr_overall")["estimate"], slopes[s]))
                assert f"{phrases.scale_name(s, lang, CB)} {own} " in text and pooled in text
            if text:
                assert ("control coefficients" if lang == "en" else "coefficienti di controllo") in text
                assert not language_problems(text, lang)
                assert phrases.estimate(9.0, lang) not in text and phrases.estimate(-9.0, lang) not in text
