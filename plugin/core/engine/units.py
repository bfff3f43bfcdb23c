"""Input units: detect reflectance (0..1) versus digital numbers (reflectance x 10000) and refuse implausible scales."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import rasterio

from .errors import DeepMapperError
from .messages import _
from .raster_io import own_scale_offset, valid_pixels

DN_SCALE = 1e-4  # Sentinel-2 and most Level-1/2 products store reflectance x 10000
_PLAUSIBLE = (0.02, 3.0)  # the 99th percentile of TOA/BOA reflectance in any real scene lies in here


def sample_percentile(dataset: rasterio.DatasetReader, indexes: Sequence[int], q: float = 99.0,
                      max_side: int = 512) -> float:
    """Percentile of valid values over a decimated read (cheap on large rasters: GDAL reads overviews if any).

    Values are taken after the bands' own GDAL scale/offset, as BandReader gives them; nodata, masked (GDAL mask
    band) and zero raw values are left out.
    """
    step = max(1, int(np.ceil(max(dataset.height, dataset.width) / max_side)))
    shape = (len(indexes), max(1, dataset.height // step), max(1, dataset.width // step))
    raw = dataset.read(list(indexes), out_shape=shape)
    valid = valid_pixels(dataset, indexes, raw, out_shape=shape)[None] & (raw != 0)
    data = raw.astype(np.float64)
    own = own_scale_offset(dataset, indexes)
    if own is not None:
        data = data * own[0][:, None, None] + own[1][:, None, None]
    valid &= np.isfinite(data)
    if not valid.any():
        raise DeepMapperError(_("The input raster holds no valid pixels in the bands the model needs (all nodata or "
                              "zero); check the file and its nodata value."))
    return float(np.percentile(data[valid], q))


def own_units_note(dataset: rasterio.DatasetReader, indexes: Sequence[int]) -> str:
    """'' or a sentence for the log naming the bands' own GDAL scale and offset, which every reader applies."""
    own = own_scale_offset(dataset, indexes)
    if own is None:
        return ""
    scales, offsets = (", ".join(sorted({f"{v:g}" for v in vals})) for vals in own)
    return f"the raster's own band scale {scales} and offset {offsets} (GDAL metadata) applied first; then "


def reflectance_scale(dataset: rasterio.DatasetReader, indexes: Sequence[int], scale: float | None = None,
                      offset: float = 0.0) -> tuple[float, str]:
    """The factor that turns the raster's values into reflectance, and a sentence saying how it was chosen.

    `scale` None or 0 means detect. A given scale is checked: DN input with SCALE=1 (or reflectance with 0.0001) is
    refused with the value to use instead.
    """
    p99 = sample_percentile(dataset, indexes)
    note = own_units_note(dataset, indexes)
    scale_, why = _reflectance_scale(p99, scale, offset)
    return scale_, note + why


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
        return scale, f"SCALE={scale:g}, OFFSET={offset:g} as given"
    if _PLAUSIBLE[0] <= p99 <= _PLAUSIBLE[1]:
        return 1.0, f"values are reflectance 0..1 (99th percentile {p99:.3g})"
    if 20 <= p99 <= 30000:
        return DN_SCALE, f"values are digital numbers, reflectance x 10000 (99th percentile {p99:.4g}); scaled by 0.0001"
    raise DeepMapperError(_("Cannot tell the input's units: its 99th percentile is {p99:g}, neither reflectance "
                          "(0..1) nor reflectance x 10000. {suggest}").format(p99=p99, suggest=_suggest(p99)))


def _suggest(p99: float) -> str:
    if p99 > 20:
        return "The values look like digital numbers: set SCALE=0.0001 (or leave SCALE at 0 to detect it)."
    if p99 <= _PLAUSIBLE[1]:
        return "The values already look like reflectance 0..1: set SCALE=1 (or leave SCALE at 0 to detect it)."
    return "Set SCALE (and OFFSET) so that value x SCALE + OFFSET gives reflectance 0..1."
