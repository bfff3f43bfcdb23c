"""deepmapper:assessaccuracy inside real QGIS: processing.run, a model-builder chain after cloudmask, qgis_process,
memory layers, and bad input that leaves no report behind."""
from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import rasterio

from conftest import ROOT, cloudmask_model, data_file, f1

QGIS_PROCESS = ROOT / "scripts" / "qgis_process"
REFERENCE = "clouds/s2_cloud_chip_reference.gpkg"


def run(params):
    import processing
    return processing.run("deepmapper:assessaccuracy", params)


@pytest.fixture(scope="module")
def chip_mask(tmp_path_factory):
    """The default cloud mask of the real chip (engine call: the QGIS path is covered by the chain test)."""
    pytest.importorskip("onnxruntime")
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
    chip = data_file("clouds/s2_cloud_chip.tif")
    out = tmp_path_factory.mktemp("mask") / "chip_mask.tif"
    return run_cloudmask(CloudMaskRequest(str(chip), str(out))).output


def numpy_scores(pred_path):
    """Direct recomputation against the reference raster: F1 of cloud and shadow, overall accuracy."""
    ref = rasterio.open(data_file("clouds/s2_cloud_chip_reference.tif")).read(1)
    pred = rasterio.open(pred_path).read(1)
    return {"cloud": f1(pred, ref, 1), "shadow": f1(pred, ref, 2), "oa": float((pred == ref).mean())}


def read_table(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return {int(r["class_id"]): r for r in csv.DictReader(fh)}


def test_processing_run_on_the_chip(qgis_app, tmp_path, chip_mask):
    ref = data_file(REFERENCE)
    res = run({"PREDICTION": chip_mask, "REFERENCE": str(ref), "CLASS_FIELD": "class", "BETA": 1.0,
               "POSITIVE_CLASSES": "cloud,shadow", "OUTPUT_HTML": str(tmp_path / "report.html"),
               "OUTPUT_TABLE": str(tmp_path / "table.csv")})
    direct = numpy_scores(chip_mask)
    rows = read_table(res["OUTPUT_TABLE"])
    assert [rows[i]["class"] for i in (0, 1, 2)] == ["clear", "cloud", "cloud shadow"]
    cloud_f1, shadow_f1 = float(rows[1]["f_beta"]), float(rows[2]["f_beta"])
    print(f"chip: OA {res['OVERALL_ACCURACY']:.4f} kappa {res['KAPPA']:.4f} macro F1 {res['MEAN_F']:.4f} "
          f"cloud F1 {cloud_f1:.4f} shadow F1 {shadow_f1:.4f} (numpy vs raster: {direct})")
    assert cloud_f1 == pytest.approx(direct["cloud"], abs=0.005) and cloud_f1 >= 0.86
    assert shadow_f1 == pytest.approx(direct["shadow"], abs=0.005) and shadow_f1 >= 0.82
    assert res["OVERALL_ACCURACY"] == pytest.approx(direct["oa"], abs=0.005)
    for key in ("OVERALL_ACCURACY", "KAPPA", "MEAN_F", "WEIGHTED_F", "BINARY_F"):
        assert isinstance(res[key], float) and 0.0 < res[key] <= 1.0
    assert res["MEAN_F"] == pytest.approx(np.mean([float(rows[i]["f_beta"]) for i in (0, 1, 2)]))
    assert res["ASSESSED_PIXELS"] == 512 * 512 and res["NODATA_PIXELS"] == 0
    page = Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8")
    assert "<svg" in page and "Confusion matrix" in page and "<script" not in page
    assert "src=" not in page and "<link" not in page  # self-contained
    # F2 weighs recall more: the same pixels, other numbers.
    res2 = run({"PREDICTION": chip_mask, "REFERENCE": str(ref), "CLASS_FIELD": "class", "BETA": 2.0,
                "OUTPUT_HTML": str(tmp_path / "report2.html")})
    assert res2["OVERALL_ACCURACY"] == res["OVERALL_ACCURACY"] and res2["MEAN_F"] != res["MEAN_F"]


def test_memory_layer_points_in_another_crs(qgis_app, tmp_path, chip_mask):
    """A memory layer (no file behind it) of points in WGS 84 with an integer class field."""
    from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeature, QgsGeometry,
                           QgsPointXY, QgsProject, QgsVectorLayer)
    ref = rasterio.open(data_file("clouds/s2_cloud_chip_reference.tif"))
    truth = ref.read(1)
    pred = rasterio.open(chip_mask).read(1)
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=cid:integer", "samples", "memory")
    to_wgs84 = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:32615"),
                                      QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    rng = np.random.default_rng(1)
    rows, cols = rng.integers(0, 512, 200), rng.integers(0, 512, 200)
    feats = []
    for r, c in zip(rows, cols):
        x, y = ref.transform * (c + 0.5, r + 0.5)
        f = QgsFeature(layer.fields())
        f.setAttributes([int(truth[r, c])])
        f.setGeometry(QgsGeometry.fromPointXY(to_wgs84.transform(QgsPointXY(x, y))))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    res = run({"PREDICTION": chip_mask, "REFERENCE": layer, "CLASS_FIELD": "cid",
               "OUTPUT_HTML": str(tmp_path / "points.html"), "OUTPUT_TABLE": "TEMPORARY_OUTPUT"})
    assert res["ASSESSED_PIXELS"] == 200
    assert res["OVERALL_ACCURACY"] == pytest.approx(float((pred[rows, cols] == truth[rows, cols]).mean()))
    table = res["OUTPUT_TABLE"]
    table = table if hasattr(table, "featureCount") else QgsVectorLayer(table, "t", "ogr")
    assert table.featureCount() == 3 and [f.name() for f in table.fields()][:2] == ["class_id", "class"]


