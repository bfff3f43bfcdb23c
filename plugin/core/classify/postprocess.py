"""Per-pixel decisions after inference, strip by strip with a halo: smoothing, thresholds, dilation, nodata.

Neighbourhood operations (smoothing, dilation) need `halo` rows from the strips above and below; reading each
strip with that halo keeps memory flat and the result identical to whole-image processing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy import ndimage

from ..engine.progress import Monitor

NODATA_CLASS = 255


def disk(radius: int) -> np.ndarray:
    """Disk structuring element (as skimage.morphology.disk)."""
    y, x = np.mgrid[-radius:radius + 1, -radius:radius + 1]
    return (x * x + y * y <= radius * radius).astype(np.float32)


@dataclass
class ClassRules:
    """How probabilities become classes. Class ids are the probability band order (0..K-1)."""

    smoothing_radius: int = 0  # average probabilities over a disk before deciding (s2cloudless)
    threshold: float | None = None  # binary models: class 1 where P(1) > threshold, else argmax
    dilation: dict[int, int] = field(default_factory=dict)  # class id -> radius; later entries win on overlap

    @property
    def halo(self) -> int:
        return self.smoothing_radius + max(self.dilation.values(), default=0)

    def apply(self, probs: np.ndarray) -> np.ndarray:
        """(K, h, w) probabilities, NaN = nodata -> (h, w) uint8 classes, NODATA_CLASS where nodata."""
        nodata = np.isnan(probs[0])
        p = np.nan_to_num(probs, nan=0.0)
        if self.smoothing_radius:
            kernel = disk(self.smoothing_radius)
            kernel /= kernel.sum()
            p = np.stack([ndimage.convolve(band, kernel, mode="reflect") for band in p])
        if self.threshold is not None and p.shape[0] == 2:
            classes = (p[1] > self.threshold).astype(np.uint8)
        else:
            classes = np.argmax(p, axis=0).astype(np.uint8)
        for cls, radius in self.dilation.items():
            if radius > 0:
                grown = ndimage.binary_dilation(classes == cls, structure=disk(radius).astype(bool))
                classes[grown & ~nodata] = cls
        classes[nodata] = NODATA_CLASS
        return classes


StripReader = Callable[[int, int], np.ndarray]  # (row0, row1) -> (K, rows, W)
StripWriter = Callable[[int, np.ndarray, np.ndarray], None]  # (row0, probs, classes) for rows [row0, row0+h)


def classify_strips(read: StripReader, height: int, rules: ClassRules, write: StripWriter,
                    rows_per_strip: int = 512, monitor: Monitor | None = None) -> np.ndarray:
    """Apply `rules` over a probability raster in strips; returns the pixel count of every class value (0..255)."""
    monitor = monitor or Monitor()
    halo = rules.halo
    counts = np.zeros(256, dtype=np.int64)
    for row0 in range(0, height, rows_per_strip):
        row1 = min(height, row0 + rows_per_strip)
        h0, h1 = max(0, row0 - halo), min(height, row1 + halo)
        probs = read(h0, h1)
        classes = rules.apply(probs)[row0 - h0:row1 - h0]
        write(row0, probs[:, row0 - h0:row1 - h0], classes)
        counts += np.bincount(classes.ravel(), minlength=256)
        monitor.report(row1 / height)
    return counts
