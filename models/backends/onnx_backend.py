"""ONNX Runtime backend: CUDA execution provider where present, CPU otherwise."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from ...plugin.core.engine.device import CALLS_TILE_MAX, Device, cpu_calls
from ...plugin.core.engine.errors import DeepMapperError, require
from ...plugin.core.engine.messages import N_, _
from .optimized_graph import CPU, cpu_session


def free_spatial_size(weights: Path) -> bytes:
    """The ONNX graph at `weights` with free batch, height and width dimensions, serialised, for a card whose
    tiling.free_input_size says the fixed input size of the exported graph is only a declaration (a fully
    convolutional network, padding and upsampling that do not depend on the size): large tiles then waste fewer
    pixels on overlap. The file itself is never changed. Inferred intermediate shapes (value_info) are dropped, as
    they carry the old size; onnxruntime infers them again."""
    onnx = require("onnx", N_("ONNX models whose card sets tiling.free_input_size"))
    try:
        model = onnx.load(str(weights))
    except Exception as exc:  # protobuf's own exception types
        raise DeepMapperError(_("'{weights}' could not be read as an ONNX graph ({exc}): the file is corrupt or not "
                              "ONNX. Reinstall or re-export the model.").format(weights=weights, exc=exc)) from exc
    del model.graph.value_info[:]
    for value in (*model.graph.input, *model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if len(dims) != 4:
            raise DeepMapperError(_("'{weights}': graph {value_name!r} has {n_dims} dimensions, not (N, C, H, W); "
                                  "remove tiling.free_input_size from the model card.").format(
                weights=weights, value_name=value.name, n_dims=len(dims)))
        for i, name in ((0, "batch"), (2, "height"), (3, "width")):
            dims[i].Clear()
            dims[i].dim_param = name
    return model.SerializeToString()


def onnx_runner(weights: Path, device: Device, threads: int = 0, free_size: bool = False, tile_size: int = 256,
                cache: Path | None = None):
    """A callable (N, C, H, W) float32 -> first graph output. On the CPU the session takes several calls at once
    on the card's `tile_size` (device.cpu_calls: `threads` in all, 0 for one per physical core, shared between
    the calls) and says how many through the callable's `calls_at_once(tile_size)`; on CUDA, one call of `threads`
    at a time. `free_size` (see free_spatial_size): tiles of the graph's declared size run on the graph as exported,
    bit for bit as the authors' own code runs it; the first tile of another size builds, once, a second session on
    the free-size graph (needs `onnx`), which then serves every size, one call at a time with every thread (two
    large tiles at once would hold twice the activations). A graph whose size is free already (a torch model's
    export) runs tiles above device.CALLS_TILE_MAX the same way, on a session of every thread. A call the graph
    refuses (a fixed batch or tile size) raises DeepMapperError naming the shapes and the fix. `cache`: the folder where onnxruntime's optimised graph of
    `weights` is kept for the next runs on this CPU (optimized_graph.cpu_session; None: optimised afresh)."""
    ort = require("onnxruntime", N_("ONNX models"))
    providers = ["CPUExecutionProvider"]
    if device.kind == "cuda":
        if "CUDAExecutionProvider" not in ort.get_available_providers():
            raise DeepMapperError(_("DEVICE=cuda was asked for, but this onnxruntime has no CUDA support; install "
                                  "onnxruntime-gpu, or use DEVICE=auto or cpu."))
        providers.insert(0, "CUDAExecutionProvider")
        calls, each = 1, threads
    else:
        calls, each = cpu_calls(threads, tile_size)
    fixed = _session(ort, weights, weights, providers, each, arena=True, cache=cache)
    name = fixed.get_inputs()[0].name
    declared = tuple(fixed.get_inputs()[0].shape[2:])
    graph_input = " x ".join(str(d) for d in fixed.get_inputs()[0].shape)  # for errors: `fixed` itself may go
    sessions = {"fixed": fixed}
    lock = threading.Lock()

    def forward(x):
        if free_size and x.shape[2:] != declared:
            return whole("free", lambda: free_spatial_size(weights), arena=False).run(None, {name: x})[0]
        if calls > 1 and max(x.shape[2:]) > CALLS_TILE_MAX:  # a graph of free size (a torch export), large tiles
            return whole("whole", lambda: weights, arena=True).run(None, {name: x})[0]
        return sessions.get("fixed", sessions.get("free", sessions.get("whole"))).run(None, {name: x})[0]

    def whole(key: str, graph, arena: bool):
        """The session of every thread for tiles that run one call at a time, built at the first such tile. Free
        size: an arena would keep the largest activations reserved (1.26/0.82 GB)."""
        with lock:
            if key not in sessions:
                sessions[key] = _session(ort, graph(), weights, providers, calls * each, arena=arena,
                                         cache=cache if key == "whole" else None)
                sessions.pop("fixed", None)  # one session's weights in memory, not two
        return sessions[key]

    def run(x):
        try:
            return forward(x)
        except DeepMapperError:
            raise
        except Exception as exc:  # onnxruntime's own exception types (InvalidArgument, Fail, ...)
            raise DeepMapperError(_("The ONNX model '{weights}' refused a batch of {shape} (its input is {graph}): "
                                  "{reason}. A graph exported for a fixed batch or tile size needs BATCH_SIZE=1 and "
                                  "TILE_SIZE equal to its input size; or export it with free dimensions.").format(
                weights=weights.name, shape=" x ".join(map(str, x.shape)), graph=graph_input,
                reason=str(exc).strip().splitlines()[0][:300])) from exc

    def calls_at_once(tile_size: int) -> int:
        if free_size and (tile_size, tile_size) != declared:
            return 1
        return calls if tile_size <= CALLS_TILE_MAX else 1

    run.calls_at_once = calls_at_once
    return run


SPINNING_VARIABLE = "DEEPMAPPER_ORT_SPINNING"  # "1": onnxruntime's own default (worker threads spin between runs)


def spinning() -> str:
    """The value of onnxruntime's session.intra_op.allow_spinning: "0" (the plugin's default) or "1".

    Why off: spinning worker threads keep every core busy between forward calls, while the engine's reader and
    writer threads, QGIS's map rendering and other programs need them. On the 2-core test machine, shared with other
    work, a 4096² cloud mask through qgis_process took 0.90x the CPU time of the spinning default at the same wall
    time (paired median of 5, 0.996x), in-process 0.79-0.87x the CPU and 0.86-0.92x the wall time; outputs are
    identical and times scatter less. On an idle machine the bare forward pass is about 10 % slower without
    spinning: DEEPMAPPER_ORT_SPINNING=1 restores it for dedicated batch machines. Figures: docs/benchmarks.md."""
    return "1" if os.environ.get(SPINNING_VARIABLE, "").strip() == "1" else "0"


def _session(ort, graph: Path | bytes, weights: Path, providers: list[str], threads: int, arena: bool,
             cache: Path | None = None):
    """A session of `graph` (a file, or a serialised graph), with the plugin's thread and arena options; on the CPU
    a file's optimised graph is kept in `cache` (see optimized_graph.cpu_session)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1  # one graph at a time: no second pool competing for the same cores
    options.add_session_config_entry("session.intra_op.allow_spinning", spinning())
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = arena
    try:
        if providers == CPU and isinstance(graph, Path):
            return cpu_session(ort, graph, options, cache)
        return ort.InferenceSession(graph if isinstance(graph, bytes) else str(graph), sess_options=options,
                                    providers=providers)
    except Exception as exc:  # onnxruntime raises its own exception types
        raise DeepMapperError(_("'{weights}' could not be loaded as an ONNX model ({exc}): the file is "
                              "corrupt or not ONNX. Reinstall or re-export the model, and update the SHA-256 in its "
                              "card.").format(weights=weights, exc=exc)) from exc
