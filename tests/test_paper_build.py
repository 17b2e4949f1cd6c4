"""The working paper built by the pipeline (slow): a run that reads other runs is rebuilt exactly when their
results change, and a no-op build after a complete one stops at the build's stamp; the six paper files of the default build (A4 PDF
with page numbers, <= 30 pages, body <= 9,000 words, a Word edition with every table and figure of the
HTML, every citation resolved); and on a large synthetic survey the verdicts agree with the generator's
truth wherever the test has the power to detect it."""
from __future__ import annotations

import json
import math
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from scipy import stats

from cooperate_analysis.present import word
from cooperate_analysis.present.paper import sources, verdicts as V
from cooperate_analysis.runner import pipeline

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
PARAMS = 'data_path = "data/processed/survey.parquet"\nresults_path = "reports/results/x.json"\nlangs = ["en"]\n'


def _notebook(path: Path, parameters: str, code: str, markdown: str = "") -> None:
    cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    if markdown:
        cells.append(nbformat.v4.new_markdown_cell(markdown))
    cells.append(nbformat.v4.new_code_cell(code))
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))


WRITER = ("from cooperate_analysis.runner import results\n"
          "rec = results.Recorder('writer', {}, langs)\nrec.record('value', value)\n"
          "rec.save(results_path, contents={lang: [] for lang in langs})\nprint(value)\n")
READER = ("import json\nfrom cooperate_analysis.runner import results\n"
          "value = json.load(open('reports/results/writer.json'))['values']['value']\n"
          "rec = results.Recorder('reader', {}, langs)\nrec.record('double', 2 * value)\n"
          "rec.save(results_path, contents={lang: [] for lang in langs})\nprint(2 * value)\n")


def _config(value: int) -> Path:
    config = Path("reads.yml")
    config.write_text(yaml.safe_dump({"languages": ["en"], "runs": [
        {"name": "reader", "notebook": "notebooks/reader.ipynb", "reads": ["writer"]},  # declared first: order is by reads
        {"name": "writer", "notebook": "notebooks/writer.ipynb", "parameters": {"value": value}}]}))
    return config


def _double() -> int:
    return json.loads(Path("reports/results/reader.json").read_text())["values"]["double"]


def test_a_run_is_rebuilt_when_a_run_it_reads_changes_and_a_noop_build_is_fast(project, capsys, monkeypatch):
    monkeypatch.setattr("cooperate_analysis.present.pdf.pdf_engine", lambda: None)  # HTML only: the keys are the point
    _notebook(Path("notebooks/writer.ipynb"), PARAMS + "value = 0\n", WRITER)
    _notebook(Path("notebooks/reader.ipynb"), PARAMS, READER)
    assert pipeline.build(jobs=2, config=_config(1)) == 0
    assert _double() == 2
    capsys.readouterr()
    assert pipeline.build(jobs=2, config=_config(1)) == 0  # its time: bench/build_times.py (no-op)
    out = capsys.readouterr().out
    assert "skip   writer: up to date" in out and "skip   reader: up to date" in out
    # the writer's results change: the reader runs again, after it, and reads the new value
    assert pipeline.build(jobs=2, config=_config(3)) == 0
    out = capsys.readouterr().out
    assert "done   writer" in out and "done   reader" in out
    assert out.index("done   writer") < out.index("start  reader")
    assert _double() == 6
    # the writer reruns (its notebook changed) but its results are the same: the reader is not rebuilt
    _notebook(Path("notebooks/writer.ipynb"), PARAMS + "value = 0\n", WRITER, markdown="A note.")
    assert pipeline.build(jobs=2, config=_config(3)) == 0
    out = capsys.readouterr().out
    assert "done   writer" in out and "skip   reader: up to date" in out
    # a failed writer leaves the reader unbuilt, with its reason, and no stale report
    _notebook(Path("notebooks/writer.ipynb"), PARAMS + "value = 0\n", "raise RuntimeError('no')\n")
    assert pipeline.build(jobs=2, config=_config(4)) == 1
    out = capsys.readouterr().out
    assert "skip   reader: not built: it reads the results of writer" in out
    assert not Path("reports/reader.html").exists()


