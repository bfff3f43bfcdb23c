"""Part of a raster to process: a pixel window (EXTENT) and polygons outside which the output is nodata (MASK).

A run on a subset reads the window plus the context its tiles and post-processing need (inference.predict_tiled's
rows/cols keep the whole image's tile grid), so the pixels of the window come out exactly as in a run over the whole
raster; outputs cover only the window, georeferenced on the raster's own grid.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import rasterio
from affine import Affine

from .errors import DeepMapperError
from .messages import _

Bounds = tuple[float, float, float, float]  # xmin, ymin, xmax, ymax in the raster's CRS


@dataclass(frozen=True)
class PixelWindow:
    """Rows [row0, row1) and columns [col0, col1) of a raster."""

    row0: int
    row1: int
    col0: int
    col1: int

    @property
    def height(self) -> int:
        return self.row1 - self.row0

    @property
    def width(self) -> int:
        return self.col1 - self.col0

    def grown(self, pixels: int, height: int, width: int) -> "PixelWindow":
        """This window with `pixels` more on every side, clipped to a raster of `height` x `width`."""
        return PixelWindow(max(0, self.row0 - pixels), min(height, self.row1 + pixels),
                           max(0, self.col0 - pixels), min(width, self.col1 + pixels))

    def transform(self, transform: Affine) -> Affine:
        """The geotransform of the window's pixel (0, 0) on the raster's grid."""
        return transform * Affine.translation(self.col0, self.row0)

    def is_whole(self, height: int, width: int) -> bool:
        return (self.row0, self.row1, self.col0, self.col1) == (0, height, 0, width)

    def note(self, height: int, width: int, masked: bool) -> str:
        """The log sentence of a run limited to this window of a `height` x `width` raster (`masked`: MASK polygons
        set the pixels outside them to nodata), translated."""
        text = (_("Processing rows {row0}-{row1}, columns {col0}-{col1} ({width} x {height} pixels of {all_width} x "
                  "{all_height}), nodata outside the mask polygons.") if masked else
                _("Processing rows {row0}-{row1}, columns {col0}-{col1} ({width} x {height} pixels of {all_width} x "
                  "{all_height})."))
        return text.format(row0=self.row0, row1=self.row1, col0=self.col0, col1=self.col1, width=self.width,
                           height=self.height, all_width=width, all_height=height)

    def aligned(self, step: int, row_offset: int, col_offset: int, height: int, width: int) -> "PixelWindow":
        """This window grown outward until its edges lie on a coarser grid whose cells are `step` x `step` pixels
        starting at (row_offset, col_offset) (e.g. the 20 m pixels over a 10 m grid, step 2), then clipped to a
        raster of `height` x `width`: so a window never cuts a coarse pixel in two."""
        def down(v: int, offset: int) -> int:
            return v - (v - offset) % step

        def up(v: int, offset: int) -> int:
            return v + (offset - v) % step
        return PixelWindow(max(0, down(self.row0, row_offset)), min(height, up(self.row1, row_offset)),
                           max(0, down(self.col0, col_offset)), min(width, up(self.col1, col_offset)))


def window_of_bounds(transform: Affine, height: int, width: int, bounds: Bounds) -> PixelWindow:
    """The pixels of a `height` x `width` raster that `bounds` (in its CRS) touches, snapped outward to whole pixels
    (all four corners go through the inverse geotransform, so rotated grids work). Raises DeepMapperError when the
    bounds miss the raster."""
    xmin, ymin, xmax, ymax = bounds
    cols, rows = ~transform * (np.array([xmin, xmax, xmin, xmax]), np.array([ymin, ymin, ymax, ymax]))
    eps = 1e-6  # a bound lying on a pixel edge does not take the next pixel
    window = PixelWindow(max(0, math.floor(rows.min() + eps)), min(height, math.ceil(rows.max() - eps)),
                         max(0, math.floor(cols.min() + eps)), min(width, math.ceil(cols.max() - eps)))
    if window.height <= 0 or window.width <= 0:
        x0, y0 = transform * (0, 0)
        x1, y1 = transform * (width, height)
        raise DeepMapperError(
            _("The extent to process ({xmin:.6g}, {ymin:.6g}, {xmax:.6g}, {ymax:.6g}) does not overlap the raster "
            "({left:.6g}, {bottom:.6g}, {right:.6g}, {top:.6g}, in its CRS). Zoom to the "
            "image or draw the extent over it, or leave the extent empty to process the whole raster.").format(
                xmin=xmin, ymin=ymin, xmax=xmax, ymax=ymax, left=min(x0, x1), bottom=min(y0, y1), right=max(x0, x1),
                top=max(y0, y1)))
    return window


@dataclass
class Subset:
    """The window of a run and the mask polygons (in the raster's CRS; None: the whole window is wanted)."""

    window: PixelWindow
    polygons: Sequence | None = None  # shapely geometries

    def mask(self, transform: Affine, row0: int, row1: int) -> np.ndarray:
        """(row1 - row0, window.width) bool: True where the pixel centre lies inside a mask polygon (rows of the
        window, `transform` the raster's). All True without polygons."""
        shape = (row1 - row0, self.window.width)
        if self.polygons is None:
            return np.ones(shape, bool)
        from rasterio import features
        strip = PixelWindow(self.window.row0 + row0, self.window.row0 + row1, self.window.col0, self.window.col1)
        return features.rasterize(((g, 1) for g in self.polygons), out_shape=shape, fill=0, dtype="uint8",
                                  transform=strip.transform(transform)).astype(bool)

    def tile_wanted(self, transform: Affine, size: int, pixels: int = 0):
        """A predict_tiled `wanted` test: False for a tile whose whole extent (grown by `pixels`, the
        post-processing halo) misses every mask polygon, so none of its pixels can reach the output."""
        if self.polygons is None:
            return None
        from shapely.geometry import Polygon
        from shapely.ops import unary_union
        from shapely.prepared import prep
        union = prep(unary_union(list(self.polygons)))

        def wanted(row0: int, col0: int) -> bool:
            r0, r1, c0, c1 = row0 - pixels, row0 + size + pixels, col0 - pixels, col0 + size + pixels
            corners = [transform * (c, r) for c, r in ((c0, r0), (c1, r0), (c1, r1), (c0, r1))]
            return union.intersects(Polygon(corners))
        return wanted


def plan_subset(dataset: rasterio.DatasetReader, extent: Bounds | None, mask: str | None,
                grid: tuple[Affine, int, int] | None = None) -> Subset | None:
    """The Subset of `dataset` that EXTENT (bounds in its CRS) and MASK (a polygon file, reprojected to its CRS when
    needed) leave, or None for the whole raster. `grid` = (transform, height, width): the output grid when it is not
    the dataset's own (e.g. the dataset's pixels halved by super-resolution); the window is then on that grid.
    Raises DeepMapperError when nothing of the raster is left."""
    if extent is None and not mask:
        return None
    transform, height, width = grid or (dataset.transform, dataset.height, dataset.width)
    window = window_of_bounds(transform, height, width, extent) if extent is not None else \
        PixelWindow(0, height, 0, width)
    polygons = None
    if mask:
        polygons = mask_polygons(mask, dataset)
        xmin, ymin, xmax, ymax = np.array([g.bounds for g in polygons]).T
        try:
            inner = window_of_bounds(window.transform(transform), window.height, window.width,
                                     (xmin.min(), ymin.min(), xmax.max(), ymax.max()))
        except DeepMapperError as exc:
            raise DeepMapperError(_("The mask polygons do not overlap the raster (or the extent to process); select "
                                  "polygons over the image, or leave the mask empty.")) from exc
        window = PixelWindow(window.row0 + inner.row0, window.row0 + inner.row1, window.col0 + inner.col0,
                             window.col0 + inner.col1)
    return Subset(window, polygons)


def mask_polygons(path: str, dataset: rasterio.DatasetReader) -> list:
    """The polygons of a mask layer in the raster's CRS; errors when it holds none."""
    from .raster_io import pixel_size
    from .vector_labels import read_reference, to_raster_crs
    gdf = read_reference(path)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    gdf = gdf[gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if gdf.empty:
        raise DeepMapperError(_("The mask layer '{path}' holds no polygons; give polygons (or select some) to limit "
                              "the run to, or leave the mask empty.").format(path=path))
    crs = dataset.crs.to_wkt() if dataset.crs else None
    gdf, _unused = to_raster_crs(gdf, crs, pixel_size(dataset.transform), [])
    return list(gdf.geometry)
