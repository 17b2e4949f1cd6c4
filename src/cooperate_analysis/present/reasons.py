"""Why an analysis could not run, in words: the statistics layer's reason codes as catalog messages.

`stats.estimability` returns a `Check` holding `Reason`s, each a code and its numbers (no text). This
module words them for a report (`check_text`, `reason_text`, `caution_text`) and words the library
warnings a `Diagnostics` captured (`diagnostics_note`). Results files record the codes and their
numbers (`Check.record_value`, e.g. "not estimable: few_df(n=12, k=8, df=4, min=10)"), the same in
every language.
"""
from __future__ import annotations

import numpy as np

from . import formatting as fmt
from .i18n import N_, messages

GROUPS = {"certified": N_("certified"), "uncertified": N_("non-certified")}
KINDS = {  # a warning kind of `stats.estimability.WARNING_KINDS`, as the report names it
    "convergence": N_("convergence problems"),
    "separation": N_("separation of the outcome"),
    "singular": N_("a (nearly) singular matrix"),
    "numerical": N_("numerical problems (division by zero or invalid values)"),
    "other": N_("other problems"),
}


def _number(value, lang: str) -> str:
    return fmt.integer(value, lang) if isinstance(value, (int, np.integer)) else str(value)


def _label(name: str, lang: str) -> str:
    """A variable's label in `lang` (codebook or derived variable), the name itself if it has none."""
    from ..data.derived import label

    try:
        return label(name, lang)
    except (KeyError, ValueError):
        return name


def _block_label(block: str, lang: str) -> str:
    from ..data.codebook import load_codebook

    spec = load_codebook().blocks.get(block) or {}
    return spec.get(lang, block) if isinstance(spec, dict) else block


