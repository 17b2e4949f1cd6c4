import json
import math

import numpy as np
import pandas as pd
import pytest

from cooperate_analysis.runner.results import Recorder, read_results


def test_results_file_is_deterministic_and_clean(tmp_path):
    def build():
        rec = Recorder("r", {"district": "x", "seed": 1})
        rec.record("b.slope", np.float64(0.1) + np.float64(0.2))
        rec.record("a.n", np.int64(30))
        rec.record("c.missing", float("nan"))
        return rec

    build().save(tmp_path / "one.json")
    build().save(tmp_path / "two.json")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    doc = read_results(tmp_path / "one.json")
    assert list(doc["values"]) == ["a.n", "b.slope", "c.missing"]
    assert doc["values"]["a.n"] == 30 and doc["values"]["c.missing"] is None
    assert math.isclose(doc["values"]["b.slope"], 0.3, rel_tol=1e-12)
    assert json.loads((tmp_path / "one.json").read_text())["parameters"] == {"district": "x", "seed": 1}


def test_a_name_cannot_be_recorded_twice():
    rec = Recorder("r", {})
    rec.record("x", 1)
    with pytest.raises(ValueError, match="recorded twice"):
        rec.record("x", 2)


def test_record_table_names_rows_by_key_columns():
    rec = Recorder("r", {})
    table = pd.DataFrame({"outcome": ["a", "b"], "term": ["csr", "csr"], "estimate": [0.5, -0.25]})
    rec.record_table("ols", table, ["outcome", "term"], ["estimate"])
    assert rec.values == {"ols.a.csr.estimate": 0.5, "ols.b.csr.estimate": -0.25}


def test_one_run_writes_one_results_file_per_language(tmp_path):
    rec = Recorder(run="r", parameters={"seed": 1}, langs=["en", "it"])
    rec.record("x", 0.5)
    written = rec.save(tmp_path / "r.json", contents={"en": [{"caption": "Firms"}], "it": [{"caption": "Imprese"}]})
    assert written == [tmp_path / "r.json", tmp_path / "r-it.json"]
    en, it = (json.loads(p.read_text()) for p in written)
    assert en["values"] == it["values"] == {"x": 0.5}
    assert (en["parameters"], it["parameters"]) == ({"lang": "en", "seed": 1}, {"lang": "it", "seed": 1})
    assert (en["contents"], it["contents"]) == ([{"caption": "Firms"}], [{"caption": "Imprese"}])
