"""The names of the multiverse's choices and options (`stats.speccurve.DIMENSIONS`), as messages.

The outcome and CSR-measure options are variables: their labels come from the codebook
(`derived.label`); every other option is a word of this report.
"""
from __future__ import annotations

from ...data.codebook import Codebook
from ...data.derived import label
from ..i18n import messages

DIMENSION_NAMES = {
    "outcome": lambda _: _.pgettext("analytic choice", "Outcome"),
    "coding": lambda _: _.pgettext("analytic choice", "Outcome coding"),
    "csr": lambda _: _.pgettext("analytic choice", "CSR measure"),
    "controls": lambda _: _.pgettext("analytic choice", "Controls"),
    "weights": lambda _: _.pgettext("analytic choice", "Weights"),
    "missing": lambda _: _.pgettext("analytic choice", "Missing data"),
    "model": lambda _: _.pgettext("analytic choice", "Model"),
}

# The option words of every choice that is not a variable; the context tells the translator which
# choice a word belongs to ("None" of the controls)
OPTION_NAMES = {
    "coding": {"level": lambda _: _.pgettext("outcome coding", "As measured"),
               # Translators: a Likert item coded 1 when the answer is above "unchanged" (3), else 0
               "improved": lambda _: _.pgettext("outcome coding", "Improved (above “unchanged”)")},
    "controls": {"none": lambda _: _.pgettext("controls", "None"),
                 "size": lambda _: _.pgettext("controls", "Size"),
                 "full": lambda _: _.pgettext("controls", "Size, export share, firm age")},
    "weights": {"none": lambda _: _.pgettext("weights", "Unweighted"),
                "poststrat": lambda _: _.pgettext("weights", "Post-stratified")},
    "missing": {"complete": lambda _: _.pgettext("missing data", "Complete cases"),
                "imputed": lambda _: _.pgettext("missing data", "Multiple imputation")},
    # Translators: LPM = linear probability model, the OLS of a binary outcome
    "model": {"ols": lambda _: _.pgettext("model", "OLS (binary: LPM)"),
              "logit": lambda _: _.pgettext("model", "Ordered logit (binary: logit)")},
}


def dimension_label(dimension: str, lang: str = "en") -> str:
    """The name of one analytic choice ("CSR measure" / "Misura di RSI")."""
    return DIMENSION_NAMES[dimension](messages(lang))


def option_label(dimension: str, value: str, lang: str = "en", cb: Codebook | None = None) -> str:
    """The name of one option of a choice (variables through `derived.label`)."""
    if dimension in ("outcome", "csr"):
        return label(value, lang, cb)
    return OPTION_NAMES[dimension][value](messages(lang))
