"""Property test (issue 14): codebook-valid surveys of 1-3 districts, 5-500 firms per district, firms of
every size class (250+ employees included), constant items and groups without certified firms. The
notebooks' code runs in this process for every report the data support (bench/notebook_code.run_cells;
small m and n_boot for the specification curve): no exception, no NaN or infinite number in any
results value (a not-estimable analysis is recorded as a string that says why)."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from cooperate_analysis.data import dataset, synthetic
from cooperate_analysis.data.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.notebook_code import run_cells  # noqa: E402

pytestmark = pytest.mark.slow


def survey_for(seed: int):
    """A seeded survey: 1-3 districts of 5-500 firms, a firm of each size class in the larger
    districts, a constant Likert item, and a district without certified firms."""
    cb = load_codebook()
    rng = np.random.default_rng(seed)
    districts = list(rng.choice(cb.district_ids, size=rng.integers(1, 4), replace=False))
    sizes = {d: int(rng.choice([5, 9, 12, 30, int(rng.integers(13, 500))])) for d in districts}
    survey = synthetic.generate({d: sizes[d] for d in cb.district_ids if d in sizes}, seed=seed)
    for d in districts:
        rows = survey.index[survey["district"] == d]
        for row, employees in zip(rows, (3, 25, 120, 458)):  # micro, small, medium, large
            survey.loc[row, "employees"] = employees
    constant = cb.outcome_items()[int(rng.integers(len(cb.outcome_items())))]
    survey[constant] = 3
    without_certificates(survey, survey["district"] == districts[0])
    return survey, districts, sizes


def without_certificates(survey, rows) -> None:
    """No certificate held in `rows`; a status 'held' (codebook rule `consistent`) becomes 'not interested'."""
    for status, held in load_codebook().cert_status_items().items():
        survey.loc[rows, held] = 0
        survey.loc[rows & (survey[status] == 1), status] = 3


def runs(districts: list[str]) -> list[tuple[str, dict]]:
    out = [("district.ipynb", {"district": d}) for d in districts]
    if len(districts) >= 2:
        out.append(("cross_district.ipynb", {}))
    out += [("specification_curve.ipynb", {"group": g, "m": 2, "n_boot": 20}) for g in [*districts, "pooled"]]
    out += [("sustainability.ipynb", {"district": d}) for d in districts]
    out.append(("channels.ipynb", {}))  # pooled and each district with firms, in one report
    return out


def bad_values(values: dict) -> dict:
    """Values that are not finite numbers, strings or booleans (the Recorder writes NaN as null)."""
    return {k: v for k, v in values.items()
            if v is None or (isinstance(v, float) and not math.isfinite(v))}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_supported_report_runs_and_records_only_finite_numbers_or_reasons(seed, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the notebooks read data/raw/ relative to the repository
    survey, districts, sizes = survey_for(seed)
    source = tmp_path / "survey.csv"
    survey.to_csv(source, index=False)
    processed = tmp_path / "survey.parquet"
    dataset.prepare_survey(source, processed)
    for notebook, params in runs(districts):
        results = tmp_path / f"{notebook}-{params.get('district', params.get('group', 'all'))}.json"
        run_cells(ROOT / "notebooks" / notebook, {"data_path": str(processed), "results_path": str(results),
                                                  "langs": ["en", "it"], **params})
        values = json.loads(results.read_text(encoding="utf-8"))["values"]
        assert not bad_values(values), (notebook, params, sizes, bad_values(values))
        reasons = [v for v in values.values() if isinstance(v, str) and v.startswith("not ")]
        assert all(len(v.split(":", 1)[-1].strip()) > 5 for v in reasons), reasons  # each says why


def test_degenerate_survey_report_has_reasons_and_no_raw_warnings_or_paths(project, tmp_path):
    """A district of 9 firms without certification and with a constant item, and a pooled curve of 21
    firms, built by the pipeline (kernels, nbconvert): every output of the executed notebooks and the
    HTML in both languages says why an analysis is not estimable, and carries no library warning text
    ('Warning:') and no absolute path of the machine."""
    import re

    import yaml

    from cooperate_analysis.runner import pipeline

    cb = load_codebook()
    survey = synthetic.generate({"capannori_paper": 9, "santa_croce_tanning": 12}, seed=5)
    survey[cb.outcome_items()[0]] = 3
    without_certificates(survey, survey["district"].notna())
    source = tmp_path / "degenerate.csv"
    survey.to_csv(source, index=False)
    Path("small.yml").write_text(yaml.safe_dump({"languages": ["en", "it"], "runs": [
        {"name": "small", "notebook": "notebooks/district.ipynb", "parameters": {"district": "capannori_paper"}},
        {"name": "cross", "notebook": "notebooks/cross_district.ipynb"},
        {"name": "curve", "notebook": "notebooks/specification_curve.ipynb",
         "parameters": {"group": "pooled", "m": 2, "n_boot": 20}}]}))
    assert pipeline.build(data=source, jobs=2, config=Path("small.yml")) == 0
    path = re.compile(r"(?<![\w.])/(?:home|tmp|work|usr|root)/|site-packages|" + re.escape(str(project)))
    for name in ("small", "cross", "curve"):
        outputs = json.dumps([c.get("outputs", []) for c in json.loads(Path(f"reports/{name}.ipynb").read_text())["cells"]])
        for text in (outputs, Path(f"reports/{name}.html").read_text(), Path(f"reports/{name}-it.html").read_text()):
            assert "Warning:" not in text and not path.search(text), name
    assert "Not estimable with these data" in Path("reports/small.html").read_text()
    assert "Non stimabile con questi dati" in Path("reports/small-it.html").read_text()
    assert "there is no certified firm" in Path("reports/cross.html").read_text()
