"""Tile layout and blending weights for seamless tiled inference.

Tiles of `size` pixels start `margin` pixels before the image and advance by `stride`.
In "crop" mode each pixel is taken from exactly one tile, at least `margin` pixels from that tile's edge, so a fully
convolutional model whose receptive radius is <= margin gives the same result as on the whole image (strides are
multiples of the model's downsampling factor so pooling grids line up). In "blend" mode tiles overlap by `margin`
and are averaged with a Tukey (tapered cosine) window, as ukis-csmask does natively.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .errors import DeepMapperError
from .messages import _

BLEND_MODES = ("crop", "blend")
# Bytes for a strip's buffers (input read and strip, probabilities, weights) when tile_spec fits large free tiles:
# wide rasters get shorter tiles, so that a full Sentinel-2 tile streams in well under 1 GB.
STRIP_BUDGET = 384 * 2**20


@dataclass(frozen=True)
class TileSpec:
    size: int
    margin: int
    mode: str = "crop"
    size_multiple: int = 1
    fixed_stride: int | None = None  # blend mode: reproduce a model's native tile grid exactly
    taper: float | None = None  # blend mode: Tukey alpha; default 2 * margin / size

    def __post_init__(self) -> None:
        if self.mode not in BLEND_MODES:
            raise DeepMapperError(_("Unknown tile blending mode '{mode}'; use one of {blend_modes}.").format(
                mode=self.mode, blend_modes=', '.join(BLEND_MODES)))
        if self.size % self.size_multiple:
            raise DeepMapperError(
                _("TILE_SIZE {size} is not a multiple of {size_multiple}, which this model needs; "
                "use e.g. {suggested}.").format(
                    size=self.size, size_multiple=self.size_multiple,
                    suggested=max(self.size_multiple, self.size // self.size_multiple * self.size_multiple)))
        if self.fixed_stride is not None and not 0 < self.fixed_stride <= self.size:
            raise DeepMapperError(_("A tile stride of {fixed_stride} pixels would leave gaps between "
                                  "{size}-pixel tiles; the model card's tiling stride must be 1..{size}.").format(
                fixed_stride=self.fixed_stride, size=self.size))
        if self.margin < 0 or self.stride <= 0:
            raise DeepMapperError(
                _("OVERLAP {margin} leaves no useful centre in a {size}-pixel tile; "
                "use an overlap below {quarter} or a larger TILE_SIZE.").format(
                    margin=self.margin, size=self.size, quarter=self.size // 4))

    @property
    def stride(self) -> int:
        if self.mode == "blend":  # averaging needs no aligned grid
            return self.fixed_stride or self.size - self.margin
        return (self.size - 2 * self.margin) // self.size_multiple * self.size_multiple

    def origins(self, length: int) -> list[int]:
        """Start offsets (may be negative or run past the end) of the tiles covering `length` pixels.

        Crop mode: the centres (`stride` pixels each, from 0) cover the length; when size_multiple rounds the stride
        down, a centre is shorter than size - 2 * margin, so counting by the tile's extent would leave a gap."""
        if self.mode == "crop":
            count = max(1, math.ceil(length / self.stride))
        else:  # reach `margin` past the end, but a tile starting beyond the end would hold only mirrored pixels
            count = max(1, math.ceil((length + 2 * self.margin - self.size) / self.stride) + 1)
            count = max(1, min(count, math.ceil((length + self.margin) / self.stride)))
        return [-self.margin + k * self.stride for k in range(count)]

    @property
    def core(self) -> tuple[int, int]:
        """Offsets of the part of a tile whose pixels are taken from it (a tile is skipped if it is all nodata)."""
        return (self.margin, self.margin + self.stride) if self.mode == "crop" else (0, self.size)

    def weights(self) -> np.ndarray:
        taper = self.taper if self.taper is not None else 2.0 * self.margin / self.size
        return _weights(self.size, self.margin, self.stride, self.mode, taper)


@lru_cache(maxsize=16)
def _weights(size: int, margin: int, stride: int, mode: str, taper: float) -> np.ndarray:
    if mode == "crop":
        w1 = np.zeros(size, dtype=np.float32)
        w1[margin:margin + stride] = 1.0
    else:
        w1 = tukey(size, taper)
        w1 = np.maximum(w1, 1e-6).astype(np.float32)  # every pixel of a tile counts a little: no 0/0 at edges
    w2 = np.outer(w1, w1)
    w2.setflags(write=False)
    return w2


