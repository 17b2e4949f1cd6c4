"""The pinned environment: environment.yml carries exactly the lock file's pins."""
from pathlib import Path

import yaml

from cooperate_analysis.runner.lockfile import environment_yml, pins

ROOT = Path(__file__).resolve().parents[1]


def test_environment_yml_is_current_with_the_lock():
    lock = ROOT / "requirements.lock"
    assert (ROOT / "environment.yml").read_text() == environment_yml(lock), "run `make lock`"


def test_environment_yml_pins_equal_lock_pins():
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_list = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))
    yml_pins = dict(line.split("==") for line in pip_list if "==" in line)
    assert yml_pins == pins(ROOT / "requirements.lock")
    assert {"pandas", "statsmodels", "papermill", "nbconvert", "seaborn"} <= set(yml_pins)


def test_every_direct_requirement_is_pinned_with_hashes():
    lock = (ROOT / "requirements.lock").read_text()
    direct = [ln.split("<")[0].split("=")[0].strip().lower().replace("_", "-")
              for ln in (ROOT / "requirements.in").read_text().splitlines()
              if ln.strip() and not ln.startswith("#")]
    locked = pins(ROOT / "requirements.lock")
    assert all(name in locked for name in direct), [n for n in direct if n not in locked]
    assert lock.count("--hash=sha256:") >= len(locked)


def test_the_lock_leaves_out_jax_which_the_analyses_never_use():
    """marginaleffects declares JAX but uses it only for its autodiff of OLS and GLM fits; the ordered logit it
    is given (stats.models._ame_table) takes its finite-difference path, which the build's results show
    byte-identical without JAX. Importing JAX cost every kernel 0.6-4 s; the Makefile's `lock` leaves it out."""
    locked = pins(ROOT / "requirements.lock")
    assert "marginaleffects" in locked
    assert not {"jax", "jaxlib", "ml-dtypes", "opt-einsum"} & set(locked)
