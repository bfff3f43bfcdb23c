"""Torch modules on a CUDA GPU, fed by the engine's CPU threads.

Measured on an H200 with 16 cores (docs/benchmarks.md, "GPU"): the GPU itself was busy 1-8 % of a run; the rest of
the time it waited for the one thread that stacked tiles, normalised them, applied the activation and blended them.
So the runner (a) normalises, runs the test-time flips and applies the activation on the GPU (LoadedModel.predict
hands it the raw batch: `probabilities`), and (b) serves CUDA_CALLS calls at once (the engine's ForwardCalls), so
that one batch's copies and another's stacking and blending overlap the network.
"""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from ...plugin.core.engine.errors import DeepMapperError
from ...plugin.core.engine.messages import _

CUDA_CALLS = 2  # batches in flight on one GPU: one being computed while the next is copied in or out
REGROW_AFTER = 16  # batches that went through at a size lowered by an out-of-memory error, before twice it is tried
# (doubled each time such a try fails: a GPU that is short for good costs a failed batch ever more rarely)


class CudaRunner:
    """A torch module on CUDA as the engine's runner: `runner(x)` (N, C, H, W) normalised float32 -> raw outputs
    (float32 numpy), and `runner.probabilities(batch, offset, scale, activation, flips)` -> probabilities from the raw
    batch, computed on the GPU.

    Batches go through a page-locked (pinned) host buffer of each calling thread, copied asynchronously. cuDNN picks
    its fastest kernels for each batch shape (the engine's tiles all have one size). GPU memory that runs out for a
    batch (torch.cuda.OutOfMemoryError: other programs on the GPU, or auto_batch_size's estimate too high for this
    network) splits it in halves, down to one tile, and later batches start at the size that fitted; one tile that
    does not fit raises DeepMapperError with the fix. The memory may have been another program's for a moment, so
    after REGROW_AFTER batches at the lowered size twice that is tried again, up to the batch asked for. Tiles are
    computed independently, so a split batch gives the tiles' own results. cuDNN's choice of the fastest kernels
    (torch.backends.cudnn.benchmark) is process-wide. A module with several outputs gives its first, as
    onnxruntime's runner does."""

    def __init__(self, torch, module, dev, half: bool) -> None:
        self.torch, self.dev, self.half = torch, dev, half
        torch.backends.cudnn.benchmark = True
        self.module = module.half() if half else module
        self.fits: int | None = None  # the largest batch known to fit after an out-of-memory error
        self._went_through = 0  # batches run at `fits` since it was lowered or raised
        self._patience = REGROW_AFTER  # batches to wait before the next try of twice `fits`
        self._trying = False  # `fits` was just raised and has not gone through yet
        self._local = threading.local()  # each calling thread's pinned buffer
        self._constants: dict[bytes, object] = {}  # normalisation vectors on the GPU
        self._pageable = False  # True once page-locked memory was refused

    def calls_at_once(self, tile_size: int) -> int:
        return CUDA_CALLS

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self._in_parts(x, self._raw)

    def probabilities(self, batch: np.ndarray, offset: np.ndarray, scale: np.ndarray, activation: str,
                      flips: Sequence[tuple[int, ...]] = ((),)) -> np.ndarray:
        """(N, C, H, W) float32 in the card's units -> (N, K, H, W) float32 probabilities: (batch - offset) * scale
        per band (LoadedModel.normalise's arithmetic, in float32), the network, the activation ('softmax' over K,
        'sigmoid', 'binary', else none), averaged over the `flips` (tuples of axes, each flipped back)."""
        shift, factor = self._constant(offset), self._constant(scale)
        return self._in_parts(batch, lambda t: self._probabilities(t, shift, factor, activation, flips))

    # -- on the GPU --------------------------------------------------------------------------------------------------
    def _raw(self, t):
        return first_output(self.module(t.half() if self.half else t)).float()

    def _probabilities(self, t, shift, factor, activation: str, flips):
        torch = self.torch
        t = (t - shift) * factor
        out = None
        for axes in flips:
            p = self._activate(self._raw(torch.flip(t, axes) if axes else t), activation)
            p = torch.flip(p, axes) if axes else p
            out = p if out is None else out + p
        return out / len(flips) if len(flips) > 1 else out

    def _activate(self, raw, activation: str):
        torch = self.torch
        if activation == "softmax":
            return torch.softmax(raw, dim=1)
        if activation == "sigmoid":
            return torch.sigmoid(raw)
        if activation == "binary":  # one positive-class probability -> [P(neg), P(pos)]
            return torch.cat([1.0 - raw, raw], dim=1)
        return raw

    def _constant(self, values: np.ndarray):
        key = np.asarray(values, np.float32).tobytes()
        if key not in self._constants:
            self._constants[key] = self.torch.from_numpy(np.frombuffer(key, np.float32).copy()).to(
                self.dev)[None, :, None, None]
        return self._constants[key]

    # -- batches -----------------------------------------------------------------------------------------------------
    def _in_parts(self, x: np.ndarray, compute) -> np.ndarray:
        step = min(len(x), self.fits or len(x))
        parts = []
        start = 0
        while start < len(x):
            part = x[start:start + step]
            try:
                with self.torch.inference_mode():
                    parts.append(self._to_host(compute(self._to_device(part))))
                start += len(part)
                self._regrow()
                continue
            except RuntimeError as exc:  # torch.cuda.OutOfMemoryError, or cuDNN's own failed allocation
                if not out_of_memory(self.torch, exc):
                    raise
            self.torch.cuda.empty_cache()  # outside the except: its traceback no longer holds the batch's tensors
            if step == 1:
                raise DeepMapperError(_(
                    "The GPU has no memory left for one tile of {size} x {size} pixels. Close other programs "
                    "that use the GPU, or use a smaller TILE_SIZE, or DEVICE=cpu.").format(size=x.shape[-1]))
            step = self.fits = max(1, step // 2)  # kept for a while: a smaller batch costs little on a GPU
            if self._trying:  # the larger batch still does not fit: wait longer before the next try
                self._patience *= 2
            self._went_through, self._trying = 0, False
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _regrow(self) -> None:
        """Count a batch that went through; after REGROW_AFTER of them at a lowered size, allow twice that (a
        transient shortage must not halve the batches for the rest of a long run)."""
        if self.fits is None:
            return
        self._trying = False  # whatever size was tried, it went through
        self._went_through += 1
        if self._went_through >= self._patience:
            self.fits, self._went_through, self._trying = self.fits * 2, 0, True

    def _to_device(self, x: np.ndarray):
        """`x` on the GPU, copied through this thread's pinned buffer (grown when a batch needs more). The copy into
        the buffer is safe to reuse at the next call: _in_parts waits for the results, after the copy."""
        torch = self.torch
        x = np.ascontiguousarray(x, dtype=np.float32)
        if self._pageable:
            return torch.from_numpy(x).to(self.dev)
        pinned = getattr(self._local, "pinned", None)
        if pinned is None or pinned.numel() < x.size:
            try:
                pinned = self._local.pinned = torch.empty(x.size, dtype=torch.float32, pin_memory=True)
            except RuntimeError:  # page-locked memory refused (limits of this system): pageable copies from now on
                self._pageable = True
                return torch.from_numpy(x).to(self.dev)
        host = pinned[:x.size].view(x.shape)
        host.copy_(torch.from_numpy(x))
        return host.to(self.dev, non_blocking=True)

    def _to_host(self, t) -> np.ndarray:
        """The float32 tensor `t` in a new numpy array, once the GPU is done with it (the copy waits for it). Why
        numpy's memory and not `t.cpu()`'s: numpy asks the kernel for huge pages for large arrays, so a batch of
        probabilities costs fewer page faults (32 tiles of 4 classes, 33 MB, from a CPU tensor: 8 ms against 11-21 ms
        for clone() on the 2-core test machine)."""
        out = np.empty(tuple(t.shape), np.float32)
        self.torch.from_numpy(out).copy_(t)
        return out


def first_output(out):
    """The first output of a module with several (a converted ONNX graph returns all of the graph's outputs, where
    onnxruntime's runner takes the first)."""
    return out[0] if isinstance(out, (tuple, list)) else out


def out_of_memory(torch, exc: BaseException) -> bool:
    """True for the GPU's out-of-memory errors: torch's own type, and cuDNN's or cuBLAS's failed allocations, which
    torch raises as plain RuntimeErrors."""
    if isinstance(exc, torch.cuda.OutOfMemoryError):
        return True
    text = str(exc)
    return "out of memory" in text or "CUDNN_STATUS_ALLOC_FAILED" in text or "CUBLAS_STATUS_ALLOC_FAILED" in text
