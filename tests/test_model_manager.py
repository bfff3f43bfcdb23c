"""Model manager (ui/model_manager.py, ui/card_editor.py), downloads (models/download.py), deepmapper:listmodels and
the MODEL dropdown (plugin/algorithms/model_widget.py): listing, importing a user ONNX model and segmenting with it,
downloads with a wrong and a right SHA-256, resume over file:// and HTTP Range, offline, removal, dropdown contents."""
from __future__ import annotations

import hashlib
import http.server
import json
import os
import threading

import pytest

from conftest import ROOT, data_file

SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"


@pytest.fixture
def user_folder(qgis_app, tmp_path):
    """QgsSettings in a temporary folder with one user model folder and a download cache."""
    from qgis.core import QgsApplication, QgsSettings
    from qgis.PyQt.QtCore import QSettings
    from deepmapper.plugin.settings import Settings
    old = os.path.dirname(QgsSettings().fileName())
    for fmt in (QSettings.IniFormat, QSettings.NativeFormat):
        QSettings.setPath(fmt, QSettings.UserScope, str(tmp_path / "settings"))
    folder = tmp_path / "my models"
    Settings(model_folders=[str(folder)], cache_folder=str(tmp_path / "cache")).save()
    yield folder
    for fmt in (QSettings.IniFormat, QSettings.NativeFormat):
        QSettings.setPath(fmt, QSettings.UserScope, old)
    QgsApplication.processingRegistry().providerById("deepmapper").refreshAlgorithms()


def _shot(widget, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SCREENSHOTS / name))


def _tiny_onnx(tmp_path):
    """A 1-band, 2-class fully convolutional ONNX model: class 1 where the 3x3 mean is above 0."""
    pytest.importorskip("onnx", reason="torch.onnx.export needs the onnx package (requirements/test.txt)")
    import torch
    net = torch.nn.Conv2d(1, 2, 3, padding=1, padding_mode="reflect")
    with torch.no_grad():
        net.weight.zero_()
        net.weight[1] = 1.0 / 9.0
        net.bias.zero_()
    path = tmp_path / "tiny.onnx"
    torch.onnx.export(net.eval(), torch.zeros(1, 1, 32, 32), str(path), dynamo=False, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {0: "n", 2: "h", 3: "w"}, "y": {0: "n", 2: "h", 3: "w"}})
    return path


def _downloadable_card(folder, weights_bytes: bytes, url: str, sha: str | None = None):
    """A user card (copy of buildings) whose weights are not there but have a weights_url."""
    card = json.loads((ROOT / "models" / "cards" / "buildings.json").read_text())
    card.update(id="dl_model", name="Downloadable buildings", weights="dl_model.pt", weights_url=url,
                sha256=sha or hashlib.sha256(weights_bytes).hexdigest())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dl_model.json").write_text(json.dumps(card))
    return card


def test_listing_shows_bundled_models_with_licence_and_scores(user_folder):
    from deepmapper.ui.model_manager import COLUMNS, ModelManagerDialog
    dialog = ModelManagerDialog()
    rows = {e.id: e for e in dialog.entries}
    assert {"buildings", "landcover_s2", "s2_superres_guided"} <= set(rows)
    assert rows["buildings"].license.startswith("CC-BY-SA-4.0") and rows["buildings"].source == "bundled"
    assert "OA 0.938" in rows["buildings"].scores and "PSNR" in rows["s2_superres_guided"].scores
    # a near-perfect score keeps a fourth decimal and the size of its check (read as 'OA 1, kappa 1' before)
    assert "validation (32,455 px): OA 0.9999, kappa 0.9999" in rows["landcover_s2"].scores, rows["landcover_s2"]
    assert rows["buildings"].status == "installed" and rows["buildings"].size_bytes > 100_000
    row = [e.id for e in dialog.entries].index("buildings")
    column = {key: c for c, key in enumerate(COLUMNS)}
    assert dialog.table.item(row, column["license"]).text() == rows["buildings"].license
    assert dialog.table.item(row, column["scores"]).text().startswith("validation (")
    assert dialog.table.item(row, column["status"]).text() == "Installed"
    dialog.table.selectRow(row)
    assert "building" in dialog.card_view.toPlainText() and "0.5 m" in dialog.card_view.toPlainText()
    assert not dialog.remove_button.isEnabled()  # bundled: never removable
    dialog.show()
    _shot(dialog, "model_manager.png")


