"""8-bit (int8) versions of ONNX models for the CPU: static QDQ quantisation from a calibration table.

Why: on the CPU the UKIS cloud U-Net spends 70 % of a run in its forward pass; its int8 graph runs a 256 px tile in
32-38 ms instead of 55 ms (AVX-512 VNNI, 2 threads, docs/benchmarks.md). Static quantisation needs the range of
every activation; those ranges (the calibration table) are measured once on a public scene by
scripts/calibrate_int8.py and shipped beside the card (`quantization.int8_calibration`), about 100 kB instead of the
20 MB int8 graph. At the first int8 run the graph is built from the verified float weights and that table
(10-15 s, deterministic: the same bytes on every machine with the same onnx/onnxruntime) and cached.

Method: onnxruntime's quantize_static (QDQ format, per-channel int8 weights, uint8 activations, ranges at the
0.01/99.99 percentiles of the calibration activations), after its quant_pre_process (shape inference and graph
optimisation). Graphs stored in float16 (the UKIS models) are first converted to float32, which onnxruntime's CPU
kernels compute in anyway. Reference: onnxruntime documentation, "Quantize ONNX models" (MIT licence).
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from ..plugin.core.engine.errors import DeepMapperError, require
from ..plugin.core.engine.messages import N_, _
from .cache import build_while_checking, cache_root, intact, publish, safe_name
from .card import ModelCard
from .registry import sha256_of, verified_weights

RECIPE = {"format": "QDQ", "per_channel": True, "activations": "uint8", "weights": "int8",
          "method": "Percentile", "percentile": 99.99, "version": 1}
PURPOSE = N_("8-bit (PRECISION=int8) models")
STALE_BUILD_S = 3600  # a build takes 10-15 s: a '.int8-*' folder untouched this long was left by a killed run


def calibration_table(card: ModelCard) -> Path | None:
    """The card's int8 calibration table (path relative to the card), or None when it has none."""
    ref = (card.data.get("quantization") or {}).get("int8_calibration")
    if not ref:
        return None
    path = Path(ref)
    path = card.path.parent / path if not path.is_absolute() and card.path is not None else path
    return Path(os.path.normpath(path))  # a card's '../calibration/x.json' shown as the folder it names


def int8_allowed(card: ModelCard) -> bool:
    """True when the card is an ONNX model with an int8 calibration table."""
    return card.format == "onnx" and calibration_table(card) is not None


def cache_folder(card: ModelCard) -> Path:
    """Where built int8 graphs are kept: the 'int8' folder of cache.cache_root ($DEEPMAPPER_CACHE, else the download
    folder of the settings, else ~/.cache/deepmapper)."""
    return cache_root(card) / "int8"


def int8_weights(card: ModelCard, say: Callable[[str], None] | None = None,
                 check: Callable[[], None] | None = None) -> Path:
    """The int8 graph of the card's ONNX model: built at the first call from the verified float weights and the
    card's calibration table, then reused from the cache (the file name holds the SHA-256 of both and the recipe
    version, so a changed model or table builds a new one). A cached graph is reused only when it matches the
    SHA-256 written beside it (`<name>.onnx.sha256`) when it was built, so a truncated or damaged file is built
    again instead of failing every run. `say` gets one log line before a build (10-15 s, silent otherwise).

    `check` (a Monitor's check: raises CancelledError once the user cancelled) is called every cache.BUILD_POLL_S while
    a build runs: onnxruntime's quantiser cannot be interrupted, so the build runs in a thread of its own and a
    cancel from the user returns at once, leaving the build to finish in the background (its graph is then cached
    for the next run, and a run of the same model in this process joins it instead of building again). A cancel by
    SIGINT/SIGTERM waits for the build, as that process exits next (see cache.build_while_checking); a killed process
    leaves its '.int8-*' build folder, which the next int8 run removes.

    Raises DeepMapperError when the table is missing or damaged, a package is missing (onnx, ml_dtypes), the table
    does not fit the graph or the cache folder cannot be written; CancelledError from `check`; ValueError for a
    card without a table (see int8_allowed)."""
    if not int8_allowed(card):  # callers check with engine.device.choose_precision, which says it to the user
        raise ValueError(f"model {card.id!r} has no int8 calibration table")
    table = calibration_table(card)
    _check_table(card.id, table)
    weights = verified_weights(card)
    key = hashlib.sha256(f"{card.sha256}:{sha256_of(table)}:{json.dumps(RECIPE, sort_keys=True)}".encode())
    target = cache_folder(card) / f"{safe_name(card.id)}-{key.hexdigest()[:16]}.onnx"
    _remove_stale_builds(target.parent)
    if intact(target):
        return target
    if say is not None:
        say(_("Building the 8-bit version of model '{model}' (first use of PRECISION=int8, about 15 s); it is "
              "kept in '{folder}' for later runs.").format(model=card.id, folder=target.parent))
    build_while_checking(target, lambda: _build(card.id, weights, table, target), check, f"int8 build of {card.id}",
                         _("Stopping: waiting for the 8-bit build of model '{model}' to finish first (a few seconds); "
                           "it cannot be interrupted, and it is kept for the next run.").format(model=card.id), say)
    return target


