"""Vector layers burnt on a raster's pixel grid strip by strip: existing labels (not proposed again) and search
masks (where to look). Polygons cover the pixels whose centre is inside; points and lines the pixels they touch."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..engine.errors import DeepMapperError
from ..engine.messages import _
from ..engine.raster_io import grid_bounds, pixel_size
from ..engine.vector_labels import read_reference, to_raster_crs


@dataclass
class VectorArea:
    """Geometries in the raster's CRS, on a grid of `width` x `height` pixels with `transform`."""

    geometries: Sequence
    transform: object  # affine.Affine
    width: int
    height: int
    notes: list[str] = field(default_factory=list)
    _bounds: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._bounds = np.array([g.bounds for g in self.geometries], dtype=float).reshape(-1, 4)

    @classmethod
    def read(cls, path: str, parameter: str, src, empty_hint: str, polygons: bool = False) -> "VectorArea":
        """The layer at `path` (a file, or 'file|layername=x') on the grid of the open raster `src`.

        Raises DeepMapperError naming `parameter` when the layer has no features (`empty_hint` says what to do),
        when `polygons` asks for an area and the layer holds points or lines (they enclose nothing), or when none of
        them lies on the image (a wrong layer or a wrong CRS)."""
        gdf = read_reference(path)
        gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty] if len(gdf) else gdf
        if not len(gdf):
            raise DeepMapperError(_("The {parameter} layer '{path}' has no features. {empty_hint}").format(
                parameter=parameter, path=path, empty_hint=empty_hint))
        if polygons and not gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all():
            raise DeepMapperError(_("The {parameter} layer '{path}' holds {kinds}: {parameter} is an area, so give "
                                    "polygons.").format(parameter=parameter, path=path,
                                                        kinds=", ".join(sorted(set(gdf.geom_type)))))
        notes: list[str] = []
        gdf, _unused = to_raster_crs(gdf, src.crs.to_wkt() if src.crs else None, pixel_size(src.transform), notes)
        area = cls(list(gdf.geometry), src.transform, src.width, src.height, notes)
        x0, y0, x1, y1 = grid_bounds(src.transform, src.width, 0, src.height)
        b = area._bounds
        if not ((b[:, 0] < x1) & (b[:, 2] > x0) & (b[:, 1] < y1) & (b[:, 3] > y0)).any():
            lx0, ly0, lx1, ly1 = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
            raise DeepMapperError(
                _("None of the {n_b} features of {parameter} lies on the image: the layer spans ({lx0:.6g}, "
                "{ly0:.6g}, {lx1:.6g}, {ly1:.6g}), the image ({x0:.6g}, {y0:.6g}, {x1:.6g}, {y1:.6g}) in the image's "
                "CRS. Give the {parameter} layer drawn on this image, or fix its CRS (QGIS: Assign projection; "
                "GDAL: ogr2ogr -a_srs).").format(
                    n_b=len(b), parameter=parameter, lx0=lx0, ly0=ly0, lx1=lx1, ly1=ly1, x0=x0, y0=y0, x1=x1, y1=y1))
        return area

    def strip(self, row0: int, row1: int) -> np.ndarray:
        """(row1 - row0, width) bool: the pixels of rows row0:row1 the geometries cover."""
        from rasterio import features
        from rasterio.windows import Window, transform as window_transform
        h = row1 - row0
        x0, y0, x1, y1 = grid_bounds(self.transform, self.width, row0, row1)
        b = self._bounds
        hit = np.flatnonzero((b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0))
        if not len(hit):
            return np.zeros((h, self.width), dtype=bool)
        wt = window_transform(Window(0, row0, self.width, h), self.transform)
        return features.rasterize([(self.geometries[i], 1) for i in hit], out_shape=(h, self.width), transform=wt,
                                  fill=0, dtype="uint8", all_touched=False).astype(bool)
