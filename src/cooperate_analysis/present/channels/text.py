"""The channels report's sentences: key findings, the sentences under its figures and tables, what a
survey without the needed blocks cannot support, and the index sentence. Every sentence is one message
(English source, Italian in ``channels.po``); counts through ``ngettext``; numbers through `formatting`.

Rules of the readings (tests/test_channels.py checks them against the numbers):
- a channel's average marginal effect is called positive / negative when its 95% interval excludes zero;
- the OLS sensitivity "reads the same way" for a regressor when its interval lies on the same side of zero
  (above, below or across) as the fractional logit's;
- stakeholders "differ in importance" when Friedman's p is below 0.05;
- the CSR index "rises" / "falls" with the number of channels when Spearman's p is below 0.05;
- an exploratory interaction is counted when its Benjamini-Hochberg p over the table is below 0.05.
"""
from __future__ import annotations

from ...data.codebook import load_codebook
from ...stats import disclosure as sdc
from ...stats.estimability import Check
from .. import disclosure
from .. import formatting as fmt
from .. import reasons
from .. import phrases
from ..i18n import N_, messages
from .names import (ALPHA, CHANNEL_TERMS, CHANNEL_VARIABLES, certification_name, channel_name, is_fit, method_prose,
                    outcome_name, percent_interval, regressor_name, regressor_prose, sample_name, scaled_ame,
                    short_item)

SECTION_BLOCKS = {"drivers": ("channels",), "channels": ("channels",), "moderation": ("channels",),
                  "questionnaire": ("awareness", "cert_status", "workforce", "training"),
                  "salience": ("stakeholders",), "barriers": ("barriers", "motivations")}
# sections made of parts, one per block: unsupported only when every block is absent (a part whose block is
# absent says so in its place)
SECTIONS_OF_PARTS = ("questionnaire",)
# Translators: a section of the channels report, as the object of "its data cannot support ..."
SECTION_NAMES = {"drivers": N_("the drivers of adoption"), "channels": N_("adoption by channel"),
                 "moderation": N_("the network moderation"), "questionnaire": N_("the questionnaire's blocks"),
                 "salience": N_("stakeholder salience"), "barriers": N_("barriers and motivations")}
# Translators: an outcome of the channel figure, as the lead of the sentence under it
GAP_OUTCOMES = {"cert_any": N_("CSR certification (all districts)"),
                "csr_half": N_("At least half of the CSR practices (all districts)")}
# the context of each article form of a percentage (phrases.share_phrase; the translations are in common.po)
_SHARE_CONTEXTS = {"zero": "share read from zero", "vowel": "share read from a vowel",
                   "consonant": "share read from a consonant"}
_SHARE = "{share}"


def _quoted(names: list[str], lang: str) -> list[str]:
    _ = messages(lang)
    # Translators: a name quoted in a sentence (English curly quotes, Italian guillemets)
    return [_("“{name}”", name=n) for n in names]


def _block_names(blocks, lang: str, cb) -> str:
    return phrases.join(_quoted([cb.label(b, lang) for b in blocks], lang), lang)


def _with_article(text: str, lang: str) -> str:
    """A share with its interval as the subject of a sentence: Italian "il 42,9% [26,5; 60,9]", "l'8,0% [...]"
    (the article forms of `phrases.share_phrase`); English as it is. A withheld share (`disclosure.Withheld`)
    stays as its words say it."""
    if isinstance(text, disclosure.Withheld):
        return text
    return messages(lang).pgettext(_SHARE_CONTEXTS[phrases._sound(text)], _SHARE, share=text)


def share_cell(row) -> sdc.Cell | None:
    """The disclosure cell behind a row of k firms of n (None when no firm answered)."""
    if row is None or not phrases.finite(row["n"]) or int(row["n"]) == 0:
        return None
    return sdc.Cell.share(row["k"], row["n"])


def channel_codes(by_channel: dict) -> dict:
    """The disclosure decisions of the adoption-by-channel shares as the channel tables make them ({group:
    `adoption.adoption_by_channel`}; the pooled sample the sum of the districts in each row): {(outcome,
    channel, used, group): code}."""
    cells = {((r["outcome"], r["channel"], int(r["used"])), g): share_cell(r)
             for g, t in by_channel.items() if hasattr(t, "columns") for r in t.to_dict("records")}
    return {(*row, g): code for (row, g), code in disclosure.by_groups(cells).items()}


