"""Device choice (auto / cpu / cuda) and batch sizes that fit the memory there is."""
from __future__ import annotations

import glob
import os
import sys
from dataclasses import dataclass, field

from .errors import DeepMapperError
from .messages import _

DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class Device:
    kind: str  # "cpu" or "cuda"
    index: int = 0
    reason: str = field(default="", compare=False)  # why this device, for the run's log

    @property
    def torch_name(self) -> str:
        return "cuda:%d" % self.index if self.kind == "cuda" else "cpu"


# Which runtime runs each model format (see models/backends): only that runtime is asked about CUDA, so an ONNX
# model never imports torch (about 465 MB and most of a second, measured in docs/benchmarks.md).
RUNTIMES = {"onnx": "onnxruntime", "torch_state_dict": "torch", "torchscript": "torch", "lightgbm": None}


def nvidia_driver_present() -> bool:
    """False when this machine certainly has no NVIDIA driver (Linux: no /proc/driver/nvidia and no /dev/nvidia*;
    Windows: no nvcuda.dll; macOS), so that no runtime needs to be imported to learn that CUDA is unusable: asking
    torch costs its import (1.1 s, about 465 MB) even for a torch model that then runs on its ONNX export. True
    when the driver is there or the platform cannot tell."""
    if sys.platform.startswith("linux"):
        return os.path.exists("/proc/driver/nvidia/version") or bool(glob.glob("/dev/nvidia[0-9]*"))
    if sys.platform == "win32":
        import ctypes.util
        return ctypes.util.find_library("nvcuda") is not None
    return sys.platform != "darwin"


def cuda_available(runtime: str | None) -> bool:
    """True if `runtime` ('torch' or 'onnxruntime') can run on a CUDA GPU here (never raises)."""
    if runtime and not nvidia_driver_present():
        return False
    try:
        if runtime == "torch":
            import torch
            return bool(torch.cuda.is_available())
        if runtime == "onnxruntime":
            import onnxruntime
            return "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    except Exception:  # runtime missing or broken: the backend reports that itself
        return False
    return False  # CPU-only runtimes (LightGBM)


def onnx_on_torch_cuda() -> bool:
    """True when an ONNX graph can run on a CUDA GPU through torch (never raises): torch sees a GPU and onnx and
    onnx2torch are installed. Asked only for DEVICE=cuda when onnxruntime itself has no CUDA (the CPU wheel, or an
    onnxruntime-gpu built for another CUDA): the PyTorch group the plugin installs brings a CUDA torch, while a
    matching onnxruntime-gpu is a second runtime of several hundred MB."""
    import importlib.util
    if importlib.util.find_spec("onnx2torch") is None or importlib.util.find_spec("onnx") is None:
        return False
    return cuda_available("torch")


def choose_device(requested: str = "auto", model_format: str = "onnx") -> Device:
    requested = (requested or "auto").lower()
    if requested not in DEVICES:
        raise DeepMapperError(_("Unknown DEVICE '{requested}'; use one of {devices}.").format(
            requested=requested, devices=', '.join(DEVICES)))
    if requested == "cpu":
        return Device("cpu", reason=_("DEVICE=cpu asked for"))
    runtime = RUNTIMES.get(model_format)
    if cuda_available(runtime):
        return Device("cuda", reason=_("DEVICE={requested} and {runtime} sees a CUDA GPU").format(
            requested=requested, runtime=runtime))
    # Only when asked for: on the GPU machine measured (docs/benchmarks.md, "GPU") this path lost to 16 CPU cores
    # below about 4000² pixels (torch's import and the graph's conversion cost 15 s), and DEVICE=auto keeps an ONNX
    # run from importing torch.
    if model_format == "onnx" and requested == "cuda" and onnx_on_torch_cuda():
        return Device("cuda", reason=_("DEVICE={requested}: onnxruntime has no CUDA here, but torch sees a CUDA GPU, "
                                       "so the ONNX graph runs on torch (onnx2torch)").format(requested=requested))
    if requested == "cuda":
        raise DeepMapperError(_("DEVICE=cuda was asked for, but {runtime} cannot use a CUDA GPU here (no GPU, or a "
                                "build without CUDA). Choose Automatic (DEVICE=auto) or CPU (DEVICE=cpu).").format(
            runtime=runtime or _('this model')))
    if runtime:
        return Device("cpu", reason=_("DEVICE=auto and {runtime} sees no CUDA GPU").format(runtime=runtime))
    return Device("cpu", reason=_("DEVICE=auto and {format} models run on the CPU only").format(format=model_format))


PRECISIONS = ("auto", "float32", "int8")


@dataclass(frozen=True)
class Precision:
    """The numbers a model computes in: 'float32', 'float16' (half, CUDA) or 'int8' (quantised graph, CPU)."""

    kind: str
    reason: str = field(default="", compare=False)  # why, for the run's log


