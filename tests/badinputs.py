"""Bad inputs for tests/test_bad_inputs.py: small synthetic rasters, vectors, models and datasets built with GDAL, and
`expect_refusal`, which runs an algorithm through processing.run and checks how it refused.

A refusal is right when: the run raises QgsProcessingException (or checkParameterValues refuses) with a message that
names the problem and the fix, no Python traceback reached the log, no output (complete or partial) was left, and
every input file, sidecars included, is byte-identical afterwards.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
UTM31 = 32631
UTM32 = 32632
# A refusal must tell the user what to do: one of these words (English messages) marks the fix.
FIX_WORDS = re.compile(r"\b(give|use|choose|check|set|fix|install|reinstall|create|save|convert|warp|reproject|"
                       r"select|add|remove|assess|make|pick|update|run|clip|crop|write|rename|delete|free|lower|raise|"
                       r"increase|reduce|try|pass|draw|label|train|retrain|export|re-?export|must|needs?)\b", re.I)


# -- builders ----------------------------------------------------------------------------------------------------------
def raster(path: Path, bands: int = 4, size: tuple[int, int] = (64, 64), dtype: int = gdal.GDT_UInt16,
           epsg: int | None = UTM31, origin: tuple[float, float] = (500000.0, 5000000.0), pixel: float = 10.0,
           nodata: float | None = None, fill=None, names: Iterable[str] | None = None, seed: int = 0) -> Path:
    """A GeoTIFF of `bands` x `size` (rows, cols) pixels of type `dtype`, values like surface reflectance in DN
    (1000..3000) unless `fill` gives them, on a north-up grid in `epsg` (None: no CRS)."""
    rows, cols = size
    ds = gdal.GetDriverByName("GTiff").Create(str(path), cols, rows, bands, dtype)
    ds.SetGeoTransform((origin[0], pixel, 0.0, origin[1], 0.0, -pixel))
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        ds.SetProjection(srs.ExportToWkt())
    rng = np.random.default_rng(seed)
    names = list(names or [])
    for b in range(1, bands + 1):
        band = ds.GetRasterBand(b)
        if fill is not None:
            values = np.full((rows, cols), fill)
        else:
            values = 1000 + 2000 * rng.random((rows, cols))
            if gdal.GetDataTypeName(dtype).startswith(("Float", "CFloat")):
                values = values / 10000.0
        if gdal.DataTypeIsComplex(dtype):
            values = values.astype(np.complex64)
        band.WriteArray(values)
        if nodata is not None:
            band.SetNoDataValue(nodata)
        if b <= len(names):
            band.SetDescription(names[b - 1])
    ds = None
    return path


def vector(path: Path, features: list[tuple[str, dict]], epsg: int = UTM31, fields: dict[str, int] | None = None,
           geometry: int = ogr.wkbPolygon) -> Path:
    """A GeoPackage layer of WKT geometries with attributes; `fields` name -> OGR type (default: from the first
    feature's values, strings or integers)."""
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    layer = ds.CreateLayer(path.stem, srs, geometry)
    if fields is None:
        sample = features[0][1] if features else {"class": "a"}
        fields = {k: ogr.OFTInteger if isinstance(v, int) else ogr.OFTString for k, v in sample.items()}
    for name, kind in fields.items():
        layer.CreateField(ogr.FieldDefn(name, kind))
    for wkt, attrs in features:
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        for k, v in attrs.items():
            feature.SetField(k, v)
        layer.CreateFeature(feature)
    ds = None
    return path


def box(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


def huge_vrt(path: Path, source: Path, size: int = 200_000, bands: int = 4) -> Path:
    """A VRT of size x size pixels whose every band points at a small file: far larger than memory if read whole."""
    src = gdal.Open(str(source))
    dtype = gdal.GetDataTypeName(src.GetRasterBand(1).DataType)
    gt = src.GetGeoTransform()
    parts = [f'<VRTDataset rasterXSize="{size}" rasterYSize="{size}">',
             f"<SRS>{src.GetProjection()}</SRS>", f"<GeoTransform>{', '.join(map(repr, gt))}</GeoTransform>"]
    for b in range(1, bands + 1):
        parts.append(f'<VRTRasterBand dataType="{dtype}" band="{b}"><SimpleSource>'
                     f'<SourceFilename relativeToVRT="0">{source}</SourceFilename>'
                     f"<SourceBand>{min(b, src.RasterCount)}</SourceBand>"
                     f'<SrcRect xOff="0" yOff="0" xSize="{src.RasterXSize}" ySize="{src.RasterYSize}"/>'
                     f'<DstRect xOff="0" yOff="0" xSize="{size}" ySize="{size}"/></SimpleSource></VRTRasterBand>')
    parts.append("</VRTDataset>")
    path.write_text("\n".join(parts))
    return path


# -- the check -----------------------------------------------------------------------------------------------------------
def digests(paths: Iterable[Path]) -> dict[str, str | None]:
    """sha256 of every file given and of every file beside it that shares its name's start (sidecars such as
    .aux.xml, .ovr, .qml; shapefile parts), and of every file under a folder; None marks an absent file."""
    out: dict[str, str | None] = {}
    for p in map(Path, paths):
        if p.is_dir():
            files = [f for f in p.rglob("*") if f.is_file()]
        else:
            files = [p] + [f for f in p.parent.glob(p.name + ".*")] + [p.with_suffix(".aux.xml")]
        for f in files:
            out[str(f)] = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else None
    return out


@dataclass
class Log:
    """Everything an algorithm told its feedback object."""

    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(self.lines)


def feedback_with_log(cancel_after_progress: bool = False):
    """A QgsProcessingFeedback that records reportError/pushInfo/... text (and optionally cancels at the first
    progress report after 0 %)."""
    from qgis.core import QgsProcessingFeedback

    class Recording(QgsProcessingFeedback):
        def __init__(self) -> None:
            super().__init__()
            self.log = Log()
            self.cancel_after_progress = cancel_after_progress
            if cancel_after_progress:
                self.progressChanged.connect(lambda p: self.cancel() if p > 0 else None)

        def setProgress(self, progress):  # noqa: N802
            # The plugin reports from Python, so its first report cancels even below QGIS's own 0.1 % step (QgsFeedback
            # drops smaller changes): a 200000 x 200000 raster can take minutes to reach 0.1 %.
            super().setProgress(progress)
            if self.cancel_after_progress and progress > 0:
                self.cancel()

        def reportError(self, error, fatalError=False):  # noqa: N802
            self.log.lines.append(f"ERROR: {error}")
            super().reportError(error, fatalError)

        def pushInfo(self, info):  # noqa: N802
            self.log.lines.append(info)

        def pushWarning(self, warning):  # noqa: N802
            self.log.lines.append(f"WARNING: {warning}")

        def pushDebugInfo(self, info):  # noqa: N802
            self.log.lines.append(info)

        def pushConsoleInfo(self, info):  # noqa: N802
            self.log.lines.append(info)

        def pushCommandInfo(self, info):  # noqa: N802
            self.log.lines.append(info)

    return Recording()


@dataclass
class Refusal:
    message: str
    log: str
    seconds: float


def expect_refusal(algorithm: str, params: dict, inputs: Iterable[Path], outputs: Iterable[Path],
                   problem: str, cancel_after_progress: bool = False, max_seconds: float = 60.0,
                   watch: Iterable[Path] = ()) -> Refusal:
    """Run `algorithm` with `params` and assert it refused properly (see the module docstring).

    problem: a regular expression the message must match (case-insensitive): it names the problem.
    outputs: every path an output could take (checked absent afterwards, with any temporary file beside them).
    watch: folders where no new file may appear (the outputs' folders are watched too).
    """
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingException

    inputs = list(inputs)
    outputs = [Path(p) for p in outputs]
    before = digests(inputs)
    folders = {p.parent for p in outputs if p.parent.is_dir()} | {Path(w) for w in watch}
    listing = {d: set(os.listdir(d)) for d in folders}
    feedback = feedback_with_log(cancel_after_progress)
    context = QgsProcessingContext()
    start = time.monotonic()
    message = None
    try:
        processing.run(algorithm, params, context=context, feedback=feedback)
    except QgsProcessingException as exc:
        message = str(exc)
    seconds = time.monotonic() - start
    log = feedback.log.text()
    assert message is not None, f"{algorithm} accepted a bad input; its log:\n{log}"
    assert re.search(problem, message, re.I), f"the message does not name the problem /{problem}/: {message}"
    # QGIS adds 'There were errors executing the algorithm.' to some refusals: the real message is in the log.
    said = message + "\n" + log
    if not cancel_after_progress:
        assert FIX_WORDS.search(said), f"the message names no fix: {message}"
    assert "Traceback" not in said and 'File "' not in said, f"a Python traceback reached the user:\n{said}"
    for p in outputs:
        assert not p.exists(), f"output {p} was left behind by a refused run"
    for d, names in listing.items():
        new = set(os.listdir(d)) - names
        assert not new, f"files left in {d} by a refused run: {sorted(new)}"
    after = digests(inputs)
    changed = [k for k in set(before) | set(after) if before.get(k) != after.get(k)]
    assert not changed, f"inputs changed or sidecars appeared: {changed}"
    assert seconds < max_seconds, f"refusing took {seconds:.1f} s (more than {max_seconds} s)"
    return Refusal(message, log, seconds)


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, indent=1))
    return path
