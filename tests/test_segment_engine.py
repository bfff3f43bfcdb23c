"""Semantic segmentation through the engine (no QGIS): classes and metadata, seamless tiling, nodata, polygons,
default model choice, errors, cancel; plus the shared pieces (Registry.best_for, polygonize through a GeoPackage)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio

from conftest import LANDCOVER_CLASSES
from deepmapper.models.registry import Registry
from deepmapper.plugin.core.engine.errors import CancelledError, DeepMapperError
from deepmapper.plugin.core.engine.progress import Monitor
from deepmapper.plugin.core.engine.raster_io import read_class_metadata
from deepmapper.plugin.core.classify.segment import SegmentRequest, run_segment, vector_class_ids

pytest.importorskip("torch")


@pytest.fixture
def models(segmentation_models, monkeypatch):
    """The test models, also reachable by id through DEEPMAPPER_MODEL_PATH."""
    monkeypatch.setenv("DEEPMAPPER_MODEL_PATH", str(segmentation_models["folder"]))
    return segmentation_models


def read(path, band=None):
    with rasterio.open(path) as ds:
        return ds.read(band) if band else ds.read()


def test_landcover_classes_style_and_metadata(models, tmp_path):
    out = tmp_path / "lc.tif"
    res = run_segment(SegmentRequest(str(models["scene"]), str(out), model=str(models["landcover"]),
                                     output_probability=str(tmp_path / "p.tif")))
    classes = read(out, 1)
    assert set(np.unique(classes)) == {1, 2, 3, 4, 255}  # the card's ids, not band indexes
    labels = models["labels"]  # training polygons: the nearest-centre model gets most of them right
    assert ((classes[labels != 255] - 1) == labels[labels != 255]).mean() > 0.9
    assert res.model_id == "test_landcover"
    assert [c["name"] for c in res.classes] == ["forest", "grass", "urban", "water"]
    assert read_class_metadata(out) == LANDCOVER_CLASSES
    with rasterio.open(out) as ds:
        assert ds.dtypes[0] == "uint8" and ds.nodata == 255
        assert ds.colormap(1)[4] == (69, 117, 180, 255)  # water, #4575b4
        tags = ds.tags()
        assert tags["DEEPMAPPER_TASK"] == "segmentation" and "test_landcover" in tags["DEEPMAPPER_MODEL"]
        assert ds.descriptions[0].endswith("1 forest, 2 grass, 3 urban, 4 water, 255 nodata")
    valid = classes != 255
    for c in LANDCOVER_CLASSES:
        assert res.class_percentages[c["name"]] == pytest.approx(100 * (classes[valid] == c["id"]).mean(), abs=1e-3)
    assert sum(res.class_percentages.values()) == pytest.approx(100, abs=0.01)
    with rasterio.open(tmp_path / "p.tif") as ds:  # no background class: a probability band per class
        assert ds.descriptions == tuple(f"{c['name']} probability" for c in LANDCOVER_CLASSES)
        probs = ds.read()
    np.testing.assert_allclose(np.nansum(probs, axis=0)[valid], 1.0, atol=1e-5)
    assert np.isnan(probs[:, ~valid]).all()


def test_nodata_stays_nodata(models, tmp_path):
    res = run_segment(SegmentRequest(str(models["scene"]), str(tmp_path / "lc.tif"), model="test_landcover"))
    raw = read(models["scene"])
    nodata = (raw == 0).any(axis=0)
    classes = read(tmp_path / "lc.tif", 1)
    assert nodata[250].all() and (classes[250] == 255).all()  # the scene's nodata row
    assert ((classes == 255) == nodata).all()
    assert res.nodata_pixels == int(nodata.sum()) and res.valid_pixels == classes.size - nodata.sum()


def test_tiled_equals_whole_image(models, tmp_path):
    """A fully convolutional model, small overlapping tiles vs one tile over the whole image: the same map."""
    scene, card = str(models["scene"]), str(models["landcover"])
    whole = run_segment(SegmentRequest(scene, str(tmp_path / "w.tif"), model=card, tile_size=1024,
                                       output_probability=str(tmp_path / "wp.tif")))
    tiled = run_segment(SegmentRequest(scene, str(tmp_path / "t.tif"), model=card, tile_size=192, overlap=3,
                                       output_probability=str(tmp_path / "tp.tif")))
    runs = [int(line.split()[1]) for res in (whole, tiled) for line in res.log if line.startswith("Inference:")]
    assert runs == [1, 30]  # 6 x 5 tiles of 192 px with a 186 px stride
    pw, pt = read(tmp_path / "wp.tif"), read(tmp_path / "tp.tif")
    np.testing.assert_allclose(pt, pw, atol=1e-4)  # float32 convolutions differ by rounding only
    cw, ct = read(tmp_path / "w.tif", 1), read(tmp_path / "t.tif", 1)
    top2 = np.sort(np.nan_to_num(pw), axis=0)[-2:]
    near_tie = (top2[1] - top2[0]) < 1e-4
    assert ((cw == ct) | near_tie).all() and (cw != ct).sum() <= 10


def test_polygons_class_field_min_area_and_holes(models, tmp_path):
    import geopandas as gpd
    scene, card = str(models["scene"]), str(models["landcover"])
    every = run_segment(SegmentRequest(scene, str(tmp_path / "a.tif"), model=card,
                                       output_vector=str(tmp_path / "all.gpkg")))
    big = run_segment(SegmentRequest(scene, str(tmp_path / "b.tif"), model=card, min_area=20 * 100.0,
                                     vector_classes="water, Urban", output_vector=str(tmp_path / "big.gpkg")))
    polys = gpd.read_file(tmp_path / "all.gpkg")
    assert len(polys) == every.polygons > 100
    assert set(polys["class"]) == {"forest", "grass", "urban", "water"}
    assert dict(zip(polys["class"], polys["class_id"])) == {c["name"]: c["id"] for c in LANDCOVER_CLASSES}
    assert polys["area"].min() == pytest.approx(100.0)  # single 10 m pixels are kept without MIN_AREA
    assert sum(len(p.interiors) for g in polys.geometry for p in g.geoms) > 0  # holes kept
    assert polys.crs.to_epsg() == 27700
    # areas are the pixel areas before simplification: they add up to the class's pixels
    classes = read(tmp_path / "a.tif", 1)
    assert polys.loc[polys["class"] == "water", "area"].sum() == pytest.approx(100.0 * (classes == 4).sum())
    large = gpd.read_file(tmp_path / "big.gpkg")
    assert len(large) == big.polygons and 0 < big.polygons < len(polys[polys["class"].isin(["water", "urban"])])
    assert set(large["class"]) == {"water", "urban"} and large["area"].min() >= 2000.0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".", "deepmapper-"))]  # no scratch files left


def test_vector_class_choice_and_background():
    classes = [{"id": 0, "name": "background"}, {"id": 1, "name": "building"}, {"id": 5, "name": "Road"}]
    assert vector_class_ids(classes, None) == [1, 5]
    assert vector_class_ids(classes, "road,0") == [5, 0]
    with pytest.raises(DeepMapperError, match="'roof' is not a class of this model.*1 building"):
        vector_class_ids(classes, "roof")


def test_default_model_by_bands(models, tmp_path):
    pan = run_segment(SegmentRequest(str(models["pan"]), str(tmp_path / "b.tif"), output_vector=str(tmp_path / "b.gpkg"),
                                     output_probability=str(tmp_path / "p.tif")))
    assert pan.model_id == "test_buildings"
    assert set(np.unique(read(tmp_path / "b.tif", 1))) == {0, 1}
    import geopandas as gpd
    assert set(gpd.read_file(tmp_path / "b.gpkg")["class"]) == {"building"}  # background is not polygonised
    with rasterio.open(tmp_path / "p.tif") as ds:
        assert ds.descriptions == ("building probability",)
    s2 = run_segment(SegmentRequest(str(models["scene"]), str(tmp_path / "lc.tif")))
    assert s2.model_id == "test_landcover"
    assert json.loads(json.dumps(s2.class_percentages))["water"] > 1


def test_best_for_prefers_level_priority_then_bands(models):
    registry = Registry()
    assert registry.best_for("segmentation", ["pan"]).id == "test_buildings"
    assert registry.best_for("segmentation", ["red", "nir"]) is None
    assert registry.best_for("cloudmask", ["blue", "green", "red", "nir", "swir16", "swir22"], "l2a").id \
        == "ukis_csmask_6b_l2a"
    assert registry.best_for("cloudmask", lambda card: ["blue", "green", "red", "nir"], "l1c").id \
        == "ukis_csmask_4b_l1c"


def test_model_lacking_bands_names_them_and_the_fix(models, tmp_path):
    with pytest.raises(DeepMapperError, match=r"needs the bands pan; the raster lacks pan.*BANDS"):
        run_segment(SegmentRequest(str(models["scene"]), str(tmp_path / "o.tif"), model="test_buildings"))
    rgb = tmp_path / "rgb.tif"
    with rasterio.open(models["scene"]) as src:
        profile, data = src.profile, src.read([1, 2, 3])
    with rasterio.open(rgb, "w", **(profile | {"count": 3})) as dst:
        dst.write(data)
        dst.descriptions = ("B2", "B3", "B4")
    with pytest.raises(DeepMapperError, match=r"No installed segmentation model can run on this raster's bands "
                                              r"\(blue, green, red\).*'test_landcover' needs rededge1.*BANDS"):
        run_segment(SegmentRequest(str(rgb), str(tmp_path / "o.tif")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rgb.tif"]


@pytest.mark.parametrize("model,match", [
    ("nope", "Unknown model 'nope'.*test_landcover"),
    ("ukis_csmask_4b_l1c", "is a cloudmask model, not a segmentation model.*test_buildings"),
])
def test_unknown_and_wrong_task_models(models, tmp_path, model, match):
    with pytest.raises(DeepMapperError, match=match):
        run_segment(SegmentRequest(str(models["scene"]), str(tmp_path / "o.tif"), model=model))
    assert not list(tmp_path.iterdir())


def test_output_must_not_be_the_input(models, tmp_path):
    with pytest.raises(DeepMapperError, match="input file"):
        run_segment(SegmentRequest(str(models["pan"]), str(models["pan"]), model="test_buildings"))
    with pytest.raises(DeepMapperError, match="same path"):
        run_segment(SegmentRequest(str(models["pan"]), str(tmp_path / "a.tif"),
                                   output_probability=str(tmp_path / "a.tif")))
    with pytest.raises(DeepMapperError, match="GeoTIFF"):
        run_segment(SegmentRequest(str(models["pan"]), str(tmp_path / "a.png")))


@pytest.mark.parametrize("stage", [0.5, 0.9, 0.97])  # inference, classes, polygons
def test_cancel_leaves_no_output(models, tmp_path, stage):
    out = tmp_path / "lc.tif"
    out.write_bytes(b"previous result")
    monitor = Monitor(is_cancelled=lambda: seen and seen[-1] >= stage, progress=lambda f: seen.append(f))
    seen: list[float] = []
    with pytest.raises(CancelledError):
        run_segment(SegmentRequest(str(models["scene"]), str(out), model="test_landcover",
                                   output_probability=str(tmp_path / "p.tif"), output_vector=str(tmp_path / "v.gpkg")),
                    monitor)
    assert out.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lc.tif"]


def test_polygonize_shapefile_moves_every_part(models, tmp_path):
    import geopandas as gpd
    from deepmapper.plugin.core.engine.vectorize import polygonize
    run_segment(SegmentRequest(str(models["pan"]), str(tmp_path / "b.tif"), model="test_buildings"))
    n = polygonize(str(tmp_path / "b.tif"), str(tmp_path / "out" / "b.shp"), [{"id": 1, "name": "building"}],
                   keep=[1], min_area=2.0, simplify=0.5)
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".dbf", ".prj", ".shp", ".shx"]
    shp = gpd.read_file(tmp_path / "out" / "b.shp")
    assert len(shp) == n > 0 and set(shp["class"]) == {"building"} and shp["area"].min() >= 2.0


def test_scale_and_offset_leave_a_raw_value_model_alone(models, tmp_path):
    """SCALE and OFFSET convert to reflectance: a model that takes the raster's values as they are (units 'dn') gets
    them unchanged, as the dialog's help says, and the log says that they were not applied (they used to rescale its
    input silently)."""
    plain = run_segment(SegmentRequest(str(models["scene"]), str(tmp_path / "a.tif"), model="test_landcover"))
    scaled = run_segment(SegmentRequest(str(models["scene"]), str(tmp_path / "b.tif"), model="test_landcover",
                                        scale=100.0, offset=5.0))
    np.testing.assert_array_equal(read(tmp_path / "a.tif"), read(tmp_path / "b.tif"))
    assert scaled.class_percentages == plain.class_percentages
    assert any("were not applied" in line for line in scaled.log)
    assert not any("were not applied" in line for line in plain.log)


def test_a_panchromatic_model_on_a_multispectral_scene_says_why_in_the_raster_s_terms(tmp_path):
    """A new user's session: the buildings model on the 10-band Sentinel-2 scene said its bands had 'no usable
    descriptions' (they are B2 ... B12) and suggested BANDS 'blue=1,green=2,red=3,nir=4' for a one-band model."""
    from conftest import data_file
    scene = data_file("landcover/aberystwyth_s2_10m.tif")
    with pytest.raises(DeepMapperError) as caught:
        run_segment(SegmentRequest(str(scene), str(tmp_path / "o.tif"), model="buildings"))
    text = str(caught.value)
    assert "needs the bands pan" in text and "their descriptions (B2, B3" in text and "'pan=1'" in text
    assert "no usable descriptions" not in text and "blue=1" not in text
    assert not list(tmp_path.iterdir())
