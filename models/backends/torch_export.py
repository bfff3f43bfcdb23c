"""PyTorch models exported to ONNX once, so that the CPU runs them on onnxruntime.

Why: on the 2-core test machine onnxruntime runs the bundled U-Nets 1.7-1.9x as fast as torch (two calls of one
thread, 256-px tiles: landcover_s2 22 against 38-44 ms, buildings 30 against 52-55 ms), and a run whose export is
cached never imports torch (1.1 s and about 465 MB). The export (torch.onnx.export, TorchScript-based, opset 17,
free batch, height and width) is made at the model's first CPU run, checked against torch on two tile sizes, and
kept in the cache folder (models/cache.py). Its key holds the SHA-256 of the weights, the card's architecture, band
and class counts, and the source of the plugin's architectures, so a changed model or architecture is exported
again. A model whose export fails or differs from torch runs on torch, as before, and the failure is recorded beside
the export's place (`<export>.failed`), so that later runs do not spend the 5-20 s again on an export that will fail
the same way; a new torch, another model or other architecture code tries again (a new key, or the torch version the
record names), as does deleting the record. DEEPMAPPER_TORCH_RUNTIME=torch keeps every model on torch.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
import sys
import time
import warnings
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from ...plugin.core.engine.errors import CancelledError
from ...plugin.core.engine.messages import _
from ..cache import (build_while_checking, building, cache_root, intact, safe_name, tidy, touch, trusted,
                     write_record)
from ..card import ModelCard

RUNTIME_ENV = "DEEPMAPPER_TORCH_RUNTIME"  # "torch": torch models stay on torch on the CPU too
FOLDER = "torch_onnx"
TEMP_PREFIX = ".exporting-"  # an export being written (see cache.tidy)
FAILED_SUFFIX = ".failed"  # beside an export's place: its export failed (record_failure)
RECIPE = {"opset": 17, "exporter": "torchscript", "dynamic": ["batch", "height", "width"], "version": 1}
TOLERANCE = 1e-4  # largest difference allowed between torch's and onnxruntime's raw outputs, relative to their scale
ARCHITECTURES = Path(__file__).resolve().parents[1] / "architectures"


def onnx_allowed() -> bool:
    """False when DEEPMAPPER_TORCH_RUNTIME=torch asks to keep torch models on torch, or onnxruntime cannot be
    imported (the model then runs, or says what to install, as a torch model)."""
    if os.environ.get(RUNTIME_ENV, "").strip().lower() == "torch":
        return False
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _architecture_source() -> str:
    digest = hashlib.sha256()
    for path in sorted(ARCHITECTURES.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def export_path(card: ModelCard) -> Path:
    """Where the ONNX export of the card's torch model is kept. The onnxruntime version is in the key: an export
    made beside a newer torch may not load in an older onnxruntime sharing the cache."""
    import onnxruntime
    key = json.dumps({"weights": card.sha256, "architecture": card.data.get("architecture"), "format": card.format,
                      "bands": len(card.bands), "classes": len(card.classes), "code": _architecture_source(),
                      "recipe": RECIPE, "onnxruntime": onnxruntime.__version__}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_root(card) / FOLDER / f"{safe_name(card.id)}-{digest}.onnx"


def exported_graph(card: ModelCard, weights: Path, say: Callable[[str], None] | None = None,
                   check: Callable[[], None] | None = None) -> Path | None:
    """The ONNX export of the card's torch model (`weights`, already verified): from the cache, else exported now
    and checked against torch (the log says so, and how long it took). None when it cannot be used: the export or
    its check failed (said in the log) or the cache folder cannot be written; the caller then runs the model on
    torch. `check` (a Monitor's check) lets a cancel stop the wait: the export goes on in the background and is kept
    for the next run (cache.build_while_checking); CancelledError is raised."""
    target = export_path(card)
    tidy(target.parent, TEMP_PREFIX)
    if intact(target):
        touch(target)
        return target
    failed = earlier_failure(target)
    if failed is not None:
        if say is not None:
            say(_("Model '{model}' runs on torch: its ONNX export failed at an earlier run ({when}: {reason}). It is "
                  "tried again with another torch or model version, or after deleting '{record}'.").format(
                model=card.id, when=failed.get("when", "?"), reason=failed.get("reason", "?"),
                record=failure_path(target)))
        return None
    if say is not None:
        say(_("Exporting model '{model}' to ONNX for onnxruntime, which runs it faster on the CPU (first CPU run "
              "only, 5-20 s); it is kept in '{folder}'.").format(model=card.id, folder=target.parent))

    def build() -> None:
        with building(target, TEMP_PREFIX) as built:
            _export(card, weights, built)

    started = time.monotonic()
    try:
        build_while_checking(target, build, check, f"ONNX export of {card.id}", _(
            "Stopping: waiting for the ONNX export of model '{model}' to finish first (a few seconds); it cannot be "
            "interrupted, and it is kept for the next run.").format(model=card.id), say)
    except CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - torch's exporter and onnxruntime raise many types; torch then runs it
        if not isinstance(exc, (OSError, MemoryError, ImportError)):  # this machine's state, not the model's
            record_failure(target, exc)
        if say is not None:
            say(on_torch_note(card, exc))
        return None
    try:
        failure_path(target).unlink(missing_ok=True)  # an earlier torch's failure
    except OSError:
        pass
    if say is not None:
        say(_("ONNX export of model '{model}' made and checked against torch in {seconds:.0f} s.").format(
            model=card.id, seconds=time.monotonic() - started))
    return target


def failure_path(target: Path) -> Path:
    """Where a failed export of `target` is recorded (JSON: when, the reason, the torch version that failed)."""
    return target.with_name(target.name + FAILED_SUFFIX)


def _torch_version() -> str:
    torch = sys.modules.get("torch")  # the export imported it
    return str(getattr(torch, "__version__", "")) if torch is not None else ""


def record_failure(target: Path, exc: BaseException) -> None:
    """Record that exporting (or checking) `target` failed with `exc`, for earlier_failure; nothing when the cache
    folder cannot be written (the next run then tries again)."""
    record = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "torch": _torch_version(),
              "reason": _reason(exc)}
    try:
        write_record(failure_path(target), json.dumps(record), TEMP_PREFIX)
    except OSError:
        pass


def earlier_failure(target: Path) -> dict | None:
    """The record of an earlier failed export of `target` (record_failure) that still holds, else None: it holds
    when this account wrote it and torch's version is the one that failed (checked only when the record names one;
    torch is imported for it, as the model then runs on torch anyway)."""
    path = failure_path(target)
    try:
        if not (path.is_file() and trusted(path)):
            return None
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    if record.get("torch"):
        try:
            import torch
        except ImportError:
            return record
        if record["torch"] != torch.__version__:
            return None
    touch(path)
    return record


def _reason(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def on_torch_note(card: ModelCard, exc: BaseException) -> str:
    """The log line of a torch model that runs on torch after all, with the first line of the reason."""
    return _("Model '{model}' runs on torch: its ONNX export could not be used ({reason}).").format(
        model=card.id, reason=_reason(exc))


def _export(card: ModelCard, weights: Path, out: Path) -> None:
    import onnxruntime as ort
    import torch
    from .torch_backend import torch_module
    module = torch_module(card, weights).eval()
    size = int(card.tiling["tile_size"])
    multiple = int(card.tiling.get("size_multiple", 1))
    x = torch.zeros((1, len(card.bands), size, size))
    kwargs = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    axes = {0: "batch", 2: "height", 3: "width"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, x, str(out), opset_version=RECIPE["opset"], input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": axes, "output": axes}, **kwargs)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(str(out), sess_options=options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    for n, h, w in ((1, size, size), (2, size // 2 + multiple, size // 2)):  # another batch and size too
        h, w = -(-h // multiple) * multiple, -(-w // multiple) * multiple
        sample = rng.normal(0.0, 1.0, (n, len(card.bands), h, w)).astype(np.float32)
        with torch.inference_mode():
            expected = module(torch.from_numpy(sample)).float().numpy()
        got = session.run(None, {"input": sample})[0]
        scale = max(1.0, float(np.abs(expected).max()))
        if got.shape != expected.shape or not float(np.abs(got - expected).max()) <= TOLERANCE * scale:
            raise ValueError(f"onnxruntime differs from torch on a {n} x {h} x {w} batch")
