"""Synthetic COOPERATE-style survey: a documented, seeded data-generating process (DGP).

The COOPERATE microdata (92 SMEs interviewed in 2007-08 in three Tuscan districts) are not
public. This DGP writes survey files that follow the codebook exactly, calibrated to published
figures where they exist and to stated assumptions elsewhere, and it knows its own ground truth.
Source ids refer to ``../shared/research/published_figures.md`` (also ``data/raw/README.md``);
methods.md §1.3 holds the literature anchors for effect sizes. Every number below is tagged
[published: id] or [assumption]; a run is fully described by ``(Params, seed)``.

Process, per district d (all draws vectorised, one ``numpy.random.Generator`` from ``seed``):

1. Population frame. N_d firms [published: D1 133 firms c.2009 (Capannori); D18 935 firms 2005
   (Santa Croce); assumption: 2,500 clothing firms, between the ">5,000 in the past" and "<2,000 in
   2012" of D9], split into EU SME classes micro/small/medium by ``size_shares`` = .23/.44/.33
   (paper), .85/.14/.01 (clothing), .76/.22/.02 (tanning) [assumption, tuned so that the implied
   mean size matches the published average: D1 6,000/133 = 45.1 employees, D18 7,928/935 = 8.5;
   clothing 6, assumption]. Within a class, employees follow a lognormal (median 25 / 3 / 4, log-sd
   1.2) truncated to the class and floored to an integer, at least 1 [assumption]. Implied
   population means: 45.0 (paper), 6.1 (clothing), 8.5 (tanning). Capannori's published average
   includes a few very large groups (D4), so an SME-only frame with that mean overstates the size of
   its SMEs: a deliberate, documented compromise. ``population_counts()`` gives N_d by class
   (largest-remainder rounding): the post-stratification targets.
2. Sample. n_d firms per district, default 28 / 34 / 30 = 92 [published: S3 total 92; the split is
   an assumption, no per-district figure is published]. Larger firms are easier to reach: a
   sampled firm's class is drawn with probability proportional to share_c x ``inclusion_weights``
   (1, 2.5, 5) [assumption], so post-stratification weights matter.
3. Covariates. z = standardised log employees, using the mean and sd of log employees in the
   reference design (default n_d proportions), so z has mean 0 and variance 1 there.
   firm_age ~ Gamma(shape 3, mean 25) years, rounded, clipped to 1-150 [assumption: old districts].
   export_share = 100 x Beta(mu phi, (1 - mu) phi), logit mu = a_d + 0.4 z, phi = 3, one decimal
   [assumption], a_d solved so the mean export share in the sample design equals 27% (paper)
   [published: D2], 50% (tanning) [published: D17], 30% (clothing) [assumption]. turnover_class
   cuts revenue = employees x revenue per employee x lognormal(0, 0.5) noise [assumption] at
   2 / 10 / 50 M EUR (codebook classes); revenue per employee 389k EUR paper [published: D2,
   2,375 M / 6,100 employees], 161k tanning [published: D18, 1,272.7 M / 7,928], 100k clothing
   [assumption].
4. Channels and CSR (issue 16: the COOPERATE model of adoption through intermediaries and networks).
   a. Channels are drawn before the CSR propensity. A firm-level channel factor s ~ N(0, 1) (social
   capital: firms active in one channel tend to be active in others) loads lam = 0.50 on every channel
   latent [assumption]. Channel c is used when t_c,d + b_c z + m_c A + lam s + sqrt(1 - lam^2) e_c > 0,
   so its rate at z = 0 among non-members of an association (averaged over s) is Phi(t_c,d), given in
   ``channel_rates`` [all assumption]: trade-association membership A .65 paper / .55 clothing / .75
   tanning (the tanners' association is large: about 300 members, ``district_actors.csv``), size
   b = .25; CSR support received in the last three years from the association .03 for non-members with
   m = 1.30 for members (members more often get their association's support: .28 at z = 0),
   from the local development agency .05 / .20 / .05 (the clothing district's agency ASEV was the
   project's partner), the chamber of commerce .08, a union .06, a consortium .05 / .03 / .15, a
   research centre .06 (size .25); formal networks: a consortium .10 / .06 / .30 (the tanners'
   consortia), a network contract ("contratto di rete") .03 everywhere, rare because the form exists in
   Italian law only since 2009, and the district EMAS scheme .20 paper / 0 clothing / .15 tanning (the
   paper district's EMAS certificate dates from 2008 [published: D22], the tanning district's from 2010
   [published: D28]; the clothing district had none in the survey years, so nobody there takes part);
   joint initiatives with local bodies .15 and district CSR activities .15 / .20 / .15. Size effects
   b_c 0-.25 and membership shifts m_c .2-.4 (``channel_on_size``, ``channel_on_member``)
   [assumption]. Informal CSR exchange with other district firms is an ordinal latent
   (.0 z + .30 A + lam s + noise) cut into never / rarely / sometimes / often at the shares 30 / 30 /
   25 / 15 % of non-members at z = 0 [assumption]. Derived: S = any support, N = any formal network,
   I = exchange sometimes or often. In samples of the default design (measured on 276,000 firms):
   members 64%, S 45%, N 33%, I 48%, joint initiatives 21%, district activities 25%, 2.36 of the six
   channel kinds used on average.
   b. CSR propensity (latent scale) eta = gamma z + b_x x + b_A A + b_S S + b_N N + b_I I - c + r e, with
   gamma = 0.30 (size), b_x = 0.10 (x = export share standardised with its reference-design mean 35.6
   and sd 26.2), b_A = 0.20 (association), b_S = 0.35 (intermediary support), b_N = 0.30 (formal
   network), b_I = 0.15 (informal exchange), firm age 0 [all assumption: the COOPERATE model, in
   which intermediaries and networks spread CSR, with size still the largest single driver, Perrini
   et al.; methods.md §1.3]. The centre c and residual variance r^2 are design constants computed
   exactly (``design_constants``: the employee pmf, Gauss-Hermite quadrature over s, both membership
   values; exports' Beta moments): c = E(linear part) = 0.455 and r^2 = 1 - Var(linear part) = 0.736,
   so eta has mean 0 and variance 1 in the reference design; Cov(eta, z) = 0.377 there (per-district
   moments in ``eta_by_district``). There is no interaction of channels with anything downstream:
   network membership does not moderate the CSR-competitiveness association (a found interaction is
   a false positive).
   c. Dimension latents theta_k = lambda eta +
   sqrt(1 - lambda^2) u_k, lambda = 0.80 [assumption]. Practice j of dimension k is adopted when
   a theta_k + m_p c + sqrt(1 - a^2 - m_p^2) v_j > probit(1 - rate_j), a = 0.80, m_p = 0.20, where
   c is the respondent's common-method factor (item 6) [assumption]. Rates [assumption]: workplace
   and marketplace practices 30-55%, international initiatives 6%, sustainability report 8%, CSR
   manager 12% (``practice_rates``); they hold approximately in the reference design. KR-20 of the
   four items per dimension: about .68-.77.
5. Certifications (ISO 14001, EMAS, SA8000, OHSAS 18001 and the quality standard ISO 9001): a
   multivariate probit with a firm-level certification propensity
   S = 0.40 eta + 0.45 z + sqrt(1 - Var) f (unit variance, using Cov(eta, z)) [assumption: size and CSR raise
   certification]; certificate j is held when L S + sqrt(1 - L^2) e_j > probit(1 - rate_j).
   Tuned [published: S6, COSMIC 2009, n = 274] so that, in samples of the default design,
   127/274 = 46.4% hold at least one certificate of any kind (ISO 9001 included) and
   107/274 = 39.1% hold more than one. Certified firms mostly hold several, which a one-factor
   probit reproduces only with a near-nested "ladder": L = 0.98 and rates ISO 9001 42.5%,
   ISO 14001 40%, OHSAS 18001 34%, EMAS 5%, SA8000 4% [assumption]. Certifications are documents,
   not opinions: no method factor.
6. Competitiveness. Latent factors (unit variance in the reference design):
   innovation I = b_I[d] eta + s z + e_I, b_I = 0.34 paper, 0.24 clothing, 0.27 tanning
   [assumption: stronger where firms are larger]; intangible T = 0.27 eta + s z + e_T;
   market M = 0.30 I + 0.0 eta + s z + e_M (no direct CSR effect once innovation is in the model:
   Surroca et al.; Battaglia et al. 2014 [S8] found weak market results); s = 0.08 [assumption].
   Latent corr(eta, I) = .26-.35, corr(eta, T) = .28-.29, corr(eta, M) = .10-.12 by district
   (``latent_correlations``; methods.md §1.3 anchors .25-.35 and .05-.15). Likert items ("change
   over the last three years vs competitors", 3 = unchanged): y* = 0.72 F + m_l c +
   sqrt(1 - 0.72^2 - m_l^2) e, m_l = 0.25, cut into 1..5 at the normal quantiles of the target
   shares 4 / 15 / 46 / 27 / 8 % [assumption: mode 3, slightly more improvement than
   deterioration]. The common-method factor c ~ N(0, 1) loads on practices and Likert items:
   m_p m_l = .05 of latent correlation between any practice and any outcome item, m_l^2 = .06
   between outcome items; it adds about .06-.07 to the correlations of the CSR index with the
   scale scores (methods.md §1.3: + .05-.10).
7. Item non-response. Every non-required codebook variable (turnover class, export share, age,
   practices, certifications, Likert items, and every version-2 item) is missing completely at random
   with probability ``missing_rate`` (default 0.02 [assumption]); firm_id, district and employees never
   are. (A certification and its status can thus be missing one without the other; the validator's
   `consistent` rule compares them only where both are answered.)
8. Questionnaire blocks A-E, motivations and barriers (codebook version 2; drawn after the outcomes).
   No source gives their distributions for these districts (cooperate_final_report.md §5.2: not
   found), so every number here is an [assumption]. The stakeholder consultation's shares (S3: lack
   of resources and expertise 27%, poor knowledge of the instruments 25%; local institutions 34% and
   associations 20% of the votes on who should do more) are shares of *stakeholders'* votes, not of
   firms: the firm Likert items below are not calibrated to them; only the order of the barriers
   follows S3 (costs first is itself inferred there).
   A. Awareness (aw_csr_concept, aw_csr_tools): latent 0.50 eta + 0.40 (district activities - .25) +
      noise, cut at the normal quantiles of 10 / 25 / 35 / 20 / 10 % (concept) and 20 / 30 / 30 / 15 /
      5 % (tools); .25 is the design's exact rate of district activities. corr(eta, mean awareness)
      about .6.
   B. Certification status: 1 (held) exactly when the certificate is held; a non-holder has it
      planned (2) with probability expit(logit(p_j) + 0.60 eta), p_j = .15 ISO 14001, OHSAS 18001 and
      ISO 9001, .08 EMAS and SA8000, else is not interested (3). Planned among non-holders: 9-14%.
   C. Stakeholders' importance (1-5): latent = item mean + district shift + firm effect N(0, 0.50^2) +
      noise N(0, 0.80^2), rounded and clipped to 1-5. Item means: customers 4.5, employees 4.2,
      suppliers 3.8, banks 3.5, local institutions 3.0, local community 2.8, trade associations 2.6,
      unions 2.2; district shifts: paper local institutions +.3 and local community +.2 (the district
      EMAS committee), clothing unions -.2 and suppliers +.2 (subcontracting chains), tanning local
      community +.4 and trade associations +.3 (environmental impact; the tanners' association).
      The firm effect makes Friedman's test meaningful (items correlate about .24) while items differ.
   Motivations and barriers (1-5): the same form with their own firm effect; means: customer requests
      4.0, reputation 3.9, regulation 3.3, cost savings 3.0 (each + 0.20 eta); barriers costs 3.9, lack
      of resources and expertise 3.6, poor knowledge of the tools 3.4 (- 0.20 eta: knowing firms see
      less of it), uncertain results 3.2. Shares answering 4 or 5: about .70 / .66 / .42 / .30 and
      .66 / .54 / .46 / .38.
   D. Atypical workers: trainees ~ Poisson(0.03 x employees); home-workers in 35% of clothing firms
      and 5% elsewhere (home-working is a known feature of the clothing supply chain), numbering
      round(h x employees), h ~ Beta(2, 6), at least 1 and at most employees (employees include
      home-workers).
   E. Training: share of staff trained in the last year = 100 x Beta(mu 2, (1 - mu) 2), logit mu =
      -0.60 + 0.50 eta (mean about 36%); training on safety, environment or CSR: probit 0.50 eta +
      0.20 z, rate 35%.
   Every draw is vectorised (arrays over firms; loops only over items and districts).

Record ids. The generator owns an id scheme, so that synthetic records stay recognisable after
the file is subset, edited or merged with real rows: firm_id is ``SYN-<district code>-<number>``
(``SYN-CAP-001``, ``SYN-EMP-012``, ``SYN-SCR-030``; codes in ``ID_PREFIX``, number from 001 within
its district, more digits past 999). ``SYNTHETIC_ID_PATTERN`` matches exactly these ids and
``synthetic_ids()`` finds them in a column; the data step marks a survey synthetic when any of its
firm ids follows the scheme, so its reports carry the synthetic-data banner. Real surveys must not
use ids of this form. The ids take no random numbers: the values of a run do not depend on them.

Ground truth: ``ground_truth()`` returns the parameters, derived design constants, the structural
adoption coefficients (``adoption_structural``: eta's coefficients, the export standardisation,
the residual variance, and 0 for network moderation of competitiveness), the analytic latent
correlations, population figures, and pseudo-true values of the observable estimands
(``estimands``) computed on one large sample of the same design (``TRUTH_FIRMS`` firms in the
same district proportions, seed ``TRUTH_SEED``), each with its Monte Carlo standard error
(Spearman correlations .0015-.003, rates <= .0015, OLS slopes .0045 pooled and about .008 per
district, adoption AMEs <= .004). The adoption estimands are the average marginal effects of a
fractional logit of csr_overall and a logit of cert_iso14001 on ``derived.ADOPTION_REGRESSORS``
(district fixed effects when pooled), fitted with statsmodels on the big sample (the data layer does
not import stats): ``fraclogit_ame.csr_overall.<regressor>``, ``logit_ame.cert_iso14001.<regressor>``.
They are pseudo-true values of the misspecified observable models, not the latent coefficients
(csr_overall is a share of binary practices driven by eta through probits). The truth takes about
8 s to compute and is cached per process.
"""
from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit, ndtr, ndtri

