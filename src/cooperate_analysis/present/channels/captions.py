"""The captions of the channels report's tables and figures, as messages (Italian in ``channels.po``)."""
from __future__ import annotations

from ..i18n import N_

CAPTIONS = {
    'adoption_models': N_("Adoption models by sample: the method used (fractional logit of the CSR index with HC3 errors, its OLS sensitivity, logit of each certification by maximum likelihood or, where the data separate or events are few, Firth's penalised likelihood), firms and adopting firms; a model that cannot be estimated says why."),
    'adoption_ame_csr': N_("Drivers of the CSR index (0-1): average marginal effects of the fractional logit and, as a sensitivity analysis, OLS coefficients, with 95% intervals (HC3), by sample; district fixed effects in the “All districts” sample. A yes/no regressor: change from no to yes (informal exchange: sometimes or often against rarely or never); export share and firm age per 10 units."),
    'adoption_ame_figure': N_("Average marginal effects on the CSR index (fractional logit) and on the probability of ISO 14001 certification (logit), with 95% intervals, by sample; no dot where the model cannot be estimated."),
    'adoption_ame_cert': N_("Drivers of each certification: average marginal effects on the probability of holding it (logit; the method of each model in the model table), with 95% intervals (delta method), by sample."),
    'adoption_by_channel_figure': N_("Share of firms holding a CSR certification and adopting at least half of the CSR practices, among firms that use each channel and those that do not, all districts, with Wilson 95% intervals."),
    'adoption_by_channel_cert': N_("Firms with at least one CSR certification among those that use each channel and those that do not: certified firms / firms, share and Wilson 95% interval (%), by sample."),
    'adoption_by_channel_half': N_("Firms adopting at least half of the CSR practices among those that use each channel and those that do not: adopting firms / firms, share and Wilson 95% interval (%), by sample."),
    'channels_gradient_figure': N_("Mean CSR index by the number of channels a firm uses (of six), by sample."),
    'channels_gradient': N_("The CSR index and the number of channels used: firms, Spearman's rank correlation with its p, and the OLS slope per channel with its 95% interval (HC3, t with n − k degrees of freedom), by sample."),
    'network_moderation': N_("Exploratory: difference in the OLS slope of the CSR index on each competitiveness score between members and non-members of a formal network (interaction), with controls for size, export share and firm age, 95% interval (HC3), p and Benjamini-Hochberg p over the table."),
    'stakeholder_salience': N_("Importance of each stakeholder to the firms (1 not important, 5 very important): mean and, in brackets, mean rank among the eight (higher: more important), firms answering every item, by sample."),
    'stakeholder_friedman': N_("Friedman test that the eight stakeholders are equally important to the firms (χ² with the tie correction, df = 7), and Kendall's W of agreement among firms (0 none, 1 complete), by sample."),
    'barriers_motivations': N_("Barriers and motivations (survey): mean importance (1-5, all districts) and share of firms rating each important or very important (4-5), with Wilson 95% intervals, by sample."),
    'consultation_published': N_("COOPERATE's stakeholder consultation: published shares (real data, the project's districts pooled; answers as published; the first-ranked barrier is not legible in the source), with year and source. Not survey results."),
    'questionnaire_awareness': N_("CSR awareness (questionnaire block A): mean answer (1 never heard of it, 5 know it very well) and firms knowing it well or very well: firms / answering firms, share and Wilson 95% interval (%), by sample."),
    'questionnaire_awareness_figure': N_("CSR awareness: answers to each question as shares of the answering firms, by sample."),
    'questionnaire_cert_status': N_("Certifications held, planned or not of interest (questionnaire block B): firms / answering firms, share and Wilson 95% interval (%), by sample."),
    'questionnaire_cert_status_figure': N_("Certifications held, planned or not of interest, all districts: shares of the answering firms."),
    'questionnaire_staff': N_("Atypical workers and staff training (questionnaire blocks D and E): firms with trainees or interns, with home-workers and with training on safety, environment or social responsibility (firms / answering firms, share and Wilson 95% interval, %), and means over the answering firms, by sample."),
    "adoption_coefficients": N_("Appendix: every coefficient of each adoption model, by outcome and sample, with its "
                                "method, n and fit statistic; a model that could not be estimated says why in the note."),
    "adoption_descriptives": N_("Appendix: descriptive statistics of the adoption models' variables, all districts."),
    "adoption_correlations": N_("Appendix: correlations of the adoption models' variables, all districts."),
    "adoption_vif": N_("Appendix: variance inflation factors of the regressors of the CSR-index model, all districts "
                       "(district fixed effects in the design)."),
}
