"""EXTENT and MASK: a run on a window of the raster gives exactly the pixels of a run over all of it (same tile grid,
context read around the window), on an output covering only the window; outside MASK polygons the output is nodata.
"""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window
from scipy import ndimage

from conftest import ArrayReader, data_file


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


# -- super-resolution: the window on the 10 m grid, grown to whole 20 m pixels -----------------------------------------
SR_TILES = {"TILE_SIZE": 96, "BATCH_SIZE": 2}  # small tiles: several of them around a window, short runs


def sr_crop(src: str, dst, col0: int, row0: int, width: int, height: int, bands=None) -> str:
    from test_superres_engine import crop
    return crop(data_file(f"superres/{src}"), dst, col0, row0, width, height, bands)


@pytest.fixture(scope="module")
def sr_guided(qgis_app, tmp_path_factory):
    """A 10 m crop starting one 10 m pixel inside a 20 m pixel (the 20 m grid nests at an odd offset), and its whole
    run through processing.run."""
    import processing
    folder = tmp_path_factory.mktemp("sr")
    high = sr_crop("T33UUB_10m.tif", folder / "hi.tif", 201, 201, 120, 100)
    low = sr_crop("T33UUB_20m.tif", folder / "lo.tif", 100, 100, 62, 52)
    res = processing.run("deepmapper:superresolve", {"INPUT": high, "INPUT_LOWRES": low, **SR_TILES,
                                                     "OUTPUT": str(folder / "whole.tif")})
    with rasterio.open(res["OUTPUT"]) as ds:
        return high, low, ds.read(), ds.transform


def window_in(transform, ds) -> tuple[int, int]:
    """(row0, col0) of a windowed output's first pixel on the whole output's grid."""
    col0, row0 = ~transform * (ds.transform.c, ds.transform.f)
    assert abs(col0 - round(col0)) < 1e-6 and abs(row0 - round(row0)) < 1e-6  # on the whole run's grid
    return round(row0), round(col0)


def test_superresolve_extent_equals_whole_run_on_whole_20m_pixels(sr_guided, tmp_path):
    import processing
    high, low, whole, t = sr_guided
    # Rows 20.3..66.7, columns 37.4..90.6 of the 10 m grid: the 20 m pixels start at odd 10 m rows and columns here
    # (offset -1), so the window grows to rows 19..67 and columns 37..91.
    x0, y1 = t * (37.4, 20.3)
    x1, y0 = t * (90.6, 66.7)
    res = processing.run("deepmapper:superresolve", {"INPUT": high, "INPUT_LOWRES": low, **SR_TILES,
                                                     "EXTENT": f"{x0},{x1},{y0},{y1} [EPSG:32633]",
                                                     "OUTPUT": str(tmp_path / "w.tif")})
    with rasterio.open(res["OUTPUT"]) as ds:
        assert window_in(t, ds) == (19, 37) and (ds.height, ds.width) == (48, 54)
        assert ds.descriptions == ("B5", "B6", "B7", "B8A", "B11", "B12") and ds.crs.to_epsg() == 32633
        out = ds.read()
    np.testing.assert_array_equal(out, whole[:, 19:67, 37:91])
    # Every 2 x 2 block still averages back to its 20 m pixel: the window cut no block.
    with rasterio.open(low) as lo:
        ref = lo.read(window=Window(19, 10, 27, 24))  # 10 m row r lies in 20 m row (r + 1) // 2: rows 10..33
    blocks = out.reshape(6, 24, 2, 27, 2).mean(axis=(2, 4))
    np.testing.assert_allclose(blocks, ref, rtol=1e-5)
    assert res["PIXEL_SIZE"] == pytest.approx(10.0) and res["CONSISTENCY_ERROR_PERCENT"] < 1e-3


