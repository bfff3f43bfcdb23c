"""PyTorch backend: a state dict with an architecture from models/architectures, or a TorchScript file.

On CUDA, models whose card allows it run in half precision (outputs are returned as float32).
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from ...plugin.core.engine.device import Device, cpu_calls
from ...plugin.core.engine.errors import DeepMapperError, require
from ...plugin.core.engine.messages import N_, _
from ..card import ModelCard


def torch_runner(card: ModelCard, weights: Path, device: Device, half: bool, threads: int = 0):
    """A callable (N, C, H, W) float32 -> raw outputs; `half` runs it in float16 on CUDA (load_model decides, from
    PRECISION and the card's half_precision). On the CPU, `threads` (THREADS; 0: torch's count in this thread) are
    shared by several calls at once: its `calls_at_once(tile_size)` and `prepare_worker()` let the engine run each
    in a thread with its share (device.cpu_calls); a run of one call at a time sets them in the calling thread."""
    torch = require("torch", N_("PyTorch models"))
    run = module_runner(torch_module(card, weights), device, half=half)
    if device.kind == "cpu":
        total = threads if threads > 0 else torch.get_num_threads()
        calls, each = cpu_calls(total)
        if calls > 1 and _threads_are_per_thread(torch, each):
            run.calls_at_once = lambda tile_size: cpu_calls(total, tile_size)[0]
            run.prepare_worker = lambda: torch.set_num_threads(each)  # this worker thread's share of the threads
        if threads > 0:
            set_torch_threads(threads)  # calls run here (large tiles, one core): THREADS in this thread
    return run


def torch_module(card: ModelCard, weights: Path):
    """The card's network as a torch nn.Module on the CPU: a TorchScript file, or its architecture with the state
    dict `weights`. Raises DeepMapperError when the weights do not fit the architecture or cannot be read."""
    torch = require("torch", N_("PyTorch models"))
    if card.format == "torchscript":
        return torch.jit.load(str(weights), map_location="cpu")
    from ..architectures import build
    module = build(card.data["architecture"], in_channels=len(card.bands), n_classes=len(card.classes))
    try:
        module.load_state_dict(load_state_dict(weights, card.id))
    except RuntimeError as exc:
        raise DeepMapperError(_("The weights '{weights}' do not fit the architecture in the card of "
                              "'{model}' ({splitlines}).").format(
            weights=weights, model=card.id, splitlines=str(exc).splitlines()[0])) from exc
    return module


def _threads_are_per_thread(torch, count: int) -> bool:
    """True when torch.set_num_threads(`count`) in another thread leaves this thread's count alone, as in torch's
    OpenMP builds, where the count is per thread: then each of several calls at once can take its share of the
    threads. A build with one process-wide pool would shrink every caller's count instead: it is put back and the
    calls run one at a time."""
    before = torch.get_num_threads()
    probe = threading.Thread(target=torch.set_num_threads, args=(count,), name="deepmapper-torch-threads")
    probe.start()
    probe.join()
    if torch.get_num_threads() == before:
        return True
    torch.set_num_threads(before)
    return False


_DEFAULT_THREADS: list[int] = []  # torch's own choice (one per physical core, or OMP_NUM_THREADS), read once


def set_torch_threads(threads: int = 0) -> int:
    """Set torch's intra-op threads (`threads`, or 0 for torch's default: one per physical core) and a single
    inter-op thread, so that torch's pools never run more threads than cores (oversubscribed OpenMP threads spin and
    yield: system time, not work). The inter-op pool can be sized only before its first use; later calls keep it.
    Returns the intra-op thread count now in force."""
    torch = require("torch", N_("PyTorch models"))
    if not _DEFAULT_THREADS:
        _DEFAULT_THREADS.append(torch.get_num_threads())
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # already used (another model ran first in this process): keep it
            pass
    count = threads if threads > 0 else _DEFAULT_THREADS[0]
    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
    return count


def load_state_dict(weights: Path, model_id: str) -> dict:
    """The tensors of a torch state dict file; a file torch cannot read (truncated, corrupt, not torch) is refused
    with what to do, not a pickle or zip traceback."""
    torch = require("torch", N_("PyTorch models"))
    try:
        return torch.load(str(weights), map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 (torch raises RuntimeError, EOFError, UnpicklingError, zip errors...)
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise DeepMapperError(_("The weights '{weights}' of model '{model_id}' cannot be read as PyTorch weights "
                              "({reason}): the file is truncated or corrupt. Reinstall or re-export the model, "
                              "and update the SHA-256 in its card.").format(
            weights=weights, model_id=model_id, reason=reason)) from exc


def module_runner(module, device: Device, half: bool = False):
    """Wrap an nn.Module as a numpy-in, numpy-out runner: (N, C, H, W) float32 -> its output as float32 (also used by
    tests and training); `half` runs it in float16 on CUDA, where the runner is a cuda_runner.CudaRunner."""
    import torch

    from .cuda_runner import CudaRunner, first_output
    dev = torch.device(device.torch_name)
    module = module.eval().to(dev)
    if dev.type == "cuda":
        return CudaRunner(torch, module, dev, half)

    def run(x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return first_output(module(torch.from_numpy(x))).float().numpy()

    return run
