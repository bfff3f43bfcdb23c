"""The labelling panel of the active-learning loop, offscreen: a suggestions GeoPackage (the documented output of
deepmapper:suggestsamples) over a crop of the cloud chip, marked done/skipped with the keyboard; the status field,
the progress text, the thumbnails and the canvas zoom are checked, and screenshots saved in English and French."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, data_file

SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"


def _suggestions(tmp_path, count=4):
    """A 128 x 128 crop of the cloud chip and `count` 24-pixel squares on it with the suggestsamples fields."""
    from osgeo import gdal, ogr, osr
    crop = tmp_path / "crop.tif"
    gdal.Translate(str(crop), str(data_file("clouds/s2_cloud_chip.tif")), srcWin=[128, 128, 128, 128])
    ds = gdal.Open(str(crop))
    x0, dx, _, y0, _, dy = ds.GetGeoTransform()
    srs = osr.SpatialReference(wkt=ds.GetProjection())
    path = tmp_path / "suggestions.gpkg"
    out = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = out.CreateLayer("suggestions", srs, ogr.wkbPolygon)
    for name, kind in (("rank", ogr.OFTInteger), ("score", ogr.OFTReal), ("strategy", ogr.OFTString),
                       ("predicted_class", ogr.OFTString), ("class_mix", ogr.OFTString)):
        layer.CreateField(ogr.FieldDefn(name, kind))
    for i in range(count):
        col, row = 8 + 28 * i, 8 + 24 * (i % 3)
        xa, ya = x0 + col * dx, y0 + row * dy
        ring = f"{xa} {ya}, {xa + 24 * dx} {ya}, {xa + 24 * dx} {ya + 24 * dy}, {xa} {ya + 24 * dy}, {xa} {ya}"
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POLYGON (({ring}))"))
        # ranks in reverse file order: the panel lists by rank, not by file order
        feature.SetField("rank", count - i)
        feature.SetField("score", 0.9 - 0.1 * (count - i))
        feature.SetField("strategy", "entropy")
        feature.SetField("predicted_class", "cloud")
        feature.SetField("class_mix", json.dumps({"cloud": 0.6, "clear": 0.3, "cloud shadow": 0.1}))
        layer.CreateFeature(feature)
    out = None
    return crop, path


@pytest.fixture
def dock(qgis_app, tmp_path):
    from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer
    from qgis.gui import QgsMapCanvas
    from deepmapper.ui.labelling_dock import LabellingDock
    crop, path = _suggestions(tmp_path)
    raster = QgsRasterLayer(str(crop), "chip")
    suggestions = QgsVectorLayer(str(path), "suggestions", "ogr")
    assert raster.isValid() and suggestions.isValid()
    QgsProject.instance().addMapLayers([raster, suggestions])
    canvas = QgsMapCanvas()
    canvas.resize(400, 400)
    canvas.setDestinationCrs(raster.crs())
    canvas.setLayers([raster])

    class Iface:  # the only part of QgisInterface the panel uses
        def mapCanvas(self):  # noqa: N802
            return canvas

    panel = LabellingDock(Iface())
    panel.image.setLayer(raster)
    panel.suggestions.setLayer(suggestions)
    panel.resize(420, 640)
    panel.show()
    yield panel, suggestions, canvas, path
    panel.close()
    QgsProject.instance().removeAllMapLayers()


def _statuses(path):
    from osgeo import ogr
    ds = ogr.Open(str(path))
    layer = ds.GetLayer(0)
    return {f.GetField("rank"): f.GetField("status") for f in layer}


def test_keys_mark_suggestions_in_the_status_field(dock):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest
    panel, layer, canvas, path = dock
    assert layer.fields().indexOf("status") < 0  # opening the panel changes no layer
    assert panel.list.count() == 4 and panel.progress.text() == "0 of 4 labelled"
    assert panel.list.item(0).text().startswith("#1 · score 0.80")  # sorted by rank
    assert "cloud 60 %, clear 30 %, cloud shadow 10 %" in panel.list.item(0).text()
    assert panel.list.currentRow() == 0
    first_extent = canvas.extent()
    QTest.keyClick(panel.list, Qt.Key_D)  # done, moves on to rank 2
    assert layer.fields().indexOf("status") >= 0  # added at the first mark
    assert panel.list.currentRow() == 1 and canvas.extent() != first_extent
    QTest.keyClick(panel.list, Qt.Key_S)  # rank 2 skipped
    QTest.keyClick(panel.list, Qt.Key_D)  # rank 3 done
    assert panel.progress.text() == "2 of 4 labelled, 1 skipped"
    assert _statuses(path) == {1: "done", 2: "skipped", 3: "done", 4: None}  # in the file, not only in memory
    QTest.keyClick(panel.list, Qt.Key_P)
    QTest.keyClick(panel.list, Qt.Key_P)
    assert panel.list.currentRow() == 1
    QTest.keyClick(panel.list, Qt.Key_D)  # changing one's mind: rank 2 now done
    QTest.keyClick(panel.list, Qt.Key_N)
    assert panel.list.currentRow() == 3
    assert _statuses(path) == {1: "done", 2: "done", 3: "done", 4: None}
    assert panel.progress.text() == "3 of 4 labelled" and "done" in panel.list.item(1).text()


def test_zoom_thumbnails_and_screenshots(dock, qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator
    panel, layer, canvas, _path = dock
    panel.list.setCurrentRow(2)
    feature = layer.getFeature(panel.fids[2])
    assert canvas.extent().contains(feature.geometry().boundingBox())
    zoomed = canvas.extent()
    assert min(zoomed.width(), zoomed.height()) < 2 * feature.geometry().boundingBox().width()  # zoomed in
    image = panel.list.item(0).icon().pixmap(96, 96).toImage()
    colours = {image.pixel(x, y) for x in range(0, 96, 8) for y in range(0, 96, 8)}
    assert len(colours) > 10, "the thumbnail shows the image, not a blank square"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert panel.grab().save(str(SCREENSHOTS / "labelling_dock_en.png"))
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "deepmapper_fr.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        from deepmapper.ui.labelling_dock import LabellingDock
        french = LabellingDock(panel.iface)
        french.image.setLayer(panel.image.currentLayer())
        french.suggestions.setLayer(layer)
        french.resize(420, 640)
        french.show()
        assert french.progress.text() == "0 sur 4 étiquetées"
        assert "nuage 60 %" in french.list.item(0).text()
        assert french.grab().save(str(SCREENSHOTS / "labelling_dock_fr.png"))
        french.close()
    finally:
        QCoreApplication.removeTranslator(translator)


def test_train_on_these_labels_in_the_background(dock, tmp_path):
    """'Train on these labels': extractpatches then trainmodel as background tasks, progress in the panel, the new
    model card reported; the suggestions layer's model_id preselects the start model when the layer has one."""
    import time
    from osgeo import gdal, ogr, osr
    from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
    from qgis.PyQt.QtCore import QCoreApplication
    panel, _layer, _canvas, _path = dock
    ds = gdal.Open(panel.image.currentLayer().source())
    x0, dx, _, y0, _, dy = ds.GetGeoTransform()
    path = tmp_path / "my_labels.gpkg"
    out = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = out.CreateLayer("my_labels", osr.SpatialReference(wkt=ds.GetProjection()), ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("class", ogr.OFTString))
    for name, (c0, r0) in {"cloud": (4, 4), "clear": (68, 68), "cloud ": (4, 68)}.items():
        xa, ya, xb, yb = x0 + c0 * dx, y0 + r0 * dy, x0 + (c0 + 56) * dx, y0 + (r0 + 56) * dy
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POLYGON (({xa} {ya}, {xb} {ya}, {xb} {yb}, {xa} {yb}, {xa} {ya}))"))
        feature.SetField("class", name.strip())
        layer.CreateFeature(feature)
    out = None
    labels = QgsVectorLayer(str(path), "my labels", "ogr")
    QgsProject.instance().addMapLayer(labels)
    panel.training_box.setCollapsed(False)
    assert panel.start_model.itemText(0) == "None (train from scratch)" and panel.start_model.currentData() == ""
    _layer.setCustomProperty("deepmapper/model_id", "landcover_s2")  # as a layer that names its model
    panel.set_layer(_layer)
    assert panel.start_model.currentData() == "landcover_s2"
    panel.start_model.setCurrentIndex(0)  # the land-cover model needs other bands than the cloud chip's
    panel.output_folder.setFilePath("")
    assert panel.train_on_labels() is None and "Choose your labels layer" in panel.train_status.text()
    panel.labels.setLayer(labels)
    assert panel.class_field.currentField() == "class"
    panel.patch_size.setValue(32)
    panel.epochs.setValue(1)
    panel.output_folder.setFilePath(str(tmp_path / "models"))
    seen = []
    run = panel.train_on_labels()
    run.progressChanged.connect(lambda percent, stage: seen.append((percent, stage)))
    result = []
    run.finished.connect(lambda ok, text: result.append((ok, text)))
    assert not panel.train_run_button.isEnabled()
    deadline = time.time() + 300
    while not result and time.time() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.05)
    assert result and result[0][0], (result, panel.train_status.text())
    card = tmp_path / "models" / "my_labels.json"
    assert result[0][1] == str(card) and card.exists() and (tmp_path / "models" / "my_labels_patches").is_dir()
    assert json.loads(card.read_text())["task"] == "segmentation"
    assert panel.train_status.text() == "New model: my_labels.json" and panel.train_status.toolTip() == str(card)
    assert panel.train_progress.value() == 100
    assert any(stage.startswith("Training") and percent >= 50 for percent, stage in seen)
    assert panel.train_run_button.isEnabled() and QgsApplication.taskManager().countActiveTasks() == 0
    panel.grab().save(str(SCREENSHOTS / "labelling_panel_trained.png"))


