"""Run by tests/test_plugin_zip.py in a child process: QGIS with a fresh profile holding the unzipped plugin.

argv: PROFILE_DIR (profiles/default) WORK_DIR CLOUD_CHIP LANDCOVER_IMAGE (or '') SCREENSHOT_DIR. Loads the plugin the
way QGIS does (qgis.utils, from the profile's python/plugins), runs deepmapper:cloudmask as the algorithm dialog does
(QgsProcessingAlgRunnerTask in the task manager, then Processing's handleAlgorithmResults into the project), renders
the map, and prints one JSON line of findings for the test to check.
"""
from __future__ import annotations

import json
import os
import sys
import time
from unittest import mock

profile, work, chip, landcover, shots = sys.argv[1:6]
plugins = os.path.join(profile, "python", "plugins")

from qgis.core import (QgsApplication, QgsContrastEnhancement, QgsMapRendererCustomPainterJob, QgsMapSettings,  # noqa: E402
                       QgsMultiBandColorRenderer, QgsProcessingAlgRunnerTask, QgsProcessingContext,
                       QgsProcessingFeedback, QgsProcessingOutputLayerDefinition, QgsProject, QgsRasterLayer, QgsRasterMinMaxOrigin,
                       QgsRectangle, QgsSettings)
from qgis.PyQt.QtCore import QCoreApplication, QSettings, QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor, QImage, QPainter  # noqa: E402

# As QGIS's main() does: settings are the profile's QGIS/QGIS3.ini.
QCoreApplication.setOrganizationName("QGIS")
QCoreApplication.setApplicationName("QGIS3")
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, profile)
app = QgsApplication([], True, profile)
QgsApplication.setPrefixPath("/usr", True)
app.initQgis()
sys.path.insert(0, "/usr/share/qgis/python/plugins")
from processing.core.Processing import Processing  # noqa: E402
from processing.gui.Postprocessing import handleAlgorithmResults  # noqa: E402
from qgis.gui import QgsMapCanvas  # noqa: E402
from qgis.PyQt.QtWidgets import QMainWindow  # noqa: E402
import qgis.utils  # noqa: E402

Processing.initialize()
findings: dict = {"settings_dir": QgsApplication.qgisSettingsDirPath(),
                  "enabled": QgsSettings().value("PythonPlugins/deepmapper", False, type=bool)}

# The plugin, loaded as QGIS loads an enabled plugin of the profile (with a stand-in for the main window's iface).
window = QMainWindow()
canvas = QgsMapCanvas(window)
iface = mock.MagicMock()
iface.mainWindow.return_value = window
iface.mapCanvas.return_value = canvas
qgis.utils.iface = iface
qgis.utils.plugin_paths = [plugins]
sys.path.insert(0, plugins)
qgis.utils.updateAvailablePlugins()
findings["loaded"] = bool(findings["enabled"]) and qgis.utils.loadPlugin("deepmapper")
findings["started"] = findings["loaded"] and qgis.utils.startPlugin("deepmapper")
if findings["started"] and hasattr(qgis.utils.plugins["deepmapper"], "initProcessing"):
    qgis.utils.plugins["deepmapper"].initProcessing()
import deepmapper  # noqa: E402

findings["plugin_file"] = deepmapper.__file__
findings["provider"] = QgsApplication.processingRegistry().providerById("deepmapper") is not None
app.processEvents()


def rgb(layer: QgsRasterLayer, red: int, green: int, blue: int) -> None:
    """A natural-colour view of the image, as a user would set it (the plugin does not style inputs)."""
    renderer = QgsMultiBandColorRenderer(layer.dataProvider(), red, green, blue)
    layer.setRenderer(renderer)
    layer.setContrastEnhancement(QgsContrastEnhancement.StretchToMinimumMaximum, QgsRasterMinMaxOrigin.CumulativeCut)


