#!/usr/bin/env python3
"""How predictable are the cloud chip's small reference regions? Evidence for the label-review goal of issue 9.

A third of the chip's reference polygons cover 1-3 pixels (regions of the dense reference raster at cloud and shadow
edges). Label review can only find a flipped region if some judge can tell its true class from the image. This
trains the engine's light U-Net (width 16, depth 3) on the dense reference of the whole active-learning pool (the
left three quarters, 192 patches of 32 px; bench_active_learning.py's split) and scores, on the right quarter, the
share of pixels whose predicted class equals the reference, by the size of the reference region they belong to
(4-connected, as the polygons are cut). The UKIS 6-band model, trained on other scenes, is scored the same way.

    .venv/bin/python benchmarks/bench_small_regions.py [--steps 1200]

Skips (exit 0) without ../shared/data.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_active_learning import BATCH, DATA, PATCH, POOL_COLS, round_epochs, write_dataset  # noqa: E402
from cloud_chip import band_statistics  # noqa: E402

BINS = ((1, 3), (4, 20), (21, None))


def region_sizes(ref: np.ndarray) -> np.ndarray:
    """(H, W) int: the pixel count of the 4-connected same-class region each pixel belongs to."""
    from scipy import ndimage
    sizes = np.zeros(ref.shape, np.int64)
    for k in np.unique(ref):
        labels, _n = ndimage.label(ref == k)
        counts = np.bincount(labels.ravel())
        sizes[ref == k] = counts[labels[ref == k]]
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1200)
    args = parser.parse_args()
    chip, reference = DATA / "s2_cloud_chip.tif", DATA / "s2_cloud_chip_reference.tif"
    if not chip.exists():
        print("../shared/data is absent: nothing to measure")
        return
    import rasterio
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
    from deepmapper.plugin.core.classify.segment import SegmentRequest, run_segment
    from deepmapper.plugin.core.training.trainer import TrainRequest, train_model
    with rasterio.open(chip) as src, rasterio.open(reference) as rsrc:
        image, ref = src.read().astype(np.float32), rsrc.read(1)
    stats = band_statistics(image)
    grid_cols = ref.shape[1] // PATCH
    pool = [r * grid_cols + c for r in range(ref.shape[0] // PATCH) for c in range(POOL_COLS // PATCH)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_dataset(work / "ds", image, ref, pool, grid_cols, stats, chip)
        train_model(TrainRequest(str(work / "ds"), str(work / "model.json"),
                                 architecture_params={"width": 16, "depth": 3},
                                 epochs=round_epochs(len(pool), args.steps, BATCH), batch_size=BATCH,
                                 learning_rate=3e-3, patience=10 ** 6, seed=0, threads=2, device="cpu", tile_size=256))
        unet = run_segment(SegmentRequest(input=str(chip), output=str(work / "unet.tif"),
                                          model=str(work / "model.json"), device="cpu")).output
        ukis = run_cloudmask(CloudMaskRequest(input=str(chip), output=str(work / "ukis.tif"),
                                              model="ukis_csmask_6b_l1c")).output
        preds = {name: rasterio.open(path).read(1) for name, path in (("U-Net on the dense pool", unet),
                                                                       ("ukis_csmask_6b_l1c", ukis))}
    sizes = region_sizes(ref)
    test = np.zeros(ref.shape, bool)
    test[:, POOL_COLS:] = True
    print("| judge | " + " | ".join(f"regions of {lo}-{hi or ''} px" for lo, hi in BINS) + " |")
    print("|---|" + "---:|" * len(BINS))
    for name, pred in preds.items():
        cells = []
        for lo, hi in BINS:
            m = test & (sizes >= lo) & (sizes <= (hi or sizes.max()))
            cells.append(f"{(pred[m] == ref[m]).mean():.3f} of {int(m.sum())} px")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