def questionnaire_codes(questionnaire: dict | None) -> dict:
    """The disclosure decisions of the shares the questionnaire sentence quotes, as the channels report's
    tables make them ({group: `adoption.questionnaire_blocks`}): {("well", item, group)}, {("training",
    group)} and {("status", item, answer, group)}: code. The pooled sample is the sum of the districts in
    each row; the statuses of a certification add up to the firms answering."""
    questionnaire = questionnaire or {}

    def table(parts, name):
        value = (parts or {}).get(name)
        return value if hasattr(value, "columns") else None

    aware, training, status = {}, {}, {}
    for group, parts in questionnaire.items():
        summary = table(parts, "awareness_summary")
        for r in ([] if summary is None else summary.to_dict("records")):
            aware[(r["item"], group)] = share_cell(r)
        trained = table(parts, "training")
        for r in ([] if trained is None else trained[trained["item"] == "tr_csr_training"].to_dict("records")):
            training[("tr_csr_training", group)] = share_cell(r)
        cert = table(parts, "cert_status")
        for r in ([] if cert is None else cert.to_dict("records")):
            status[((r["item"], int(r["answer"])), group)] = share_cell(r)
    rows = list(dict.fromkeys(row for row, _g in status))
    sums = [[row for row in rows if row[0] == item] for item in dict.fromkeys(item for item, _a in rows)]
    out = {("well", item, g): code for (item, g), code in disclosure.by_groups(aware).items()}
    out |= {("training", g): code for (_i, g), code in disclosure.by_groups(training).items()}
    out |= {("status", item, a, g): code for ((item, a), g), code in disclosure.by_groups(status, sums=sums).items()}
    return out


# --- reasons ----------------------------------------------------------------------------------------------
def reason_text(result, lang: str = "en") -> str:
    """Why an analysis was not computed, as a sentence ("Not estimable with these data: ..."), worded by
    `present.reasons`; a result that is already text is returned as it is."""
    if not hasattr(result, "reasons"):
        return str(result)
    return reasons.check_text(result, lang)


# --- sections a survey cannot support ---------------------------------------------------------------------
def unsupported_sections(meta: dict) -> list[str]:
    """The sections of the channels report whose blocks the survey lacks entirely (metadata `absent_blocks`)."""
    absent = set(meta.get("absent_blocks") or [])
    return [s for s, blocks in SECTION_BLOCKS.items()
            if (set(blocks) <= absent if s in SECTIONS_OF_PARTS else set(blocks) & absent)]


def _unsupported(blocks, sections, lang: str, cb) -> str:
    _ = messages(lang)
    return _("This survey has no answers for {blocks} (codebook version 2), so its data cannot support {sections}.",
             blocks=_block_names(blocks, lang, cb), sections=phrases.join([_(SECTION_NAMES[s]) for s in sections], lang))


def unsupported_sentence(section: str, meta: dict, lang: str = "en", cb=None) -> str:
    """What a section says on a survey without the blocks it needs ('' when the survey has them)."""
    cb = cb or load_codebook()
    absent = [b for b in SECTION_BLOCKS[section] if b in set(meta.get("absent_blocks") or [])]
    return _unsupported(absent, [section], lang, cb) if absent else ""


