"""The warm kernel (runner/kernel.py): notebooks executed one after another in one kernel each start
from the state a new kernel has."""
from __future__ import annotations

import json
import os

import nbformat
import papermill as pm
import pytest

from cooperate_analysis.runner import kernel

# Everything a notebook can leave behind that the reset restores, written as JSON by a notebook.
STATE = """
import json, os, random, sys, warnings
import numpy as np
import matplotlib
import matplotlib.pyplot as plt
state = {
    "pid": os.getpid(),
    "names": sorted(n for n in globals() if not n.startswith("_") and n not in
                    {"In", "Out", "exit", "quit", "get_ipython", "open", "json", "os", "random", "sys",
                     "warnings", "np", "matplotlib", "plt", "types", "library_warnings"}),
    "execution_count": get_ipython().execution_count,
    "rc": {k: repr(v) for k, v in dict.items(matplotlib.rcParams)},
    "figures": plt.get_fignums(),
    "filters": [repr(f) for f in warnings.filters],
    "numpy_err": np.geterr(),
    "numpy_print": repr(np.get_printoptions()),
    "numpy_random": np.random.random(3).tolist(),
    "random": random.random(),
    "leftover_variable": os.environ.get("COOPERATE_TEST_LEFTOVER"),
    "cwd": os.getcwd(),
}
state["warning_shown"] = library_warnings()
"""

# A library module's warning, shown once per location under the default filters (its registry lives in
# the module, which a new notebook keeps), counted without touching the filters.
WARNER = """
import sys, types, warnings
def library_warnings():
    module = sys.modules.get("cooperate_test_warner")
    if module is None:
        module = types.ModuleType("cooperate_test_warner")
        exec("import warnings\\ndef warn():\\n    warnings.warn('a library warning', UserWarning)", module.__dict__)
        sys.modules[module.__name__] = module
    shown, show = [], warnings.showwarning
    warnings.showwarning = lambda *args, **kwargs: shown.append(args[0])
    try:
        module.warn()
    finally:
        warnings.showwarning = show
    return len(shown)
"""

POLLUTE = """
import os, random, warnings
import numpy as np
import matplotlib
import matplotlib.pyplot as plt
import seaborn as sns
leftover = 1
sns.set_theme(style="dark", context="poster")
matplotlib.rcParams["font.size"] = 31
plt.figure()
warnings.simplefilter("ignore")
np.seterr(all="raise")
np.set_printoptions(precision=2)
np.random.seed(5)
random.seed(5)
os.environ["COOPERATE_TEST_LEFTOVER"] = "1"
os.chdir("/")
"""


def _notebook(path, *sources: str):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _execute(path, tmp_path):
    warm = kernel.kernel(f"cooperate-kernel-test-{os.getpid()}-")
    pm.execute_notebook(str(path), str(tmp_path / "out.ipynb"), kernel_name=kernel.KERNEL_NAME, language="python",
                        progress_bar=False, cwd=str(tmp_path), engine_name=kernel.ENGINE, km=warm.manager,
                        config=warm.config)


@pytest.fixture
def fresh_kernel():
    kernel.discard()
    yield
    kernel.discard()


