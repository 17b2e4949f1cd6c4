"""Shared presentation of the regression analyses (district and cross-district reports): the notes on
analyses that could not be run, and (issue 22) the coefficient, power, robustness, ordered-item,
heterogeneity, certification and balance tables and their sentences.

Shared by the report kinds, so its messages are in ``common.po``; it never imports a report kind.
"""
from __future__ import annotations

from ..data.codebook import load_codebook


def notes(checks: dict, lang: str = "en", diagnostics: str = "", cb=None) -> str:
    """Why some analyses of a section could not be run, and their cautions: one sentence per
    analysis, named by its variable's label ('Score: Innovation performance: not estimable with these
    data: ...'), then `diagnostics` (`estimability.Diagnostics.note`). '' when there is nothing to say."""
    from ..data.derived import label

    cb = cb or load_codebook()
    parts = []
    for name, check in checks.items():
        head = label(name, lang, cb) if name else ""
        if not check.ok:
            text = check.text(lang)
            parts.append(f"{head}: {text[0].lower()}{text[1:]}" if head else text)
        for reason in check.caution:
            parts.append(f"{head}: {reason.text(lang)}." if head else f"{reason.text(lang)}.")
    if diagnostics:
        parts.append(diagnostics)
    return " ".join(parts)
