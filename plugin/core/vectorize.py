"""Class raster -> simplified polygons with a class field, streamed through GDAL (memory stays flat)."""
from __future__ import annotations

import os
from typing import Sequence

from osgeo import gdal, ogr, osr

from .errors import DeepMapperError
from .progress import Monitor
from .raster_io import atomic_path, remove_quietly, scratch_path

gdal.UseExceptions()
ogr.UseExceptions()

_DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON",
            ".fgb": "FlatGeobuf"}


def polygonize(class_raster: str, out_path: str, classes: Sequence[dict], keep: Sequence[int],
               min_area: float = 0.0, simplify: float = 0.0, monitor: Monitor | None = None) -> int:
    """Write one polygon per connected region of the classes in `keep`, with fields class_id and class.

    Regions smaller than `min_area` (map units squared) are dropped; outlines are simplified with tolerance
    `simplify` (map units) preserving topology. Holes are kept. Returns the number of polygons written.
    """
    monitor = monitor or Monitor()
    ext = os.path.splitext(out_path)[1].lower()
    if ext not in _DRIVERS:
        raise DeepMapperError(f"Cannot write polygons to '{out_path}': use one of {', '.join(_DRIVERS)}.")
    names = {int(c["id"]): c["name"] for c in classes}
    src = gdal.Open(class_raster)
    band = src.GetRasterBand(1)
    # A mask band selects the kept classes: everything else (other classes, nodata) yields no polygon.
    mask_path = scratch_path(os.path.dirname(os.path.abspath(out_path)), "mask")
    mem = gdal.GetDriverByName("GTiff").Create(mask_path, src.RasterXSize, src.RasterYSize, 1, gdal.GDT_Byte,
                                               ["COMPRESS=DEFLATE", "TILED=YES"])
    mem.SetGeoTransform(src.GetGeoTransform())
    mem.SetProjection(src.GetProjection())
    mask = mem.GetRasterBand(1)
    for yoff in range(0, src.RasterYSize, 1024):
        rows = min(1024, src.RasterYSize - yoff)
        data = band.ReadAsArray(0, yoff, src.RasterXSize, rows)
        keepmask = (data[..., None] == list(keep)).any(axis=-1).astype("uint8")
        mask.WriteArray(keepmask, 0, yoff)
    srs = osr.SpatialReference()
    if src.GetProjection():
        srs.ImportFromWkt(src.GetProjection())
    raw_ds = ogr.GetDriverByName("Memory").CreateDataSource("raw")
    raw = raw_ds.CreateLayer("raw", srs=srs, geom_type=ogr.wkbPolygon)
    raw.CreateField(ogr.FieldDefn("class_id", ogr.OFTInteger))
    try:
        gdal.Polygonize(band, mask, raw, 0, [], callback=lambda frac, *_: (monitor.report(frac * 0.8), 1)[1])
    finally:
        mask = mem = None
        remove_quietly(mask_path)
    written = 0
    with atomic_path(out_path) as tmp:
        out_ds = ogr.GetDriverByName(_DRIVERS[ext]).CreateDataSource(tmp)
        layer = out_ds.CreateLayer(os.path.splitext(os.path.basename(out_path))[0], srs=srs,
                                   geom_type=ogr.wkbMultiPolygon)
        layer.CreateField(ogr.FieldDefn("class_id", ogr.OFTInteger))
        layer.CreateField(ogr.FieldDefn("class", ogr.OFTString))
        area_field = ogr.FieldDefn("area", ogr.OFTReal)
        layer.CreateField(area_field)
        layer.StartTransaction()
        for feat in raw:
            geom = feat.GetGeometryRef()
            area = geom.GetArea()
            if area < min_area:
                continue
            if simplify > 0:
                geom = geom.SimplifyPreserveTopology(simplify)
            out = ogr.Feature(layer.GetLayerDefn())
            cid = feat.GetField("class_id")
            out.SetField("class_id", cid)
            out.SetField("class", names.get(cid, str(cid)))
            out.SetField("area", area)
            out.SetGeometry(ogr.ForceToMultiPolygon(geom))
            layer.CreateFeature(out)
            written += 1
        layer.CommitTransaction()
        out_ds = None
    monitor.report(1.0)
    return written
