"""The Processing provider: makes DeepMapper's algorithms visible to the toolbox, model builder and qgis_process."""
from qgis.core import QgsProcessingProvider
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