def test_menu_has_the_labelling_algorithms_beside_the_panel(qgis_app, monkeypatch):
    """Raster > DeepMapper: a Labelling submenu right after 'Labelling panel' opens the dialogs of suggestsamples,
    reviewlabels and findsimilar (all registered)."""
    from unittest import mock
    from qgis.core import QgsApplication
    from qgis.PyQt.QtWidgets import QMainWindow
    from deepmapper.plugin.main import DeepMapperPlugin
    iface, window, opened = mock.MagicMock(), QMainWindow(), []
    iface.mainWindow.return_value = window
    monkeypatch.setattr(DeepMapperPlugin, "initProcessing", lambda self: None)
    monkeypatch.setattr(DeepMapperPlugin, "_offer_install", lambda self: None)  # no install offer popping up later
    monkeypatch.setattr(DeepMapperPlugin, "_open_dialog", staticmethod(opened.append))
    plugin = DeepMapperPlugin(iface)
    plugin.initGui()
    added = [call.args[1] for call in iface.addPluginToRasterMenu.call_args_list]
    texts = [action.text() for action in added]
    panel = texts.index("Labelling panel")
    submenu = added[panel + 1].menu()
    assert texts[panel + 1] == "Labelling" and submenu is not None
    ids = [action.data() for action in submenu.actions()]
    assert ids == ["deepmapper:suggestsamples", "deepmapper:reviewlabels", "deepmapper:findsimilar"]
    assert all(QgsApplication.processingRegistry().algorithmById(alg) is not None for alg in ids)
    for action in submenu.actions():
        action.trigger()
    assert opened == ids
    plugin.unload()
    assert iface.removePluginRasterMenu.call_count == len(added)