def test_a_noop_build_after_a_complete_one_stops_at_its_stamp_and_any_change_goes_to_the_full_build(
        project, capsys, monkeypatch):
    """`build` from the command line writes reports/.build/complete.json after a complete build; the next one
    with nothing changed says so without running the full build (which would load pandas and the statistics
    stack); a changed notebook, a report touched or deleted, a new file in data/raw/ or --force each go to the
    full build, which decides run by run; a failed build leaves no stamp."""
    from cooperate_analysis.runner import cli, uptodate

    _notebook(Path("notebooks/writer.ipynb"), PARAMS + "value = 0\n", WRITER)
    _notebook(Path("notebooks/reader.ipynb"), PARAMS, READER)
    config = str(_config(1))
    full_builds = []
    real_build = pipeline.build
    monkeypatch.setattr(pipeline, "build", lambda **kw: full_builds.append(kw) or real_build(**kw))

    def build(*extra: str) -> str:
        capsys.readouterr()
        status = cli.main(["build", "--jobs", "2", "--config", config, *extra])
        out = capsys.readouterr().out
        return f"{status}\n{out}"

    assert build().startswith("0\n") and uptodate.STAMP.is_file() and len(full_builds) == 1
    out = build()
    assert "built  0 run(s), skipped 2, failed 0" in out and "up to date (nothing changed since" in out
    assert len(full_builds) == 1  # the stamp answered
    assert build("--force").count("done   ") == 2 and len(full_builds) == 2
    build()
    assert len(full_builds) == 2
    changes = [lambda: os.utime("reports/reader.html"),  # a report touched
               lambda: Path("reports/reader.html").unlink(),  # deleted: rebuilt
               lambda: Path("data/raw/notes.txt").write_text("a new file the build may read"),
               lambda: _notebook(Path("notebooks/writer.ipynb"), PARAMS + "value = 0\n", WRITER, markdown="A note.")]
    for number, change in enumerate(changes, start=3):
        change()
        out = build()
        assert len(full_builds) == number and ("skip   reader" in out or "done   reader" in out), out
        assert Path("reports/reader.html").is_file()
        assert "up to date (nothing changed since" in build() and len(full_builds) == number  # stamped again
    _notebook(Path("notebooks/writer.ipynb"), PARAMS + "value = 0\n", "raise RuntimeError('no')\n")
    assert build().startswith("1\n") and not uptodate.STAMP.exists()
    # the stamp's check loads no heavy library
    check = ("import sys\nfrom cooperate_analysis.runner import cli, uptodate\n"
             "uptodate.key(__import__('pathlib').Path('reads.yml'), None, None)\n"
             "print(sorted(m for m in ('pandas', 'numpy', 'papermill', 'scipy') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True).stdout == "[]\n"


def _pages(pdf: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1)), re.search(r"Page size:\s+(.*)", info).group(1)


