"""A warm kernel: one Jupyter kernel per build worker, reused by the runs the worker executes.

Starting a kernel and importing the statistics stack in it took about 4 s of each run, a third of a
specification-curve run and most of what the build spends beyond the analyses' own code (issue 28).
A worker now starts one kernel and executes its notebooks in it one after another, through
papermill's engine interface (`WarmKernelEngine`): papermill still parameterises, executes and records
every notebook as before; only the kernel is kept.

Before each notebook the kernel is put back into the state it had when it started (`RESET`, run
silently before the first cell): the user namespace, IPython's history and output cache cleared and
its execution counter back at 1; matplotlib's figures closed and its rc parameters (seaborn's theme
included) restored; the warning filters restored (which also empties the registries that show a
warning only once); numpy's error and print settings, the states of numpy's and Python's global
random generators, the environment and the working folder restored. What a notebook leaves behind
otherwise is imported modules and the package's caches of pure functions (the codebook, the message
catalogs, the design constants), which hold the same values whichever run filled them. A run that
fails, or whose kernel died, does not hand its kernel on: the next run starts a new one; so does a
run in another project folder. A build's worker starts its kernel as soon as it is spawned (`prestart`)
and imports the libraries every notebook imports first (`PRELOAD`) while the data are checked, so its
first run does not wait for them either. tests/test_kernel.py changes each of these in one notebook and checks
that the next one sees a new kernel's state; the forced rebuild of tests/test_pipeline.py (runs after
other runs in their kernels) gives byte-identical results.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from queue import Empty

from jupyter_core.utils import run_sync
from nbclient.util import run_hook
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

ENGINE = "cooperate-warm-kernel"
KERNEL_NAME = "python3"
# kernels inherit a fixed hash seed: some libraries (semopy) order parameters by set iteration, so an
# ill-conditioned fit would otherwise differ in the last digits from one run to the next
KERNEL_HASH_SEED = "0"
STATE_MODULE = "__cooperate_kernel_state__"
# the kernel's arguments (papermill passes them to nbclient, `WarmKernel.start` to the kernel manager): it
# logs a harmless KeyboardInterrupt when it is shut down; nbclient keeps IPython's history in memory
EXTRA_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
HISTORY_ARGUMENT = "--HistoryManager.hist_file=:memory:"
# What a kernel started ahead of its first notebook imports while it waits (`WarmKernel.start`): the
# libraries and the package modules the notebooks' first cells import (`NOTEBOOK_MODULES`; a test keeps
# the list in step with the notebooks of pipeline.yml), inside a function so that no name is left in the
# namespace. It also fills the package's caches every notebook reads first (the codebook, each language's
# messages and number format) and draws one text, which loads the figures' font. `RESET` records the kernel's state
# before they are imported (their warning filters, the package's matplotlib backend), so the first
# notebook gets a new kernel's state back as every later one does. A kept kernel holds these modules and
# caches after its first notebook anyway. A worker does this before it takes its first run, while the
# build checks the data: the first run of each kernel no longer pays it (0.1-0.2 s).
NOTEBOOK_MODULES = (
    "data.codebook", "data.dataset", "data.derived", "data.population", "data.report_facts", "data.synthetic",
    "present.appendix", "present.channels", "present.cross_district", "present.district", "present.figures",
    "present.measurement", "present.methods", "present.paper", "present.phrases", "present.published",
    "present.reasons", "present.regression", "present.regression_figures", "present.report", "present.speccurve",
    "present.sustainability", "runner.results", "runner.runs", "stats.adoption",
    "stats.estimability", "stats.inference", "stats.measures", "stats.models", "stats.speccurve")
PRELOAD = f"""
def __cooperate_preload():
    import gc, importlib
    import numpy, pandas, scipy.stats, statsmodels.api, matplotlib.pyplot, seaborn, IPython.display
    for name in {NOTEBOOK_MODULES!r}:
        importlib.import_module("cooperate_analysis." + name)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from cooperate_analysis.data.codebook import load_codebook
    from cooperate_analysis.present import formatting, i18n
    load_codebook()
    for lang in i18n.LANGS:
        i18n.messages(lang)
        formatting.number(0.5, 2, lang)
    figure = Figure()
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, "0,5", fontweight="bold")
    figure.text(0.5, 0.2, "0.5")
    figure.canvas.draw()
    gc.collect()
    gc.freeze()
