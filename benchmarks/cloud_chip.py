"""What the cloud-chip benchmarks (bench_active_learning.py, bench_finetune_cloud.py) share: the chip's band names,
the cloud-mask classes, the pixel F1 they score with (1.0 when a class is absent from both prediction and
reference, so a curve point is never undefined) and the oracle-labelled patch dataset they train on."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BANDS = ["blue", "green", "red", "nir", "swir16", "swir22"]  # ../shared/data/clouds/s2_cloud_chip.tif: B2..B12
CLASSES = [{"id": 0, "name": "clear", "color": "#3a7d44"}, {"id": 1, "name": "cloud", "color": "#f2f2f2"},
           {"id": 2, "name": "cloud shadow", "color": "#5c4d9a"}]


def f1(pred: np.ndarray, ref: np.ndarray, cls: int) -> float:
    """Pixel F1 of class `cls` (same-shape integer arrays)."""
    tp = int(((pred == cls) & (ref == cls)).sum())
    fp = int(((pred == cls) & (ref != cls)).sum())
    fn = int(((pred != cls) & (ref == cls)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def band_statistics(values: np.ndarray) -> dict:
    """Per-band mean, standard deviation, minimum and maximum of `values` (C, ...) float32 (reflectance): the
    normalisation statistics of an oracle patch dataset, as extractpatches' dataset.json holds them."""
    flat = values.reshape(values.shape[0], -1)
    return {"mean": flat.mean(axis=1).tolist(), "std": flat.std(axis=1).tolist(), "min": flat.min(axis=1).tolist(),
            "max": flat.max(axis=1).tolist()}


def write_oracle_dataset(folder: Path, x: np.ndarray, y: np.ndarray, windows: list[list[int]], stats: dict,
                         chip: Path) -> None:
    """The training engine's patch dataset (training/dataset.py) of patches labelled by the reference raster (the
    oracle): x (N, 6, P, P) float32 reflectance, y (N, P, P) uint8 class ids (255 unlabelled), windows the (row, col)
    of each patch in the chip, stats the normalisation. With a few patches there is no separate validation split:
    the validation arrays are the training patches."""
    folder.mkdir(parents=True, exist_ok=True)
    for split in ("train", "validation"):
        np.save(folder / f"{split}_images.npy", x)
        np.save(folder / f"{split}_labels.npy", y)
    pixels = [int((y == k["id"]).sum()) for k in CLASSES]
    meta = {"format": "deepmapper-patches", "version": 1,
            "source": {"raster": str(chip), "labels": "oracle: s2_cloud_chip_reference.tif", "class_field": "class",
                       "background": None},
            "crs": None, "resolution_m": 30.0, "sensor": "sentinel2_l1c", "bands": BANDS, "patch_size": x.shape[-1],
            "classes": CLASSES, "ignore_label": 255, "counts": {"train": len(x), "validation": len(x)},
            "class_pixels": {"train": pixels, "validation": pixels},
            "windows": {s: windows for s in ("train", "validation")}, "statistics": stats}
    (folder / "dataset.json").write_text(json.dumps(meta))