def _build(model_id: str, weights: Path, table: Path, target: Path) -> None:
    """Quantise into a temporary folder beside `target`, then move the graph and its digest into place."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=_build_prefix()) as tmp:
            built = Path(tmp) / target.name
            _quantize(weights, table, built, model_id)
            publish(built, target)
    except OSError as exc:  # read-only or full disk, a file where the folder should be, no permission
        raise DeepMapperError(_(
            "The 8-bit version of model '{model}' cannot be written to the folder '{folder}' ({exc}). Make that "
            "folder writable or choose another: the environment variable DEEPMAPPER_CACHE or, without it, "
            "'Downloaded model weights' in the DeepMapper settings; or use PRECISION=auto.").format(
            model=model_id, folder=target.parent, exc=exc)) from exc


def _check_table(model_id: str, table: Path) -> None:
    """Refuse a missing or unreadable calibration table before the 10 s of graph preparation."""
    if not table.is_file():
        raise DeepMapperError(_("The int8 calibration table of model '{model}' is missing: '{path}' does not exist. "
                              "Reinstall the plugin, or use PRECISION=auto.").format(model=model_id, path=table))
    try:
        ranges = json.loads(table.read_text(encoding="utf-8")).get("data")
        if not isinstance(ranges, dict):
            raise ValueError("no 'data' object of activation ranges")
    except (OSError, ValueError, AttributeError) as exc:  # JSONDecodeError is a ValueError; a list has no .get
        raise DeepMapperError(_(
            "The int8 calibration table of model '{model}' is damaged: '{path}' is not a calibration table ({exc}). "
            "Reinstall the plugin (for a model of your own, make the table again: the README's section "
            "'PRECISION=int8'), or use PRECISION=auto.").format(model=model_id, path=table, exc=exc)) from exc


def _build_prefix() -> str:
    """'.int8-<pid>@<host>-': whose build a folder is, so that a later run can tell one whose process is gone."""
    return f".int8-{os.getpid()}@{socket.gethostname()}-"


def _remove_stale_builds(folder: Path) -> None:
    """Delete the '.int8-*' build folders (about 150 MB each) that ended processes left: a crash, a SIGKILL or an
    out-of-memory kill stops one mid-build, and so does QGIS closed during a cancelled run's background build. A
    folder of a process of this host that no longer runs goes at once; any other one (of another machine sharing
    the cache, or of an older naming) once untouched for STALE_BUILD_S, as a build still running writes into its
    folder well within that time."""
    if not folder.is_dir():
        return
    limit = time.time() - STALE_BUILD_S
    for old in folder.glob(".int8-*"):
        try:
            if old.is_dir() and (_builder_gone(old.name) or old.stat().st_mtime < limit):
                shutil.rmtree(old, ignore_errors=True)
        except OSError:  # removed meanwhile by another run
            pass


def _builder_gone(name: str) -> bool:
    """True when the build folder `name` ('.int8-<pid>@<host>-<random>') belongs to a process of this host that has
    ended."""
    pid, at, rest = name[len(".int8-"):].partition("@")
    if not at or not (pid.isascii() and pid.isdigit()) or rest.rsplit("-", 1)[0] != socket.gethostname():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):  # alive and another user's, or no possible process id: not ours to judge
        return False
    return False


def _quantize(weights: Path, table: Path, out: Path, model_id: str) -> None:
    try:
        quantization, prepared, _name = _prepared_graph(weights, out.parent)
    except (DeepMapperError, OSError):
        raise
    except Exception as exc:  # e.g. protobuf's DecodeError reading back a graph that a full disk cut short
        _refuse_if_disk_full(out.parent, weights, exc)
        raise
    try:
        quantization.quantize_static(str(prepared), str(out), None, calibration_cache_path=str(table),
                                     **_recipe_arguments(quantization))
    except OSError:
        raise
    except Exception as exc:  # onnxruntime raises ValueError/KeyError/its own types for a table that does not fit
        _refuse_if_disk_full(out.parent, weights, exc)
        raise DeepMapperError(_(
            "Model '{model}': its int8 calibration table '{table}' does not fit its graph with this onnxruntime "
            "({exc}). Make the table again (the README's section 'PRECISION=int8'), or use PRECISION=auto.").format(
            model=model_id, table=table, exc=exc)) from exc


def _refuse_if_disk_full(folder: Path, weights: Path, exc: Exception) -> None:
    """Raise OSError(ENOSPC) when a failed build left less free space in `folder` than twice the float weights: onnx
    writes a truncated graph on a full disk without an error, and the next step fails as if the graph or the table
    were corrupt ('Wire format was corrupt'), which would blame the calibration table."""
    try:
        full = shutil.disk_usage(folder).free < 2 * weights.stat().st_size
    except OSError:
        return
    if full:
        raise OSError(errno.ENOSPC, f"{os.strerror(errno.ENOSPC)} ({exc})") from exc


def _prepared_graph(weights: Path, folder: Path):
    """(onnxruntime.quantization, path of the graph ready to quantise, graph input name): the float weights widened
    to float32 and run through quant_pre_process, written into `folder` (a temporary one)."""
    onnx = require("onnx", PURPOSE)
    require("ml_dtypes", PURPOSE)  # onnxruntime.quantization imports it
    quantization = require("onnxruntime.quantization", PURPOSE)
    from onnxruntime.quantization.shape_inference import quant_pre_process
    model = onnx.load(str(weights))
    float32_graph(model)
    plain, prepared = folder / "float32.onnx", folder / "prepared.onnx"
    onnx.save(model, str(plain))
    quant_pre_process(str(plain), str(prepared))
    return quantization, prepared, model.graph.input[0].name


def _recipe_arguments(quantization) -> dict:
    return {"quant_format": quantization.QuantFormat.QDQ, "per_channel": RECIPE["per_channel"],
            "activation_type": quantization.QuantType.QUInt8, "weight_type": quantization.QuantType.QInt8,
            "calibrate_method": quantization.CalibrationMethod.Percentile,
            "extra_options": {"CalibPercentile": RECIPE["percentile"]}}


def calibrate(card: ModelCard, tiles: Iterable[np.ndarray], table: Path) -> Path:
    """Measure the activation ranges of the card's ONNX model on `tiles` ((1, C, H, W) float32, already normalised
    as the model takes them) and write them as a calibration table (JSON) to `table`. Used by
    scripts/calibrate_int8.py; the tiles should look like the scenes the model will see (same sensor and level)."""
    tiles = iter(tiles)
    with tempfile.TemporaryDirectory() as tmp:
        quantization, prepared, name = _prepared_graph(verified_weights(card), Path(tmp))

        class Reader(quantization.CalibrationDataReader):
            def get_next(self):
                tile = next(tiles, None)
                return None if tile is None else {name: np.ascontiguousarray(tile, np.float32)}

        table.unlink(missing_ok=True)
        quantization.quantize_static(str(prepared), str(Path(tmp) / "int8.onnx"), Reader(),
                                     calibration_cache_path=str(table), **_recipe_arguments(quantization))
    # onnxruntime writes the tensors in set order: sorted, the same ranges give the same bytes (and cache key)
    table.write_text(json.dumps(json.loads(table.read_text()), sort_keys=True))
    return table


def float32_graph(model) -> None:
    """Turn a float16 ONNX graph (weights, constants, casts) into float32 in place; a float32 graph is unchanged.
    onnxruntime's CPU kernels compute float16 convolutions in float32 anyway, and its quantiser takes float32 only."""
    from onnx import AttributeProto, TensorProto, numpy_helper
    half = TensorProto.FLOAT16

    def widen(tensor) -> None:
        if tensor.data_type == half:
            tensor.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor).astype(np.float32), tensor.name))

    for tensor in model.graph.initializer:
        widen(tensor)
    for node in model.graph.node:
        for attr in node.attribute:
            if node.op_type == "Cast" and attr.name == "to" and attr.i == half:
                attr.i = TensorProto.FLOAT
            elif attr.type == AttributeProto.TENSOR:
                widen(attr.t)
    for value in (*model.graph.input, *model.graph.output, *model.graph.value_info):
        if value.type.tensor_type.elem_type == half:
            value.type.tensor_type.elem_type = TensorProto.FLOAT
