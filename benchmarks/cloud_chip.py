"""What the cloud-chip benchmarks (bench_active_learning.py, bench_finetune_cloud.py) share: the chip's band names,
the cloud-mask classes and the pixel F1 they score with (1.0 when a class is absent from both prediction and
reference, so a curve point is never undefined)."""
from __future__ import annotations

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
