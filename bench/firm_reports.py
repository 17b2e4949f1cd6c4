"""Benchmark of the firm benchmark reports at census scale (issue 27; not a test): prints the time.

    .venv/bin/python bench/firm_reports.py [--firms 1000] [--langs en,it] [--no-pdf] [--tabs 2]
                                           [--dask N] [--keep DIR]

A synthetic survey of `--firms` firms (a third per district, seeded) is validated into a scratch
folder; then ONE process renders every firm's report in every language (`runner.firm_reports`:
the districts' benchmarks and the adoption model once, then a string template per page, and each A4
PDF a print in a reused tab of one headless Chromium, `--tabs` tabs at a time). With `--dask N` the
same pages are rendered on a local Dask cluster of N worker processes (chunks of firms per task). The
issue's target: 1,000 firms x 2 languages within 10 minutes on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--firms", type=int, default=1000)
    p.add_argument("--langs", default="en,it")
    p.add_argument("--no-pdf", action="store_true")
    p.add_argument("--tabs", type=int, default=2)
    p.add_argument("--dask", type=int, default=0, metavar="N", help="also on a local Dask cluster of N workers")
    p.add_argument("--keep", type=Path, help="keep the scratch folder here")
    args = p.parse_args(argv)

    from cooperate_analysis.data import dataset, synthetic
    from cooperate_analysis.data.codebook import load_codebook
    from cooperate_analysis.present import pdf as pdfs
    from cooperate_analysis.runner import firm_reports

    scratch = Path(tempfile.mkdtemp(prefix="firm-bench-")) if args.keep is None else args.keep
    scratch.mkdir(parents=True, exist_ok=True)
    langs = tuple(args.langs.split(","))
    try:
        districts = load_codebook().district_ids
        per = {d: args.firms // len(districts) + (i < args.firms % len(districts)) for i, d in enumerate(districts)}
        source = scratch / "survey.csv"
        synthetic.generate(per).to_csv(source, index=False)
        processed = scratch / "processed" / "survey.parquet"
        dataset.prepare_survey(source, processed)
        pdf = not args.no_pdf and pdfs.pdf_engine() is not None
        print(f"{args.firms} firms x {len(langs)} languages, {'HTML + A4 PDF' if pdf else 'HTML'}, "
              f"{os.cpu_count()} cores")

        start = time.perf_counter()
        frame, meta, bench = firm_reports.load(processed)
        stems = firm_reports._keys(frame, firm_reports.secret(scratch / "secret"), None)
        loaded = time.perf_counter()
        out = scratch / "firms"
        firm_reports.render_chunk(frame, stems, bench, meta, out, langs, pdf=False)
        html_done = time.perf_counter()
        if pdf:
            pages = sorted(out.glob("*.html"))
            with pdfs.browser(pdfs.pdf_engine()) as browser:
                pdfs.print_many([(page, page.with_suffix(".pdf")) for page in pages], browser.endpoint, args.tabs)
        end = time.perf_counter()
        files = len(list(out.iterdir()))
        print(f"one process: benchmarks and model {loaded - start:.1f} s, {len(frame) * len(langs)} HTML pages "
              f"{html_done - loaded:.1f} s, PDFs {end - html_done:.1f} s; total {end - start:.1f} s "
              f"({files} files, {(end - start) / len(frame) * 1000:.0f} ms per firm)")

        if args.dask:
            out_dask = scratch / "firms-dask"
            cluster, client = firm_reports.local_cluster(args.dask)
            try:
                done = firm_reports.render_dask(client, processed, out_dask, langs, pdf=pdf,
                                                chunk=max(1, len(frame) // (4 * args.dask)),
                                                secret_path=scratch / "secret", keys_file=None)
            finally:
                client.close()
                cluster.close()
            print(f"Dask, {args.dask} local workers: {done['files']} files in {done['seconds']:.1f} s")
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