def choose_precision(requested: str, device: Device, model_format: str, half_allowed: bool,
                     int8_allowed: bool, model_id: str = "") -> Precision:
    """PRECISION (auto / float32 / int8) for a model on `device`. auto: float16 on CUDA for PyTorch models whose
    card allows it, float32 otherwise. int8 runs on the CPU only: on CUDA it falls back to auto, with the reason.

    Raises DeepMapperError for an unknown value, or int8 for a model without an 8-bit version (int8_allowed: an
    ONNX model whose card names an int8 calibration table)."""
    requested = (requested or "auto").lower()
    if requested not in PRECISIONS:
        raise DeepMapperError(_("Unknown PRECISION '{requested}'; use one of {precisions}.").format(
            requested=requested, precisions=", ".join(PRECISIONS)))
    if requested == "int8" and not int8_allowed:
        raise DeepMapperError(_(
            "Model '{model}' has no 8-bit version: PRECISION=int8 needs an ONNX model whose card names an int8 "
            "calibration table (quantization.int8_calibration); of the bundled models, the UKIS L1C cloud models "
            "have one. Use PRECISION=auto. For an ONNX model of your own, the README's section 'PRECISION=int8' "
            "says how to make a table.").format(model=model_id))
    if requested == "int8" and device.kind != "cuda":
        return Precision("int8", _("8-bit quantised graph, PRECISION=int8 asked for"))
    if requested == "float32":
        return Precision("float32", _("PRECISION=float32 asked for"))

    def as_auto(reason: str) -> str:
        return _("PRECISION=int8 is for the CPU, so as auto: {reason}").format(reason=reason) \
            if requested == "int8" else reason

    if device.kind != "cuda":
        return Precision("float32", as_auto(_("half precision is for CUDA only")))
    if RUNTIMES.get(model_format) != "torch":
        why = _("half precision is used for PyTorch models only, this is {format}").format(format=model_format)
        return Precision("float32", as_auto(why))
    if half_allowed:
        return Precision("float16", as_auto(_("half precision: CUDA, and the model card allows it")))
    return Precision("float32", as_auto(_("the model card does not allow half precision")))


def describe(device: Device, precision: Precision) -> str:
    """The device and numeric precision of a run, with the reasons, for its log: e.g. 'cpu (DEVICE=auto and
    onnxruntime sees no CUDA GPU), float32 (half precision is for CUDA only)'."""
    return f"{device.torch_name} ({device.reason or _('as asked')}), {precision.kind} ({precision.reason})"


HOST_BATCH_BYTES = 128 << 20  # the input of one CUDA batch in host memory, at most (see auto_batch_size)


def auto_batch_size(device: Device, tile_size: int, channels: int, bytes_per_pixel_per_channel: int = 4 * 64) -> int:
    """Tiles per batch from free memory: half of free GPU memory on CUDA, and at most HOST_BATCH_BYTES of float32
    input, since the engine holds several batches in host memory (in flight, pinned copies, outputs): 64 tiles of
    512 px and 10 bands took 3.3 GB of RAM on an H200 machine, and the GPU waited for the CPU anyway. On the CPU one
    tile at a time: the runtimes already use every core inside each layer, and larger batches only cost memory
    (measured: +160 MB for 4 tiles of the UKIS U-Net, no faster). The per-pixel cost is a deliberate overestimate of
    a U-Net's activations."""
    if device.kind != "cuda":
        return 1
    host = max(1, HOST_BATCH_BYTES // (tile_size * tile_size * channels * 4))
    try:
        import torch
        free, _total = torch.cuda.mem_get_info(device.index)
    except Exception:
        return min(8, host)
    per_tile = tile_size * tile_size * max(channels, 8) * bytes_per_pixel_per_channel
    return int(max(1, min(64, host, (free // 2) // per_tile)))


def physical_cores() -> int:
    """CPU cores this process may use: physical cores (psutil, where installed) within its CPU affinity; the
    runtimes' own default thread count is one per physical core."""
    logical = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        import psutil
        physical = psutil.cpu_count(logical=False)
    except Exception:  # not installed, or no answer on this platform
        physical = None
    return max(1, min(physical or logical, logical))


CPU_CALLS = 2  # forward calls at once on the CPU, when there are cores for it (see cpu_calls)
# Largest tile side (pixels) that runs as several calls at once: each call holds its own activations, so 512 px
# tiles of the guided super-resolution model took 1359 MB instead of 1009 MB as two calls.
CALLS_TILE_MAX = 256


def cpu_calls(threads: int = 0, tile_size: int = CALLS_TILE_MAX) -> tuple[int, int]:
    """(forward calls at once, intra-op threads each) for `threads` CPU threads in all (0: one per physical core),
    on tiles of `tile_size` pixels (above CALLS_TILE_MAX: one call of every thread, for memory).

    Why two calls of half the threads instead of one call of all: inside one call the threads wait for each other
    at every small operator (depthwise convolutions, squeeze-and-excitation), so two independent calls keep the
    cores busier. Measured on 2 cores, 256 px tiles, ms a tile with 2 calls of 1 thread against 1 call of 2: the
    UKIS 6-band graph in onnxruntime (spinning off) 54-55 against 61-70 (3 or 4 calls of 1 thread: 55-57), its
    int8 graph 26 against 35-38; torch, landcover_s2 41 against 57, buildings (4 flips) 200 against 245. Results are
    bit for bit the same (docs/benchmarks.md). Machines with more cores were not measured: they get 2 calls of half
    the threads each, which keeps each call's own parallelism."""
    total = threads if threads > 0 else physical_cores()
    calls = CPU_CALLS if total >= CPU_CALLS and tile_size <= CALLS_TILE_MAX else 1
    return calls, max(total // calls, 1)
