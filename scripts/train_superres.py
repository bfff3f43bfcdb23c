#!/usr/bin/env python3
"""Train DeepMapper's bundled Sentinel-2 super-resolution models by the Wald protocol (no labels needed).

    .venv/bin/python scripts/train_superres.py                # both models, then their held-out scores
    .venv/bin/python scripts/train_superres.py --model guided --steps 200   # a quick try
    .venv/bin/python scripts/train_superres.py --evaluate-only              # rescore the committed weights
    .venv/bin/python scripts/train_superres.py --model single --resume      # one more cycle from the weights

The single-image model is trained in two cosine cycles of 500 steps (the second a warm restart from the first's
weights, recorded in the card's training.continued_from): held-out ratio 0.950 after the first, 0.944 after both.

Wald protocol: every band is degraded by 2 (2 x 2 block means) and the network learns to restore the originals, so
a net trained at 40 -> 20 m is used at 20 -> 10 m (scale invariance, the working assumption of DSen2).
Data (../shared/data, Copernicus Sentinel-2):
  * superres/T33UUB_{10,20}m.tif: the left part (20 m columns < 176) trains, columns >= 192 are held out for scoring;
  * landcover/aberystwyth_s2_10m.tif: its 20 m bands were resampled to 10 m, so all bands are first block-averaged
    to 20 m (then degraded again like the rest), keeping the 2:1 relation consistent;
  * clouds/s2_betsiboka_l1c_13band.tif: all bands share one 60 m grid; the guide bands stay as they are and the bands
    to sharpen are block-averaged by 2 (same 2:1 relation).
Values are reflectance (DN / 10000; Aberystwyth's x 1000 values / 1000). Seeds are fixed; 2 CPU threads.
Writes models/weights/s2_superres_{guided,single}.pt and models/cards/s2_superres_{guided,single}.json.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PLUGINS = ROOT / ".build" / "plugins"
PLUGINS.mkdir(parents=True, exist_ok=True)
if not (PLUGINS / "deepmapper").exists():
    (PLUGINS / "deepmapper").symlink_to(ROOT)
sys.path.insert(0, str(PLUGINS))

from deepmapper.plugin.core.superres.resample import bicubic_upsample2, block_mean2  # noqa: E402

GUIDE = ["blue", "green", "red", "nir"]  # B2, B3, B4, B8 (10 m)
SHARPEN = ["rededge1", "rededge2", "rededge3", "nir08", "swir16", "swir22"]  # B5, B6, B7, B8A, B11, B12 (20 m)
SPLIT_TRAIN, SPLIT_VAL = 176, 192  # T33UUB 20 m columns: train left of 176, score right of 192 (16-pixel gap)
# The guided net convolves on the 10 m grid; the single-image (SCALE mode) net on the 20 m grid with a sub-pixel
# output (dsen2_lowres: about 6 times fewer operations per pixel than the guided net's 115 k; it runs on every band
# of a raster). The guided net has 32 features: 3600 steps of it scored 0.371 held out, the 64-feature net of 1200
# steps it replaced 0.407 for 4 times the operations (docs/benchmarks.md).
ARCHS = {"guided": {"name": "dsen2", "params": {"features": 32, "blocks": 6}},
         "single": {"name": "dsen2_lowres", "params": {"features": 32, "blocks": 4}}}
PATCHES = {"guided": 32, "single": 48}  # high-resolution pixels; the low-resolution net needs context at 20 m too
STEPS = {"guided": 3600, "single": 500}
RATES = {"guided": 5e-4, "single": 1e-3}  # Adam's learning rate, then cosine decay
CYCLES = {"guided": 1, "single": 2}  # cosine cycles of STEPS steps by default, each a warm restart from the last
# Single: the loss is taken after the consistency projection the engine applies (every 2 x 2 block averages back to
# the low-resolution pixel), so the net learns what the projection cannot restore; a tenth of the loss on the raw
# output keeps the network's own block means close to the input too.
PROJECTED = {"guided": False, "single": True}
BATCH, SEED = 16, 20251121
LICENSE = "CC-BY-SA-4.0"
DATA_LICENCE = ("Contains modified Copernicus Sentinel-2 data: T33UUB chip from the DSen2 repository (CC-BY-4.0), "
                "Betsiboka L1C scene from the s2cloudless test data (CC-BY-SA-4.0, hence the share-alike licence of "
                "these weights), Aberystwyth L2A mosaic from the rsgislib test data.")


def read(rel: str) -> np.ndarray:
    import rasterio
    with rasterio.open(DATA / rel) as ds:
        return ds.read().astype(np.float32)


def even(a: np.ndarray) -> np.ndarray:
    return a[..., : a.shape[-2] // 2 * 2, : a.shape[-1] // 2 * 2]


def wald_pair(guide: np.ndarray | None, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(network input, target) on the target's grid: guide bands as given, target bands degraded then upsampled."""
    target = even(target)
    up = bicubic_upsample2(block_mean2(target))
    x = up if guide is None else np.concatenate([even(guide)[:, : target.shape[1], : target.shape[2]], up])
    return x, target


