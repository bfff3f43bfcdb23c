"""Cancelling every long algorithm through its QgsProcessingFeedback (processing.run): it stops with an error, leaves
no output and no temporary file (beside the outputs or in the temporary folder); training keeps its best epoch when
cancelled after one was validated."""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import data_file

pytest.importorskip("torch")
pytest.importorskip("onnxruntime")

CHIP = "clouds/s2_cloud_chip.tif"
SCENE = "landcover/aberystwyth_s2_10m.tif"
POLYGONS = "landcover/aberystwyth_training_polygons.gpkg"
TRAINING = {"WIDTH": 8, "DEPTH": 1, "BATCH_SIZE": 8}


def srcwin(name: str, dst: Path, x: int, y: int, w: int, h: int) -> str:
    subprocess.run(["gdal_translate", "-q", "-srcwin", str(x), str(y), str(w), str(h), str(data_file(name)), str(dst)],
                   check=True)
    return str(dst)


def cancel_after(reports: int):
    """A feedback that presses Cancel when the algorithm reports progress for the `reports`-th time."""
    from qgis.core import QgsProcessingFeedback

    class CancelAfter(QgsProcessingFeedback):
        def __init__(self) -> None:
            super().__init__()
            self.reports = 0

        def setProgress(self, progress: float) -> None:  # noqa: N802
            super().setProgress(progress)
            self.reports += 1
            if self.reports >= reports:
                self.cancel()

    return CancelAfter()


@pytest.fixture(scope="module")
def inputs(qgis_app, tmp_path_factory):
    """Small crops of the real data, and a patch dataset for the training algorithms (made without cancelling)."""
    import processing
    d = tmp_path_factory.mktemp("inputs")
    chip = srcwin(CHIP, d / "chip.tif", 0, 0, 256, 256)
    scene = srcwin(SCENE, d / "scene.tif", 0, 0, 300, 300)
    high = srcwin("superres/T33UUB_10m.tif", d / "hi.tif", 200, 200, 96, 96)
    low = srcwin("superres/T33UUB_20m.tif", d / "lo.tif", 100, 100, 48, 48)
    mask = processing.run("deepmapper:cloudmask", {"INPUT": chip, "OUTPUT": str(d / "mask.tif")})["OUTPUT"]
    patches = processing.run("deepmapper:extractpatches", {
        "INPUT": str(data_file(SCENE)), "LABELS": str(data_file(POLYGONS)), "CLASS_FIELD": "class", "PATCH_SIZE": 32,
        "MAX_PATCHES": 60, "SEED": 1, "OUTPUT": str(d / "patches")})["OUTPUT"]
    return {"chip": chip, "scene": scene, "high": high, "low": low, "mask": mask, "patches": patches}


def cases(i: dict, out: Path, models: dict) -> dict[str, dict]:
    return {
        "cloudmask": {"INPUT": i["chip"], "OUTPUT": str(out / "mask.tif"),
                      "OUTPUT_PROBABILITY": str(out / "prob.tif"), "OUTPUT_VECTOR": str(out / "clouds.gpkg")},
        "segment": {"INPUT": i["scene"], "MODEL": str(models["landcover"]), "TILE_SIZE": 64,
                    "OUTPUT": str(out / "classes.tif"), "OUTPUT_VECTOR": str(out / "classes.gpkg")},
        "superresolve": {"INPUT": i["high"], "INPUT_LOWRES": i["low"], "TILE_SIZE": 64, "OUTPUT": str(out / "sr.tif")},
        "validatesuperres": {"INPUT": i["high"], "INPUT_LOWRES": i["low"], "TILE_SIZE": 64,
                             "OUTPUT_HTML": str(out / "wald.html"), "OUTPUT_CSV": str(out / "wald.csv")},
        "assessaccuracy": {"PREDICTION": i["mask"], "REFERENCE": str(data_file("clouds/s2_cloud_chip_reference.gpkg")),
                           "CLASS_FIELD": "class", "OUTPUT_HTML": str(out / "report.html")},
        "extractpatches": {"INPUT": str(data_file(SCENE)), "LABELS": str(data_file(POLYGONS)), "CLASS_FIELD": "class",
                           "PATCH_SIZE": 32, "MAX_PATCHES": 60, "OUTPUT": str(out / "patches"),
                           "OUTPUT_FOOTPRINTS": str(out / "footprints.gpkg")},
        "trainmodel": {"DATASET": i["patches"], "EPOCHS": 30, **TRAINING, "OUTPUT_MODEL": str(out / "model.json")},
        "pretrainmodel": {"INPUT": [i["scene"]], "PATCH_SIZE": 32, "PATCHES": 32, "EPOCHS": 30, **TRAINING,
                          "OUTPUT_MODEL": str(out / "pre.json")},
    }


ALGORITHMS = ["cloudmask", "segment", "superresolve", "validatesuperres", "assessaccuracy", "extractpatches",
              "trainmodel", "pretrainmodel"]


@pytest.fixture
def private_temp(tmp_path, monkeypatch):
    """The temporary folder of this test alone, so that leftovers can be seen."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def leftovers(folder: Path) -> list[str]:
    """What a run left in the temporary folder, except torch's compiler cache (kept on purpose, shared by runs)."""
    return sorted(p.name for p in folder.rglob("*") if not p.relative_to(folder).parts[0].startswith("torchinductor"))


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_cancel_after_the_first_progress_report(inputs, segmentation_models, monkeypatch, tmp_path, private_temp,
                                               alg):
    import processing
    from qgis.core import QgsProcessingException
    monkeypatch.setenv("DEEPMAPPER_MODEL_PATH", str(segmentation_models["folder"]))
    out = tmp_path / "out"
    out.mkdir()
    feedback = cancel_after(1)
    with pytest.raises(QgsProcessingException, match="[Cc]ancel"):
        processing.run(f"deepmapper:{alg}", cases(inputs, out, segmentation_models)[alg], feedback=feedback)
    assert feedback.isCanceled() and feedback.reports >= 1
    assert sorted(p.name for p in out.iterdir()) == []  # no output, no hidden temporary file or folder
    assert leftovers(private_temp) == []


@pytest.mark.parametrize("alg, output", [("trainmodel", "model"), ("pretrainmodel", "pre")])
def test_cancel_later_keeps_the_best_weights(inputs, segmentation_models, tmp_path, private_temp, alg, output):
    """Training cancelled after its first epoch writes the best model so far (and says it was cancelled)."""
    import processing
    out = tmp_path / "out"
    out.mkdir()
    feedback = cancel_after(12)  # several batches: at least one epoch done
    res = processing.run(f"deepmapper:{alg}", cases(inputs, out, segmentation_models)[alg], feedback=feedback)
    assert feedback.isCanceled()
    card = json.loads((out / f"{output}.json").read_text())
    assert card["training"]["cancelled"] is True, card["training"]
    weights = out / card["weights"]
    assert weights.exists() and res["OUTPUT_MODEL"] == str(out / f"{output}.json") and res["CANCELLED"] is True
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{output}.json", weights.name])
    assert leftovers(private_temp) == []
