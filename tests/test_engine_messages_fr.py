"""The engine speaks French inside a French QGIS and English elsewhere (plugin/core/engine/messages.py).

The plugin installs Qt's translator into the engine's `_()` hook; with the French .qm loaded, an engine error (a
missing class field) and a log line (the accuracy summary) of deepmapper:assessaccuracy come out in French, fields
filled in, and so does every line of a cloud mask's log, down to the pieces set into the templates (how the bands
were matched, the units, the resolution, the model's name). A translator that upper-cases every template shows
what no translation could reach: English left in lower case. The engine used as a plain Python library, without
QGIS, keeps its English messages.
"""
from __future__ import annotations

import re
import string
import subprocess
import sys

import numpy as np
import pytest
from osgeo import gdal

import badinputs as bi
from conftest import PLUGINS, ROOT, data_file

sys.path.insert(0, str(ROOT / "scripts"))
import update_translations  # noqa: E402

CHIP = "clouds/s2_cloud_chip.tif"
# English a French cloud mask log once showed (the templates translated, the pieces set into them not)
ENGLISH = ("the band descriptions", "Bands matched", "Resolution:", "raster 30 m, model 30 m", "values are",
           "reflectance 0..1", "percentile", "as they are", "cloud and shadow", "6 bands", "Model:", "Units:",
           "Device ", "as asked", "sees no", "half precision", "tiles run", "batch", "Inference", "of valid pixels")
# Lower-case words a log may keep in any language: model ids and tasks, runtimes, band names, devices, tile modes
VALUES = {"cloudmask", "segmentation", "superresolution", "onnx", "onnxruntime", "blue", "green", "red", "nir", "cpu",
          "cuda", "blend", "crop"}


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


def shout(text: str) -> str:
    """A stand-in translation: the template's own words upper-cased, its {fields} kept as they are."""
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        parts.append(literal.upper().replace("{", "{{").replace("}", "}}"))
        if name is not None:
            parts.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return "".join(parts)


def english_words(line: str) -> list[str]:
    """The lower-case words of a line that are not VALUES (ids such as ukis_csmask_6b_l1c or swir16 do not count)."""
    return [w for w in re.findall(r"\b[a-z]{3,}\b", line) if w not in VALUES]


def french_templates() -> list[re.Pattern]:
    """Each French translation of the .ts with words of its own, as a pattern its lines match (fields: any text)."""
    patterns = []
    for _source, (text, kind) in update_translations.read_ts(update_translations.TS_FILE).items():
        literal = "".join(lit for lit, *_rest in string.Formatter().parse(text)) if text else ""
        if kind == "obsolete" or not re.search(r"[^\W\d_]{4}", literal):
            continue
        patterns.append(re.compile("".join(re.escape(lit) + ("(.+?)" if name is not None else "")
                                           for lit, name, _spec, _conv in string.Formatter().parse(text)), re.S))
    return patterns


def cloudmask_log(tmp_path) -> list[str]:
    """The log lines deepmapper:cloudmask writes for the cloud chip (the model chosen as a user's run would), without
    QGIS's own 'Results: ...' line (context Processing, which QGIS's own translation covers)."""
    import processing
    feedback = bi.feedback_with_log()
    processing.run("deepmapper:cloudmask", {"INPUT": str(data_file(CHIP)), "OUTPUT": str(tmp_path / "mask.tif")},
                   feedback=feedback)
    lines = [line for line in feedback.log.lines if not line.startswith("Results: ")]
    assert len(lines) >= 6, lines
    return lines


def test_cloudmask_log_in_french(french, tmp_path):
    """Every line of a French cloud mask log is a French template and no piece set into one is English."""
    lines = cloudmask_log(tmp_path)
    text = "\n".join(lines)
    assert "Bandes associées d'après les descriptions des bandes." in lines, text
    assert "Unités : les valeurs sont des réflectances 0..1 (99e centile " in text, text
    assert "Modèle : U-Net nuages et ombres UKIS, 6 bandes, L1C [ukis_csmask_6b_l1c] : cloudmask" in text, text
    assert [f for f in ENGLISH if f in text] == [], text
    templates = french_templates()
    assert [line for line in lines if not any(t.fullmatch(line) for t in templates)] == [], text