__cooperate_preload()
del __cooperate_preload
"""

# Runs in the kernel before every notebook. The first time it records the state (after importing what
# every notebook imports first, so that matplotlib's rc parameters are the ones a fresh import gives);
# every later time it restores that state and resets IPython. What is left then (modules, the package's
# caches) lives as long as the kernel: `gc.freeze` takes it out of the cyclic garbage collector's passes
# (so does PRELOAD after its imports), which otherwise walked its 230,000 objects in each full collection,
# twice per reset (IPython's reset collects too): the reset took 0.23-0.31 s, now 0.02 s. Reference
# counting still frees frozen objects; only a reference cycle among them would stay until the kernel ends.
RESET = f"""
def __cooperate_reset():
    import copy, gc, os, random, sys, types, warnings
    import numpy
    import matplotlib
    import matplotlib.pyplot as plt
    state = sys.modules.get({STATE_MODULE!r})
    if state is None:
        state = types.ModuleType({STATE_MODULE!r})
        state.filters = list(warnings.filters)
        state.rc = copy.deepcopy(dict(dict.items(matplotlib.rcParams)))
        state.numpy_err, state.numpy_print = numpy.geterr(), numpy.get_printoptions()
        state.numpy_random, state.random = numpy.random.get_state(), random.getstate()
        state.environ, state.cwd = dict(os.environ), os.getcwd()
        sys.modules[state.__name__] = state
        return
    plt.close("all")
    dict.update(matplotlib.rcParams, copy.deepcopy(state.rc))
    warnings.filters[:] = state.filters
    warnings._filters_mutated()  # forget which warnings were already shown once
    numpy.seterr(**state.numpy_err)
    numpy.set_printoptions(**state.numpy_print)
    numpy.random.set_state(state.numpy_random)
    random.setstate(state.random)
    os.environ.clear()
    os.environ.update(state.environ)
    os.chdir(state.cwd)
    get_ipython().reset(new_session=True)
    gc.collect()
    gc.freeze()
__cooperate_reset()
"""


class KernelError(RuntimeError):
    """The kernel could not be put back into its starting state."""


class WarmKernel:
    """One kernel, started ahead (`start`) or by the first notebook executed in it, and kept for the next ones."""

    def __init__(self, socket_prefix: str):
        from jupyter_client.manager import AsyncKernelManager
        from traitlets.config import Config

        # IPC sockets in a private folder: no TCP port races between parallel kernels
        self.sockets = Path(tempfile.mkdtemp(prefix=socket_prefix))
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(self.sockets / "kernel")
        self.config = config
        self.manager = AsyncKernelManager(kernel_name=KERNEL_NAME, config=config)
        self.cwd = os.getcwd()  # the project folder it runs in (notebooks read and write relative paths)
        # the kernel inherits this process's environment whether `start` or nbclient starts it
        os.environ["PYTHONHASHSEED"] = KERNEL_HASH_SEED

    def start(self) -> None:
        """Start the kernel now, as nbclient would start it for the first notebook (same arguments and
        working folder), record its state (`RESET`) and import `PRELOAD` in it: a worker does this
        before its first run is ready."""
        if self.manager.has_kernel:
            return
        run_sync(self.manager.start_kernel)(extra_arguments=[*EXTRA_ARGUMENTS, HISTORY_ARGUMENT], cwd=self.cwd)
        client = self.manager.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=60)
            run_sync(_silently)(client, RESET + PRELOAD, "could not import the libraries")
        finally:
            client.stop_channels()

    def alive(self) -> bool:
        return not self.manager.has_kernel or bool(run_sync(self.manager.is_alive)())

    def close(self) -> None:
        try:
            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            shutil.rmtree(self.sockets, ignore_errors=True)


_warm: WarmKernel | None = None


def kernel(socket_prefix: str) -> WarmKernel:
    """This process's warm kernel: the one kept from its last run if that run succeeded, else a new one."""
    global _warm
    if _warm is not None and (_warm.cwd != os.getcwd() or not _warm.alive()):
        discard()
    if _warm is None:
        _warm = WarmKernel(socket_prefix)
    return _warm


