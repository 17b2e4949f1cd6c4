"""Captions of the sustainability report's tables and figures, by key (the notebook refers to them:
rep.table(df, key)). English messages; the Italian is in ``sustainability.po``."""
from __future__ import annotations

from ..i18n import N_

CAPTIONS = {
    "sustainability_territory": N_("The district's territory: published figures with their year, perimeter and source."),
    "sustainability_actors": N_("Actors of the district's CSR schemes and of COOPERATE: type, role, whether the sources name them in COOPERATE's local working group (shown when they say so for at least one actor) and source (real data, data/raw/district_actors.csv)."),
    "sustainability_economic": N_("Economic indicators of the district: published figures with their year, perimeter (what the figure covers) and source; where sources disagree, each figure is shown; an indicator no source gives is marked absent."),
    "sustainability_social": N_("Social indicators of the district: published figures where they exist, otherwise shares of the surveyed firms with Wilson 95% intervals (survey); an indicator no source gives is marked absent."),
    "sustainability_environmental": N_("Environmental indicators of the district: certified firms and voluntary schemes (ISO 14001, EMAS, district EMAS) from published figures and from the survey (shares of firms with Wilson 95% intervals)."),
    "sustainability_profile": N_("The district's CSR profile as a local benchmark: percentage of answering firms adopting each practice, at least one practice of each dimension, and each certification, with Wilson 95% intervals, beside the other districts and all the districts together (n: firms of each group)."),
    "sustainability_profile_figure": N_("Share of firms with at least one practice of each CSR dimension and with each certification, with Wilson 95% intervals: the district, the other districts and all the districts together."),
    "sustainability_milestones": N_("Milestones of the district's CSR policy and of the projects common to every district, with their sources (real data, data/raw/district_milestones.csv)."),
}
