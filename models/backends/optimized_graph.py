"""onnxruntime's optimised graph of an ONNX model, kept between runs on the CPU.

Why: creating a session optimises the graph (constant folding, operator fusion, the CPU's blocked NCHWc layout) on
every run: 0.37-0.65 s for the UKIS U-Net on the 2-core test machine, the longest step before the first tile. A
session on the graph onnxruntime saved after that optimisation, created with optimisation off, takes about 0.06 s and
computes the same bits at the same speed (tests/test_optimized_graph.py, docs/benchmarks.md). Such a graph may use
kernels of this CPU's instruction set (onnxruntime documentation, "Graph optimizations": an ORT_ENABLE_ALL model saved
offline is hardware-specific), so its cache key holds the CPU's identity and the onnxruntime version besides the
SHA-256 of the source graph and the optimisation level.
"""
from __future__ import annotations

import hashlib
import os
import platform
import tempfile
import time
from functools import lru_cache
from pathlib import Path

from ..cache import intact, publish
from ..registry import sha256_of

CPU = ["CPUExecutionProvider"]
STALE_S = 3600  # a '.optimizing-*' file untouched this long was left by a killed run (saving takes a second)


@lru_cache(maxsize=1)
def cpu_identity() -> str:
    """The CPU model and instruction-set flags (Linux: the first processor of /proc/cpuinfo), else what platform
    says: what decides which kernels an optimised graph may use."""
    fields: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if not line.strip():
                    break  # the first processor only
                key, _sep, value = line.partition(":")
                if key.strip() in ("vendor_id", "model name", "flags", "Features", "CPU implementer", "CPU part"):
                    fields[key.strip()] = " ".join(sorted(value.split()))
    except OSError:
        pass
    return "|".join([platform.machine(), platform.processor(), *(f"{k}={v}" for k, v in sorted(fields.items()))])


def cached_graph_path(ort, graph: Path, folder: Path, level) -> Path:
    """Where the optimised graph of `graph` for this CPU, onnxruntime version and optimisation `level` is kept."""
    key = hashlib.sha256(f"{sha256_of(graph)}:{ort.__version__}:{int(level)}:{cpu_identity()}".encode())
    return folder / f"{graph.stem}-{key.hexdigest()[:16]}.onnx"


def cpu_session(ort, graph: Path, options, folder: Path | None):
    """An onnxruntime CPU session of the ONNX file `graph` with `options` (an ort.SessionOptions, changed here):
    created from the cached optimised graph in `folder` when it is there and intact, else from `graph`, saving the
    optimised graph into `folder` for the next run (written under a temporary name, moved into place with its
    SHA-256). The cache never makes a run fail: an unwritable folder or a graph onnxruntime cannot reload only
    costs the optimisation time. Errors of `graph` itself are onnxruntime's, as from ort.InferenceSession."""
    if folder is None:
        return ort.InferenceSession(str(graph), sess_options=options, providers=CPU)
    level = options.graph_optimization_level
    target = cached_graph_path(ort, graph, folder, level)
    if intact(target):
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # done once, when saved
        try:
            return ort.InferenceSession(str(target), sess_options=options, providers=CPU)
        except Exception:  # onnxruntime's own types: e.g. saved by a build that cannot read it back; save again
            options.graph_optimization_level = level
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale(folder)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".optimizing-", suffix=".onnx")
        os.close(handle)
        os.chmod(name, 0o644)  # mkstemp's 0600 would hide it from the other users of a shared DEEPMAPPER_CACHE
    except OSError:  # read-only or full disk, a file where the folder should be: run without the cache
        return ort.InferenceSession(str(graph), sess_options=options, providers=CPU)
    built = Path(name)
    options.optimized_model_filepath = str(built)
    try:
        session = ort.InferenceSession(str(graph), sess_options=options, providers=CPU)
    except Exception:
        built.unlink(missing_ok=True)
        options.optimized_model_filepath = ""
        return ort.InferenceSession(str(graph), sess_options=options, providers=CPU)  # its own error, if any
    try:
        publish(built, target)
    except OSError:
        built.unlink(missing_ok=True)
    return session


def _remove_stale(folder: Path) -> None:
    limit = time.time() - STALE_S
    for old in folder.glob(".optimizing-*"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:  # removed meanwhile by another run
            pass
