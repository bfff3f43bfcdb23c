"""Backends turn a card into a Predictor (see plugin/core/engine/inference.py): normalise, run, activate.

Heavy runtimes (onnxruntime, torch, lightgbm) are imported only when a model of that format is loaded, so the
plugin loads, and tells the user what is missing, even when they are not installed.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ...plugin.core.engine.device import RUNTIMES, Device, Precision, choose_precision, cuda_available
from ...plugin.core.engine.errors import DeepMapperError
from ...plugin.core.engine.messages import _
from ..cache import cache_root, discard
from ..card import ModelCard
from ..quantization import int8_allowed, int8_weights
from ..registry import verified_weights
from .torch_export import exported_graph, on_torch_note, onnx_allowed


OPTIMIZED_FOLDER = "optimized"  # onnxruntime's optimised graphs, under cache.cache_root (see optimized_graph)


FLIPS = ((), (-1,), (-2,), (-2, -1))  # test-time augmentation: the tile and its three flips (axes flipped)


class LoadedModel:
    """A card plus a runtime session; implements the engine's Predictor protocol."""

    def __init__(self, card: ModelCard, runner, device: Device, runtime: str | None = None) -> None:
        self.card = card
        self.runtime = runtime or card.format  # what runs it: "onnx" for a torch model run on its ONNX export
        self.runner = runner  # callable: (N, C, H, W) normalised float32 -> (N, K', H, W) raw outputs
        self.device = device
        norm = card.normalization
        n = len(card.bands)
        if norm["type"] == "standard":
            self._offset = np.asarray(norm["mean"], np.float32)
            self._scale = 1.0 / np.asarray(norm["std"], np.float32)
        elif norm["type"] == "minmax":
            self._offset = np.asarray(norm["min"], np.float32)
            self._scale = 1.0 / (np.asarray(norm["max"], np.float32) - self._offset)
        else:
            self._offset = np.zeros(n, np.float32)
            self._scale = np.ones(n, np.float32)
        self.n_outputs = len(card.classes)

    @property
    def reuse_heap(self) -> bool:
        """torch on the CPU allocates every activation afresh on each call: see raster_io.malloc_policy."""
        return RUNTIMES.get(self.runtime) == "torch" and self.device.kind == "cpu"

    def fill_values(self) -> np.ndarray:
        return self._offset.copy()

    def calls_at_once(self, tile_size: int) -> int:
        """How many predict calls on tiles of `tile_size` pixels the runtime serves at once (the engine's
        ForwardCalls sends that many): 2 for ONNX graphs and torch models on a CPU with 2 cores or more
        (device.cpu_calls), else 1."""
        return int(getattr(self.runner, "calls_at_once", lambda size: 1)(tile_size))

    def prepare_worker(self) -> None:
        """Run once in each of ForwardCalls' threads before its first call: torch takes that thread's share of the
        CPU threads there (torch_backend.torch_runner); nothing for the other runtimes."""
        getattr(self.runner, "prepare_worker", lambda: None)()

    def _run(self, x: np.ndarray) -> np.ndarray:
        """Raw outputs on the input's grid: a model that loses card.output_crop pixels per side is padded back by
        repeating its edge (the tiling margin, at least the crop, keeps those pixels out of the result)."""
        out = np.asarray(self.runner(x), dtype=np.float32)
        crop = self.card.output_crop
        return np.pad(out, ((0, 0), (0, 0), (crop, crop), (crop, crop)), mode="edge") if crop else out

    def normalise(self, batch: np.ndarray) -> np.ndarray:
        """(N, C, H, W) values in the card's units -> float32 as the network takes them (card normalisation); a new
        array, `batch` is left as it is. One allocation: the scaling is done in place on the difference."""
        x = np.subtract(batch, self._offset[None, :, None, None])
        np.multiply(x, self._scale[None, :, None, None], out=x)
        return x.astype(np.float32, copy=False)

    def predict(self, batch: np.ndarray) -> np.ndarray:
        flips = FLIPS if self.card.test_time_augmentation else ((),)
        on_device = getattr(self.runner, "probabilities", None)  # a GPU runner does it all there (cuda_runner)
        if on_device is not None and not self.card.output_crop:
            return on_device(batch, self._offset, self._scale, self.card.activation, flips)
        x = self.normalise(batch)
        if not self.card.test_time_augmentation:
            return activate(self._run(x), self.card.activation, inplace=True)
        # Test-time augmentation: the mean over the four flips (each undone), a cheap ensemble for small models.
        out = None
        for axes in flips:
            xi = np.ascontiguousarray(np.flip(x, axes)) if axes else x
            p = activate(self._run(xi), self.card.activation, inplace=True)
            p = np.flip(p, axes) if axes else p
            out = p if out is None else out + p
        return out / 4.0