def test_a_notebook_after_another_in_the_same_kernel_starts_from_a_new_kernels_state(tmp_path, monkeypatch,
                                                                                    fresh_kernel):
    """Notebooks run one after another in one kernel each see a new kernel's state; so does the first
    notebook of a kernel started (and its libraries imported) ahead of it, as a build worker starts its
    kernel: no preloaded name, the same counter and settings as in a kernel nbclient starts."""
    monkeypatch.chdir(tmp_path)  # a build's kernels start in the folder the build runs in
    record = lambda name: WARNER + STATE + f"\njson.dump(state, open({str(tmp_path / name)!r}, 'w'))"  # noqa: E731
    _execute(_notebook(tmp_path / "first.ipynb", record("first.json")), tmp_path)
    _execute(_notebook(tmp_path / "pollute.ipynb", POLLUTE, "def f():\n    return leftover\n", "1 + 1"), tmp_path)
    # a library warning shown after the filters last changed: a new notebook must show it again
    _execute(_notebook(tmp_path / "warn.ipynb", WARNER + "assert library_warnings() == 1"), tmp_path)
    _execute(_notebook(tmp_path / "second.ipynb", record("second.json")), tmp_path)
    first, second = (json.loads((tmp_path / n).read_text()) for n in ("first.json", "second.json"))
    assert first["pid"] == second["pid"]  # the same kernel process
    assert first["names"] == [] and first["warning_shown"] == 1 and first["leftover_variable"] is None
    assert second == first
    # a kernel started ahead of its first notebook
    kernel.discard()
    kernel.prestart(f"cooperate-kernel-test-{os.getpid()}-")
    warm = kernel.kernel(f"cooperate-kernel-test-{os.getpid()}-")
    assert warm.manager.has_kernel and warm.alive()
    _execute(_notebook(tmp_path / "ahead.ipynb", record("ahead.json"), "import sys\nassert 'seaborn' in sys.modules"),
             tmp_path)
    ahead = json.loads((tmp_path / "ahead.json").read_text())
    own = {"pid", "numpy_random", "random"}  # of each process (unseeded generators)
    assert ahead["pid"] != first["pid"] and ahead["names"] == []
    assert {k: v for k, v in ahead.items() if k not in own} == {k: v for k, v in first.items() if k not in own}
    assert kernel.kernel(f"cooperate-kernel-test-{os.getpid()}-") is warm  # the same kernel runs the next one


def test_a_kernel_is_replaced_after_it_died_and_in_another_project_folder(tmp_path, monkeypatch, fresh_kernel):
    """The kept kernel is reused in the same folder; a dead one, or a run in another folder, gets a new one."""
    def pid(folder, die=False) -> int:
        folder.mkdir(exist_ok=True)
        monkeypatch.chdir(folder)
        _execute(_notebook(folder / "pid.ipynb", "import os; open('pid', 'w').write(str(os.getpid()))"), folder)
        if die:
            with pytest.raises(Exception):
                _execute(_notebook(folder / "die.ipynb", "import os; os._exit(1)"), folder)
        return int((folder / "pid").read_text())

    a, b = tmp_path / "a", tmp_path / "b"
    first = pid(a, die=True)
    replaced = pid(a)
    elsewhere = pid(b)
    assert len({first, replaced, elsewhere}) == 3 and pid(b) == elsewhere


def test_a_kernel_that_cannot_start_ahead_is_left_to_the_first_run(tmp_path, monkeypatch, fresh_kernel):
    """A worker whose kernel cannot start (here: no such kernel) goes on without one: no exception, no kernel
    kept, so its first run starts a kernel itself and reports what goes wrong."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(kernel, "KERNEL_NAME", "no-such-kernel-for-cooperate")
    kernel.prestart(f"cooperate-kernel-test-{os.getpid()}-")
    assert kernel._warm is None
    monkeypatch.setattr(kernel, "KERNEL_NAME", "python3")
    assert not kernel.kernel(f"cooperate-kernel-test-{os.getpid()}-").manager.has_kernel


def test_the_preload_imports_every_package_module_the_builds_notebooks_import_first():
    """`kernel.NOTEBOOK_MODULES` (what a worker's kernel imports before its first run) holds every module of
    the package that the first code cell of a notebook of pipeline.yml imports, and each of them exists."""
    import ast
    import importlib

    from cooperate_analysis.runner.runs import load_runs

    wanted = set()
    for notebook in {run.notebook for run in load_runs()}:
        cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        first = next(c for c in cells if "parameters" not in c["metadata"].get("tags", []))
        for node in ast.walk(ast.parse("".join(first["source"]))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cooperate_analysis"):
                for alias in node.names:  # `from package import module` or `from module import name`
                    candidate = f"{node.module}.{alias.name}"
                    try:
                        importlib.import_module(candidate)
                        wanted.add(candidate)
                    except ModuleNotFoundError:
                        wanted.add(node.module)
    wanted = {name.removeprefix("cooperate_analysis.") for name in wanted} - {"data", "present", "stats", "runner"}
    assert wanted, "no package module found in the notebooks' first cells"
    assert wanted <= set(kernel.NOTEBOOK_MODULES), sorted(wanted - set(kernel.NOTEBOOK_MODULES))
    for name in kernel.NOTEBOOK_MODULES:
        importlib.import_module(f"cooperate_analysis.{name}")
