"""Raster I/O: windowed band reading with units and nodata, atomic GeoTIFF outputs, class metadata."""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import rasterio
from rasterio.windows import Window

from .errors import DeepMapperError

CLASSES_TAG = "DEEPMAPPER_CLASSES"


def open_raster(path: str | os.PathLike) -> rasterio.DatasetReader:
    """Open a raster for reading, with an error that says what is wrong with the file."""
    if not Path(path).exists() and "://" not in str(path) and not str(path).startswith("/vsi"):
        raise DeepMapperError(f"The input raster '{path}' does not exist; check the path.")
    try:
        return rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise DeepMapperError(
            f"'{path}' could not be read as a raster ({exc}); give a GeoTIFF or another GDAL-readable image.") from exc


@dataclass
class BandReader:
    """Reads selected bands, strip by strip, as float32 in model units, with a validity mask.

    value_in_model_units = raw * scale + offset. A pixel is invalid where any selected band equals its nodata
    value or is not finite.
    """

    dataset: rasterio.DatasetReader
    indexes: Sequence[int]  # 1-based band numbers, in the model's order
    scale: float = 1.0
    offset: float = 0.0

    @property
    def height(self) -> int:
        return self.dataset.height

    @property
    def width(self) -> int:
        return self.dataset.width

    def read_rows(self, row0: int, row1: int, col0: int = 0, col1: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        col1 = self.width if col1 is None else col1
        window = Window(col0, row0, col1 - col0, row1 - row0)
        raw = self.dataset.read(list(self.indexes), window=window)
        valid = np.ones(raw.shape[1:], dtype=bool)
        nodatavals = self.dataset.nodatavals
        for i, band in enumerate(self.indexes):
            nd = nodatavals[band - 1]
            if nd is not None and not np.isnan(nd):
                valid &= raw[i] != nd
        data = raw.astype(np.float32, copy=False)
        if self.scale != 1.0:
            data *= np.float32(self.scale)
        if self.offset:
            data += np.float32(self.offset)
        valid &= np.isfinite(data).all(axis=0)
        return data, valid


def geotiff_profile(template: rasterio.DatasetReader, count: int, dtype: str, nodata: float | None) -> dict:
    """A tiled, compressed GeoTIFF profile on the template's grid."""
    profile = {
        "driver": "GTiff", "width": template.width, "height": template.height, "count": count, "dtype": dtype,
        "crs": template.crs, "transform": template.transform, "nodata": nodata,
        "tiled": True, "blockxsize": 256, "blockysize": 256, "compress": "deflate", "BIGTIFF": "IF_SAFER",
    }
    if np.dtype(dtype).kind == "f":
        profile["predictor"] = 3
    return profile


@contextmanager
def bounded_gdal_cache(megabytes: int = 64) -> Iterator[None]:
    """Cap GDAL's block cache while streaming, then restore it.

    GDAL keeps written blocks in its cache until it is full (by default 5 % of RAM: 6 GB on a 128 GB desktop), so
    without a cap the memory of a run would grow with the raster, which strip-wise processing exists to avoid.
    """
    from osgeo import gdal
    previous = gdal.GetCacheMax()
    gdal.SetCacheMax(min(previous, megabytes * 1024 * 1024))
    try:
        yield
    finally:
        gdal.SetCacheMax(previous)


def scratch_profile(template: rasterio.DatasetReader, count: int, dtype: str) -> dict:
    """An uncompressed, row-striped GeoTIFF for intermediates: strips are written once and read once, in order."""
    profile = geotiff_profile(template, count, dtype, None)
    profile.update(tiled=False, compress=None, blockysize=16, BIGTIFF="YES")
    profile.pop("blockxsize")
    profile.pop("predictor", None)
    return profile


def remove_quietly(path: str | os.PathLike) -> None:
    for candidate in (Path(path), Path(str(path) + ".aux.xml")):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


@contextmanager
def atomic_path(final_path: str | os.PathLike, suffix: str | None = None) -> Iterator[str]:
    """Yield a temporary path beside `final_path`; move it into place only if the block succeeds.

    A failed or cancelled run therefore leaves neither a half-written file nor a stale temporary one, and an existing
    file at `final_path` is only replaced by a complete result.
    """
    final = Path(final_path)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=suffix or final.suffix or ".tmp", dir=final.parent)
    os.close(fd)
    os.unlink(tmp)  # drivers want to create the file themselves
    try:
        yield tmp
    except BaseException:
        remove_quietly(tmp)
        raise
    remove_quietly(final)
    os.replace(tmp, final)
    if Path(tmp + ".aux.xml").exists():
        os.replace(tmp + ".aux.xml", str(final) + ".aux.xml")


def scratch_path(directory: str | os.PathLike | None, stem: str, suffix: str = ".tif") -> str:
    """A unique path for an intermediate file (deleted by the caller)."""
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix=f"deepmapper-{stem}-", suffix=suffix, dir=directory)
    os.close(fd)
    os.unlink(path)
    return path


def write_class_metadata(dataset: rasterio.io.DatasetWriter, classes: Sequence[dict], band: int = 1) -> None:
    """Store class names and colours in the raster: colour table for any GIS, JSON tag for our own readers."""
    colormap = {int(c["id"]): hex_to_rgba(c.get("color", "#808080")) for c in classes}
    dataset.write_colormap(band, colormap)
    dataset.update_tags(**{CLASSES_TAG: json.dumps([{k: c[k] for k in ("id", "name", "color") if k in c}
                                                     for c in classes])})


def read_class_metadata(path: str | os.PathLike) -> list[dict] | None:
    """Class names and colours written by write_class_metadata, or None for a raster that has none."""
    with rasterio.open(path) as ds:
        tag = ds.tags().get(CLASSES_TAG)
    return json.loads(tag) if tag else None


def hex_to_rgba(color: str) -> tuple[int, int, int, int]:
    color = color.lstrip("#")
    if len(color) == 6:
        color += "ff"
    return tuple(int(color[i:i + 2], 16) for i in range(0, 8, 2))  # type: ignore[return-value]


def row_strips(height: int, rows_per_strip: int) -> Iterator[tuple[int, int]]:
    for row0 in range(0, height, rows_per_strip):
        yield row0, min(height, row0 + rows_per_strip)
