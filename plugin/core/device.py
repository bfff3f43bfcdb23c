"""Device choice (auto / cpu / cuda) and batch sizes that fit the memory there is."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import DeepMapperError

DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class Device:
    kind: str  # "cpu" or "cuda"
    index: int = 0

    @property
    def torch_name(self) -> str:
        return "cuda:%d" % self.index if self.kind == "cuda" else "cpu"


def cuda_available() -> bool:
    """True if torch or onnxruntime can run on a CUDA GPU here (never raises)."""
    try:
        import torch
        if torch.cuda.is_available():
            return True
    except Exception:  # torch missing or broken: try onnxruntime
        pass
    try:
        import onnxruntime
        return "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    except Exception:
        return False


def choose_device(requested: str = "auto") -> Device:
    requested = (requested or "auto").lower()
    if requested not in DEVICES:
        raise DeepMapperError(f"Unknown DEVICE '{requested}'; use one of {', '.join(DEVICES)}.")
    if requested == "cpu":
        return Device("cpu")
    if cuda_available():
        return Device("cuda")
    if requested == "cuda":
        raise DeepMapperError("DEVICE=cuda was asked for, but no CUDA GPU is usable here (no GPU, or torch / "
                              "onnxruntime without CUDA support). Use DEVICE=auto or cpu.")
    return Device("cpu")


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
