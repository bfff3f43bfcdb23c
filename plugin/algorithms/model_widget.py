"""ModelWidgetWrapper: the MODEL (and INIT_MODEL) parameters as an editable dropdown of the installed models that fit
the algorithm, with a first entry for the empty value ("Best for this image"; "None (train from scratch)" for INIT_MODEL) and a "…" button to pick a model card (.json).

The value stays a string: a model id, a typed or browsed card path, or '' (the engine picks the best model). Set on a
parameter by model_choice.model_dropdown; Processing imports this module only when a dialog opens.
"""
from __future__ import annotations

from processing.gui.wrappers import DIALOG_BATCH
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QSizePolicy, QToolButton, QWidget

from .model_choice import model_choices
from .widgets import DialogOnlyWrapper


def tr(text: str) -> str:
    return QCoreApplication.translate("DeepMapper", text)


def empty_choice(parameter_name: str) -> tuple[str, str]:
    """(label, tooltip) of the dropdown's empty value: the best model for MODEL, no model (from scratch) for
    trainmodel's INIT_MODEL."""
    if parameter_name == "INIT_MODEL":
        return (tr("None (train from scratch)"),
                tr("Start from random weights; choose a model to fine-tune it or transfer what it learnt."))
    return (tr("Best for this image"),
            tr("Leave the choice to DeepMapper: the installed model that fits the image's bands best."))


class ModelWidgetWrapper(DialogOnlyWrapper):
    """Algorithm and batch dialogs: the combo box is editable, so any id or path can be typed. The model builder
    keeps QGIS's own widget (DialogOnlyWrapper), which can also take the value from a model input or another algorithm's output (e.g.
    MODEL_ID of trainmodel)."""

    def createWidget(self, tasks=(), formats=(), **kwargs):  # noqa: N802
        self.tasks, self.formats = list(tasks), list(formats)
        widget = QWidget()
        layout = QHBoxLayout(widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.NoInsert)
        self.combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        # 24 characters: wider pushed every dialog past its default 688 px (a horizontal scrollbar hid the "..."
        # buttons)
        self.combo.setMinimumContentsLength(20 if self.dialogType == DIALOG_BATCH else 24)
        self.combo.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.combo.setToolTip(tr("An installed model, a model id, or the path of a model card (.json).") + "\n"
                              + ": ".join(empty_choice(self.parameterDefinition().name())))
        self.fill()
        layout.addWidget(self.combo, 1)
        browse = QToolButton()
        browse.setText("…")
        browse.setToolTip(tr("Choose a model card (.json)"))
        browse.clicked.connect(self.browse)
        layout.addWidget(browse)
        return widget

    def fill(self) -> None:
        """(Re)list the installed models; keeps what is typed or chosen."""
        current = self.combo.currentText() if self.combo.count() else ""
        self.combo.clear()
        label, tip = empty_choice(self.parameterDefinition().name())
        self.combo.addItem(label, "")
        self.combo.setItemData(0, tip, 3)  # Qt.ToolTipRole
        for label, model_id, tip in model_choices(self.tasks, self.formats):
            self.combo.addItem(label, model_id)
            self.combo.setItemData(self.combo.count() - 1, tip, 3)
        if current:
            self.setValue(current)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.widget, tr("Model card"), "", tr("Model cards (*.json)"))
        if path:
            self.combo.setEditText(path)

    def setValue(self, value):  # noqa: N802
        if value is None or value == "":
            self.combo.setCurrentIndex(0)
            return
        value = value.staticValue() if hasattr(value, "staticValue") else value
        index = self.combo.findData(str(value).strip())
        if index < 0:
            index = self.combo.findText(str(value))
        if index >= 0:
            self.combo.setCurrentIndex(index)
        else:
            self.combo.setEditText(str(value))
        self.combo.lineEdit().setCursorPosition(0)  # show the start of a long name, not its end

    def value(self):
        """The id of the listed model whose label is shown, else the typed text (an id or a card path)."""
        text = self.combo.currentText().strip()
        index = self.combo.findText(text)
        return self.combo.itemData(index) if index >= 0 else text
