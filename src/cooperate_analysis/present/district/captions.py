"""Captions of the district report's tables and figures, by key (the notebook refers to them: rep.table(df, key)).

English messages; the Italian is in ``district.po``."""
from __future__ import annotations

from ..i18n import N_

CAPTIONS = {
    'appendix_coefficients': N_('Full coefficient table of each regression of the competitiveness scores.'),
    'appendix_correlations': N_('Correlation matrix of the model variables (Pearson r).'),
    'appendix_descriptives': N_('Descriptive statistics of the model variables.'),
    'appendix_vif': N_('Variance inflation factors of the regressors of each model.'),
    'adoption_table': N_('Adoption of CSR practices and certifications: firms with the practice over answering firms, the share and its 95% interval.'),
    'association_table': N_('Rank association of each CSR dimension index (Spearman rho) and of holding any CSR certification (rank-biserial r) with each competitiveness item, with the Benjamini-Hochberg adjusted p in parentheses; adjusted within each family: the dimension indices against the items, and certification against the items.'),
    'csr_vs_scores': N_('Overall CSR index and competitiveness scores, with least-squares lines.'),
    'firm_profile': N_('Firm profile.'),
    'index_missing': N_('Missing items of the CSR indices and competitiveness scores: firms with at least one item unanswered, and firms whose index is missing under the minimum-answered rule.'),
    'likert_stacked': N_('Self-reported change over the last three years, compared with competitors.'),
    'missingness': N_('Item non-response by block of the questionnaire.'),
    'ols_scores': N_('OLS coefficient of the overall CSR index (0-1) on each competitiveness score, with controls: HC3 standard error, 95% confidence interval and p from t with n − k degrees of freedom; p (Holm): Holm adjustment over the confirmatory tests, one per score.'),
    'ordered_items': N_('Ordered logit of each competitiveness item (worse / same / better) on the overall CSR index, with controls: log-odds slope with its 95% confidence interval (normal reference), p and its Benjamini-Hochberg adjustment over the items (a secondary family); average marginal effects (AME) on the probabilities of the end categories, in percentage points per 0.1 of the CSR index, with 95% delta-method intervals; p of the Brant test of proportional odds.'),
    'power': N_('Power of the two-sided test of one coefficient (α = 0.05) at the partial correlations r named in its columns, and the smallest partial correlation detectable with 80% power.'),
    'published_figures': N_('Published figures on the district (real data; measure names as published; sources cited by author and year).'),
    'reliability': N_("Internal consistency of the CSR dimension indices (KR-20) and competitiveness scales (Cronbach's alpha), with Feldt 95% intervals; complete cases. Descriptive: no test is made."),
    'robustness': N_("Coefficient of the overall CSR index on each score with its 95% confidence interval in square brackets: complete cases (OLS, HC3) and post-stratified weights (WLS, HC1) with t on n − k degrees of freedom, multiple imputation with Rubin's rules and Barnard-Rubin degrees of freedom."),
    'sample_population': N_('Firms by EU size class in the sample and in the district population, with the post-stratification weight of each class.'),
    'scores_table': N_('CSR index and competitiveness scores: means with their 95% confidence intervals.'),
    'weighted_means': N_('Unweighted and post-stratified means (weights by size class), with linearized standard errors and 95% confidence intervals of the weighted means.'),
}
