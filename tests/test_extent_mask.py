"""EXTENT and MASK: a run on a window of the raster gives exactly the pixels of a run over all of it (same tile grid,
context read around the window), on an output covering only the window; outside MASK polygons the output is nodata.
"""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window
from scipy import ndimage

from conftest import data_file


class ArrayReader:
    """BandReader-like over an in-memory (C, H, W) array; NaN is nodata."""

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.height, self.width = data.shape[1:]

    def read_rows(self, row0, row1, col0=0, col1=None):
        block = self.data[:, row0:row1, col0:self.width if col1 is None else col1].copy()
        return block, np.isfinite(block).all(axis=0)


class BlurModel:
    """A model whose output depends on each pixel's neighbours: tiles near an edge see the context they are given."""

    n_outputs = 2

    def fill_values(self):
        return np.zeros(1, np.float32)

    def predict(self, batch):
        blurred = ndimage.uniform_filter(batch[:, 0], size=(1, 9, 9), mode="reflect")
        return np.stack([np.tanh(blurred), np.cos(blurred)], axis=1).astype(np.float32)


@pytest.mark.parametrize("mode", ["crop", "blend"])
@pytest.mark.parametrize("window", [(0, 50, 0, 40), (37, 91, 55, 130), (100, 150, 120, 150), (0, 150, 149, 150),
                                    (149, 150, 0, 150)])
