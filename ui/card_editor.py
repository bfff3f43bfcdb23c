"""A model card, readable (card_html, for the model manager's card pane) and editable (CardEditorDialog: the form that
imports a user's model). The editor checks the card with models/card.py exactly as the engine does and shows its
error text; on OK models/catalog.install_model copies the weights and writes the card into the user model folder.
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Callable

from qgis.gui import QgsColorButton
from qgis.PyQt.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, Qt
from qgis.PyQt.QtGui import QColor, QImage, QPainter
from qgis.PyQt.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QGridLayout,
                                 QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox,
                                 QTableWidget, QTableWidgetItem, QVBoxLayout)

from ..models.card import ACTIVATIONS, FORMATS, TASKS, UNITS, CardError
from ..models.catalog import ModelEntry, guess_format, install_model
from ..plugin.algorithms.labels import class_label
from ..plugin.core.engine.errors import DeepMapperError

DEFAULT_COLOURS = ("#1b7837", "#e31a1c", "#2166ac", "#ff7f00", "#6a3d9a", "#b15928", "#a6cee3", "#fb9a99")
DEFAULT_ARCHITECTURE = '{"name": "unet_light", "params": {"width": 16, "depth": 3}}'


def tr(text: str) -> str:
    return QCoreApplication.translate("DeepMapper", text)


def swatch(color: str, width: int = 18, height: int = 12) -> str:
    """A class colour as a PNG data URI with a grey border, so that white (cloud) shows on a white page too (Qt's rich
    text draws no border around a span)."""
    image = QImage(width, height, QImage.Format_ARGB32)
    image.fill(QColor("#808080"))
    painter = QPainter(image)
    painter.fillRect(1, 1, width - 2, height - 2, QColor(color))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return "data:image/png;base64," + bytes(data.toBase64()).decode("ascii")


def card_html(card, entry: ModelEntry, tr: Callable[[str], str] = tr, word: Callable[[str], str] = str) -> str:
    """The card as a short HTML page: what it does, what it needs, its classes with colours, provenance, scores.
    `word` puts the card's keys (task, units, product level, blend) in words (model_manager.word)."""
    d, e = card.data, html.escape

    def row(label: str, value) -> str:
        return f"<tr><td style='padding-right:12px'><b>{e(label)}</b></td><td>{value}</td></tr>" if value else ""

    classes = "".join(
        f"<img src='{swatch(c.get('color', '#808080'))}'>&nbsp;"
        f"{c['id']} {e(class_label(c['name']))}&nbsp;&nbsp; " for c in card.classes)
    measured = "; ".join(str(group["data"]) for group in d.get("metrics", {}).values()
                         if isinstance(group, dict) and group.get("data"))
    tiling = card.tiling
    source = e(d["source_url"])
    link = f"<a href='{source}'>{source}</a>" if d["source_url"].startswith("http") else source
    rows = [row(tr("Id"), e(card.id)), row(tr("Task"), e(word(card.task))),
            row(tr("Format"), e(card.format)), row(tr("Bands"), e(", ".join(card.bands))),
            row(tr("Units"), e(word(card.units))), row(tr("Product level"), e(word(card.product_level))),
            row(tr("Sensor"), e(d["input"].get("sensor", ""))),
            row(tr("Resolution"), f"{card.resolution_m:g} m" if card.resolution_m else ""),
            row(tr("Classes"), classes),
            row(tr("Tiling"), e(tr("{} px tiles, {} px margin, {}").format(
                tiling["tile_size"], tiling["margin"], word(tiling["blend"])))),
            row(tr("Licence"), e(d["license"])), row(tr("Source"), link),
            row(tr("Citation"), e(d.get("citation", ""))), row(tr("Validation scores"), e(entry.scores)),
            row(tr("Scores measured on"), e(measured)),
            row(tr("Card file"), e(entry.card_path)), row(tr("Download from"), e(entry.weights_url)),
            row(tr("Problem"), f"<span style='color:#b42318'>{e(entry.problem)}</span>" if entry.problem else "")]
    return (f"<h3>{e(card.name)}</h3><p>{e(d.get('description', ''))}</p>"
            f"<table>{''.join(rows)}</table>")