def test_import_user_onnx_model_then_segment_with_it(user_folder, tmp_path):
    import processing
    import rasterio
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback
    from deepmapper.ui.card_editor import CardEditorDialog
    from deepmapper.ui.model_manager import ModelManagerDialog
    pan = data_file("buildings/atlanta_pan_050cm.tif")
    weights = _tiny_onnx(tmp_path)
    dialog = ModelManagerDialog()
    editor = CardEditorDialog(str(weights), str(user_folder), dialog)
    assert editor.format.currentText() == "onnx" and editor.id.text() == "tiny"
    editor.bands.setText("pan")
    editor.units.setCurrentText("any")
    editor.mean.setText("500")
    editor.std.setText("0")  # refused exactly as the engine refuses it
    editor.accept()
    assert "normalization.std must not contain 0" in editor.error.text()
    assert not (user_folder / "tiny.json").exists()
    editor.std.setText("300")
    editor.id.setText("my_tiny")
    editor.name.setText("My tiny model")
    editor.set_classes([{"id": 0, "name": "background", "color": "#000000"},
                        {"id": 1, "name": "bright", "color": "#ff0000"}])
    editor.resolution.setValue(0.5)
    editor.show()
    _shot(editor, "model_import_card_editor.png")
    assert dialog.import_model(str(weights), editor=_Accepting(editor)) == str(user_folder / "my_tiny.json")
    assert (user_folder / "my_tiny.onnx").read_bytes() == weights.read_bytes()
    assert "my_tiny" in [e.id for e in dialog.entries] and dialog.selected_id() == "my_tiny"

    result = processing.run("deepmapper:segment", {"INPUT": str(pan), "MODEL": "my_tiny", "DEVICE": "cpu",
                                                   "OUTPUT": str(tmp_path / "by_id.tif")},
                            context=QgsProcessingContext(), feedback=QgsProcessingFeedback())
    assert result["MODEL_ID"] == "my_tiny"
    with rasterio.open(result["OUTPUT"]) as src, rasterio.open(pan) as ref:
        classes, values = src.read(1), ref.read(1).astype(float)
    assert set(map(int, (classes[classes != 255]).ravel()[:100000])) <= {0, 1}
    bright = values > 600
    assert (classes[bright] == 1).mean() > 0.8 and (classes[values < 400] == 0).mean() > 0.8
    by_path = processing.run("deepmapper:segment", {"INPUT": str(pan), "MODEL": str(user_folder / "my_tiny.json"),
                                                    "DEVICE": "cpu", "OUTPUT": str(tmp_path / "by_path.tif")},
                             context=QgsProcessingContext(), feedback=QgsProcessingFeedback())
    assert by_path["MODEL_ID"] == "my_tiny"


class _Accepting:
    """Stands in for exec_(): presses Import on an already filled editor."""

    def __init__(self, editor) -> None:
        self.editor = editor

    def exec_(self):
        from qgis.PyQt.QtWidgets import QDialog
        self.editor.accept()
        return QDialog.Accepted if self.editor.installed else QDialog.Rejected

    def __getattr__(self, name):
        return getattr(self.editor, name)


