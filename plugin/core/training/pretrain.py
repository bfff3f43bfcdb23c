"""Self-supervised pre-training by masked reconstruction: no labels needed.

Random square cells of each patch are blanked (set to the band mean) and the network learns to redraw them from
their surroundings, in all bands. It has to learn what roofs, roads, fields and water look like to do that, so a
segmentation model started from these weights (trainmodel INIT_MODEL) needs fewer labels. The output is a card of
task "pretrained" with the same architecture; trainmodel keeps its encoder and decoder and replaces the head.
"""
from __future__ import annotations

import datetime as _dt
import math
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from ..engine.bands import common_name, preset, raster_band_names, select_bands
from ..engine.device import choose_device
from ..engine.errors import CancelledError, DeepMapperError, require
from ..engine.progress import Monitor
from ..engine.raster_io import BandReader, open_raster
from .augment import augment_batch
from .export import check_card_path, write_model
from .trainer import ARCHITECTURE_DEFAULTS, one_cycle


@dataclass
class PretrainRequest:
    inputs: Sequence[str]  # unlabelled rasters with the same bands
    output: str  # card .json
    bands: str | None = None  # common names to use (default: every band the first raster names)
    sensor: str = "sentinel2_l2a"
    architecture: str = "unet_light"
    architecture_params: dict | None = None
    patch_size: int = 128
    patches: int = 512  # sampled at random positions with at least 90 % valid pixels
    epochs: int = 20
    batch_size: int = 16
    learning_rate: float = 2e-3
    mask_ratio: float = 0.5
    mask_cell: int = 8  # pixels
    device: str = "auto"
    seed: int = 0
    model_id: str | None = None


@dataclass
class PretrainResult:
    card: str
    epochs_run: int
    loss: float  # reconstruction MSE of the masked pixels (normalised units) in the last epoch
    baseline_loss: float  # what predicting the band mean gives (1.0 in normalised units, up to sampling)
    cancelled: bool = False
    log: list[str] = field(default_factory=list)