def activate(raw: np.ndarray, activation: str, inplace: bool = False) -> np.ndarray:
    """(N, K, H, W) raw network outputs -> probabilities by the card's activation (softmax over K, sigmoid, 'binary':
    one positive-class probability -> two planes; anything else: as they are). `inplace`: `raw` (float, owned by
    the caller) is overwritten instead of copied; the arithmetic is the same either way."""
    if activation in ("softmax", "sigmoid") and not inplace:
        raw = np.array(raw, dtype=np.result_type(raw, np.float16))  # a float copy: the caller's array stays as it is
    if activation == "softmax":
        np.subtract(raw, raw.max(axis=1, keepdims=True), out=raw)
        np.exp(raw, out=raw)
        raw /= raw.sum(axis=1, keepdims=True)
        return raw
    if activation == "sigmoid":
        np.negative(raw, out=raw)
        np.exp(raw, out=raw)
        raw += 1.0
        return np.divide(1.0, raw, out=raw)
    if activation == "binary":  # a single probability of the positive class -> [P(neg), P(pos)]
        return np.concatenate([1.0 - raw, raw], axis=1)
    return raw


def precision_for(card: ModelCard, device: Device, requested: str = "auto") -> Precision:
    """The precision the card's model runs in on `device` when PRECISION=`requested` (see choose_precision)."""
    return choose_precision(requested, device, card.format, card.half_precision, int8_allowed(card), card.id)


def load_model(card: ModelCard, device: Device, threads: int = 0, precision: str = "auto",
               say: Callable[[str], None] | None = None, check: Callable[[], None] | None = None,
               torch_on_onnxruntime: bool = True) -> LoadedModel:
    """Load the card's weights on `device` (weights are checked against the card's SHA-256 first), in the
    precision PRECISION=`precision` gives (int8: the quantised graph, built and cached at the first use, which
    `say` announces in the run's log; `check`, a Monitor's check, lets a cancel stop the wait for that build, and
    for a torch model's first ONNX export).
    On the CPU a torch model runs on onnxruntime through its cached ONNX export (torch_export; said in the log
    when first made) unless `torch_on_onnxruntime` is False or DEEPMAPPER_TORCH_RUNTIME=torch. On CUDA (DEVICE=cuda:
    device.choose_device) an ONNX model runs on torch (onnx_torch) when onnxruntime has no CUDA. LoadedModel.runtime
    says which ran."""
    kind = precision_for(card, device, precision).kind
    weights = int8_weights(card, say, check) if kind == "int8" else verified_weights(card)
    runtime = card.format
    if RUNTIMES.get(card.format) == "torch" and device.kind == "cpu" and torch_on_onnxruntime \
            and onnx_allowed():
        exported = exported_graph(card, weights, say, check)
        if exported is not None:
            weights, runtime = exported, "onnx"
            if say is not None:
                say(_("Model '{model}' runs on onnxruntime, through its ONNX export.").format(model=card.id))
    if runtime == "onnx" and card.format != "onnx":  # a torch model's export: torch again if it cannot be used
        try:
            return _checked(card, _onnx(card, weights, device, threads), device, runtime)
        except Exception as exc:  # noqa: BLE001 - onnxruntime's types, or a DeepMapperError naming the graph
            discard(weights)  # the next run exports again
            if say is not None:
                say(on_torch_note(card, exc))
            weights, runtime = verified_weights(card), card.format
    if runtime == "onnx" and device.kind == "cuda" and not cuda_available("onnxruntime"):
        from .onnx_torch import RUNTIME, onnx_torch_runner  # choose_device picked CUDA for torch (onnx_on_torch_cuda)
        runner, runtime = onnx_torch_runner(weights, device, half=kind == "float16"), RUNTIME
    elif runtime == "onnx":
        runner = _onnx(card, weights, device, threads)
    elif RUNTIMES.get(card.format) == "torch":
        from .torch_backend import torch_runner
        runner = torch_runner(card, weights, device, half=kind == "float16", threads=threads)
    elif card.format == "lightgbm":
        from .pixel_backend import lightgbm_runner
        runner = lightgbm_runner(weights, threads)
    else:  # the card schema makes this unreachable
        raise ValueError(card.format)
    return _checked(card, runner, device, runtime)