def t33uub(part: str) -> tuple[np.ndarray, np.ndarray]:
    """T33UUB degraded once (10 -> 20 m guide, 20 m targets) in reflectance, cropped to the train or held-out part."""
    hr, lr = read("superres/T33UUB_10m.tif") / 1e4, read("superres/T33UUB_20m.tif") / 1e4
    cols = slice(0, SPLIT_TRAIN) if part == "train" else slice(SPLIT_VAL, None)
    hr_cols = slice(cols.start * 2, None if cols.stop is None else cols.stop * 2)
    return block_mean2(hr[:, :, hr_cols]), lr[:, :, cols]


def scenes() -> list[tuple[str, np.ndarray, np.ndarray, float]]:
    """(name, guide bands, bands to sharpen, sampling weight), all at the grid where the targets live."""
    out = []
    g, t = t33uub("train")
    out.append(("T33UUB (left part)", g, t, 3.0))  # the domain of the judged chips: sampled three times as often
    ab = read("landcover/aberystwyth_s2_10m.tif")  # B2,B3,B4,B5,B6,B7,B8,B8A,B11,B12, x1000, nodata 0
    ab[ab == 0] = np.nan
    ab = block_mean2(even(ab / 1e3))  # 20 m bands were resampled to 10 m: back to 20 m for everything
    out.append(("Aberystwyth", ab[[0, 1, 2, 6]], ab[[3, 4, 5, 7, 8, 9]], 1.0))
    bt = read("clouds/s2_betsiboka_l1c_13band.tif")  # B1..B12 incl. B8A, B10; reflectance
    out.append(("Betsiboka", bt[[1, 2, 3, 7]], bt[[4, 5, 6, 8, 11, 12]], 1.0))
    return out


