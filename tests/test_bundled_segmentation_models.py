"""The bundled segmentation models on their real scenes, through processing.run: default choice by bands, scores.

The scenes are the ones the models were trained on, so these scores are upper bounds that guard against
regressions; the cards carry the honest estimates (spatially separate validation blocks).
"""
from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio

from conftest import data_file


def run(alg, params):
    import processing
    return processing.run(f"deepmapper:{alg}", params)


def test_cards_record_data_licence_and_validation_scores():
    from deepmapper.models.registry import Registry, verified_weights
    reg = Registry()
    for model_id, bands in (("buildings", ["pan"]), ("landcover_s2", ["blue", "green", "red", "rededge1", "rededge2",
                                                                     "rededge3", "nir", "nir08", "swir16",
                                                                     "swir22"])):
        card = reg.get(model_id, "segmentation")
        assert card.bands == bands and card.data["license"] and card.data["training"]["raster"]
        assert verified_weights(card).stat().st_size < 5_000_000  # small enough to commit
        assert card.data["metrics"]["validation"]["overall_accuracy"] > 0.9
    assert reg.get("landcover_s2").data["metrics"]["validation"]["overall_accuracy"] >= 0.97


def test_buildings_default_model_and_scores(qgis_app, tmp_path):
    from deepmapper.plugin.core.training.labels import IGNORE, label_strip, read_labels
    from deepmapper.plugin.core.engine import vector_labels as refmod
    scene, footprints = data_file("buildings/atlanta_pan_050cm.tif"), data_file("buildings/atlanta_buildings.gpkg")
    seg = run("segment", {"INPUT": str(scene), "OUTPUT": str(tmp_path / "b.tif"),
                          "OUTPUT_VECTOR": str(tmp_path / "b.gpkg"), "MIN_AREA": 5})
    assert seg["MODEL_ID"] == "buildings" and seg["POLYGON_COUNT"] >= 20
    with rasterio.open(scene) as src:
        labels = read_labels(str(footprints), "class", src.crs.to_wkt(), 0.5, "background")
        grid = refmod.GridLabeller(labels.shapes, labels.shape_ids, src.transform, src.width, src.height)
        none = np.zeros(0, np.int64)
        truth = label_strip(labels, grid, 0, src.height, src.width, np.ones((src.height, src.width), bool),
                            none, none, none)
    pred = rasterio.open(seg["OUTPUT"]).read(1)
    tp = ((pred == 1) & (truth == 1)).sum()
    f1 = 2 * tp / ((pred == 1).sum() + (truth == 1).sum())
    assert f1 >= 0.75 and not (truth == IGNORE).any()
    acc = run("assessaccuracy", {"PREDICTION": seg["OUTPUT"], "REFERENCE": str(footprints), "CLASS_FIELD": "class",
                                 "OBJECT_CLASS": "building", "OUTPUT_HTML": str(tmp_path / "r.html")})
    assert acc["OBJECT_F1"] > 0.5


def test_landcover_default_model_and_scores(qgis_app, tmp_path):
    scene, polygons = data_file("landcover/aberystwyth_s2_10m.tif"), data_file(
        "landcover/aberystwyth_training_polygons.gpkg")
    seg = run("segment", {"INPUT": str(scene), "OUTPUT": str(tmp_path / "lc.tif")})
    assert seg["MODEL_ID"] == "landcover_s2"
    shares = json.loads(seg["CLASS_PERCENTAGES"])
    assert set(shares) == {"forest", "grass", "urban", "water"} and shares["grass"] > 30
    with rasterio.open(seg["OUTPUT"]) as ds:
        classes = ds.read(1)
        assert (classes[ds.read_masks(1) == 0] == 255).all()
    with rasterio.open(scene) as src:
        assert (classes[src.read_masks(1) == 0] == 255).all()  # the nodata row stays nodata
    acc = run("assessaccuracy", {"PREDICTION": seg["OUTPUT"], "REFERENCE": str(polygons), "CLASS_FIELD": "class",
                                 "OUTPUT_HTML": str(tmp_path / "r.html")})
    assert acc["OVERALL_ACCURACY"] >= 0.99


@pytest.mark.parametrize("model", ["buildings", "landcover_s2"])
def test_bundled_model_on_an_image_without_its_bands(qgis_app, tmp_path, model):
    from qgis.core import QgsProcessingException
    chip = data_file("clouds/s2_cloud_chip.tif")  # 6 bands: no pan, no red edge
    with pytest.raises(QgsProcessingException, match="lacks"):
        run("segment", {"INPUT": str(chip), "MODEL": model, "OUTPUT": str(tmp_path / "x.tif")})
    assert not (tmp_path / "x.tif").exists()