def tukey(length: int, alpha: float) -> np.ndarray:
    """Tapered cosine window (same definition as scipy.signal.windows.tukey, without needing SciPy)."""
    if alpha <= 0:
        return np.ones(length)
    if alpha >= 1:
        alpha = 1.0
    n = np.arange(length)
    width = int(np.floor(alpha * (length - 1) / 2.0))
    w = np.ones(length)
    left = n[: width + 1]
    w[: width + 1] = 0.5 * (1 + np.cos(np.pi * (-1 + 2.0 * left / alpha / (length - 1))))
    right = n[length - width - 1:]
    w[length - width - 1:] = 0.5 * (1 + np.cos(np.pi * (-2.0 / alpha + 1 + 2.0 * right / alpha / (length - 1))))
    return w


def mirror_outside(buf: np.ndarray, lo: int, hi: int, axis: int) -> None:
    """Fill `buf` outside [lo, hi) along `axis` in place by mirroring (numpy's 'symmetric' padding), without copies
    of the whole strip: the edge pixel is repeated once, then the row/column order reverses, as often as needed."""
    view = np.moveaxis(buf, axis, 0)
    length = view.shape[0]
    width = hi - lo
    start = lo
    while start > 0:
        n = min(start, width)
        view[start - n:start] = view[start:start + n][::-1]
        start -= n
    end = hi
    while end < length:
        n = min(length - end, width)
        view[end:end + n] = view[end - n:end][::-1]
        end += n


def tile_spec(card, tile_size: int | None = None, overlap: int | None = None,
              shape: tuple[int, int] | None = None) -> TileSpec:
    """The card's tiling, with the user's TILE_SIZE / OVERLAP where given (never less overlap than the card's margin).

    The card's native grid (stride, taper) is kept only when the user changes neither, so that default runs
    reproduce the model authors' own tiling exactly. For a card with tiling.free_input_size, a TILE_SIZE above the
    native one opts into large tiles: at most TILE_SIZE (and free_tile_size) pixels with free_margin pixels of
    overlap, fitted to the raster's (height, width) `shape` (fit_tile_size), and shorter on wide rasters so that a
    strip stays within STRIP_BUDGET: fewer pixels spent on overlap, but not the authors' grid (the UKIS graphs pool
    over the whole tile, so results differ slightly: docs/benchmarks.md), hence never the default.
    """
    t = card.tiling
    if t.get("free_input_size") and tile_size and tile_size > t["tile_size"] and shape is not None:
        margin = max(t.get("free_margin", t["margin"]), overlap or 0)
        multiple = t.get("size_multiple", 1)
        rows = STRIP_BUDGET // (4 * (shape[1] + 2 * margin) * (2 * len(card.bands) + len(card.classes) + 2))
        largest = min(tile_size, t.get("free_tile_size", tile_size), rows)
        return TileSpec(fit_tile_size(shape, largest, margin, t["blend"], multiple), margin, t["blend"], multiple)
    size = tile_size or t["tile_size"]
    margin = max(t["margin"], overlap or 0)
    native = size == t["tile_size"] and margin == t["margin"]
    return TileSpec(size, margin, t["blend"], t.get("size_multiple", 1),
                    fixed_stride=t.get("stride") if native else None, taper=t.get("taper") if native else None)


def fit_tile_size(shape: tuple[int, int], largest: int, margin: int, mode: str, multiple: int = 1) -> int:
    """The smallest tile size (a multiple of `multiple`, at most `largest` unless the margin needs more) that covers a
    (height, width) raster with as few tiles per axis as `largest` would: a 4096-pixel axis takes 5 tiles of 896
    instead of 5 of 1024 with a 64-pixel margin, and a 512-pixel raster one tile of 640, not of 1024. Pixels."""
    floor = -(-(2 * margin + multiple) // multiple) * multiple  # the smallest tile with a useful centre
    largest = max(largest // multiple * multiple, floor)
    best = floor
    for length in shape:
        count = len(TileSpec(largest, margin, mode, multiple).origins(length))
        size = floor
        while size < largest and len(TileSpec(size, margin, mode, multiple).origins(length)) > count:
            size += multiple
        best = max(best, size)
    return best