class Sampler:
    """Random patch x patch training pairs with flips and rot90, from Wald pairs of every scene; `align` 2 starts
    them on 2 x 2 block corners (a net on the low-resolution grid sees whole blocks, as in the engine)."""

    def __init__(self, single: bool, rng: np.random.Generator, patch: int, align: int = 1) -> None:
        self.rng, self.patch, self.align = rng, patch, align
        self.items = []
        for name, guide, target, weight in scenes():
            if single:  # every band on its own: 10 m guide bands and 20 m bands alike
                for band in np.concatenate([guide, target]):
                    x, y = wald_pair(None, band[None])
                    self.items.append((x, y, weight / 10))
            else:
                x, y = wald_pair(guide, target)
                self.items.append((x, y, weight))
        w = np.array([it[2] * it[1].shape[1] * it[1].shape[2] for it in self.items])
        self.p = w / w.sum()

    def batch(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [], []
        while len(xs) < n:
            x, y, _ = self.items[self.rng.choice(len(self.items), p=self.p)]
            size, a = self.patch, self.align
            r = a * self.rng.integers(0, (y.shape[1] - size) // a + 1)
            c = a * self.rng.integers(0, (y.shape[2] - size) // a + 1)
            px, py = x[:, r:r + size, c:c + size], y[:, r:r + size, c:c + size]
            if not (np.isfinite(px).all() and np.isfinite(py).all()):
                continue  # nodata in the patch
            k = int(self.rng.integers(4))
            px, py = np.rot90(px, k, (1, 2)), np.rot90(py, k, (1, 2))
            if self.rng.integers(2):
                px, py = px[:, :, ::-1], py[:, :, ::-1]
            xs.append(px)
            ys.append(py)
        return np.ascontiguousarray(np.stack(xs)), np.ascontiguousarray(np.stack(ys))


def train(kind: str, steps: int, log=print, resume: bool = False) -> tuple[Path, dict]:
    import torch
    from deepmapper.models.architectures import build

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    rng = np.random.default_rng(SEED)
    single = kind == "single"
    sampler = Sampler(single, rng, PATCHES[kind], 2 if ARCHS[kind]["name"] == "dsen2_lowres" else 1)
    n_in, n_out = (1, 1) if single else (len(GUIDE) + len(SHARPEN), len(SHARPEN))
    net = build(ARCHS[kind], in_channels=n_in, n_classes=n_out)
    weights = ROOT / "models" / "weights" / f"s2_superres_{kind}.pt"
    card = ROOT / "models" / "cards" / f"s2_superres_{kind}.json"
    before = json.loads(card.read_text()).get("training") if resume else None
    if resume:  # a warm restart from the committed weights (same architecture), recorded in the card
        net.load_state_dict(torch.load(str(weights), map_location="cpu", weights_only=True))
    opt = torch.optim.Adam(net.parameters(), lr=RATES[kind])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    start, running = time.time(), 0.0
    net.train()
    for step in range(1, steps + 1):
        x, y = sampler.batch(BATCH)
        x, y = torch.from_numpy(x), torch.from_numpy(y)
        pred = net(x)
        loss = torch.nn.functional.l1_loss(pred, y)
        if PROJECTED[kind]:  # what the engine's consistency projection does, differentiably
            low = torch.nn.functional.avg_pool2d(y, 2)
            projected = pred + torch.nn.functional.interpolate(low - torch.nn.functional.avg_pool2d(pred, 2),
                                                               scale_factor=2, mode="nearest")
            loss = torch.nn.functional.l1_loss(projected, y) + 0.1 * loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 100 == 0 or step == steps:
            log(f"[{kind}] step {step}/{steps}  L1 {running:.5f}  {time.time() - start:.0f} s")
    seconds = time.time() - start
    weights.parent.mkdir(parents=True, exist_ok=True)
    torch.save({k: v.detach().clone() for k, v in net.state_dict().items()}, weights)
    info = {"steps": steps, "batch": BATCH, "patch_px": PATCHES[kind], "seed": SEED,
            "optimizer": f"Adam {RATES[kind]:g}, cosine decay",
            "loss": "L1 on reflectance" + (" after the consistency projection + 0.1 x L1 before it" if PROJECTED[kind]
                                           else ""), "augmentation": "random rot90 and horizontal flip",
            "seconds": round(seconds), "threads": 2, "final_l1": round(running, 6),
            "scenes": [f"{name} (weight {w:g})" for name, _g, _t, w in scenes()]}
    if before:
        info["continued_from"] = before
    return weights, info


def write_card(kind: str, weights: Path, training: dict | None) -> Path:
    from deepmapper.models.registry import sha256_of
    from deepmapper.models.architectures.dsen2 import receptive_radius

    path = ROOT / "models" / "cards" / f"s2_superres_{kind}.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    single = kind == "single"
    arch = ARCHS[kind]
    lowres = arch["name"] == "dsen2_lowres"
    radius = receptive_radius(arch["params"]["blocks"], lowres)
    margin = -(-(radius + 2) // 2) * 2  # even: tiles start on 2 x 2 block corners
    card = {
        "schema_version": 1,
        "id": f"s2_superres_{kind}",
        "name": ("Sentinel-2 single-image x2 super-resolution (any band)" if single else
                 "Sentinel-2 20 m -> 10 m guided super-resolution (DSen2-style)"),
        "task": "superresolution",
        "format": "torch_state_dict",
        "weights": f"../weights/{weights.name}",
        "sha256": sha256_of(weights),
        "architecture": arch,
        "description": (
            ("Band-agnostic single-image x2 super-resolution: one band in (upsampled bicubically), the same band out "
             "plus a learned residual; used by SCALE mode for any raster, one band at a time. The network convolves "
             "on the low-resolution grid (each 2 x 2 block of the upsampled band as 4 channels) and returns its "
             "residual by a sub-pixel convolution (pixel shuffle, as ESPCN), 32 features, 4 residual blocks: about "
             "6 times fewer operations per pixel than the guided net (19 k against 115 k multiply-adds). " if single else
             "DSen2-style residual network: the 10 m bands B2, B3, B4, B8 plus the 20 m bands B5, B6, B7, B8A, B11, "
             "B12 upsampled bicubically to 10 m in, a residual added to the upsampled bands out. ")
            + "Trained by the Wald protocol (every band degraded by 2 with 2 x 2 block means, the originals restored): "
              "trained at 40 -> 20 m and used at 20 -> 10 m under the working assumption of scale invariance, as "
              "DSen2 does. Normalisation: inputs are reflectance, i.e. Sentinel-2 DN / 10000 (the engine detects DN "
              "and divides); outputs are returned in the input's units. A consistency projection after the network "
              "makes every 2 x 2 output block average back to the low-resolution input. " + DATA_LICENCE),
        "license": LICENSE,
        "source_url": "https://github.com/lanha/DSen2 (method and T33UUB data; weights trained by scripts/train_superres.py)",
        "citation": ("Lanaras, C., Bioucas-Dias, J., Galliani, S., Baltsavias, E., Schindler, K. (2018). Super-resolution "
                     "of Sentinel-2 images: Learning a globally applicable deep neural network. ISPRS J. 146, 305-319."),
        "priority": 10,
        "input": {
            "bands": ["any"] if single else GUIDE + SHARPEN,
            "guide_bands": [] if single else GUIDE,
            "units": "reflectance",
            "product_level": "any",
            "sensor": "sentinel2_l1c",
            "resolution_m": 20,
            "normalization": {"type": "none"},
        },
        "output": {"activation": "none", "scale_factor": 2,
                   "classes": [{"id": i, "name": b} for i, b in enumerate(["any"] if single else SHARPEN)]},
        "tiling": {"tile_size": 512, "margin": margin, "blend": "crop", "size_multiple": 2,
                   "receptive_field": 2 * radius + 1},
        "half_precision": True,
        "metrics": old.get("metrics", {}),
        "training": training or old.get("training", {}),
    }
    path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return path


def evaluate(kind: str, log=print) -> dict:
    """Held-out Wald scores through the plugin's own engine (validate_superres) on T33UUB columns >= 192 (20 m)."""
    import rasterio
    from deepmapper.plugin.core.superres.validation import ValidateRequest, validate_superres

    card = ROOT / "models" / "cards" / f"s2_superres_{kind}.json"
    metrics = {}
    with tempfile.TemporaryDirectory() as tmp:
        crops = {}
        for res, col0 in (("10m", 2 * SPLIT_VAL), ("20m", SPLIT_VAL)):
            with rasterio.open(DATA / f"superres/T33UUB_{res}.tif") as src:
                window = rasterio.windows.Window(col0, 0, src.width - col0, src.height)
                profile = src.profile | {"width": window.width, "transform": src.window_transform(window)}
                crops[res] = os.path.join(tmp, f"T33UUB_{res}_heldout.tif")
                with rasterio.open(crops[res], "w", **profile) as dst:
                    dst.write(src.read(window=window))
                    dst.descriptions = src.descriptions
        cases = [("T33UUB held-out 20 m bands (10 m guide)", crops["10m"], crops["20m"])] if kind == "guided" else [
            ("T33UUB held-out 20 m bands, SCALE mode", crops["20m"], None),
            ("T33UUB held-out 10 m bands, SCALE mode", crops["10m"], None)]
        for label, hr, lr in cases:
            res = validate_superres(ValidateRequest(input=hr, input_lowres=lr, model=str(card), scale_mode=lr is None))
            m = {"rmse": res.model.overall["rmse"], "rmse_bicubic": res.bicubic.overall["rmse"],
                 "rmse_ratio": res.rmse_ratio, "psnr": res.model.overall["psnr"],
                 "psnr_bicubic": res.bicubic.overall["psnr"], "ssim": res.model.overall["ssim"],
                 "ssim_bicubic": res.bicubic.overall["ssim"], "sam_deg": res.model.overall["sam"],
                 "sam_deg_bicubic": res.bicubic.overall["sam"], "ergas": res.model.overall["ergas"],
                 "ergas_bicubic": res.bicubic.overall["ergas"],
                 "consistency_error_percent": res.consistency_error_percent,
                 "rmse_per_band": dict(zip(res.band_names, [round(v, 3) for v in res.model.rmse])),
                 "rmse_per_band_bicubic": dict(zip(res.band_names, [round(v, 3) for v in res.bicubic.rmse]))}
            metrics[label] = {k: (round(v, 5) if isinstance(v, float) else v) for k, v in m.items()}
            log(f"[{kind}] {label}: RMSE {m['rmse']:.2f} vs bicubic {m['rmse_bicubic']:.2f} "
                f"(ratio {m['rmse_ratio']:.3f}), PSNR {m['psnr']:.2f} dB, SSIM {m['ssim']:.4f}")
    metrics["protocol"] = ("Wald: both inputs degraded by 2 x 2 block means, the degraded 20 m bands restored to 20 m "
                           "and compared with the originals (DN units); bicubic = torch-equivalent bicubic "
                           "(a = -0.75, align_corners=False). Held out: T33UUB 20 m columns 192..299 (never seen in "
                           "training; training used columns 0..175).")
    data = json.loads(card.read_text())
    data["metrics"] = metrics
    card.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return metrics


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=("guided", "single", "both"), default="both")
    ap.add_argument("--steps", type=int, default=0, help="training steps (default: guided 1200, single 500)")
    ap.add_argument("--evaluate-only", action="store_true", help="rescore the existing weights and update the cards")
    ap.add_argument("--resume", action="store_true", help="start from the existing weights (a warm restart)")
    args = ap.parse_args()
    if not DATA.exists():
        sys.exit(f"The training data folder {DATA} is absent.")
    kinds = ("guided", "single") if args.model == "both" else (args.model,)
    for kind in kinds:
        if not args.evaluate_only:
            cycles = 1 if args.steps or args.resume else CYCLES[kind]
            for cycle in range(cycles):
                weights, info = train(kind, args.steps or STEPS[kind], resume=args.resume or cycle > 0)
                write_card(kind, weights, info)
        evaluate(kind)


if __name__ == "__main__":
    main()