def _onnx(card: ModelCard, graph, device: Device, threads: int):
    from .onnx_backend import onnx_runner
    return onnx_runner(graph, device, threads, free_size=card.free_input_size and card.format == "onnx",
                       tile_size=int(card.tiling["tile_size"]),
                       cache=cache_root(card) / OPTIMIZED_FOLDER if device.kind == "cpu" else None)


def _checked(card: ModelCard, runner, device: Device, runtime: str) -> LoadedModel:
    """The LoadedModel of `runner`, once its output size was checked (check_output_size)."""
    model = LoadedModel(card, runner, device, runtime)
    check_output_size(model)
    return model


PROBE_SIZE = 64  # pixels: small enough to cost nothing, large enough for every bundled architecture


def check_output_size(model: LoadedModel) -> None:
    """Run the model once on one small tile of neutral values and refuse it, before any real tile runs, when its
    output does not have its input's height and width (unpadded convolutions, a crop inside the network): the
    engine writes one prediction per input pixel, so a smaller output would be misplaced or crash mid-run.

    Raises DeepMapperError naming both sizes and what the card must declare (tiling.output_crop and a margin)."""
    card = model.card
    multiple = int(card.tiling.get("size_multiple", 1))
    size = min(int(card.tiling["tile_size"]), -(-PROBE_SIZE // multiple) * multiple)
    if card.free_input_size:  # the graph as exported (declared size): the free-size one is built only when needed
        size = int(card.tiling["tile_size"])
    x = np.zeros((1, len(card.bands), size, size), np.float32)
    try:
        out = np.asarray(model.runner(x))
    except Exception:  # a model with a fixed input size: probe it at its own tile size
        size = int(card.tiling["tile_size"])
        x = np.zeros((1, len(card.bands), size, size), np.float32)
        out = np.asarray(model.runner(x))
    crop = card.output_crop
    expected = size - 2 * crop
    if out.ndim != 4 or out.shape[-2:] != (expected, expected):
        got = "x".join(map(str, out.shape[-2:])) if out.ndim >= 2 else str(out.shape)
        lost = (size - out.shape[-1]) / 2 if out.ndim == 4 and out.shape[-1] == out.shape[-2] else None
        fix = (f"declare \"output_crop\": {lost:g} in the card's tiling (the pixels the model loses on each side) "
               f"and a tiling.margin of at least {lost:g}" if lost is not None and lost > 0 and lost == int(lost)
               else "export the model so that it returns one value per input pixel (padded convolutions)")
        raise DeepMapperError(
            _("Model '{model}': its output size differs from its input: a {size} x {size} pixel tile gives "
            "{got} pixels{value}. DeepMapper writes "
            "one prediction per input pixel; {fix}.").format(
                model=card.id, size=size, got=got,
                value=f' (the card declares an output crop of {crop})' if crop else '', fix=fix))