def test_empty_panel_says_how_to_get_suggestions(qgis_app, monkeypatch):
    """No suggestions layer: the list area shows where suggestions come from and a button opening that dialog."""
    import processing
    from qgis.core import QgsProject
    from deepmapper.ui.labelling_dock import LabellingDock
    QgsProject.instance().removeAllMapLayers()
    opened = []
    monkeypatch.setattr(processing, "execAlgorithmDialog", lambda alg, params: opened.append(alg))
    panel = LabellingDock()
    panel.show()
    assert panel.layer is None and panel.pages.currentWidget() is not panel.list
    assert "Suggest where to label next" in panel.hint.text() and panel.hint.isVisible()
    panel.suggest_button.click()
    assert opened == ["deepmapper:suggestsamples"]
    panel.close()


def test_panel_with_suggestions_shows_the_list_not_the_hint(dock):
    panel = dock[0]
    assert panel.pages.currentWidget() is panel.list and not panel.hint.isVisible()


def test_the_panel_offers_only_suggestions_and_the_image_under_them(qgis_app, tmp_path):
    """A new user's session: opening the panel picked the training polygons as 'Suggestions' (and added a status
    field to their GeoPackage on disk), and another scene or the one-band uncertainty map as 'Image'."""
    from osgeo import gdal, ogr
    from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer
    from deepmapper.ui.labelling_dock import LabellingDock
    QgsProject.instance().removeAllMapLayers()
    crop, path = _suggestions(tmp_path)
    elsewhere = tmp_path / "elsewhere.tif"
    gdal.Translate(str(elsewhere), str(crop), srcWin=[0, 0, 16, 16])  # a small scene that does not cover them
    uncertainty = tmp_path / "uncertainty.tif"
    gdal.Translate(str(uncertainty), str(crop), bandList=[1])  # one band on the same grid
    labels = tmp_path / "labels.gpkg"
    gdal.VectorTranslate(str(labels), str(path), options="-select predicted_class")
    layers = [QgsRasterLayer(str(uncertainty), "uncertainty"), QgsRasterLayer(str(elsewhere), "elsewhere"),
              QgsRasterLayer(str(crop), "chip"), QgsVectorLayer(str(path), "suggestions", "ogr"),
              QgsVectorLayer(str(labels), "training labels", "ogr")]
    assert all(layer.isValid() for layer in layers)
    QgsProject.instance().addMapLayers(layers)
    panel = LabellingDock()
    try:
        assert panel.suggestions.currentLayer() is layers[3]
        offered = [panel.suggestions.layer(i) for i in range(panel.suggestions.count())]
        assert layers[4] not in offered
        assert panel.image.currentLayer() is layers[2]  # the chip, not the uncertainty map or the other scene
        for gpkg in (path, labels):
            source = ogr.Open(str(gpkg))  # kept while its layer is read
            fields = [d.GetName() for d in source.GetLayer(0).schema]
            assert "status" not in fields, gpkg.name
            source = None
        QgsProject.instance().removeMapLayer(layers[3].id())
        assert panel.suggestions.currentLayer() is None
        again = QgsVectorLayer(str(path), "suggestions again", "ogr")
        QgsProject.instance().addMapLayer(again)  # e.g. suggestsamples run while the panel is open
        assert panel.suggestions.currentLayer() is again and panel.list.count() == 4
    finally:
        panel.close()
        QgsProject.instance().removeAllMapLayers()


def test_without_suggestions_the_panel_shows_the_scene_and_a_model_folder(qgis_app, tmp_path):
    """A verification session: with no suggestions yet the Image was the first raster (a cloud mask made from the
    scene), and 'Train on these labels' on a fresh profile said 'Choose an output folder first'."""
    from osgeo import gdal
    from qgis.core import QgsProject, QgsRasterLayer
    from deepmapper.plugin.settings import Settings
    from deepmapper.ui.labelling_dock import LabellingDock
    QgsProject.instance().removeAllMapLayers()
    crop, _path = _suggestions(tmp_path)
    mask = tmp_path / "mask.tif"
    gdal.Translate(str(mask), str(crop), bandList=[1])
    layers = [QgsRasterLayer(str(mask), "Cloud mask"), QgsRasterLayer(str(crop), "scene")]
    QgsProject.instance().addMapLayers(layers)
    panel = LabellingDock()
    try:
        assert panel.layer is None and panel.image.currentLayer() is layers[1]
        assert panel.output_folder.filePath() == Settings.load().save_folder != ""
    finally:
        panel.close()
        QgsProject.instance().removeAllMapLayers()