from .codebook import Codebook, load_codebook
from .io import atomic_write_bytes, atomic_write_text

DEFAULT_SEED = 20070101
DEFAULT_N = {"capannori_paper": 28, "empolese_valdelsa_clothing": 34, "santa_croce_tanning": 30}
ID_PREFIX = {"capannori_paper": "CAP", "empolese_valdelsa_clothing": "EMP", "santa_croce_tanning": "SCR"}
SYNTHETIC_ID_PREFIX = "SYN-"  # every generated firm_id starts with it: SYN-CAP-001 (module docstring)
SYNTHETIC_ID_PATTERN = re.compile(
    re.escape(SYNTHETIC_ID_PREFIX) + "(?:" + "|".join(sorted(ID_PREFIX.values())) + ")-[0-9]{3,}")
SME_CLASSES = ("micro", "small", "medium")
TURNOVER_CUTS_MEUR = (2.0, 10.0, 50.0)  # codebook turnover classes 1..4
TRUTH_SEED = 1
TRUTH_FIRMS = 460_000  # big-sample size for the pseudo-truth (5,000 x the default 92)
CSV_NAME, TRUTH_NAME = "survey_synthetic.csv", "survey_synthetic.truth.json"


def _by_district(cap, clothing, tanning):
    return lambda: {"capannori_paper": cap, "empolese_valdelsa_clothing": clothing,
                    "santa_croce_tanning": tanning}


