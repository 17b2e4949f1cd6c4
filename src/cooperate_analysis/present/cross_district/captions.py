"""Captions of the cross-district report's tables and figures, by key (the notebook refers to them: rep.table(df, key)).

English messages; the Italian is in ``cross_district.po``."""
from __future__ import annotations

from ..i18n import N_

CAPTIONS = {
    'appendix_coefficients': N_('Full coefficient table of each pooled regression of the competitiveness scores (district fixed effects).'),
    'appendix_correlations': N_('Correlation matrix of the model variables, all districts pooled (Pearson r).'),
    'appendix_descriptives': N_('Descriptive statistics of the model variables, all districts pooled.'),
    'appendix_vif': N_('Variance inflation factors of the regressors of each pooled model (district fixed effects included).'),
    'certification_held': N_('Firms holding each certification, by district and for all districts together: firms holding it over firms answering, the share and its 95% interval.'),
    'balance': N_('Covariate balance of the IPW / AIPW treatment model: standardized mean difference (SMD, difference in means between certified and non-certified firms divided by the square root of the average of their two unweighted variances) of each covariate before and after inverse probability weighting; an |SMD| below 0.1 is the usual rule of thumb for adequate balance (Austin, 2009).'),
    'certification': N_('Certified minus non-certified firms, adjusted for size, export share, firm age and district by inverse probability weighting (IPW) and augmented IPW (AIPW), with 95% confidence intervals (normal reference, GMM standard errors); p (BH): Benjamini-Hochberg adjustment over the scores within each estimator (a secondary family); n (certified): firms in the model and certified firms among them. An association, not a causal effect.'),
    'cfa_fit': N_('Confirmatory factor analysis of the competitiveness items, pooled sample (maximum likelihood): one factor per scale against one common factor.'),
    'construct_validity': N_('Composite reliability and average variance extracted (AVE) of each scale, with the largest variance shared with another scale.'),
    'csr_by_district': N_('Mean CSR indices (0-1) and share of firms with at least one CSR certification (0-1), by district and for all districts together.'),
    'csr_vs_scores_pooled': N_('Overall CSR index and competitiveness scores, all districts pooled.'),
    'district_population': N_('Firms in the sample and in the population of each district (the population frame and its sources are described under Data and methods).'),
    'efa_loadings': N_('Exploratory factor analysis of the competitiveness items, pooled sample (minres, oblimin rotation): pattern loadings, communality and item sampling adequacy (MSA).'),
    'harman': N_("Harman's single-factor check for common-method variance: share of item variance in the first unrotated component and factor."),
    'heterogeneity': N_("Slope of the overall CSR index in each district, from one pooled OLS model with district fixed effects and district × CSR interactions, with 95% confidence intervals (HC3, t with n − k degrees of freedom); Wald test (χ², HC3) that the slopes are equal, and its Benjamini-Hochberg adjustment over the scores (a secondary family). The controls have one coefficient for all districts here, so a district's slope differs from the one in its own report, where every coefficient is the district's own."),
    'index_missing': N_('Missing items of the CSR indices and competitiveness scores: firms with at least one item unanswered, and firms whose index is missing under the minimum-answered rule.'),
    'missingness': N_('Item non-response by block of the questionnaire.'),
    'ols_pooled': N_('Pooled OLS with district fixed effects: coefficient of the overall CSR index on each score, HC3 standard error, 95% confidence interval and p from t with n − k degrees of freedom; p (Holm): Holm adjustment over the confirmatory tests, one per score.'),
    'ordered_items_pooled': N_('Pooled ordered logit with district fixed effects of each competitiveness item (worse / same / better) on the overall CSR index: log-odds slope with its 95% confidence interval (normal reference), p and its Benjamini-Hochberg adjustment over the items (a secondary family); average marginal effects (AME) on the probabilities of the end categories, in percentage points per 0.1 of the CSR index, with 95% delta-method intervals; p of the Brant test of proportional odds.'),
    'overlap': N_('Overlap of the estimated propensity scores (probability of holding a CSR certification given size, export share, firm age and district) of certified firms (above the axis) and non-certified firms (below): inverse probability weighting needs both groups across the range of scores.'),
    'power': N_('Power of the two-sided test of one coefficient (α = 0.05) at the partial correlations r named in its columns, and the smallest partial correlation detectable with 80% power.'),
    'reliability_by_district': N_("Cronbach's alpha (KR-20 for the CSR dimensions) with its Feldt 95% interval in square brackets, by district and for the pooled sample; complete cases. Descriptive: no test is made."),
    'robustness': N_("Coefficient of the overall CSR index on each score with its 95% confidence interval in square brackets: complete cases (OLS, HC3) and post-stratified weights (WLS, HC1) with t on n − k degrees of freedom, multiple imputation with Rubin's rules and Barnard-Rubin degrees of freedom."),
}
