"""Device choice (auto / cpu / cuda) and batch sizes that fit the memory there is."""
from __future__ import annotations

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


def cuda_available(runtime: str | None) -> bool:
    """True if `runtime` ('torch' or 'onnxruntime') can run on a CUDA GPU here (never raises)."""
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


def choose_device(requested: str = "auto", model_format: str = "onnx") -> Device:
    requested = (requested or "auto").lower()
    if requested not in DEVICES:
        raise DeepMapperError(_("Unknown DEVICE '{requested}'; use one of {devices}.").format(
            requested=requested, devices=', '.join(DEVICES)))
    if requested == "cpu":
        return Device("cpu", reason="DEVICE=cpu asked for")
    runtime = RUNTIMES.get(model_format)
    if cuda_available(runtime):
        return Device("cuda", reason=f"DEVICE={requested} and {runtime} sees a CUDA GPU")
    if requested == "cuda":
        raise DeepMapperError(_("DEVICE=cuda was asked for, but {runtime}'s runtime cannot use a CUDA "
                              "GPU here (no GPU, or a build without CUDA). Use DEVICE=auto or cpu.").format(
            runtime=runtime or 'this model'))
    why = f"{runtime} sees no CUDA GPU" if runtime else f"{model_format} models run on the CPU only"
    return Device("cpu", reason=f"DEVICE=auto and {why}")


def describe(device: Device, model_format: str, half_allowed: bool) -> str:
    """The device and numeric precision of a run, with the reasons, for its log: e.g. 'cpu (DEVICE=auto and
    onnxruntime sees no CUDA GPU), float32 (half precision is for CUDA only)'."""
    if device.kind != "cuda":
        precision = "float32 (half precision is for CUDA only)"
    elif RUNTIMES.get(model_format) != "torch":
        precision = f"float32 (half precision is used for PyTorch models only, this is {model_format})"
    elif half_allowed:
        precision = "float16 half precision (CUDA, and the model card allows it)"
    else:
        precision = "float32 (the model card does not allow half precision)"
    return f"{device.torch_name} ({device.reason or 'as asked'}), {precision}"


def auto_batch_size(device: Device, tile_size: int, channels: int, bytes_per_pixel_per_channel: int = 4 * 64) -> int:
    """Tiles per batch from free memory: half of free GPU memory on CUDA. On the CPU one tile at a time: the runtimes
    already use every core inside each layer, and larger batches only cost memory (measured: +160 MB for 4 tiles of
    the UKIS U-Net, no faster). The per-pixel cost is a deliberate overestimate of a U-Net's activations."""
    if device.kind != "cuda":
        return 1
    try:
        import torch
        free, _total = torch.cuda.mem_get_info(device.index)
    except Exception:
        return 8
    per_tile = tile_size * tile_size * max(channels, 8) * bytes_per_pixel_per_channel
    return int(max(1, min(64, (free // 2) // per_tile)))