class CardEditorDialog(QDialog):
    """A form for the card of `weights`; OK checks it (models/card.py) and installs it into `folder`, else shows the
    check's message and stays open. `installed` is the new card path after a successful OK."""

    def __init__(self, weights: str, folder: str, parent=None) -> None:
        super().__init__(parent)
        self.weights, self.folder = Path(weights), Path(folder)
        self.installed: Path | None = None
        self.setWindowTitle(tr("Import a model: {}").format(self.weights.name))
        self.setMinimumWidth(940)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Describe the model so that DeepMapper can feed it the right bands and show its classes. "
                          "The weights and this card are copied into {}.").format(self.folder))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        columns = QHBoxLayout()
        columns.addWidget(self._model_group(), 3)
        columns.addWidget(self._input_group(), 2)
        layout.addLayout(columns)
        layout.addWidget(self._classes_group())
        for name in (tr("background"), tr("object")):
            self.add_class(name)
        self._add_footer(layout)

    # -- the form's parts --------------------------------------------------------------------------------------------
    def _model_group(self) -> QGroupBox:
        """What the model is and where it comes from (id, name, task, format, architecture, activation, licence)."""
        about = QGroupBox(tr("Model"))
        form_a = QFormLayout(about)
        stem = "".join(ch if ch.isalnum() else "_" for ch in self.weights.stem.lower())
        self.id = QLineEdit(stem)
        self.name = QLineEdit(self.weights.stem.replace("_", " "))
        self.task = self._combo(TASKS[:3], "segmentation")
        self.format = self._combo(FORMATS, self._guess())
        self.architecture = QLineEdit(DEFAULT_ARCHITECTURE)
        self.architecture.setToolTip(tr("For PyTorch state dicts: the architecture that reads them, as JSON"))
        self.format.currentTextChanged.connect(
            lambda text: self.architecture.setEnabled(text == "torch_state_dict"))
        self.architecture.setEnabled(self.format.currentText() == "torch_state_dict")
        self.architecture.setCursorPosition(0)
        self.license = QLineEdit()
        self.license.setPlaceholderText(tr("e.g. CC-BY-4.0, or 'own model'"))
        self.source = QLineEdit()
        self.source.setPlaceholderText(tr("where the model comes from (URL or text)"))
        self.activation = self._combo(ACTIVATIONS, "softmax")
        form_a.addRow(tr("Id:"), self.id)
        form_a.addRow(tr("Name:"), self.name)
        form_a.addRow(tr("Task:"), self.task)
        form_a.addRow(tr("Format:"), self.format)
        form_a.addRow(tr("Architecture:"), self.architecture)
        form_a.addRow(tr("Output activation:"), self.activation)
        form_a.addRow(tr("Licence:"), self.license)
        form_a.addRow(tr("Source:"), self.source)
        return about

    def _input_group(self) -> QGroupBox:
        """What the model reads (bands, units, pixel size, normalisation) and how it is tiled."""
        inputs = QGroupBox(tr("Input and tiling"))
        form_b = QFormLayout(inputs)
        self.bands = QLineEdit()
        self.bands.setPlaceholderText(tr("in the model's order, e.g. blue,green,red,nir"))
        self.units = self._combo(UNITS, "reflectance")
        self.resolution = QDoubleSpinBox()
        self.resolution.setRange(0, 10000)
        self.resolution.setDecimals(2)
        self.resolution.setSpecialValueText(tr("Any"))
        self.resolution.setSuffix(" m")
        self.mean, self.std = QLineEdit(), QLineEdit()
        for field in (self.mean, self.std):
            field.setPlaceholderText(tr("one value per band; empty: no normalisation"))
        self.tile_size = self._spin(16, 8192, 256)
        self.margin = self._spin(0, 1024, 16)
        self.size_multiple = self._spin(1, 512, 1)
        self.blend = self._combo(("crop", "blend"), "crop")
        form_b.addRow(tr("Bands:"), self.bands)
        form_b.addRow(tr("Units:"), self.units)
        form_b.addRow(tr("Pixel size:"), self.resolution)
        form_b.addRow(tr("Mean per band:"), self.mean)
        form_b.addRow(tr("Std per band:"), self.std)
        form_b.addRow(tr("Tile size:"), self.tile_size)
        form_b.addRow(tr("Margin:"), self.margin)
        form_b.addRow(tr("Size multiple:"), self.size_multiple)
        form_b.addRow(tr("Tile edges:"), self.blend)
        return inputs

    def _classes_group(self) -> QGroupBox:
        """The output classes table (value, name, colour) with its add and remove buttons."""
        classes = QGroupBox(tr("Output classes"))
        grid = QGridLayout(classes)
        self.classes = QTableWidget(0, 3)
        self.classes.setHorizontalHeaderLabels([tr("Value"), tr("Name"), tr("Colour")])
        self.classes.verticalHeader().setVisible(False)
        self.classes.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.classes.setMinimumHeight(130)
        grid.addWidget(self.classes, 0, 0, 3, 1)
        add, remove = QPushButton(tr("Add class")), QPushButton(tr("Remove class"))
        add.clicked.connect(lambda: self.add_class())
        remove.clicked.connect(lambda: self.classes.removeRow(max(0, self.classes.currentRow())))
        grid.addWidget(add, 0, 1)
        grid.addWidget(remove, 1, 1)
        return classes

    def _add_footer(self, layout: QVBoxLayout) -> None:
        """The check's error text (selectable, so it can be copied) above Import and Cancel."""
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318")
        self.error.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.error)
        box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        box.button(QDialogButtonBox.Ok).setText(tr("Import"))
        box.button(QDialogButtonBox.Cancel).setText(tr("Cancel"))
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    # -- helpers -----------------------------------------------------------------------------------------------------
    @staticmethod
    def _combo(options, current: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems(list(options))
        combo.setCurrentText(current)
        return combo

    @staticmethod
    def _spin(low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(" px")
        return spin

    def _guess(self) -> str:
        try:
            return guess_format(self.weights)
        except DeepMapperError:
            return "onnx"

    def add_class(self, name: str = "", colour: str | None = None) -> None:
        row = self.classes.rowCount()
        self.classes.insertRow(row)
        self.classes.setItem(row, 0, QTableWidgetItem(str(row)))
        self.classes.setItem(row, 1, QTableWidgetItem(name))
        button = QgsColorButton()
        button.setColor(QColor(colour or DEFAULT_COLOURS[row % len(DEFAULT_COLOURS)]))
        self.classes.setCellWidget(row, 2, button)

    def set_classes(self, classes: list[dict]) -> None:
        self.classes.setRowCount(0)
        for c in classes:
            self.add_class(c["name"], c.get("color"))
            self.classes.item(self.classes.rowCount() - 1, 0).setText(str(c["id"]))

    def card_id(self) -> str:
        return self.id.text().strip()

    @staticmethod
    def _numbers(text: str) -> list[float]:
        return [float(v) for v in text.replace(";", ",").split(",") if v.strip()]

    # -- the card ----------------------------------------------------------------------------------------------------
    def card(self) -> dict:
        """The card the form describes (weights and sha256 are filled in by install_model). Raises CardError for
        values the form cannot turn into card fields (numbers, JSON)."""
        try:
            mean, std = self._numbers(self.mean.text()), self._numbers(self.std.text())
            ids = [int(self.classes.item(r, 0).text()) for r in range(self.classes.rowCount())]
        except ValueError as exc:
            raise CardError(tr("Mean, std and class values must be numbers ({}).").format(exc)) from None
        normalization = {"type": "standard", "mean": mean, "std": std} if mean or std else {"type": "none"}
        card = {"schema_version": 1, "id": self.card_id(), "name": self.name.text().strip(),
                "task": self.task.currentText(), "format": self.format.currentText(), "weights": "", "sha256": "",
                "license": self.license.text().strip(), "source_url": self.source.text().strip(),
                "input": {"bands": [b.strip() for b in self.bands.text().split(",") if b.strip()],
                          "units": self.units.currentText(), "normalization": normalization},
                "output": {"activation": self.activation.currentText(), "classes": [
                    {"id": ids[r], "name": self.classes.item(r, 1).text().strip(),
                     "color": self.classes.cellWidget(r, 2).color().name()} for r in range(len(ids))]},
                "tiling": {"tile_size": self.tile_size.value(), "margin": self.margin.value(),
                           "blend": self.blend.currentText(), "size_multiple": self.size_multiple.value()}}
        if self.resolution.value() > 0:
            card["input"]["resolution_m"] = self.resolution.value()
        if self.format.currentText() == "torch_state_dict":
            try:
                card["architecture"] = json.loads(self.architecture.text())
            except json.JSONDecodeError as exc:
                raise CardError(tr("Architecture must be JSON, e.g. {} ({}).").format(DEFAULT_ARCHITECTURE,
                                                                                      exc)) from None
        for key in ("license", "source_url"):
            if not card[key]:
                card[key] = "unknown" if key == "license" else str(self.weights)
        if not card["id"]:
            raise CardError(tr("Give the model an id: it is what MODEL takes."))
        return card

    def accept(self) -> None:
        """Check and install; a card the engine would refuse keeps the dialog open with the reason."""
        try:
            self.installed = install_model(self.card(), self.weights, self.folder)
        except DeepMapperError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
