"""One firm's benchmark report (issue 27) as a self-contained HTML page in one language: its CSR practices,
certifications and scores beside its district's distribution, what the firms that adopt more do
differently, and the district's channels it does not use yet. Words in ``firm.po``.

The page names no firm: not the firm's id or name (the file is named by an opaque key, `runner.firm_reports`),
and about the other firms only what the disclosure policy lets through (`report.table_html` applies it).
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd

from ...data.codebook import Codebook, load_codebook
from ...data.derived import CHANNEL_KINDS, label
from ...stats import disclosure as sdc
from .. import formatting as fmt
from ..disclosure import ENFORCE, MARK, attach
from ..i18n import N_, messages
from ..report import banner, table_html
from .benchmark import Benchmarks, measures, position, quartile_cell

STYLE = """
@page { size: A4; margin: 15mm 18mm 18mm 18mm; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; line-height: 1.4; color: #222;
       max-width: 46em; margin: 1.5em auto; }
h1 { font-size: 16pt; margin: 0 0 0.2em 0; } h2 { font-size: 12pt; margin: 1.2em 0 0.4em 0; }
p.confidential { color: #7a0019; font-weight: 600; }
table.report-table { border-collapse: collapse; width: 100%; font-size: 9pt; }
table.report-table th, table.report-table td { border-bottom: 1px solid #ccc; padding: 0.25em 0.4em; }
th.num, td.num { text-align: right; } th.text, td.text { text-align: left; }
td.suppressed { color: #555; } td.would-suppress { background: #fff3cd; }
p.disclosure-note { font-size: 8pt; color: #444; }
"""

POSITION = {
    "below": N_("below the district's lower quartile"),
    "middle": N_("between the district's quartiles"),
    "above": N_("above the district's upper quartile"),
}


def _q(value: float, measure: str, lang: str) -> str:
    if value is None or not np.isfinite(value):
        return fmt.MISSING
    return fmt.number(value, 2 if measure.startswith("csr_") else 1, lang)


def practices_table(firm: pd.Series, bench: Benchmarks, lang: str, cb: Codebook) -> pd.DataFrame:
    """The firm's CSR index, dimensions and scores beside the district's quartiles (cells: `quartile_cell`)."""
    _ = messages(lang)
    district = bench.districts[firm["district"]]
    cols = [_.pgettext("table header", "Measure"), _.pgettext("table header", "Your firm"),
            _.pgettext("table header", "Lower quartile"), _.pgettext("table header", "Median"),
            _.pgettext("table header", "Upper quartile"), _.pgettext("table header", "Your position")]
    rows, cells = [], {}
    for m in measures(cb):
        quartiles = district.quartiles[m]
        value = float(firm[m]) if pd.notna(firm[m]) else np.nan
        where = position(value, quartiles)
        rows.append({cols[0]: label(m, lang, cb), cols[1]: _q(value, m, lang),
                     cols[2]: _q(quartiles[1], m, lang), cols[3]: _q(quartiles[2], m, lang),
                     cols[4]: _q(quartiles[3], m, lang), cols[5]: _(POSITION[where]) if where else fmt.MISSING})
        for c in (cols[2], cols[3], cols[4], cols[5]):
            cells[(len(rows) - 1, c)] = quartile_cell(quartiles)
    return attach(pd.DataFrame(rows), cells)


def certifications_table(firm: pd.Series, bench: Benchmarks, lang: str, cb: Codebook) -> pd.DataFrame:
    """Each certification: whether the firm holds it, and the district's firms holding it (k/n, share)."""
    _ = messages(lang)
    district = bench.districts[firm["district"]]
    cols = [_.pgettext("table header", "Certification"), _.pgettext("table header", "Your firm"),
            _.pgettext("table header", "District firms holding it")]
    rows, cells = [], {}
    for c in cb.certifications(None):
        k, n = district.certs[c]
        held = firm[c]
        mine = fmt.MISSING if pd.isna(held) else (_("held") if int(held) == 1 else _("not held"))
        share = fmt.MISSING if n == 0 else f"{fmt.integer(k, lang)}/{fmt.integer(n, lang)} ({fmt.percent(k / n, 0, lang)})"
        rows.append({cols[0]: cb.label(c, lang), cols[1]: mine, cols[2]: share})
        cells[(len(rows) - 1, cols[2])] = sdc.Cell.share(k, n) if n else None
    return attach(pd.DataFrame(rows), {k: v for k, v in cells.items() if v is not None})


def channels_table(firm: pd.Series, bench: Benchmarks, lang: str, cb: Codebook) -> pd.DataFrame | None:
    """The district's channels the firm does not use yet: the district's firms using each, and how many of
    those hold a CSR certification; None when the firm uses every channel it answered about."""
    _ = messages(lang)
    district = bench.districts[firm["district"]]
    cols = [_.pgettext("table header", "Channel"), _.pgettext("table header", "District firms using it"),
            _.pgettext("table header", "Of these, with a CSR certification")]
    rows, cells = [], {}
    for c in CHANNEL_KINDS:
        if pd.isna(firm[c]) or int(firm[c]) == 1:
            continue
        users, answering = district.channels[c]
        k, n = district.adoption_by_channel[c]
        rows.append({cols[0]: label(c, lang, cb),
                     cols[1]: f"{fmt.integer(users, lang)}/{fmt.integer(answering, lang)}" if answering else fmt.MISSING,
                     cols[2]: f"{fmt.integer(k, lang)}/{fmt.integer(n, lang)}" if n else fmt.MISSING})
        if answering:
            cells[(len(rows) - 1, cols[1])] = sdc.Cell.share(users, answering)
        if n:
            cells[(len(rows) - 1, cols[2])] = sdc.Cell.share(k, n)
    return attach(pd.DataFrame(rows), cells) if rows else None


def adopters_text(bench: Benchmarks, lang: str, cb: Codebook) -> str:
    """What the firms that adopt more do differently, from the pooled adoption model: the channels whose
    average marginal effect on the CSR index has a 95% interval above zero (or below), else that none has."""
    _ = messages(lang)
    if bench.model_n is None:
        return _("The adoption model of the CSR index could not be estimated on this survey, so the report does "
                 "not say what the firms that adopt more do differently.")
    if bench.model_n < sdc.POLICY.n_min:
        return ""
    found = []
    for term, (ame, low, high) in bench.effects.items():
        if low > 0 or high < 0:
            found.append(_("{channel}: {ame} points of the 0-1 index on average, 95% interval {interval}",
                           channel=label(term, lang, cb), ame=fmt.number(ame, 2, lang, sign=True),
                           interval=fmt.interval(low, high, 2, lang)))
    if not found:
        return _.ngettext("In the adoption model of the CSR index ({n} firm of every district), no channel is "
                          "associated with a higher or lower index: its 95% intervals all include zero.",
                          "In the adoption model of the CSR index ({n} firms of every district), no channel is "
                          "associated with a higher or lower index: its 95% intervals all include zero.",
                          bench.model_n)
    return _.ngettext("In the adoption model of the CSR index ({n} firm of every district), firms that use these "
                      "channels have a different index, other things equal: {effects}. These are associations "
                      "in one survey, not effects.",
                      "In the adoption model of the CSR index ({n} firms of every district), firms that use these "
                      "channels have a different index, other things equal: {effects}. These are associations "
                      "in one survey, not effects.", bench.model_n, effects="; ".join(found))


def page(firm: pd.Series, bench: Benchmarks, lang: str, meta: dict, cb: Codebook | None = None) -> str:
    """The whole page of one firm in `lang`."""
    cb = cb or load_codebook()
    _ = messages(lang)
    mode = MARK if bench.synthetic else ENFORCE
    district = bench.districts[firm["district"]]
    name = cb.label(firm["district"], lang)
    heading = _("Your firm beside its district: corporate social responsibility")
    confidential = _("Confidential: for the firm that answered the survey only.")
    sections = [_("CSR practices and competitiveness scores"), _("Certifications"),
                _("What the firms that adopt more do differently"), _("Channels of the district you do not use yet")]
    parts = [f"<h1>{html.escape(heading)}</h1>",
             f"<p>{html.escape(name)}</p>",
             f'<p class="confidential">{html.escape(confidential)}</p>',
             banner(meta, lang).markup,
             "<p>" + html.escape(_.ngettext(
                 "This report sets your firm's answers beside those of the {n} firm of its district that answered "
                 "the survey. To protect every firm's answers, the district's figures are shown only where they "
                 "rest on enough firms.",
                 "This report sets your firm's answers beside those of the {n} firms of its district that answered "
                 "the survey. To protect every firm's answers, the district's figures are shown only where they "
                 "rest on enough firms.", district.n)) + "</p>",
             f"<h2>{html.escape(sections[0])}</h2>",
             table_html(practices_table(firm, bench, lang, cb), lang=lang, disclosure_mode=mode),
             f"<h2>{html.escape(sections[1])}</h2>",
             table_html(certifications_table(firm, bench, lang, cb), lang=lang, disclosure_mode=mode),
             f"<h2>{html.escape(sections[2])}</h2>",
             f"<p>{html.escape(adopters_text(bench, lang, cb))}</p>",
             f"<h2>{html.escape(sections[3])}</h2>"]
    channels = channels_table(firm, bench, lang, cb)
    if channels is None:
        every = _("Your firm already uses every channel the survey asked about.")
        parts.append(f"<p>{html.escape(every)}</p>")
    else:
        parts.append(table_html(channels, lang=lang, disclosure_mode=mode))
    title = html.escape(_("CSR benchmark"))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>")
