"""Labelling panel for the active-learning loop: walk through the places deepmapper:suggestsamples proposes, look at
each (thumbnail, score, predicted classes, the map zoomed on it), draw labels there in your own layer, mark it done
or skipped (D, S; N and P move), and start patch extraction for training when enough are labelled, or train on the
labels in the background (extract patches, then train, starting from the suggestions' model: label_training.py).

The suggestions layer is the documented output of deepmapper:suggestsamples: one square polygon per suggestion with
the fields rank, score, strategy, predicted_class and class_mix (JSON: class -> share); only such layers are offered
under Suggestions, and the image is the project's raster that covers them (a multi-band one before a one-band
uncertainty map). The panel keeps the state in a text field `status` of that layer ('done', 'skipped' or empty), added
at the first Done or Skip, so it survives sessions; opening the panel changes no layer.
"""
from __future__ import annotations

import json
import os

from qgis.core import (QgsCoordinateTransform, QgsFeatureRequest, QgsField, QgsMapLayerProxyModel,
                       QgsMapRendererSequentialJob, QgsMapSettings, QgsProject, QgsRasterLayer, QgsRectangle,
                       QgsVectorLayer)
from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget, QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QVariant
from qgis.PyQt.QtGui import QColor, QIcon, QPixmap
from qgis.PyQt.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                                 QProgressBar, QPushButton, QSpinBox, QStackedWidget, QVBoxLayout,
                                 QWidget)

from ..plugin.algorithms.labels import class_label
from ..plugin.algorithms.model_choice import TRAINABLE_FORMATS, model_choices
from ..plugin.settings import Settings
from .label_training import LabelTraining, output_paths

STATUS_FIELD = "status"
SUGGESTION_FIELDS = ("rank", "score", "strategy")  # what makes a polygon layer a suggestions layer
MODEL_FIELDS = ("model_id", "model")  # where a suggestions layer may name the model it came from
INIT_TASKS = ("segmentation", "cloudmask", "pretrained")  # what trainmodel's INIT_MODEL offers
DONE, SKIPPED = "done", "skipped"
THUMBNAIL = 96  # pixels
KEYS = {Qt.Key_D: "done", Qt.Key_S: "skip", Qt.Key_N: "next", Qt.Key_P: "previous"}


def tr(text: str) -> str:
    return QCoreApplication.translate("DeepMapper", text)


class _Keys(QObject):
    """D, S, N, P on the list (or anywhere in the panel) act like the buttons."""

    def __init__(self, dock: "LabellingDock") -> None:
        super().__init__(dock)
        self.dock = dock

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.KeyPress and event.modifiers() in (Qt.NoModifier, Qt.KeypadModifier) and \
                event.key() in KEYS:
            getattr(self.dock, KEYS[event.key()])()
            return True
        return False