def test_predict_tiled_window_equals_whole_run(mode, window):
    from deepmapper.plugin.core.engine.inference import predict_tiled
    from deepmapper.plugin.core.engine.tiling import TileSpec
    rng = np.random.default_rng(3)
    data = rng.normal(size=(1, 150, 150)).astype(np.float32)
    data[0, 60:70, 20:90] = np.nan
    tile = TileSpec(32, 6, mode)
    whole = np.full((2, 150, 150), np.nan, np.float32)
    predict_tiled(ArrayReader(data), BlurModel(), tile, 3, lambda r, rows: whole.__setitem__(
        (slice(None), slice(r, r + rows.shape[1])), rows))
    r0, r1, c0, c1 = window
    part = np.full((2, r1 - r0, c1 - c0), -1.0, np.float32)

    def sink(r, rows):
        assert rows.shape[2] == c1 - c0
        part[:, r - r0:r - r0 + rows.shape[1]] = rows

    stats = predict_tiled(ArrayReader(data), BlurModel(), tile, 2, sink, rows=(r0, r1), cols=(c0, c1))
    np.testing.assert_array_equal(part, whole[:, r0:r1, c0:c1])
    assert stats["tiles"] <= (150 // tile.stride + 2) ** 2


def test_window_of_bounds_snaps_outward_and_refuses_a_miss():
    from affine import Affine
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    from deepmapper.plugin.core.engine.subset import PixelWindow, window_of_bounds
    t = Affine(30, 0, 500000, 0, -30, 4400000)
    assert window_of_bounds(t, 512, 512, (500000 + 45, 4400000 - 600, 500000 + 90, 4400000 - 300)) == \
        PixelWindow(10, 20, 1, 3)
    assert window_of_bounds(t, 512, 512, (0, 0, 1e9, 1e9)) == PixelWindow(0, 512, 0, 512)
    with pytest.raises(DeepMapperError, match="does not overlap the raster"):
        window_of_bounds(t, 512, 512, (0, 0, 10, 10))


def run_cloudmask(out, **kw):
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask as run
    chip = data_file("clouds/s2_cloud_chip.tif")
    return run(CloudMaskRequest(input=str(chip), output=str(out), **kw))


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "whole.tif"
    run_cloudmask(out, output_probability=str(out.with_name("whole_p.tif")))
    with rasterio.open(out) as ds, rasterio.open(out.with_name("whole_p.tif")) as probs:
        return ds.read(1), probs.read(), ds.transform


def test_cloudmask_extent_is_byte_identical_to_whole_run_inside_the_window(whole, tmp_path):
    classes, probs, transform = whole
    # Rows 101..300, columns 203..420: not on a tile boundary, context available on every side.
    x0, y0 = transform * (203, 301)
    x1, y1 = transform * (420, 101)
    result = run_cloudmask(tmp_path / "w.tif", output_probability=str(tmp_path / "w_p.tif"),
                           extent=(x0 + 1, y0 + 1, x1 - 1, y1 - 1))
    with rasterio.open(tmp_path / "w.tif") as ds, rasterio.open(tmp_path / "w_p.tif") as p:
        assert (ds.width, ds.height) == (217, 200)
        assert ds.transform == transform * transform.translation(203, 101) and ds.crs is not None
        window = ds.read(1)
        np.testing.assert_array_equal(window, classes[101:301, 203:420])
        np.testing.assert_array_equal(p.read(), probs[:, 101:301, 203:420])
    assert 0 < result.cloud_percent < 100
    assert any("Processing rows 101-301, columns 203-420" in line for line in result.log)


def test_cloudmask_mask_polygons_nodata_outside_identical_inside(whole, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Polygon
    classes, _probs, transform = whole
    # A triangle in pixel coordinates, given in EPSG:4326 (the engine reprojects it to the raster's UTM zone).
    corners = [transform * (c, r) for c, r in ((40, 60), (300, 90), (120, 330))]
    gpd.GeoDataFrame(geometry=[Polygon(corners)], crs="EPSG:32615").to_crs("EPSG:4326").to_file(
        tmp_path / "mask.gpkg")
    run_cloudmask(tmp_path / "m.tif", mask=str(tmp_path / "mask.gpkg"),
                  output_vector=str(tmp_path / "m.gpkg"))
    with rasterio.open(tmp_path / "m.tif") as ds:
        out = ds.read(1)
        col0, row0 = ~transform * (ds.transform.c, ds.transform.f)
        col0, row0 = round(col0), round(row0)
        assert 30 <= col0 <= 41 and 50 <= row0 <= 61 and ds.width < 300 and ds.height < 290
        inside = out != 255
        assert 0.3 < inside.mean() < 0.7  # a triangle fills about half its bounding box
        ref = classes[row0:row0 + ds.height, col0:col0 + ds.width]
        np.testing.assert_array_equal(out[inside], ref[inside])
    polygons = gpd.read_file(tmp_path / "m.gpkg")
    assert len(polygons) and polygons.total_bounds[0] >= ds.bounds.left - 1


def test_mask_outside_the_raster_is_refused(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    gpd.GeoDataFrame(geometry=[box(400000, 4300000, 401000, 4301000)], crs="EPSG:32615").to_file(tmp_path / "far.gpkg")
    with pytest.raises(DeepMapperError, match="do not overlap"):
        run_cloudmask(tmp_path / "x.tif", mask=str(tmp_path / "far.gpkg"))
    assert not (tmp_path / "x.tif").exists()


def test_processing_extent_in_another_crs_and_selected_polygons_only(qgis_app, tmp_path):
    """Through QGIS: EXTENT in EPSG:4326 is converted to the raster's CRS; MASK honours 'Selected features only'."""
    import processing
    from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeature, QgsGeometry,
                           QgsProcessingFeatureSourceDefinition, QgsProject, QgsRectangle, QgsVectorLayer)
    chip = data_file("clouds/s2_cloud_chip.tif")
    with rasterio.open(chip) as ds:
        t = ds.transform
    utm, wgs = QgsCoordinateReferenceSystem("EPSG:32615"), QgsCoordinateReferenceSystem("EPSG:4326")
    to_wgs = QgsCoordinateTransform(utm, wgs, QgsProject.instance())
    x0, y1 = t * (100, 100)
    x1, y0 = t * (250, 220)
    rect = to_wgs.transformBoundingBox(QgsRectangle(x0 + 5, y0 + 5, x1 - 5, y1 - 5))
    extent = f"{rect.xMinimum()},{rect.xMaximum()},{rect.yMinimum()},{rect.yMaximum()} [EPSG:4326]"
    res = processing.run("deepmapper:cloudmask", {"INPUT": str(chip), "EXTENT": extent,
                                                  "OUTPUT": str(tmp_path / "e.tif")})
    with rasterio.open(res["OUTPUT"]) as ds:
        col0, row0 = ~t * (ds.transform.c, ds.transform.f)
        assert 95 <= round(col0) <= 100 and 95 <= round(row0) <= 100  # the box around the reprojected extent
        assert 150 <= ds.width <= 160 and 120 <= ds.height <= 130

    layer = QgsVectorLayer("Polygon?crs=EPSG:32615", "areas", "memory")
    feats = []
    for c, r in ((10, 10), (300, 300)):
        f = QgsFeature()
        a, b = t * (c, r)
        d, e = t * (c + 100, r + 100)
        f.setGeometry(QgsGeometry.fromRect(QgsRectangle(a, e, d, b)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    QgsProject.instance().addMapLayer(layer)
    far = max(layer.getFeatures(), key=lambda f: f.geometry().boundingBox().xMinimum())
    layer.selectByIds([far.id()])  # the polygon at pixels 300..400 only
    res = processing.run("deepmapper:cloudmask", {
        "INPUT": str(chip), "MASK": QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True),
        "OUTPUT": str(tmp_path / "s.tif")})
    with rasterio.open(res["OUTPUT"]) as ds:
        col0, row0 = ~t * (ds.transform.c, ds.transform.f)
        assert (round(col0), round(row0), ds.width, ds.height) == (300, 300, 100, 100)
        assert (ds.read(1) != 255).all()
    QgsProject.instance().removeMapLayer(layer.id())
