"""Labelling panel for the active-learning loop: walk through the places deepmapper:suggestsamples proposes, look at
each (thumbnail, score, predicted classes, the map zoomed on it), draw labels there in your own layer, mark it done
or skipped (D, S; N and P move), and start patch extraction for training when enough are labelled.

The suggestions layer is the documented output of deepmapper:suggestsamples: one square polygon per suggestion with
the fields rank, score, strategy, predicted_class and class_mix (JSON: class -> share). The panel keeps the state in
a text field `status` of that layer ('done', 'skipped' or empty), added when missing, so it survives sessions.
"""
from __future__ import annotations

import json

from qgis.core import (QgsCoordinateTransform, QgsFeatureRequest, QgsField, QgsMapLayerProxyModel,
                       QgsMapRendererSequentialJob, QgsMapSettings, QgsProject, QgsRectangle, QgsVectorLayer)
from qgis.gui import QgsDockWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QVariant
from qgis.PyQt.QtGui import QColor, QIcon, QPixmap
from qgis.PyQt.QtWidgets import (QFormLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                                 QVBoxLayout, QWidget)

from ..plugin.algorithms.labels import class_label

STATUS_FIELD = "status"
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
        layout.addWidget(self.list, 1)
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
        self.setWidget(body)
        self.done_button.clicked.connect(self.done)
        self.skip_button.clicked.connect(self.skip)
        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.train_button.clicked.connect(self.open_training)
        self.suggestions.layerChanged.connect(self.set_layer)
        self.image.layerChanged.connect(lambda _layer: self.reload())
        self.list.currentRowChanged.connect(self._zoom)
        self._keys = _Keys(self)
        for widget in (self.list, body):
            widget.installEventFilter(self._keys)
        self.set_layer(self.suggestions.currentLayer())

    # -- loading ----------------------------------------------------------------------------------------------------
    def set_layer(self, layer) -> None:
        """Show the suggestions of `layer` (adds the `status` field when missing)."""
        self.layer = layer if isinstance(layer, QgsVectorLayer) and layer.isValid() else None
        if self.layer is not None and self.layer.fields().indexOf(STATUS_FIELD) < 0:
            self.layer.dataProvider().addAttributes([QgsField(STATUS_FIELD, QVariant.String, len=16)])
            self.layer.updateFields()
        self.reload()

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