def test_superresolve_mask_nodata_outside_identical_inside(sr_guided, tmp_path):
    import geopandas as gpd
    import processing
    from shapely.geometry import Polygon
    high, low, whole, t = sr_guided
    corners = [t * (c, r) for c, r in ((10, 8), (110, 30), (40, 90))]
    gpd.GeoDataFrame(geometry=[Polygon(corners)], crs="EPSG:32633").to_crs("EPSG:4326").to_file(tmp_path / "m.gpkg")
    res = processing.run("deepmapper:superresolve", {"INPUT": high, "INPUT_LOWRES": low, **SR_TILES,
                                                     "MASK": str(tmp_path / "m.gpkg"),
                                                     "OUTPUT": str(tmp_path / "m.tif")})
    with rasterio.open(res["OUTPUT"]) as ds:
        row0, col0 = window_in(t, ds)
        assert (row0 + 1) % 2 == 0 and (col0 + 1) % 2 == 0  # on the 20 m grid (offset -1)
        assert 5 <= row0 <= 8 and 7 <= col0 <= 10 and ds.width <= 104 and ds.height <= 86
        out = ds.read()
    inside = np.isfinite(out).all(axis=0)
    assert 0.3 < inside.mean() < 0.7  # a triangle fills about half its bounding box
    assert np.isnan(out[:, ~inside]).all()
    ref = whole[:, row0:row0 + out.shape[1], col0:col0 + out.shape[2]]
    np.testing.assert_array_equal(out[:, inside], ref[:, inside])


def test_superresolve_scale_mode_extent_and_mask(qgis_app, tmp_path):
    """SCALE mode: the window is on the doubled grid (even rows and columns: whole input pixels)."""
    import geopandas as gpd
    import processing
    from shapely.geometry import box
    low = sr_crop("T33UUB_20m.tif", tmp_path / "lo.tif", 120, 90, 56, 48, bands=[1, 5])
    common = {"INPUT": low, "SCALE": True, **SR_TILES}
    whole = processing.run("deepmapper:superresolve", {**common, "OUTPUT": str(tmp_path / "whole.tif")})
    with rasterio.open(whole["OUTPUT"]) as ds:
        assert (ds.width, ds.height) == (112, 96)
        full, t = ds.read(), ds.transform
    x0, y1 = t * (15, 11)
    x1, y0 = t * (81, 70)  # rows 11..70, columns 15..81 of the 10 m grid -> 10..70, 14..82 on whole input pixels
    # The mask: rows 0..40, columns 30..100; what is left of the extent: rows 10..40, columns 30..82.
    gpd.GeoDataFrame(geometry=[box(*(t * (30, 40)), *(t * (100, 0)))], crs="EPSG:32633").to_file(tmp_path / "b.gpkg")
    res = processing.run("deepmapper:superresolve", {**common, "EXTENT": f"{x0},{x1},{y0},{y1} [EPSG:32633]",
                                                     "MASK": str(tmp_path / "b.gpkg"),
                                                     "OUTPUT": str(tmp_path / "w.tif")})
    with rasterio.open(res["OUTPUT"]) as ds:
        assert window_in(t, ds) == (10, 30) and (ds.height, ds.width) == (30, 52)
        out = ds.read()
    np.testing.assert_array_equal(out, full[:, 10:40, 30:82])
    assert np.isfinite(out).all()


def test_extent_over_nodata_only_says_so(tmp_path):
    """An EXTENT whose pixels are all nodata (the input itself has valid pixels): the refusal names EXTENT/MASK, not
    the input raster, and no output is written."""
    from rasterio.windows import bounds
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask as run
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    src = tmp_path / "top_nodata.tif"
    with rasterio.open(data_file("clouds/s2_cloud_chip.tif")) as ds:
        data, profile, descriptions = ds.read(), ds.profile, ds.descriptions
    data[:, :300] = 0
    with rasterio.open(src, "w", **{**profile, "nodata": 0}) as out:
        out.write(data)
        out.descriptions = descriptions
        extent = bounds(Window(0, 0, data.shape[2], 60), out.transform)
    with pytest.raises(DeepMapperError, match="EXTENT or MASK covers no valid pixel"):
        run(CloudMaskRequest(str(src), str(tmp_path / "m.tif"), extent=extent,
                             output_probability=str(tmp_path / "p.tif")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["top_nodata.tif"]
