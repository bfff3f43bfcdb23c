"""onnxruntime's optimised graph of an ONNX model, kept between runs on the CPU.

Why: creating a session optimises the graph (constant folding, operator fusion, the CPU's blocked NCHWc layout) on
every run: 0.37-0.65 s for the UKIS U-Net on the 2-core test machine, the longest step before the first tile. A
session on the graph onnxruntime saved after that optimisation, created with optimisation off, takes about 0.06 s
(0.11 s with the check of its SHA-256) and computes the same bits at the same speed (tests/test_optimized_graph.py,
docs/benchmarks.md). Such a graph may use kernels of this CPU's instruction set (onnxruntime documentation, "Graph
optimizations": an ORT_ENABLE_ALL model saved offline is hardware-specific), so its cache key holds the CPU's identity
and the onnxruntime version besides the SHA-256 of the source graph and the optimisation level. Graphs that keep
their weights in external data files are not cached: the saved graph would hold the weights, and the key would not
see those files change.
"""
from __future__ import annotations

import hashlib
import platform
from functools import lru_cache
from pathlib import Path

from ..cache import building, intact, safe_name, tidy, touch
from ..registry import sha256_of

CPU = ["CPUExecutionProvider"]
TEMP_PREFIX = ".optimizing-"  # a graph being saved (see cache.tidy)
_EXTERNAL_DATA = b"\x0a\x08location"  # TensorProto.external_data's key "location", as protobuf stores it


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


@lru_cache(maxsize=16)
def _has_external_data(path: str, _size: int, _mtime: int) -> bool:
    tail = b""
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            if _EXTERNAL_DATA in tail + chunk[:len(_EXTERNAL_DATA)] or _EXTERNAL_DATA in chunk:
                return True
            tail = chunk[-(len(_EXTERNAL_DATA) - 1):]
    return False


def uses_external_data(graph: Path) -> bool:
    """True when the ONNX file refers to external data files (or might: a node or tensor named 'location' also
    counts, which only costs the cache)."""
    info = graph.stat()
    return _has_external_data(str(graph), info.st_size, info.st_mtime_ns)


def cached_graph_path(ort, graph: Path, folder: Path, level) -> Path:
    """Where the optimised graph of `graph` for this CPU, onnxruntime version and optimisation `level` is kept."""
    key = hashlib.sha256(f"{sha256_of(graph)}:{ort.__version__}:{int(level)}:{cpu_identity()}".encode())
    return folder / f"{safe_name(graph.stem)}-{key.hexdigest()[:16]}.onnx"


def cpu_session(ort, graph: Path, options, folder: Path | None):
    """An onnxruntime CPU session of the ONNX file `graph` with `options` (an ort.SessionOptions, changed here):
    created from the cached optimised graph in `folder` when it is there, intact and this account's (cache.intact),
    else from `graph`, saving the optimised graph into `folder` for the next run (written under a temporary name,
    moved into place with its SHA-256). The cache never makes a run fail: an unwritable folder, a path onnxruntime
    cannot take, or a graph it cannot reload only costs the optimisation time. Errors of `graph` itself are
    onnxruntime's, as from ort.InferenceSession."""
    if folder is None or uses_external_data(graph):
        return _plain(ort, graph, options)
    level = options.graph_optimization_level
    target = cached_graph_path(ort, graph, folder, level)
    tidy(folder, TEMP_PREFIX)
    if intact(target):
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # done once, when saved
        try:
            session = ort.InferenceSession(str(target), sess_options=options, providers=CPU)
        except Exception:  # onnxruntime's own types: e.g. saved by a build that cannot read it back; save again
            options.graph_optimization_level = level
        else:
            touch(target)
            return session
    session = None
    try:
        with building(target, TEMP_PREFIX) as built:
            options.optimized_model_filepath = str(built)  # a TypeError when onnxruntime cannot encode the path
            session = ort.InferenceSession(str(graph), sess_options=options, providers=CPU)
    except Exception:  # OSError (read-only or full disk, a file where the folder is), onnxruntime's, TypeError
        pass
    return session if session is not None else _plain(ort, graph, options)  # made but not kept: still good


def _plain(ort, graph: Path, options):
    options.optimized_model_filepath = ""
    return ort.InferenceSession(str(graph), sess_options=options, providers=CPU)