def sample_patches(inputs: Sequence[str], bands: str | None, sensor: str, size: int, count: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """(count, bands, size, size) float32 patches drawn at random from the rasters (NaN = nodata)."""
    with ExitStack() as stack:  # every raster is closed, also when one of them is refused
        return _sample(stack, inputs, bands, sensor, size, count, rng)


def _sample(stack: ExitStack, inputs: Sequence[str], bands: str | None, sensor: str, size: int, count: int,
            rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    names: list[str] | None = None
    readers = []
    for path in inputs:
        src = stack.enter_context(open_raster(path))
        mapping, how = raster_band_names(src.descriptions, preset(sensor))
        if names is None:
            wanted = [t.strip() for t in (bands or "").replace(";", ",").split(",") if t.strip()]
            names = [common_name(t, preset(sensor)) or t for t in wanted] or sorted(mapping, key=mapping.get)
        readers.append(BandReader(src, select_bands(mapping, names, "pre-training", how)))
        if src.width < size or src.height < size:
            raise DeepMapperError(f"'{path}' ({src.width} x {src.height}) is smaller than PATCH_SIZE {size}.")
    out = np.empty((count, len(names), size, size), np.float32)
    got, tries = 0, 0
    while got < count:
        tries += 1
        if tries > 20 * count:
            raise DeepMapperError(f"Could not find {count} patches of {size} px with at least 90 % valid pixels; "
                                  f"give rasters with more valid data or lower PATCH_SIZE.")
        reader = readers[int(rng.integers(len(readers)))]
        r0 = int(rng.integers(0, reader.height - size + 1))
        c0 = int(rng.integers(0, reader.width - size + 1))
        data, valid = reader.read_rows(r0, r0 + size, c0, c0 + size)
        if valid.mean() < 0.9:
            continue
        data[:, ~valid] = np.nan
        out[got] = data
        got += 1
    return out, names


def pretrain(req: PretrainRequest, monitor: Monitor | None = None) -> PretrainResult:
    monitor = monitor or Monitor()
    torch = require("torch", "pre-training")
    from ....models.architectures import build
    from ....models.architectures.unet import size_multiple

    log: list[str] = []
    say = monitor.recorder(log)

    check_card_path(req.output)
    if not req.inputs:
        raise DeepMapperError("INPUT needs at least one raster to pre-train on.")
    if not 0 < req.mask_ratio < 1:
        raise DeepMapperError("MASK_RATIO must be between 0 and 1.")
    rng = np.random.default_rng(req.seed)
    torch.manual_seed(req.seed)
    gen = torch.Generator().manual_seed(req.seed)
    patches, bands = sample_patches(req.inputs, req.bands, req.sensor, req.patch_size, req.patches, rng)
    mean = np.nanmean(patches, axis=(0, 2, 3))
    std = np.nanstd(patches, axis=(0, 2, 3))
    std = np.where(std > 0, std, 1.0)
    x_all = torch.from_numpy(np.nan_to_num((patches - mean[None, :, None, None]) / std[None, :, None, None]))
    say(f"{len(patches)} patches of {req.patch_size} px from {len(req.inputs)} raster(s), bands {', '.join(bands)}.")
    params = dict(ARCHITECTURE_DEFAULTS.get(req.architecture, {}), **(req.architecture_params or {}))
    spec = {"name": req.architecture, "params": params}
    device = choose_device(req.device, "torch_state_dict")
    dev = torch.device(device.torch_name)
    model = build(spec, in_channels=len(bands), n_classes=len(bands)).to(dev)
    steps = max(1, math.ceil(len(x_all) / req.batch_size))
    optim, sched = one_cycle(model, req.learning_rate, req.epochs, steps)
    cells = max(1, req.patch_size // req.mask_cell)
    started = time.time()
    epoch, last, cancelled = 0, float("nan"), False
    try:
        for epoch in range(1, req.epochs + 1):
            model.train()
            order = torch.from_numpy(rng.permutation(len(x_all)))
            losses = []
            for b in range(steps):
                x = x_all[order[b * req.batch_size:(b + 1) * req.batch_size]].to(dev)
                dummy = torch.zeros(x.shape[0], x.shape[2], x.shape[3], dtype=torch.long, device=dev)
                x, _ = augment_batch(x, dummy, gen, brightness=0.05, noise=0.0)
                hidden = torch.rand(x.shape[0], 1, cells, cells, generator=gen) < req.mask_ratio
                hidden = hidden.float().repeat_interleave(req.mask_cell, 2).repeat_interleave(req.mask_cell, 3)
                hidden = torch.nn.functional.pad(hidden, (0, x.shape[3] - hidden.shape[3],
                                                          0, x.shape[2] - hidden.shape[2])).to(dev)
                pred = model(x * (1 - hidden))
                loss = (((pred - x) ** 2) * hidden).sum() / (hidden.sum() * x.shape[1]).clamp(min=1)
                optim.zero_grad(set_to_none=True)
                loss.backward()
                optim.step()
                sched.step()
                losses.append(float(loss.detach()))
                monitor.report((epoch - 1 + (b + 1) / steps) / req.epochs)
            last = float(np.mean(losses))
            say(f"Epoch {epoch}/{req.epochs}: masked reconstruction MSE {last:.4f} (band mean: 1.0)")
    except CancelledError:
        if epoch <= 1:
            raise
        cancelled = True
        say(f"Cancelled in epoch {epoch}: writing the weights as they are.")
    model_id = req.model_id or Path(req.output).stem
    multiple = size_multiple(spec)
    card = {
        "schema_version": 1, "id": model_id, "name": f"{model_id} (self-supervised)",
        "description": "Masked-reconstruction pre-training; start a segmentation model from it with trainmodel's "
                       "INIT_MODEL.",
        "task": "pretrained", "format": "torch_state_dict", "weights": "", "sha256": "", "architecture": spec,
        "license": "Same terms as the imagery it was trained on",
        "source_url": "https://github.com/deepmapper/deepmapper (deepmapper:pretrainmodel)",
        "input": {"bands": bands, "units": "any", "sensor": req.sensor,
                  "normalization": {"type": "standard", "mean": [round(float(v), 6) for v in mean],
                                    "std": [round(float(v), 6) for v in std]}},
        "output": {"activation": "none", "classes": [{"id": i, "name": b} for i, b in enumerate(bands)]},
        "tiling": {"tile_size": 256, "margin": 32, "blend": "crop", "size_multiple": multiple},
        "metrics": {"masked_mse": round(last, 5), "baseline_mse": 1.0},
        "training": {"rasters": [str(Path(p).resolve()) for p in req.inputs], "patches": len(patches),
                     "patch_size": req.patch_size, "epochs_run": epoch, "mask_ratio": req.mask_ratio,
                     "mask_cell": req.mask_cell, "seconds": round(time.time() - started, 1), "seed": req.seed,
                     "cancelled": cancelled, "date": _dt.date.today().isoformat()},
    }
    path = write_model(card, model.state_dict(), req.output)
    return PretrainResult(str(path), epoch, last, 1.0, cancelled, log)
