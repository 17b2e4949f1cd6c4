"""A notebook's code cells run in this process, for the benchmarks: no kernel, no rendering.

The parameters cell runs first, then `parameters` are set as globals (as papermill injects them),
then every other code cell in order. Returns each code cell's source and seconds.
"""
from __future__ import annotations

import json
import time
from pathlib import Path


def run_cells(notebook: Path, parameters: dict) -> list[tuple[str, float]]:
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    scope: dict = {}
    timings = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        start = time.perf_counter()
        exec(compile(source, f"{notebook}:cell", "exec"), scope)
        if "parameters" in cell["metadata"].get("tags", []):
            scope.update(parameters)
        timings.append((source, time.perf_counter() - start))
    return timings