def test_download_wrong_sha_refused_right_sha_installed(user_folder, tmp_path):
    from deepmapper.ui.model_manager import ModelManagerDialog
    payload = os.urandom(300_000)
    source = tmp_path / "served.pt"
    source.write_bytes(payload)
    _downloadable_card(user_folder, payload, source.as_uri(), sha="0" * 64)
    dialog = ModelManagerDialog()
    dialog.table.selectRow([e.id for e in dialog.entries].index("dl_model"))
    assert dialog.selected_entry().status == "downloadable" and dialog.download_button.isEnabled()
    dialog.download_selected(wait=True)
    target = tmp_path / "cache" / "dl_model" / "dl_model.pt"
    assert "does not match the SHA-256" in dialog.status.text()
    assert not target.exists() and not target.with_name("dl_model.pt.part").exists()
    dialog.show()
    _shot(dialog, "model_manager_download_refused.png")

    _downloadable_card(user_folder, payload, source.as_uri())
    dialog.refresh(select="dl_model")
    dialog.download_selected(wait=True)
    assert target.read_bytes() == payload
    assert dialog.selected_entry().status == "installed", dialog.status.text()
    assert "downloaded and verified" in dialog.status.text()


def test_download_resumes_a_partial_file(tmp_path):
    """The .part holds the first half of the right file; the source now has garbage in its first half: only a
    download that really continues at the .part's end gives the right SHA-256."""
    from deepmapper.models.download import download
    from deepmapper.plugin.core.engine.progress import Monitor
    right = os.urandom(200_000)
    served = tmp_path / "served.bin"
    served.write_bytes(b"x" * 100_000 + right[100_000:])
    target = tmp_path / "out" / "weights.bin"
    target.parent.mkdir()
    target.with_name("weights.bin.part").write_bytes(right[:100_000])
    log = []
    download(served.as_uri(), target, hashlib.sha256(right).hexdigest(), Monitor(log=log.append))
    assert target.read_bytes() == right and "Resuming" in log[0]


class _RangeHandler(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):  # noqa: N802
        start = int(self.headers["Range"].split("=")[1].rstrip("-")) if self.headers.get("Range") else 0
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(self.body) - start))
        self.end_headers()
        self.wfile.write(self.body[start:])

    def log_message(self, *args):
        pass