# --- the questionnaire's blocks ---------------------------------------------------------------------------
def questionnaire_sentence(parts: dict | None, lang: str = "en", cb=None, quotes=None,
                           questionnaire: dict | None = None, group: str = "pooled") -> str:
    """One findings sentence on the questionnaire's blocks of a sample (`adoption.questionnaire_blocks`):
    the shares knowing the concept of CSR and its tools well or very well (answers 4-5) and the share
    with training on safety, environment or social responsibility, with Wilson intervals; then the
    certification with the largest share of firms planning it (answer 2), that share and the share
    holding it. '' when the awareness or training part is missing or not computable.

    Every share passes the disclosure policy (`quotes`: a `present.disclosure.Quotes`, default one in the
    recorded mode), with the decisions of the channels report's tables when `questionnaire` (every sample's
    blocks; `parts` is its `group`) is given, else of each cell alone. With real data the most often
    planned certification is chosen among the shares that may be published."""
    cb = cb or load_codebook()
    _ = messages(lang)
    parts = parts or {}
    quotes = quotes if quotes is not None else disclosure.Quotes(lang)
    codes = questionnaire_codes(questionnaire if questionnaire else {group: parts})
    summary, training = parts.get("awareness_summary"), parts.get("training")
    if not (hasattr(summary, "columns") and hasattr(training, "columns")):
        return ""
    aw = summary.set_index("item")
    trained = training[training["item"] == "tr_csr_training"]
    items = cb.awareness_items()
    if not (set(items) <= set(aw.index)) or not len(trained) or (aw.loc[items, "n"] == 0).any() \
            or trained.iloc[0]["n"] == 0:
        return ""

    def share(row, key) -> str:
        text = percent_interval(row["share"], row["ci_low"], row["ci_high"], lang)
        return _with_article(quotes(text, share_cell(row), code=codes.get(key, "")), lang)

    text = _("What the firms said, all districts (Wilson 95% intervals): {concept} know the concept of CSR well or "
             "very well and {tools} know its tools as well; {training} gave training on safety, environment or "
             "social responsibility.", concept=share(aw.loc[items[0]], ("well", items[0], group)),
             tools=share(aw.loc[items[1]], ("well", items[1], group)),
             training=share(trained.iloc[0], ("training", group)))
    status = parts.get("cert_status")
    if hasattr(status, "columns"):
        hidden = disclosure.undrawn(codes, quotes.mode)
        planned = status[(status["answer"] == 2) & (status["n"] > 0)]
        planned = planned[[("status", i, 2, group) not in hidden for i in planned["item"]]]
        if len(planned):
            top = planned.sort_values("share", ascending=False, kind="stable").iloc[0]
            held = status[(status["item"] == top["item"]) & (status["answer"] == 1)].iloc[0]
            text += " " + _("The certification most often planned is {cert}: {planned} of the firms plan it, while "
                            "{held} hold it.", cert=certification_name(top["item"], lang, cb),
                            planned=share(top, ("status", top["item"], 2, group)),
                            held=share(held, ("status", top["item"], 1, group)))
    return text


def questionnaire_notes(questionnaire: dict, lang: str = "en", cb=None) -> str:
    """Why a part of the questionnaire's blocks shows dashes: for each block part that is a `Check` in some
    sample (a block the survey lacks, or one no firm answered), "<block> (<samples>): <reason>"; '' when every
    part was computed."""
    from ...stats.adoption import QUESTIONNAIRE_PARTS

    cb = cb or load_codebook()
    _ = messages(lang)
    found: dict[tuple[str, str], list[str]] = {}
    for group, parts in questionnaire.items():
        for part, result in parts.items():
            if part == "awareness_summary" or hasattr(result, "columns") or not isinstance(result, Check):
                continue
            found.setdefault((QUESTIONNAIRE_PARTS[part], reason_text(result, lang)), []).append(
                sample_name(group, lang, cb))
    # Translators: why a block of the questionnaire shows dashes: the block, the samples, the reason
    return " ".join(_("{block} ({samples}): {reason}", block=_quoted([cb.label(b, lang)], lang)[0],
                      samples=phrases.join(samples, lang), reason=reason)
                    for (b, reason), samples in found.items())


def partial_block_note(meta: dict, lang: str = "en", cb=None) -> str:
    """Under the channel tables of a survey that lacks some (not all) of a channel's columns: which columns
    are missing and why the shares of firms not using those channels are not computed ('' when none is)."""
    from ...data import derived

    cb = cb or load_codebook()
    absent = set(meta.get("absent_columns") or [])
    partial = [c for c in CHANNEL_VARIABLES
               if (cols := derived.source_columns(c, cb)) and absent & set(cols) and not set(cols) <= absent]
    if not partial:
        return ""
    _ = messages(lang)
    missing = sorted(absent & {col for c in partial for col in derived.source_columns(c, cb)})
    return _.ngettext("The survey has no column {columns}: for {channels} a firm that answered no in the columns it "
                      "has may have answered yes in the missing one, so the share of firms not using the channel is "
                      "not computed (shown as a dash).",
                      "The survey has no columns {columns}: for {channels} a firm that answered no in the columns it "
                      "has may have answered yes in the missing ones, so the share of firms not using the channel is "
                      "not computed (shown as a dash).", len(missing),
                      columns=phrases.join(missing, lang),
                      channels=phrases.join([phrases.lower_first(channel_name(c, lang)) for c in partial], lang))
