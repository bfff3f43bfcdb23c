"""Dialog widgets for parameters whose value is a key or a magic number: the dialog shows words, the value stays.

QGIS 3.22's enum widget shows a static-string enum's option strings themselves (`sentinel2_l1c`), and its number
widget has no special-value text (`0.000000` for "detect"). These Python widget wrappers, named in a parameter's
metadata ({'widget_wrapper': {'class': ..., ...}}, see base.with_widget / base.with_special_value), show human
labels and words such as "Automatic" in the toolbox and batch dialogs while the parameter value stays the
qgis_process value (the option string, the number). The model builder keeps QGIS's own widget (it can also take a
model input or another algorithm's output). Processing imports this module only when a dialog opens.
(The MODEL dropdown is model_widget.py.)
"""
from __future__ import annotations

from processing.gui.wrappers import WidgetWrapper
from qgis.core import NULL, QgsProcessingParameterNumber
from qgis.gui import QgsDoubleSpinBox, QgsGui, QgsSpinBox
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import QComboBox


class DialogOnlyWrapper(WidgetWrapper):
    """A Python wrapper for the algorithm and batch dialogs; the model builder gets QGIS's own widget."""

    def __new__(cls, param, dialog, row=0, col=0, **kwargs):
        if type(dialog).__name__ == "ModelerParametersDialog":
            widget = QgsGui.processingGuiRegistry().createModelerParameterWidget(
                dialog.model, dialog.childId, param, dialog.context)
            if widget is not None:
                widget.setDialog(dialog)
                return widget
        return super().__new__(cls)

    def tr(self, string, context=""):
        """QGIS's own wrapper strings (createLabel's ' [optional]') in QGIS's context: WidgetWrapper.tr would look
        them up under this subclass's name, which no translation has ('[optional]' among '[optionnel]')."""
        return QCoreApplication.translate(context or "WidgetWrapper", string)


class LabelledEnumWrapper(DialogOnlyWrapper):
    """A combo box of human labels whose item data are the static option strings (the parameter's values); the
    tooltip of each item is its qgis_process value."""

    def createWidget(self, labels: list[str] | None = None):  # noqa: N802
        options = self.parameterDefinition().options()
        labels = list(labels or [])[:len(options)]
        labels += options[len(labels):]
        combo = QComboBox()
        for option, label in zip(options, labels):
            combo.addItem(label, option)
            combo.setItemData(combo.count() - 1, option, Qt.ToolTipRole)
        combo.currentIndexChanged.connect(lambda _i: self.widgetValueHasChanged.emit(self))
        return combo

    def setValue(self, value):  # noqa: N802
        if value is None or value == NULL:
            return
        if isinstance(value, list):
            value = value[0] if value else None
        as_option = getattr(self.parameterDefinition(), "as_option", None)  # StaticEnum: a number means an option
        index = self.widget.findData(as_option(value) if as_option else value)
        if index >= 0:
            self.widget.setCurrentIndex(index)

    def value(self):
        return self.widget.currentData()


class SpecialValueNumberWrapper(DialogOnlyWrapper):
    """A spin box that shows a word (e.g. "Automatic") at the parameter's minimum, which means "let the model or the
    machine decide"; the value stays the number."""

    def createWidget(self, special_text: str = "", decimals: int | None = None):  # noqa: N802
        param = self.parameterDefinition()
        integer = param.dataType() == QgsProcessingParameterNumber.Integer
        box = QgsSpinBox() if integer else QgsDoubleSpinBox()
        if not integer:
            box.setDecimals(decimals if decimals is not None else 6)
        limit = 2 ** 31 - 1 if integer else 1e12
        bounds = max(param.minimum(), -limit), min(param.maximum(), limit)
        box.setMinimum(int(bounds[0]) if integer else bounds[0])
        box.setMaximum(int(bounds[1]) if integer else bounds[1])
        box.setSpecialValueText(special_text)
        if param.defaultValue() is not None:
            box.setClearValue(param.defaultValue())
            box.setShowClearButton(True)
        box.valueChanged.connect(lambda _v: self.widgetValueHasChanged.emit(self))
        return box

    def setValue(self, value):  # noqa: N802
        if value is None or value == NULL:
            return
        try:
            number = float(value)
        except (TypeError, ValueError):
            return
        self.widget.setValue(int(round(number)) if isinstance(self.widget, QgsSpinBox) else number)

    def value(self):
        return self.widget.value()