@pytest.mark.parametrize("case,match", [
    ("no_overlap", "does not overlap PREDICTION"),
    ("empty", "has no features"),
    ("no_field", "has no field 'nope'.*class, class_id"),
    ("names_match_nothing", "match no class of PREDICTION"),
])
def test_bad_input_raises_and_leaves_no_report(qgis_app, tmp_path, chip_mask, case, match):
    import geopandas as gpd
    from qgis.core import QgsProcessingException
    from shapely.affinity import translate
    ref = data_file(REFERENCE)
    gdf = gpd.read_file(ref)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (tmp_path / "out").mkdir()  # an existing output folder: the refusal must come from the bad input itself
    params = {"PREDICTION": chip_mask, "REFERENCE": str(ref), "CLASS_FIELD": "class",
              "OUTPUT_HTML": str(tmp_path / "out" / "report.html"), "OUTPUT_TABLE": str(tmp_path / "out" / "t.csv")}
    if case == "no_overlap":
        gdf.set_geometry(gdf.geometry.apply(lambda g: translate(g, 200000, 0)), inplace=True)
        gdf.to_file(inputs / "far.gpkg", driver="GPKG")
        params["REFERENCE"] = str(inputs / "far.gpkg")
    elif case == "empty":
        gdf.iloc[:0].to_file(inputs / "empty.gpkg", driver="GPKG",
                             schema={"geometry": "Polygon", "properties": {"class": "str", "class_id": "int"}})
        params["REFERENCE"] = str(inputs / "empty.gpkg")
    elif case == "no_field":
        params["CLASS_FIELD"] = "nope"
    else:
        gdf.assign(kind=gdf["class"].map({"clear": "meadow", "cloud": "fog", "shadow": "dark"})).to_file(
            inputs / "other.gpkg", driver="GPKG")
        params |= {"REFERENCE": str(inputs / "other.gpkg"), "CLASS_FIELD": "kind"}
    with pytest.raises(QgsProcessingException, match=match):
        run(params)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_model_builder_chain_cloudmask_then_assessaccuracy(qgis_app, tmp_path):
    """scene -> cloudmask -> assessaccuracy -> a constant raster made from OVERALL_ACCURACY (a number output
    feeding another step)."""
    from qgis.core import (QgsProcessingContext, QgsProcessingFeedback, QgsProcessingModelChildAlgorithm,
                           QgsProcessingModelChildParameterSource, QgsProcessingModelOutput,
                           QgsProcessingModelParameter, QgsProcessingParameterFeatureSource)
    pytest.importorskip("onnxruntime")
    chip = data_file("clouds/s2_cloud_chip.tif")
    ref = data_file(REFERENCE)
    src = QgsProcessingModelChildParameterSource
    model = cloudmask_model("cloud accuracy")
    model.addModelParameter(QgsProcessingParameterFeatureSource("truth", "Reference"),
                            QgsProcessingModelParameter("truth"))

    assess = QgsProcessingModelChildAlgorithm("deepmapper:assessaccuracy")
    assess.setChildId("assess")
    assess.addParameterSources("PREDICTION", [src.fromChildOutput("mask", "OUTPUT")])
    assess.addParameterSources("REFERENCE", [src.fromModelParameter("truth")])
    assess.addParameterSources("CLASS_FIELD", [src.fromStaticValue("class")])
    assess.addParameterSources("BETA", [src.fromStaticValue(2.0)])
    outputs = {}
    for name, child_output in (("report", "OUTPUT_HTML"), ("table", "OUTPUT_TABLE")):
        out = QgsProcessingModelOutput(name, name)
        out.setChildOutputName(child_output)
        outputs[name] = out
    assess.setModelOutputs(outputs)
    model.addChildAlgorithm(assess)

    const = QgsProcessingModelChildAlgorithm("native:createconstantrasterlayer")
    const.setChildId("const")
    const.addParameterSources("EXTENT", [src.fromModelParameter("scene")])
    const.addParameterSources("TARGET_CRS", [src.fromStaticValue("EPSG:32615")])
    const.addParameterSources("PIXEL_SIZE", [src.fromStaticValue(1000.0)])
    const.addParameterSources("NUMBER", [src.fromChildOutput("assess", "OVERALL_ACCURACY")])
    const.addParameterSources("OUTPUT_TYPE", [src.fromStaticValue(5)])  # Float32
    out = QgsProcessingModelOutput("oa_raster", "OA raster")
    out.setChildOutputName("OUTPUT")
    const.setModelOutputs({"oa_raster": out})
    model.addChildAlgorithm(const)

    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    results, ok = model.run({"scene": str(chip), "truth": str(ref),
                             "mask:cloudmask": str(tmp_path / "mask.tif"),
                             "assess:report": str(tmp_path / "report.html"),
                             "assess:table": str(tmp_path / "table.csv"),
                             "const:oa_raster": str(tmp_path / "oa.tif")}, context, feedback)
    assert ok
    rows = read_table(results["assess:table"])
    assert Path(results["assess:report"]).exists() and float(rows[1]["f_beta"]) > 0.8  # F2 of cloud
    oa_from_chain = float(rasterio.open(results["const:oa_raster"]).read(1)[0, 0])
    direct = numpy_scores(results["mask:cloudmask"])
    assert oa_from_chain == pytest.approx(direct["oa"], abs=0.005) and 0.85 < oa_from_chain <= 1.0
    assert oa_from_chain == pytest.approx(results["CHILD_RESULTS"]["assess"]["OVERALL_ACCURACY"], abs=1e-6)


