# Research compendium: CSR and competitiveness in three Tuscan districts.
#   make reports            build every report (creates .venv on first call)
#   make reports DATA=f     same, on your own survey file (.csv .xlsx .parquet .dta .sav)
#   make reports DATA=f MAPPING=m.yml   same, the file put in the codebook's shape by a mapping file
#   make test               run the fast test suite (parallel workers; about 90 s on 2 cores)
#   make test-slow          the tests make test leaves out: end-to-end builds, property and Monte Carlo tests
#   make test-all           both
#   make lab                JupyterLab on the notebooks, with the project environment
#   make catalogs           extract new report messages into the .po catalogs (locale/), check them
#   make catalogs-check     only check the catalogs (CI)
#   make verify             rebuild in a scratch copy, compare every number with expected/
#   make firm-reports       one confidential benchmark report per firm in reports/firms/ (opaque file names)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATA ?=
MAPPING ?=
JOBS ?=
# DATA, MAPPING and JOBS reach the program through the environment, never through the recipe's text:
# `$(value ...)` takes them unexpanded, so no file name ($, backticks, quotes, spaces) is ever
# read by make or the shell as anything but its own characters. DATA, MAPPING and JOBS themselves are not
# exported: make would expand them (and run any $(shell ...) in them) to build the environment.
export COOPERATE_DATA := $(value DATA)
export COOPERATE_MAPPING := $(value MAPPING)
export COOPERATE_JOBS := $(value JOBS)
unexport DATA MAPPING JOBS

.PHONY: reports test test-all test-slow lab verify expected clean env lock synthetic catalogs catalogs-check firm-reports bytecode

env: $(STAMP)

# The package's bytecode, compiled ahead: every process that imports it (a build, its workers and kernels, each
# test worker and each command a test starts) reads it instead of compiling about 90 modules again, 0.3 s -> 0.1 s
# each, also where PYTHONDONTWRITEBYTECODE keeps Python from writing it when it imports them. Up to date (modules
# edited since are compiled again), it takes 0.04 s.
bytecode: $(STAMP)
	@$(PY) -m compileall -q src

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	@$(VENV)/bin/uv pip sync --quiet --python $(PY) --compile-bytecode --require-hashes requirements.lock
	@$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps --no-build-isolation -e .
	@touch $(STAMP)
	@echo "environment ready: $(VENV)"

reports: bytecode
	@$(PY) -m cooperate_analysis build --from-env

# pytest-xdist: one worker per core (tests that read the default build share one, see tests/conftest.py)
PYTEST := $(PY) -m pytest -n auto

test: bytecode
	@$(PYTEST) -m "not slow"

test-slow: bytecode
	@$(PYTEST) -m slow

test-all: bytecode
	@$(PYTEST)

lab: bytecode
	@$(VENV)/bin/jupyter lab --no-browser --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

verify: bytecode
	@$(PY) -m cooperate_analysis verify --from-env

# one papermill kernel renders every firm (runner/firm_reports.py); DATA and MAPPING as for reports
firm-reports: bytecode
	@$(PY) -m cooperate_analysis firm-reports --from-env

expected: reports
	@$(PY) -m cooperate_analysis expected

catalogs: bytecode
	@$(PY) -m cooperate_analysis catalogs

catalogs-check: bytecode
	@$(PY) -m cooperate_analysis catalogs --check

synthetic: bytecode
	@$(PY) -m cooperate_analysis synthetic

# Left out of the lock: packages that others declare but this compendium never runs, whose import cost every
# process that loads them seconds (issue 28):
# - JAX (with jaxlib, ml-dtypes, opt-einsum: only JAX needs them): marginaleffects declares it but uses it only for
#   its own autodiff of OLS and GLM fits, never for the ordered logit it is given here (stats/models.py), and runs
#   without it; it cost each kernel 0.6-4 s and the environment 350 MB;
# - rfc3987-syntax (with lark, which only it needs): jsonschema's optional checker of the "iri" formats, pulled in by
#   jupyter-events; it builds a parser when imported, 1.2 s in every process that loads nbformat (each build, each
#   test worker), and no schema here or in Jupyter's event schemas relies on it.
LEFT_OUT := jax jaxlib ml-dtypes opt-einsum rfc3987-syntax lark
lock: $(STAMP)
	@$(VENV)/bin/uv pip compile requirements.in --generate-hashes --python-version 3.11 $(foreach p,$(LEFT_OUT),--no-emit-package $(p)) -o requirements.lock -q
	@$(PY) -m cooperate_analysis environment-yml

clean:
	rm -rf reports/*.html reports/*.ipynb reports/*.pdf reports/*.md reports/results reports/provenance reports/failed reports/.build data/processed/*.parquet data/processed/*.json data/processed/cache