@dataclass(frozen=True)
class Params:
    """Every number of the DGP (see the module docstring for sources and tags)."""

    # 1. population frame
    population_firms: dict = field(default_factory=_by_district(133, 2500, 935))
    size_shares: dict = field(default_factory=_by_district((0.23, 0.44, 0.33), (0.85, 0.14, 0.01),
                                                           (0.76, 0.22, 0.02)))
    employee_median: dict = field(default_factory=_by_district(25.0, 3.0, 4.0))
    employee_sigma: float = 1.2
    # 2. sample design
    inclusion_weights: tuple = (1.0, 2.5, 5.0)
    reference_n: dict = field(default_factory=lambda: dict(DEFAULT_N))
    # 3. covariates
    age_mean: float = 25.0
    age_shape: float = 3.0
    export_mean: dict = field(default_factory=_by_district(27.0, 30.0, 50.0))
    export_size_effect: float = 0.4
    export_precision: float = 3.0
    revenue_per_employee_keur: dict = field(default_factory=_by_district(389.0, 100.0, 161.0))
    revenue_sd: float = 0.5
    # 4a. channels (drawn before eta): rates at z = 0 among non-members of an association, by district
    channel_factor: float = 0.50
    channel_rates: dict = field(default_factory=lambda: {
        "ch_association_member": _by_district(0.65, 0.55, 0.75)(),
        "ch_support_association": _by_district(0.03, 0.03, 0.03)(),
        "ch_support_agency": _by_district(0.05, 0.20, 0.05)(),
        "ch_support_chamber": _by_district(0.08, 0.08, 0.08)(),
        "ch_support_union": _by_district(0.06, 0.06, 0.06)(),
        "ch_support_consortium": _by_district(0.05, 0.03, 0.15)(),
        "ch_support_research": _by_district(0.06, 0.06, 0.06)(),
        "ch_net_consortium": _by_district(0.10, 0.06, 0.30)(),
        "ch_net_contract": _by_district(0.03, 0.03, 0.03)(),
        "ch_net_emas": _by_district(0.20, 0.0, 0.15)(),
        "ch_joint_initiatives": _by_district(0.15, 0.15, 0.15)(),
        "ch_district_activities": _by_district(0.15, 0.20, 0.15)()})
    channel_on_size: dict = field(default_factory=lambda: {
        "ch_association_member": 0.25, "ch_support_association": 0.10, "ch_support_agency": 0.0,
        "ch_support_chamber": 0.10, "ch_support_union": 0.0, "ch_support_consortium": 0.10,
        "ch_support_research": 0.25, "ch_informal_exchange": 0.0, "ch_net_consortium": 0.15,
        "ch_net_contract": 0.15, "ch_net_emas": 0.20, "ch_joint_initiatives": 0.15,
        "ch_district_activities": 0.15})
    channel_on_member: dict = field(default_factory=lambda: {
        "ch_support_association": 1.30, "ch_support_agency": 0.20, "ch_support_chamber": 0.20,
        "ch_support_union": 0.20, "ch_support_consortium": 0.20, "ch_support_research": 0.0,
        "ch_informal_exchange": 0.30, "ch_net_consortium": 0.30, "ch_net_contract": 0.20, "ch_net_emas": 0.30,
        "ch_joint_initiatives": 0.30, "ch_district_activities": 0.40})
    informal_shares: tuple = (0.30, 0.30, 0.25, 0.15)
    # 4b. CSR propensity eta (latent scale; unit variance in the reference design)
    gamma_size: float = 0.30
    eta_on_exports: float = 0.10
    eta_on_association: float = 0.20
    eta_on_support: float = 0.35
    eta_on_network: float = 0.30
    eta_on_informal: float = 0.15
    # 4c. CSR practices
    lambda_dimension: float = 0.80
    practice_loading: float = 0.80
    practice_method: float = 0.20
    practice_rates: dict = field(default_factory=lambda: {
        "wp_employee_benefits": 0.40, "wp_staff_evaluation": 0.30, "wp_training_plan": 0.50,
        "wp_work_life_balance": 0.35, "env_internal_audit": 0.35, "env_impact_monitoring": 0.40,
        "env_eco_materials": 0.25, "env_energy_efficiency": 0.45, "com_local_initiatives": 0.45,
        "com_international_initiatives": 0.06, "com_sponsorship": 0.40, "com_stakeholder_dialogue": 0.20,
        "mkt_supplier_requirements": 0.35, "mkt_fair_payment": 0.55, "mkt_product_information": 0.30,
        "mkt_complaints_system": 0.50, "gov_code_of_ethics": 0.30, "gov_sustainability_report": 0.08,
        "gov_csr_responsible": 0.12, "gov_code_of_conduct": 0.35})
    # 5. certifications
    cert_on_csr: float = 0.40
    cert_on_size: float = 0.45
    cert_loading: float = 0.98
    cert_rates: dict = field(default_factory=lambda: {
        "cert_iso14001": 0.40, "cert_emas": 0.05, "cert_sa8000": 0.04, "cert_ohsas18001": 0.34,
        "cert_iso9001": 0.425})
    # 6. competitiveness
    innovation_on_csr: dict = field(default_factory=_by_district(0.34, 0.24, 0.27))
    intangible_on_csr: float = 0.27
    market_on_innovation: float = 0.30
    market_on_csr: float = 0.0
    outcomes_on_size: float = 0.08
    likert_loading: float = 0.72
    likert_method: float = 0.25
    likert_shares: tuple = (0.04, 0.15, 0.46, 0.27, 0.08)
    # 8. questionnaire blocks A-E and the added motivations and barriers
    awareness_on_csr: float = 0.50
    awareness_on_activities: float = 0.40
    awareness_shares: dict = field(default_factory=lambda: {
        "aw_csr_concept": (0.10, 0.25, 0.35, 0.20, 0.10), "aw_csr_tools": (0.20, 0.30, 0.30, 0.15, 0.05)})
    planned_rates: dict = field(default_factory=lambda: {
        "cst_iso14001": 0.15, "cst_emas": 0.08, "cst_sa8000": 0.08, "cst_ohsas18001": 0.15, "cst_iso9001": 0.15})
    planned_on_csr: float = 0.60
    stakeholder_means: dict = field(default_factory=lambda: {
        "sh_employees": 4.2, "sh_customers": 4.5, "sh_suppliers": 3.8, "sh_local_community": 2.8,
        "sh_local_institutions": 3.0, "sh_unions": 2.2, "sh_trade_associations": 2.6, "sh_banks": 3.5})
    stakeholder_district_shift: dict = field(default_factory=lambda: {
        "capannori_paper": {"sh_local_institutions": 0.3, "sh_local_community": 0.2},
        "empolese_valdelsa_clothing": {"sh_unions": -0.2, "sh_suppliers": 0.2},
        "santa_croce_tanning": {"sh_local_community": 0.4, "sh_trade_associations": 0.3}})
    motivation_means: dict = field(default_factory=lambda: {
        "mot_customer_requests": 4.0, "mot_reputation": 3.9, "mot_regulation": 3.3, "mot_cost_savings": 3.0})
    barrier_means: dict = field(default_factory=lambda: {
        "bar_costs": 3.9, "bar_resources_expertise": 3.6, "bar_tool_knowledge": 3.4, "bar_uncertain_results": 3.2})
    item_firm_sd: float = 0.50
    item_noise_sd: float = 0.80
    motivations_on_csr: float = 0.20
    tool_knowledge_on_csr: float = -0.20
    trainee_rate: float = 0.03
    home_worker_firms: dict = field(default_factory=_by_district(0.05, 0.35, 0.05))
    home_worker_share: tuple = (2.0, 6.0)
    trained_share_intercept: float = -0.60
    trained_share_on_csr: float = 0.50
    trained_share_precision: float = 2.0
    csr_training_rate: float = 0.35
    csr_training_on_csr: float = 0.50
    csr_training_on_size: float = 0.20


# --- design: exact distributions of size and the derived constants ---------------------------

def _class_ranges(cb: Codebook) -> dict[str, tuple[int, int]]:
    """Employee range of each SME class; a firm has at least one employee [assumption]."""
    return {c: (max(int(cb.size_classes[c]["min"]), 1), int(cb.size_classes[c]["max"])) for c in SME_CLASSES}


