"""The engine speaks French inside a French QGIS and English elsewhere (plugin/core/engine/messages.py).

The plugin installs Qt's translator into the engine's `_()` hook; with the French .qm loaded, an engine error (a
missing class field) and a log line (the accuracy summary) of deepmapper:assessaccuracy come out in French, fields
filled in. The engine used as a plain Python library, without QGIS, keeps its English messages.
"""
from __future__ import annotations

import subprocess
import sys

import pytest
from osgeo import gdal

import badinputs as bi
from conftest import PLUGINS, ROOT


@pytest.fixture
def french(qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "deepmapper_fr.qm"))  # as plugin/main.py loads it
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


@pytest.fixture
def accuracy_inputs(tmp_path):
    classes = bi.raster(tmp_path / "classes.tif", 1, dtype=gdal.GDT_Byte, fill=1, pixel=10.0)
    reference = bi.vector(tmp_path / "reference.gpkg", [
        (bi.box(500100, 4999500, 500300, 4999700), {"class": 1}),
        (bi.box(500400, 4999500, 500500, 4999600), {"class": 2})])
    return {"PREDICTION": str(classes), "REFERENCE": str(reference), "CLASS_FIELD": "class",
            "OUTPUT_HTML": str(tmp_path / "report.html")}


def test_engine_error_in_french(french, accuracy_inputs):
    import processing
    from qgis.core import QgsProcessingException
    with pytest.raises(QgsProcessingException) as info:
        processing.run("deepmapper:assessaccuracy", {**accuracy_inputs, "CLASS_FIELD": "klasse"},
                       feedback=bi.feedback_with_log())
    message = str(info.value)
    assert "Le champ « klasse » (CLASS_FIELD) est absent de la couche de référence" in message, message
    assert "ses champs sont : class" in message, message


def test_missing_bands_in_french(french, tmp_path):
    """The message a user meets first: no cloud model fits a one-band raster; the pieces are translated too."""
    import processing
    from qgis.core import QgsProcessingException
    one_band = bi.raster(tmp_path / "one_band.tif", 1, pixel=10.0)
    with pytest.raises(QgsProcessingException) as info:
        processing.run("deepmapper:cloudmask", {"INPUT": str(one_band), "SENSOR": "sentinel2_l1c",
                                                "OUTPUT": str(tmp_path / "mask.tif")}, feedback=bi.feedback_with_log())
    message = str(info.value)
    assert "Aucun modèle de nuages installé ne peut fonctionner avec les bandes de ce raster" in message, message
    assert "« ukis_csmask_4b_l1c » a besoin de blue, green, red, nir" in message, message
    assert "Tout modèle de nuages a besoin au moins du bleu" in message, message
    assert not (tmp_path / "mask.tif").exists()


def test_engine_log_in_french(french, accuracy_inputs):
    import processing
    feedback = bi.feedback_with_log()
    result = processing.run("deepmapper:assessaccuracy", accuracy_inputs, feedback=feedback)
    log = feedback.log.text()
    assert f"Exactitude globale {result['OVERALL_ACCURACY']:.4f}, kappa" in log, log
    assert "Overall accuracy" not in log


def test_english_without_a_translation(qgis_app, accuracy_inputs):
    """The same run in a QGIS without the French .qm: English, as the other tests assert."""
    import processing
    feedback = bi.feedback_with_log()
    processing.run("deepmapper:assessaccuracy", accuracy_inputs, feedback=feedback)
    assert "Overall accuracy" in feedback.log.text()


def test_plain_python_engine_speaks_english(tmp_path):
    """No QGIS, no plugin: the engine's own messages, fields filled in."""
    code = (
        "import sys\n"
        "from deepmapper.models.card import ModelCard, CardError\n"
        "from deepmapper.plugin.core.engine.errors import CancelledError\n"
        "try:\n"
        f"    ModelCard.load({str(tmp_path / 'missing.json')!r})\n"
        "except CardError as exc:\n"
        "    print(exc)\n"
        "print(CancelledError())\n"
        "print('qgis' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(PLUGINS), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines == [f"Model card '{tmp_path / 'missing.json'}' does not exist.",
                     "Cancelled by the user; no output was written.", "False"], run.stdout


def test_translator_hook():
    """A translator can reorder the named fields; a failing one never hides the message; None restores English."""
    from deepmapper.plugin.core.engine import messages
    before = messages._translator
    try:
        messages.install_translator(lambda text: {"{a} then {b}": "{b} puis {a}"}.get(text, text))
        assert messages._("{a} then {b}").format(a=1, b=2) == "2 puis 1"
        messages.install_translator(lambda text: 1 / 0)
        assert messages._("Kept") == "Kept"
        messages.install_translator(None)
        assert messages._("{a} then {b}") == "{a} then {b}"
    finally:
        messages.install_translator(before)


def test_update_translations_collects_engine_templates(tmp_path):
    """`_("literal")` is collected in plugin/core and models only; a translation must keep the template's fields."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import update_translations
    for folder in ("plugin/core/engine", "models", "ui"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text(f'x = _("In {folder}: {{name}}").format(name=1)\ny = _(text)\n')
    assert update_translations.collect_strings(tmp_path) == ["In plugin/core/engine: {name}", "In models: {name}"]
    assert update_translations.mismatched_fields({
        "{a} and {b:.2f}": ("{b:.2f} et {a}", ""), "{a} or {b}": ("{a} ou {c}", ""), "No fields": ("Aucun", ""),
        "{x}": ("{y}", "obsolete")}) == ["{a} or {b}"]
