"""The training chain inside real QGIS: extractpatches -> trainmodel -> segment -> assessaccuracy through
processing.run, through qgis_process subprocesses and as one model-builder model; transfer to a 4-band sensor."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import rasterio

from conftest import ROOT, data_copy, data_file

QGIS_PROCESS = ROOT / "scripts" / "qgis_process"
SCENE = "landcover/aberystwyth_s2_10m.tif"
POLYGONS = "landcover/aberystwyth_training_polygons.gpkg"
PATCHES = {"CLASS_FIELD": "class", "PATCH_SIZE": 32, "MAX_PATCHES": 200, "SEED": 1}
TRAINING = {"WIDTH": 16, "DEPTH": 2, "EPOCHS": 4, "BATCH_SIZE": 8, "LEARNING_RATE": 0.002}


def run(alg, params):
    import processing
    return processing.run(f"deepmapper:{alg}", params)


@pytest.fixture(scope="module")
def trained(qgis_app, tmp_path_factory):
    """A land-cover dataset and a small model trained on it through processing.run (shared by the tests)."""
    tmp = tmp_path_factory.mktemp("chain")
    patches = run("extractpatches", {"INPUT": str(data_file(SCENE)), "LABELS": str(data_file(POLYGONS)), **PATCHES,
                                     "OUTPUT": str(tmp / "patches"), "OUTPUT_FOOTPRINTS": str(tmp / "fp.gpkg")})
    model = run("trainmodel", {"DATASET": patches["OUTPUT"], **TRAINING, "OUTPUT_MODEL": str(tmp / "lc.json")})
    return tmp, patches, model


def test_processing_run_chain(trained):
    tmp, patches, model = trained
    assert patches["TRAIN_PATCHES"] > 20 and patches["VALIDATION_PATCHES"] > 5
    assert [c["name"] for c in json.loads(patches["CLASSES"])] == ["forest", "grass", "urban", "water"]
    assert Path(patches["OUTPUT_FOOTPRINTS"]).exists()
    assert model["MODEL_ID"] == "lc" and model["VALIDATION_OA"] > 0.9, model
    seg = run("segment", {"INPUT": str(data_file(SCENE)), "MODEL": model["OUTPUT_MODEL"],
                          "OUTPUT": str(tmp / "classes.tif"), "OUTPUT_VECTOR": str(tmp / "classes.gpkg")})
    assert seg["MODEL_ID"] == "lc" and seg["POLYGON_COUNT"] > 0
    acc = run("assessaccuracy", {"PREDICTION": seg["OUTPUT"], "REFERENCE": str(data_file(POLYGONS)),
                                 "CLASS_FIELD": "class", "OUTPUT_HTML": str(tmp / "report.html")})
    assert acc["OVERALL_ACCURACY"] > 0.9, acc


def test_a_model_card_inside_the_dataset_folder_is_refused(trained):
    """An adversarial session: OUTPUT_MODEL=<dataset>/dataset.json replaced the dataset's description with the model
    card (and wrote dataset.pt beside it), so every later run refused the dataset."""
    from qgis.core import QgsProcessingException
    tmp, patches, _model = trained
    description = Path(patches["OUTPUT"]) / "dataset.json"
    before = description.read_bytes()
    with pytest.raises(QgsProcessingException, match="is inside the input folder"):
        run("trainmodel", {"DATASET": patches["OUTPUT"], **TRAINING, "EPOCHS": 1, "OUTPUT_MODEL": str(description)})
    assert description.read_bytes() == before and not (Path(patches["OUTPUT"]) / "dataset.pt").exists()


def test_transfer_to_a_four_band_sensor(trained, tmp_path):
    """Trained on the 4 bands Sentinel-2 shares with SPOT/Pleiades, the model runs on a 4-band image as it is."""
    from qgis.core import QgsProcessingException
    _, patches, ten_band = trained
    four = run("trainmodel", {"DATASET": patches["OUTPUT"], "BANDS": "blue,green,red,nir", **TRAINING,
                              "OUTPUT_MODEL": str(tmp_path / "rgbn.json")})
    with rasterio.open(data_file(SCENE)) as src:  # a SPOT-like image: B, G, R, NIR and no band descriptions
        profile = dict(src.profile, count=4)
        data = src.read([1, 2, 3, 7])
    spot = tmp_path / "spot_like.tif"
    with rasterio.open(spot, "w", **profile) as dst:
        dst.write(data)
    seg = run("segment", {"INPUT": str(spot), "MODEL": four["OUTPUT_MODEL"], "SENSOR": "spot_pleiades_4band",
                          "OUTPUT": str(tmp_path / "classes.tif")})
    acc = run("assessaccuracy", {"PREDICTION": seg["OUTPUT"], "REFERENCE": str(data_file(POLYGONS)),
                                 "CLASS_FIELD": "class", "OUTPUT_HTML": str(tmp_path / "report.html")})
    assert acc["OVERALL_ACCURACY"] > 0.9, acc
    with pytest.raises(QgsProcessingException, match="lacks .*rededge1"):  # the 10-band model cannot
        run("segment", {"INPUT": str(spot), "MODEL": ten_band["OUTPUT_MODEL"], "SENSOR": "spot_pleiades_4band",
                        "OUTPUT": str(tmp_path / "no.tif")})
    assert not (tmp_path / "no.tif").exists()


@pytest.mark.parametrize("case, match", [
    ("no_field", "has no field 'kind'"),
    ("outside", "lie outside it"),
])
def test_bad_labels_through_processing(qgis_app, tmp_path, case, match):
    import geopandas as gpd
    from qgis.core import QgsProcessingException
    gdf = gpd.read_file(data_file(POLYGONS))
    if case == "outside":
        gdf = gdf.set_geometry(gdf.geometry.translate(0, 80_000))
    gdf.to_file(tmp_path / "labels.gpkg")
    with pytest.raises(QgsProcessingException, match=match):
        run("extractpatches", {"INPUT": str(data_file(SCENE)), "LABELS": str(tmp_path / "labels.gpkg"),
                               **dict(PATCHES, CLASS_FIELD="kind" if case == "no_field" else "class"),
                               "OUTPUT": str(tmp_path / "patches")})
    assert not (tmp_path / "patches").exists()


def _qgis_process(alg: str, **params) -> dict:
    args = [str(QGIS_PROCESS), "--json", "run", f"deepmapper:{alg}", "--"] + [f"{k}={v}" for k, v in params.items()]
    out = subprocess.run(args, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)["results"]


def test_qgis_process_chain(tmp_path):
    if not QGIS_PROCESS.exists() or not Path("/usr/bin/qgis_process.bin").exists():
        pytest.skip("qgis_process.bin not installed (run `make setup`)")
    scene, polygons = data_file(SCENE), data_file(POLYGONS)
    patches = _qgis_process("extractpatches", INPUT=scene, LABELS=polygons, **PATCHES, OUTPUT=tmp_path / "patches")
    model = _qgis_process("trainmodel", DATASET=patches["OUTPUT"], **TRAINING, OUTPUT_MODEL=tmp_path / "m.json")
    seg = _qgis_process("segment", INPUT=scene, MODEL=model["OUTPUT_MODEL"], OUTPUT=tmp_path / "c.tif")
    acc = _qgis_process("assessaccuracy", PREDICTION=seg["OUTPUT"], REFERENCE=polygons, CLASS_FIELD="class",
                        OUTPUT_HTML=tmp_path / "r.html")
    assert acc["OVERALL_ACCURACY"] > 0.9 and Path(acc["OUTPUT_HTML"]).stat().st_size > 1000
    with rasterio.open(seg["OUTPUT"]) as ds:
        values = np.unique(ds.read(1))
    assert set(values.tolist()) <= {0, 1, 2, 3, 255} and len(values) >= 4


def test_model_builder_chain(trained, tmp_path):
    """extractpatches -> trainmodel -> segment -> assessaccuracy as one QgsProcessingModelAlgorithm."""
    from qgis.core import (QgsProcessingContext, QgsProcessingFeedback, QgsProcessingModelAlgorithm,
                           QgsProcessingModelChildAlgorithm, QgsProcessingModelChildParameterSource as Src,
                           QgsProcessingModelOutput, QgsProcessingModelParameter, QgsProcessingParameterRasterLayer,
                           QgsProcessingParameterVectorLayer)
    model = QgsProcessingModelAlgorithm("train and map", "tests")
    model.addModelParameter(QgsProcessingParameterRasterLayer("scene", "Scene"), QgsProcessingModelParameter("scene"))
    model.addModelParameter(QgsProcessingParameterVectorLayer("labels", "Labels"),
                            QgsProcessingModelParameter("labels"))

    def child(alg: str, cid: str, sources: dict, outputs: dict | None = None):
        c = QgsProcessingModelChildAlgorithm(f"deepmapper:{alg}")
        c.setChildId(cid)
        for name, source in sources.items():
            c.addParameterSources(name, [source])
        if outputs:
            mo = {}
            for model_name, child_output in outputs.items():
                o = QgsProcessingModelOutput(model_name, model_name)
                o.setChildOutputName(child_output)
                mo[model_name] = o
            c.setModelOutputs(mo)
        model.addChildAlgorithm(c)

    static = Src.fromStaticValue
    child("extractpatches", "patches", {"INPUT": Src.fromModelParameter("scene"),
                                        "LABELS": Src.fromModelParameter("labels"),
                                        **{k: static(v) for k, v in PATCHES.items()}})
    child("trainmodel", "train", {"DATASET": Src.fromChildOutput("patches", "OUTPUT"),
                                  **{k: static(v) for k, v in TRAINING.items()}}, {"model": "OUTPUT_MODEL"})
    child("segment", "segment", {"INPUT": Src.fromModelParameter("scene"),
                                 "MODEL": Src.fromChildOutput("train", "OUTPUT_MODEL")}, {"classes": "OUTPUT"})
    child("assessaccuracy", "accuracy", {"PREDICTION": Src.fromChildOutput("segment", "OUTPUT"),
                                         "REFERENCE": Src.fromModelParameter("labels"),
                                         "CLASS_FIELD": static("class")}, {"report": "OUTPUT_HTML"})
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    results, ok = model.run({"scene": str(data_copy(SCENE, tmp_path)), "labels": str(data_file(POLYGONS)),
                             "train:model": str(tmp_path / "model.json"), "segment:classes": str(tmp_path / "c.tif"),
                             "accuracy:report": str(tmp_path / "report.html")}, context, feedback)
    assert ok
    assert json.loads(Path(results["train:model"]).read_text())["task"] == "segmentation"
    html = Path(results["accuracy:report"]).read_text(encoding="utf-8")
    assert "forest" in html and "water" in html
    assert Path(results["segment:classes"]).exists()
