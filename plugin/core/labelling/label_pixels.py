"""The pixels of each label feature on a raster's grid, and per-pixel features read strip by strip.

A label review judges every feature (polygon or point) by its own pixels: `feature_pixels` lists, per feature, the
pixels whose centre is inside it (a point: the pixel it falls in; a polygon smaller than a pixel: the pixel of its
representative point), at most `max_pixels` of them drawn at random, so a huge polygon costs no more than a small
one. `pixel_features` then reads only the rows that hold those pixels, strip by strip (flat memory), and gives each
pixel its band values plus a simple local texture (mean and standard deviation of a 5 x 5 neighbourhood).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..engine.progress import Monitor
from ..engine.raster_io import BandReader
from ..engine.vector_labels import PUNCTUAL

TEXTURE = 5  # pixels: side of the neighbourhood of the local mean and standard deviation
STRIP_ROWS = 256


@dataclass
class FeaturePixels:
    """Sampled pixels of every feature: pixel k belongs to feature `owner[k]` at (rows[k], cols[k])."""

    owner: np.ndarray  # (n,) int64 feature index
    rows: np.ndarray  # (n,) int64
    cols: np.ndarray  # (n,) int64
    on_image: np.ndarray  # (features,) bool: the feature has at least one pixel on the image


def feature_pixels(geometries: Sequence, transform, width: int, height: int, max_pixels: int,
                   rng: np.random.Generator) -> FeaturePixels:
    """Pixels of each geometry (in the grid's CRS) on a `width` x `height` grid, at most `max_pixels` each."""
    from rasterio import features
    from rasterio.windows import Window, from_bounds, transform as window_transform
    owner, rows, cols = [], [], []
    on_image = np.zeros(len(geometries), dtype=bool)
    inv = ~transform
    for i, geom in enumerate(geometries):
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type in PUNCTUAL:
            parts = getattr(geom, "geoms", [geom])
            c, r = inv * (np.array([p.x for p in parts]), np.array([p.y for p in parts]))
            r, c = np.floor(r).astype(np.int64), np.floor(c).astype(np.int64)
        else:
            win = from_bounds(*geom.bounds, transform=transform).round_offsets(op="floor").round_lengths(op="ceil")
            r0, c0 = max(int(win.row_off), 0), max(int(win.col_off), 0)
            r1 = min(int(win.row_off + win.height) + 1, height)
            c1 = min(int(win.col_off + win.width) + 1, width)
            if r1 <= r0 or c1 <= c0:
                continue
            wt = window_transform(Window(c0, r0, c1 - c0, r1 - r0), transform)
            inside = features.geometry_mask([geom], out_shape=(r1 - r0, c1 - c0), transform=wt, invert=True,
                                            all_touched=geom.geom_type not in ("Polygon", "MultiPolygon"))
            r, c = np.nonzero(inside)
            r, c = r + r0, c + c0
            if not len(r):  # smaller than a pixel: the pixel of a point surely inside it
                p = geom.representative_point()
                cc, rr = inv * (p.x, p.y)
                r, c = np.array([int(np.floor(rr))]), np.array([int(np.floor(cc))])
        ok = (r >= 0) & (r < height) & (c >= 0) & (c < width)
        r, c = r[ok], c[ok]
        if not len(r):
            continue
        on_image[i] = True
        if len(r) > max_pixels:
            pick = np.sort(rng.choice(len(r), max_pixels, replace=False))
            r, c = r[pick], c[pick]
        owner.append(np.full(len(r), i, dtype=np.int64))
        rows.append(r)
        cols.append(c)
    cat = (lambda parts: np.concatenate(parts) if parts else np.zeros(0, np.int64))
    return FeaturePixels(cat(owner), cat(rows), cat(cols), on_image)


def local_texture(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """((C, h, w) local mean, (C, h, w) local standard deviation) over TEXTURE x TEXTURE pixels, float32."""
    from scipy.ndimage import uniform_filter
    mean = uniform_filter(data, size=(1, TEXTURE, TEXTURE), mode="reflect")
    sq = uniform_filter(data * data, size=(1, TEXTURE, TEXTURE), mode="reflect")
    return mean, np.sqrt(np.maximum(sq - mean * mean, 0.0))


def pixel_features(reader: BandReader, rows: np.ndarray, cols: np.ndarray,
                   monitor: Monitor | None = None) -> tuple[np.ndarray, np.ndarray]:
    """((n, 3C) float32 features: band values, local means, local standard deviations; (n,) bool valid) of the
    pixels (rows, cols), reading only the strips that hold them. Invalid pixels (nodata) get zeros."""
    monitor = monitor or Monitor()
    n, c = len(rows), len(reader.indexes)
    out = np.zeros((n, 3 * c), dtype=np.float32)
    valid = np.zeros(n, dtype=bool)
    if not n:
        return out, valid
    halo = TEXTURE // 2
    starts = range(int(rows.min()) // STRIP_ROWS * STRIP_ROWS, int(rows.max()) + 1, STRIP_ROWS)
    for k, row0 in enumerate(starts):
        row1 = min(row0 + STRIP_ROWS, reader.height)
        here = np.flatnonzero((rows >= row0) & (rows < row1))
        if len(here):
            a0, a1 = max(row0 - halo, 0), min(row1 + halo, reader.height)
            data, ok = reader.read_rows(a0, a1)
            data = np.where(ok[None], data, 0.0).astype(np.float32)
            mean, std = local_texture(data)
            r, cc = rows[here] - a0, cols[here]
            out[here] = np.concatenate([data[:, r, cc], mean[:, r, cc], std[:, r, cc]], axis=0).T
            valid[here] = ok[r, cc]
        monitor.report((k + 1) / len(starts))
    return out, valid
