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


def test_the_lock_leaves_out_what_is_declared_but_never_run():
    """The Makefile's `lock` leaves out packages other packages declare but the compendium never runs, whose import
    cost seconds per process: JAX (marginaleffects uses it only for its autodiff of OLS and GLM fits; the ordered
    logit it is given here, stats.models._ame_table, takes its finite-difference path, and the build's results are
    byte-identical without it) and rfc3987-syntax (jsonschema's optional "iri" format checker, 1.2 s in every process
    that loads nbformat), each with the packages only it needs."""
    locked = pins(ROOT / "requirements.lock")
    assert {"marginaleffects", "jsonschema", "nbformat", "jupyter-events"} <= set(locked)
    assert not {"jax", "jaxlib", "ml-dtypes", "opt-einsum", "rfc3987-syntax", "lark"} & set(locked)
