"""Input units: detect reflectance (0..1) versus digital numbers (reflectance x 10000) and refuse implausible scales."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import rasterio
from rasterio.windows import Window

from .errors import DeepMapperError, NoValidPixelsError
from .messages import _
from .raster_io import own_scale_offset, row_strips, valid_pixels

DN_SCALE = 1e-4  # Sentinel-2 and most Level-1/2 products store reflectance x 10000
_PLAUSIBLE = (0.02, 3.0)  # the 99th percentile of TOA/BOA reflectance in any real scene lies in here


def sample_percentile(dataset: rasterio.DatasetReader, indexes: Sequence[int], q: float = 99.0,
                      max_side: int = 512) -> float:
    """Percentile of valid values over a sample of the raster, cheap at any size.

    A raster with overviews, or one no larger than a few `max_side` squares, is read decimated (GDAL reads the
    overviews). A larger one without overviews is sampled in windows aligned to its blocks (_sample_windows): a
    decimated read would decompress every block (4.6 s of a 4096² cloud mask's 33 s, measured). When those windows
    hold too few valid pixels (a scene with a small footprint), the decimated read is used after all, and when even
    that finds none (a few valid pixels between the samples) every pixel is read, strip by strip. Values are taken
    after the bands' own GDAL scale/offset, as BandReader gives them; nodata, masked (GDAL mask band) and zero raw
    values are left out.

    Raises DeepMapperError when no valid pixel is found.
    """
    values = None
    if dataset.height * dataset.width > 4 * max_side * max_side and not dataset.overviews(indexes[0]):
        values = _valid_values(dataset, indexes, [dict(window=w) for w in _sample_windows(dataset)])
        if values.size < _MIN_SAMPLE:
            values = None
    if values is None:
        step = max(1, int(np.ceil(max(dataset.height, dataset.width) / max_side)))
        shape = (len(indexes), max(1, dataset.height // step), max(1, dataset.width // step))
        values = _valid_values(dataset, indexes, [dict(out_shape=shape)])
        if not values.size and step > 1:  # a few valid pixels that decimation missed: look at every pixel
            values = _valid_values(dataset, indexes, [dict(window=Window(0, r0, dataset.width, r1 - r0))
                                                      for r0, r1 in row_strips(dataset.height, 512)])
    if not values.size:
        raise NoValidPixelsError(_("The input raster holds no valid pixels in the bands the model needs (all nodata or "
                              "zero); check the file and its nodata value."))
    return float(np.percentile(values, q, overwrite_input=True))  # values is ours: no 50 MB copy


def require_valid_pixels(dataset: rasterio.DatasetReader) -> None:
    """Refuse a raster none of whose bands holds a valid pixel: a fault of the data that no choice of model or bands
    mends, to be named before what any model would need. Cheap for a raster with data (the first band's sample).

    Raises NoValidPixelsError."""
    for band in range(1, dataset.count + 1):
        try:
            sample_percentile(dataset, [band], 50.0)
            return
        except NoValidPixelsError:
            continue
    raise NoValidPixelsError(_("The input raster holds no valid pixel in any of its {count} band(s) (all nodata or "
                               "zero); check the file and its nodata value.").format(count=dataset.count))


SAMPLE_PIXELS, _WINDOW_SIDE, _MIN_SAMPLE = 1 << 20, 128, 4096  # about 1 M pixels per band, in 4 x 4 to 8 x 8 windows


def _sample_windows(dataset: rasterio.DatasetReader) -> list[Window]:
    """Windows spread evenly over the raster, about SAMPLE_PIXELS in all, each starting on a block boundary so that
    only the blocks they touch are decompressed. In a tiled raster each window is one whole block (up to 512 px a
    side; 4 x 4 of them for 256-px blocks): a 128-px window in a 256-px block paid for the whole block, 4 times the
    pixels it used (0.36 s of 64 reads at 4096², against 0.09 s now). A strip-organised raster decompresses whole
    rows anyway: its windows are _WINDOW_SIDE squares, 8 x 8 of them."""
    block_h, block_w = dataset.block_shapes[0]
    tiled = block_h < dataset.height and block_w < dataset.width and max(block_h, block_w) <= 512
    want_h, want_w = (block_h, block_w) if tiled else (_WINDOW_SIDE, _WINDOW_SIDE)
    side_h, side_w = min(want_h, dataset.height), min(want_w, dataset.width)
    count = int(np.clip(np.ceil(np.sqrt(SAMPLE_PIXELS / (side_h * side_w))), 4, 8))

    def starts(size: int, side: int, block: int) -> list[int]:
        centres = (np.arange(count) + 0.5) * size / count
        first = [int(c - side / 2) for c in centres]
        if block < size:
            first = [f // block * block for f in first]
        return sorted({min(max(f, 0), size - side) for f in first})

    return [Window(c0, r0, side_w, side_h) for r0 in starts(dataset.height, side_h, block_h)
            for c0 in starts(dataset.width, side_w, block_w)]


def _valid_values(dataset: rasterio.DatasetReader, indexes: Sequence[int], reads: list[dict]) -> np.ndarray:
    """The valid values (1-D float64) of the bands `indexes` over the reads (rasterio read keywords)."""
    own = own_scale_offset(dataset, indexes)
    kept = []
    for kw in reads:
        raw = dataset.read(list(indexes), **kw)
        valid = valid_pixels(dataset, indexes, raw, **kw)[None] & (raw != 0)
        data = raw.astype(np.float64)
        if own is not None:
            data = data * own[0][:, None, None] + own[1][:, None, None]
        valid &= np.isfinite(data)
        kept.append(data[valid])
    return np.concatenate(kept)


def own_units_note(dataset: rasterio.DatasetReader, indexes: Sequence[int], then: str) -> str:
    """`then` (how the values are taken, for the log's "Units: ..."), preceded by the bands' own GDAL scale and
    offset when they have one (every reader applies it first); translated as one template."""
    own = own_scale_offset(dataset, indexes)
    if own is None:
        return then
    scales, offsets = (", ".join(sorted({f"{v:g}" for v in vals})) for vals in own)
    return _("the raster's own band scale {scales} and offset {offsets} (GDAL metadata) applied first; then "
             "{then}").format(scales=scales, offsets=offsets, then=then)


def reflectance_scale(dataset: rasterio.DatasetReader, indexes: Sequence[int], scale: float | None = None,
                      offset: float = 0.0) -> tuple[float, str]:
    """The factor that turns the raster's values into reflectance, and a sentence saying how it was chosen.

    `scale` None or 0 means detect. A given scale is checked: DN input with SCALE=1 (or reflectance with 0.0001) is
    refused with the value to use instead.
    """
    p99 = sample_percentile(dataset, indexes)
    scale_, why = _reflectance_scale(p99, scale, offset)
    return scale_, own_units_note(dataset, indexes, why)


def _reflectance_scale(p99: float, scale: float | None, offset: float) -> tuple[float, str]:
    if scale:
        value = p99 * scale + offset
        if not _PLAUSIBLE[0] <= value <= _PLAUSIBLE[1]:
            hint = _suggest(p99)
            raise DeepMapperError(
                _("With SCALE={scale:g} and OFFSET={offset:g} the input's bright pixels (99th percentile {p99:g}) "
                "become reflectance {value:g}, which is not plausible (expected {low}..{high}). "
                "{hint}").format(
                    scale=scale, offset=offset, p99=p99, value=value, low=_PLAUSIBLE[0], high=_PLAUSIBLE[1], hint=hint))
        return scale, _("SCALE={scale:g}, OFFSET={offset:g} as given").format(scale=scale, offset=offset)
    if _PLAUSIBLE[0] <= p99 <= _PLAUSIBLE[1]:
        return 1.0, _("values are reflectance 0..1 (99th percentile {p99:.3g})").format(p99=p99)
    if 20 <= p99 <= 30000:
        return DN_SCALE, _("values are digital numbers, reflectance x 10000 (99th percentile {p99:.4g}); scaled by "
                           "0.0001").format(p99=p99)
    raise DeepMapperError(_("Cannot tell the input's units: its 99th percentile is {p99:g}, neither reflectance "
                          "(0..1) nor reflectance x 10000. {suggest}").format(p99=p99, suggest=_suggest(p99)))


def _suggest(p99: float) -> str:
    if p99 > 20:
        return _("The values look like digital numbers: set SCALE=0.0001 (or leave SCALE at 0 to detect it).")
    if p99 <= _PLAUSIBLE[1]:
        return _("The values already look like reflectance 0..1: set SCALE=1 (or leave SCALE at 0 to detect it).")
    return _("Set SCALE (and OFFSET) so that value x SCALE + OFFSET gives reflectance 0..1.")
