"""Synthetic COOPERATE-style survey: a documented, seeded data-generating process (DGP).

The real COOPERATE microdata are not public. This DGP produces survey files that follow the
codebook, calibrated to published figures [published: source id, see data/raw/README.md] and,
where nothing is published, to stated assumptions [assumption]. It knows its ground truth.

Process, per district d:
1. Size class (micro/small/medium) drawn from the population shares times an inclusion weight
   that over-samples larger firms; employees drawn log-uniformly within the class.
2. Firm age, export share and turnover class from size and district.
3. Latent CSR propensity eta = GAMMA_SIZE * z + sqrt(1 - GAMMA_SIZE^2) * e, where z is the
   standardised log size; five dimension latents theta_k = LAMBDA_DIM * eta + sqrt(1-LAMBDA_DIM^2) u_k.
   Practices: 1{ALPHA_ITEM * theta_k + sqrt(1 - ALPHA_ITEM^2) v > -probit(rate)}.
4. Certifications: probit on eta and size.
5. Latent outcomes (unit variance): innovation I = b_I[d] eta + ..., intangible T = b_T eta + ...,
   market M = B_MI * I + B_ME * eta + ...; a common-method respondent factor c loads on every item.
   Likert items: cut LOADING * factor + METHOD * c + noise at fixed thresholds.
6. Missing completely at random item non-response at `missing_rate`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtri

from .codebook import load_codebook
from .io import atomic_write_bytes, atomic_write_text

DEFAULT_SEED = 20070101
DEFAULT_N = {"capannori_paper": 28, "empolese_valdelsa_clothing": 34, "santa_croce_tanning": 30}
PREFIX = {"capannori_paper": "CAP", "empolese_valdelsa_clothing": "EMP", "santa_croce_tanning": "SCR"}
SIZE_RANGES = {"micro": (1, 9), "small": (10, 49), "medium": (50, 249)}


@dataclass(frozen=True)
class DistrictSpec:
    population_firms: int  # N_d
    size_shares: tuple[float, float, float]  # population shares micro/small/medium
    export_mean: float  # mean export share, %
    revenue_per_employee: float  # EUR thousand
    innovation_effect: float  # latent b_I


@dataclass(frozen=True)
class Params:
    """Every number of the DGP; a synthetic survey is described by (Params, seed)."""

    districts: dict[str, DistrictSpec] = field(default_factory=lambda: {
        # 133 firms, ~6000 employees [published: D1]; shares chosen so the implied mean size is ~45
        "capannori_paper": DistrictSpec(133, (0.30, 0.45, 0.25), 27.0, 400.0, 0.40),
        # 2500 firms [assumption: between >5000 in the past and <2000 in 2012, D9]; mean size ~6
        "empolese_valdelsa_clothing": DistrictSpec(2500, (0.84, 0.15, 0.01), 30.0, 100.0, 0.25),
        # 935 firms, 7928 employees in 2005 [published: D18]; mean size ~8.5; exports ~50% [D17]
        "santa_croce_tanning": DistrictSpec(935, (0.72, 0.26, 0.02), 50.0, 150.0, 0.30),
    })
    inclusion_weights: tuple[float, float, float] = (1.0, 2.5, 5.0)  # [assumption] larger firms reached more
    gamma_size: float = 0.35  # size -> CSR propensity [assumption, Perrini et al. 2007]
    lambda_dim: float = 0.75  # loading of dimensions on overall CSR [assumption]
    alpha_item: float = 0.75  # loading of practices on their dimension [assumption]
    practice_rates: dict[str, float] = field(default_factory=lambda: {
        "wp_employee_benefits": 0.40, "wp_staff_evaluation": 0.30, "wp_training_plan": 0.50,
        "wp_work_life_balance": 0.35, "env_internal_audit": 0.35, "env_impact_monitoring": 0.40,
        "env_eco_materials": 0.25, "env_energy_efficiency": 0.45, "com_local_initiatives": 0.45,
        "com_international_initiatives": 0.06, "com_sponsorship": 0.40, "com_stakeholder_dialogue": 0.20,
        "mkt_supplier_requirements": 0.35, "mkt_fair_payment": 0.55, "mkt_product_information": 0.30,
        "mkt_complaints_system": 0.50, "gov_code_of_ethics": 0.30, "gov_sustainability_report": 0.08,
        "gov_csr_responsible": 0.12, "gov_code_of_conduct": 0.35,
    })
    # Certification: a firm first is a "certifier" (probit on CSR propensity and size), then holds
    # each certificate with its own probability (CSR propensity raises the CSR ones). Tuned so that
    # in the default design >= 1 certificate ~0.46 and > 1 ~0.39 [published: S6, COSMIC 2009,
    # 127/274 and 107/274]: COSMIC's certified firms mostly hold several certificates.
    certifier_probit: tuple[float, float, float] = (-0.12, 0.45, 0.45)  # intercept, eta, size z
    cert_given_certifier: dict[str, float] = field(default_factory=lambda: {
        "cert_iso9001": 0.85, "cert_iso14001": 0.70, "cert_ohsas18001": 0.55,
        "cert_emas": 0.12, "cert_sa8000": 0.10})
    cert_eta_effect: float = 0.30
    intangible_effect: float = 0.30  # latent b_T [assumption, methods.md 1.3: .25-.35]
    market_on_innovation: float = 0.30  # M depends on I [assumption, Surroca et al.; Battaglia et al.]
    market_on_csr: float = 0.02  # near-zero direct CSR -> market effect [assumption]
    size_on_outcomes: float = 0.10
    item_loading: float = 0.75
    method_loading: float = 0.30  # common-method factor on every item (adds ~.05-.09 to item r)
    likert_cuts: tuple[float, float, float, float] = (-1.6, -0.75, 0.35, 1.35)
    age_mean: float = 25.0


def _standardise(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / x.std() if x.std() > 0 else x - x.mean()


def _design(params: Params, n_per_district: dict[str, int], rng: np.random.Generator) -> pd.DataFrame:
    """District, size class and employees of every sampled firm."""
    frames = []
    w = np.array(params.inclusion_weights)
    for district, n in n_per_district.items():
        spec = params.districts[district]
        shares = np.array(spec.size_shares) * w
        shares /= shares.sum()
        cls = rng.choice(3, size=n, p=shares)
        lo = np.array([r[0] for r in SIZE_RANGES.values()])[cls]
        hi = np.array([r[1] for r in SIZE_RANGES.values()])[cls]
        employees = np.floor(np.exp(rng.uniform(np.log(lo), np.log(hi + 1)))).astype(int)
        frames.append(pd.DataFrame({"district": district, "employees": np.clip(employees, lo, hi)}))
    return pd.concat(frames, ignore_index=True)


def _simulate(params: Params, n_per_district: dict[str, int], seed: int, missing_rate: float) -> pd.DataFrame:
    cb = load_codebook()
    rng = np.random.default_rng(seed)
    firms = _design(params, n_per_district, rng)
    n = len(firms)
    district = firms["district"].to_numpy()
    spec = [params.districts[d] for d in district]
    log_size = np.log(firms["employees"].to_numpy())
    z = (log_size - 2.5) / 1.2  # fixed standardisation (not sample-dependent) [assumption]

    age = np.clip(np.round(rng.gamma(4.0, params.age_mean / 4.0, n)), 1, 150).astype(int)
    export_mean = np.array([s.export_mean for s in spec]) / 100
    export_logit = np.log(export_mean / (1 - export_mean)) + 0.35 * z + rng.normal(0, 1.0, n)
    export = np.round(100 / (1 + np.exp(-export_logit)), 1)
    revenue = firms["employees"].to_numpy() * np.array([s.revenue_per_employee for s in spec]) \
        * np.exp(rng.normal(0, 0.4, n)) / 1000  # EUR million
    turnover_class = np.digitize(revenue, [2, 10, 50]) + 1

    eta = params.gamma_size * z + np.sqrt(1 - params.gamma_size ** 2) * rng.normal(size=n)
    cols: dict[str, np.ndarray] = {}
    for dim, items in cb.practices_by_dimension().items():
        theta = params.lambda_dim * eta + np.sqrt(1 - params.lambda_dim ** 2) * rng.normal(size=n)
        for item in items:
            latent = params.alpha_item * theta + np.sqrt(1 - params.alpha_item ** 2) * rng.normal(size=n)
            cols[item] = (latent > -ndtri(params.practice_rates[item])).astype(int)
    a, b_eta, b_size = params.certifier_probit
    certifier = a + b_eta * eta + b_size * z + rng.normal(size=n) > 0
    held = {cert: (ndtri(p) + params.cert_eta_effect * eta + rng.normal(size=n)
                   > 0) & certifier for cert, p in params.cert_given_certifier.items()}
    held["cert_iso9001"] |= certifier & ~np.any(list(held.values()), axis=0)  # a certifier holds one
    for cert, has in held.items():
        cols[cert] = has.astype(int)
    b_innov = np.array([s.innovation_effect for s in spec])
    size_eff = params.size_on_outcomes * z

    def unit(latent_signal_var: np.ndarray | float) -> np.ndarray:
        return np.sqrt(np.maximum(1 - latent_signal_var, 0.05)) * rng.normal(size=n)

    innovation = b_innov * eta + size_eff
    innovation = innovation + unit(b_innov ** 2 + params.size_on_outcomes ** 2)
    intangible = params.intangible_effect * eta + size_eff
    intangible = intangible + unit(params.intangible_effect ** 2 + params.size_on_outcomes ** 2)
    market = params.market_on_innovation * innovation + params.market_on_csr * eta + size_eff
    market = market + unit(params.market_on_innovation ** 2 + 0.05)
    factors = {"innovation": innovation, "intangible": intangible, "market": market}
    method = rng.normal(size=n)
    noise_sd = np.sqrt(max(1 - params.item_loading ** 2 - params.method_loading ** 2, 0.05))
    for scale, items in cb.items_by_scale().items():
        for item in items:
            y = params.item_loading * factors[scale] + params.method_loading * method + noise_sd * rng.normal(size=n)
            cols[item] = np.digitize(y, params.likert_cuts) + 1

    counters = {d: 0 for d in n_per_district}
    ids = []
    for d in district:
        counters[d] += 1
        ids.append(f"{PREFIX[d]}-{counters[d]:03d}")
    data = {"firm_id": ids, "district": district, "employees": firms["employees"].to_numpy(),
            "turnover_class": turnover_class, "export_share": export, "firm_age": age, **cols}
    df = pd.DataFrame({name: data[name] for name in cb.names})
    nullable = [v.name for v in cb.variables if not v.required]
    for name in nullable:
        mask = rng.random(n) < missing_rate
        if cb[name].type == "number":
            df[name] = df[name].mask(mask)
        else:
            df[name] = pd.array(df[name], dtype="Int64")
            df.loc[mask, name] = pd.NA
    for name in ("employees",):
        df[name] = pd.array(df[name], dtype="Int64")
    return df


def generate(n_per_district: dict[str, int] | None = None, seed: int = DEFAULT_SEED,
             missing_rate: float = 0.02, params: Params | None = None) -> pd.DataFrame:
    """A synthetic survey following the codebook (columns in codebook order)."""
    n_per_district = dict(DEFAULT_N if n_per_district is None else n_per_district)
    unknown = set(n_per_district) - set(DEFAULT_N)
    if unknown:
        raise ValueError(f"unknown district(s) {sorted(unknown)}; valid: {', '.join(DEFAULT_N)}")
    return _simulate(params or Params(), n_per_district, seed, missing_rate)


def population_counts(params: Params | None = None) -> pd.DataFrame:
    """Firms in each district's population by size class: the post-stratification targets."""
    params = params or Params()
    rows = []
    for district, spec in params.districts.items():
        counts = np.round(np.array(spec.size_shares) * spec.population_firms).astype(int)
        rows += [{"district": district, "size_class": cls, "N": int(c)} for cls, c in zip(SIZE_RANGES, counts)]
    return pd.DataFrame(rows)


