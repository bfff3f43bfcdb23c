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
from typing import Callable, Sequence

import numpy as np

from ..engine.bands import common_name, preset, raster_band_names, select_bands
from ..engine.device import choose_device
from ..engine.errors import CancelledError, DeepMapperError, require
from ..engine.messages import N_, _
from ..engine.progress import Monitor
from ..engine.raster_io import BandReader, open_raster
from .augment import augment_batch
from .export import check_card_path, write_model
from .trainer import architecture_spec, one_cycle


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
            raise DeepMapperError(_("'{path}' ({width} x {height}) is smaller than PATCH_SIZE {size}; "
                                  "lower PATCH_SIZE or leave this image out.").format(
                path=path, width=src.width, height=src.height, size=size))
    out = np.empty((count, len(names), size, size), np.float32)
    got, tries = 0, 0
    while got < count:
        tries += 1
        if tries > 20 * count:
            raise DeepMapperError(_("Could not find {count} patches of {size} px with at least 90 % valid pixels; "
                                  "give rasters with more valid data or lower PATCH_SIZE.").format(
                count=count, size=size))
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
    """Pre-train a network by masked reconstruction on patches of `req.inputs`; write its card and weights.

    Raises DeepMapperError for a bad request or rasters, CancelledError when the user cancels in the first epoch
    (later, the weights as they are are written and the result says `cancelled`)."""
    monitor = monitor or Monitor()
    torch = require("torch", N_("self-supervised pre-training"))
    log: list[str] = []
    say = monitor.recorder(log)
    _check(req)
    rng = np.random.default_rng(req.seed)
    torch.manual_seed(req.seed)
    gen = torch.Generator().manual_seed(req.seed)
    patches, bands = sample_patches(req.inputs, req.bands, req.sensor, req.patch_size, req.patches, rng)
    mean, std = _band_statistics(patches)
    say(_("{n_patches} patches of {patch_size} px from {n_inputs} raster(s), bands {bands}.").format(
        n_patches=len(patches), patch_size=req.patch_size, n_inputs=len(req.inputs), bands=', '.join(bands)))
    spec = architecture_spec(req.architecture, req.architecture_params)
    run = _Reconstruction(req, spec, _normalised(patches, mean, std), rng, gen)
    started = time.time()
    run.fit(monitor, say)
    card = _card(req, spec, bands, mean, std, len(patches), run, time.time() - started)
    path = write_model(card, run.model.state_dict(), req.output)
    return PretrainResult(str(path), run.epoch, run.last, 1.0, run.cancelled, log)


def _check(req: PretrainRequest) -> None:
    check_card_path(req.output)
    if not req.inputs:
        raise DeepMapperError(_("INPUT needs at least one raster to pre-train on."))
    if not 0 < req.mask_ratio < 1:
        raise DeepMapperError(_("MASK_RATIO must be between 0 and 1."))


