"""deepmapper:segment inside real QGIS: processing.run (style, outputs, errors), qgis_process, no torch."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import rasterio

from conftest import ROOT, run_without_runtimes

QGIS_PROCESS = ROOT / "scripts" / "qgis_process"

pytest.importorskip("torch")


def run(params):
    import processing
    return processing.run("deepmapper:segment", params)


@pytest.fixture
def models(segmentation_models, monkeypatch):
    monkeypatch.setenv("DEEPMAPPER_MODEL_PATH", str(segmentation_models["folder"]))
    return segmentation_models


def test_processing_run_card_path_style_and_outputs(qgis_app, models, tmp_path):
    from qgis.core import QgsPalettedRasterRenderer, QgsRasterLayer, QgsVectorLayer
    res = run({"INPUT": str(models["scene"]), "MODEL": str(models["landcover"]), "OUTPUT": str(tmp_path / "lc.tif"),
               "OUTPUT_VECTOR": str(tmp_path / "lc.gpkg"), "VECTOR_CLASSES": "water", "MIN_AREA": 1000,
               "TILE_SIZE": 512})
    assert res["MODEL_ID"] == "test_landcover" and res["POLYGON_COUNT"] > 0
    shares = json.loads(res["CLASS_PERCENTAGES"])
    assert list(shares) == ["forest", "grass", "urban", "water"] and sum(shares.values()) == pytest.approx(100, 0.01)
    assert res["NODATA_PIXELS"] == 930  # the scene's nodata row
    layer = QgsRasterLayer(res["OUTPUT"], "classes")  # picks up the .qml written beside it
    assert isinstance(layer.renderer(), QgsPalettedRasterRenderer)
    assert [(c.value, c.label, c.color.name()) for c in layer.renderer().classes()] == [
        (1, "forest", "#1b7837"), (2, "grass", "#a6dba0"), (3, "urban", "#d73027"), (4, "water", "#4575b4")]
    polys = QgsVectorLayer(res["OUTPUT_VECTOR"], "polys", "ogr")
    assert polys.featureCount() == res["POLYGON_COUNT"]
    assert {f["class"] for f in polys.getFeatures()} == {"water"}
    assert min(f["area"] for f in polys.getFeatures()) >= 1000
    with rasterio.open(res["OUTPUT"]) as ds:
        water = (ds.read(1) == 4).mean() / (ds.read(1) != 255).mean()
    assert shares["water"] == pytest.approx(100 * water, abs=1e-3)


def test_default_model_sensor_enum_and_probabilities(qgis_app, models, tmp_path):
    res = run({"INPUT": str(models["pan"]), "SENSOR": "auto", "OUTPUT": str(tmp_path / "b.tif"),
               "OUTPUT_PROBABILITY": str(tmp_path / "p.tif")})
    assert res["MODEL_ID"] == "test_buildings" and res["POLYGON_COUNT"] == 0
    assert set(json.loads(res["CLASS_PERCENTAGES"])) == {"background", "building"}
    with rasterio.open(res["OUTPUT_PROBABILITY"]) as ds:
        assert ds.descriptions == ("building probability",)
    # an explicit sensor preset and band mapping (the Aberystwyth bands in Sentinel-2 order)
    res = run({"INPUT": str(models["scene"]), "SENSOR": "sentinel2_l1c",
               "BANDS": "B2,B3,B4,B5,B6,B7,B8,B8A,B11,B12", "OUTPUT": str(tmp_path / "lc.tif")})
    assert res["MODEL_ID"] == "test_landcover"


@pytest.mark.parametrize("case,match", [
    ("lacks_bands", "needs the bands pan; the raster lacks pan"),
    ("unknown_model", "Unknown model 'nope'"),
    ("cloud_model", "is a cloudmask model, not a segmentation model"),
    ("output_is_input", "input file"),
    ("bad_vector_class", "'roof' is not a class of this model"),
])
def test_bad_input_raises_with_fix_and_writes_nothing(qgis_app, models, tmp_path, case, match):
    from qgis.core import QgsProcessingException
    out = tmp_path / "out"
    out.mkdir()  # an existing output folder: the refusal must come from the bad input itself
    params = {"INPUT": str(models["scene"]), "OUTPUT": str(out / "c.tif")}
    params |= {"lacks_bands": {"MODEL": "test_buildings"}, "unknown_model": {"MODEL": "nope"},
               "cloud_model": {"MODEL": "ukis_csmask_4b_l1c"}, "output_is_input": {"OUTPUT": str(models["scene"])},
               "bad_vector_class": {"VECTOR_CLASSES": "roof", "OUTPUT_VECTOR": str(out / "v.gpkg")}}[case]
    before = os.stat(models["scene"]).st_mtime_ns
    with pytest.raises(QgsProcessingException, match=match):
        run(params)
    assert not out.exists() or not any(out.iterdir())
    assert os.stat(models["scene"]).st_mtime_ns == before


def test_qgis_process_subprocess_json(models, tmp_path):
    if not QGIS_PROCESS.exists() or not Path("/usr/bin/qgis_process.bin").exists():
        pytest.skip("qgis_process.bin not installed (run `make setup`)")
    subprocess.run([str(QGIS_PROCESS), "plugins", "enable", "deepmapper"], capture_output=True, check=False)
    env = dict(os.environ, DEEPMAPPER_MODEL_PATH=str(models["folder"]))
    out = subprocess.run([str(QGIS_PROCESS), "--json", "run", "deepmapper:segment", "--",
                          f"INPUT={models['pan']}", f"OUTPUT={tmp_path / 'b.tif'}",
                          f"OUTPUT_VECTOR={tmp_path / 'b.gpkg'}", "MIN_AREA=2"],
                         capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)["results"]
    assert result["MODEL_ID"] == "test_buildings" and result["POLYGON_COUNT"] > 0
    shares = json.loads(result["CLASS_PERCENTAGES"])
    with rasterio.open(result["OUTPUT"]) as ds:
        pred = ds.read(1)
    assert shares["building"] == pytest.approx(100 * (pred == 1).mean(), abs=1e-3)
    assert set(np.unique(pred)) == {0, 1}
    assert (tmp_path / "b.qml").exists()  # styled for any later session


def test_plugin_loads_without_torch_and_segment_says_what_to_install(models, tmp_path):
    """Blocks the heavy runtimes in a child interpreter: the provider loads, segment is listed but refuses to start
    (its default models need torch), and running a torch model anyway tells the user to install torch."""
    out = run_without_runtimes(f"""
alg = registry.createAlgorithmById('deepmapper:segment')
print('CAN', alg.canExecute()[0])
class Feedback(QgsProcessingFeedback):
    def reportError(self, error, fatal=False):
        print('ERROR', error)
params = {{'INPUT': {str(models['pan'])!r}, 'MODEL': {str(models['buildings'])!r},
          'OUTPUT': {str(tmp_path / 'b.tif')!r}}}
try:
    print('OK', alg.run(params, QgsProcessingContext(), Feedback())[1])
except Exception as exc:
    print('ERROR', exc)
""")
    assert "CAN False" in out.stdout, out.stderr[-2000:]
    error = next((line for line in out.stdout.splitlines() if line.startswith("ERROR")), out.stdout + out.stderr)
    assert "torch" in error and "pip install" in error, error
    assert not (tmp_path / "b.tif").exists()
