"""The package's folders show the data flow: runner -> present -> stats -> data, and no import cycles.

Every import of the package's own modules is read from the source (also the imports inside
functions, which the build uses to stay fast), so a lazy import cannot hide a wrong direction.
"""
from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "cooperate_analysis"
LAYERS = ["data", "stats", "present", "runner"]  # each may import only itself and the layers before it


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The package modules `path` imports (resolved to full names, functions' imports included)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("cooperate_analysis"):
                continue
            for alias in node.names:  # `from pkg import module` imports the module
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _is_module(candidate) else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("cooperate_analysis")}
    return {m for m in found if m != name}


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_lives_in_a_layer():
    loose = sorted(m for m in _graph() if _layer(m) is None and m not in ("cooperate_analysis", "cooperate_analysis.__main__"))
    assert loose == [], f"modules outside data/ stats/ present/ runner/: {loose}"


def test_imports_point_from_runner_to_present_to_stats_to_data():
    wrong = []
    for module, targets in _graph().items():
        here = _layer(module)
        if here is None:
            continue
        for target in targets:
            there = _layer(target)
            if there is not None and LAYERS.index(there) > LAYERS.index(here):
                wrong.append(f"{module} imports {target}")
    assert wrong == [], "imports against the direction runner -> present -> stats -> data:\n" + "\n".join(wrong)


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_the_checks_see_a_wrong_direction_and_a_cycle(tmp_path, monkeypatch):
    """The checks above can fail: a data module importing presentation, and a two-module cycle."""
    fake = tmp_path / "cooperate_analysis"
    for layer in LAYERS:
        (fake / layer).mkdir(parents=True)
        (fake / layer / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "data" / "a.py").write_text("def f():\n    from ..present import b\n")
    (fake / "present" / "b.py").write_text("from ..data.a import f\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    with pytest.raises(AssertionError, match="cooperate_analysis.data.a imports cooperate_analysis.present.b"):
        test_imports_point_from_runner_to_present_to_stats_to_data()
    with pytest.raises(AssertionError, match="import cycles"):
        test_no_import_cycles()


@pytest.mark.parametrize("notebook", sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_notebooks_import_from_the_layers_public_faces(notebook):
    """Notebooks import modules from `cooperate_analysis.<layer>`, never from the package root."""
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cooperate_analysis"):
            assert node.module.split(".")[1:2] and node.module.split(".")[1] in LAYERS, node.module
            assert all(_is_module(f"{node.module}.{a.name}") or _is_module(node.module) for a in node.names)


# --- report kinds (issue 22): each report in one place, independent of the others --------------------------------

REPORT_KINDS = ("district", "cross_district", "speccurve", "sustainability", "channels", "index", "paper")
PRESENT = "cooperate_analysis.present"
# Legacy modules being emptied into the report kinds (issue 22): while they exist, their re-exports of
# the moved functions reach the new packages. Remove a module from this set when it is deleted.
LEGACY: set[str] = set()


def _kind(module: str) -> str | None:
    """The report kind a module of present/ belongs to (its package), None for a shared module."""
    parts = module.split(".")
    if len(parts) > 2 and parts[:2] == PRESENT.split(".") and parts[2] in REPORT_KINDS:
        return parts[2]
    return None


def report_kind_violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports of a report-kind package from another report kind, or from a shared module of present/
    (a module directly in present/). The index reaches the kinds only through its declared importlib
    entry point (`present.index.entries`), which no import statement shows."""
    wrong = []
    for module, targets in graph.items():
        if not module.startswith(PRESENT + ".") or module in LEGACY:
            continue
        here = _kind(module)
        shared = here is None and module.count(".") == 2
        for target in targets:
            there = _kind(target)
            if there is None or there == here:
                continue
            if here is not None:
                wrong.append(f"{module} (report {here}) imports {target} (report {there})")
            elif shared:
                wrong.append(f"{module} (shared) imports {target} (report {there})")
    return sorted(wrong)


def test_no_report_kind_imports_another_and_shared_modules_import_none():
    assert {m for m in LEGACY if m not in _graph()} == set(), "a deleted legacy module is still exempted"
    wrong = report_kind_violations(_graph())
    assert wrong == [], "imports between report kinds, or from shared modules into one:\n" + "\n".join(wrong)


def test_the_report_kind_check_sees_a_crossing_and_a_shared_module_importing_a_kind():
    graph = {f"{PRESENT}.speccurve.text": {f"{PRESENT}.district", f"{PRESENT}.phrases"},
             f"{PRESENT}.phrases": {f"{PRESENT}.channels.names"},
             f"{PRESENT}.index.page": {f"{PRESENT}.navigation", f"{PRESENT}.index.entries"},
             f"{PRESENT}.district.text": {f"{PRESENT}.district.tables", f"{PRESENT}.regression"}}
    assert report_kind_violations(graph) == [
        f"{PRESENT}.phrases (shared) imports {PRESENT}.channels.names (report channels)",
        f"{PRESENT}.speccurve.text (report speccurve) imports {PRESENT}.district (report district)"]


def test_the_index_declares_an_entry_point_for_every_other_report_kind():
    """The index maps each notebook to its report kind's package and loads `index_sentence` from it;
    a kind without a package or without the entry point gives no sentence and no error."""
    from types import SimpleNamespace

    from cooperate_analysis.present.index import entries

    assert set(entries.REPORT_KINDS.values()) == set(REPORT_KINDS) - {"index"}
    assert entries.entry_point("speccurve") is not None
    assert entries.entry_point("no_such_kind") is None and entries.entry_point(None) is None
    unknown = SimpleNamespace(notebook=Path("notebooks/unknown.ipynb"), parameters={})
    assert entries.findings_sentence(unknown, {"n_specs": 1}, "en", None) == ""
    curve = SimpleNamespace(notebook=Path("notebooks/specification_curve.ipynb"), parameters={"n_boot": 10})
    from cooperate_analysis.data.codebook import load_codebook

    assert "3 estimable specifications of 4" in entries.findings_sentence(
        curve, {"n_specs": 4, "n_estimable": 3, "median_estimate": 0.1}, "en", load_codebook())