def body_words(page: str) -> int:
    """Words of the paper's body: the manuscript without tables, figures, the references and the supplement list."""
    body = word.manuscript_html(page)
    for pattern in (r"<figure\b.*?</figure>", r'<section[^>]*id="references".*?</section>', r"<ul class=\"supplement\".*?</ul>",
                    r"<h2[^>]*>\s*(References|Riferimenti bibliografici).*"):
        body = re.sub(pattern, " ", body, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    return len(re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", text))


@pytest.mark.parametrize("stem", ["paper", "paper-it"])
def test_the_default_build_holds_the_paper_in_three_formats(default_build, stem):
    reports = default_build / "reports"
    html_file, pdf_file, docx_file = (reports / f"{stem}.{ext}" for ext in ("html", "pdf", "docx"))
    assert html_file.is_file() and docx_file.is_file()
    page = html_file.read_text(encoding="utf-8")
    assert word.docx_items(docx_file) == word.html_items(page)  # every table and figure, as Word tables and pictures
    assert body_words(page) <= 9000
    abstract = re.search(r'<section class="abstract">.*?<p>(.*?)</p>', page, re.S).group(1)
    assert len(re.sub(r"<[^>]+>", " ", abstract).split()) <= 250
    assert not re.search(r"\[@|(?<![\w.])@[a-z][a-z0-9]+\d{4}", re.sub(r"<[^>]+>", " ", page))  # every citation linked
    if shutil.which("pdfinfo") and pdf_file.is_file():
        pages, size = _pages(pdf_file)
        assert pages <= 30 and "A4" in size
    values = json.loads((reports / "results" / f"{stem}.json").read_text())["values"]
    assert {f"verdict.H{i}" for i in range(1, 7)} <= set(values)


# --- agreement with the generator's truth ---------------------------------------------------------------

Z80 = stats.norm.ppf(0.8)


def _mde(se: float, tests: int) -> float:
    """The smallest true effect a two-sided test at alpha / tests (the strictest step of Holm's and of BH's
    adjustment over `tests` tests) detects with 80% power, given the standard error."""
    return (stats.norm.ppf(1 - 0.05 / (2 * tests)) + Z80) * se


def test_verdicts_agree_with_the_generator_where_the_tests_have_power(project):
    from cooperate_analysis.data import synthetic

    survey = synthetic.generate(n_per_district={"capannori_paper": 280, "empolese_valdelsa_clothing": 340,
                                                "santa_croce_tanning": 300}, seed=11)
    survey.to_csv("big.csv", index=False)
    spec = yaml.safe_load(Path("pipeline.yml").read_text())
    spec["runs"] = [r for r in spec["runs"] if r["name"] in ("cross-district", "channels")]
    Path("truth.yml").write_text(yaml.safe_dump(spec))
    assert pipeline.build(data=Path("big.csv"), jobs=2, config=Path("truth.yml")) == 0
    results = {run: json.loads(Path(f"reports/results/{run}.json").read_text())["values"]
               for run in ("cross-district", "channels")}
    hyps = sources.hypotheses()
    verdict = V.hypothesis_verdicts(hyps, results)
    truth = json.loads((ROOT / "data/raw/survey_synthetic.truth.json").read_text())["pseudo_truth"]["pooled"]
    cross, channels = results["cross-district"], results["channels"]
    checked = 0
    for h in hyps[:3]:  # H1-H3: Holm over three tests
        score = h["tests"]["estimate"].split(".")[1]
        true = truth[f"ols.{score}.csr_overall"]
        if true >= _mde(cross[h["tests"]["std_error"]], 3):
            assert verdict[h["id"]].code == V.SUPPORTED, (h["id"], true, verdict[h["id"]])
            checked += 1
    readable = any(verdict[h["id"]].code == V.SUPPORTED for h in hyps[:3])
    samples = {k.split(".")[1] for k in channels if k.startswith("drivers.")}
    for part, pv in zip(hyps[3]["parts"], verdict["H4"].parts):  # BH over 4 channels x every sample
        t = part["tests"]
        se = (channels[t["ci_high"]] - channels[t["ci_low"]]) / (2 * 1.959963984540054)
        true = truth[f"fraclogit_ame.csr_overall.{part['channel']}"]
        if readable and true >= _mde(se, 4 * len(samples)):
            assert pv.code == V.SUPPORTED, (part["id"], true, pv)
            checked += 1
    assert checked >= 2  # the design is large enough for the test to mean something
    assert all(v.code in V.CODES for v in verdict.values())
    assert not math.isnan(cross["ols_pooled.score_innovation.csr_overall.estimate"])
