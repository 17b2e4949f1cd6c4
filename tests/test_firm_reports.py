"""Firm benchmark reports (issue 27): one page per firm and language named by an opaque key, no firm id in
any page, the district's figures under the disclosure policy, one process for many firms, and the same
fan-out on a local Dask cluster."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pandas as pd
import pytest

from cooperate_analysis.data import dataset
from cooperate_analysis.present import disclosure
from cooperate_analysis.runner import firm_reports

RAW = Path(__file__).resolve().parents[1] / "data" / "raw" / "survey_synthetic.csv"


def real_looking(raw: pd.DataFrame) -> pd.DataFrame:
    """The synthetic survey without its synthetic label: firm ids that do not follow the generator's scheme."""
    out = raw.copy()
    out["firm_id"] = [f"IMPRESA{i:04d}" for i in range(1, len(out) + 1)]
    return out


def _processed(tmp_path: Path, survey: pd.DataFrame, name: str) -> Path:
    source = tmp_path / f"{name}.csv"
    survey.to_csv(source, index=False)
    processed = tmp_path / name / "survey.parquet"
    dataset.prepare_survey(source, processed)
    return processed


@pytest.fixture(scope="module")
def surveys(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("firms")
    raw = pd.read_csv(RAW)
    # a district with 4 firms only: its quartiles must not reach a real-data report
    few = raw[raw["district"] != "capannori_paper"]
    few = pd.concat([few, raw[raw["district"] == "capannori_paper"].head(4)])
    return {"synthetic": _processed(tmp, raw.head(40), "synthetic"),
            "real": _processed(tmp, real_looking(few), "real")}


def test_keys_are_opaque_stable_and_their_secret_stays_outside_reports(tmp_path):
    path = tmp_path / "processed" / "firm_reports.secret"
    key = firm_reports.secret(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and firm_reports.secret(path) == key
    stem = firm_reports.opaque_key("SYN-CAP-001", key)
    assert re.fullmatch(r"[0-9a-f]{24}", stem) and "CAP" not in stem and "001" not in stem
    assert stem == firm_reports.opaque_key("SYN-CAP-001", key) != firm_reports.opaque_key("SYN-CAP-002", key)
    assert stem != firm_reports.opaque_key("SYN-CAP-001", b"another secret")
    assert "reports" not in firm_reports.SECRET.parts and "reports" not in firm_reports.KEYS.parts


def test_one_process_writes_every_firm_in_both_languages_and_names_no_firm(surveys, tmp_path):
    out = tmp_path / "firms"
    keys = tmp_path / "keys.csv"
    done = firm_reports.render_all(surveys["synthetic"], out, pdf=False, limit=12,
                                   secret_path=tmp_path / "s", keys_file=keys)
    assert done["firms"] == 12 and done["files"] == 24
    mapping = pd.read_csv(keys)
    assert len(mapping) == 12 and mapping["key"].is_unique
    for stem in mapping["key"]:
        assert (out / f"{stem}.html").is_file() and (out / f"{stem}-it.html").is_file()
    raw = pd.read_csv(RAW)
    for page in out.iterdir():
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"SYN-[A-Z]{3}-\d{3}", text)
        assert "DATI SINTETICI" in text or "SYNTHETIC DATA" in text  # the synthetic banner
    it = (out / f"{mapping['key'][0]}-it.html").read_text(encoding="utf-8")
    assert "Riservato" in it and "Certificazioni" in it and "quartile" in it
    assert not set(raw["firm_id"]) & {p.stem.removesuffix("-it") for p in out.iterdir()}


def test_real_data_pages_publish_no_district_figure_below_the_threshold(surveys, tmp_path):
    out = tmp_path / "firms"
    keys = tmp_path / "keys.csv"
    firm_reports.render_all(surveys["real"], out, langs=("en",), pdf=False, secret_path=tmp_path / "s", keys_file=keys)
    frame, meta, bench = firm_reports.load(surveys["real"])
    assert meta["synthetic"] is False
    small = bench.districts["capannori_paper"]
    assert small.n == 4
    mapping = pd.read_csv(keys).set_index("firm_id")["key"]
    for firm_id in frame.loc[frame["district"] == "capannori_paper", "firm_id"]:
        text = (out / f"{mapping[firm_id]}.html").read_text(encoding="utf-8")
        table = text.split("<table", 2)[1]  # the practices table: every quartile suppressed (4 < 5 firms)
        assert table.count(f">{disclosure.SUPPRESSED}<") == 4 * len(firm_reports.firm_report.measures(
            firm_reports.load_codebook()))
        assert "SYNTHETIC DATA" not in text and disclosure.FLAG not in text
    # every district share printed in a real-data page holds 0 or at least 3 firms, and so does its complement
    for page in out.glob("*.html"):
        for k, n in re.findall(r">(\d+)/(\d+)", page.read_text(encoding="utf-8")):
            k, n = int(k), int(n)
            assert n >= 3 and k not in (1, 2) and n - k not in (1, 2), (page.name, k, n)


def test_the_same_fan_out_runs_on_a_local_dask_cluster(surveys, tmp_path):
    from distributed import Client, LocalCluster

    out = tmp_path / "firms"
    # one worker process: the tasks still leave this process (pickled, run, sent back); a second worker cost 2.5 s
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        done = firm_reports.render_dask(client, surveys["synthetic"], out, pdf=False, chunk=15,
                                        secret_path=tmp_path / "s", keys_file=tmp_path / "keys.csv")
    assert done["firms"] == 40 and done["files"] == 80
    assert len(list(out.glob("*.html"))) == 80
    local = tmp_path / "local"
    firm_reports.render_all(surveys["synthetic"], local, pdf=False, secret_path=tmp_path / "s", keys_file=None)
    for page in local.iterdir():  # the cluster wrote the same pages as one process
        assert (out / page.name).read_text(encoding="utf-8") == page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_pdf_pages_print_on_a4(surveys, tmp_path):
    from cooperate_analysis.present.pdf import pdf_engine

    if pdf_engine() is None:
        pytest.skip("no headless Chromium")
    out = tmp_path / "firms"
    firm_reports.render_all(surveys["synthetic"], out, pdf=True, limit=2, secret_path=tmp_path / "s", keys_file=None)
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 4 and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