def test_download_over_http_resumes_with_range_and_offline_is_explained(tmp_path):
    from deepmapper.models.download import download
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    right = os.urandom(150_000)
    _RangeHandler.body = b"y" * 50_000 + right[50_000:]  # only a Range request from byte 50000 gives `right`
    server = http.server.HTTPServer(("127.0.0.1", 0), _RangeHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        target = tmp_path / "w.bin"
        target.with_name("w.bin.part").write_bytes(right[:50_000])
        url = f"http://127.0.0.1:{server.server_port}/w.bin"
        download(url, target, hashlib.sha256(right).hexdigest())
        assert target.read_bytes() == right
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(DeepMapperError, match="offline"):
        download(url, tmp_path / "again.bin", hashlib.sha256(right).hexdigest(), timeout=2)


def test_remove_user_model_but_never_a_bundled_one(user_folder, tmp_path):
    from deepmapper.models.catalog import install_model
    from deepmapper.ui.model_manager import ModelManagerDialog
    weights = tmp_path / "w.pt"
    weights.write_bytes(b"weights")
    card = json.loads((ROOT / "models" / "cards" / "buildings.json").read_text())
    install_model(dict(card, id="mine", name="Mine"), weights, user_folder)
    answers = []
    dialog = ModelManagerDialog(ask=lambda title, text: answers.append(text) or len(answers) > 1)
    dialog.table.selectRow([e.id for e in dialog.entries].index("mine"))
    assert dialog.remove_button.isEnabled()
    assert not dialog.remove_selected() and (user_folder / "mine.json").exists()  # answered No
    assert dialog.remove_selected()  # answered Yes
    assert not (user_folder / "mine.json").exists() and not (user_folder / "mine.pt").exists()
    assert "mine" not in [e.id for e in dialog.entries] and "Mine" in answers[0]
    with pytest.raises(Exception, match="cannot be removed"):
        dialog.registry.remove("buildings")
    assert (ROOT / "models" / "cards" / "buildings.json").exists()


def test_model_dropdown_lists_the_models_that_fit(user_folder, tmp_path):
    from qgis.core import QgsApplication
    from qgis.PyQt.QtWidgets import QWidget
    from processing.gui.wrappers import WidgetWrapperFactory
    from deepmapper.models.catalog import install_model
    from deepmapper.plugin.algorithms.model_widget import ModelWidgetWrapper
    weights = tmp_path / "w.pt"
    weights.write_bytes(b"weights")
    card = json.loads((ROOT / "models" / "cards" / "buildings.json").read_text())
    install_model(dict(card, id="user_seg", name="User buildings"), weights, user_folder)
    registry = QgsApplication.processingRegistry()
    expected = {"deepmapper:cloudmask": ("MODEL", {"ukis_csmask_4b_l1c", "ukis_csmask_6b_l2a", "s2cloudless"},
                                         {"buildings", "s2_superres_single"}),
                "deepmapper:segment": ("MODEL", {"buildings", "landcover_s2", "user_seg"}, {"s2cloudless"}),
                "deepmapper:superresolve": ("MODEL", {"s2_superres_guided", "s2_superres_single"}, {"buildings"}),
                # the ONNX cloud models can be fine-tuned too (onnx2torch); super-resolution nets and the LightGBM
                # pixel classifier cannot
                "deepmapper:trainmodel": ("INIT_MODEL", {"buildings", "landcover_s2", "user_seg", "ukis_csmask_4b_l1c"},
                                          {"s2cloudless", "s2_superres_single"})}
    parent = QWidget()
    for alg_id, (name, present, absent) in expected.items():
        alg = registry.createAlgorithmById(alg_id)
        param = alg.parameterDefinition(name)
        assert param.type() == "string"
        wrapper = WidgetWrapperFactory.create_wrapper(param, parent)
        assert isinstance(wrapper, ModelWidgetWrapper), alg_id
        ids = [wrapper.combo.itemData(i) for i in range(wrapper.combo.count())]
        empty = "None (train from scratch)" if name == "INIT_MODEL" else "Best for this image"
        assert ids[0] == "" and wrapper.combo.itemText(0) == empty and wrapper.value() == ""
        assert present <= set(ids) and not absent & set(ids), (alg_id, ids)
        label = wrapper.combo.itemText(ids.index(sorted(present)[0]))
        assert label.endswith(f"({sorted(present)[0]})")
        wrapper.setValue(sorted(present)[0])
        assert wrapper.value() == sorted(present)[0]
        wrapper.combo.setEditText("/data/cards/other.json")  # a typed card path stays the value
        assert wrapper.value() == "/data/cards/other.json"
    alg = registry.createAlgorithmById("deepmapper:segment")
    wrapper = WidgetWrapperFactory.create_wrapper(alg.parameterDefinition("MODEL"), parent)
    wrapper.setValue("landcover_s2")
    wrapper.widget.setMinimumWidth(520)
    _shot(wrapper.widget, "model_dropdown_segment.png")


def test_listmodels_algorithm(user_folder, tmp_path):
    import processing
    result = processing.run("deepmapper:listmodels", {"TASK": "superresolution",
                                                       "OUTPUT": str(tmp_path / "models.csv")})
    models = json.loads(result["MODELS"])
    assert result["COUNT"] == 2 and {m["id"] for m in models} == {"s2_superres_guided", "s2_superres_single"}
    assert all(m["task"] == "superresolution" and m["license"] for m in models)
    table = (tmp_path / "models.csv").read_text()
    assert "s2_superres_guided" in table and "PSNR" in table
    everything = processing.run("deepmapper:listmodels", {})
    assert {"buildings", "ukis_csmask_6b_l1c", "s2cloudless"} <= set(everything["IDS"].split(","))


def test_ukis_cards_have_their_sensor_and_measured_scores(user_folder):
    """The UKIS rows show their sensor preset and the chip's per-class F1 (README), and the card says the data."""
    from deepmapper.ui.model_manager import ModelManagerDialog
    dialog = ModelManagerDialog()
    rows = {e.id: e for e in dialog.entries}
    assert {rows[f"ukis_csmask_{k}"].sensor for k in ("6b_l1c", "4b_l1c")} == {"sentinel2_l1c"}
    assert {rows[f"ukis_csmask_{k}"].sensor for k in ("6b_l2a", "4b_l2a")} == {"sentinel2_l2a"}
    assert rows["ukis_csmask_6b_l1c"].scores == "s2 cloud chip: cloud F1 0.864, cloud shadow F1 0.826"
    assert rows["ukis_csmask_4b_l1c"].scores == "s2 cloud chip: cloud F1 0.900, cloud shadow F1 0.843"
    dialog.table.selectRow([e.id for e in dialog.entries].index("ukis_csmask_6b_l1c"))
    text = dialog.card_view.toPlainText()
    assert "cloud F1 0.864" in text and "s2_cloud_chip.tif" in text
    assert dialog.card_view.toHtml().count("data:image/png") == 3  # one swatch per class


def test_white_swatch_has_a_grey_border(qgis_app):
    from qgis.PyQt.QtCore import QByteArray
    from qgis.PyQt.QtGui import QColor, QImage
    from deepmapper.ui.card_editor import swatch
    image = QImage.fromData(QByteArray.fromBase64(swatch("#ffffff").split(",", 1)[1].encode()), "PNG")
    assert QColor(image.pixel(0, 0)).name() == "#808080" and QColor(image.pixel(9, 6)).name() == "#ffffff"


def test_dialog_fits_the_screen_and_the_last_column_shows(user_folder):
    """At most 90 % of the available screen; columns shrink (elided in the middle) so the scores column stays in
    view and stretches."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QGuiApplication
    from deepmapper.ui.model_manager import MIN_COLUMN, MIN_LAST, ModelManagerDialog
    screen = QGuiApplication.primaryScreen().availableGeometry()
    dialog = ModelManagerDialog()
    dialog.show()
    assert dialog.width() <= 0.9 * screen.width() and dialog.height() <= 0.9 * screen.height()
    table, header = dialog.table, dialog.table.horizontalHeader()
    assert table.textElideMode() == Qt.ElideMiddle and header.stretchLastSection()
    widths = [header.sectionSize(c) for c in range(table.columnCount())]
    assert sum(widths[:-1]) + MIN_LAST <= table.viewport().width() or max(widths[:-1]) == MIN_COLUMN
    dialog.resize(1200, 600)  # wider: columns grow back towards their natural widths, the last one stretches
    wide = [header.sectionSize(c) for c in range(table.columnCount())]
    assert sum(wide[:-1]) >= sum(widths[:-1]) and sum(wide) >= table.viewport().width() - 2
    dialog.close()


def test_model_details_in_french_words(user_folder):
    """French: the table and the card say Mo and words (Masque de nuages, réflectance, L1C (sommet ...), recouvrements
    ...), not the card's raw keys."""
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator
    from deepmapper.ui.model_manager import COLUMNS, ModelManagerDialog, size_text
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "deepmapper_fr.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        assert size_text(39_600_000).endswith(" Mo")
        dialog = ModelManagerDialog()
        dialog.table.selectRow([e.id for e in dialog.entries].index("ukis_csmask_6b_l1c"))
        lines = dialog.card_view.toPlainText().splitlines()
        value = {label: lines[i + 1] for i, label in enumerate(lines[:-1])}  # label line, then its value line
        assert value["Tâche"] == "Masque de nuages" and value["Unités"] == "réflectance (0..1)"
        assert value["Niveau de produit"] == "L1C (sommet de l'atmosphère)"
        assert value["Tuilage"].endswith("recouvrements fondus") and "1 nuage" in value["Classes"]
        row = [e.id for e in dialog.entries].index("ukis_csmask_6b_l1c")
        assert dialog.table.item(row, COLUMNS.index("size_bytes")).text().endswith(" Mo") and \
            dialog.table.item(row, COLUMNS.index("task")).text() == \
            "Masque de nuages"
    finally:
        QCoreApplication.removeTranslator(translator)