def _ols_slope(frame: pd.DataFrame, outcome: str, exposure: str, controls: list[str]) -> float:
    data = frame[[outcome, exposure, *controls]].dropna()
    X = np.column_stack([np.ones(len(data)), data[[exposure, *controls]].to_numpy(dtype=float)])
    beta, *_ = np.linalg.lstsq(X, data[outcome].to_numpy(dtype=float), rcond=None)
    return float(beta[1])


TRUTH_N_PER_DISTRICT = 100_000
TRUTH_SEED = 1


def pseudo_truth(params: Params | None = None, missing_rate: float = 0.02) -> dict:
    """Estimands on a very large sample of the same design: the values estimators should recover.

    With 100,000 firms per district the Monte Carlo standard error of a correlation or slope is
    about 0.003 (district) and 0.002 (pooled).
    """
    from .measures import analysis_frame

    params = params or Params()
    big = analysis_frame(generate({d: TRUTH_N_PER_DISTRICT for d in DEFAULT_N}, seed=TRUTH_SEED,
                                  missing_rate=missing_rate, params=params))
    cb = load_codebook()
    controls = ["log_employees", "export_share", "firm_age"]
    truth: dict = {}
    groups = {d: big[big["district"] == d] for d in DEFAULT_N} | {"pooled": big}
    for group, frame in groups.items():
        g: dict = {}
        for scale in cb.outcome_scales:
            y = f"score_{scale}"
            g[f"spearman.csr_overall.{y}"] = float(frame["csr_overall"].corr(frame[y], method="spearman"))
            extra = []
            if group == "pooled":
                dummies = pd.get_dummies(frame["district"], drop_first=True, dtype=float)
                frame = pd.concat([frame.drop(columns=dummies.columns, errors="ignore"), dummies], axis=1)
                extra = list(dummies.columns)
            g[f"ols.{y}.csr_overall"] = _ols_slope(frame, y, "csr_overall", controls + extra)
        for item in cb.practices() + cb.certifications(None):
            g[f"rate.{item}"] = float(frame[item].astype("float64").mean())
        certs = frame[cb.certifications(None)].astype("float64").fillna(0).sum(axis=1)
        g["share.cert_at_least_one"] = float((certs >= 1).mean())
        g["share.cert_more_than_one"] = float((certs >= 2).mean())
        truth[group] = {k: round(v, 4) for k, v in g.items()}
    return truth