def prestart(socket_prefix: str) -> None:
    """Start this process's warm kernel ahead of its first run (`WarmKernel.start`). A kernel that cannot
    start is dropped silently: the first run then starts its own and reports what goes wrong."""
    try:
        kernel(socket_prefix).start()
    except Exception:  # noqa: BLE001 - reported by the run that needs the kernel
        discard()


def discard() -> None:
    """Shut the warm kernel down (after a failed run, and when the build or its worker ends)."""
    global _warm
    warm, _warm = _warm, None
    if warm is not None:
        warm.close()


async def _silently(client, code: str, failure: str) -> None:
    """Execute `code` in the kernel of `client` (a kernel client) without output or history; KernelError
    ("the kernel `failure`: ...") if it raised."""
    reply = await client.execute_interactive(code, silent=True, store_history=False, timeout=120,
                                             output_hook=lambda msg: None)
    if reply["content"]["status"] != "ok":
        raise KernelError(f"the kernel {failure}: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")


async def _ready(client, timeout: float) -> None:
    """jupyter_client's `wait_for_ready` without its last step. Like it: a kernel_info request answered on
    the shell channel while a message arrives on IOPub (so the new subscription is live), else again,
    until the kernel dies or `timeout` passes. It then also waits until IOPub has been silent for 0.2 s,
    which every notebook paid (about 13 runs a build); nbclient does not need it, as it reads only the
    replies and outputs of its own requests (their parent message ids) and skips the others."""
    deadline = time.monotonic() + timeout
    while True:
        client.kernel_info()
        try:
            reply = await client.get_shell_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await client.get_iopub_msg(timeout=0.2)
                return
            except Empty:
                pass
        if not await client.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


class _WarmClient(PapermillNotebookClient):
    """papermill's notebook client, its kernel client made ready by `_ready`."""

    async def async_start_new_kernel_client(self):
        """nbclient's, with `_ready` for the kernel client's `wait_for_ready`."""
        try:
            self.kc = self.km.client()
            self.kc.start_channels()
            await _ready(self.kc, self.startup_timeout)
        except Exception as exc:
            self.log.error(f"Error occurred while starting new kernel client for kernel "
                           f"{getattr(self.km, 'kernel_id', None)}: {exc}")
            await self._async_cleanup_kernel()
            raise
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)  # what papermill's setup_kernel calls


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine with a kernel manager it does not own: the kernel outlives the notebook.

    The executed notebook is written once, when execution ends (papermill's `notebook_complete`, also
    after an error or a dead kernel), not at the start and end of every cell as papermill does: with
    the figures' PNG in the outputs each write took 6-12 ms, during which the kernel waited for its next
    cell (1-2 s of a 71-cell district notebook). Nothing reads the notebook while it executes."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                             kernel_name=kernel_name, log=logger, log_output=log_output,
                             stdout_file=stdout_file, stderr_file=stderr_file)
        client = _WarmClient(nb_man, **final)

        async def reset(notebook):
            await _silently(client.kc, RESET, "could not be reset before the notebook")

        client.on_notebook_start = reset
        path, nb_man.output_path = nb_man.output_path, None  # no write per cell: papermill writes when it ends
        try:
            return client.execute()
        finally:
            nb_man.output_path = path
            if client.kc is not None:
                client.kc.stop_channels()


papermill_engines.register(ENGINE, WarmKernelEngine)
