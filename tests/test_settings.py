"""DeepMapper settings: stored under deepmapper/, used as the algorithms' defaults (a run without DEVICE/TILE_SIZE
uses them), user model folders reach the registry, the settings dialog saves them, and the log says which device a
run used and why."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from conftest import ROOT, data_file

SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"


@pytest.fixture
def settings_store(qgis_app, tmp_path):
    """QgsSettings in a temporary folder: tests never change the user's (or another test process's) settings."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QSettings
    old = os.path.dirname(QgsSettings().fileName())
    for fmt in (QSettings.IniFormat, QSettings.NativeFormat):
        QSettings.setPath(fmt, QSettings.UserScope, str(tmp_path / "settings"))
    yield tmp_path / "settings"
    for fmt in (QSettings.IniFormat, QSettings.NativeFormat):
        QSettings.setPath(fmt, QSettings.UserScope, old)
    _refresh()


def _refresh():
    from qgis.core import QgsApplication
    QgsApplication.processingRegistry().providerById("deepmapper").refreshAlgorithms()


def test_settings_round_trip_and_bad_values(settings_store):
    from qgis.core import QgsSettings
    from deepmapper.plugin.settings import Settings
    assert Settings.load() == Settings()  # nothing saved: the defaults
    Settings(device="cuda", threads=3, tile_size=512, batch_size=4, model_folders=["/a", "/b c"],
             cache_folder="/cache").save()
    assert Settings.load() == Settings("cuda", 3, 512, 4, ["/a", "/b c"], "/cache")
    assert QgsSettings().value("deepmapper/tile_size") in (512, "512")
    QgsSettings().setValue("deepmapper/device", "tpu")
    QgsSettings().setValue("deepmapper/threads", "many")
    QgsSettings().setValue("deepmapper/model_folders", "/single")
    loaded = Settings.load()
    assert (loaded.device, loaded.threads, loaded.model_folders) == ("auto", 0, ["/single"])
    assert Settings().cache.endswith(os.path.join("cache", "deepmapper"))


def test_settings_change_algorithm_defaults(settings_store):
    from qgis.core import QgsApplication
    from deepmapper.plugin.settings import Settings
    registry = QgsApplication.processingRegistry()
    before = registry.createAlgorithmById("deepmapper:cloudmask")
    assert before.parameterDefinition("DEVICE").defaultValue() == "auto"
    Settings(device="cpu", threads=1, tile_size=256, batch_size=2).save()
    for alg_id in ("cloudmask", "segment", "superresolve", "validatesuperres"):
        alg = registry.createAlgorithmById("deepmapper:" + alg_id)
        defaults = {name: alg.parameterDefinition(name).defaultValue()
                    for name in ("DEVICE", "THREADS", "TILE_SIZE", "BATCH_SIZE")}
        assert defaults == {"DEVICE": "cpu", "THREADS": 1, "TILE_SIZE": 256, "BATCH_SIZE": 2}, alg_id
    for alg_id in ("trainmodel", "pretrainmodel"):
        assert registry.createAlgorithmById("deepmapper:" + alg_id).parameterDefinition(
            "DEVICE").defaultValue() == "cpu"