def ground_truth(params: Params | None = None, missing_rate: float = 0.02) -> dict:
    """Structural parameters and pseudo-true estimands, JSON-serialisable."""
    params = params or Params()
    return {"parameters": json.loads(json.dumps(asdict(params))), "missing_rate": missing_rate,
            "population_counts": population_counts(params).to_dict(orient="records"),
            "pseudo_truth": pseudo_truth(params, missing_rate),
            "pseudo_truth_design": {"n_per_district": TRUTH_N_PER_DISTRICT, "seed": TRUTH_SEED}}


def write_synthetic(directory: str | Path = "data/raw", seed: int = DEFAULT_SEED,
                    n_per_district: dict[str, int] | None = None) -> list[Path]:
    """Write `survey_synthetic.csv` and `survey_synthetic.truth.json`; return their paths."""
    directory = Path(directory)
    n_per_district = dict(DEFAULT_N if n_per_district is None else n_per_district)
    csv = generate(n_per_district, seed).to_csv(index=False, lineterminator="\n").encode("utf-8")
    truth = {"synthetic": True, "seed": seed, "n_per_district": n_per_district,
             "data_sha256": hashlib.sha256(csv).hexdigest(), **ground_truth()}
    data_path, truth_path = directory / "survey_synthetic.csv", directory / "survey_synthetic.truth.json"
    atomic_write_bytes(data_path, csv)
    atomic_write_text(truth_path, json.dumps(truth, indent=1, sort_keys=True) + "\n")
    return [data_path, truth_path]