class LabellingDock(QgsDockWidget):
    """The panel. `iface` needs mapCanvas() (zooming) only; without a canvas the panel still marks and counts."""

    def __init__(self, iface=None, parent=None) -> None:
        super().__init__(tr("DeepMapper labelling"), parent)
        self.setObjectName("DeepMapperLabellingDock")
        self.iface = iface
        self.layer: QgsVectorLayer | None = None
        self.fids: list[int] = []
        body = QWidget()
        layout = QVBoxLayout(body)
        form = QFormLayout()
        self.suggestions = QgsMapLayerComboBox()
        self.suggestions.setFilters(QgsMapLayerProxyModel.PolygonLayer)
        self.suggestions.setAllowEmptyLayer(True)  # none rather than someone's own polygons
        self.image = QgsMapLayerComboBox()
        self.image.setFilters(QgsMapLayerProxyModel.RasterLayer)
        self.labels = QgsMapLayerComboBox()
        self.labels.setFilters(QgsMapLayerProxyModel.PolygonLayer | QgsMapLayerProxyModel.PointLayer)
        self.labels.setAllowEmptyLayer(True)  # the user picks the layer they draw in; never the suggestions
        self.labels.setLayer(None)
        form.addRow(tr("Suggestions"), self.suggestions)
        form.addRow(tr("Image"), self.image)
        form.addRow(tr("Your labels"), self.labels)
        layout.addLayout(form)
        self.list = QListWidget()
        self.list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.list.setSpacing(2)
        self.list.setWordWrap(True)
        self.pages = QStackedWidget()  # the list, or a hint on how to get suggestions when there are none
        self.pages.addWidget(self.list)
        self.pages.addWidget(self._hint())
        layout.addWidget(self.pages, 1)
        self.progress = QLabel()
        layout.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.done_button = QPushButton(tr("Done (D)"))
        self.skip_button = QPushButton(tr("Skip (S)"))
        self.previous_button = QPushButton(tr("Previous (P)"))
        self.next_button = QPushButton(tr("Next (N)"))
        for button in (self.done_button, self.skip_button, self.previous_button, self.next_button):
            button.setFocusPolicy(Qt.NoFocus)  # the keys keep going to the list
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.train_button = QPushButton(tr("Extract patches for training…"))
        self.train_button.setToolTip(tr("Opens 'Extract training patches' with the image and your labels; then "
                                        "'Train model' on the dataset it writes."))
        layout.addWidget(self.train_button)
        layout.addWidget(self._training_box())
        self.setWidget(body)
        self.done_button.clicked.connect(self.done)
        self.skip_button.clicked.connect(self.skip)
        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.train_button.clicked.connect(self.open_training)
        self.suggestions.layerChanged.connect(self.set_layer)
        self.labels.layerChanged.connect(self._labels_changed)
        self.image.layerChanged.connect(lambda _layer: self.reload())
        self.list.currentRowChanged.connect(self._zoom)
        self._keys = _Keys(self)
        for widget in (self.list, body):
            widget.installEventFilter(self._keys)
        QgsProject.instance().layersAdded.connect(self._layers_added)
        self._offer_suggestion_layers()
        found = [layer for layer in QgsProject.instance().mapLayers().values() if is_suggestions(layer)]
        self.suggestions.setLayer(found[-1] if found else None)
        self.set_layer(self.suggestions.currentLayer())

    def _offer_suggestion_layers(self) -> None:
        """Only suggestions layers under Suggestions: the user's own polygons (training labels) are left out."""
        self.suggestions.setExceptedLayerList([layer for layer in QgsProject.instance().mapLayers().values()
                                               if isinstance(layer, QgsVectorLayer) and not is_suggestions(layer)])

    def _layers_added(self, layers) -> None:
        """New layers: offer new suggestions layers, and show one at once when none is shown (a run of suggestsamples
        while the panel is open)."""
        self._offer_suggestion_layers()
        new = [layer for layer in layers if is_suggestions(layer)]
        if new and self.layer is None:
            self.suggestions.setLayer(new[-1])

    def _hint(self) -> QWidget:
        """Shown instead of the empty list: where the suggestions come from, and a button that starts it."""
        page = QWidget()
        column = QVBoxLayout(page)
        self.hint = QLabel(tr("No suggestions to label yet. Run 'Suggest where to label next' (Raster > DeepMapper > "
                              "Labelling) on your image, then choose its layer under Suggestions above."))
        self.hint.setWordWrap(True)
        self.suggest_button = QPushButton(tr("Suggest where to label next…"))
        self.suggest_button.clicked.connect(self.open_suggest)
        column.addWidget(self.hint)
        column.addWidget(self.suggest_button, 0, Qt.AlignLeft)
        column.addStretch(1)
        return page

    def open_suggest(self) -> None:
        """Processing's 'Suggest samples' dialog, with the panel's image filled in."""
        import processing
        image = self.image.currentLayer()
        processing.execAlgorithmDialog("deepmapper:suggestsamples", {"INPUT": image.id()} if image is not None else {})

    def _training_box(self) -> QGroupBox:
        """Collapsed until wanted, so that the list of suggestions keeps the room."""
        box = QgsCollapsibleGroupBox(tr("Train on these labels"))
        box.setCollapsed(True)
        self.training_box = box
        form = QFormLayout(box)
        self.class_field = QgsFieldComboBox()
        self.start_model = QComboBox()
        self.start_model.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.start_model.setMinimumContentsLength(16)
        self.start_model.addItem(tr("None (train from scratch)"), "")
        for label, model_id, tip in model_choices(INIT_TASKS, TRAINABLE_FORMATS):
            # the id first: in a narrow panel 'UKIS cloud and shadow U-...' hid which of four models it was
            self.start_model.addItem(model_id, model_id)
            self.start_model.setItemData(self.start_model.count() - 1, f"{label}\n{tip}", Qt.ToolTipRole)
        self.patch_size = QSpinBox()
        self.patch_size.setRange(8, 1024)
        self.patch_size.setValue(128)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 1000)
        self.epochs.setValue(30)
        self.output_folder = QgsFileWidget()
        self.output_folder.setStorageMode(QgsFileWidget.GetDirectory)
        self.output_folder.setFilePath(Settings.load().save_folder)  # as trainmodel's: never empty
        self.output_folder.setToolTip(tr("The patch dataset and the new model go here (default: the model folder "
                                         "of the DeepMapper settings, where models are found by their id)."))
        form.addRow(tr("Class field"), self.class_field)
        form.addRow(tr("Start from model"), self.start_model)
        form.addRow(tr("Patch size (pixels)"), self.patch_size)
        form.addRow(tr("Epochs"), self.epochs)
        form.addRow(tr("Output folder"), self.output_folder)
        self.train_run_button = QPushButton(tr("Train on these labels"))
        self.train_run_button.setToolTip(tr("In the background: extract training patches from the image and your "
                                            "labels, then train a model on them."))
        self.train_run_button.clicked.connect(self.train_on_labels)
        self.train_progress = QProgressBar()
        self.train_progress.setRange(0, 100)
        self.train_status = QLabel()
        self.train_status.setWordWrap(True)
        self.train_status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form.addRow(self.train_run_button)
        form.addRow(self.train_progress)
        form.addRow(self.train_status)
        self.training: LabelTraining | None = None
        return box

    def _labels_changed(self, layer) -> None:
        self.class_field.setLayer(layer)
        if layer is not None and layer.fields().indexOf("class") >= 0:
            self.class_field.setField("class")

    def _suggestions_model(self) -> str:
        """The id of the model the suggestions came from, when the layer names it ('' when not)."""
        if self.layer is None:
            return ""
        for name in MODEL_FIELDS:
            if self.layer.fields().indexOf(name) >= 0:
                for feature in self.layer.getFeatures(QgsFeatureRequest().setLimit(1)):
                    return str(feature[name] or "")
        return str(self.layer.customProperty("deepmapper/model_id", "") or "")

    def train_on_labels(self) -> LabelTraining | None:
        """Start extractpatches + trainmodel in the background; returns the run (None, with the reason shown, when
        something is missing)."""
        image, labels = self.image.currentLayer(), self.labels.currentLayer()
        folder = self.output_folder.filePath().strip()
        needed = ((tr("an image"), image is not None), (tr("your labels layer"), labels is not None),
                  (tr("a class field"), bool(self.class_field.currentField())), (tr("an output folder"), bool(folder)))
        missing = [text for text, ok in needed if not ok]
        if missing:
            self.train_status.setText(tr("Choose {} first.").format(", ".join(missing)))
            return None
        if self.training is not None and self.training.running:
            return self.training
        os.makedirs(folder, exist_ok=True)
        dataset, card = output_paths(folder, labels.name())
        extract = {"INPUT": image.source(), "LABELS": labels.source(), "CLASS_FIELD": self.class_field.currentField(),
                   "PATCH_SIZE": self.patch_size.value(), "OUTPUT": dataset}
        train = {"EPOCHS": self.epochs.value(), "INIT_MODEL": self.start_model.currentData() or "",
                 "OUTPUT_MODEL": card}
        self.training = LabelTraining(extract, train, self)
        self.training.progressChanged.connect(self._training_progress)
        self.training.finished.connect(self._training_finished)
        self.train_run_button.setEnabled(False)
        self.training.start()
        return self.training

    def _training_progress(self, percent: float, stage: str) -> None:
        self.train_progress.setValue(int(percent))
        self.train_status.setText(stage)

    def _training_finished(self, ok: bool, text: str) -> None:
        self.train_run_button.setEnabled(True)
        self.train_status.setText(tr("New model: {}").format(os.path.basename(text)) if ok else text)
        self.train_status.setToolTip(text)

    # -- loading ----------------------------------------------------------------------------------------------------
    def set_layer(self, layer) -> None:
        """Show the suggestions of `layer`, over the raster that covers them (image_for)."""
        self.layer = layer if isinstance(layer, QgsVectorLayer) and layer.isValid() else None
        if self.layer is not None:  # removed from the project: forget it before another combo box reloads the list
            layer_id = self.layer.id()
            self.layer.willBeDeleted.connect(lambda: self._forget(layer_id))
        image = image_for(self.layer)  # without suggestions: the scene, not a class map made from it
        if image is not None and image is not self.image.currentLayer():
            self.image.blockSignals(True)  # one reload below, not two
            self.image.setLayer(image)
            self.image.blockSignals(False)
        model_id = self._suggestions_model()
        index = self.start_model.findData(model_id) if model_id else -1
        if index >= 0:
            self.start_model.setCurrentIndex(index)
        self.reload()

    def _forget(self, layer_id: str) -> None:
        if self.layer is not None and self.layer.id() == layer_id:
            self.layer = None

    def reload(self) -> None:
        row = max(self.list.currentRow(), 0)
        self.list.blockSignals(True)
        self.list.clear()
        self.fids = []
        if self.layer is not None:
            fields = self.layer.fields()
            rank_field = "rank" if fields.indexOf("rank") >= 0 else None
            features = sorted(self.layer.getFeatures(QgsFeatureRequest()),
                              key=lambda f: (_number(f[rank_field]) if rank_field else 0, f.id()))
            for feature in features:
                self.fids.append(feature.id())
                item = QListWidgetItem(self._describe(feature))
                item.setIcon(QIcon(self._thumbnail(feature)))
                self.list.addItem(item)
        self.list.blockSignals(False)
        if self.fids:
            self.list.setCurrentRow(min(row, len(self.fids) - 1))
        self.pages.setCurrentIndex(0 if self.fids else 1)
        self._update_progress()

    def _describe(self, feature) -> str:
        names = feature.fields().names()
        value = (lambda name: feature[name] if name in names and feature[name] not in (None, "") else None)
        rank, score = value("rank"), value("score")
        head = tr("#{} · score {}").format(rank if rank is not None else feature.id(),
                                           f"{float(score):.2f}" if score is not None else "–")
        classes = _class_mix(value("class_mix")) or (str(value("predicted_class")) if value("predicted_class")
                                                      else "")
        status = {DONE: tr("done"), SKIPPED: tr("skipped")}.get(str(value(STATUS_FIELD) or ""), "")
        lines = [head + (f" · {status}" if status else ""), classes]
        if value("strategy"):
            lines.append(tr("strategy: {}").format(value("strategy")))
        return "\n".join(line for line in lines if line)

    def _thumbnail(self, feature) -> QPixmap:
        """The image (as styled in the project) under the suggestion's square."""
        pixmap = QPixmap(THUMBNAIL, THUMBNAIL)
        pixmap.fill(QColor("#d0d0d0"))
        raster = self.image.currentLayer()
        if raster is None or not feature.hasGeometry():
            return pixmap
        extent = self._extent_in(feature, raster.crs())
        settings = QgsMapSettings()
        settings.setLayers([raster])
        settings.setDestinationCrs(raster.crs())
        settings.setOutputSize(QSize(THUMBNAIL, THUMBNAIL))
        settings.setExtent(extent)
        settings.setBackgroundColor(QColor("#d0d0d0"))
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        return QPixmap.fromImage(job.renderedImage())

    def _extent_in(self, feature, crs) -> QgsRectangle:
        box = feature.geometry().boundingBox()
        if self.layer is not None and self.layer.crs() != crs and crs.isValid():
            box = QgsCoordinateTransform(self.layer.crs(), crs, QgsProject.instance()).transformBoundingBox(box)
        return box

    # -- actions -----------------------------------------------------------------------------------------------------
    def done(self) -> None:
        self._mark(DONE)

    def skip(self) -> None:
        self._mark(SKIPPED)

    def next(self) -> None:
        if self.fids:
            self.list.setCurrentRow(min(self.list.currentRow() + 1, len(self.fids) - 1))

    def previous(self) -> None:
        if self.fids:
            self.list.setCurrentRow(max(self.list.currentRow() - 1, 0))

    def _mark(self, status: str) -> None:
        """Store `status` in the current suggestion's `status` field (through the edit buffer when the layer is
        being edited, else straight into the file) and move to the next one."""
        row = self.list.currentRow()
        if self.layer is None or row < 0:
            return
        if self.layer.fields().indexOf(STATUS_FIELD) < 0:  # the first mark: the layer gets its status field now
            self.layer.dataProvider().addAttributes([QgsField(STATUS_FIELD, QVariant.String, len=16)])
            self.layer.updateFields()
        fid, index = self.fids[row], self.layer.fields().indexOf(STATUS_FIELD)
        if self.layer.isEditable():
            self.layer.changeAttributeValue(fid, index, status)
        else:
            self.layer.dataProvider().changeAttributeValues({fid: {index: status}})
            self.layer.reload()
        self.list.item(row).setText(self._describe(self.layer.getFeature(fid)))
        self._update_progress()
        self.next()

    def counts(self) -> tuple[int, int, int]:
        """(done, skipped, total) suggestions."""
        if self.layer is None:
            return 0, 0, 0
        if self.layer.fields().indexOf(STATUS_FIELD) < 0:
            return 0, 0, self.layer.featureCount()
        statuses = [str(f[STATUS_FIELD] or "") for f in self.layer.getFeatures()]
        return statuses.count(DONE), statuses.count(SKIPPED), len(statuses)

    def _update_progress(self) -> None:
        done, skipped, total = self.counts()
        text = tr("{} of {} labelled").format(done, total)
        if skipped:
            text += tr(", {} skipped").format(skipped)
        self.progress.setText(text)

    def _zoom(self, row: int) -> None:
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if canvas is None or self.layer is None or row < 0:
            return
        feature = self.layer.getFeature(self.fids[row])
        if not feature.hasGeometry():
            return
        extent = self._extent_in(feature, canvas.mapSettings().destinationCrs())
        extent.scale(1.5)
        canvas.setExtent(extent)
        canvas.refresh()

    def open_training(self) -> None:
        """Processing's 'Extract training patches' dialog with the image and the label layer filled in."""
        import processing
        parameters = {}
        if self.image.currentLayer() is not None:
            parameters["INPUT"] = self.image.currentLayer().id()
        if self.labels.currentLayer() is not None:
            parameters["LABELS"] = self.labels.currentLayer().id()
        processing.execAlgorithmDialog("deepmapper:extractpatches", parameters)


