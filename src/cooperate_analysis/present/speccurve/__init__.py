"""The specification-curve report (notebooks/specification_curve.ipynb, runs speccurve-*): its
tables, figure, prose, captions and sentence on the index page, in one place. Its words are in the
catalog `locale/it/LC_MESSAGES/speccurve.po`."""
from __future__ import annotations

from ..i18n import N_, messages
from .figures import specification_curve
from .labels import dimension_label, option_label
from .tables import curve_summary, spec_by_choice, spec_joint_rows, spec_summary
from .text import findings_speccurve, index_sentence, speccurve

CAPTIONS = {
    "spec_curve": N_("Specification curve: standardized estimates of every specification ranked, with 95% intervals "
                     "(top), and the choices each one makes (bottom)."),
    "spec_summary": N_("The specification curve in numbers: median standardized estimate and share of specifications "
                       "significant (p < 0.05) by sign."),
    "spec_by_choice": N_("The curve by option of each analytic choice: median standardized estimate and shares "
                         "significant by sign."),
    "spec_joint": N_("Joint test of the linear specifications (Simonsohn et al., 2020): observed statistics, their "
                     "median over bootstrap draws under the null, and p = share of null draws at least as extreme "
                     "(when no draw is, p is below one over the number of draws)."),
}


def title(group: str, lang: str = "en", cb=None) -> str:
    """The report's title: the curve of one district ('group' a district id) or of every district ('pooled')."""
    _ = messages(lang)
    if group == "pooled":
        return _("Specification curve: all districts")
    if cb is None:
        from ...data.codebook import load_codebook

        cb = load_codebook()
    return _("Specification curve: {district}", district=cb.label(group, lang))


__all__ = ["CAPTIONS", "curve_summary", "dimension_label", "findings_speccurve", "index_sentence", "option_label",
           "spec_by_choice", "spec_joint_rows", "spec_summary", "speccurve", "specification_curve", "title"]
