"""Class raster -> simplified polygons with a class field, streamed through GDAL (memory stays flat)."""
from __future__ import annotations

import glob
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from .errors import CancelledError, DeepMapperError
from .messages import _
from .progress import Monitor, forget, leave_no_trace
from .raster_io import refuse_folder, remove_quietly, scratch_path

try:
    from osgeo import gdal, ogr, osr
except ImportError:  # rasterio's wheels bundle GDAL without its Python bindings (pip-only Pythons: GPU servers, Dask
    gdal = ogr = osr = None  # workers): rasters work, polygons are refused up front (require_bindings)
else:
    gdal.UseExceptions()
    ogr.UseExceptions()


def require_bindings(parameter: str = "OUTPUT_VECTOR") -> None:
    """Raises DeepMapperError, before any work, when this Python has no GDAL bindings (osgeo) to make polygons for
    `parameter` (OUTPUT_VECTOR, or assessaccuracy's OBJECT_CLASS)."""
    if ogr is None:
        raise DeepMapperError(_(
            "{parameter} needs polygons, and they need GDAL's Python bindings (the module osgeo), which this Python "
            "lacks. Install them (Debian: python3-gdal; pip: the GDAL package of the same version as the GDAL "
            "library), or leave {parameter} empty.").format(parameter=parameter))

_DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON",
            ".fgb": "FlatGeobuf"}
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")


def polygonize(class_raster: str, out_path: str, classes: Sequence[dict], keep: Sequence[int],
               min_area: float = 0.0, simplify: float = 0.0, monitor: Monitor | None = None) -> int:
    """Write one polygon per connected region of the classes in `keep`, with fields class_id and class.

    Regions smaller than `min_area` (map units squared) are dropped; outlines are simplified with tolerance
    `simplify` (map units) preserving topology. Holes are kept. Returns the number of polygons written.
    """
    require_bindings()
    monitor = monitor or Monitor()
    ext = os.path.splitext(out_path)[1].lower()
    if ext not in _DRIVERS:
        raise DeepMapperError(_("Cannot write polygons to '{out_path}': use one of {drivers}.").format(
            out_path=out_path, drivers=', '.join(_DRIVERS)))
    names = {int(c["id"]): c["name"] for c in classes}
    mask_path = scratch_path("mask")
    # Raw polygons go to a scratch GeoPackage, not to memory: a city of buildings is millions of polygons.
    raw_path = scratch_path("polygons", ".gpkg")
    src = band = mem = mask = raw_ds = raw = None
    try:
        src = gdal.Open(class_raster)
        band = src.GetRasterBand(1)
        # A mask band selects the kept classes: everything else (other classes, nodata) yields no polygon.
        mem = gdal.GetDriverByName("GTiff").Create(mask_path, src.RasterXSize, src.RasterYSize, 1, gdal.GDT_Byte,
                                                   ["COMPRESS=DEFLATE", "TILED=YES"])
        mem.SetGeoTransform(src.GetGeoTransform())
        mem.SetProjection(src.GetProjection())
        mask = mem.GetRasterBand(1)
        keep_values = list(keep)
        for yoff in range(0, src.RasterYSize, 1024):
            rows = min(1024, src.RasterYSize - yoff)
            data = band.ReadAsArray(0, yoff, src.RasterXSize, rows)
            mask.WriteArray(np.isin(data, keep_values).astype("uint8"), 0, yoff)
            monitor.check()
        srs = osr.SpatialReference()
        if src.GetProjection():
            srs.ImportFromWkt(src.GetProjection())
        raw_ds = ogr.GetDriverByName("GPKG").CreateDataSource(raw_path)
        raw = raw_ds.CreateLayer("raw", srs=srs, geom_type=ogr.wkbPolygon, options=["SPATIAL_INDEX=NO"])
        raw.CreateField(ogr.FieldDefn("class_id", ogr.OFTInteger))
        raw.StartTransaction()  # one transaction: SQLite would commit every polygon otherwise (much slower)
        _polygonize(band, mask, raw, monitor.span(0.0, 0.8))
        raw.CommitTransaction()
        mask = mem = band = src = None
        remove_quietly(mask_path)
        raw.ResetReading()
        with _atomic_vector(out_path) as tmp:
            written = _write_polygons(raw, tmp, _DRIVERS[ext], os.path.splitext(os.path.basename(out_path))[0], srs,
                                      names, min_area, simplify, monitor.span(0.8, 1.0), raw.GetFeatureCount())
            monitor.report(1.0)  # the last cancel check comes before the polygons are moved into place, not after
    finally:
        raw = raw_ds = mask = mem = band = src = None  # close before deleting
        remove_quietly(mask_path)
        for suffix in ("", "-journal", "-wal", "-shm"):
            remove_quietly(raw_path + suffix)
    return written


def _polygonize(band: gdal.Band, mask: gdal.Band, layer: ogr.Layer, monitor: Monitor) -> None:
    """gdal.Polygonize with progress; a cancel is raised as CancelledError, not as GDAL's 'user terminated'."""
    cancelled = []

    def progress(fraction: float, *_args: object) -> int:
        try:
            monitor.report(fraction)
        except CancelledError:
            cancelled.append(True)
            return 0
        return 1

    try:
        gdal.Polygonize(band, mask, layer, 0, [], callback=progress)
    except RuntimeError:
        if cancelled:
            raise CancelledError() from None
        raise
    if cancelled:
        raise CancelledError()


def _write_polygons(raw: ogr.Layer, path: str, driver: str, layer_name: str, srs: osr.SpatialReference,
                    names: dict[int, str], min_area: float, simplify: float, monitor: Monitor, total: int) -> int:
    """Copy raw polygons to the output, one at a time: drop small ones, simplify, add class name and area."""
    out_ds = ogr.GetDriverByName(driver).CreateDataSource(path)
    try:
        layer = out_ds.CreateLayer(layer_name, srs=srs, geom_type=ogr.wkbMultiPolygon)
        layer.CreateField(ogr.FieldDefn("class_id", ogr.OFTInteger))
        layer.CreateField(ogr.FieldDefn("class", ogr.OFTString))
        layer.CreateField(ogr.FieldDefn("area", ogr.OFTReal))
        written = 0
        layer.StartTransaction()
        for read, feat in enumerate(raw, start=1):
            if read % 10000 == 0:
                monitor.report(read / max(total, 1))
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
    finally:
        layer = out_ds = None  # closes (and flushes) the file
    return written


@contextmanager
def _atomic_vector(final_path: str) -> Iterator[str]:
    """Like raster_io.atomic_path, for formats made of several files (a shapefile's .shp, .shx, .dbf, .prj, .cpg).

    The file is written under its final name in a hidden folder beside the target; on success its sidecars, then
    the main file, are moved into place (each move atomic), replacing those of an older result; on failure the
    folder is deleted and an existing result is left as it was.
    """
    final = Path(final_path)
    refuse_folder(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(leave_no_trace(tempfile.mkdtemp(prefix=f".{final.stem}.", dir=final.parent)))
    try:
        tmp = work / final.name
        yield str(tmp)
        produced = sorted(work.iterdir(), key=lambda p: p == tmp)  # the main file last
        if final.suffix.lower() == ".shp":
            for old in final.parent.glob(glob.escape(final.stem) + ".*"):
                if old.suffix.lower() in _SHAPEFILE_PARTS:
                    old.unlink()
        for part in produced:
            os.replace(part, final.parent / part.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        forget(work)


# Public names for the other tasks that write vector layers (labelling/output.py).
DRIVERS = _DRIVERS
atomic_vector = _atomic_vector
