"""Captions of the sustainability report's tables and figures, by key (the notebook refers to them:
rep.table(df, key)). English messages; the Italian is in ``sustainability.po``."""
from __future__ import annotations

from ..i18n import N_

CAPTIONS = {
    "sustainability_factsheet": N_("The district at a glance: one headline value per indicator, chosen by the rule stated below, with its year, perimeter, source and source grade; its trend where more than one year exists; and the same indicator in the other districts, the region or Italy where a comparable figure exists (real data, data/raw/district_indicators.csv)."),
    "sustainability_environment": N_("Environmental indicators: the headline values of the fact sheet (marked *) and the values for single plants and consortia, which do not cover the whole district; each with year, perimeter, source and grade."),
    "sustainability_social_economic": N_("Work, firms and markets: the headline values of the fact sheet (marked *) and the values for the region, Italy or a part of the district; each with year, perimeter, source and grade."),
    "sustainability_actors": N_("Actors of the district's collective schemes and of COOPERATE: type, role, whether the sources name them in COOPERATE's local working group (shown when they say so for at least one actor) and source (real data, data/raw/district_actors.csv)."),
    "sustainability_relations": N_("Who does what: who runs which plant, sits on which committee, signed which agreement (real data, data/raw/district_relations.csv)."),
    "sustainability_milestones": N_("Milestones of the district's CSR policy and of the projects common to every district, with their sources (real data, data/raw/district_milestones.csv)."),
    "sustainability_profile": N_("The district's CSR profile as a local benchmark: percentage of answering firms adopting each practice, at least one practice of each dimension, and each certification, with Wilson 95% intervals, beside the other districts and all the districts together (n: firms of each group)."),
    "sustainability_profile_figure": N_("Share of firms with at least one practice of each CSR dimension and with each certification, with Wilson 95% intervals: the district, the other districts and all the districts together."),
    "sustainability_passed_over": N_("Published values for the whole district that the headline rule passed over, and why: an older year, a weaker source in the same year, no date, part of a year, or a misprint."),
    "sustainability_searched": N_("Indicators no source gives for the district: what was searched."),
}