def is_suggestions(layer) -> bool:
    """True for a polygon layer with suggestsamples' fields (rank, score, strategy)."""
    if not isinstance(layer, QgsVectorLayer) or not layer.isValid():
        return False
    names = set(layer.fields().names())
    return all(name in names for name in SUGGESTION_FIELDS)


def image_for(suggestions: QgsVectorLayer | None) -> QgsRasterLayer | None:
    """The project's raster the suggestions were made on, as far as the project tells: among the rasters whose
    extent holds the suggestions' (in their CRS), multi-band before one-band (suggestsamples' uncertainty map has
    one band on the same grid, a class map too), then the first added. None when no raster covers them. Without
    suggestions: the first multi-band raster (the scene, not a class map made from it), else None."""
    rasters = [layer for layer in QgsProject.instance().mapLayers().values()
               if isinstance(layer, QgsRasterLayer) and layer.isValid()]
    if suggestions is None:
        return next((layer for layer in rasters if layer.bandCount() > 1), None)
    box = suggestions.extent()
    if box.isEmpty():
        return None
    covering = []
    for order, layer in enumerate(rasters):
        extent = layer.extent()
        if layer.crs() != suggestions.crs() and layer.crs().isValid() and suggestions.crs().isValid():
            extent = QgsCoordinateTransform(layer.crs(), suggestions.crs(),
                                            QgsProject.instance()).transformBoundingBox(extent)
        grown = QgsRectangle(extent)
        grown.grow(max(extent.width(), extent.height()) * 1e-6)  # rounding of the squares' corners
        if grown.contains(box):
            covering.append((layer.bandCount() < 2, order, layer))
    return min(covering, key=lambda item: item[:2])[2] if covering else None


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("inf")


def _class_mix(text) -> str:
    """'forest 60 %, water 40 %' from the class_mix JSON ({class: share 0..1}); '' when it cannot be read."""
    try:
        mix = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return ""
    if not isinstance(mix, dict):
        return ""
    parts = sorted(((str(k), float(v)) for k, v in mix.items() if isinstance(v, (int, float))), key=lambda kv: -kv[1])
    return ", ".join(f"{class_label(k)} {round(100 * v)} %" for k, v in parts[:3])