def test_qgis_process_subprocess_json(tmp_path, chip_mask):
    ref = data_file(REFERENCE)
    if not QGIS_PROCESS.exists() or not Path("/usr/bin/qgis_process.bin").exists():
        pytest.skip("qgis_process.bin not installed (run `make setup`)")
    subprocess.run([str(QGIS_PROCESS), "plugins", "enable", "deepmapper"], capture_output=True, check=False)
    out = subprocess.run([str(QGIS_PROCESS), "--json", "run", "deepmapper:assessaccuracy", "--",
                          f"PREDICTION={chip_mask}", f"REFERENCE={ref}", "CLASS_FIELD=class",
                          "POSITIVE_CLASSES=cloud,shadow", f"OUTPUT_HTML={tmp_path / 'report.html'}",
                          f"OUTPUT_TABLE={tmp_path / 'table.csv'}"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)["results"]
    direct = numpy_scores(chip_mask)
    rows = read_table(result["OUTPUT_TABLE"])
    assert float(rows[1]["f_beta"]) == pytest.approx(direct["cloud"], abs=0.005)
    assert float(rows[2]["f_beta"]) == pytest.approx(direct["shadow"], abs=0.005)
    assert result["OVERALL_ACCURACY"] == pytest.approx(direct["oa"], abs=0.005)
    assert 0.7 < result["KAPPA"] < 1 and 0.8 < result["MEAN_F"] < 1 and 0.8 < result["BINARY_F"] < 1
    assert Path(result["OUTPUT_HTML"]).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_background_makes_an_exhaustive_reference(qgis_app, tmp_path):
    """Building footprints only: with BACKGROUND every other pixel is background, so false positives count."""
    import processing
    from qgis.core import QgsProcessingException
    scene, footprints = data_file("buildings/atlanta_pan_050cm.tif"), data_file("buildings/atlanta_buildings.gpkg")
    seg = processing.run("deepmapper:segment", {"INPUT": str(scene), "MODEL": "buildings",
                                                "OUTPUT": str(tmp_path / "b.tif")})
    plain = processing.run("deepmapper:assessaccuracy", {
        "PREDICTION": seg["OUTPUT"], "REFERENCE": str(footprints), "CLASS_FIELD": "class",
        "OUTPUT_HTML": str(tmp_path / "plain.html")})
    full = processing.run("deepmapper:assessaccuracy", {
        "PREDICTION": seg["OUTPUT"], "REFERENCE": str(footprints), "CLASS_FIELD": "class",
        "BACKGROUND": "background", "OUTPUT_HTML": str(tmp_path / "full.html")})
    with rasterio.open(seg["OUTPUT"]) as ds:
        assert full["ASSESSED_PIXELS"] == ds.width * ds.height > plain["ASSESSED_PIXELS"]
    assert plain["KAPPA"] == 0 and full["KAPPA"] > 0.7 and full["OVERALL_ACCURACY"] > 0.97
    with pytest.raises(QgsProcessingException, match="BACKGROUND: 'sea' is not a class"):
        processing.run("deepmapper:assessaccuracy", {
            "PREDICTION": seg["OUTPUT"], "REFERENCE": str(footprints), "CLASS_FIELD": "class",
            "BACKGROUND": "sea", "OUTPUT_HTML": str(tmp_path / "x.html")})
