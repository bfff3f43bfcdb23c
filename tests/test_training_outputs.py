"""Where training writes by default (never a temporary file: the default model and patch folders of the QGIS
profile, settings.py) and what a cancelled training tells the user and the model builder."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from conftest import ROOT
from test_settings import settings_store  # noqa: F401  (fixture: QgsSettings in a temporary folder)


@pytest.fixture
def profile(settings_store, tmp_path, monkeypatch):  # noqa: F811
    """The DeepMapper folders of the QGIS profile in a temporary folder."""
    from deepmapper.plugin import settings
    root = tmp_path / "profile"
    monkeypatch.setattr(settings, "profile_folder", lambda *parts: os.path.join(root, "deepmapper", *parts))
    return root / "deepmapper"


def _default(alg_id: str, name: str):
    from qgis.core import QgsApplication
    alg = QgsApplication.processingRegistry().createAlgorithmById(f"deepmapper:{alg_id}")  # kept alive while read
    return alg.parameterDefinition(name).defaultValue()


def test_default_folders_are_in_the_qgis_profile(qgis_app):
    from qgis.core import QgsApplication
    from deepmapper.plugin.settings import default_model_folder, default_patches_folder
    profile_dir = os.path.join(QgsApplication.qgisSettingsDirPath(), "deepmapper")
    assert default_model_folder() == os.path.join(profile_dir, "models")
    assert default_patches_folder() == os.path.join(profile_dir, "patches")


def test_outputs_default_into_the_model_folders_never_temporary(profile, tmp_path):
    from deepmapper.plugin.settings import Settings
    models = profile / "models"
    assert _default("trainmodel", "OUTPUT_MODEL") == str(models / "trained_model.json")
    assert _default("pretrainmodel", "OUTPUT_MODEL") == str(models / "pretrained_model.json")
    assert _default("extractpatches", "OUTPUT") == str(profile / "patches" / "dataset")
    models.mkdir(parents=True)
    (models / "trained_model.json").write_text("{}")
    (models / "trained_model_2.json").write_text("{}")
    assert _default("trainmodel", "OUTPUT_MODEL") == str(models / "trained_model_3.json")  # never replaces a model
    (profile / "patches" / "dataset").mkdir(parents=True)
    assert _default("extractpatches", "OUTPUT") == str(profile / "patches" / "dataset_2")
    Settings(model_folders=[str(tmp_path / "mine")]).save()  # a model folder of the user's: new models go there
    assert _default("trainmodel", "OUTPUT_MODEL") == str(tmp_path / "mine" / "trained_model.json")


def test_models_in_the_default_folder_are_listed(profile, tmp_path):
    """A card in the default model folder is found by its id, with or without user model folders."""
    from deepmapper.plugin.algorithms.base import DeepMapperAlgorithm
    from deepmapper.plugin.settings import Settings
    models = profile / "models"
    models.mkdir(parents=True)
    card = json.loads((ROOT / "models" / "cards" / "s2cloudless.json").read_text())
    weights = ROOT / "models" / "cards" / card["weights"]
    if weights.exists():
        shutil.copy(weights, models / weights.name)
    card.update(id="my_trained", weights=weights.name if weights.exists() else card["weights"])
    (models / "my_trained.json").write_text(json.dumps(card))
    assert "my_trained" in DeepMapperAlgorithm.model_registry().ids("cloudmask")
    Settings(model_folders=[str(tmp_path / "elsewhere")]).save()
    assert "my_trained" in DeepMapperAlgorithm.model_registry().ids("cloudmask")


def test_a_cancelled_training_warns_and_says_so_in_its_outputs(qgis_app, tmp_path):
    """Cancelled after the first epochs: the model written is the best so far, the log says so as a warning and
    the CANCELLED output is true (false for a run that finished)."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback
    from conftest import data_file
    from deepmapper.plugin.core.training.patches import PatchRequest, extract_patches
    dataset = extract_patches(PatchRequest(str(data_file("landcover/aberystwyth_s2_10m.tif")),
                                           str(data_file("landcover/aberystwyth_training_polygons.gpkg")), "class",
                                           str(tmp_path / "ds"), patch_size=32, max_patches=80, seed=1))

    class Feedback(QgsProcessingFeedback):
        def __init__(self, stop_at: float):
            super().__init__()
            self.stop_at, self.warnings = stop_at, []

        def setProgress(self, progress):  # noqa: N802
            super().setProgress(progress)
            if progress >= self.stop_at:
                self.cancel()

        def pushWarning(self, text):  # noqa: N802
            self.warnings.append(text)

    params = {"DATASET": dataset.output, "WIDTH": 8, "DEPTH": 2, "BATCH_SIZE": 16, "SEED": 1}
    feedback = Feedback(stop_at=30.0)
    result = processing.run("deepmapper:trainmodel", {**params, "EPOCHS": 10, "OUTPUT_MODEL": str(tmp_path / "c.json")},
                            context=QgsProcessingContext(), feedback=feedback)
    card = json.loads((tmp_path / "c.json").read_text())
    assert result["CANCELLED"] is True and card["training"]["cancelled"] is True
    assert len(feedback.warnings) == 1 and feedback.warnings[0].startswith("Training was cancelled after "), \
        feedback.warnings
    assert f"the model written is the best so far (epoch {result['BEST_EPOCH']})" in feedback.warnings[0]
    done = Feedback(stop_at=1000.0)
    finished = processing.run("deepmapper:trainmodel",
                              {**params, "EPOCHS": 1, "OUTPUT_MODEL": str(tmp_path / "f.json")},
                              context=QgsProcessingContext(), feedback=done)
    assert finished["CANCELLED"] is False and not done.warnings


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_patch_dataset_folder_has_the_users_usual_permissions(tmp_path, umask):
    """Not mkdtemp's 0700: the folder gets 0777 minus the umask, like any folder the user makes."""
    import stat
    from conftest import data_file
    from deepmapper.plugin.core.training.patches import PatchRequest, extract_patches
    old = os.umask(umask)
    try:
        result = extract_patches(PatchRequest(str(data_file("landcover/aberystwyth_s2_10m.tif")),
                                              str(data_file("landcover/aberystwyth_training_polygons.gpkg")), "class",
                                              str(tmp_path / "ds"), patch_size=32, max_patches=20, seed=1))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(result.output).st_mode) == 0o777 & ~umask
