"""The Processing provider: makes DeepMapper's algorithms visible to the toolbox, model builder and qgis_process.

It also ships model-builder models (models/processing/*.model3, e.g. the labelling loop): they are read with
QgsProcessingModelAlgorithm and listed in the provider's "Models" group, so they run like any other algorithm, and,
unlike a model of the user's own in QGIS 3.22, in a background task (ThreadedModel)."""
from pathlib import Path

from qgis.core import QgsMessageLog, QgsProcessingAlgorithm, QgsProcessingModelAlgorithm, QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .algorithms import ALGORITHMS
from .algorithms.base import ICON_PATH


class DeepMapperProvider(QgsProcessingProvider):
    def id(self) -> str:  # fixed by the interface contract
        return "deepmapper"

    def name(self) -> str:
        return "DeepMapper"

    def tr(self, text: str) -> str:  # one translation context for the whole plugin
        return QCoreApplication.translate("DeepMapper", text)

    def longName(self) -> str:  # noqa: N802
        return self.tr("DeepMapper: deep-learning mapping from satellite and aerial images")

    def icon(self) -> QIcon:
        return QIcon(ICON_PATH)

    def loadAlgorithms(self) -> None:  # noqa: N802
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
        for path in sorted(MODELS_DIR.glob("*.model3")):
            model = ThreadedModel()
            if model.fromFile(str(path)):
                self.addAlgorithm(model)
            else:  # a broken shipped file must not cost the user the algorithms
                QgsMessageLog.logMessage(self.tr("Could not read the model {}").format(path), "DeepMapper")


MODELS_DIR = Path(__file__).resolve().parents[1] / "models" / "processing"


class ThreadedModel(QgsProcessingModelAlgorithm):
    """A shipped model that runs in a background task like its child algorithms. QGIS 3.22 flags every model
    FlagNoThreading, so the Processing dialog ran the labelling loop (patches, training, masking) on the main
    thread: a frozen window for minutes, Cancel unanswered (a new user's session). DeepMapper's algorithms all run in
    tasks, so the shipped models may too (later QGIS versions decide this from the child algorithms)."""

    def flags(self):  # noqa: D102
        return super().flags() & ~QgsProcessingAlgorithm.FlagNoThreading

    def createInstance(self):  # noqa: N802  (Processing runs a copy; it must stay a ThreadedModel)
        copy = ThreadedModel()
        copy.loadVariant(self.toVariant())
        copy.setSourceFilePath(self.sourceFilePath())
        return copy

