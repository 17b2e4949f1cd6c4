"""The channels report's key numbers, recorded for `make verify` (issue 16).

Each function takes the run's recorder (`runner.results.Recorder`, passed in: this layer does not import
the build) and the per-sample results of `stats.adoption` (`drivers_by_group`, `channels_by_group`, ...),
and records every number under a stable key, or, where an analysis is not estimable, the reason as a
string (`estimability.Check.record_value`), never NaN. The channels notebook calls one function per
section, so its cells hold no loops.
"""
from __future__ import annotations

import pandas as pd

from ...data import derived
from ...stats import estimability
from .text import unsupported_sentence

NO_ANSWERS = "not computable: no firm answered"
NOT_COMPUTABLE = "not computable"
AME_COLUMNS = ["estimate", "ci_low", "ci_high", "p_value"]
SHARE_COLUMNS = ["k", "n", "share", "ci_low", "ci_high"]


def _is_check(result) -> bool:
    return isinstance(result, estimability.Check)


def not_supported(rec, rep, section: str, meta: dict, cb=None):
    """Record (once) and show that the survey's data cannot support `section` (a survey without the
    blocks it needs: `text.unsupported_sentence`). Returns the paragraph to display."""
    if section not in rec.values:
        rec.record(section, "not supported: " + unsupported_sentence(section, meta, "en", cb))
    return rep.paragraph(lambda lang: unsupported_sentence(section, meta, lang, cb))


def record_drivers(rec, drivers: dict) -> None:
    """drivers.<group>.<model>.<term>.{estimate, ci_low, ci_high, p_value}, .n, .method and (logit) .events;
    a model that is not estimable: drivers.<group>.<model> = its reason."""
    for g, fits in drivers.items():
        for model, fit in fits.items():
            key = f"drivers.{g}.{model}"
            if _is_check(fit) or getattr(fit, "ame", None) is None:
                rec.record(key, fit.record_value())
                continue
            rec.record_table(key, estimability.fill(fit.ame, AME_COLUMNS, "not estimable"), ["term"], AME_COLUMNS)
            rec.record(f"{key}.n", fit.n)
            rec.record(f"{key}.method", fit.method)
            if fit.events is not None:
                rec.record(f"{key}.events", fit.events)


def missing_sources(channel: str, meta: dict | None) -> list[str]:
    """The columns a channel variable is computed from that the survey lacks (metadata `absent_columns`)."""
    absent = set((meta or {}).get("absent_columns") or [])
    return [c for c in derived.source_columns(channel) if c in absent]


def record_channels(rec, by_channel: dict, meta: dict | None = None) -> None:
    """channels.<group>.<outcome>.<channel>.<used>.{k, n, share, ci_low, ci_high}. A share that cannot be
    computed records why: the survey lacks some of the channel's columns (so a firm without the channel
    cannot be told from one that answered yes in a missing column), or no firm answered."""
    for g, table in by_channel.items():
        reasons = table["channel"].map(lambda c: (f"not computable: the survey has no column "
                                                  f"{', '.join(missing_sources(c, meta))}")
                                       if missing_sources(c, meta) else NO_ANSWERS)
        rec.record_table(f"channels.{g}", estimability.fill(table, ["share", "ci_low", "ci_high"], reasons),
                         ["outcome", "channel", "used"], SHARE_COLUMNS)


def record_gradients(rec, gradients: dict) -> None:
    """gradient.<group>.{rho, rho_p_value, n}, gradient.<group>.slope.{estimate, ci_low, ci_high} and the mean
    by count gradient.<group>.count.<channels_used>.{n, mean}; or gradient.<group> = the reason."""
    for g, result in gradients.items():
        if _is_check(result):
            rec.record(f"gradient.{g}", result.record_value())
            continue
        rec.record(f"gradient.{g}.rho", estimability.finite_or(result.spearman_rho, NOT_COMPUTABLE))
        rec.record(f"gradient.{g}.rho_p_value", estimability.finite_or(result.spearman_p, NOT_COMPUTABLE))
        rec.record_table(f"gradient.{g}", estimability.fill(result.slope.to_frame().T.assign(term="slope"),
                                                           ["estimate", "ci_low", "ci_high"], "not estimable"),
                         ["term"], ["estimate", "ci_low", "ci_high"])
        rec.record(f"gradient.{g}.n", result.n)
        rec.record_table(f"gradient.{g}.count", result.table, ["channels_used"], ["n", "mean"])