def _band_statistics(patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-band (mean, std) over the valid pixels of (N, C, H, W) patches; a constant band gets std 1."""
    mean = np.nanmean(patches, axis=(0, 2, 3))
    std = np.nanstd(patches, axis=(0, 2, 3))
    return mean, np.where(std > 0, std, 1.0)


def _normalised(patches: np.ndarray, mean: np.ndarray, std: np.ndarray):
    """The patches as a torch tensor in standard units, nodata -> 0 (the band mean)."""
    import torch
    return torch.from_numpy(np.nan_to_num((patches - mean[None, :, None, None]) / std[None, :, None, None]))


class _Reconstruction:
    """Masked-reconstruction training of a network of architecture `spec` on normalised patches (N, C, H, W).
    After `fit`: `epoch` (epochs run), `last` (the last full epoch's mean loss), `cancelled`."""

    def __init__(self, req: PretrainRequest, spec: dict, x_all, rng: np.random.Generator, gen) -> None:
        import torch

        from ....models.architectures import build
        self.req, self.x_all, self.rng, self.gen = req, x_all, rng, gen
        bands = x_all.shape[1]
        self.dev = torch.device(choose_device(req.device, "torch_state_dict").torch_name)
        self.model = build(spec, in_channels=bands, n_classes=bands).to(self.dev)
        self.steps = max(1, math.ceil(len(x_all) / req.batch_size))
        self.optim, self.sched = one_cycle(self.model, req.learning_rate, req.epochs, self.steps)
        self.cells = max(1, req.patch_size // req.mask_cell)
        self.epoch, self.last, self.cancelled = 0, float("nan"), False

    def fit(self, monitor: Monitor, say: Callable[[str], None]) -> None:
        """Every epoch; a cancel after the first epoch keeps the weights as they are, in it CancelledError goes up."""
        req = self.req
        try:
            for epoch in range(1, req.epochs + 1):
                self.epoch = epoch  # also when this epoch is cancelled
                self.last = self._epoch(monitor)
                say(_("Epoch {epoch}/{epochs}: masked reconstruction MSE {last:.4f} (band mean: 1.0)").format(
                    epoch=self.epoch, epochs=req.epochs, last=self.last))
        except CancelledError:
            if self.epoch <= 1:
                raise
            self.cancelled = True
            say(_("Cancelled in epoch {epoch}: writing the weights as they are.").format(epoch=self.epoch))

    def _epoch(self, monitor: Monitor) -> float:
        """One pass over the patches in random order; returns the mean loss."""
        import torch
        req, steps = self.req, self.steps
        self.model.train()
        order = torch.from_numpy(self.rng.permutation(len(self.x_all)))
        losses = []
        for b in range(steps):
            loss = self._masked_loss(self.x_all[order[b * req.batch_size:(b + 1) * req.batch_size]].to(self.dev))
            self.optim.zero_grad(set_to_none=True)
            loss.backward()
            self.optim.step()
            self.sched.step()
            losses.append(float(loss.detach()))
            monitor.report((self.epoch - 1 + (b + 1) / steps) / req.epochs)
        return float(np.mean(losses))

    def _masked_loss(self, x):
        """MSE of the network's redrawing of randomly hidden cells of the (augmented) batch x (N, C, H, W), over the
        hidden pixels only."""
        import torch
        req = self.req
        dummy = torch.zeros(x.shape[0], x.shape[2], x.shape[3], dtype=torch.long, device=self.dev)
        x, _ = augment_batch(x, dummy, self.gen, brightness=0.05, noise=0.0)
        hidden = torch.rand(x.shape[0], 1, self.cells, self.cells, generator=self.gen) < req.mask_ratio
        hidden = hidden.float().repeat_interleave(req.mask_cell, 2).repeat_interleave(req.mask_cell, 3)
        hidden = torch.nn.functional.pad(hidden, (0, x.shape[3] - hidden.shape[3],
                                                  0, x.shape[2] - hidden.shape[2])).to(self.dev)
        pred = self.model(x * (1 - hidden))
        return (((pred - x) ** 2) * hidden).sum() / (hidden.sum() * x.shape[1]).clamp(min=1)


def _card(req: PretrainRequest, spec: dict, bands: list[str], mean: np.ndarray, std: np.ndarray, patches: int,
          run: _Reconstruction, seconds: float) -> dict:
    """The card of task "pretrained": the architecture, the bands and their normalisation, how it was trained."""
    from ....models.architectures.unet import size_multiple
    model_id = req.model_id or Path(req.output).stem
    return {
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
        "tiling": {"tile_size": 256, "margin": 32, "blend": "crop", "size_multiple": size_multiple(spec)},
        "metrics": {"masked_mse": round(run.last, 5), "baseline_mse": 1.0},
        "training": {"rasters": [str(Path(p).resolve()) for p in req.inputs], "patches": patches,
                     "patch_size": req.patch_size, "epochs_run": run.epoch, "mask_ratio": req.mask_ratio,
                     "mask_cell": req.mask_cell, "seconds": round(seconds, 1), "seed": req.seed,
                     "cancelled": run.cancelled, "date": _dt.date.today().isoformat()},
    }