def _within_class(params: Params, district: str, cb: Codebook) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Employee values and probabilities within each class: lognormal truncated to the class, floored."""
    mu, sigma = math.log(params.employee_median[district]), params.employee_sigma
    out = {}
    for c, (lo, hi) in _class_ranges(cb).items():
        edges = np.arange(lo, hi + 2, dtype=float)
        p = np.diff(ndtr((np.log(edges) - mu) / sigma))
        out[c] = (np.arange(lo, hi + 1), p / p.sum())
    return out


def _sample_class_shares(params: Params, district: str) -> np.ndarray:
    q = np.asarray(params.size_shares[district]) * np.asarray(params.inclusion_weights)
    return q / q.sum()


def _sample_pmf(params: Params, district: str, cb: Codebook) -> tuple[np.ndarray, np.ndarray]:
    """Employees and their probabilities for one sampled firm of the district."""
    within = _within_class(params, district, cb)
    q = _sample_class_shares(params, district)
    return (np.concatenate([within[c][0] for c in SME_CLASSES]),
            np.concatenate([qc * within[c][1] for qc, c in zip(q, SME_CLASSES)]))


SUPPORT = ("ch_support_association", "ch_support_agency", "ch_support_chamber", "ch_support_union",
           "ch_support_consortium", "ch_support_research")
NETWORKS = ("ch_net_consortium", "ch_net_contract", "ch_net_emas")
QUADRATURE_NODES = 48  # Gauss-Hermite nodes over the channel factor in the exact design moments


def _channel_probability(params: Params, channel: str, district, z, s, member=0.0):
    """P(channel = 1 | district, z, channel factor s, association membership): a probit whose rate
    at z = 0 (averaged over s) among non-members is ``channel_rates``; size and membership shift it.
    `district` is a district id, or an integer array indexing the codebook's districts (one per firm)."""
    lam = params.channel_factor
    rate = params.channel_rates[channel]
    if isinstance(district, str):
        t = ndtri(rate[district])
    else:
        t = ndtri(np.asarray([rate[d] for d in load_codebook().district_ids], dtype=float))[district]
    shift = params.channel_on_size.get(channel, 0.0) * z + params.channel_on_member.get(channel, 0.0) * member
    return ndtr((t + shift) / math.sqrt(1 - lam ** 2) + lam * s / math.sqrt(1 - lam ** 2))


def _informal_cuts(params: Params) -> np.ndarray:
    return ndtri(np.cumsum(params.informal_shares)[:-1])


def _informal_probability(params: Params, z, s, member):
    """P(informal exchange 'sometimes' or 'often' | z, s, membership): the ordinal latent above its second cut."""
    lam = params.channel_factor
    mean = (params.channel_on_size["ch_informal_exchange"] * z
            + params.channel_on_member["ch_informal_exchange"] * member + lam * s)
    return 1 - ndtr((_informal_cuts(params)[1] - mean) / math.sqrt(1 - lam ** 2))


def _export_moments(params: Params, pmfs: dict, z: dict, intercept: dict) -> tuple[float, float]:
    """Mean and sd of export_share (%) in the reference design (Beta given z; rounding ignored)."""
    total = sum(params.reference_n.values())
    phi = params.export_precision
    m1 = m2 = 0.0
    for d, (_, p) in pmfs.items():
        mu = expit(intercept[d] + params.export_size_effect * z[d])
        w = params.reference_n[d] / total
        m1 += w * p @ (100 * mu)
        m2 += w * p @ (100 ** 2 * (mu * (1 - mu) / (phi + 1) + mu ** 2))
    return float(m1), float(math.sqrt(m2 - m1 ** 2))


def _linear_moments(params: Params, pmfs: dict, z: dict, intercept: dict, exports: tuple[float, float]) -> dict:
    """Exact moments of eta's linear part  lin = gamma z + b_x x + b_A A + b_S S + b_N N + b_I I
    per district: E[lin], E[lin^2], E[lin z], E[z], E[z^2], by summing over the district's employee pmf,
    Gauss-Hermite quadrature over the channel factor and both membership values (given z, s and
    membership the other channels are independent, and exports depend on z only)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    weights = weights / weights.sum()
    mx, sx = exports
    phi = params.export_precision
    b = params
    out = {}
    for d, (_, p) in pmfs.items():
        zz, ss = z[d][:, None], nodes[None, :]
        mu = expit(intercept[d] + params.export_size_effect * zz)
        ex, vx = (100 * mu - mx) / sx, (100 ** 2) * mu * (1 - mu) / (phi + 1) / sx ** 2
        p_member = _channel_probability(params, "ch_association_member", d, zz, ss)
        e1 = e2 = ez = activities = 0.0
        for member, pm in ((0.0, 1 - p_member), (1.0, p_member)):
            activities += (p[:, None] * weights[None, :] * pm
                           * _channel_probability(params, "ch_district_activities", d, zz, ss, member)).sum()
            ps = 1 - np.prod([1 - _channel_probability(params, c, d, zz, ss, member) for c in SUPPORT], axis=0)
            pn = 1 - np.prod([1 - _channel_probability(params, c, d, zz, ss, member) for c in NETWORKS], axis=0)
            pi = _informal_probability(params, zz, ss, member)
            mean = (b.gamma_size * zz + b.eta_on_exports * ex + b.eta_on_association * member
                    + b.eta_on_support * ps + b.eta_on_network * pn + b.eta_on_informal * pi)
            var = (b.eta_on_exports ** 2 * vx + b.eta_on_support ** 2 * ps * (1 - ps)
                   + b.eta_on_network ** 2 * pn * (1 - pn) + b.eta_on_informal ** 2 * pi * (1 - pi))
            w = p[:, None] * weights[None, :] * pm
            e1 += (w * mean).sum()
            e2 += (w * (mean ** 2 + var)).sum()
            ez += (w * mean * zz).sum()
        out[d] = {"lin": float(e1), "lin2": float(e2), "lin_z": float(ez), "z": float(p @ z[d]),
                  "z2": float(p @ z[d] ** 2), "activities": float(activities)}
    return out


def _eta_constants(params: Params, moments: dict) -> dict:
    """Centre and residual variance of eta (mean 0, variance 1 in the reference design), its covariance
    with z there, and its per-district mean, variance and covariance with z."""
    total = sum(params.reference_n.values())
    pooled = {k: sum(params.reference_n[d] / total * m[k] for d, m in moments.items())
              for k in ("lin", "lin2", "lin_z", "z")}
    var_lin = pooled["lin2"] - pooled["lin"] ** 2
    residual = 1 - var_lin
    if residual <= 0:
        raise ValueError(f"eta effects too large for a unit-variance propensity: Var(linear part) = {var_lin:.3f}")
    per_district = {d: {"mean": m["lin"] - pooled["lin"], "var": m["lin2"] - m["lin"] ** 2 + residual,
                        "cov_z": m["lin_z"] - m["lin"] * m["z"]} for d, m in moments.items()}
    activities = sum(params.reference_n[d] / total * m["activities"] for d, m in moments.items())
    return {"eta_centre": pooled["lin"], "eta_linear_var": var_lin, "eta_residual_var": residual,
            "district_activities_rate": activities,
            "eta_size_cov": pooled["lin_z"] - pooled["lin"] * pooled["z"], "eta_by_district": per_district}


_CONSTANTS_CACHE: dict[str, dict] = {}


def design_constants(params: Params | None = None) -> dict:
    """Constants implied by the design: standardisation of log size, export intercepts, thresholds.
    They depend on the parameters only, so each set's are computed once per process (the quadrature of
    the exact design moments was most of the cost of generating a survey; a Monte Carlo study
    generates hundreds) and every caller gets its own copy."""
    params = params or Params()
    key = json.dumps([asdict(params), load_codebook().district_ids], sort_keys=True)
    if key not in _CONSTANTS_CACHE:
        _CONSTANTS_CACHE[key] = _design_constants(params)
    return copy.deepcopy(_CONSTANTS_CACHE[key])


def _design_constants(params: Params) -> dict:
    cb = load_codebook()
    pmfs = {d: _sample_pmf(params, d, cb) for d in cb.district_ids}
    total = sum(params.reference_n.values())
    log_k = {d: np.log(k) for d, (k, _) in pmfs.items()}
    mean = sum(params.reference_n[d] / total * (p * log_k[d]).sum() for d, (_, p) in pmfs.items())
    var = sum(params.reference_n[d] / total * (p * (log_k[d] - mean) ** 2).sum() for d, (_, p) in pmfs.items())
    sd = math.sqrt(var)
    z = {d: (log_k[d] - mean) / sd for d in pmfs}
    export_intercept = {
        d: brentq(lambda a, p=p, d=d: p @ expit(a + params.export_size_effect * z[d]) - params.export_mean[d] / 100,
                  -20, 20)
        for d, (_, p) in pmfs.items()}
    exports = _export_moments(params, pmfs, z, export_intercept)
    eta = _eta_constants(params, _linear_moments(params, pmfs, z, export_intercept, exports))
    g = eta["eta_size_cov"]
    return {
        "log_employees_mean": mean, "log_employees_sd": sd,
        "export_share_mean": exports[0], "export_share_sd": exports[1],
        **eta,
        "z_moments": {d: {"mean": float(p @ z[d]), "var": float(p @ z[d] ** 2 - (p @ z[d]) ** 2)}
                      for d, (_, p) in pmfs.items()},
        "sample_class_shares": {d: dict(zip(SME_CLASSES, _sample_class_shares(params, d).tolist()))
                                for d in cb.district_ids},
        "export_intercept": export_intercept,
        "practice_thresholds": {j: float(ndtri(1 - r)) for j, r in params.practice_rates.items()},
        "cert_thresholds": {j: float(ndtri(1 - r)) for j, r in params.cert_rates.items()},
        "cert_propensity_residual_var": 1 - (params.cert_on_csr ** 2 + params.cert_on_size ** 2
                                             + 2 * params.cert_on_csr * params.cert_on_size * g),
        "likert_cuts": [float(x) for x in ndtri(np.cumsum(params.likert_shares)[:-1])],
        "outcome_residual_var": {d: _outcome_residual_var(params, d, g) for d in cb.district_ids},
        "informal_cuts": [float(x) for x in _informal_cuts(params)],
        "awareness_cuts": {k: [float(x) for x in ndtri(np.cumsum(v)[:-1])] for k, v in params.awareness_shares.items()},
    }


def population_counts(params: Params | None = None) -> pd.DataFrame:
    """Firms in each district's population by size class (columns district, size_class, N).

    The post-stratification targets; rounded by largest remainder so classes sum to N_d.
    """
    params = params or Params()
    rows = []
    for district in load_codebook().district_ids:
        exact = np.asarray(params.size_shares[district]) * params.population_firms[district]
        counts = np.floor(exact).astype(int)
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[: params.population_firms[district] - counts.sum()]] += 1
        rows += [{"district": district, "size_class": c, "N": int(n)} for c, n in zip(SME_CLASSES, counts)]
    return pd.DataFrame(rows)


def population_mean_employees(params: Params | None = None) -> dict[str, float]:
    """Exact mean employees per firm in each district's population (and pooled over districts)."""
    params = params or Params()
    cb = load_codebook()
    out, firms, employees = {}, 0.0, 0.0
    for d in cb.district_ids:
        within = _within_class(params, d, cb)
        out[d] = float(sum(s * (within[c][0] * within[c][1]).sum()
                           for s, c in zip(params.size_shares[d], SME_CLASSES)))
        firms += params.population_firms[d]
        employees += params.population_firms[d] * out[d]
    out["pooled"] = employees / firms
    return out


