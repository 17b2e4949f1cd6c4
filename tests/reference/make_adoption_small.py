"""Writes adoption_small.csv, the small dataset of the adoption reference tests (run once; the CSV is
committed and R's values in adoption_reference.R are computed on it). 80 firms in 3 districts with
the adoption regressors, a CSR index in [0, 1] (some firms exactly at 0 or 1), a 0/1 certification,
a competitiveness score and stakeholder ratings 1-5 (many ties, as a Likert scale gives)."""
from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(20261201)
n = 80
district = np.repeat(["a", "b", "c"], [26, 28, 26])
log_employees = np.round(np.log1p(rng.integers(3, 250, n)), 4)
export_share = rng.integers(0, 101, n).astype(float)
firm_age = rng.integers(2, 80, n).astype(float)
association = rng.binomial(1, 0.6, n)
support = rng.binomial(1, 0.3 + 0.3 * association, n)
network = rng.binomial(1, 0.3, n)
informal = rng.binomial(1, 0.4, n)
eta = (-1.2 + 0.35 * (log_employees - 3) + 0.006 * export_share + 0.004 * firm_age + 0.3 * association
       + 0.5 * support + 0.4 * network + 0.2 * informal + np.select([district == "b", district == "c"], [0.3, -0.2]))
mean = 1 / (1 + np.exp(-eta))
csr = np.clip(np.round(rng.beta(mean * 6, (1 - mean) * 6), 3), 0, 1)
csr[[3, 40]] = 0.0
csr[[17]] = 1.0
cert = rng.binomial(1, 1 / (1 + np.exp(-(eta - 0.3 + 0.5 * rng.normal(size=n)))))
score = np.round(3 + 0.8 * csr + 0.2 * network + 0.5 * csr * network + rng.normal(0, 0.6, n), 3)
channels = association + support + network + informal
sh = np.clip(np.round(rng.normal([3.2, 4.1, 3.0, 2.6], 1.0, (n, 4))), 1, 5).astype(int)
pd.DataFrame({"district": district, "log_employees": log_employees, "export_share": export_share,
              "firm_age": firm_age, "association_member": association, "intermediary_support": support,
              "network_member": network, "informal_exchange": informal, "csr_overall": csr,
              "cert_iso14001": cert, "score_market": score, "channels_used": channels,
              "sh_employees": sh[:, 0], "sh_customers": sh[:, 1], "sh_suppliers": sh[:, 2],
              "sh_banks": sh[:, 3]}).to_csv(Path(__file__).with_name("adoption_small.csv"), index=False)
