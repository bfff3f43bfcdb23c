"""Patch squares as a vector layer (GeoPackage, shapefile, GeoJSON, FlatGeobuf), written to a temporary file and
moved into place only when complete. Fields are given per layer; shared by the labelling tools' patch outputs."""
from __future__ import annotations

import os
from typing import Sequence

from osgeo import ogr, osr

from ..engine.errors import DeepMapperError
from ..engine.messages import _
from ..engine.vectorize import DRIVERS, atomic_vector

ogr.UseExceptions()
_TYPES = {int: ogr.OFTInteger, float: ogr.OFTReal, str: ogr.OFTString}


def check_vector_path(path: str, parameter: str = "OUTPUT") -> None:
    if os.path.splitext(path)[1].lower() not in DRIVERS:
        raise DeepMapperError(_("{parameter} '{path}' must be one of {drivers}.").format(
            parameter=parameter, path=path, drivers=', '.join(DRIVERS)))


def write_squares(path: str, rings: Sequence[Sequence[tuple[float, float]]], records: Sequence[dict],
                  fields: dict[str, type], crs_wkt: str | None) -> int:
    """Write one polygon per ring ((x, y) points, closed) with the attributes of `records` (one dict per ring;
    `fields` gives each field's Python type: int, float or str). Returns the number of features written."""
    check_vector_path(path)
    srs = osr.SpatialReference()
    if crs_wkt:
        srs.ImportFromWkt(crs_wkt)
    driver = DRIVERS[os.path.splitext(path)[1].lower()]
    with atomic_vector(path) as tmp:
        ds = ogr.GetDriverByName(driver).CreateDataSource(tmp)
        try:
            layer = ds.CreateLayer(os.path.splitext(os.path.basename(path))[0], srs=srs, geom_type=ogr.wkbPolygon)
            for name, kind in fields.items():
                layer.CreateField(ogr.FieldDefn(name, _TYPES[kind]))
            layer.StartTransaction()
            for ring_pts, record in zip(rings, records):
                ring = ogr.Geometry(ogr.wkbLinearRing)
                for x, y in ring_pts:
                    ring.AddPoint_2D(x, y)
                poly = ogr.Geometry(ogr.wkbPolygon)
                poly.AddGeometry(ring)
                feat = ogr.Feature(layer.GetLayerDefn())
                for name in fields:
                    feat.SetField(name, record[name])
                feat.SetGeometry(poly)
                layer.CreateFeature(feat)
            layer.CommitTransaction()
        finally:
            layer = ds = None  # close and flush before the move
    return len(records)