def reason_text(reason, lang: str = "en") -> str:
    """One reason (a `stats.estimability.Reason`) as a clause: "12 firms for 8 coefficients leave 4
    residual degrees of freedom; at least 10 are needed (n - k >= 10)"."""
    _ = messages(lang)
    v = reason.values
    num = {k: _number(x, lang) for k, x in v.items() if k != "detail"}
    code = reason.code
    if code == "no_firms":
        return _("no firm has the variables it needs")
    if code == "constant":
        return _("{name} does not vary (every firm has the same value)", name=_label(v["name"], lang))
    if code == "few_df":
        return _.ngettext("{n} firms for {k} coefficient leave {df} residual degrees of freedom; at least {min} are "
                          "needed (n - k >= {min})",
                          "{n} firms for {k} coefficients leave {df} residual degrees of freedom; at least {min} are "
                          "needed (n - k >= {min})", v["k"], n=num["n"], k=num["k"], df=num["df"], min=num["min"])
    if code == "categories":
        return _("{name} has fewer than two observed answer categories", name=_label(v["name"], lang))
    if code == "group_missing":
        return _("there is no {group} firm", group=_(GROUPS.get(v["group"], v["group"])))
    if code == "group_missing_in":
        return _("there is no {group} firm in {where}, so the groups do not overlap",
                 group=_(GROUPS.get(v["group"], v["group"])), where=_label(v["where"], lang))
    if code == "group_small":
        return _.ngettext("{n} {group} firm; each group needs at least {min}",
                          "{n} {group} firms; each group needs at least {min}", v["count"],
                          group=_(GROUPS.get(v["group"], v["group"])), min=num["min"])
    if code == "caution":
        return _("with {n} firms HC3 standard errors are less reliable than at 25 or more (Long & Ervin 2000)",
                 n=num["n"])
    if code == "per_item":
        return _("{n} complete firms for {k} items; at least {min} are needed ({per} per item)", n=num["n"],
                 k=num["k"], min=num["min"], per=num["per"])
    if code == "few_complete":
        return _.ngettext("{n} firm answered every item; at least {min} are needed",
                          "{n} firms answered every item; at least {min} are needed", v["n"], min=num["min"])
    if code == "no_specs":
        return _("none of the {k} specifications could be estimated", k=num["k"])
    if code == "no_linear":
        return _("none of the linear specifications could be estimated")
    if code == "failed":
        return _("the estimation did not succeed")
    if code == "few_groups":
        return _.ngettext("{n} district with firms; a comparison needs at least 2",
                          "{n} districts with firms; a comparison needs at least 2", v["count"])
    if code == "constant_in":
        return _("{name} does not vary within {district}", name=_label(v["name"], lang),
                 district=_label(v["group"], lang))
    if code == "no_block":
        return _("the survey has no {block} questions (codebook version 1)",
                 block=_.pgettext("quoted name", "\u201c{name}\u201d", name=_block_label(v["block"], lang)))
    if code == "few_events":
        return _.ngettext("\u201c{name}\u201d: {n} firm gave the rarer answer; each answer needs at least {min} firms",
                          "\u201c{name}\u201d: {n} firms gave the rarer answer; each answer needs at least {min} firms",
                          v["count"], name=_label(v["name"], lang), min=num["min"])
    if code == "all_tied":
        return _("every firm gave the same answer to all the items")
    if code == "few_level":
        value = str(v["value"])
        if value in ("1", "1.0", "True", "0", "0.0", "False"):
            answer = _("yes") if value in ("1", "1.0", "True") else _("no")
            return _.ngettext("\u201c{name}\u201d: {n} firm answered \u201c{answer}\u201d; a yes/no variable needs at least "
                              "{min} firms with each answer",
                              "\u201c{name}\u201d: {n} firms answered \u201c{answer}\u201d; a yes/no variable needs at "
                              "least {min} firms with each answer", v["count"], name=_label(v["name"], lang),
                              answer=answer, min=num["min"])
        return _.ngettext("\u201c{name}\u201d = {value}: {n} firm; each value needs at least {min} firms",
                          "\u201c{name}\u201d = {value}: {n} firms; each value needs at least {min} firms", v["count"],
                          name=_label(v["name"], lang), value=value, min=num["min"])
    if code == "small_n":
        return _.ngettext("{n} firm; this model needs at least {min}", "{n} firms; this model needs at least {min}",
                          v["n"], min=num["min"])
    if code == "few_epv":
        return _.ngettext("\u201c{name}\u201d: {n} firm in the rarer answer for {k} coefficients ({epv} per coefficient); "
                          "at least {need} are needed ({min} per coefficient)",
                          "\u201c{name}\u201d: {n} firms in the rarer answer for {k} coefficients ({epv} per "
                          "coefficient); at least {need} are needed ({min} per coefficient)", v["count"],
                          name=_label(v["name"], lang), k=fmt.integer(v["k"], lang), epv=fmt.number(v["epv"], 2, lang),
                          need=fmt.integer(v["need"], lang),
                          min=fmt.number(v["min"], 0 if float(v["min"]).is_integer() else 1, lang))
    if code == "few_ess":
        return _("the weighted {group} firms count as {ess} firms (Kish's effective sample size); at least {min} "
                 "are needed", group=_(GROUPS.get(v["group"], v["group"])), ess=fmt.number(v["ess"], 1, lang),
                 min=num["min"])
    raise KeyError(f"no words for the reason code {code!r}")


def check_text(check, lang: str = "en") -> str:
    """'Not estimable with these data: <reasons>.' ('' when the analysis can run)."""
    if check.ok:
        return ""
    _ = messages(lang)
    return _("Not estimable with these data: {reasons}.", reasons="; ".join(reason_text(r, lang) for r in check.reasons))


def caution_text(check, lang: str = "en") -> str:
    """The cautions of a check that does not stop it, as one sentence ('' when none)."""
    return "; ".join(reason_text(r, lang) for r in check.caution)


def diagnostics_note(diagnostics, analysis: str, lang: str = "en") -> str:
    """One sentence for the report on what the libraries signalled during `analysis` ('' if nothing that
    matters: deprecation notices are left out). Library messages themselves are not printed (they are
    in English and may carry machine paths)."""
    kinds = diagnostics.kinds(analysis)
    if not kinds:
        return ""
    _ = messages(lang)
    listed = fmt.join([_("{kind} ({n})", kind=_(KINDS.get(kind, KINDS["other"])), n=fmt.integer(count, lang))
                       for kind, count in kinds.items()], lang)
    return _("Diagnostics: the estimation libraries signalled {kinds} during this analysis; read its numbers with "
             "care.", kinds=listed)