# --- latent structure --------------------------------------------------------------------------
# Every latent is a linear combination of independent parts [z, e_eta, e_I, e_T, e_M].

def _latent_rows(params: Params, district: str, g: float) -> dict[str, np.ndarray]:
    """Latents as combinations of [z, u, e_I, e_T, e_M], where eta = g z + u (g: eta's slope on z)."""
    s = params.outcomes_on_size
    eta = np.array([g, 1.0, 0, 0, 0])
    size = np.array([1.0, 0, 0, 0, 0])
    innovation = params.innovation_on_csr[district] * eta + s * size + np.array([0, 0, 1.0, 0, 0])
    intangible = params.intangible_on_csr * eta + s * size + np.array([0, 0, 0, 1.0, 0])
    market = (params.market_on_innovation * innovation + params.market_on_csr * eta + s * size
              + np.array([0, 0, 0, 0, 1.0]))
    return {"eta": eta, "innovation": innovation, "intangible": intangible, "market": market}


def _outcome_residual_var(params: Params, district: str, g: float) -> dict[str, float]:
    """Residual variances giving each outcome factor unit variance in the reference design, where
    Var(z) = Var(eta) = 1 and Cov(eta, z) = g (so eta = g z + u, Var(u) = 1 - g^2)."""
    v = np.array([1.0, 1 - g ** 2, 0, 0, 0])
    rows = _latent_rows(params, district, g)
    out = {"innovation": 1 - rows["innovation"] ** 2 @ v, "intangible": 1 - rows["intangible"] ** 2 @ v}
    explained_m = rows["market"] ** 2 @ v + params.market_on_innovation ** 2 * out["innovation"]
    out["market"] = 1 - explained_m
    if min(out.values()) <= 0:
        raise ValueError(f"outcome effects too large for unit-variance factors in {district}: {out}")
    return {k: float(x) for k, x in out.items()}


def latent_correlations(params: Params | None = None) -> dict[str, dict[str, float]]:
    """Analytic correlations of the CSR propensity with each outcome factor, per district.

    Uses each district's own variance of log size and of eta and their covariance in the sample
    design (exact design moments), so the values differ a little from the reference-design ones
    quoted in the module docstring.
    """
    params = params or Params()
    const = design_constants(params)
    out = {}
    for d in load_codebook().district_ids:
        res = const["outcome_residual_var"][d]
        var_z = const["z_moments"][d]["var"]
        eta = const["eta_by_district"][d]
        slope = eta["cov_z"] / var_z  # eta = slope z + u within the district, u uncorrelated with z
        v = np.array([var_z, eta["var"] - slope ** 2 * var_z, res["innovation"], res["intangible"], res["market"]])
        rows = _latent_rows(params, d, slope)
        A = np.vstack([rows[k] for k in ("eta", "innovation", "intangible", "market")])
        cov = (A * v) @ A.T
        corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
        out[d] = {f"eta.{k}": float(corr[0, i]) for i, k in enumerate(("innovation", "intangible", "market"), 1)}
        out[d]["direct.market_on_eta"] = params.market_on_csr
    return out


# --- simulation --------------------------------------------------------------------------------

def _check_design(n_per_district: dict[str, int] | None, missing_rate: float, cb: Codebook) -> dict[str, int]:
    n = dict(DEFAULT_N if n_per_district is None else n_per_district)
    unknown = sorted(set(n) - set(cb.district_ids))
    if unknown:
        raise ValueError(f"unknown district(s) {unknown}; valid: {', '.join(cb.district_ids)}")
    if any(int(v) != v or v < 0 for v in n.values()):
        raise ValueError(f"firms per district must be non-negative integers, got {n}")
    if not 0 <= missing_rate < 1:
        raise ValueError(f"missing_rate must be in [0, 1), got {missing_rate}")
    return {d: int(n.get(d, 0)) for d in cb.district_ids}


