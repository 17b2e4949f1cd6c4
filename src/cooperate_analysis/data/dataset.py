"""The data step: raw survey file -> validated `data/processed/survey.parquet` (+ metadata).

Raw files are only read, never written. The processed table and its metadata are written
atomically, after validation has passed, so a bad input leaves nothing behind.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .io import atomic_path, atomic_write_text, sha256_file

RAW_DIR = Path("data/raw")
DEFAULT_SURVEY = RAW_DIR / "survey_synthetic.csv"
MANIFEST = RAW_DIR / "SHA256SUMS"
PUBLISHED = RAW_DIR / "published_figures.csv"
PROCESSED = Path("data/processed/survey.parquet")


class ManifestError(Exception):
    """A file listed in data/raw/SHA256SUMS is missing or has changed."""


def verify_manifest(manifest: Path = MANIFEST) -> dict[str, str]:
    """Check every file listed in the SHA-256 manifest; return {path: sha}."""
    if not manifest.is_file():
        raise ManifestError(f"{manifest}: manifest not found")
    checked, problems = {}, []
    for n, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        expected, _, name = line.partition("  ")
        path = manifest.parent / name.strip()
        if not path.is_file():
            problems.append(f"{path}: listed in {manifest} (line {n}) but missing")
            continue
        got = sha256_file(path)
        if got != expected.strip():
            problems.append(f"{path}: SHA-256 {got[:12]}... differs from {expected[:12]}... in {manifest} "
                            "(raw data are immutable: restore the file, or record a deliberate change "
                            "in the manifest and data/raw/README.md)")
        checked[str(path)] = got
    if problems:
        raise ManifestError("\n".join(problems))
    return checked


def synthetic_hashes(raw_dir: Path = RAW_DIR) -> set[str]:
    """SHA-256 of every data file the synthetic generator produced (recorded in its truth file)."""
    hashes = set()
    for truth in raw_dir.glob("*.truth.json"):
        sha = json.loads(truth.read_text(encoding="utf-8")).get("data_sha256")
        if sha:
            hashes.add(sha)
    return hashes


def is_synthetic(path: Path, sha: str, synthetic_rows: int = 0) -> bool:
    """True when the data are (partly) generator output: a truth file beside the file, a known
    synthetic hash, or at least one row whose firm_id follows the generator's id scheme
    (`synthetic.SYNTHETIC_ID_PATTERN`), so that a subset, an edited copy or a file mixing synthetic
    and real rows keeps the synthetic-data banner."""
    return synthetic_rows > 0 or path.with_suffix(".truth.json").is_file() or sha in synthetic_hashes()


def prepare_survey(source: Path, processed: Path = PROCESSED, key: str = "", before_write=None,
                   mapping: Path | None = None, frame: pd.DataFrame | None = None) -> dict:
    """Validate `source` against the codebook and write the processed parquet + metadata JSON.

    With a `mapping` file (see `data.mapping`), the file is read as the mapping says and put in
    the codebook's shape before it is validated; the metadata record the mapping's SHA-256 and
    its notes (columns ignored).

    With the population `frame` (`population.population_frame()`), the metadata also name, in
    ``population_notes``, the sampled size classes it has no count for (`population.uncounted_classes`).

    `before_write`, if given, is called once validation has passed, just before the processed
    files are replaced (the build uses it to stop the index naming the old data).

    The metadata record ``synthetic`` (see `is_synthetic`) and ``synthetic_rows``, the number of
    rows whose firm_id follows the synthetic generator's id scheme.
    """
    from .codebook import load_codebook
    from .mapping import load_mapping, read_mapped
    from .synthetic import synthetic_ids
    from .validate import validate_survey

    sha = sha256_file(source)
    rules = load_mapping(mapping) if mapping is not None else None
    raw, notes = read_mapped(source, rules)
    typed = validate_survey(raw, str(source))
    cb = load_codebook()
    synthetic_rows = int(synthetic_ids(typed["firm_id"]).sum())
    meta = {
        "source": str(source),
        "source_name": source.name,
        "source_sha256": sha,
        "synthetic": is_synthetic(source, sha, synthetic_rows),
        "synthetic_rows": synthetic_rows,
        "rows": int(len(typed)),
        "rows_by_district": {d: int((typed["district"] == d).sum()) for d in cb.district_ids},
        "codebook_version": cb.version,
        "key": key,
    }
    if mapping is not None:
        meta.update({"mapping": str(mapping), "mapping_sha256": sha256_file(mapping), "mapping_notes": notes})
    if frame is not None:
        from .population import uncounted_classes

        meta["population_notes"] = uncounted_classes(typed, frame)
    if before_write is not None:
        before_write()
    # the metadata (with the data key) go first and come back last: a build killed in between
    # leaves no metadata, so the next build validates again instead of trusting a mismatched pair
    meta_path(processed).unlink(missing_ok=True)
    with atomic_path(processed) as tmp:
        typed.to_parquet(tmp, index=False)
    atomic_write_text(meta_path(processed), json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta


def meta_path(processed: Path = PROCESSED) -> Path:
    return processed.with_suffix(".json")


def read_meta(processed: Path = PROCESSED) -> dict | None:
    path = meta_path(processed)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() and processed.is_file() else None


def load_processed(processed: str | Path = PROCESSED):
    """The validated survey and its metadata, as the notebooks use them."""
    import pandas as pd

    processed = Path(processed)
    meta = read_meta(processed)
    if meta is None:
        raise FileNotFoundError(f"{processed}: processed survey missing; run `make reports` first")
    return pd.read_parquet(processed), meta


def load_published(path: str | Path = PUBLISHED) -> pd.DataFrame:
    """The published figures on the districts (real data, each row with its source id; see data/raw/README.md)."""
    return pd.read_csv(path, dtype={"year": str, "n": "Int64"})


def present_districts(frame: pd.DataFrame) -> list[str]:
    """The codebook's districts that have firms in `frame`, in codebook order."""
    from .codebook import load_codebook

    present = set(frame["district"].dropna().astype(str))
    return [d for d in load_codebook().district_ids if d in present]