def record_moderation(rec, moderation: dict) -> None:
    """moderation.<group>.<score>.interaction.{estimate, ci_low, ci_high, p_value, n}, or
    moderation.<group>.<score> = the reason."""
    for (g, s), row in moderation.items():
        if _is_check(row):
            rec.record(f"moderation.{g}.{s}", row.record_value())
            continue
        rec.record_table(f"moderation.{g}.{s}", row.to_frame().T, ["row"],
                         ["estimate", "ci_low", "ci_high", "p_value", "n"])


def record_salience(rec, salience: dict) -> None:
    """salience.<group>.{chi2, df, p_value, kendall_w, n} and salience.<group>.<item>.{mean, mean_rank}, or
    salience.<group> = the reason."""
    for g, s in salience.items():
        if _is_check(s):
            rec.record(f"salience.{g}", s.record_value())
            continue
        for name, value in (("chi2", s.statistic), ("df", s.df), ("p_value", s.p_value), ("kendall_w", s.kendall_w),
                            ("n", s.n)):
            rec.record(f"salience.{g}.{name}", estimability.finite_or(value, NOT_COMPUTABLE))
        rec.record_table(f"salience.{g}", s.items, ["item"], ["mean", "mean_rank"])


def record_likert(rec, likert: dict) -> None:
    """likert.<group>.<item>.{n, mean, share, ci_low, ci_high}."""
    for g, table in likert.items():
        rec.record_table(f"likert.{g}", estimability.fill(table, ["mean", "share", "ci_low", "ci_high"], NO_ANSWERS),
                         ["item"], ["n", "mean", "share", "ci_low", "ci_high"])


def record_consultation(rec, consultation: pd.DataFrame) -> None:
    """published.consultation.row<i>: the stakeholder consultation's published shares (`channels.tables.consultation_figures`)."""
    for row in consultation.itertuples():
        rec.record(f"published.consultation.row{int(row.row)}", row.value)


def record_questionnaire(rec, questionnaire: dict) -> None:
    """The questionnaire's blocks of each sample (`adoption.questionnaire_by_group`), under
    questionnaire.<group>.<part>:
    - awareness.<item>.<answer>.{k, n, share, ci_low, ci_high} (answers 1-5);
    - awareness_summary.<item>.{n, mean, k, share, ci_low, ci_high} (share: answers 4-5, know it well or very well);
    - cert_status.<item>.<answer>.{k, n, share, ci_low, ci_high} (1 held, 2 planned, 3 not interested);
    - workforce.<item>.{n, mean, k, share, ci_low, ci_high} and training.<item>.{n, mean} plus
      {k, share, ci_low, ci_high} for its yes/no item;
    a part that cannot be computed: questionnaire.<group>.<part> = the reason."""
    for g, parts in questionnaire.items():
        for part, table in parts.items():
            key = f"questionnaire.{g}.{part}"
            if _is_check(table):
                rec.record(key, table.record_value())
                continue
            if part in ("awareness", "cert_status"):
                rec.record_table(key, estimability.fill(table, ["share", "ci_low", "ci_high"], NO_ANSWERS),
                                 ["item", "answer"], SHARE_COLUMNS)
                continue
            filled = estimability.fill(table, ["mean", "share", "ci_low", "ci_high"], NO_ANSWERS)
            shares = table["k"].notna()
            rec.record_table(key, filled, ["item"], ["n", "mean"])
            rec.record_table(key, filled[shares].astype({"k": int}), ["item"], ["k", "share", "ci_low", "ci_high"])