def test_every_piece_of_the_cloudmask_log_is_translatable(qgis_app, tmp_path):
    """With every DeepMapper template upper-cased, a lower-case word left in the log came from a plain string or
    an f-string that no translation can reach."""
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    class Shouting(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002
            return shout(source) if context == "DeepMapper" and source else ""

    translator = Shouting()
    QCoreApplication.installTranslator(translator)
    try:
        lines = cloudmask_log(tmp_path)
    finally:
        QCoreApplication.removeTranslator(translator)
    assert {line: english_words(line) for line in lines if english_words(line)} == {}, lines


def test_log_pieces_off_the_chip_are_translatable():
    """The pieces a run on the chip does not reach (other ways of matching bands and of reading units, a resolution,
    a window, the suggestions' spreading, the classes), through the upper-casing translator."""
    from deepmapper.models.card import ModelCard, class_label
    from deepmapper.models.registry import BUNDLED_CARDS
    from deepmapper.plugin.core.engine import messages
    from deepmapper.plugin.core.engine.bands import preset, raster_band_names
    from deepmapper.plugin.core.engine.subset import PixelWindow
    from deepmapper.plugin.core.engine.units import _reflectance_scale, _suggest
    from deepmapper.plugin.core.labelling.diversity import select
    card = ModelCard.load(BUNDLED_CARDS / "landcover_s2.json")
    s2, rng = preset("sentinel2_l2a"), np.random.default_rng(0)
    scores, features = rng.random(40), rng.random((40, 3))
    centres = np.stack([np.arange(40) % 8, np.arange(40) // 8], axis=1) * 10.0
    before = messages._translator
    messages.install_translator(shout)
    try:
        pieces = [raster_band_names([None] * 12, s2)[1], raster_band_names(["x"] * 4, s2, "blue=1")[1],
                  raster_band_names(["B2", "B3"], s2)[1], card.check_resolution(12.0, False, "12 m"),
                  card.summary(translated=True).replace(card.data["license"], ""),
                  *(_reflectance_scale(p99, scale, 0.0)[1] for p99, scale in ((0.4, None), (4000, None), (4000, 1e-4))),
                  *(_suggest(p99) for p99 in (4000, 0.4, 9.0)),
                  PixelWindow(0, 10, 0, 20).note(100, 100, True), PixelWindow(0, 10, 0, 20).note(100, 100, False),
                  *(select(scores, 4, method, rng, features, centres, 60.0)[1] for method in
                    ("cluster", "kcenter", "spatial")),
                  class_label("forest"), class_label("cloud shadow")]
    finally:
        messages.install_translator(before)
    assert {p: english_words(p) for p in pieces if english_words(p)} == {}, pieces
    assert class_label("my own class") == "my own class"  # a user's model's class names are never looked up


def require_purposes() -> list[str]:
    """The `purpose` of every `require(package, purpose)` call in plugin and models: N_("literal") or a name bound
    to N_("literal") in the same module (models/quantization.PURPOSE); a plain string fails the test."""
    import ast
    purposes = []
    for path in sorted([*(ROOT / "plugin").rglob("*.py"), *(ROOT / "models").rglob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        marked = {t.id: n.value.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Assign)
                  for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value, ast.Call)
                  and getattr(n.value.func, "id", "") == "N_"}
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "require":
                purpose = call.args[1]
                if isinstance(purpose, ast.Call) and getattr(purpose.func, "id", "") == "N_":
                    purposes.append(purpose.args[0].value)
                else:
                    assert isinstance(purpose, ast.Name) and purpose.id in marked, \
                        f"{path}:{call.lineno}: mark require()'s purpose with N_()"
                    purposes.append(marked[purpose.id])
    assert len(purposes) >= 20, purposes
    return purposes


def test_missing_dependency_message_in_french(french):
    """The message QGIS shows for a missing package: the purpose set into it is French too."""
    from deepmapper.plugin.core.engine.errors import require
    with pytest.raises(Exception) as info:
        require("deepmapper_no_such_package", "PyTorch models")
    message = str(info.value)
    assert "Le paquet Python « deepmapper_no_such_package » est nécessaire pour les modèles PyTorch" in message
    assert "PyTorch models" not in message and "is needed" not in message, message


def test_every_dependency_purpose_is_translatable():
    """Each purpose, set into MissingDependencyError, through the upper-casing translator: no lower-case English
    (the package named in capitals, so that only the message's own words count)."""
    from deepmapper.plugin.core.engine import messages
    from deepmapper.plugin.core.engine.errors import MissingDependencyError
    before = messages._translator
    messages.install_translator(shout)
    try:
        errors = [str(MissingDependencyError("PKG", purpose)) for purpose in require_purposes()]
    finally:
        messages.install_translator(before)
    assert {e: english_words(e) for e in errors if english_words(e)} == {}, errors


def test_accuracy_log_is_translatable(qgis_app, accuracy_inputs, tmp_path):
    """The class names' source and the unmatched reference classes in deepmapper:assessaccuracy's log, through the
    upper-casing translator (classes named by a QGIS style beside the prediction)."""
    import processing
    from deepmapper.plugin.core.engine import messages
    from deepmapper.plugin.core.engine.vector_labels import class_source_text
    (tmp_path / "classes.qml").write_text(
        '<qgis><pipe><rasterrenderer type="paletted"><colorPalette>'
        '<paletteEntry value="1" label="forest" color="#00aa00"/><paletteEntry value="2" label="water" color="#0000ff"/>'
        '</colorPalette></rasterrenderer></pipe></qgis>')
    reference = bi.vector(tmp_path / "reference3.gpkg", [
        (bi.box(500100, 4999500, 500300, 4999700), {"class": "forest"}),
        (bi.box(500400, 4999500, 500500, 4999600), {"class": "marsh"})])
    before = messages._translator
    messages.install_translator(shout)
    try:
        feedback = bi.feedback_with_log()
        processing.run("deepmapper:assessaccuracy", {**accuracy_inputs, "REFERENCE": str(reference)},
                       feedback=feedback)
        sources = [class_source_text(s) for s in ("DEEPMAPPER_CLASSES tag", "GDAL category names",
                                                  "GDAL raster attribute table", "QGIS style classes.qml")]
    finally:
        messages.install_translator(before)
    lines = [line for line in feedback.log.lines if not line.startswith("Results: ")]
    text = "\n".join(lines)
    assert "PREDICTION CLASSES (QGIS STYLE classes.qml): 1 forest, 2 water" in text, text
    assert "'marsh' (1 FEATURES)" in text, text
    allowed = {"forest", "water", "marsh", "classes", "qml"}
    assert {line: english_words(line) for line in [*lines, *sources]
            if set(english_words(line)) - allowed} == {}, (lines, sources)


def test_training_logs_are_translatable(tmp_path):
    """Patch extraction, training and a transfer between models with other bands on the real Aberystwyth scene
    (tiny settings), through the upper-casing translator: every line the training dialog shows."""
    from deepmapper.plugin.core.engine import messages
    from deepmapper.plugin.core.training.patches import PatchRequest, extract_patches
    from deepmapper.plugin.core.training.trainer import TrainRequest, train_model
    scene, polygons = data_file("landcover/aberystwyth_s2_10m.tif"), data_file(
        "landcover/aberystwyth_training_polygons.gpkg")
    tiny = dict(epochs=1, batch_size=16, architecture_params={"width": 8, "depth": 2}, threads=1, patience=5)
    before = messages._translator
    messages.install_translator(shout)
    try:
        ds = extract_patches(PatchRequest(str(scene), str(polygons), "class", str(tmp_path / "ds"), patch_size=32,
                                          max_patches=40, seed=1, output_footprints=None))
        four = train_model(TrainRequest(ds.output, str(tmp_path / "four.json"), bands="B2,B3,B4,B8", **tiny))
        ten = train_model(TrainRequest(ds.output, str(tmp_path / "ten.json"), init_model=four.card, **tiny))
    finally:
        messages.install_translator(before)
    lines = [line.replace(str(tmp_path), "") for line in [*ds.log, *four.log, *ten.log]]
    text = "\n".join(lines)
    assert "STARTED FROM 'four':" in text and "rededge1 MEAN OF THE OLD BANDS" in text, text
    assert "TRAIN: " in text and "VALIDATION: " in text and "CLASS WEIGHTS: " in text, text
    # class names, band names, the architecture's name and parameters, file names are values, not English
    allowed = {"forest", "grass", "urban", "water", "four", "ten", "unet", "width", "depth", "json", "class"}
    assert {line: english_words(line) for line in lines if set(english_words(line)) - allowed} == {}, lines


def test_points_outside_the_raster_are_said(tmp_path):
    """Labelled points, one of them 50 km off the scene: the note on it reaches the log (it is found while
    rasterising, after the labels' other notes were said), through the upper-casing translator."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point
    from deepmapper.plugin.core.engine import messages
    from deepmapper.plugin.core.training.patches import PatchRequest, extract_patches
    polygons = gpd.read_file(data_file("landcover/aberystwyth_training_polygons.gpkg"))
    points = polygons.set_geometry(polygons.geometry.representative_point())
    outside = points.iloc[[0]].set_geometry([Point(points.geometry.iloc[0].x + 50_000, points.geometry.iloc[0].y)],
                                            crs=points.crs)
    gpd.GeoDataFrame(pd.concat([points, outside]), crs=points.crs).to_file(tmp_path / "points.gpkg")
    before = messages._translator
    messages.install_translator(shout)
    try:
        ds = extract_patches(PatchRequest(str(data_file("landcover/aberystwyth_s2_10m.tif")),
                                          str(tmp_path / "points.gpkg"), "class", str(tmp_path / "ds"), patch_size=16,
                                          max_patches=40, seed=1, point_radius=3, output_footprints=None))
    finally:
        messages.install_translator(before)
    assert "1 LABELLED POINTS LIE OUTSIDE THE RASTER AND ARE IGNORED." in ds.log, ds.log


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
    """`_("literal")` and `N_("literal")` are collected in plugin/core and models only, and the names of the bundled
    model cards; a translation must keep the template's fields."""
    for folder in ("plugin/core/engine", "models", "ui"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text(f'x = _("In {folder}: {{name}}").format(name=1)\ny = _(text)\n'
                                                f'z = N_("Marked in {folder}")\n')
    (tmp_path / "models" / "cards").mkdir()
    (tmp_path / "models" / "cards" / "c.json").write_text('{"id": "c", "name": "A bundled model"}')
    assert update_translations.collect_strings(tmp_path) == [
        "In plugin/core/engine: {name}", "Marked in plugin/core/engine", "In models: {name}", "Marked in models",
        "A bundled model"]
    assert update_translations.mismatched_fields({
        "{a} and {b:.2f}": ("{b:.2f} et {a}", ""), "{a} or {b}": ("{a} ou {c}", ""), "No fields": ("Aucun", ""),
        "{x}": ("{y}", "obsolete")}) == ["{a} or {b}"]