def _simulate(params: Params, n_per_district: dict[str, int], seed: int,
              missing_rate: float) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The survey and its latent variables (eta, method, innovation, intangible, market)."""
    cb = load_codebook()
    const = design_constants(params)
    rng = np.random.default_rng(seed)
    districts = [d for d in cb.district_ids if n_per_district[d] > 0]
    n = sum(n_per_district.values())
    dist_idx = np.repeat(np.arange(len(districts)), [n_per_district[d] for d in districts])

    def per_district(values: dict) -> np.ndarray:
        return np.asarray([values[d] for d in districts], dtype=float)[dist_idx]

    # 2. sample: size class, then employees within the class (inverse CDF on the exact pmf)
    employees = np.empty(n, dtype=np.int64)
    u_class, u_size = rng.random(n), rng.random(n)
    for i, d in enumerate(districts):
        rows = np.flatnonzero(dist_idx == i)
        cls = np.searchsorted(np.cumsum(_sample_class_shares(params, d))[:-1], u_class[rows], side="right")
        within = _within_class(params, d, cb)
        for j, c in enumerate(SME_CLASSES):
            sel = rows[cls == j]
            k, p = within[c]
            employees[sel] = k[np.minimum(np.searchsorted(np.cumsum(p), u_size[sel], side="right"), len(k) - 1)]
    z = (np.log(employees) - const["log_employees_mean"]) / const["log_employees_sd"]

    # 3. covariates
    age = np.clip(np.rint(rng.gamma(params.age_shape, params.age_mean / params.age_shape, n)), 1, 150)
    mu = expit(per_district(const["export_intercept"]) + params.export_size_effect * z)
    phi = params.export_precision
    export = np.round(100 * rng.beta(mu * phi, (1 - mu) * phi), 1)
    revenue = (employees * per_district(params.revenue_per_employee_keur) / 1000
               * np.exp(params.revenue_sd * rng.standard_normal(n)))
    turnover_class = np.searchsorted(TURNOVER_CUTS_MEUR, revenue, side="right") + 1

    # 4a. channels, drawn before the CSR propensity: a channel factor s, membership, then the others
    d_code = np.asarray([cb.district_ids.index(d) for d in districts], dtype=np.int64)[dist_idx]  # codebook index
    s_factor = rng.standard_normal(n)
    member = (rng.random(n) < _channel_probability(params, "ch_association_member", d_code, z, s_factor)).astype(np.int64)
    channels = {"ch_association_member": member}
    for c in SUPPORT + NETWORKS + ("ch_joint_initiatives", "ch_district_activities"):
        channels[c] = (rng.random(n) < _channel_probability(params, c, d_code, z, s_factor, member)).astype(np.int64)
    lam = params.channel_factor
    informal_latent = (params.channel_on_size["ch_informal_exchange"] * z
                       + params.channel_on_member["ch_informal_exchange"] * member + lam * s_factor
                       + math.sqrt(1 - lam ** 2) * rng.standard_normal(n))
    channels["ch_informal_exchange"] = np.searchsorted(const["informal_cuts"], informal_latent, side="right") + 1
    support = np.max([channels[c] for c in SUPPORT], axis=0)
    network = np.max([channels[c] for c in NETWORKS], axis=0)
    informal = (channels["ch_informal_exchange"] >= 3).astype(np.int64)

    # 4b. CSR propensity: size, exports, channels, residual (mean 0, variance 1 in the reference design)
    x = (export - const["export_share_mean"]) / const["export_share_sd"]
    eta = (params.gamma_size * z + params.eta_on_exports * x + params.eta_on_association * member
           + params.eta_on_support * support + params.eta_on_network * network + params.eta_on_informal * informal
           - const["eta_centre"] + math.sqrt(const["eta_residual_var"]) * rng.standard_normal(n))

    # 4c. dimensions, practices (with the common-method factor)
    method = rng.standard_normal(n)
    cols: dict[str, np.ndarray] = {}
    lam, a, mp = params.lambda_dimension, params.practice_loading, params.practice_method
    for dim, items in cb.practices_by_dimension().items():
        theta = lam * eta + math.sqrt(1 - lam ** 2) * rng.standard_normal(n)
        noise = rng.standard_normal((n, len(items)))
        for j, item in enumerate(items):
            latent = a * theta + mp * method + math.sqrt(1 - a ** 2 - mp ** 2) * noise[:, j]
            cols[item] = (latent > const["practice_thresholds"][item]).astype(np.int64)

    # 5. certifications
    certs = cb.certifications(None)
    propensity = (params.cert_on_csr * eta + params.cert_on_size * z
                  + math.sqrt(const["cert_propensity_residual_var"]) * rng.standard_normal(n))
    L = params.cert_loading
    noise = rng.standard_normal((n, len(certs)))
    for j, cert in enumerate(certs):
        cols[cert] = (L * propensity + math.sqrt(1 - L ** 2) * noise[:, j]
                      > const["cert_thresholds"][cert]).astype(np.int64)

    # 6. competitiveness factors and Likert items
    s = params.outcomes_on_size
    res = {k: per_district({d: const["outcome_residual_var"][d][k] for d in districts})
           for k in cb.outcome_scales}
    innovation = per_district(params.innovation_on_csr) * eta + s * z + np.sqrt(res["innovation"]) * rng.standard_normal(n)
    intangible = params.intangible_on_csr * eta + s * z + np.sqrt(res["intangible"]) * rng.standard_normal(n)
    market = (params.market_on_innovation * innovation + params.market_on_csr * eta + s * z
              + np.sqrt(res["market"]) * rng.standard_normal(n))
    factors = {"innovation": innovation, "intangible": intangible, "market": market}
    ll, ml = params.likert_loading, params.likert_method
    for scale, items in cb.items_by_scale().items():
        noise = rng.standard_normal((n, len(items)))
        for j, item in enumerate(items):
            y = ll * factors[scale] + ml * method + math.sqrt(1 - ll ** 2 - ml ** 2) * noise[:, j]
            cols[item] = np.searchsorted(const["likert_cuts"], y, side="right") + 1

    # 8. questionnaire blocks A-E, motivations and barriers
    cols.update(channels)
    cols.update(_questionnaire_items(params, const, rng, d_code, employees, z, eta, channels, cols))

    # 7. assemble in codebook order, then item non-response (MCAR)
    district = np.asarray(districts, dtype=object)[dist_idx]
    number = np.concatenate([np.arange(1, n_per_district[d] + 1) for d in districts]) if n else np.array([], int)
    prefix = pd.Series(np.asarray([SYNTHETIC_ID_PREFIX + ID_PREFIX[d] for d in districts], dtype=object)[dist_idx])
    values = {"firm_id": prefix + "-" + pd.Series(number).astype(str).str.zfill(3),
              "district": district, "employees": employees, "turnover_class": turnover_class,
              "export_share": export, "firm_age": age.astype(np.int64), **cols}
    nullable = [v.name for v in cb.variables if not v.required and v.name in values]
    missing = dict(zip(nullable, (rng.random((n, len(nullable))) < missing_rate).T))
    data = {}
    for var in (v for v in cb.variables if v.name in values):
        column = values[var.name]
        mask = missing.get(var.name, np.zeros(n, dtype=bool))
        if var.type == "id" or (var.type == "category" and var.name == "district"):
            data[var.name] = pd.array(np.asarray(column, dtype=object), dtype="string")
        elif var.type == "number":
            data[var.name] = np.where(mask, np.nan, np.asarray(column, dtype=float))
        else:
            data[var.name] = pd.arrays.IntegerArray(np.asarray(column, dtype=np.int64), mask.copy())
    latent = {"district": district, "eta": eta, "method": method, "channel_factor": s_factor,
              "intermediary_support": support, "network_member": network, "informal_exchange": informal,
              "export_std": x, "z": z, **factors}
    return pd.DataFrame(data), latent


def _likert_from_latent(latent: np.ndarray) -> np.ndarray:
    """A 1-5 answer: the latent rounded to the nearest whole number, clipped to 1-5."""
    return np.clip(np.rint(latent), 1, 5).astype(np.int64)


def _questionnaire_items(params: Params, const: dict, rng: np.random.Generator, d_idx: np.ndarray,
                         employees: np.ndarray, z: np.ndarray, eta: np.ndarray, channels: dict,
                         cols: dict) -> dict[str, np.ndarray]:
    """The items of the questionnaire's blocks A-E and the added motivations and barriers (docstring, 8);
    `d_idx` indexes each firm's district in the codebook's district list."""
    cb = load_codebook()
    n = len(eta)
    out: dict[str, np.ndarray] = {}
    # A. awareness: ordinal, rising with eta and with district CSR activities
    a, b = params.awareness_on_csr, params.awareness_on_activities
    activities = channels["ch_district_activities"]
    p_act = const["district_activities_rate"]  # the design's rate: awareness centred on it
    for item in cb.awareness_items():
        latent = a * eta + b * (activities - p_act) + math.sqrt(max(1 - a ** 2 - b ** 2 * p_act * (1 - p_act), 0.05)) \
            * rng.standard_normal(n)
        out[item] = np.searchsorted(const["awareness_cuts"][item], latent, side="right") + 1
    # B. certification status: held = the dummy; planned or not interested among non-holders
    for status, held in cb.cert_status_items().items():
        planned = rng.random(n) < expit(math.log(params.planned_rates[status] / (1 - params.planned_rates[status]))
                                        + params.planned_on_csr * eta)
        out[status] = np.where(cols[held] == 1, 1, np.where(planned, 2, 3)).astype(np.int64)
    # C. stakeholders, motivations, barriers: item mean + firm random effect + noise, rounded to 1-5
    items = cb.stakeholder_items()
    means = np.asarray([[params.stakeholder_means[i] + params.stakeholder_district_shift.get(d, {}).get(i, 0.0)
                         for i in items] for d in cb.district_ids])
    firm = params.item_firm_sd * rng.standard_normal((n, 1))
    latent = means[d_idx] + firm + params.item_noise_sd * rng.standard_normal((n, len(items)))
    out.update(dict(zip(items, _likert_from_latent(latent).T)))
    for block, item_means in (("motivations", params.motivation_means), ("barriers", params.barrier_means)):
        items = cb.block(block)
        mean = np.asarray([item_means[i] for i in items])[None, :]
        on_csr = np.asarray([params.motivations_on_csr if block == "motivations" else
                             (params.tool_knowledge_on_csr if i == "bar_tool_knowledge" else 0.0) for i in items])
        firm = params.item_firm_sd * rng.standard_normal((n, 1))
        latent = mean + firm + eta[:, None] * on_csr[None, :] + params.item_noise_sd * rng.standard_normal((n, len(items)))
        out.update(dict(zip(items, _likert_from_latent(latent).T)))
    # D. atypical workers: trainees ~ Poisson(rate x employees); home-workers, common in clothing
    out["wf_trainees"] = rng.poisson(params.trainee_rate * employees).astype(np.int64)
    has_home = rng.random(n) < np.asarray([params.home_worker_firms[d] for d in cb.district_ids])[d_idx]
    share = rng.beta(*params.home_worker_share, n)
    home = np.minimum(np.maximum(np.rint(share * employees), 1), employees)
    out["wf_home_workers"] = np.where(has_home, home, 0).astype(np.int64)
    # E. training: share of staff trained (Beta, mean rising with eta), CSR-related training (probit)
    mu = expit(params.trained_share_intercept + params.trained_share_on_csr * eta)
    phi = params.trained_share_precision
    out["tr_staff_trained_share"] = np.round(100 * rng.beta(mu * phi, (1 - mu) * phi), 1)
    c, g = params.csr_training_on_csr, params.csr_training_on_size
    out["tr_csr_training"] = (c * eta + g * z + math.sqrt(max(1 - c ** 2 - g ** 2, 0.05)) * rng.standard_normal(n)
                              > ndtri(1 - params.csr_training_rate)).astype(np.int64)
    return out


def synthetic_ids(firm_id: pd.Series) -> pd.Series:
    """True where a firm id follows the generator's scheme (``SYNTHETIC_ID_PATTERN``), else False.

    Missing ids are False; ids are compared as written (no case folding, no trimming).
    """
    ids = firm_id.astype("string")
    return ids.str.fullmatch(SYNTHETIC_ID_PATTERN).fillna(False).astype(bool)


def generate(n_per_district: dict[str, int] | None = None, seed: int = DEFAULT_SEED,
             missing_rate: float = 0.02, params: Params | None = None) -> pd.DataFrame:
    """A synthetic survey following the codebook: its columns in its order, districts in its order.

    firm_id (``SYN-CAP-001``..., see ``SYNTHETIC_ID_PATTERN``) and district are pandas strings,
    export_share float (NaN = missing), every other variable nullable Int64. ``n_per_district``
    defaults to ``DEFAULT_N`` (92 firms).
    """
    cb = load_codebook()
    return _simulate(params or Params(), _check_design(n_per_district, missing_rate, cb), seed, missing_rate)[0]


# --- estimands and ground truth ----------------------------------------------------------------

CONTROLS = ("log_employees", "export_share", "firm_age")


def _ols_slope(frame: pd.DataFrame, y: str, x: str, controls: list[str]) -> tuple[float, float]:
    """OLS slope of y on x with controls (and intercept), with its HC0 standard error."""
    data = frame[[y, x, *controls]].dropna().to_numpy(dtype=float)
    X = np.column_stack([np.ones(len(data)), data[:, 1:]])
    beta, *_ = np.linalg.lstsq(X, data[:, 0], rcond=None)
    bread = np.linalg.inv(X.T @ X)
    meat = (X * ((data[:, 0] - X @ beta) ** 2)[:, None]).T @ X
    return float(beta[1]), float(math.sqrt((bread @ meat @ bread)[1, 1]))


def _share(indicator: pd.Series) -> tuple[float, float]:
    """A share and its binomial standard error (NaN when nobody answered)."""
    n = len(indicator)
    p = float(indicator.mean()) if n else math.nan
    return p, math.sqrt(p * (1 - p) / n) if n else math.nan


ADOPTION_MODELS = (("fraclogit_ame", "csr_overall"), ("logit_ame", "cert_iso14001"))


def _logit_ames(frame: pd.DataFrame, outcome: str, regressors: list[str], fixed: list[str],
                fractional: bool) -> tuple[dict, dict]:
    """Average marginal effects of a (fractional) logit of `outcome` on `regressors` (+ `fixed` dummies),
    fitted with statsmodels (GLM binomial for a fractional outcome, Logit otherwise), with delta-method
    SEs from the HC0 covariance. Continuous regressors: the average derivative; binary (0/1) ones:
    the average discrete change 0 -> 1. Returns ({regressor: AME}, {regressor: SE}); NaN when the
    model cannot be fitted (too few firms, no variation, separation)."""
    import warnings

    import statsmodels.api as sm

    data = frame[[outcome, *regressors, *fixed]].dropna().astype(float)
    nan = ({r: math.nan for r in regressors}, {r: math.nan for r in regressors})
    y = data[outcome].to_numpy()
    if len(data) <= len(regressors) + len(fixed) + 5 or np.ptp(y) == 0:
        return nan
    X = np.column_stack([np.ones(len(data)), data[[*regressors, *fixed]].to_numpy()])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if fractional:
                fit = sm.GLM(y, X, family=sm.families.Binomial()).fit(cov_type="HC0")
            else:
                fit = sm.Logit(y, X).fit(disp=0, cov_type="HC0")
    except Exception:  # separation or a singular design in a small sample: no estimate
        return nan
    beta, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
    if not np.all(np.isfinite(cov)):
        return nan
    p = expit(X @ beta)
    w = p * (1 - p)
    values, ses = {}, {}
    for k, r in enumerate(regressors, start=1):
        column = X[:, k]
        if np.isin(column, (0.0, 1.0)).all():
            x1, x0 = X.copy(), X.copy()
            x1[:, k], x0[:, k] = 1.0, 0.0
            p1, p0 = expit(x1 @ beta), expit(x0 @ beta)
            value = float((p1 - p0).mean())
            grad = ((p1 * (1 - p1))[:, None] * x1 - (p0 * (1 - p0))[:, None] * x0).mean(axis=0)
        else:
            value = float(w.mean() * beta[k])
            grad = (w * (1 - 2 * p))[:, None].T @ X / len(X) * beta[k]
            grad = grad.ravel()
            grad[k] += w.mean()
        values[r], ses[r] = value, float(math.sqrt(grad @ cov @ grad))
    return values, ses


def estimands(survey: pd.DataFrame, cb: Codebook | None = None) -> tuple[dict, dict]:
    """Observable estimands per district present and pooled, with large-sample standard errors.

    Returns (values, standard_errors), each {group: {key: float}} with keys
    ``spearman.csr_overall.score_<scale>`` (SE: Fieller, (1 - r^2) sqrt(1.06 / (n - 3))),
    ``ols.score_<scale>.csr_overall`` (controls log_employees, export_share, firm_age, plus
    district fixed effects when pooled; HC0 SE), ``ols.score_market.csr_overall|score_innovation``
    (the same with score_innovation added: the observable 'direct' association), ``rate.<item>`` for every practice and
    certification (among answers), ``share.cert_at_least_one`` and ``share.cert_more_than_one``
    (certifications of any kind, ISO 9001 included, among firms answering all of them).

    With the channel variables (codebook version 2): ``fraclogit_ame.csr_overall.<regressor>`` and
    ``logit_ame.cert_iso14001.<regressor>`` for each of ``derived.ADOPTION_REGRESSORS``: average
    marginal effects of a fractional logit (GLM binomial, logit link) and a logit, district fixed
    effects when pooled (`_logit_ames`; HC0 delta-method SEs), and ``rate.<channel>`` for every
    binary channel variable.
    """
    from .derived import ADOPTION_REGRESSORS, analysis_frame

    cb = cb or load_codebook()
    frame = analysis_frame(survey, cb)
    present = [d for d in cb.district_ids if (frame["district"] == d).any()]
    dummies = pd.get_dummies(frame["district"].astype(str), dtype=float).reindex(columns=present[1:], fill_value=0.0)
    frame = pd.concat([frame, dummies.add_prefix("fe_")], axis=1)
    groups = {d: frame[frame["district"] == d] for d in present} | {"pooled": frame}
    values: dict = {}
    ses: dict = {}
    for group, g in groups.items():
        v, se = {}, {}
        controls = list(CONTROLS) + ([f"fe_{d}" for d in present[1:]] if group == "pooled" else [])
        for scale in cb.outcome_scales:
            y = f"score_{scale}"
            pair = g[["csr_overall", y]].dropna()
            r = float(pair["csr_overall"].rank().corr(pair[y].rank()))
            v[f"spearman.csr_overall.{y}"] = r
            se[f"spearman.csr_overall.{y}"] = (1 - r ** 2) * math.sqrt(1.06 / max(len(pair) - 3, 1))
            key = f"ols.{y}.csr_overall"
            v[key], se[key] = _ols_slope(g, y, "csr_overall", controls)
        key = "ols.score_market.csr_overall|score_innovation"  # the 'direct' association
        v[key], se[key] = _ols_slope(g, "score_market", "csr_overall", controls + ["score_innovation"])
        for item in cb.practices() + cb.certifications(None):
            answered = g[item].dropna().astype(float)
            v[f"rate.{item}"], se[f"rate.{item}"] = _share(answered == 1)
        held = g[cb.certifications(None)].dropna().astype(float).sum(axis=1)
        v["share.cert_at_least_one"], se["share.cert_at_least_one"] = _share(held >= 1)
        v["share.cert_more_than_one"], se["share.cert_more_than_one"] = _share(held >= 2)
        if g["association_member"].notna().any():  # a survey with the channel block
            for item in [c for c in cb.block("channels") if cb[c].type == "binary"]:
                answered = g[item].dropna().astype(float)
                v[f"rate.{item}"], se[f"rate.{item}"] = _share(answered == 1)
            fixed = [f"fe_{d}" for d in present[1:]] if group == "pooled" else []
            for prefix, outcome in ADOPTION_MODELS:
                ames, ame_ses = _logit_ames(g, outcome, ADOPTION_REGRESSORS, fixed, prefix == "fraclogit_ame")
                for r in ADOPTION_REGRESSORS:
                    v[f"{prefix}.{outcome}.{r}"], se[f"{prefix}.{outcome}.{r}"] = ames[r], ame_ses[r]
        values[group], ses[group] = v, se
    return values, ses


_TRUTH_CACHE: dict[str, tuple[dict, dict]] = {}


def _truth_design(n_per_district: dict[str, int]) -> dict[str, int]:
    """The pseudo-truth sample: about TRUTH_FIRMS firms in the proportions of ``n_per_district``."""
    k = math.ceil(TRUTH_FIRMS / sum(n_per_district.values()))
    return {d: k * n for d, n in n_per_district.items()}


def _pseudo_truth(params: Params | None = None, n_per_district: dict[str, int] | None = None,
                 missing_rate: float = 0.02) -> tuple[dict, dict]:
    """Estimands on one very large sample of the design: (values, Monte Carlo SEs), cached."""
    params = params or Params()
    cb = load_codebook()
    big = _truth_design(_check_design(n_per_district, missing_rate, cb))
    key = json.dumps([asdict(params), big, missing_rate], sort_keys=True)
    if key not in _TRUTH_CACHE:
        values, ses = estimands(_simulate(params, big, TRUTH_SEED, missing_rate)[0], cb)
        _TRUTH_CACHE[key] = ({g: {k: round(x, 6 if "_ame." in k else 4) for k, x in v.items()} for g, v in values.items()},
                             {g: {k: float(f"{x:.2g}") for k, x in v.items()} for g, v in ses.items()})
    return copy.deepcopy(_TRUTH_CACHE[key])


def _rounded(obj, digits: int = 6):
    if isinstance(obj, float):
        return round(float(obj), digits)
    if isinstance(obj, dict):
        return {k: _rounded(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_rounded(v, digits) for v in obj]
    return obj


def ground_truth(params: Params | None = None, n_per_district: dict[str, int] | None = None,
                 missing_rate: float = 0.02) -> dict:
    """Structural parameters, derived constants, latent correlations, population figures and the
    pseudo-true estimands of the design (JSON-serialisable, deterministic)."""
    params = params or Params()
    cb = load_codebook()
    design = _check_design(n_per_district, missing_rate, cb)
    values, ses = _pseudo_truth(params, design, missing_rate)
    counts = population_counts(params)
    mean_emp = population_mean_employees(params)
    population = {d: {"firms": params.population_firms[d], "mean_employees": mean_emp[d],
                      "size_class_counts": dict(zip(counts.loc[counts["district"] == d, "size_class"],
                                                    counts.loc[counts["district"] == d, "N"].astype(int).tolist()))}
                  for d in cb.district_ids}
    population["pooled"] = {"firms": int(sum(params.population_firms.values())), "mean_employees": mean_emp["pooled"]}
    const = design_constants(params)
    return _rounded({
        "parameters": asdict(params),
        "design_constants": const,
        "adoption_structural": {
            "scale": "latent CSR propensity eta (mean 0, variance 1 in the reference design)",
            "coefficients": {"z_log_employees": params.gamma_size, "export_share_standardised": params.eta_on_exports,
                             "association_member": params.eta_on_association,
                             "intermediary_support": params.eta_on_support, "network_member": params.eta_on_network,
                             "informal_exchange": params.eta_on_informal, "firm_age": 0.0},
            "export_share_standardisation": {"mean": const["export_share_mean"], "sd": const["export_share_sd"]},
            "residual_variance": const["eta_residual_var"],
            "competitiveness_network_moderation": 0.0,
        },
        "latent_correlations": latent_correlations(params),
        "population": population,
        "pseudo_truth": values,
        "pseudo_truth_mc_se": ses,
        "pseudo_truth_design": {"n_per_district": _truth_design(design), "seed": TRUTH_SEED,
                                "missing_rate": missing_rate},
    })


def _csv_bytes(survey: pd.DataFrame) -> bytes:
    """The survey as UTF-8 CSV bytes: comma, header, '\\n' line ends, empty cell = missing."""
    return survey.to_csv(index=False, lineterminator="\n", float_format="%.1f", na_rep="").encode("utf-8")


def write_synthetic(directory: str | Path = "data/raw", seed: int = DEFAULT_SEED,
                    n_per_district: dict[str, int] | None = None, missing_rate: float = 0.02,
                    params: Params | None = None) -> list[Path]:
    """Write ``survey_synthetic.csv`` and ``survey_synthetic.truth.json`` atomically; return their paths."""
    params = params or Params()
    design = _check_design(n_per_district, missing_rate, load_codebook())
    data = _csv_bytes(_simulate(params, design, seed, missing_rate)[0])
    truth = {"synthetic": True, "generator": "cooperate_analysis.data.synthetic", "seed": seed,
             "n_per_district": design, "missing_rate": missing_rate,
             "data_file": CSV_NAME, "data_sha256": hashlib.sha256(data).hexdigest(),
             **ground_truth(params, design, missing_rate)}
    directory = Path(directory)
    data_path, truth_path = directory / CSV_NAME, directory / TRUTH_NAME
    atomic_write_bytes(data_path, data)
    atomic_write_text(truth_path, json.dumps(truth, indent=1, sort_keys=True) + "\n")
    return [data_path, truth_path]