def render(layers: list, extent: QgsRectangle, size: QSize, path: str | None = None) -> QImage:
    settings = QgsMapSettings()
    settings.setLayers(layers)  # first on top
    settings.setExtent(extent)
    settings.setOutputSize(size)
    settings.setBackgroundColor(QColor("white"))
    settings.setDestinationCrs(layers[-1].crs())
    image = QImage(size, QImage.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    job = QgsMapRendererCustomPainterJob(settings, painter)
    job.start()
    job.waitForFinished()
    painter.end()
    if path:
        image.save(path)
    return image


def run_as_dialog(algorithm_id: str, params: dict) -> dict:
    """The algorithm dialog's way: a QgsProcessingAlgRunnerTask in the task manager, then the results loaded."""
    alg = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
    if alg is None:  # the provider is not registered: report instead of crashing in the task
        return {"ok": False, "error": f"{algorithm_id} is not registered"}
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    outcome: dict = {}
    task = QgsProcessingAlgRunnerTask(alg, params, context, feedback)
    task.executed.connect(lambda ok, results: outcome.update(ok=ok, results=results))
    QgsApplication.taskManager().addTask(task)
    deadline = time.time() + 400
    while "ok" not in outcome and time.time() < deadline:
        app.processEvents()
        time.sleep(0.02)
    if outcome.get("ok"):
        outcome["loaded"] = handleAlgorithmResults(alg, context, feedback, True, params)
    return outcome


project = QgsProject.instance()
image = QgsRasterLayer(chip, "T15SWD_chip")
rgb(image, 3, 2, 1)
project.addMapLayer(image)
out = {name: QgsProcessingOutputLayerDefinition(os.path.join(work, file), project)
       for name, file in (("OUTPUT", "cloudmask.tif"), ("OUTPUT_VECTOR", "clouds.gpkg"))}
outcome = run_as_dialog("deepmapper:cloudmask", {"INPUT": image.id(), "SENSOR": "sentinel2_l1c", **out})
findings["cloudmask_ok"] = bool(outcome.get("ok")) and bool(outcome.get("loaded"))
layers = {layer.name(): layer for layer in project.mapLayers().values()}
findings["layers"] = sorted(layers)
mask = next((la for name, la in layers.items() if name.startswith("Cloud mask:")), None)
polygons = next((la for name, la in layers.items() if name.startswith("Cloud polygons:")), None)
if mask is not None:
    renderer = mask.renderer()
    findings["mask_renderer"] = type(renderer).__name__
    findings["mask_alpha"] = {c.label: c.color.alpha() for c in renderer.classes()} \
        if hasattr(renderer, "classes") else {}
    findings["mask_source"] = mask.source()
    # The image under the mask: rendered pixel by pixel (1 map pixel = 1 raster pixel), with and without the mask.
    size = QSize(image.width(), image.height())
    alone = render([image], image.extent(), size)
    under = render([mask, image], image.extent(), size)
    import numpy as np
    import rasterio

    def pixels(img: QImage):
        ptr = img.constBits()
        ptr.setsize(img.byteCount())
        return np.frombuffer(ptr, np.uint8).reshape(img.height(), img.width(), 4).copy()

    with rasterio.open(mask.source()) as ds:
        classes = ds.read(1)
    a, b = pixels(alone), pixels(under)
    same = (np.abs(a.astype(int) - b.astype(int)).max(axis=2) <= 2)
    findings["clear_pixels_unchanged"] = float(same[classes == 0].mean()) if (classes == 0).any() else None
    findings["cloud_pixels_changed"] = float((~same[classes == 1]).mean()) if (classes == 1).any() else None
    findings["cloud_pixels_image_visible"] = float(  # not flat white: the texture of the image shows through
        np.std(b[classes == 1][:, :3].astype(float))) if (classes == 1).any() else None
if polygons is not None:
    findings["polygon_renderer"] = type(polygons.renderer()).__name__
if shots and mask is not None and polygons is not None:
    os.makedirs(shots, exist_ok=True)
    big = QSize(2 * image.width(), 2 * image.height())
    render([image], image.extent(), big, os.path.join(shots, "cloudmask_0_image.png"))
    render([mask, image], image.extent(), big, os.path.join(shots, "cloudmask_1_mask_over_image.png"))
    render([polygons, image], image.extent(), big, os.path.join(shots, "cloudmask_2_polygons_over_image.png"))
    render([polygons, mask, image], image.extent(), big, os.path.join(shots, "cloudmask_3_all.png"))

if landcover:
    lc_image = QgsRasterLayer(landcover, os.path.splitext(os.path.basename(landcover))[0])
    rgb(lc_image, 3, 2, 1)
    project.addMapLayer(lc_image)
    out = {name: QgsProcessingOutputLayerDefinition(os.path.join(work, file), project)
           for name, file in (("OUTPUT", "landcover.tif"), ("OUTPUT_VECTOR", "landcover.gpkg"))}
    outcome = run_as_dialog("deepmapper:segment", {"INPUT": lc_image.id(), "MODEL": "landcover_s2", **out})
    findings["segment_ok"] = bool(outcome.get("ok")) and bool(outcome.get("loaded"))
    layers = {layer.name(): layer for layer in project.mapLayers().values()}
    findings["layers"] = sorted(layers)
    classes_layer = next((la for n, la in layers.items() if n.startswith("Land cover:")), None)
    lc_polygons = next((la for n, la in layers.items() if n.startswith("Land-cover polygons:")), None)
    if shots and classes_layer is not None and lc_polygons is not None:
        big = QSize(2 * lc_image.width(), 2 * lc_image.height())
        render([lc_image], lc_image.extent(), big, os.path.join(shots, "landcover_0_image.png"))
        render([classes_layer, lc_image], lc_image.extent(), big, os.path.join(shots, "landcover_1_classes.png"))
        render([lc_polygons, lc_image], lc_image.extent(), big, os.path.join(shots, "landcover_2_polygons.png"))

print("FINDINGS " + json.dumps(findings))
sys.stdout.flush()
project.clear()
qgis.utils.unloadPlugin("deepmapper")
os._exit(0)  # skip QGIS's exit-time teardown of a half-mocked GUI
