"""The report on CSR adoption and its channels (notebooks/channels.ipynb): its tables, figures, sentences,
captions and the numbers it records. Its words are in the ``channels`` message catalog.

The index reads this report's findings sentence through `index_sentence` (the one entry point other
modules use).
"""
from __future__ import annotations

from ..i18n import N_, messages
from .captions import CAPTIONS
from .figures import adoption_ame, awareness_distribution, cert_status_bars, channel_adoption, channels_gradient
from .findings import channel_gaps, findings_channels
from .findings import index_sentence as _index_sentence
from .names import (CHANNEL_TERMS, certification_name, channel_name, is_fit, outcome_name, regressor_name, sample_name, scaled_ame,
                    short_item)
from .results import (not_supported, record_channels, record_consultation, record_drivers, record_gradients,
                      record_likert, record_moderation, record_questionnaire, record_salience)
from .tables import (ame_rows, awareness_rows, cert_status_rows, channel_rows, consultation_figures, consultation_rows,
                     friedman_rows, gradient_rows, likert_rows, model_rows, moderation_rows, salience_rows, staff_rows)
from .appendix import coefficient_rows, record_terms
from .text import (partial_block_note, questionnaire_notes, questionnaire_sentence, reason_text, unsupported_sections,
                   unsupported_sentence)


TITLE = N_("CSR adoption and its channels")


def title(lang: str) -> str:
    """The report's title in `lang`."""
    return messages(lang)(TITLE)


def index_sentence(values: dict, parameters: dict, lang: str, cb) -> str:
    """The index page's sentence for a channels report, from its recorded values."""
    return _index_sentence(values, parameters, lang, cb)


__all__ = [
    "CAPTIONS", "TITLE", "title", "CHANNEL_TERMS", "adoption_ame", "ame_rows", "awareness_distribution", "awareness_rows",
    "cert_status_bars", "cert_status_rows", "certification_name", "channel_adoption", "channel_gaps", "channel_name", "channel_rows",
    "channels_gradient", "consultation_figures", "consultation_rows", "findings_channels",
    "friedman_rows", "gradient_rows", "index_sentence", "is_fit", "likert_rows", "model_rows", "moderation_rows",
    "not_supported", "outcome_name", "questionnaire_notes", "questionnaire_sentence", "reason_text",
    "record_channels", "record_consultation", "record_drivers", "record_gradients", "record_likert",
    "record_moderation", "record_questionnaire", "record_salience", "regressor_name", "salience_rows",
    "coefficient_rows", "partial_block_note", "record_terms", "sample_name", "scaled_ame", "short_item", "staff_rows", "unsupported_sections", "unsupported_sentence",
]
