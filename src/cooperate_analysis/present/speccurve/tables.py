"""The tables of the specification-curve report: the curve in numbers, by option of each choice, and
the joint tests against chance."""
from __future__ import annotations

import math

import pandas as pd

from ...data.codebook import Codebook, load_codebook
from .. import formatting as fmt
from ..i18n import messages
from .labels import dimension_label, option_label

ALPHA = 0.05


def headers(lang: str) -> dict[str, str]:
    """The column headers and row names of this report's tables in `lang`."""
    _ = messages(lang)
    return {"choice": _.pgettext("table header", "Choice"), "option": _.pgettext("table header", "Option"),
            "specs": _.pgettext("table header", "Specifications"),
            "estimable": _.pgettext("table header", "Estimable"),
            "median": _.pgettext("table header", "Median estimate"),
            "positive": _.pgettext("table header", "Significant, positive (%)"),
            "negative": _.pgettext("table header", "Significant, negative (%)"),
            "family": _.pgettext("table header", "Model family"),
            # Translators: a row of the summary table: every specification, of either model family
            "all": _.pgettext("specifications", "All"),
            # Translators: LPM = linear probability model
            "linear": _.pgettext("model family", "Linear (OLS / LPM)"),
            "logit": _.pgettext("model family", "Logit"),
            "statistic": _.pgettext("table header", "Statistic"),
            "observed": _.pgettext("table header", "Observed"),
            "null_median": _.pgettext("table header", "Median under the null"),
            "median_stat": _.pgettext("joint-test statistic", "Median estimate"),
            "share_significant": _.pgettext("joint-test statistic", "Share significant, dominant sign"),
            "stouffer_z": _.pgettext("joint-test statistic", "Stouffer's Z"),
            "outcome_family": _.pgettext("table header", "Outcome family"),
            "tested": _.pgettext("table header", "Specifications tested")}


def curve_summary(curve: pd.DataFrame) -> dict:
    """Specifications, estimable ones, median estimate, % significant (p < .05) positive and negative."""
    est, p = curve["estimate"], curve["p_value"]
    return {"specs": len(curve), "estimable": int(est.notna().sum()), "median": est.median(),
            "positive": 100 * ((p < ALPHA) & (est > 0)).mean(), "negative": 100 * ((p < ALPHA) & (est < 0)).mean()}


def spec_summary(curve: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A specification curve in numbers: count, estimable, median, shares significant by sign;
    for all specifications, the linear ones and the logits."""
    h = headers(lang)
    parts = {"all": curve, "linear": curve[curve["model"] == "ols"], "logit": curve[curve["model"] == "logit"]}
    return pd.DataFrame([{h["family"]: h[name], **{h[k]: v for k, v in curve_summary(part).items()}}
                         for name, part in parts.items() if len(part)])


def spec_by_choice(curve: pd.DataFrame, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """The curve summarised by each option of each choice other than the outcome (which choices move it)."""
    from ...stats.speccurve import DIMENSIONS

    cb = cb or load_codebook()
    h = headers(lang)
    rows = []
    for dim in [d for d in DIMENSIONS if d != "outcome"]:
        for value, part in curve.groupby(dim, sort=False):
            summary = curve_summary(part)
            rows.append({h["choice"]: dimension_label(dim, lang), h["option"]: option_label(dim, value, lang, cb),
                         h["specs"]: summary["specs"], h["median"]: summary["median"],
                         h["positive"]: summary["positive"], h["negative"]: summary["negative"]})
    return pd.DataFrame(rows)


def spec_joint_rows(joint, lang: str = "en", cb: Codebook | None = None) -> pd.DataFrame:
    """`speccurve.JointTest.table` labelled: observed statistic, its median under the null, p. With a
    dict {outcome family: JointTest or estimability.Check}, one block per family that could be
    tested, with the family and the number of estimable linear specifications tested."""
    h = headers(lang)
    names = {"median": h["median_stat"], "share_significant": h["share_significant"], "stouffer_z": h["stouffer_z"]}
    if isinstance(joint, dict):
        cb = cb or load_codebook()
        parts = [spec_joint_rows(test, lang).assign(**{h["tested"]: test.n_specs})
                 .pipe(lambda t, f=family: pd.concat([pd.Series(cb.label(f, lang), index=t.index,
                                                                name=h["outcome_family"]), t], axis=1))
                 for family, test in joint.items() if hasattr(test, "table")]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[h["outcome_family"]])
    t = joint.table
    # p = 0 means no null draw was as extreme: p < 1 / n_boot (rounded up), not "< 0.001" at 500 draws
    floor = math.ceil(1000 / joint.n_boot) / 1000 if getattr(joint, "n_boot", 0) else 0.001
    return pd.DataFrame({h["statistic"]: t["statistic"].map(names), h["observed"]: t["observed"],
                         h["null_median"]: t["null_median"],
                         "p": [f"< {fmt.number(floor, 3, lang)}" if p == 0 and floor > 0.001 else fmt.pvalue(p, lang)
                               for p in t["p_value"]]})
