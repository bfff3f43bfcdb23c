"""What the algorithm dialogs say: short names, descriptions, search tags and help links in English and French;
help texts in the dialog's own words (no parameter ids, no "optional" twice); enum options shown with labels while
the values stay the qgis_process keys (through the dialog, processing.run and qgis_process); magic numbers shown as
words; training outputs that must be kept. Screenshots of the cloudmask and trainmodel dialogs, English and French."""
from __future__ import annotations

import re
import subprocess

import pytest

from conftest import ROOT, data_file

SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"


def _algorithms():
    from qgis.core import QgsApplication
    from deepmapper.plugin.algorithms.base import DeepMapperAlgorithm  # the shipped .model3 models are not ours
    return [a for a in QgsApplication.processingRegistry().providerById("deepmapper").algorithms()
            if isinstance(a, DeepMapperAlgorithm)]


def _anchors() -> set[str]:
    """GitHub's anchors of the README headings."""
    headings = re.findall(r"^#+ (.+)$", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.fixture
def french(qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "deepmapper_fr.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def _dialog(algorithm_id: str):
    from qgis.core import QgsApplication
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    alg = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
    dialog = AlgorithmDialog(alg)
    dialog.resize(980, 900)
    dialog.show()
    return dialog, alg


def test_names_descriptions_tags_and_help_links(qgis_app, french):
    from qgis.PyQt.QtCore import QCoreApplication
    from deepmapper.plugin.algorithms.labels import REPOSITORY_URL
    anchors = _anchors()
    for alg in _algorithms():
        fresh = alg.createInstance()  # translated now that French is installed
        english = QCoreApplication.translate("Other", type(alg).DISPLAY_NAME)
        assert len(english) <= 33 and len(fresh.displayName()) <= 33, (english, fresh.displayName())
        assert fresh.displayName() != english, english  # translated
        assert fresh.shortDescription() and fresh.shortDescription() != type(alg).SHORT_DESCRIPTION, alg.name()
        assert "deep learning" in fresh.tags() and "apprentissage profond" in fresh.tags()
        assert len(fresh.tags()) >= 6, alg.name()
        url = fresh.helpUrl()
        assert url.startswith(REPOSITORY_URL + "#") and url.split("#", 1)[1] in anchors, (alg.name(), url)
    groups = {a.groupId(): a.createInstance().group() for a in _algorithms()}
    assert groups["accuracy"] == "Évaluation" and "Précision" not in groups.values()
    by_tag = {a.name() for a in _algorithms() if "U-Net" in a.tags()}
    assert {"cloudmask", "segment", "trainmodel", "pretrainmodel"} <= by_tag


def test_help_speaks_the_dialog_s_words(qgis_app):
    for alg in _algorithms():
        text = alg.shortHelpString()
        ids = [p.name() for p in alg.parameterDefinitions()] + [o.name() for o in alg.outputDefinitions() if "_" in o.name()]
        named = [name for name in ids if re.search(rf"\b{name}\b", text)]
        assert not named, f"{alg.name()} help names parameter ids {named}"
        for param in alg.parameterDefinitions():
            if param.flags() & param.FlagOptional:
                assert "optional" not in param.description().lower(), (alg.name(), param.description())
            assert not re.search(r"\((-1|0): ", param.description()), (alg.name(), param.description())


def test_enum_and_number_widgets_show_words_and_give_keys(qgis_app):
    from qgis.core import QgsProcessingContext, QgsProcessingOutputLayerDefinition
    dialog, alg = _dialog("deepmapper:cloudmask")
    panel = dialog.mainWidget()
    sensor = panel.wrappers["SENSOR"].widget
    assert [sensor.itemText(i) for i in range(sensor.count())] == [
        "Sentinel-2 L1C", "Sentinel-2 L2A", "Landsat 8/9", "Landsat 7", "SPOT/Pleiades 4 bands", "Generic"]
    device = panel.wrappers["DEVICE"].widget
    assert [device.itemText(i) for i in range(device.count())] == ["Automatic", "CPU", "CUDA GPU"]
    assert panel.wrappers["SCALE"].widget.text() == "Detect from the values"
    assert panel.wrappers["DILATE_CLOUD"].widget.text() == "The model's default"
    assert panel.wrappers["TILE_SIZE"].widget.text() == "The model's own"
    chip = str(data_file("clouds/s2_cloud_chip.tif"))
    panel.setParameters({"INPUT": chip, "SENSOR": 2, "DEVICE": "cpu"})  # an option number means that option
    assert sensor.currentText() == "Landsat 8/9"
    sensor.setCurrentIndex(sensor.findText("Sentinel-2 L1C"))
    values = dialog.createProcessingParameters()
    assert values["SENSOR"] == "sentinel2_l1c" and values["DEVICE"] == "cpu"
    assert values["SCALE"] == 0 and values["DILATE_CLOUD"] == -1 and values["TILE_SIZE"] == 0
    ok, message = alg.checkParameterValues(values, QgsProcessingContext())
    assert ok, message
    assert isinstance(values.get("OUTPUT"), (str, QgsProcessingOutputLayerDefinition))
    dialog.close()


def test_static_strings_and_numbers_run_through_processing_and_qgis_process(qgis_app, tmp_path):
    import processing
    from osgeo import gdal
    crop = tmp_path / "crop.tif"
    gdal.Translate(str(crop), str(data_file("clouds/s2_cloud_chip.tif")), srcWin=[0, 0, 96, 96])
    by_key = processing.run("deepmapper:cloudmask", {"INPUT": str(crop), "SENSOR": "sentinel2_l1c", "DEVICE": "cpu",
                                                     "OUTPUT": str(tmp_path / "a.tif")})
    by_number = processing.run("deepmapper:cloudmask", {"INPUT": str(crop), "SENSOR": 0, "DEVICE": 1,
                                                        "OUTPUT": str(tmp_path / "b.tif")})
    assert by_key["MODEL_ID"] == by_number["MODEL_ID"] == "ukis_csmask_6b_l1c"
    assert by_key["CLOUD_PERCENT"] == by_number["CLOUD_PERCENT"]
    run = subprocess.run([str(ROOT / "scripts" / "qgis_process"), "run", "deepmapper:cloudmask", "--",
                          f"INPUT={crop}", "SENSOR=sentinel2_l2a", "DEVICE=cpu", f"OUTPUT={tmp_path / 'c.tif'}"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ukis_csmask_6b_l2a" in run.stdout


def test_training_outputs_must_be_kept(qgis_app, tmp_path, monkeypatch):
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingOutputLayerDefinition
    from deepmapper.plugin.settings import Settings
    registry, context = QgsApplication.processingRegistry(), QgsProcessingContext()
    dataset = tmp_path / "patches"
    dataset.mkdir()
    train = registry.createAlgorithmById("deepmapper:trainmodel")
    for temporary in ("TEMPORARY_OUTPUT", QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT")):
        ok, message = train.checkParameterValues({"DATASET": str(dataset), "OUTPUT_MODEL": temporary}, context)
        assert not ok and "Choose where to save 'Model card'" in message and "deleted when QGIS closes" in message
    patches = registry.createAlgorithmById("deepmapper:extractpatches")
    assert "Choose where to save" in patches.temporary_output_problem({"OUTPUT": "TEMPORARY_OUTPUT"})
    assert train.temporary_output_problem({"OUTPUT_MODEL": str(tmp_path / "m.json")}) == ""
    from deepmapper.plugin.settings import default_model_folder  # no model folder set: the default one, never temp
    assert train.parameterDefinition("OUTPUT_MODEL").defaultValue().startswith(default_model_folder())
    monkeypatch.setattr(Settings, "load", classmethod(lambda cls: Settings(model_folders=[str(tmp_path / "models")])))
    with_folder = train.createInstance()
    with_folder.initAlgorithm()
    assert with_folder.parameterDefinition("OUTPUT_MODEL").defaultValue() == str(tmp_path / "models" /
                                                                              "trained_model.json")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_dialog_screenshots(qgis_app, request, language):
    if language == "fr":
        request.getfixturevalue("french")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for algorithm_id in ("deepmapper:cloudmask", "deepmapper:trainmodel"):
        dialog, alg = _dialog(algorithm_id)
        if language == "fr":
            assert dialog.windowTitle() == alg.displayName() != type(alg).DISPLAY_NAME
            assert "Automatique" in [dialog.mainWidget().wrappers["DEVICE"].widget.itemText(i) for i in range(3)]
        name = algorithm_id.split(":")[1]
        assert dialog.grab().save(str(SCREENSHOTS / f"dialog_{name}_{language}.png"))
        dialog.close()


def test_optional_suffix_in_qgis_s_own_words(qgis_app, french):
    """French QGIS: every optional parameter's label ends in QGIS's own '[optionnel]', the MODEL dropdown's too (our
    Python wrappers used to look the suffix up under their class name and kept '[optional]')."""
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator
    from qgis.PyQt.QtWidgets import QLabel
    qgis_fr = QTranslator()
    if not qgis_fr.load("/usr/share/qgis/i18n/qgis_fr.qm"):
        pytest.skip("QGIS's French translation is not installed")
    QCoreApplication.installTranslator(qgis_fr)
    try:
        dialog, _alg = _dialog("deepmapper:cloudmask")
        texts = [label.text() for label in dialog.findChildren(QLabel) if "[option" in label.text()]
        dialog.close()
    finally:
        QCoreApplication.removeTranslator(qgis_fr)
    model = [t for t in texts if t.startswith("Modèle (vide")]
    assert model and len(texts) >= 3
    assert all(t.endswith(" [optionnel]") for t in texts), texts


def test_no_parameter_widens_a_dialog_past_qgis_s_default_size(qgis_app):
    """A verification session: at QGIS's default dialog size (688 px) a horizontal scrollbar hid the '…' buttons;
    the model dropdown asked for 36 characters and a few labels were longer than the panel. No parameter row may ask
    for more than the widest label QGIS's own dialogs use there (checked under xvfb at 1366x768: no scrollbar)."""
    from qgis.PyQt.QtWidgets import QLabel, QScrollArea
    for algorithm_id in ("deepmapper:cloudmask", "deepmapper:segment", "deepmapper:superresolve",
                         "deepmapper:assessaccuracy", "deepmapper:suggestsamples", "deepmapper:trainmodel"):
        dialog, _alg = _dialog(algorithm_id)
        try:
            inner = max(dialog.findChildren(QScrollArea), key=lambda a: a.widget().minimumSizeHint().width()).widget()
            label = max((w.minimumSizeHint().width() for w in inner.findChildren(QLabel) if w.isVisible()),
                        default=0)
            assert inner.minimumSizeHint().width() <= max(label, 330) + 60, (algorithm_id, label,
                                                                            inner.minimumSizeHint().width())
        finally:
            dialog.close()