def test_a_run_uses_the_settings_and_the_user_model_folders(settings_store, tmp_path):
    """No DEVICE, TILE_SIZE or THREADS given: the run uses the settings; MODEL names a model found only in a user
    model folder of the settings; the log says which device and why."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback
    from deepmapper.plugin.settings import Settings
    chip = data_file("clouds/s2_cloud_chip.tif")
    folder = tmp_path / "my models"
    folder.mkdir()
    card = json.loads((ROOT / "models" / "cards" / "ukis_csmask_4b_l1c.json").read_text())
    card.update(id="my_cloud_model", name="My cloud model")
    (folder / "my_cloud_model.json").write_text(json.dumps(card))
    Settings(device="cpu", threads=1, tile_size=256, model_folders=[str(folder)]).save()
    _refresh()

    class Feedback(QgsProcessingFeedback):
        lines: list[str] = []

        def pushInfo(self, info):  # noqa: N802
            self.lines.append(info)

    feedback = Feedback()
    result = processing.run("deepmapper:cloudmask", {"INPUT": str(chip), "MODEL": "my_cloud_model",
                                                     "OUTPUT": str(tmp_path / "mask.tif")},
                            context=QgsProcessingContext(), feedback=feedback)
    log = "\n".join(feedback.lines)
    assert result["MODEL_ID"] == "my_cloud_model"
    assert "Device cpu (DEVICE=cpu asked for), float32 (half precision is for CUDA only); tiles 256 px" in log, log


def test_settings_dialog_saves_and_refreshes_the_algorithms(settings_store, tmp_path):
    from qgis.core import QgsApplication
    from deepmapper.plugin.settings import Settings
    from deepmapper.ui.settings_dialog import SettingsDialog
    dialog = SettingsDialog()
    assert dialog.device.currentData() == "auto" and dialog.threads.text() == "All cores"
    assert dialog.tile_size.text() == "The model's own" and dialog.batch_size.text() == "From free memory"
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.threads.setValue(2)
    dialog.tile_size.setValue(512)
    dialog.folders.addItems([str(tmp_path / "models"), "/data/shared models"])
    dialog.cache.setFilePath(str(tmp_path / "cache"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialog.adjustSize()
    assert dialog.grab().save(str(SCREENSHOTS / "settings.png"))
    dialog.accept()
    saved = Settings.load()
    assert saved == Settings("cpu", 2, 512, 0, [str(tmp_path / "models"), "/data/shared models"],
                             str(tmp_path / "cache"))
    # the provider's own instances (what the toolbox shows) now start from the new defaults
    alg = QgsApplication.processingRegistry().algorithmById("deepmapper:segment")
    assert alg.parameterDefinition("DEVICE").defaultValue() == "cpu"
    assert alg.parameterDefinition("TILE_SIZE").defaultValue() == 512
    reopened = SettingsDialog()
    assert reopened.folders.count() == 2 and reopened.device.currentData() == "cpu"


def test_log_states_device_precision_and_why():
    from deepmapper.plugin.core.engine.device import Device, choose_device, choose_precision, describe

    def said(device, model_format, half_allowed):
        return describe(device, choose_precision("auto", device, model_format, half_allowed, False))

    assert said(choose_device("cpu", "onnx"), "onnx", True) == \
        "cpu (DEVICE=cpu asked for), float32 (half precision is for CUDA only)"
    auto = choose_device("auto", "lightgbm")
    assert auto.reason == "DEVICE=auto and lightgbm models run on the CPU only"
    gpu = Device("cuda", reason="DEVICE=auto and torch sees a CUDA GPU")
    assert said(gpu, "torch_state_dict", True) == \
        "cuda:0 (DEVICE=auto and torch sees a CUDA GPU), float16 (half precision: CUDA, and the model card allows it)"
    assert said(gpu, "torch_state_dict", False).endswith("float32 (the model card does not allow half precision)")
    assert "PyTorch models only" in said(gpu, "onnx", True)
    assert choose_device("cpu") == Device("cpu")  # the reason is not part of a device's identity


def test_registry_reads_user_folders_and_the_environment_fallback(tmp_path, monkeypatch):
    from deepmapper.models.registry import MODEL_PATH_ENV, Registry
    env_dir, user_dir = tmp_path / "env", tmp_path / "user"
    for folder, cid in ((env_dir, "from_env"), (user_dir, "from_settings")):
        folder.mkdir()
        shutil.copy(ROOT / "models" / "cards" / "s2cloudless.json", folder / f"{cid}.json")
        card = json.loads((folder / f"{cid}.json").read_text())
        card["id"] = cid
        (folder / f"{cid}.json").write_text(json.dumps(card))
    monkeypatch.setenv(MODEL_PATH_ENV, str(env_dir))
    assert {"from_env", "from_settings"} <= set(Registry([user_dir]).ids("cloudmask"))
